"""The office's defaults come from BULLETIN_CHANNELS; a misspelt name stops the start."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_channel_map
from messaging.defaults import check_channel_settings
from messaging.models import MessageKind
from messaging.queries import chosen_channels, office_default
from tests.paths import ROOT


def test_the_variable_is_read_kind_by_kind(monkeypatch):
    monkeypatch.setenv("BULLETIN_CHANNELS", " *=email ; reminder=email, sms;security=email,sms;digest= ")
    assert env_channel_map("BULLETIN_CHANNELS", "*=email") == {
        "*": ["email"],
        "reminder": ["email", "sms"],
        "security": ["email", "sms"],
        "digest": [],
    }
    monkeypatch.delenv("BULLETIN_CHANNELS")
    assert env_channel_map("BULLETIN_CHANNELS", "*=email") == {"*": ["email"]}


def test_a_part_without_equals_is_refused(monkeypatch):
    monkeypatch.setenv("BULLETIN_CHANNELS", "*=email;reminder")
    with pytest.raises(ImproperlyConfigured, match="“reminder”应写作“消息类别=渠道,渠道”") as caught:
        env_channel_map("BULLETIN_CHANNELS", "*=email")
    assert "must read kind=channel,channel" in str(caught.value)


@pytest.mark.parametrize(
    ("defaults", "contacts", "words"),
    [
        (
            {"*": ["email"], "remind": ["sms"]},
            ["sms"],
            ["消息类别“remind”不存在", "unknown message kind “remind”"],
        ),
        ({"reminder": ["fax"]}, ["sms"], ["渠道“fax”不存在", "unknown channel “fax” for “reminder”"]),
        (
            {"*": ["email"]},
            ["pager"],
            ["BULLETIN_CONTACT_CHANNELS 中的渠道“pager”不存在", "unknown channel “pager”"],
        ),
    ],
)
def test_unknown_names_are_refused_in_both_languages(settings, defaults, contacts, words):
    settings.BULLETIN_CHANNEL_DEFAULTS = defaults
    settings.BULLETIN_CONTACT_CHANNELS = contacts
    with pytest.raises(ImproperlyConfigured) as caught:
        check_channel_settings()
    for word in words:
        assert word in str(caught.value)


def test_known_names_pass(settings):
    settings.BULLETIN_CHANNEL_DEFAULTS = {"*": ["email"], "reminder": ["email", "sms", "inapp"], "digest": []}
    settings.BULLETIN_CONTACT_CHANNELS = ["sms", "zzd", "email", "webhook"]
    check_channel_settings()


@pytest.mark.django_db
def test_the_defaults_decide_for_people_who_did_not_choose(settings, contributor):
    settings.BULLETIN_CHANNEL_DEFAULTS = {
        "*": ["email"],
        "reminder": ["email", "webhook", "inapp"],
        "digest": [],
    }
    settings.BULLETIN_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    assert office_default(MessageKind.REMINDER) == ["email", "webhook"]
    assert office_default(MessageKind.COMMENT) == ["email"]
    assert office_default(MessageKind.DIGEST) == []
    assert chosen_channels([contributor], MessageKind.REMINDER) == {contributor.pk: ["email", "webhook"]}
    # The digest is for a mailbox: "*" does not send it by SMS or webhook.
    settings.BULLETIN_CHANNEL_DEFAULTS = {"*": ["email", "webhook"], "reminder": ["email", "webhook"]}
    assert office_default(MessageKind.DIGEST) == ["email"]
    settings.BULLETIN_WEBHOOK_URL = ""  # a channel not configured reaches nobody
    assert chosen_channels([contributor], MessageKind.REMINDER) == {contributor.pk: ["email"]}


def test_the_site_does_not_start_with_a_misspelt_channel(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "1", "BULLETIN_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env["BULLETIN_CHANNELS"] = "*=email;reminder=email,smss"
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "“reminder”的渠道“smss”不存在" in result.stderr
    assert "unknown channel “smss”" in result.stderr
    env["BULLETIN_CHANNELS"] = "*=email;reminder=email,sms;security=email,sms"
    ok = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
