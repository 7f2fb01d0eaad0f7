"""The session endpoints the page uses: reading the state changes nothing, 继续 extends it."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _age_session(client, seconds_left: int) -> datetime.datetime:
    """As if the last request was long ago: the session ends in `seconds_left` seconds."""
    row = _session_row(client)
    row.expire_date = timezone.now() + datetime.timedelta(seconds=seconds_left)
    row.save()
    return row.expire_date


def test_status_tells_the_time_left_and_does_not_extend(client_for, contributor):
    client = client_for(contributor)
    ends = _age_session(client, 100)
    response = client.get(reverse("session_status"))
    state = response.json()
    assert state["authenticated"] is True
    assert state["user_id"] == contributor.pk
    assert 95 <= state["seconds_left"] <= 100
    assert state["csrf_token"]
    # SESSION_SAVE_EVERY_REQUEST saves (and extends) the session after any other request.
    assert _session_row(client).expire_date == ends
    assert "sessionid" not in response.cookies
    assert response["Cache-Control"].startswith("max-age=0")


def test_any_other_page_does_extend(client_for, contributor):
    """The control for the test above: without the status view's care the end moves."""
    client = client_for(contributor)
    ends = _age_session(client, 100)
    client.get(reverse("unit_home"))
    assert _session_row(client).expire_date > ends + datetime.timedelta(seconds=60)


def test_status_after_the_end(client_for, contributor):
    client = client_for(contributor)
    _age_session(client, -1)
    state = client.get(reverse("session_status")).json()
    assert state["authenticated"] is False
    assert state["user_id"] is None
    assert state["seconds_left"] == 0
    assert state["csrf_token"]  # what the in-place login posts with


def test_status_is_read_only(client_for, contributor):
    client = client_for(contributor)
    assert client.post(reverse("session_status")).status_code == 405


def test_extend_pushes_the_end_back(client_for, contributor, settings):
    client = client_for(contributor)
    ends = _age_session(client, 100)
    response = client.post(reverse("session_extend"))
    assert response.status_code == 200
    assert response.json()["seconds_left"] == settings.SESSION_COOKIE_AGE
    assert _session_row(client).expire_date > ends + datetime.timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 200
    )


def test_extend_needs_post(client_for, contributor):
    client = client_for(contributor)
    # A GET is refused before any view runs; the session middleware still saves the
    # session for any answered request, so the refusal is what is checked here.
    assert client.get(reverse("session_extend")).status_code == 405


def test_extend_an_ended_session_is_refused(client_for, contributor):
    client = client_for(contributor)
    _age_session(client, -1)
    response = client.post(reverse("session_extend"))
    assert response.status_code == 401
    assert response.json()["authenticated"] is False


def test_extend_checks_csrf(contributor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    assert client.post(reverse("session_extend")).status_code == 403


def test_pages_carry_the_timings(client_for, contributor, settings):
    settings.SESSION_COOKIE_AGE = 600
    settings.BULLETIN_SESSION_WARNING_SECONDS = 90
    page = client_for(contributor).get(reverse("unit_home")).content.decode()
    assert 'data-session-idle-seconds="600"' in page
    assert 'data-session-warning-seconds="90"' in page
    assert f'data-session-user="{contributor.pk}"' in page
    assert "js/autosave.js" in page
