import pytest
from django.core.management import call_command

from accounts.models import Role, User
from demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_seeds(monkeypatch, tmp_path):
    """A seeds folder with nothing in it: the demo without back issues."""
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    monkeypatch.setenv("BULLETIN_SEEDS_DIR", str(empty))


def test_load_demo_is_idempotent_and_prints_the_accounts(capsys, no_seeds):
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "往期档案为空" in out
    assert User.objects.count() == 7
    roles = {u.username: (u.role, u.unit.short_name if u.unit else None) for u in User.objects.all()}
    assert roles["xihu"] == (Role.CONTRIBUTOR, "西湖区")
    assert roles["xiaoshan"] == (Role.CONTRIBUTOR, "萧山区")
    assert roles["xihu_shenhe"] == (Role.REVIEWER, "西湖区")
    assert roles["bianji"] == (Role.EDITOR, None)
    assert roles["duzhe"] == (Role.READER, None)
    assert roles["shenji"] == (Role.AUDITOR, None)
    assert f"密码均为 {DEMO_PASSWORD}" in out
    assert all(User.objects.get(username=name).check_password(DEMO_PASSWORD) for name in roles)
    from submissions.models import Submission

    states = sorted(Submission.objects.values_list("unit__short_name", "status"))
    assert states == [
        ("萧山区", "returned"),
        ("萧山区", "submitted"),
        ("西湖区", "adopted"),
        ("西湖区", "draft"),
    ]


def test_load_demo_restores_a_changed_demo_account(no_seeds):
    call_command("load_demo")
    user = User.objects.get(username="xihu")
    user.set_password("something-else")
    user.save()
    call_command("load_demo")
    assert User.objects.get(username="xihu").check_password(DEMO_PASSWORD)


def test_load_demo_skips_text_files_that_are_not_issues(monkeypatch, tmp_path, capsys):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "readme.txt").write_text("这个文件夹里放往期文字。", encoding="utf-8")
    monkeypatch.setenv("BULLETIN_SEEDS_DIR", str(folder))
    call_command("load_demo")
    assert "导入往期" not in capsys.readouterr().out


def test_load_demo_starts_an_issue_with_the_adopted_piece(no_seeds):
    from bulletin.models import Issue

    call_command("load_demo")
    call_command("load_demo")
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.DRAFT and issue.origin == Issue.Origin.ASSEMBLED
    assert list(issue.publication.distribution_lists.values_list("name", flat=True)) == [
        "专刊（加送市委、市政府）"
    ]
    placed = list(issue.placements.values_list("section__name", "submission__title"))
    assert placed == [("助力攻坚", "西湖区：“点、线、面”结合助力优化营商环境")]


def test_load_demo_fills_the_archive_with_the_sample_issues(settings, tmp_path, capsys):
    from bulletin.models import Issue

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo")
    assert "导入往期 3 期" in capsys.readouterr().out
    call_command("load_demo")
    assert "导入往期" not in capsys.readouterr().out
    published = Issue.objects.filter(status=Issue.Status.PUBLISHED, origin=Issue.Origin.IMPORTED)
    assert sorted(published.values_list("year", "number", "total_number")) == [
        (2024, 1, 689),
        (2024, 6, 694),
        (2024, 15, 703),
    ]
    assert all(issue.pdfs.exists() for issue in published)
    # The issue in assembly takes the next numbers after the archive's.
    draft = Issue.objects.get(status=Issue.Status.DRAFT)
    assert draft.total_number == 704
