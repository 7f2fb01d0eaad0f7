"""Lockouts that cannot be aimed (accounts/lockout.py, accounts/logins.py): locks by the
account at an address and by the address, never by the account alone; a delay between
failures; an alert when an account is attacked from many addresses; refused attempts
counted, not written to the audit log one row each."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts import logins
from accounts.lockout import delay_after
from accounts.models import KnownAddress, LoginAlert, RefusedLogins
from audit.models import AuditEntry
from service import hooks
from submissions.models import Notification
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.66"  # address A: someone who knows the user names
OFFICE = "10.0.0.2"  # address B: where the editor works and has signed in before


def login(username, password, address, client=None):
    return (client or Client()).post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def wait_out_the_delay(seconds: float = 10) -> None:
    """The delay's clock is the failures' own time: move them back instead of sleeping."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(seconds=seconds))


def end_the_lock() -> None:
    AccessAttempt.objects.all().delete()  # what the expiry (or a 管理员's unlock) does
    RefusedLogins.objects.update(last_at=F("last_at") - settings.AXES_COOLOFF_TIME)


@pytest.fixture
def no_login_delay(settings):
    """For the cases about the locks; the delay has its own tests below."""
    settings.BULLETIN_LOGIN_DELAY_SECONDS = 0


@pytest.fixture
def editor_known_at_the_office(editor):
    assert signed_in(login("bianji", PASSWORD, OFFICE))
    assert KnownAddress.objects.filter(user=editor, address=OFFICE).exists()
    return editor


# --- the locks ---------------------------------------------------------------------


def test_strangers_failures_elsewhere_do_not_lock_the_editor_out(editor_known_at_the_office, no_login_delay):
    for _ in range(3 * settings.AXES_FAILURE_LIMIT):
        login("bianji", "guess-123456", STRANGER)
    # The stranger is locked out, even with the right password …
    assert login("bianji", PASSWORD, STRANGER).status_code == 429
    # … the editor at the office is not, nor from a new address.
    assert signed_in(login("bianji", PASSWORD, OFFICE))
    assert signed_in(login("bianji", PASSWORD, "10.0.0.3"))


def test_failures_from_one_address_lock_that_address(contributor, reader, no_login_delay):
    for name in ("a1", "a2", "bianji", "xihu", "a5"):
        login(name, "guess-123456", STRANGER)
    # No account that never signed in from there gets in from there now …
    response = login("duzhe", PASSWORD, STRANGER)
    assert response.status_code == 429 and "从该地址登录已被锁定" in response.content.decode()
    # … while the same account from elsewhere does.
    assert signed_in(login("duzhe", PASSWORD, "10.0.0.9"))


def test_a_known_account_is_not_locked_by_others_failing_at_its_address(
    editor_known_at_the_office, contributor, no_login_delay
):
    """Strangers behind the same office address lock it for newcomers, not for the editor
    who signs in there every day."""
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        login(name, "guess-123456", OFFICE)
    assert login("xihu", PASSWORD, OFFICE).status_code == 429  # never signed in from here
    assert signed_in(login("bianji", PASSWORD, OFFICE))


def test_the_account_at_an_address_locks_after_five_failures_even_where_it_is_known(
    editor_known_at_the_office, no_login_delay
):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = login("bianji", "guess-123456", OFFICE)
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    assert login("bianji", PASSWORD, OFFICE).status_code == 429
    assert signed_in(login("bianji", PASSWORD, "10.0.0.3"))
    lock = AuditEntry.objects.get(kind="locked_out")
    assert (lock.actor_name, lock.address, lock.after["scope"]) == ("bianji", OFFICE, "account_at_address")


