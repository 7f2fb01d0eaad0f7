"""The providers' settings (短信 and 浙政钉) come from the environment, and the operations
manual names every one of them."""

import re

from django.conf import settings

from tests.config.test_settings import reloaded_settings


def test_templates_per_kind_are_read_as_kind_code_pairs(monkeypatch):
    with reloaded_settings(
        monkeypatch,
        BULLETIN_SMS_TEMPLATE_CODES=" reminder: SMS_124 ,commission:SMS_125,broken,empty:",
        BULLETIN_SMS_PARAM_LIMIT="20",
        BULLETIN_PROVIDER_READ_TIMEOUT="4",
    ) as module:
        values = (module.BULLETIN_SMS_TEMPLATE_CODES, module.BULLETIN_SMS_PARAM_LIMIT)
        timeout = module.BULLETIN_PROVIDER_READ_TIMEOUT
    assert values == ({"reminder": "SMS_124", "commission": "SMS_125"}, 20)
    assert timeout == 4


def test_the_operations_manual_names_every_provider_variable():
    source = (settings.BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"^(BULLETIN_(?:ZZD|SMS|PROVIDER)_[A-Z_]+) =", source, re.MULTILINE))
    assert len(names) >= 15
    operations = (settings.BASE_DIR / "docs" / "operations.md").read_text(encoding="utf-8")
    section = operations.split("## 浙政钉与短信", 1)[1]
    # 浙政钉扫码登录's own variables are named where sign-in is described.
    login = operations.split("## 统一身份认证与浙政钉登录", 1)[1].split("\n## ", 1)[0]
    sending = {name for name in names if not name.startswith("BULLETIN_ZZD_LOGIN_")}
    assert [name for name in sorted(sending) if f"`{name}`" not in section] == []
    assert [name for name in sorted(names - sending) if f"`{name}`" not in login] == []
