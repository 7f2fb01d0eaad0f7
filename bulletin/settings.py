"""Settings for 杭州人大信息, driven by environment variables.

Every variable has a safe development default; production sets at least
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL. DEBUG is off unless
DJANGO_DEBUG=1 (`make run` and the test settings set it). See README.md, "Configuration"
and "Security".
"""

import datetime
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
    "bulletin",
    "bulletin.admin_site.AdminConfig",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bulletin.errors.ChineseErrorPagesMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every login first (a locked account or address is refused before
# its password is even looked at), then Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "bulletin.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "bulletin.wsgi.application"

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
# not the user name, not a common password, not blank. accounts/passwords.py.
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
]

# Login failure handling (登录失败处理): django-axes. After AXES_FAILURE_LIMIT failures for
# one account, or from one address, within the cool-off time, that account (address) is
# locked for the cool-off time; a 管理员 unlocks it by deleting its row under
# 系统管理 › Axes › Access attempts (or `manage.py axes_reset_username NAME`).
AXES_FAILURE_LIMIT = env_int("BULLETIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("BULLETIN_LOGIN_LOCK_MINUTES", 15))
AXES_USE_ATTEMPT_EXPIRATION = True  # failures older than the cool-off time no longer count
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "audit.addresses.client_address"
# Successful logins and logouts are in the audit log (audit/), not in a second log.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

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

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

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

# HTTPS. In production the app assumes it is served over HTTPS (DJANGO_SECURE_COOKIES=1,
# the default when DEBUG is off): cookies are sent only over HTTPS, plain HTTP is
# redirected, and browsers are told to keep to HTTPS (HSTS). An intranet that serves
# plain HTTP sets DJANGO_SECURE_COOKIES=0 (README, "Security").
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", SECURE_COOKIES)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For.
BULLETIN_BEHIND_PROXY = env_bool("BULLETIN_BEHIND_PROXY", False)
if BULLETIN_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form (expired page, cookies over plain HTTP) gets a Chinese page that says why.
CSRF_FAILURE_VIEW = "bulletin.errors.csrf_failure"

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO; only its warnings matter here.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes reports every login at INFO; the audit log records them.
        "axes": {"level": "WARNING"},
    },
}
