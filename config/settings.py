"""Settings for 杭州人大信息, driven by environment variables.

Every variable has a safe development default; production sets at least
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL. DEBUG is off unless
DJANGO_DEBUG=1 (`make run` and the test settings set it). See docs/operations.md, "Configuration"
and "Security".
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"环境变量 {name} 必须是整数，现为“{value}”。") from error


# Off unless asked for: a server started without configuration is a production server.
DEBUG = env_bool("DJANGO_DEBUG", False)
# `make run` sets BULLETIN_DEMO=1: the demo accounts keep their shared password there.
BULLETIN_DEMO = env_bool("BULLETIN_DEMO", False)

# Runtime data (SQLite database, stored PDFs, uploads) lives outside the code folders.
DATA_DIR = Path(os.environ.get("BULLETIN_DATA_DIR", BASE_DIR / "var")).resolve()
# The 用户手册 the 帮助 pages render (/help/, ADR 0007): part of the code, not of the data.
BULLETIN_MANUAL_DIR = BASE_DIR / "docs" / "manual"

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not DEBUG:
    # The same test as Django's security.W009: 50 characters, 5 distinct, not generated
    # by startproject, and never the development key.
    if not SECRET_KEY:
        raise ImproperlyConfigured("生产环境（未设置 DJANGO_DEBUG=1）必须设置 DJANGO_SECRET_KEY。")
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY == _DEV_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure")
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY 太短或是默认值：生产环境需要至少 50 个字符的随机密钥，"
            "可用 python -c 'import secrets; print(secrets.token_urlsafe(50))' 生成。"
        )
elif not SECRET_KEY:
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "audit",
    "accounts",
    "submissions",
    "messaging",
    "bulletin",
    "proofreading",
    "backissues",
    "archive",
    "assessment",
    "demo",
    "manual",
    "config.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    # Only for its translations: zxcvbn's feedback on a weak password, in Chinese.
    "django_zxcvbn_password_validator",
    "django_tasks",
    "django_tasks_db",
    "service",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /healthz and /healthz/live answer here, before anything that may read the database.
    "service.middleware.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.errors.ChineseErrorPagesMiddleware",
    # A write refused for want of disk space is a Chinese page saying so, not a 500.
    "service.middleware.DiskFullMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its page.
    "axes.middleware.AxesMiddleware",
]

# Every login is first checked against the lockout policy (accounts.lockout: a locked
# account-and-address or address, or too soon after a failure, is refused before its
# password is even looked at), then Django checks the password.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LoginThrottleBackend",
    # Django's ModelBackend for local accounts only: an account from a directory or an
    # identity service never signs in with a password kept here.
    "accounts.backends.LocalPasswordBackend",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "submissions.context_processors.notifications",
                "manual.context_processors.help_link",
                "web.context_processors.session_timing",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured("DATABASE_URL 只支持 sqlite:///路径 或 postgres://… 两种形式。")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Wait for a busy writer instead of failing at once, and take the write lock when a
    # transaction begins, so two editors saving together queue rather than deadlock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not Django's shared-cache in-memory database, so tests with concurrent
    # transactions see SQLite's real locking (shared cache fails at once with "table is locked").
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# GB/T 22239-2019 level 2 (身份鉴别): at least 10 characters of at least three kinds,
# not the user name, not a common password, not blank, and not easy to guess by zxcvbn's
# estimate (score 0–4; "Password123!" scores 1). accounts/passwords.py.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.NotBlankValidator"},
    {"NAME": "accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("BULLETIN_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.GuessableValidator"},
]
# django-zxcvbn-password-validator reads its minimum score from here (3: "safely
# unguessable", about 10^8 guesses), and the terms a password must not resemble.
PASSWORD_MINIMAL_STRENGTH = env_int("BULLETIN_PASSWORD_MIN_SCORE", 3)
PASSWORD_EXTRA_DICTIONARY = ["hangzhou", "hzrd", "renda", "bulletin", "xinxi", "zhuanbao"]

# Login failure handling (登录失败处理, accounts/lockout.py; docs/operations.md): django-axes
# counts failures per account *and address* and per address — never per account alone, so
# nobody can lock someone out from elsewhere. AXES_FAILURE_LIMIT failures within the cool-off
# time lock that account at that address, or that address (an account at one of its known
# addresses is exempt from the address's lock); the lock ends after the cool-off time, or
# when a 管理员 deletes its row under 系统管理 › 登录防护 (`manage.py axes_reset_username NAME`).
AXES_FAILURE_LIMIT = env_int("BULLETIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("BULLETIN_LOGIN_LOCK_MINUTES", 15))
AXES_USE_ATTEMPT_EXPIRATION = True  # failures older than the cool-off time no longer count
# [["username", "ip_address"], "ip_address"]; the pair alone for a known address.
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"
AXES_HANDLER = "accounts.lockout.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True  # of the pair that signed in only (LoginThrottleHandler)
# Trying during a lock does not prolong it: a stranger cannot keep a lock going.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "audit.addresses.client_address"
# Successful logins and logouts are in the audit log (audit/), not in a second log.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# So many failures for one account within the cool-off time, from any addresses, close it
# to addresses it never signed in from (its known addresses stay open): at most 4 × 20 = 80
# guesses an hour from new addresses (OWASP ASVS V2.2.1 asks for no more than 100).
BULLETIN_LOGIN_ACCOUNT_LIMIT = env_int("BULLETIN_LOGIN_ACCOUNT_LIMIT", 20)
# After each failure the account-and-address (and the address) waits before the next try:
# 1, 2, 4, 8 … seconds up to the maximum; a try too soon is refused with "请 N 秒后再试".
BULLETIN_LOGIN_DELAY_SECONDS = env_int("BULLETIN_LOGIN_DELAY_SECONDS", 1)
BULLETIN_LOGIN_MAX_DELAY_SECONDS = env_int("BULLETIN_LOGIN_MAX_DELAY_SECONDS", 10)
# An address the account signed in from within this many days is a known address.
BULLETIN_LOGIN_KNOWN_DAYS = env_int("BULLETIN_LOGIN_KNOWN_DAYS", 90)
# An account is under attack at this many failures from this many addresses within the
# window: the 管理员 are told (in the app and by mail), at most once per ALERT_HOURS.
BULLETIN_LOGIN_ALERT_FAILURES = env_int("BULLETIN_LOGIN_ALERT_FAILURES", 10)
BULLETIN_LOGIN_ALERT_ADDRESSES = env_int("BULLETIN_LOGIN_ALERT_ADDRESSES", 3)
BULLETIN_LOGIN_ALERT_WINDOW_MINUTES = env_int("BULLETIN_LOGIN_ALERT_WINDOW_MINUTES", 60)
BULLETIN_LOGIN_ALERT_HOURS = env_int("BULLETIN_LOGIN_ALERT_HOURS", 24)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# An upload over this size is refused before it is read whole (intake/uploads.py).
BULLETIN_MAX_UPLOAD_BYTES = int(os.environ.get("BULLETIN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# LibreOffice converts .doc/.wps/.rtf/.odt with no network ("unshare", the default; a
# conversion is refused when the machine cannot isolate it) or, by the operator's
# choice, with the network ("off"). intake/formats.py; docs/adr/0015-conversion-sandbox.md.
BULLETIN_CONVERT_SANDBOX = os.environ.get("BULLETIN_CONVERT_SANDBOX", "unshare").strip().lower() or "unshare"
FILE_UPLOAD_HANDLERS = [
    "intake.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# 从 Word 导入 is read by the task worker: one person has at most this many files waiting
# or being read at once (submissions/actions/import_jobs.py).
BULLETIN_IMPORT_QUEUE_PER_USER = env_int("BULLETIN_IMPORT_QUEUE_PER_USER", 2)
# A job still unfinished this long after its upload is taken as lost (worker stopped) and
# failed, so it no longer holds its owner's place in the queue.
BULLETIN_IMPORT_JOB_STALE_SECONDS = env_int("BULLETIN_IMPORT_JOB_STALE_SECONDS", 600)
# What one person may store by upload per day (Word imports and back issues together);
# the day resets at local midnight (submissions/actions/uploads.py).
BULLETIN_UPLOAD_BYTES_PER_DAY = env_int("BULLETIN_UPLOAD_BYTES_PER_DAY", 100 * 1024 * 1024)
BULLETIN_UPLOADS_PER_DAY = env_int("BULLETIN_UPLOADS_PER_DAY", 60)

# Stored files (issue PDFs, rendered previews, uploads) go through Django's storage API only.
# The file system by default (a shared mount when several machines serve); any other
# backend, e.g. an S3-compatible store through django-storages, by its dotted path and a
# JSON object of its options. See docs/operations.md, "Several machines".
# The file system storage writes each file under a temporary name and renames it when
# whole (web.storage): a full disk leaves no empty or half-written file behind.
STORAGE_BACKEND = os.environ.get("BULLETIN_STORAGE_BACKEND", "").strip() or (
    "web.storage.AtomicFileSystemStorage"
)
try:
    STORAGE_OPTIONS = json.loads(os.environ.get("BULLETIN_STORAGE_OPTIONS", "").strip() or "{}")
except ValueError as error:
    raise ImproperlyConfigured("BULLETIN_STORAGE_OPTIONS 必须是 JSON 对象。") from error
if not isinstance(STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured("BULLETIN_STORAGE_OPTIONS 必须是 JSON 对象。")
STORAGES = {
    "default": {"BACKEND": STORAGE_BACKEND, "OPTIONS": STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# With DEBUG off, collectstatic writes hashed names plus .gz and .br copies; WhiteNoise
# serves hashed files as immutable for ten years, compressed when the browser accepts it.


def cache_from_url(url: str) -> dict:
    """CACHES["default"] from one URL: empty → this process's memory; redis://host:6379/1;
    memcached://host:11211; dummy:// (no caching)."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bulletin"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("memcached://"):
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": url.removeprefix("memcached://"),
        }
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        "BULLETIN_CACHE_URL 只支持 redis://…、memcached://…、dummy:// 或留空（本进程内存）。"
    )