def test_a_login_clears_the_failures_of_its_own_account_only(contributor, reader, no_login_delay):
    """Someone with an account of their own cannot wipe the count of their guesses at
    another's password by signing in from the same address (axes' default would)."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login("xihu", "guess-123456", STRANGER)
    assert signed_in(login("duzhe", PASSWORD, STRANGER))
    assert login("xihu", "guess-123456", STRANGER).status_code == 429


def test_an_account_failing_from_many_addresses_is_closed_to_new_addresses_only(
    editor_known_at_the_office, no_login_delay
):
    """Spread over many addresses, an attacker gets BULLETIN_LOGIN_ACCOUNT_LIMIT guesses
    per cool-off time (ASVS V2.2.1 asks for at most 100 an hour); the editor still signs in
    at the office."""
    limit = settings.BULLETIN_LOGIN_ACCOUNT_LIMIT
    per_address = settings.AXES_FAILURE_LIMIT - 1  # no address or pair ever locks
    addresses = [f"198.51.100.{n}" for n in range(1, 40)]
    checked = 0
    for address in addresses:
        for _ in range(per_address):
            response = login("bianji", "guess-123456", address)
            checked += response.status_code == 200
    assert checked == limit
    assert AuditEntry.objects.filter(kind="login_failed", actor_name="bianji").count() == limit
    # Even the right password is refused from a new address, with the reason …
    refused = login("bianji", PASSWORD, "198.51.100.200")
    assert refused.status_code == 429 and "暂时只能从您以前成功登录过的地址" in refused.content.decode()
    # … but the editor's office is open, and a 管理员's unlock opens the rest.
    assert signed_in(login("bianji", PASSWORD, OFFICE))
    AccessAttempt.objects.filter(username="bianji").delete()
    assert signed_in(login("bianji", PASSWORD, "198.51.100.200"))


# --- the delay ---------------------------------------------------------------------


def test_the_delay_doubles_up_to_its_maximum():
    assert [delay_after(n) for n in range(0, 8)] == [0, 1, 2, 4, 8, 10, 10, 10]


def test_a_try_too_soon_after_a_failure_is_refused_with_the_wait(contributor):
    waits = []
    for failure in range(1, settings.AXES_FAILURE_LIMIT):
        assert login("xihu", "guess-123456", STRANGER).status_code == 200
        # At once again — even with the right password, which is not looked at.
        early = login("xihu", PASSWORD, STRANGER)
        assert early.status_code == 429 and not early.wsgi_request.user.is_authenticated
        page = early.content.decode()
        assert f"请 {early['Retry-After']} 秒后再试" in page
        waits.append(int(early["Retry-After"]))
        wait_out_the_delay(delay_after(failure))
    assert waits == [1, 2, 4, 8]
    # The early tries counted neither toward the lock nor as audit rows.
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT - 1
    assert AuditEntry.objects.filter(kind="login_failed").count() == settings.AXES_FAILURE_LIMIT - 1
    assert RefusedLogins.objects.get(username="xihu").count == settings.AXES_FAILURE_LIMIT - 1
    # After the last wait the right password signs in.
    assert signed_in(login("xihu", PASSWORD, STRANGER))


def test_the_address_waits_too_whatever_name_it_tries(contributor):
    login("a1", "guess-123456", STRANGER)
    response = login("a2", "guess-123456", STRANGER)
    assert response.status_code == 429 and "请 1 秒后再试" in response.content.decode()
    # The account signs in at once from elsewhere.
    assert signed_in(login("xihu", PASSWORD, "10.0.0.9"))


def test_the_delay_stops_at_its_maximum(contributor, settings):
    settings.AXES_FAILURE_LIMIT = 10
    for _ in range(7):
        assert login("xihu", "guess-123456", STRANGER).status_code == 200
        wait_out_the_delay()
    login("xihu", "guess-123456", STRANGER)
    assert login("xihu", "guess-123456", STRANGER)["Retry-After"] == "10"


# --- the audit log stays bounded ---------------------------------------------------


@pytest.mark.parametrize("delay", [0, 1])
def test_a_hundred_failures_write_a_handful_of_audit_rows(contributor, settings, delay):
    settings.BULLETIN_LOGIN_DELAY_SECONDS = delay
    for _ in range(100):
        login("xihu", "guess-123456", STRANGER)
    rows = AuditEntry.objects.filter(actor_name="xihu")
    # Without the delay: five failures, a lock, 95 refusals. With it, in a loop that takes a
    # second or two, one or two failures and the rest refused.
    failures = rows.filter(kind="login_failed").count()
    refused = RefusedLogins.objects.get(username="xihu", address=STRANGER).count
    assert failures + refused == 100 and failures <= settings.AXES_FAILURE_LIMIT
    if delay == 0:
        assert failures == settings.AXES_FAILURE_LIMIT and rows.filter(kind="locked_out").count() == 1
    # When the lock is over, the worker's housekeeping writes one summary row.
    end_the_lock()
    assert logins.summarize_refused_logins in hooks.housekeeping
    for job in hooks.housekeeping:
        if job is logins.summarize_refused_logins:
            job()
    summary = rows.get(kind="login_refused")
    assert summary.after["refused"] == refused and summary.address == STRANGER
    assert rows.count() <= settings.AXES_FAILURE_LIMIT + 2
    assert not RefusedLogins.objects.filter(summarized_at=None).exists()


def test_the_next_successful_login_writes_the_summary(contributor, no_login_delay):
    for _ in range(20):
        login("xihu", "guess-123456", STRANGER)
    assert signed_in(login("xihu", PASSWORD, "10.0.0.9"))
    summary = AuditEntry.objects.get(kind="login_refused")
    assert summary.after["refused"] == 20 - settings.AXES_FAILURE_LIMIT
    assert "被拒绝" in summary.message


# --- the alert ---------------------------------------------------------------------


def test_an_account_attacked_from_many_addresses_alerts_the_admins_once(
    contributor, admin_account, no_login_delay, django_capture_on_commit_callbacks
):
    admin_account.email = "guanli@example.org"
    admin_account.save()
    with django_capture_on_commit_callbacks(execute=True):
        for address in range(1, 5):  # 4 addresses × 3 failures: no lock anywhere, 12 failures
            for _ in range(3):
                assert login("xihu", "guess-123456", f"198.51.100.{address}").status_code == 200
        for address in range(5, 9):  # the attack goes on: no second alert
            login("xihu", "guess-123456", f"198.51.100.{address}")
    notice = Notification.objects.get(recipient=admin_account)
    # The tenth failure, from the fourth address, raised it.
    assert "“xihu”疑遭攻击" in notice.text and "从 4 个地址登录失败 10 次" in notice.text
    assert "/admin/axes/accessattempt/" in notice.link and "q=xihu" in notice.link
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["guanli@example.org"]
    alert = AuditEntry.objects.get(kind="login_attack")
    assert alert.object_id == str(contributor.pk) and alert.after == {
        "failures": 10,
        "addresses": 4,
        "minutes": 60,
    }
    # The contributor still signs in from the office.
    assert signed_in(login("xihu", PASSWORD, OFFICE))


def test_a_new_period_alerts_again(contributor, admin_account, no_login_delay, settings):
    settings.BULLETIN_LOGIN_ALERT_FAILURES = 3
    for address in range(1, 4):
        login("xihu", "guess-123456", f"198.51.100.{address}")
    assert AuditEntry.objects.filter(kind="login_attack").count() == 1
    LoginAlert.objects.update(
        sent_at=F("sent_at") - datetime.timedelta(hours=settings.BULLETIN_LOGIN_ALERT_HOURS)
    )
    login("xihu", "guess-123456", "198.51.100.9")
    assert AuditEntry.objects.filter(kind="login_attack").count() == 2
    assert Notification.objects.filter(recipient=admin_account).count() == 2


def test_failures_at_unknown_names_alert_nobody(admin_account, no_login_delay):
    for address in range(1, 13):
        login("nobody-here", "guess-123456", f"198.51.100.{address}")
    assert not AuditEntry.objects.filter(kind="login_attack").exists()
    assert not Notification.objects.exists()


# --- what the 管理员 sees ----------------------------------------------------------


def test_the_admin_sees_known_addresses_and_refusal_counts(
    editor_known_at_the_office, admin_account, no_login_delay
):
    for _ in range(8):
        login("bianji", "guess-123456", STRANGER)
    admin = Client()
    admin.force_login(admin_account)
    known = admin.get(reverse("admin:accounts_knownaddress_changelist")).content.decode()
    assert OFFICE in known and STRANGER not in known
    refused = admin.get(reverse("admin:accounts_refusedlogins_changelist")).content.decode()
    assert STRANGER in refused and "bianji" in refused
    row = KnownAddress.objects.get(address=OFFICE)
    forget = admin.post(reverse("admin:accounts_knownaddress_delete", args=[row.pk]), {"post": "yes"})
    assert forget.status_code == 302 and not KnownAddress.objects.exists()


def test_the_admin_login_page_says_how_long_to_wait_too(admin_account):
    page = reverse("admin:login")
    form = {"username": "guanli", "password": "guess-123456"}
    Client().post(page, form, REMOTE_ADDR=STRANGER)
    early = Client().post(page, {**form, "password": PASSWORD}, REMOTE_ADDR=STRANGER)
    assert "请 1 秒后再试" in early.content.decode() and not early.wsgi_request.user.is_authenticated
