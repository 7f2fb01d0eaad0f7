"""The tests' authenticator app: codes computed from the secret the way a phone does (RFC 6238
through django-otp's own TOTP), and the honest ways a test gets past the second factor.

- `AuthenticatorApp`: holds a secret (as the enrolment page shows it, base32) and answers the
  code of the current 30-second step; like a person, it waits for the next step when the
  current code was already used (the server refuses a code twice).
- `pass_second_factor(client, user)`: what `Client.force_login` means for a role that must
  give a second factor (tests/conftest.py): the person enrols a real authenticator through
  the real actions (confirmed with a real code) and the session is marked as having passed
  it with that device — as force_login itself writes the session of a checked password.
- `complete_second_factor_in_page(page, username)`: a browser test's login continues through
  the real enrolment or 验证码 page, typing the code the app computes.
"""

import base64
import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor


class AuthenticatorApp:
    def __init__(self, secret: str, step: int = 30):
        self.key = base64.b32decode(
            secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8)
        )
        self.step = step
        self.used_t = -1

    @classmethod
    def for_device(cls, device: TOTPDevice) -> "AuthenticatorApp":
        app = cls(second_factor.secret_text(device), step=device.step)
        app.used_t = device.last_t
        return app

    def current_t(self) -> int:
        return int(time.time()) // self.step

    def code_at(self, t: int) -> str:
        """The code of time step `t` (one already shown, to try it again)."""
        return f"{hotp(self.key, t, digits=6):06d}"

    def code(self) -> str:
        """The code on the phone's screen now, once the step of the last used one is over."""
        while self.current_t() <= self.used_t:
            time.sleep(0.2)
        self.used_t = self.current_t()
        return self.code_at(self.used_t)


def enrol(user) -> TOTPDevice:
    """Enrol `user` through the real actions, confirming with a real code."""
    shown = second_factor.new_authenticator(actor=user)
    code = AuthenticatorApp.for_device(shown).code()
    device, _codes = second_factor.confirm_enrolment(actor=user, key=shown.key, code=code)
    return device


def pass_second_factor(client: Client, user) -> None:
    if not second_factor.role_requires_second_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def complete_second_factor_in_page(page, username: str) -> None:
    """After the password: enrol (reading the secret from the page) or give the code, as a
    person with the phone would. Nothing to do when the page is neither."""
    if "/accounts/2fa/enrol/" in page.url:
        app = AuthenticatorApp(page.locator("#second-factor-secret").inner_text())
        page.get_by_label("验证码").fill(app.code())
        page.get_by_role("button", name="完成绑定").click()
        page.wait_for_load_state()
        page.get_by_role("link", name="我已保存，继续").click()
        page.wait_for_load_state()
    elif "/accounts/2fa/verify/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("验证码").fill(AuthenticatorApp.for_device(device).code())
        page.get_by_role("button", name="验证并登录").click()
        page.wait_for_load_state()
