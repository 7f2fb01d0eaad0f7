"""Guessable passwords are refused (accounts.passwords.GuessableValidator, zxcvbn), with a
Chinese message, wherever a password is chosen: the password change page, the admin's
add-user page and the account actions."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.actions import create_account
from accounts.models import Role, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Ten characters or more, three kinds of character, not in Django's common-password list:
# the earlier rules let both through.
GUESSABLE = ["Password123!", "P@ssw0rd2026"]
PASSPHRASE = "Qiantang-Tide-Lamp-2031"


@pytest.mark.parametrize("password", GUESSABLE)
def test_guessable_passwords_are_refused_in_chinese(password, reader):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, reader)
    errors = caught.value.error_list
    assert [error.code for error in errors] == ["password_too_guessable"]
    message = errors[0].message
    assert message.startswith("密码太容易被猜到（强度 1 级，至少需要 3 级）")
    assert "这与常用密码相似" in message and "建议：" in message
    assert not any(word in message for word in ("Your password", "Warning", "Advice"))


def test_a_passphrase_is_accepted(reader):
    validate_password(PASSPHRASE, reader)


def test_a_very_long_passphrase_is_accepted(reader):
    # zxcvbn itself scores at most 72 characters; a longer one is not refused for it.
    validate_password("Qiantang-Tide-Lamp-2031 " * 4, reader)


def test_the_rule_is_explained_in_chinese():
    assert any("容易被猜到" in text for text in password_validators_help_texts())


@pytest.mark.parametrize("password", GUESSABLE)
def test_the_password_change_page_refuses_them(password, client, reader):
    client.force_login(reader)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert "密码太容易被猜到" in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


def test_the_password_change_page_takes_a_passphrase(client, reader):
    client.force_login(reader)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSPHRASE, "new_password2": PASSPHRASE},
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.check_password(PASSPHRASE)


@pytest.mark.parametrize("password", GUESSABLE)
def test_the_admins_add_user_page_refuses_them(password, admin_account):
    client = Client()
    client.force_login(admin_account)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "laoli",
            "full_name": "老李",
            "role": Role.READER,
            "unit": "",
            "password1": password,
            "password2": password,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "密码太容易被猜到" in response.content.decode()
    assert not User.objects.filter(username="laoli").exists()


@pytest.mark.parametrize("password", GUESSABLE)
def test_an_admin_cannot_create_an_account_with_them(password, admin_account):
    with pytest.raises(ValidationError, match="密码太容易被猜到"):
        create_account(actor=admin_account, username="laoli", password=password, role=Role.READER)