# Published issues' pages and PDFs are cached here; several web machines share one
# Redis or Memcached (local memory is per process, which is right for one machine).
CACHES = {"default": cache_from_url(os.environ.get("BULLETIN_CACHE_URL", "").strip())}

# Background work (PDF renders, publishing, daily jobs) through Django's Tasks API
# (the django-tasks backport). The database backend needs no extra server; `manage.py
# run_worker` runs it. BULLETIN_TASKS_BACKEND=immediate runs tasks inside the request.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("BULLETIN_TASKS_BACKEND", "").strip() or "database"
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured("BULLETIN_TASKS_BACKEND 只能是 database 或 immediate。")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend]}}

# The worker process restarts itself after this many tasks or above this resident size,
# so a long-running renderer cannot grow without bound (docs/operations.md, "Work in the background").
BULLETIN_WORKER_MAX_TASKS = int(os.environ.get("BULLETIN_WORKER_MAX_TASKS", "200"))
BULLETIN_WORKER_MAX_RSS_MB = int(os.environ.get("BULLETIN_WORKER_MAX_RSS_MB", "400"))
# Daily jobs the worker's scheduler runs (management commands, local time "HH:MM"). A
# command not installed is skipped with a warning; each runs once a day across machines.
BULLETIN_DAILY_JOBS = {
    "send_reminders": os.environ.get("BULLETIN_JOB_TIME_SEND_REMINDERS", "07:30"),
    "cleanup_uploads": os.environ.get("BULLETIN_JOB_TIME_CLEANUP_UPLOADS", "03:10"),
    "verify_storage": os.environ.get("BULLETIN_JOB_TIME_VERIFY_STORAGE", "03:40"),
    # Finished background-task rows older than 14 days (django-tasks-db's own command).
    "prune_db_task_results": os.environ.get("BULLETIN_JOB_TIME_PRUNE_TASKS", "03:50"),
    # The audit log: rows older than the retention period go, then the hash chain is proved.
    "prune_audit": os.environ.get("BULLETIN_JOB_TIME_PRUNE_AUDIT", "04:10"),
    "verify_audit": os.environ.get("BULLETIN_JOB_TIME_VERIFY_AUDIT", "04:20"),
    # 每日汇总: one mail per person who chose it, with what was held back (and an editor's counts).
    "send_digests": os.environ.get("BULLETIN_JOB_TIME_SEND_DIGESTS", "07:45"),
    "prune_deliveries": os.environ.get("BULLETIN_JOB_TIME_PRUNE_DELIVERIES", "04:30"),
}
# How long the audit log is kept, in days: 网络安全法 asks six months at least, so less than
# 180 is refused at startup (audit.retention).
BULLETIN_AUDIT_RETENTION_DAYS = env_int("BULLETIN_AUDIT_RETENTION_DAYS", 365)
BULLETIN_SCHEDULER = env_bool("BULLETIN_SCHEDULER", True)
# Monitoring sends "Authorization: Bearer <token>" to /healthz to read the details (worker
# processes, queue depth, errors); others, except requests made on the server itself, read
# only ok/unavailable. Empty: details only on the server itself.
BULLETIN_HEALTH_TOKEN = os.environ.get("BULLETIN_HEALTH_TOKEN", "").strip()
# When nginx serves stored PDFs itself (X-Accel-Redirect), the internal location that maps
# to MEDIA_ROOT, e.g. "/protected-media/". Empty: the app streams the file.
BULLETIN_X_ACCEL_PREFIX = os.environ.get("BULLETIN_X_ACCEL_PREFIX", "").strip()

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: the console backend prints messages in development; set EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and the host settings in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "杭州人大信息 <bulletin@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people open the app at, for links in notification mails.
BULLETIN_SITE_URL = os.environ.get("BULLETIN_SITE_URL", "http://127.0.0.1:8000")


