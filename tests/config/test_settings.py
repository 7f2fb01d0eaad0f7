import importlib
import os
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LONG_KEY = "k7#Qv9!mZp2@Lx4$Rt6^Wn8&Yb0*Hc3(Jd5)Fg1-Ks7=Ua9+Ve2"


def test_chinese_language_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_database_follows_database_url():
    url = os.environ.get("DATABASE_URL", "")
    engine = settings.DATABASES["default"]["ENGINE"]
    if url.startswith(("postgres://", "postgresql://")):
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"


def test_default_sqlite_lives_outside_the_code_folders():
    for code_folder in ("bulletin", "submissions", "accounts", "templates", "static", "tests"):
        assert not settings.DATA_DIR.is_relative_to(settings.BASE_DIR / code_folder)


def test_no_asset_is_loaded_from_the_internet():
    # Every page asset is served by the app: base template references no external URL.
    base = (settings.BASE_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    assert "http://" not in base and "https://" not in base and "//cdn" not in base


@contextmanager
def reloaded_settings(monkeypatch, **env):
    """The settings module as it loads under the given environment; restored afterwards."""
    import config.settings as module

    with monkeypatch.context() as patch:
        for name, value in env.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        try:
            yield importlib.reload(module)
        finally:
            patch.undo()
            importlib.reload(module)


def test_production_requires_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        with reloaded_settings(monkeypatch, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=None):
            pass


def test_environment_drives_settings(monkeypatch, tmp_path):
    with reloaded_settings(
        monkeypatch,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=LONG_KEY,
        DJANGO_ALLOWED_HOSTS="bulletin.example.internal, 10.0.0.5",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        EMAIL_HOST="mail.internal",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
    ) as module:
        values = (module.DEBUG, module.SECRET_KEY, module.ALLOWED_HOSTS, module.DATABASES["default"]["NAME"])
        mail = (module.EMAIL_HOST, module.EMAIL_PORT, module.EMAIL_USE_TLS)
    assert values == (
        False,
        LONG_KEY,
        ["bulletin.example.internal", "10.0.0.5"],
        str(tmp_path / "x.sqlite3"),
    )
    assert mail == ("mail.internal", 587, True)


def test_postgres_url_is_parsed(monkeypatch):
    with reloaded_settings(
        monkeypatch, DATABASE_URL="postgres://bulletin:pw@db.internal:5433/hzrd"
    ) as module:
        db = module.DATABASES["default"]
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "hzrd",
        "bulletin",
    )


def test_unsupported_database_url_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        with reloaded_settings(monkeypatch, DATABASE_URL="mysql://root@localhost/x"):
            pass
