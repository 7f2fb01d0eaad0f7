"""Fixtures of the submissions tests that start a local server."""

import pytest

from tests.servers import sms_server


@pytest.fixture
def sms_gateway(settings):
    """The local SMS gateway (tests/servers/sms_server.py), running, with the BULLETIN_SMS_*
    settings pointing the channel at it; stopped after the test."""
    gateway = sms_server.start_sms_server()
    for name, value in sms_server.channel_settings(gateway).items():
        setattr(settings, name, value)
    yield gateway
    gateway.stop()
