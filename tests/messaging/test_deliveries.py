"""A message is queued per recipient and channel, sent by the worker and recorded."""

import pytest
from django.core import mail

from accounts.models import Unit
from messaging.actions import deliveries
from messaging.models import Channel, ChannelChoice, Delivery, MessageKind, UnitContact

pytestmark = pytest.mark.django_db


def test_a_person_is_reached_in_the_app_and_by_mail(django_capture_on_commit_callbacks, contributor):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    with django_capture_on_commit_callbacks(execute=True):
        reach = deliveries.send_message(
            kind=MessageKind.WORKFLOW, text="稿件已采用", link="/pieces/1/", users=[contributor]
        )
    assert [r.channels for r in reach.reached] == [["inapp", "email"]]
    rows = {row.channel: row for row in Delivery.objects.filter(user=contributor)}
    assert rows["inapp"].status == Delivery.Status.DELIVERED
    assert rows["email"].status == Delivery.Status.SENT
    assert rows["email"].attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["xihu@example.gov.cn"]
    assert "/pieces/1/" in mail.outbox[0].body


def test_a_person_who_chose_the_app_only_gets_no_mail(django_capture_on_commit_callbacks, contributor):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    ChannelChoice.objects.create(user=contributor, kind=MessageKind.WORKFLOW, channels=[])
    with django_capture_on_commit_callbacks(execute=True):
        reach = deliveries.send_message(kind=MessageKind.WORKFLOW, text="稿件已采用", users=[contributor])
    assert [r.channels for r in reach.reached] == [[Channel.INAPP]]
    assert mail.outbox == []


def test_a_contact_without_an_address_is_named_unreachable():
    unit = Unit.objects.create(
        name="测试区人大常委会", short_name="测试区", kind="district", office_name="测试区人大办"
    )
    contact = UnitContact.objects.create(unit=unit, name="王五")
    reach = deliveries.send_message(kind=MessageKind.REMINDER, text="请报送", contacts=[contact])
    assert reach.reached == []
    assert [r.name for r in reach.unreachable] == ["测试区 王五"]
    assert not Delivery.objects.exists()


def test_old_settled_deliveries_are_pruned_and_waiting_ones_kept(settings, contributor):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    settings.BULLETIN_DELIVERY_RETENTION_DAYS = 30
    old = timezone.now() - datetime.timedelta(days=31)
    kept = Delivery.objects.create(
        kind="workflow", channel="email", user=contributor, text="新", status="sent"
    )
    gone = Delivery.objects.create(
        kind="workflow", channel="email", user=contributor, text="旧", status="delivered"
    )
    waiting = Delivery.objects.create(
        kind="workflow", channel="sms", user=contributor, text="旧", status="retrying"
    )
    Delivery.objects.filter(pk__in=[gone.pk, waiting.pk]).update(created_at=old)
    call_command("prune_deliveries")
    assert set(Delivery.objects.values_list("pk", flat=True)) == {kept.pk, waiting.pk}