# Channels (messaging; docs/operations.md, "通知渠道"): what reaches a person for each kind
# of message when they have not chosen (站内通知 always), what reaches a unit contact without
# an account, and how often a delivery the provider turned away for now is tried again
# (backoff × 4^n seconds). BULLETIN_CHANNELS reads "kind=channel,channel;kind=…", "*" for
# every kind not named; the names are checked against messaging's when the app starts
# (messaging.defaults), so a misspelt channel or kind stops the start with its name.
def env_channel_map(name: str, default: str) -> dict[str, list[str]]:
    text = os.environ.get(name, "").strip() or default
    result: dict[str, list[str]] = {}
    for part in (part.strip() for part in text.split(";")):
        if not part:
            continue
        kind, equals, channels = part.partition("=")
        if not equals or not kind.strip():
            raise ImproperlyConfigured(
                f"环境变量 {name} 的“{part}”应写作“消息类别=渠道,渠道”，如 reminder=email,sms。"
                f" ({name}: “{part}” must read kind=channel,channel, e.g. reminder=email,sms.)"
            )
        result[kind.strip()] = [item.strip() for item in channels.split(",") if item.strip()]
    return result


BULLETIN_CHANNEL_DEFAULTS = env_channel_map("BULLETIN_CHANNELS", "*=email")
BULLETIN_CONTACT_CHANNELS = env_list("BULLETIN_CONTACT_CHANNELS", "sms,zzd,email")
BULLETIN_DELIVERY_ATTEMPTS = env_int("BULLETIN_DELIVERY_ATTEMPTS", 5)
BULLETIN_DELIVERY_BACKOFF_SECONDS = env_int("BULLETIN_DELIVERY_BACKOFF_SECONDS", 30)
# The generic webhook: every message the people who chose it are sent is POSTed as JSON to
# this URL, signed with HMAC-SHA256 over "timestamp.body" with the secret
# (messaging/channels/webhook.py). Empty URL: the channel is not offered.
BULLETIN_WEBHOOK_URL = os.environ.get("BULLETIN_WEBHOOK_URL", "").strip()
BULLETIN_WEBHOOK_SECRET = os.environ.get("BULLETIN_WEBHOOK_SECRET", "")
BULLETIN_WEBHOOK_TIMEOUT_SECONDS = env_int("BULLETIN_WEBHOOK_TIMEOUT_SECONDS", 10)
# A mail server that accepts the connection and then says nothing must not hold a worker:
# Django's SMTP backend gives up after this many seconds (the delivery is tried again later).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Settled delivery records are kept this many days (a year of 考核 and some), then pruned daily.
BULLETIN_DELIVERY_RETENTION_DAYS = env_int("BULLETIN_DELIVERY_RETENTION_DAYS", 400)

