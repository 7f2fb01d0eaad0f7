"""python manage.py render_issue: looks up an issue and prints its snapshot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from bulletin.models import Issue, Publication
from printing.document import ArticleItem, BriefItem, IssueDocument, Run, Section


def _document() -> IssueDocument:
    return IssueDocument(
        publication_name="杭州人大信息",
        compiler="杭州市人大常委会研究室编",
        edition_label="普刊",
        year=2024,
        number=15,
        total_number=703,
        date=dt.date(2024, 10, 25),
        sections=[
            Section(
                "要闻速递",
                "articles",
                [
                    ArticleItem(
                        "市人大常委会扎实推动代表建议高质量办理",
                        [[Run("市人大常委会紧扣责任落实，扎实推进代表建议高质量办理。")]],
                        byline_org="代表工委",
                    )
                ],
            ),
            Section(
                "信息摘登",
                "briefs",
                [
                    BriefItem(
                        [Run("拱墅区人大常委会充分发挥代表主体作用。")], "拱墅区人大常委会办公室", ["宋玉凤"]
                    )
                ],
            ),
        ],
        distribution=["省人大常委会办公厅、研究室"],
        editor_name="杨青青",
        editor_phone="(0571)85250657",
    )


@pytest.fixture
def issue(db):
    publication, _ = Publication.objects.get_or_create(
        name="杭州人大信息",
        defaults={
            "compiler": "杭州市人大常委会研究室编",
            "default_distribution": "省人大常委会办公厅、研究室",
            "default_editor_name": "杨青青",
            "default_editor_phone": "(0571)85250657",
        },
    )
    return Issue.objects.create(
        publication=publication,
        year=2024,
        number=15,
        total_number=703,
        date=dt.date(2024, 10, 25),
        editor_name="杨青青",
        editor_phone="(0571)85250657",
        distribution="省人大常委会办公厅、研究室",
        snapshot=_document().to_dict(),
    )


@pytest.mark.django_db
def test_renders_pdf_by_year_and_number(issue, tmp_path, capsys):
    out = tmp_path / "out.pdf"
    call_command("render_issue", "--year", "2024", "--number", "15", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    assert "已写出 PDF" in capsys.readouterr().out


@pytest.mark.django_db
def test_renders_html_by_total_number(issue, tmp_path):
    html = tmp_path / "out.html"
    call_command("render_issue", "--total", "703", "--html", str(html))
    text = html.read_text(encoding="utf-8")
    assert "市人大常委会扎实推动代表建议高质量办理" in text
    assert "<title>杭州人大信息 2024年第15期(总第703期)</title>" in text


@pytest.mark.django_db
def test_no_such_issue_is_a_clear_error(issue, tmp_path):
    with pytest.raises(CommandError, match="找不到2024年第16期"):
        call_command("render_issue", "--year", "2024", "--number", "16", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="找不到总第999期"):
        call_command("render_issue", "--total", "999", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.django_db
def test_issue_with_no_content_is_a_clear_error(issue, tmp_path):
    # No snapshot and no placements: a draft with nothing placed yet.
    issue.snapshot = None
    issue.save(update_fields=["snapshot"])
    with pytest.raises(CommandError, match="还没有编入任何稿件"):
        call_command("render_issue", "--total", "703", "-o", str(tmp_path / "x.pdf"))


@pytest.mark.django_db
def test_arguments_are_checked(issue, tmp_path):
    with pytest.raises(CommandError, match="请用 -o"):
        call_command("render_issue", "--total", "703")
    with pytest.raises(CommandError, match="二选一"):
        call_command("render_issue", "--total", "703", "--year", "2024", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="--year 和 --number"):
        call_command("render_issue", "--year", "2024", "-o", str(tmp_path / "x.pdf"))
