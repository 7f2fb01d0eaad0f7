import pytest
from django.core.management import call_command

from accounts.models import Role, User
from bulletin.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_prints_the_accounts(capsys):
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert User.objects.count() == 5
    roles = {u.username: (u.role, u.unit.short_name if u.unit else None) for u in User.objects.all()}
    assert roles["xihu"] == (Role.CONTRIBUTOR, "西湖区")
    assert roles["xiaoshan"] == (Role.CONTRIBUTOR, "萧山区")
    assert roles["bianji"] == (Role.EDITOR, None)
    assert roles["duzhe"] == (Role.READER, None)
    assert f"密码均为 {DEMO_PASSWORD}" in out
    assert all(User.objects.get(username=name).check_password(DEMO_PASSWORD) for name in roles)
    from submissions.models import Submission

    states = sorted(Submission.objects.values_list("unit__short_name", "status"))
    assert states == [("萧山区", "returned"), ("萧山区", "submitted"), ("西湖区", "adopted"), ("西湖区", "draft")]


def test_load_demo_restores_a_changed_demo_account():
    call_command("load_demo")
    user = User.objects.get(username="xihu")
    user.set_password("something-else")
    user.save()
    call_command("load_demo")
    assert User.objects.get(username="xihu").check_password(DEMO_PASSWORD)
