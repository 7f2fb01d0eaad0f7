"""通知方式: a person's contact details, channel choices and 每日汇总 — the actions, the page
and the admin site."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry
from messaging.actions import deliveries
from messaging.actions.preferences import change_contact_details, change_notification_settings
from messaging.models import ChannelChoice, ContactDetails, Delivery, MessageKind
from messaging.validation import normalize_mobile
from submissions.models import Notification
from submissions.notifications import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook_configured(settings):
    settings.BULLETIN_WEBHOOK_URL = "http://127.0.0.1:9/hook"


def save(user, *, actor=None, mobile="", zzd="", digest=False, choices=None):
    return change_notification_settings(
        actor=actor or user,
        user=user,
        mobile=mobile,
        zzd_account_id=zzd,
        daily_digest=digest,
        choices=choices or {},
    )


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("8619912345678", "19912345678"),
        ("１３８１２３４５６７８", "13812345678"),  # typed with a Chinese input method
        ("13８12345678", "13812345678"),
        ("＋86 138 1234 5678", "13812345678"),
        ("", ""),
    ],
)
def test_a_mainland_mobile_number_is_kept_as_11_digits(given, kept):
    assert normalize_mobile(given) == kept


@pytest.mark.parametrize(
    "given",
    ["1381234567", "23812345678", "12812345678", "138123456789", "0571-85250657", "13٨٠٠١٣٨٠٠٠"],
)
def test_other_numbers_are_refused_in_chinese(given):
    with pytest.raises(ValidationError, match="请填写 11 位手机号码"):
        normalize_mobile(given)


def test_a_person_chooses_their_channels_and_it_is_audited(contributor, webhook_configured):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    details = save(
        contributor,
        mobile="138 1234 5678",
        zzd="284561",
        digest=True,
        choices={"reminder": ["email", "webhook"], "comment": []},
    )
    assert (details.mobile, details.zzd_account_id, details.daily_digest) == ("13812345678", "284561", True)
    own = dict(ChannelChoice.objects.filter(user=contributor).values_list("kind", "channels"))
    assert own == {"reminder": ["email", "webhook"], "comment": []}
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.NOTIFICATION_SETTINGS)
    assert row.actor == contributor and row.object_id == str(contributor.pk)
    assert row.after["mobile"] == "138****5678"  # never the whole number in the log
    assert row.after["channels.reminder"] == "email,webhook"
    assert row.before["channels.reminder"] == "单位默认"
    assert row.after["daily_digest"] is True


def test_a_choice_equal_to_the_default_follows_the_default(contributor, settings):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    save(contributor, choices={"reminder": []})
    assert ChannelChoice.objects.filter(user=contributor, kind="reminder").exists()
    save(contributor, choices={"reminder": ["email"]})  # the office default (*=email)
    assert not ChannelChoice.objects.filter(user=contributor, kind="reminder").exists()
    settings.BULLETIN_CHANNEL_DEFAULTS = {"*": []}
    assert deliveries.queries.chosen_channels([contributor], "reminder") == {contributor.pk: []}


def test_a_channel_without_an_address_cannot_be_chosen(contributor, webhook_configured):
    contributor.email = ""
    contributor.save()
    with pytest.raises(ValidationError) as caught:
        save(contributor, choices={"workflow": ["email"]})
    assert caught.value.code == "channel_unavailable"
    assert "电子邮件" in caught.value.message
    with pytest.raises(ValidationError):
        save(contributor, choices={"workflow": ["fax"]})
    with pytest.raises(ValidationError):
        save(contributor, choices={"nonsense": []})
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.NOTIFICATION_SETTINGS).exists()


def test_a_channel_the_office_no_longer_runs_stays_in_the_choice(contributor, settings):
    ChannelChoice.objects.create(user=contributor, kind="reminder", channels=["webhook", "email"])
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    settings.BULLETIN_WEBHOOK_URL = ""
    save(contributor, choices={"reminder": []})
    assert ChannelChoice.objects.get(user=contributor, kind="reminder").channels == ["webhook"]


def test_nobody_chooses_for_someone_else(contributor, other_contributor, admin_account):
    with pytest.raises(PermissionDenied):
        save(contributor, actor=other_contributor, mobile="13812345678")
    with pytest.raises(PermissionDenied):
        save(contributor, actor=admin_account)
    with pytest.raises(PermissionDenied):
        change_contact_details(
            actor=other_contributor, user=contributor, mobile="13812345678", zzd_account_id=""
        )
    assert not ContactDetails.objects.exists()


def test_the_admin_sets_the_number_and_id(contributor, admin_account):
    details = change_contact_details(
        actor=admin_account, user=contributor, mobile="13912345678", zzd_account_id="77001"
    )
    assert (details.mobile, details.zzd_account_id) == ("13912345678", "77001")
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.NOTIFICATION_SETTINGS)
    assert row.actor == admin_account and row.message == "管理员修改"
    assert row.after == {"mobile": "139****5678", "zzd_account_id": "77001"}


# --- the page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.CONTRIBUTOR, Role.REVIEWER, Role.EDITOR, Role.READER, Role.ADMIN, Role.AUDITOR]
)
def test_every_signed_in_role_has_the_page(client_for, make_user, role):
    unit = "西湖区" if role in (Role.CONTRIBUTOR, Role.REVIEWER) else None
    client = client_for(make_user(role, unit))
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "通知方式" in html
    assert f'href="{reverse("notification_settings")}">通知方式</a>' in html  # the user menu


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_offers_configured_channels_only_where_there_is_an_address(
    client_for, contributor, webhook_configured
):
    contributor.email = ""
    contributor.save()
    html = client_for(contributor).get(reverse("notification_settings")).content.decode()
    assert 'aria-label="稿件往来（报送、退回、采用、签发）：站内通知（始终开启）"' in html
    assert 'name="ch_workflow_webhook"' in html
    # E-mail is configured but the account has no address: shown greyed, with the reason.
    assert (
        'name="ch_workflow_email" id="id_ch_workflow_email" disabled title="账号未登记电子邮箱，请联系管理员"'
        in html
    )
    assert "“电子邮件”不能选：账号未登记电子邮箱，请联系管理员。" in html
    # Not configured here: not offered at all.
    assert "ch_workflow_sms" not in html and "ch_workflow_zzd" not in html
    assert "ch_digest_" not in html


def test_the_page_saves_and_shows_the_choice(client_for, contributor, webhook_configured):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    client = client_for(contributor)
    response = client.post(
        reverse("notification_settings"),
        {
            "mobile": "13812345678",
            "zzd_account_id": "284561",
            "daily_digest": "on",
            "ch_reminder_webhook": "on",
        },
    )
    assert response.status_code == 302
    own = dict(ChannelChoice.objects.filter(user=contributor).values_list("kind", "channels"))
    # Every kind posted: reminder by webhook only; the others without e-mail now.
    assert own["reminder"] == ["webhook"]
    assert own["workflow"] == []
    details = ContactDetails.objects.get(user=contributor)
    assert details.daily_digest and details.mobile == "13812345678"
    html = client.get(reverse("notification_settings")).content.decode()
    assert "通知方式已保存。" in html
    assert 'name="ch_reminder_webhook" id="id_ch_reminder_webhook" checked' in html
    assert 'value="13812345678"' in html


def test_a_bad_number_is_refused_and_nothing_is_lost(client_for, contributor):
    client = client_for(contributor)
    response = client.post(
        reverse("notification_settings"),
        {"mobile": "0571-8525", "zzd_account_id": "284 561<", "daily_digest": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写 11 位手机号码" in html
    assert 'value="0571-8525"' in html  # what was typed stays in the form
    assert not ContactDetails.objects.exists()


def test_the_page_lists_the_last_20_deliveries_at_a_fixed_query_count(
    client_for, contributor, django_capture_on_commit_callbacks
):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    client = client_for(contributor)

    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("notification_settings")).content.decode()
        return len(queries), html

    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send_message(kind=MessageKind.WORKFLOW, text="稿件已采用", users=[contributor])
    few, html = page_queries()
    assert "已送达" in html and "已发送" in html and "邮件服务器已接收" in html
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(15):
            deliveries.send_message(kind=MessageKind.COMMENT, text=f"第 {n} 条留言", users=[contributor])
    many, html = page_queries()
    assert many == few
    assert html.count('class="list-group-item delivery"') == 20


# --- 每日汇总 holds e-mails back ----------------------------------------------------------


def test_a_person_on_the_digest_gets_no_single_mail(contributor, django_capture_on_commit_callbacks):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    save(contributor, digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify([contributor], text="稿件已采用", link="/unit/")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=contributor).count() == 1  # the in-app notice still arrives
    held = Delivery.objects.get(user=contributor, channel="email")
    assert held.status == Delivery.Status.HELD and held.get_status_display() == "待汇总"
    # A security alert is not held: it is no use the next morning.
    with django_capture_on_commit_callbacks(execute=True):
        notify([contributor], text="账号疑遭攻击", kind=MessageKind.SECURITY)
    assert len(mail.outbox) == 1


# --- the admin site ------------------------------------------------------------------------


def test_the_admin_enters_a_number_in_the_admin_site(client_for, admin_account, contributor):
    client = client_for(admin_account)
    url = reverse("admin:messaging_contactdetails_add")
    page = client.get(url).content.decode()
    assert "手机号码" in page and "浙政钉账号 ID" in page
    response = client.post(
        url, {"user": contributor.pk, "mobile": "139 1234 5678", "zzd_account_id": "77001"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ContactDetails.objects.get(user=contributor).mobile == "13912345678"
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.NOTIFICATION_SETTINGS, actor=admin_account).exists()
    details = ContactDetails.objects.get(user=contributor)
    bad = client.post(
        reverse("admin:messaging_contactdetails_change", args=[details.pk]),
        {"mobile": "12345", "zzd_account_id": "77001"},
    )
    assert bad.status_code == 200 and "请填写 11 位手机号码" in bad.content.decode()


def test_the_admin_reads_deliveries_with_filters(client_for, admin_account, contributor):
    deliveries.send_message(kind=MessageKind.WORKFLOW, text="稿件已采用", users=[contributor])
    client = client_for(admin_account)
    url = reverse("admin:messaging_delivery_changelist")
    html = client.get(url, {"status__exact": "delivered", "channel__exact": "inapp"}).content.decode()
    assert "送达记录" in html and "稿件已采用" in html and "以 状态" in html and "以 通知方式" in html
    assert client.get(reverse("admin:messaging_delivery_add")).status_code == 403
    row = Delivery.objects.filter(user=contributor).first()
    view = client.get(reverse("admin:messaging_delivery_change", args=[row.pk]))
    assert view.status_code == 200 and "服务方答复" in view.content.decode()
    assert (
        client.post(
            reverse("admin:messaging_delivery_change", args=[row.pk]), {"status": "failed"}
        ).status_code
        == 403
    )


def test_the_pages_help_link_reaches_its_section(client_for, contributor):
    client = client_for(contributor)
    page = client.get(reverse("notification_settings")).content.decode()
    assert f'href="{reverse("help_index")}#选择通知方式"' in page
    assert 'id="选择通知方式"' in client.get(reverse("help_index")).content.decode()


def test_the_numbers_entered_reach_the_person_by_sms_and_zhengding(
    client_for, contributor, sms_gateway, zzd_platform, django_capture_on_commit_callbacks
):
    client = client_for(contributor)
    html = client.get(reverse("notification_settings")).content.decode()
    # Both configured, but the person has no number yet: shown, greyed, with the reason.
    assert 'name="ch_reminder_sms" id="id_ch_reminder_sms" disabled title="请先填写手机号码"' in html
    assert 'name="ch_reminder_zzd" id="id_ch_reminder_zzd" disabled title="请先填写浙政钉账号 ID"' in html
    client.post(reverse("notification_settings"), {"mobile": "139 0000 0002", "zzd_account_id": "10001"})
    html = client.get(reverse("notification_settings")).content.decode()
    assert 'name="ch_reminder_sms" id="id_ch_reminder_sms" title' not in html
    assert 'name="ch_reminder_sms" id="id_ch_reminder_sms" aria-label' in html
    response = client.post(
        reverse("notification_settings"),
        {
            "mobile": "13900000002",
            "zzd_account_id": "10001",
            "ch_reminder_sms": "on",
            "ch_reminder_zzd": "on",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        reach = deliveries.send_message(kind=MessageKind.REMINDER, text="请报送本月稿件", users=[contributor])
    assert reach.reached[0].channels == ["inapp", "zzd", "sms"]
    rows = {row.channel: row for row in Delivery.objects.filter(user=contributor)}
    assert rows["sms"].address == "13900000002" and rows["sms"].status == Delivery.Status.SENT
    assert rows["zzd"].address == "10001" and rows["zzd"].status in (
        Delivery.Status.SENT,
        Delivery.Status.DELIVERED,
    )
    assert len(sms_gateway.received) == 1
    assert len(zzd_platform.received) == 1


def test_a_first_mobile_number_keeps_the_person_on_the_office_default(contributor, settings, sms_gateway):
    """The page drew no 短信 box before there was a number: saving the number with the boxes
    as they were keeps the default, which now reaches the person by 短信 too."""
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    settings.BULLETIN_CHANNEL_DEFAULTS = {"*": ["email"], "reminder": ["email", "sms"]}
    save(contributor, mobile="13812345678", choices={"reminder": ["email"], "workflow": ["email"]})
    assert not ChannelChoice.objects.filter(user=contributor).exists()
    assert deliveries.queries.chosen_channels([contributor], "reminder") == {contributor.pk: ["email", "sms"]}


def test_the_daily_digest_cannot_be_chosen_where_it_would_reach_nobody(contributor):
    """Held mails would go nowhere: without an address on the digest's channel (e-mail by
    default) 每日汇总 is refused with a reason and nothing is saved."""
    contributor.email = ""
    contributor.save()
    with pytest.raises(ValidationError, match="每日汇总无法送达您"):
        save(contributor, mobile="13812345678", digest=True)
    assert not ContactDetails.objects.filter(user=contributor, daily_digest=True).exists()
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    assert save(contributor, digest=True).daily_digest