# Providers: 浙政钉 工作通知 (messaging/channels/zhengding.py, the 专有钉钉 open platform) and
# 短信 (messaging/channels/sms.py, Aliyun's SendSms API). A channel is configured only when
# all of its required variables are set; docs/operations.md, "浙政钉与短信", names each.
# Every call to a provider waits at most CONNECT seconds for the connection and READ seconds
# for each read of the answer, so a hung provider cannot hold the worker.
BULLETIN_PROVIDER_CONNECT_TIMEOUT = env_int("BULLETIN_PROVIDER_CONNECT_TIMEOUT", 5)
BULLETIN_PROVIDER_READ_TIMEOUT = env_int("BULLETIN_PROVIDER_READ_TIMEOUT", 15)
BULLETIN_ZZD_BASE_URL = os.environ.get("BULLETIN_ZZD_BASE_URL", "").strip()
BULLETIN_ZZD_APP_KEY = os.environ.get("BULLETIN_ZZD_APP_KEY", "").strip()
BULLETIN_ZZD_APP_SECRET = os.environ.get("BULLETIN_ZZD_APP_SECRET", "").strip()
BULLETIN_ZZD_TENANT_ID = os.environ.get("BULLETIN_ZZD_TENANT_ID", "").strip()
BULLETIN_SMS_URL = os.environ.get("BULLETIN_SMS_URL", "https://dysmsapi.aliyuncs.com/").strip()
BULLETIN_SMS_REGION = os.environ.get("BULLETIN_SMS_REGION", "cn-hangzhou").strip()
BULLETIN_SMS_ACCESS_KEY_ID = os.environ.get("BULLETIN_SMS_ACCESS_KEY_ID", "").strip()
BULLETIN_SMS_ACCESS_KEY_SECRET = os.environ.get("BULLETIN_SMS_ACCESS_KEY_SECRET", "").strip()
BULLETIN_SMS_SIGN_NAME = os.environ.get("BULLETIN_SMS_SIGN_NAME", "").strip()
# One approved template with a ${content} variable for every kind of message, and, where the
# office has one approved per kind, "kind:code" pairs (reminder:SMS_1,commission:SMS_2).
BULLETIN_SMS_TEMPLATE_CODE = os.environ.get("BULLETIN_SMS_TEMPLATE_CODE", "").strip()
BULLETIN_SMS_TEMPLATE_CODES = {
    kind.strip(): code.strip()
    for kind, _, code in (pair.partition(":") for pair in env_list("BULLETIN_SMS_TEMPLATE_CODES", ""))
    if code.strip()
}
BULLETIN_SMS_TEMPLATE_PARAM = os.environ.get("BULLETIN_SMS_TEMPLATE_PARAM", "content").strip()
# Aliyun's variable rule for notification templates: at most 35 characters in one variable.
BULLETIN_SMS_PARAM_LIMIT = env_int("BULLETIN_SMS_PARAM_LIMIT", 35)

