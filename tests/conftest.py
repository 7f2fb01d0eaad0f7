import pytest
from django.test import Client

from accounts.actions import create_account
from accounts.models import Role, Unit
from proofreading.index import forget_sample_indexes
from tests.second_factor import pass_second_factor
from tests.servers import sms_server

PASSWORD = "Zhang-San-2024!"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for production; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_sample_index():
    """Each test starts with no 查重 samples in memory: the rows an earlier test indexed
    were rolled back, and a cache that still counts them would cost one test's first
    lookups an extra read (query counts would depend on which test ran before)."""
    forget_sample_indexes()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks run for real, inside the caller, once the enqueuing transaction
    commits (django-tasks' immediate backend). tests/test_worker.py runs the database
    backend with a real worker process."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def force_login_includes_the_second_factor(monkeypatch):
    """`client.force_login(user)` signs in as if the login form had been passed: for a role
    that must give a second factor (BULLETIN_2FA_ROLES, 管理员 and 审计员 by default) that
    includes the 验证码 — the person enrols a real authenticator through the real actions and
    the session holds that device, as django_otp.login writes it. The product is unchanged:
    a test that wants the held state logs in through the login page
    (tests/accounts/test_totp*.py)."""
    force_login = Client.force_login

    def force_login_and_pass(self, user, backend=None):
        force_login(self, user, backend)
        pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_and_pass)


@pytest.fixture
def make_user(db):
    """Create an account through the real action, the way the admin does."""
    counter = {"n": 0}

    def make(role: str, unit_short_name: str | None = None, **fields):
        counter["n"] += 1
        unit = Unit.objects.get(short_name=unit_short_name) if unit_short_name else None
        return create_account(
            actor=None,
            username=fields.pop("username", f"{role}{counter['n']}"),
            password=fields.pop("password", PASSWORD),
            role=role,
            unit=unit,
            full_name=fields.pop("full_name", f"测试{counter['n']}"),
            **fields,
        )

    return make


@pytest.fixture
def editor(make_user):
    return make_user(Role.EDITOR, username="bianji", full_name="杨青青")


@pytest.fixture
def contributor(make_user):
    return make_user(Role.CONTRIBUTOR, "西湖区", username="xihu", full_name="钱苏晚")


@pytest.fixture
def other_contributor(make_user):
    return make_user(Role.CONTRIBUTOR, "萧山区", username="xiaoshan", full_name="邵羽晨")


@pytest.fixture
def reader(make_user):
    return make_user(Role.READER, username="duzhe", full_name="陈思远")


@pytest.fixture
def admin_account(make_user):
    return make_user(Role.ADMIN, username="guanli", full_name="周建国")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def sms_gateway(settings):
    """The local SMS gateway (tests/servers/sms_server.py), running, with the BULLETIN_SMS_*
    settings pointing the channel at it; stopped after the test."""
    gateway = sms_server.start_sms_server()
    for name, value in sms_server.channel_settings(gateway).items():
        setattr(settings, name, value)
    yield gateway
    gateway.stop()
