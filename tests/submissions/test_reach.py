"""Who was reached: a reminder reaches a unit's 报送员, or its contacts when it has no account,
and says per unit 已发送（channels） / 今日已提醒 / 无法送达；the pages show the deliveries."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Unit
from assessment.actions import quotas
from audit.models import AuditEntry
from messaging.actions import deliveries, unit_contacts
from messaging.models import ChannelChoice, ContactDetails, Delivery, MessageKind, UnitContact
from submissions import queries
from submissions.actions import commissions, pieces
from submissions.actions.reminders import ReachState, send_reminder
from submissions.models import Notification, Reminder
from submissions.reminders import send_due_reminders

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(short_name=name)


@pytest.fixture
def three_units(editor, contributor, make_user):
    """西湖区 has an account (mobile, chose 短信 for reminders); 萧山区 only a contact with a
    phone; 滨江区 nothing. The commission asks all three."""
    ContactDetails.objects.create(user=contributor, mobile="13900000001")
    ChannelChoice.objects.create(user=contributor, kind=MessageKind.REMINDER, channels=["sms"])
    unit_contacts.create_unit_contact(actor=editor, unit=unit("萧山区"), name="王五", mobile="139 0000 0002")
    return commissions.create_commission(
        actor=editor,
        topic="优化营商环境",
        requirements="",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        units=[unit("西湖区"), unit("萧山区"), unit("滨江区")],
    )


def test_cuibao_names_each_units_state_and_sends_exactly_the_expected_texts(
    three_units, editor, contributor, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.received.clear()  # the 约稿 notice itself went to 王五 too
    with django_capture_on_commit_callbacks(execute=True):
        results = commissions.remind_commission(actor=editor, commission=three_units)
    assert {r.unit.short_name: r.label for r in results} == {
        "西湖区": "已发送（站内+短信）",
        "萧山区": "已发送（短信）",
        "滨江区": "无法送达：未登记联系方式",
    }
    assert sorted(m["phone"] for m in sms_gateway.received) == ["13900000001", "13900000002"]
    assert all(m["variables"]["content"].startswith("催报") for m in sms_gateway.received)
    # The contact got no in-app notice (it has no account); the account did.
    assert Notification.objects.filter(recipient=contributor, text__startswith="催报").count() == 1
    contact = UnitContact.objects.get(name="王五")
    assert Reminder.objects.filter(contact=contact, cause=f"commission:{three_units.pk}:nudge").count() == 1
    sms = Delivery.objects.get(contact=contact, cause=f"commission:{three_units.pk}:nudge")
    assert (sms.channel, sms.status, sms.address) == ("sms", Delivery.Status.SENT, "13900000002")
    # The audit row names who was told and who could not be.
    row = AuditEntry.objects.filter(kind=AuditEntry.Kind.COMMISSION_REMINDED).latest("id")
    assert row.after["units"] == ["萧山区", "西湖区"] and row.after["unreachable"] == ["滨江区"]
    assert "无法送达：滨江区" in row.message

    # The same day again: two separate named states, and no text message twice.
    sms_gateway.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = commissions.remind_commission(actor=editor, commission=three_units)
    assert {r.unit.short_name: r.label for r in again} == {
        "西湖区": "今日已提醒",
        "萧山区": "今日已提醒",
        "滨江区": "无法送达：未登记联系方式",
    }
    assert sms_gateway.received == []


def test_contacts_stand_in_only_for_a_unit_without_an_active_account(
    editor, contributor, settings, django_capture_on_commit_callbacks
):
    settings.BULLETIN_CONTACT_CHANNELS = ["email"]
    xihu = unit("西湖区")
    office = unit_contacts.create_unit_contact(
        actor=editor, unit=xihu, name="办公室", email="xh@example.gov.cn"
    )
    accounts, contacts = queries.unit_recipients([xihu.pk])
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminder(
            cause="t:1", recipients=accounts[xihu.pk], contacts=contacts[xihu.pk], unit=xihu,
            text="请报送", link="", today=timezone.localdate(),
        )  # fmt: skip
    assert result.state == ReachState.SENT and not result.by_contacts
    assert mail.outbox == []  # the account has no address; the office mailbox is not used beside it
    # The account leaves: the contact stands in.
    contributor.is_active = False
    contributor.save()
    accounts, contacts = queries.unit_recipients([xihu.pk])
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminder(
            cause="t:1", recipients=accounts.get(xihu.pk, []), contacts=contacts[xihu.pk], unit=xihu,
            text="请报送", link="", today=timezone.localdate(),
        )  # fmt: skip
    assert (result.label, result.by_contacts) == ("已发送（邮件）", True)
    assert [m.to for m in mail.outbox] == [["xh@example.gov.cn"]]
    # A stopped contact is not told; nothing left → 无法送达, and no Reminder claimed for it.
    unit_contacts.set_unit_contact_active(actor=editor, contact=office, active=False)
    accounts, contacts = queries.unit_recipients([xihu.pk])
    result = send_reminder(
        cause="t:2", recipients=[], contacts=contacts.get(xihu.pk, []), unit=xihu,
        text="请报送", link="", today=timezone.localdate(),
    )  # fmt: skip
    assert result.label == "无法送达：未登记联系方式"
    assert not Reminder.objects.filter(cause="t:2").exists()


def test_a_contact_whose_only_address_is_on_a_channel_not_configured_cannot_be_reached(editor, settings):
    # 短信 is not configured here (no BULLETIN_SMS_*): a phone alone reaches nobody, and the
    # unit is not marked reminded — once a phone channel exists, it can be reminded the same day.
    contact = unit_contacts.create_unit_contact(
        actor=editor, unit=unit("萧山区"), name="王五", mobile="13900000002"
    )
    result = send_reminder(
        cause="t:3", recipients=[], contacts=[contact], unit=contact.unit, text="x", link="",
        today=timezone.localdate(),
    )  # fmt: skip
    assert result.state == ReachState.UNREACHABLE
    assert not Reminder.objects.exists()


def test_the_database_keeps_a_contact_to_one_reminder_per_cause_and_day(editor):
    contact = unit_contacts.create_unit_contact(
        actor=editor, unit=unit("萧山区"), name="王五", email="x@example.cn"
    )
    today = timezone.localdate()
    Reminder.objects.create(cause="c", contact=contact, date=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(cause="c", contact=contact, date=today)
    # Exactly one of account and contact.
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(cause="d", date=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(cause="d", contact=contact, recipient=editor, date=today)


def test_the_daily_run_reaches_contacts_of_units_without_accounts(
    editor, contributor, settings, django_capture_on_commit_callbacks
):
    settings.BULLETIN_CONTACT_CHANNELS = ["email"]
    unit_contacts.create_unit_contact(
        actor=editor, unit=unit("滨江区"), name="赵六", email="bj@example.gov.cn"
    )
    today = timezone.localdate()
    commission = commissions.create_commission(
        actor=editor, topic="乡村振兴", requirements="", deadline=today + datetime.timedelta(days=1),
        units=[unit("西湖区"), unit("滨江区")],
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_due_reminders(today)
    assert sent.counts["约稿"] == 2  # 西湖区's account and 滨江区's contact
    assert [m.to for m in mail.outbox] == [["bj@example.gov.cn"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(today).total == 0
    last = queries.last_reminders([unit("滨江区").pk], queries.commission_causes(commission))
    (person,) = last[unit("滨江区").pk].recipients
    assert person.name == "赵六" and person.is_contact
    assert [(d.channel, d.status) for d in person.deliveries] == [("email", "sent")]


def test_quota_reminders_reach_contacts_and_show_on_the_quota_page(
    editor, contributor, settings, client_for, django_capture_on_commit_callbacks
):
    settings.BULLETIN_CONTACT_CHANNELS = ["email"]
    today = timezone.localdate()
    unit_contacts.create_unit_contact(
        actor=editor, unit=unit("滨江区"), name="赵六", email="bj@example.gov.cn"
    )
    quotas.set_quota(
        actor=editor, unit_kind="", unit=unit("滨江区"), period="month", count=2,
        starts=today.replace(day=1), ends=None, note="",
    )  # fmt: skip
    last_day = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(last_day)
    assert [m.to for m in mail.outbox] == [["bj@example.gov.cn"]]
    page = client_for(editor).get(reverse("quota_page"), {"month": f"{today:%Y-%m}"}).content.decode()
    assert "赵六" in page and "（联系人）" in page and "已发送" in page


def test_a_return_reaches_the_units_contacts_when_it_has_no_account_and_shows_on_the_piece(
    editor, contributor, settings, client_for, django_capture_on_commit_callbacks
):
    settings.BULLETIN_CONTACT_CHANNELS = ["email"]
    piece = pieces.create_draft(actor=contributor, title="西湖区稿件", body="<p>正文</p>")
    piece = pieces.submit(actor=contributor, submission=piece, signer_name="李建华")
    unit_contacts.create_unit_contact(
        actor=editor, unit=unit("西湖区"), name="办公室", email="xh@example.gov.cn"
    )
    contributor.is_active = False
    contributor.save()
    with django_capture_on_commit_callbacks(execute=True):
        pieces.return_for_revision(actor=editor, submission=piece, note="请补充数据")
    assert [m.to for m in mail.outbox] == [["xh@example.gov.cn"]]
    page = client_for(editor).get(reverse("review_detail", args=[piece.pk])).content.decode()
    assert "退回通知送达情况" in page and "办公室" in page and "已发送" in page


def test_a_return_to_a_unit_nobody_can_reach_says_so_on_the_piece(editor, contributor, client_for):
    piece = pieces.create_draft(actor=contributor, title="西湖区稿件", body="<p>正文</p>")
    piece = pieces.submit(actor=contributor, submission=piece, signer_name="李建华")
    contributor.is_active = False
    contributor.save()
    pieces.return_for_revision(actor=editor, submission=piece, note="请补充数据")
    page = client_for(editor).get(reverse("review_detail", args=[piece.pk])).content.decode()
    assert "没有送达记录" in page


def test_the_commission_page_shows_the_result_and_each_units_last_reminder(
    three_units, editor, client_for, sms_gateway, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("commission_remind", args=[three_units.pk]), follow=True)
    page = response.content.decode()
    assert "催报结果" in page
    assert "西湖区：已发送（站内+短信）" in page
    assert "萧山区：已发送（短信）" in page
    assert "滨江区：无法送达：未登记联系方式" in page
    # Each unit's row: who, by what (sent once the worker ran), and the provider's word on hover.
    assert '王五</span><span class="text-secondary">（联系人）' in page and "待发送" in page
    page = client.get(reverse("commission_detail", args=[three_units.pk])).content.decode()
    assert "待发送" not in page and "服务方答复" in page
    # A failed delivery shows the provider's answer in the row.
    Delivery.objects.filter(contact__name="王五", channel="sms").update(
        status=Delivery.Status.FAILED, answer="isv.MOBILE_NUMBER_ILLEGAL 手机号码不正确"
    )
    page = client.get(reverse("commission_detail", args=[three_units.pk])).content.decode()
    assert "短信失败：isv.MOBILE_NUMBER_ILLEGAL 手机号码不正确" in page
    assert "催报结果" not in page  # the result is shown once, after the 催报


def test_last_reminders_reads_in_constant_queries(
    editor, make_user, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.BULLETIN_CONTACT_CHANNELS = ["email"]
    units = list(Unit.objects.filter(active=True).order_by("id"))

    def remind(count: int) -> list[int]:
        for u in units[:count]:
            if not UnitContact.objects.filter(unit=u).exists():
                unit_contacts.create_unit_contact(
                    actor=editor, unit=u, name=f"{u.short_name}联系人", email="a@b.cn"
                )
        accounts, contacts = queries.unit_recipients([u.pk for u in units[:count]])
        for u in units[:count]:
            deliveries.send_message(
                kind=MessageKind.REMINDER, text="x", cause="k:1", users=accounts.get(u.pk, []),
                contacts=[] if accounts.get(u.pk) else contacts.get(u.pk, []),
            )  # fmt: skip
        return [u.pk for u in units[:count]]

    few = remind(2)
    with django_assert_num_queries(3):
        assert len(queries.last_reminders(few, ["k:1"])) == 2
    many = remind(len(units))
    with django_assert_num_queries(3):
        assert len(queries.last_reminders(many, ["k:1"])) == len(units)
    with django_assert_num_queries(2):
        assert queries.last_notice("k:") is not None


def test_commission_page_queries_do_not_grow_with_reminded_units(
    editor,
    contributor,
    client_for,
    settings,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    settings.BULLETIN_CONTACT_CHANNELS = ["email"]
    client = client_for(editor)

    def page_queries(units) -> int:
        for u in units:
            if not UnitContact.objects.filter(unit=u).exists():
                unit_contacts.create_unit_contact(actor=editor, unit=u, name="联系人", email="a@b.cn")
        commission = commissions.create_commission(
            actor=editor, topic=f"约稿{len(units)}", requirements="",
            deadline=timezone.localdate() + datetime.timedelta(days=2), units=units,
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            commissions.remind_commission(actor=editor, commission=commission)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("commission_detail", args=[commission.pk])).status_code == 200
        return len(captured)

    units = list(Unit.objects.filter(active=True).order_by("id"))
    assert page_queries(units[:2]) == page_queries(units)


# --- 单位联系人 ----------------------------------------------------------------


def test_contact_actions_check_the_actor_normalise_the_mobile_and_are_audited(
    editor, admin_account, contributor
):
    xiaoshan = unit("萧山区")
    with pytest.raises(PermissionDenied):
        unit_contacts.create_unit_contact(actor=contributor, unit=xiaoshan, name="王五", mobile="13900000002")
    contact = unit_contacts.create_unit_contact(
        actor=editor, unit=xiaoshan, name="王五", mobile="+86 139-0000-0002"
    )
    assert contact.mobile == "13900000002"
    row = AuditEntry.objects.filter(kind=AuditEntry.Kind.UNIT_CONTACT_CHANGED).latest("id")
    assert row.actor == editor and "萧山区 王五" in row.message and row.after["mobile"] == "13900000002"
    with pytest.raises(ValidationError, match="11 位手机号码"):
        unit_contacts.update_unit_contact(actor=admin_account, contact=contact, mobile="0571-8888888")
    with pytest.raises(ValidationError, match="至少填写"):
        unit_contacts.update_unit_contact(actor=admin_account, contact=contact, mobile="")
    contact.refresh_from_db()
    assert contact.mobile == "13900000002"  # nothing lost on a refusal
    unit_contacts.update_unit_contact(actor=admin_account, contact=contact, email="ws@example.gov.cn")
    row = AuditEntry.objects.filter(kind=AuditEntry.Kind.UNIT_CONTACT_CHANGED).latest("id")
    assert (
        row.actor == admin_account
        and row.before == {"email": ""}
        and row.after == {"email": "ws@example.gov.cn"}
    )
    count = AuditEntry.objects.count()
    unit_contacts.update_unit_contact(actor=admin_account, contact=contact, email="ws@example.gov.cn")
    assert AuditEntry.objects.count() == count  # nothing changed, nothing recorded
    unit_contacts.set_unit_contact_active(actor=editor, contact=contact, active=False)
    unit_contacts.set_unit_contact_active(actor=editor, contact=contact, active=False)  # a double click
    assert AuditEntry.objects.count() == count + 1
    contact.refresh_from_db()
    assert not contact.active
    with pytest.raises(PermissionDenied):
        unit_contacts.set_unit_contact_active(actor=contributor, contact=contact, active=True)


def test_contact_pages_for_editor_and_admin_only(
    client, editor, admin_account, contributor, reader, client_for
):
    url = reverse("unit_contacts")
    assert client.get(url).status_code == 302  # anonymous → login
    for user in (contributor, reader):
        assert client_for(user).get(url).status_code == 403
    for user in (editor, admin_account):
        page = client_for(user).get(url).content.decode()
        assert "单位联系人" in page and "无法送达：未登记联系方式" in page


def test_contact_pages_add_edit_refuse_and_stop(editor, client_for):
    client = client_for(editor)
    xiaoshan = unit("萧山区")
    add = reverse("unit_contact_create", args=[xiaoshan.pk])
    response = client.post(add, {"name": "王五", "mobile": "12345", "note": "办公室"})
    page = response.content.decode()
    assert response.status_code == 200 and "请填写 11 位手机号码" in page
    assert 'value="王五"' in page and 'value="办公室"' in page  # what was typed stays
    response = client.post(add, {"name": "王五"})
    assert "至少填写" in response.content.decode()
    response = client.post(add, {"name": "<b>王五</b>", "mobile": "13900000002"})
    assert response.status_code == 200 and not UnitContact.objects.exists()
    response = client.post(add, {"name": "王五", "mobile": "139 0000 0002", "unit": unit("西湖区").pk})
    assert response.status_code == 302
    contact = UnitContact.objects.get()
    assert (contact.unit, contact.mobile) == (xiaoshan, "13900000002")  # the unit comes from the URL
    listing = client.get(reverse("unit_contacts")).content.decode()
    # 短信 is not configured here: the phone is kept, and the page says it reaches nobody.
    assert "无法送达：联系方式所在渠道未开通" in listing and "13900000002" in listing
    response = client.post(
        reverse("unit_contact_edit", args=[contact.pk]), {"name": "王五", "mobile": "13900000003"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.mobile == "13900000003"
    client.post(reverse("unit_contact_active", args=[contact.pk]))
    contact.refresh_from_db()
    assert not contact.active
    client.post(reverse("unit_contact_active", args=[contact.pk]), {"active": "on"})
    contact.refresh_from_db()
    assert contact.active
    assert client.get(reverse("unit_contact_active", args=[contact.pk])).status_code == 405


def test_contact_list_queries_do_not_grow(editor, client_for, django_assert_max_num_queries):
    client = client_for(editor)
    units = list(Unit.objects.filter(active=True))
    unit_contacts.create_unit_contact(actor=editor, unit=units[0], name="甲", mobile="13900000001")
    client.get(reverse("unit_contacts"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("unit_contacts"))
    for u in units:
        unit_contacts.create_unit_contact(actor=editor, unit=u, name="乙", email="b@example.cn")
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("unit_contacts"))


def test_the_admin_site_goes_through_the_actions(admin_account, client_for):
    client = client_for(admin_account)
    response = client.post(
        reverse("admin:messaging_unitcontact_add"),
        {"unit": unit("萧山区").pk, "name": "王五", "mobile": "+86 13900000002", "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = UnitContact.objects.get()
    assert contact.mobile == "13900000002"
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.UNIT_CONTACT_CHANGED, actor=admin_account).exists()
    page = client.get(reverse("admin:messaging_unitcontact_changelist")).content.decode()
    assert "单位联系人" in page and "王五" in page
    response = client.post(
        reverse("admin:messaging_unitcontact_change", args=[contact.pk]),
        {"unit": contact.unit_id, "name": "王五", "mobile": "110", "active": "on"},
    )
    assert response.status_code == 200 and "11 位手机号码" in response.content.decode()


def test_a_contact_rejects_a_role_it_does_not_have(make_user, editor):
    # A 审核人 may not keep contacts either (only 编辑 and 管理员).
    reviewer = make_user(Role.REVIEWER, "西湖区")
    with pytest.raises(PermissionDenied):
        unit_contacts.create_unit_contact(actor=reviewer, unit=unit("西湖区"), name="x", email="a@b.cn")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_tell_a_contact_once(make_user, settings):
    settings.BULLETIN_CONTACT_CHANNELS = ["email"]
    editor = make_user(Role.EDITOR)
    contact = unit_contacts.create_unit_contact(
        actor=editor, unit=unit("滨江区"), name="赵六", email="bj@example.gov.cn"
    )
    barrier = threading.Barrier(2)
    states, errors = [], []

    def remind():
        try:
            barrier.wait(timeout=10)
            result = send_reminder(
                cause="race:1", recipients=[], contacts=[UnitContact.objects.select_related("unit").get(pk=contact.pk)],
                unit=contact.unit, text="请报送", link="", today=timezone.localdate(),
            )  # fmt: skip
            states.append(result.label)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=remind) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(states) == ["今日已提醒", "已发送（邮件）"], connection.vendor
    assert Reminder.objects.filter(cause="race:1", contact=contact).count() == 1
    assert [m.to for m in mail.outbox] == [["bj@example.gov.cn"]]


def test_the_contacts_page_counts_a_unit_as_催报_does(editor, client_for):
    """A phone alone reaches nobody where 短信 is not configured: the page says so when the
    contact is saved and counts the unit among those 催报 cannot reach."""
    from messaging.queries import unit_contact_table

    client = client_for(editor)
    xiaoshan = unit("萧山区")
    response = client.post(
        reverse("unit_contact_create", args=[xiaoshan.pk]),
        {"name": "王五", "mobile": "13900000002"},
        follow=True,
    )
    assert "催报无法送达该联系人" in response.content.decode()
    [row] = [row for row in unit_contact_table() if row.unit == xiaoshan]
    assert row.relies_on_contacts and not row.reachable


def test_a_new_commission_names_the_units_its_notice_cannot_reach(editor, contributor, client_for):
    import datetime

    client = client_for(editor)
    data = {
        "topic": "优化营商环境",
        "requirements": "",
        "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        "units": [contributor.unit.pk, unit("余杭区").pk],
    }
    page = client.post(reverse("commission_list"), data, follow=True).content.decode()
    assert "已发给 2 个单位" in page
    assert "余杭区无法送达：既没有报送员账号，也没有可用的联系方式" in page
    assert "西湖区无法送达" not in page