# Single sign-on (accounts/sso.py, accounts/zzd.py; docs/operations.md, "统一身份认证与浙政钉登录"):
# 统一身份认证 by OpenID Connect (mozilla-django-oidc reads the OIDC_* names) and 浙政钉扫码登录.
# Each login button shows only when its service is configured; local accounts stay available.
AUTHENTICATION_BACKENDS += ["accounts.sso.OIDCBackend", "accounts.sso.ZzdBackend"]


def _sso_mapping(name: str) -> dict[str, str]:
    """A JSON object of strings ({"group": "value"}), in the order written; empty if unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f'{name} 必须是 JSON 对象，如 {{"组名": "值"}}。') from error
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise ImproperlyConfigured(f'{name} 必须是 JSON 对象，如 {{"组名": "值"}}。')
    return value


BULLETIN_OIDC_ISSUER = os.environ.get("BULLETIN_OIDC_ISSUER", "").strip()
OIDC_RP_CLIENT_ID = os.environ.get("BULLETIN_OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("BULLETIN_OIDC_CLIENT_SECRET", "").strip()
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("BULLETIN_OIDC_AUTHORIZATION_ENDPOINT", "").strip()
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("BULLETIN_OIDC_TOKEN_ENDPOINT", "").strip()
OIDC_OP_USER_ENDPOINT = os.environ.get("BULLETIN_OIDC_USERINFO_ENDPOINT", "").strip()
OIDC_OP_JWKS_ENDPOINT = os.environ.get("BULLETIN_OIDC_JWKS_ENDPOINT", "").strip()
OIDC_RP_SIGN_ALGO = os.environ.get("BULLETIN_OIDC_SIGN_ALGO", "").strip() or "RS256"
OIDC_RP_SCOPES = os.environ.get("BULLETIN_OIDC_SCOPES", "").strip() or "openid profile email"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("BULLETIN_OIDC_TIMEOUT_SECONDS", 10)
OIDC_VERIFY_SSL = env_bool("BULLETIN_OIDC_VERIFY_TLS", True)
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("BULLETIN_OIDC_TOKEN_BASIC_AUTH", False)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_oidc_callback"
BULLETIN_OIDC_USERNAME_CLAIM = (
    os.environ.get("BULLETIN_OIDC_USERNAME_CLAIM", "").strip() or "preferred_username"
)
BULLETIN_OIDC_NAME_CLAIM = os.environ.get("BULLETIN_OIDC_NAME_CLAIM", "").strip() or "name"
BULLETIN_OIDC_EMAIL_CLAIM = os.environ.get("BULLETIN_OIDC_EMAIL_CLAIM", "").strip() or "email"
BULLETIN_OIDC_GROUPS_CLAIM = os.environ.get("BULLETIN_OIDC_GROUPS_CLAIM", "").strip() or "groups"
BULLETIN_OIDC_ROLE_CLAIM = os.environ.get("BULLETIN_OIDC_ROLE_CLAIM", "").strip()
BULLETIN_OIDC_UNIT_CLAIM = os.environ.get("BULLETIN_OIDC_UNIT_CLAIM", "").strip()
BULLETIN_OIDC_GROUP_ROLES = _sso_mapping("BULLETIN_OIDC_GROUP_ROLES")
BULLETIN_OIDC_GROUP_UNITS = _sso_mapping("BULLETIN_OIDC_GROUP_UNITS")
# An ID token whose acr is one of these says the provider checked a second factor (as an
# amr of mfa, otp or hwk does); the second-factor check then asks for no TOTP code when
# BULLETIN_SSO_TRUST_PROVIDER_MFA is on.
BULLETIN_SSO_MFA_ACR = env_list("BULLETIN_SSO_MFA_ACR", "")
# 浙政钉扫码登录: the 扫码登录 app's key and secret, the login host (the QR page) and the open
# platform host (gettoken.json, getuserinfo_bycode.json), and what the signed calls say of
# this server (X-Hmac-Auth-IP / -MAC).
BULLETIN_ZZD_LOGIN_APP_KEY = os.environ.get("BULLETIN_ZZD_LOGIN_APP_KEY", "").strip()
BULLETIN_ZZD_LOGIN_APP_SECRET = os.environ.get("BULLETIN_ZZD_LOGIN_APP_SECRET", "").strip()
BULLETIN_ZZD_LOGIN_URL = os.environ.get("BULLETIN_ZZD_LOGIN_URL", "").strip()
BULLETIN_ZZD_LOGIN_API_URL = os.environ.get("BULLETIN_ZZD_LOGIN_API_URL", "").strip()
BULLETIN_ZZD_LOGIN_CLIENT_IP = os.environ.get("BULLETIN_ZZD_LOGIN_CLIENT_IP", "").strip() or "127.0.0.1"
BULLETIN_ZZD_LOGIN_CLIENT_MAC = (
    os.environ.get("BULLETIN_ZZD_LOGIN_CLIENT_MAC", "").strip() or "00:00:00:00:00:00"
)
BULLETIN_ZZD_LOGIN_TIMEOUT_SECONDS = env_int("BULLETIN_ZZD_LOGIN_TIMEOUT_SECONDS", 10)

# Reminders (manage.py send_reminders, run daily): how many days ahead a due date is "near",
# how long after a deadline units are still reminded, and after how many days a piece waiting
# for the editor (or for the unit's 审签) is reported.
BULLETIN_REMINDER_DAYS_AHEAD = int(os.environ.get("BULLETIN_REMINDER_DAYS_AHEAD", "3"))
BULLETIN_REMINDER_OVERDUE_DAYS = int(os.environ.get("BULLETIN_REMINDER_OVERDUE_DAYS", "7"))
BULLETIN_REVIEW_WAIT_DAYS = int(os.environ.get("BULLETIN_REVIEW_WAIT_DAYS", "3"))

# Print fonts: a folder of licensed faces (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312)
# preferred over the free Debian faces when present.
BULLETIN_FONT_DIR = os.environ.get("BULLETIN_FONT_DIR", "")

# Sessions (GB/T 22239-2019 level 2, 登录连接超时自动退出): an idle session ends after
# BULLETIN_SESSION_IDLE_MINUTES (every request pushes the end back), and the session
# cookie lives only as long as the browser unless the office sets
# BULLETIN_SESSION_EXPIRE_AT_BROWSER_CLOSE=0.
SESSION_COOKIE_AGE = env_int("BULLETIN_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("BULLETIN_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Typed work outlives the idle end (static/js/autosave.js): this many seconds before it the
# page offers 继续, and the piece editor saves itself to the server at most this often.
BULLETIN_SESSION_WARNING_SECONDS = env_int("BULLETIN_SESSION_WARNING_SECONDS", 120)
BULLETIN_AUTOSAVE_SECONDS = env_int("BULLETIN_AUTOSAVE_SECONDS", 60)

# Second factor (双因素认证: TOTP and recovery codes through django-otp; accounts/second_factor.py,
# docs/operations.md "双因素认证"). GB/T 22239-2019 level 3 asks two kinds of 鉴别 for the
# administrators, OWASP ASVS level 2 for every sensitive role: the roles named here are held
# on the 验证码 page after the password (or the directory / single sign-on) until they give a
# code, and are sent to enrol first if they have no authenticator yet. An office adds
# "editor", "reviewer" or "contributor"; an empty value asks nobody. The demo (`make run`,
# BULLETIN_DEMO=1, whose accounts share one published password) asks nobody unless the
# variable is set.
BULLETIN_2FA_ROLE_NAMES = ("contributor", "reviewer", "editor", "reader", "admin", "auditor")
BULLETIN_2FA_ROLES = env_list("BULLETIN_2FA_ROLES", "" if BULLETIN_DEMO else "admin,auditor")
if unknown_roles := sorted(set(BULLETIN_2FA_ROLES) - set(BULLETIN_2FA_ROLE_NAMES)):
    raise ImproperlyConfigured(
        f"BULLETIN_2FA_ROLES 含有未知的角色：{'、'.join(unknown_roles)}；"
        f"可用的角色为 {', '.join(BULLETIN_2FA_ROLE_NAMES)}。"
    )
# A directory or single sign-on login whose provider says it checked a second factor itself
# (the ID token's amr/acr, accounts/sso.py) needs no TOTP code here while this is on.
BULLETIN_SSO_TRUST_PROVIDER_MFA = env_bool("BULLETIN_SSO_TRUST_PROVIDER_MFA", True)
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.environ.get("BULLETIN_2FA_ISSUER", "").strip() or "杭州人大信息"
# After each wrong code the next one is checked only after 1, 2, 4, 8 … times this many
# seconds (django-otp's throttling, per authenticator and per set of recovery codes).
OTP_TOTP_THROTTLE_FACTOR = env_int("BULLETIN_2FA_THROTTLE_SECONDS", 1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# OTPMiddleware tells, right after the login is read, whether this session passed the second
# factor; ours then holds a session that has not — before the password-change middleware, so
# nobody changes a password (or does anything else) on the strength of a password alone.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.middleware.PasswordChangeRequiredMiddleware"),
    "accounts.second_factor_middleware.SecondFactorRequiredMiddleware",
)
# The enrolment QR code is an <svg> element inside the page (drawn by segno on the server):
# the Content-Security-Policy below needs nothing more for it — it has no script, no style
# element and loads nothing.

# HTTPS. In production the app assumes it is served over HTTPS (DJANGO_SECURE_COOKIES=1,
# the default when DEBUG is off): cookies are sent only over HTTPS, plain HTTP is
# redirected, and browsers are told to keep to HTTPS (HSTS). An intranet that serves
# plain HTTP sets DJANGO_SECURE_COOKIES=0 (docs/operations.md, "Security").
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", SECURE_COOKIES)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For.
# DJANGO_BEHIND_HTTPS_PROXY is the same switch under the name deploy/bulletin.env.example uses.
BULLETIN_BEHIND_PROXY = env_bool("BULLETIN_BEHIND_PROXY", env_bool("DJANGO_BEHIND_HTTPS_PROXY", False))
if BULLETIN_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form (expired page, cookies over plain HTTP) gets a Chinese page that says why.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# Content-Security-Policy (django-csp): only the app's own scripts, styles, images and
# fonts; no inline script or style anywhere, no frames, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Style attributes only (no <style> element, no style sheet from elsewhere): the
        # body editor reads the bold of text pasted from Word from its style attribute;
        # the server keeps only <p> and <strong>, so none is ever stored.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Directory login (目录登录, LDAP/AD) -----------------------------------------------
# Off unless BULLETIN_LDAP_URI is set; then accounts.directory.DirectoryBackend signs people
# in against the directory, after the lockout check (so failures still count) and after the
# local accounts. Every variable is described in docs/operations.md, "目录登录 (LDAP/AD)".
BULLETIN_LDAP_URI = os.environ.get("BULLETIN_LDAP_URI", "").strip()
BULLETIN_LDAP_BIND_DN = os.environ.get("BULLETIN_LDAP_BIND_DN", "")
BULLETIN_LDAP_BIND_PASSWORD = os.environ.get("BULLETIN_LDAP_BIND_PASSWORD", "")
BULLETIN_LDAP_START_TLS = env_bool("BULLETIN_LDAP_START_TLS", False)
BULLETIN_LDAP_CA_FILE = os.environ.get("BULLETIN_LDAP_CA_FILE", "")
BULLETIN_LDAP_TIMEOUT_SECONDS = env_int("BULLETIN_LDAP_TIMEOUT_SECONDS", 5)
BULLETIN_LDAP_USER_SEARCH_BASE = os.environ.get("BULLETIN_LDAP_USER_SEARCH_BASE", "")
# %(user)s is the user name typed at the login page (escaped); AD: (sAMAccountName=%(user)s).
BULLETIN_LDAP_USER_FILTER = os.environ.get("BULLETIN_LDAP_USER_FILTER", "(uid=%(user)s)")
BULLETIN_LDAP_NAME_ATTRIBUTE = os.environ.get("BULLETIN_LDAP_NAME_ATTRIBUTE", "cn")
BULLETIN_LDAP_EMAIL_ATTRIBUTE = os.environ.get("BULLETIN_LDAP_EMAIL_ATTRIBUTE", "mail")
BULLETIN_LDAP_GROUP_SEARCH_BASE = os.environ.get("BULLETIN_LDAP_GROUP_SEARCH_BASE", "")
BULLETIN_LDAP_GROUP_TYPE = os.environ.get("BULLETIN_LDAP_GROUP_TYPE", "groupOfNames").strip()
BULLETIN_LDAP_GROUP_FILTER = os.environ.get("BULLETIN_LDAP_GROUP_FILTER", "")
# "role=group DN;role=group DN;…", the first listed group a person is in gives the role.
BULLETIN_LDAP_ROLE_GROUPS = os.environ.get("BULLETIN_LDAP_ROLE_GROUPS", "")
# The unit of a 报送员 or 审核人: "简称=group DN;…", or else an attribute holding the 简称.
BULLETIN_LDAP_UNIT_GROUPS = os.environ.get("BULLETIN_LDAP_UNIT_GROUPS", "")
BULLETIN_LDAP_UNIT_ATTRIBUTE = os.environ.get("BULLETIN_LDAP_UNIT_ATTRIBUTE", "").strip()
if BULLETIN_LDAP_URI:
    AUTHENTICATION_BACKENDS.append("accounts.directory.DirectoryBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO; only its warnings matter here.
    "loggers": {
        "django_tasks_db": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes reports every login at INFO; the audit log records them.
        "axes": {"level": "WARNING"},
        # django-auth-ldap logs each refusal as a warning; the audit log records them.
        "django_auth_ldap": {"level": "ERROR"},
    },
}
