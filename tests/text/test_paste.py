"""The server side of paste (text.richtext): the shared paste cases stored exactly,
and the kinds they stand for."""

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests import paths
from text.richtext import sanitize_body

CASES = paths.CASES / "paste"

ZERO_WIDTH = (
    "<p>今年以来，区人大常委会持续推进代表联络站建设，全区新建站点12个。</p>"
    "<p>下一步，将组织代表定期进站接待群众。</p>"
)
BOLD_WRAPPER = (
    "<p><strong>一是建强阵地。</strong>全区新建联络站12个。</p><p>下一步，将持续完善联络站工作机制。</p>"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "expected"),
    [("11-zero-width-paste.html", ZERO_WIDTH), ("17-paste-bold-wrapper.html", BOLD_WRAPPER)],
)
def test_shared_paste_cases_are_stored_exactly(client_for, contributor, name, expected):
    html = (CASES / name).read_text(encoding="utf-8")
    assert sanitize_body(html) == expected
    client_for(contributor).post(reverse("piece_create"), {"title": "粘贴", "body": html})
    assert Submission.objects.get().body == expected


def test_weights_inherit_and_cancel():
    assert sanitize_body(
        '<b style="font-weight:normal"><span>常规</span><span style="font-weight:bold">粗</span></b>'
    ) == ("<p>常规<strong>粗</strong></p>")
    assert (
        sanitize_body('<strong><span style="font-weight: 400">常规</span>粗</strong>')
        == "<p>常规<strong>粗</strong></p>"
    )
    assert sanitize_body(
        '<p style="font-weight:700">整段<span style="font-weight:lighter">细</span></p>'
    ) == ("<p><strong>整段</strong>细</p>")
    assert sanitize_body(
        '<span style="font-weight:600">半粗</span><span style="font-weight:500">中</span>'
    ) == ("<p><strong>半粗</strong>中</p>")


def test_invisible_characters_and_indents_across_runs():
    html = "<p><span>\u200b</span><span>\u3000</span><span>\u2003\ufeff\u00a0</span>正文\u200d。<span>\u3000</span></p>"
    assert sanitize_body(html) == "<p>正文。</p>"
    assert (
        sanitize_body("\ufeff\u3000\u3000纯文本一段\u200b\n\u2003\u2003第二段")
        == "<p>纯文本一段</p><p>第二段</p>"
    )


def test_a_pasted_table_becomes_rows_of_text():
    html = (
        "<table><tbody><tr><td><p>西湖区</p><p>（城区）</p></td><td>12<br>个</td></tr>"
        "<tr><td></td><td>46</td></tr></tbody></table><p>表后。</p>"
    )
    assert sanitize_body(html) == "<p>西湖区（城区）\u300012 个</p><p>46</p><p>表后。</p>"


def test_sanitizing_twice_changes_nothing():
    for html in (ZERO_WIDTH, BOLD_WRAPPER, "<p>a\u3000b</p>", "<p>一\u2028二</p>", "\u3000甲\u2029乙"):
        assert sanitize_body(sanitize_body(html)) == sanitize_body(html)
