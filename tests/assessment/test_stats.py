"""信息工作考核: figures checked against a data set computed by hand.

Schemes: from 2000 article 3, brief 1, 要闻 +2, 批示 +5, late −1, missed −2;
from 2024-07-01 article 4, brief 2, 要闻 +3, 批示 +6, late −1, missed −3.

西湖区  A submitted 03-10, adopted article 03-15, printed in 要闻速递 (issue 03-20)  3 + 2
        B submitted 08-01, adopted brief 08-05                                   2
        C submitted 09-01, returned 09-02, resubmitted 09-03, declined 09-05     0
        批示 on A dated 08-20                                                     6
        commission due 06-30, never answered                                    −2
        back issue 2024-10-25: one article                                      4   → 15
萧山区  D submitted 05-01, adopted article 05-02                                 3
        E answers the commission late, submitted 07-05                         −1
        back issue 2024-10-25: one article                                      4   → 6
法工委, 代表工委: back issue 要闻速递 articles, 4 + 3 = 7 each.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Unit
from assessment.actions.instructions import record_instruction
from assessment.models import PointsScheme
from assessment.periods import Period
from assessment.stats import monthly_adoptions, unit_report
from backissues.actions import import_back_issue
from backissues.parsing.parser import parse_issue_file
from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import publish_issue
from bulletin.models import Publication
from submissions.actions import commissions, pieces
from submissions.models import Event, Submission
from tests.issue_helpers import place, submitted_piece
from tests.paths import seed_path

pytestmark = pytest.mark.django_db
SEED = seed_path("2024-15")
D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def dated(piece: Submission, action: str, day: datetime.date, *, nth: int = 0) -> None:
    """The data set happened in 2024: move the audit row the action just wrote there."""
    event = Event.objects.filter(submission=piece, action=action).order_by("id")[nth]
    Event.objects.filter(pk=event.pk).update(created_at=at(day))
    if action == "submit" and nth == 0:
        Submission.objects.filter(pk=piece.pk).update(submitted_at=at(day), first_submitted_at=at(day))


@pytest.fixture
def data(editor, contributor, other_contributor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    PointsScheme.objects.create(
        effective_from=D(2024, 7, 1),
        article=4,
        brief=2,
        lead_bonus=3,
        instruction_bonus=6,
        late_commission=1,
        missed_commission=3,
    )
    a = submitted_piece(contributor, "西湖区甲")
    dated(a, "submit", D(2024, 3, 10))
    pieces.adopt_as_article(actor=editor, submission=a)
    dated(a, "adopt_article", D(2024, 3, 15))
    issue = create_issue(
        actor=editor, publication=Publication.objects.get(), date=D(2024, 3, 20), number=3, total_number=691
    )
    place(editor, issue, a, "要闻速递")
    issue.refresh_from_db()
    publish_issue(actor=editor, issue=issue)

    b = submitted_piece(contributor, "西湖区乙")
    dated(b, "submit", D(2024, 8, 1))
    pieces.adopt_as_brief(actor=editor, submission=b, brief_text="西湖区人大常委会开展调研。")
    dated(b, "adopt_brief", D(2024, 8, 5))

    c = submitted_piece(contributor, "西湖区丙")
    dated(c, "submit", D(2024, 9, 1))
    pieces.return_for_revision(actor=editor, submission=c, note="请修改")
    dated(c, "return", D(2024, 9, 2))
    pieces.submit(actor=contributor, submission=c, signer_name="李建华")
    dated(c, "submit", D(2024, 9, 3), nth=1)
    pieces.decline(actor=editor, submission=c, reason="重复")
    dated(c, "decline", D(2024, 9, 5))

    record_instruction(
        actor=editor,
        submission=Submission.objects.get(pk=a.pk),
        leader="市委主要领导",
        level="municipal",
        date=D(2024, 8, 20),
    )

    d = submitted_piece(other_contributor, "萧山区丁")
    dated(d, "submit", D(2024, 5, 1))
    pieces.adopt_as_article(actor=editor, submission=d)
    dated(d, "adopt_article", D(2024, 5, 2))

    commission = commissions.create_commission(
        actor=editor,
        topic="约稿",
        requirements="",
        deadline=timezone.localdate(),
        units=[contributor.unit, other_contributor.unit],
    )
    type(commission).objects.filter(pk=commission.pk).update(deadline=D(2024, 6, 30))
    e = pieces.create_draft(
        actor=other_contributor, commission=commission, title="萧山区戊", body="<p>应约。</p>"
    )
    pieces.submit(actor=other_contributor, submission=e, signer_name="李建华")
    dated(e, "submit", D(2024, 7, 5))

    if SEED.exists():
        import_back_issue(actor=editor, result=parse_issue_file(SEED), source_name="2024-15.txt")


def row(report, short_name):
    return next(r for r in report.rows if r.unit.short_name == short_name)


def test_year_figures_match_the_hand_computed_ones(data):
    report = unit_report(Period.year(2024))
    xihu, xiaoshan = row(report, "西湖区"), row(report, "萧山区")
    assert (
        xihu.submitted,
        xihu.articles,
        xihu.briefs,
        xihu.leads,
        xihu.declined,
        xihu.returned,
        xihu.instructions,
        xihu.late,
        xihu.missed,
    ) == (4, 2, 1, 1, 1, 1, 1, 0, 1)
    assert xihu.points == Decimal(15) and xihu.rank == 1
    assert (xiaoshan.submitted, xiaoshan.articles, xiaoshan.late, xiaoshan.missed) == (3, 2, 1, 0)
    assert xiaoshan.points == Decimal(6)
    assert xiaoshan.rate == pytest.approx(2 / 3)
    fagongwei, daibiao = row(report, "法工委"), row(report, "代表工委")
    assert (fagongwei.points, fagongwei.leads, daibiao.points) == (Decimal(7), 1, Decimal(7))
    assert fagongwei.rank == daibiao.rank == 2 and xiaoshan.rank == 4
    assert row(report, "淳安县").points == Decimal(4) and row(report, "上城区").points == Decimal(2)
    assert row(report, "上城区").briefs == 1
    # Totals add up.
    assert report.totals.points == sum(r.points for r in report.rows)
    assert report.totals.submitted == sum(r.submitted for r in report.rows)


def test_a_quarter_counts_only_its_part(data):
    report = unit_report(Period.quarter(2024, 3))
    xihu, xiaoshan = row(report, "西湖区"), row(report, "萧山区")
    assert (xihu.submitted, xihu.briefs, xihu.declined, xihu.returned, xihu.instructions) == (2, 1, 1, 1, 1)
    assert xihu.points == Decimal(8)  # brief 2 + 批示 6, both under the new scheme
    assert (xiaoshan.submitted, xiaoshan.points) == (1, Decimal(0))
    q4 = unit_report(Period.quarter(2024, 4))
    assert row(q4, "西湖区").points == Decimal(4) and row(q4, "西湖区").submitted == 1  # the back issue


def test_scheme_change_mid_period_applies_to_each_part(data):
    first_half = unit_report(Period.between(D(2024, 1, 1), D(2024, 6, 30)))
    # A: article 3 + 要闻 2 under the old scheme; the commission due 06-30 was missed (−2).
    assert row(first_half, "西湖区").points == Decimal(3)
    assert row(first_half, "萧山区").points == Decimal(2)  # D 3, late answer −1


def test_query_count_does_not_grow_with_pieces(data, editor, contributor, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        unit_report(Period.year(2024))
    for n in range(12):
        piece = submitted_piece(contributor, f"加稿{n}")
        pieces.adopt_as_article(actor=editor, submission=piece)
    with django_assert_max_num_queries(len(before.captured_queries)):
        unit_report(Period.year(2024))
    assert len(before.captured_queries) <= 8


def test_exports_hold_the_page_figures(data, client_for, editor):
    client = client_for(editor)
    query = {"kind": "year", "year": 2024}
    page = client.get(reverse("stats"), query).content.decode()
    assert "2024年" in page and "<svg" in page and "西湖区" in page
    response = client.get(reverse("stats_export", args=["xlsx"]), query)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "2024年" in sheet["A1"].value and "计分办法" in sheet["A2"].value
    header = [c.value for c in sheet[3]]
    values = {r[1]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=4, values_only=True)}
    xihu = values["西湖区人大常委会"]
    assert (xihu["排名"], xihu["报送"], xihu["采用为文章"], xihu["得分"]) == (1, 4, 2, 15.0)
    assert values["合计"]["得分"] == float(unit_report(Period.year(2024)).totals.points)
    csv_text = client.get(reverse("stats_export", args=["csv"]), query).content.decode("utf-8-sig")
    assert "西湖区人大常委会" in csv_text and "计分办法" in csv_text


def test_units_with_nothing_adopted_share_one_rank(contributor):
    # 西湖区 submitted a piece that is not adopted (rate 0 %); the others submitted nothing.
    submitted_piece(contributor, "尚未采用的稿件")
    report = unit_report(Period.year(timezone.localdate().year))
    assert row(report, "西湖区").submitted == 1 and row(report, "西湖区").rate == 0
    assert {r.rank for r in report.rows} == {1}


def test_contributors_see_their_page_and_the_ranking_but_not_other_pieces(data, client_for, contributor):
    client = client_for(contributor)
    page = client.get(reverse("unit_stats"), {"kind": "year", "year": 2024}).content.decode()
    assert "本单位考核 · 西湖区" in page and "各单位排名" in page and "萧山区" in page
    assert "西湖区甲" in page  # their published piece
    assert "萧山区丁" not in page  # never another unit's piece
    assert client.get(reverse("stats")).status_code == 403
    assert client.get(reverse("stats_export", args=["xlsx"])).status_code == 403


def test_monthly_trend(data, contributor):
    months = dict(monthly_adoptions(contributor.unit, Period.year(2024)))
    assert months[D(2024, 3, 1)] == 1 and months[D(2024, 8, 1)] == 1 and len(months) == 12


def test_instructions_only_on_published_pieces(editor, contributor):
    from bulletin.actions.common import IssueActionError

    piece = submitted_piece(contributor, "未刊发")
    with pytest.raises(IssueActionError, match="只能为已刊发的稿件记录批示"):
        record_instruction(
            actor=editor, submission=piece, leader="某领导", level="municipal", date=D(2024, 1, 1)
        )


def test_the_same_instruction_sent_twice_is_recorded_once(data, client_for, editor, contributor):
    """A double click on 记录批示 (or the browser resubmitting) must not count the bonus twice."""
    piece = Submission.objects.get(title="西湖区甲")

    def points() -> Decimal:
        return next(r.points for r in unit_report(Period.year(2024)).rows if r.unit == contributor.unit)

    before = points()
    form = {"leader": "省委主要领导", "level": "provincial", "date": "2024-09-01", "text": "好"}
    client = client_for(editor)
    for _ in range(2):
        client.post(reverse("instruction_add", args=[piece.pk]), form)
    assert piece.instructions.filter(leader="省委主要领导").count() == 1
    assert piece.instructions.get(leader="省委主要领导").level == "provincial"
    assert points() - before == 6


def test_bad_period_gets_a_chinese_message(client_for, editor):
    page = client_for(editor).get(
        reverse("stats"), {"kind": "range", "start": "2024-05-01", "end": "2024-01-01"}
    )
    assert "起始日期不能晚于截止日期" in page.content.decode()


def test_units_list_is_complete(data):
    assert len(unit_report(Period.year(2024)).rows) == Unit.objects.filter(active=True).count()


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31")])
def test_a_range_at_the_calendar_edge_is_refused_in_chinese(client_for, editor, start, end):
    response = client_for(editor).get(reverse("stats") + f"?kind=range&start={start}&end={end}")
    assert response.status_code == 200
    assert "1990 年至 2099 年之间" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999"])
def test_a_tampered_trend_unit_falls_back_instead_of_failing(client_for, editor, value):
    page = client_for(editor).get(reverse("stats"), {"unit": value})
    assert page.status_code == 200
