import pytest

from messaging.channels import zhengding
from tests.servers import zzd_server


@pytest.fixture
def zzd_platform(settings):
    """The local 浙政钉 open platform (tests/servers/zzd_server.py), running, with the
    BULLETIN_ZZD_* settings pointing the channel at it and no access token cached from an
    earlier test; stopped after the test."""
    platform = zzd_server.start_zzd_server()
    for name, value in zzd_server.channel_settings(platform).items():
        setattr(settings, name, value)
    zhengding.forget_all_tokens()
    yield platform
    zhengding.forget_all_tokens()
    platform.stop()
