"""One-step corrections on the panels: the buttons the review page and the issue panel
offer, the POST and its message, and who sees none."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletin.actions.issues import create_issue
from bulletin.models import Publication
from proofreading import queries
from proofreading.models import Term
from submissions.actions import pieces
from submissions.models import Event
from tests.issue_helpers import adopted_piece, place, submitted_piece

pytestmark = pytest.mark.django_db

COMMAS = (
    "<p>今年以来,区人大常委会聚焦代表联络站建设,推动代表工作提质增效。</p>"
    "<p><strong>一是建强阵地。</strong>全区新建联络站12个,精心布署,实现镇街全覆盖。</p>"
)
FIXED = (
    "<p>今年以来，区人大常委会聚焦代表联络站建设，推动代表工作提质增效。</p>"
    "<p><strong>一是建强阵地。</strong>全区新建联络站12个，精心布署，实现镇街全覆盖。</p>"
)


@pytest.fixture(autouse=True)
def deploy_term(db):
    Term.objects.update_or_create(preferred="部署", defaults={"variants": "布署", "active": True})


def comma_rule(piece) -> str:
    report = queries.piece_report(piece, with_similar=False)
    return next(s.finding.rule for s in report.findings if s.finding.excerpt == ",")


def test_review_page_offers_each_fix_and_all_of_a_kind(client_for, editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=COMMAS)
    client = client_for(editor)
    page = client.get(reverse("review_detail", args=[piece.pk])).content.decode()
    assert page.count(">改为「，」</button>") == 4
    assert ">改为「部署」</button>" in page
    assert "全部改正（4 处）" in page
    assert "全部改正（1 处）" not in page  # one 布署: its own button is enough
    assert re.search(r'aria-label="第2段第\d+字：把「布署」改为「部署」"', page)
    assert f'name="version" value="{piece.version}"' in page

    response = client.post(
        reverse("proofreading_fix"),
        {
            "submission": piece.pk,
            "version": piece.version,
            "rule": comma_rule(piece),
            "next": reverse("review_detail", args=[piece.pk]) + "#proofreading",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review_detail", args=[piece.pk]) + "#proofreading"
    page = client.get(response["Location"]).content.decode()
    assert "已改正：,→，（4 处）" in page
    assert page.count("校对改正：,→，（4 处）") == 2  # the 办理记录 and the 版本记录
    piece.refresh_from_db()
    assert piece.body == FIXED
    assert "全部改正" not in page and ">改为「部署」</button>" in page


def test_refusals_come_back_as_messages(client_for, editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=COMMAS)
    client = client_for(editor)
    url = reverse("proofreading_fix")
    rule = comma_rule(piece)
    stale = {"submission": piece.pk, "version": piece.version - 1 or 99, "rule": rule}
    response = client.post(url, {**stale, "version": piece.version + 1}, follow=True)
    assert "请刷新后再看" in response.content.decode()
    response = client.post(url, {"submission": piece.pk, "version": piece.version}, follow=True)
    assert "这条提示无法识别" in response.content.decode()
    piece.refresh_from_db()
    assert piece.body == COMMAS and not Event.objects.filter(action="proofreading_fix").exists()
    # A contributor has no such button and no such door.
    assert client_for(contributor).post(url, {**stale, "version": piece.version}).status_code == 403


def test_contributor_page_and_published_piece_offer_no_fix(client_for, editor, contributor):
    draft = pieces.create_draft(actor=contributor, title="西湖区：代表联络站建设", body=COMMAS)
    page = client_for(contributor).get(reverse("piece_detail", args=[draft.pk])).content.decode()
    assert "中文里用了半角" in page and "改为「" not in page and "全部改正" not in page

    published = adopted_piece(editor, contributor, "西湖区：联络站", body=COMMAS)
    published.status = "published"
    published.save(update_fields=["status"])
    page = client_for(editor).get(reverse("review_detail", args=[published.pk])).content.decode()
    assert "改为「" not in page and "全部改正" not in page
    assert "已刊发的稿件不在这里改正：刊印的文字只能通过更正修改" in page


def test_issue_panel_offers_fixes_and_answers_with_its_fragment(client_for, editor, contributor):
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    body = COMMAS.replace("建强阵地", "布署阵地")
    piece = adopted_piece(editor, contributor, "西湖区：代表联络站建设成效明显", body=body)
    place(editor, issue, piece, "代表工作")
    client = client_for(editor)
    panel = reverse("proofreading_issue_panel", args=[issue.pk]) + "?fragment=1"
    page = client.get(panel).content.decode()
    # The print sets the commas full-width, so the panel (the printed text) does not list
    # them; the 布署 it lists are corrected in the stored piece, whose commas stay as stored.
    assert "中文里用了半角" not in page and "（4 处）" not in page
    assert page.count(">改为「部署」</button>") == 2 and "全部改正（2 处）" in page
    piece.refresh_from_db()
    key = re.search(r'name="key" value="(\w+)">\s*<input type="hidden" name="next"', page).group(1)
    response = client.post(
        reverse("proofreading_fix"),
        {"submission": piece.pk, "version": piece.version, "key": key, "next": panel},
        follow=True,
    )
    fragment = response.content.decode()
    assert "<html" not in fragment and "已改正：布署→部署（1 处）" in fragment
    assert 'class="proof-messages"' in fragment and fragment.count(">改为「部署」</button>") == 1
    assert "全部改正" not in fragment
    piece.refresh_from_db()
    assert piece.body == body.replace("一是布署阵地", "一是部署阵地")  # the first listed, in its bold lead


def test_issue_panel_queries_do_not_grow_with_fixable_pieces(
    client_for, editor, contributor, other_contributor
):
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    client = client_for(editor)
    url = reverse("proofreading_issue_panel", args=[issue.pk])

    def count() -> int:
        client.get(url, {"fragment": 1})  # indexes what is new for 查重
        with CaptureQueriesContext(connection) as queries_run:
            page = client.get(url, {"fragment": 1}).content.decode()
        assert ">改为「部署」</button>" in page
        return len(queries_run)

    def add(n: int, author) -> None:
        body = COMMAS.replace("12个", f"{20 + n}个")  # alike: 查重 lists them with each other
        place(editor, issue, adopted_piece(editor, author, f"西湖区：联络站建设之{n}", body=body), "代表工作")

    add(0, contributor)
    add(1, other_contributor)
    two = count()
    for n in range(2, 6):
        add(n, contributor)
    assert count() == two
