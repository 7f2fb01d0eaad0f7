"""报送任务: rules per unit or kind, progress per period, 漏报 in the points, the pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit
from assessment.actions import quotas
from assessment.models import PointsScheme, Quota
from assessment.periods import Period
from assessment.quotas import ended_periods, progress_table, rule_for, unit_progress
from assessment.stats import unit_report
from bulletin.actions import common
from submissions.models import Submission
from tests.issue_helpers import submitted_piece

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def submitted_on(contributor, title: str, day: datetime.date) -> Submission:
    """A piece whose first arrival at the editor was on `day` (what the action stamps)."""
    piece = submitted_piece(contributor, title)
    Submission.objects.filter(pk=piece.pk).update(first_submitted_at=at(day), submitted_at=at(day))
    piece.events.update(created_at=at(day))
    return piece


@pytest.fixture
def district_rule(editor):
    return quotas.set_quota(
        actor=editor, unit_kind=Unit.Kind.DISTRICT, period="month", count=2, starts=D(2024, 1, 15)
    )


def test_set_quota_starts_on_the_period_and_closes_the_previous_rule(editor, district_rule):
    assert district_rule.starts == D(2024, 1, 1) and district_rule.ends is None
    newer = quotas.set_quota(
        actor=editor, unit_kind=Unit.Kind.DISTRICT, period="quarter", count=5, starts=D(2024, 5, 20)
    )
    assert newer.starts == D(2024, 4, 1)
    district_rule.refresh_from_db()
    assert district_rule.ends == D(2024, 3, 31)


def test_quota_needs_one_target_and_an_editor(editor, contributor):
    with pytest.raises(common.IssueActionError, match="二者选一"):
        quotas.set_quota(actor=editor, period="month", count=1, starts=D(2024, 1, 1))
    with pytest.raises(common.IssueActionError, match="二者选一"):
        quotas.set_quota(
            actor=editor,
            unit=contributor.unit,
            unit_kind="district",
            period="month",
            count=1,
            starts=D(2024, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        quotas.set_quota(
            actor=contributor, unit_kind="district", period="month", count=1, starts=D(2024, 1, 1)
        )


def test_a_units_own_rule_outranks_its_kinds(editor, district_rule):
    xihu, xiaoshan, fagongwei = (Unit.objects.get(short_name=n) for n in ("西湖区", "萧山区", "法工委"))
    own = quotas.set_quota(actor=editor, unit=xihu, period="month", count=3, starts=D(2024, 1, 1))
    rules = list(Quota.objects.order_by("-starts", "-id"))
    assert rule_for(xihu, D(2024, 2, 1), rules) == own
    assert rule_for(xiaoshan, D(2024, 2, 1), rules) == district_rule
    assert rule_for(fagongwei, D(2024, 2, 1), rules) is None
    assert rule_for(xiaoshan, D(2023, 12, 31), rules) is None


def test_progress_counts_first_arrivals_in_the_period(editor, contributor, other_contributor, district_rule):
    submitted_on(contributor, "一月甲", D(2024, 1, 3))
    submitted_on(contributor, "二月乙", D(2024, 2, 1))
    submitted_on(other_contributor, "一月丙", D(2024, 1, 31))
    rows = {p.unit.short_name: p for p in progress_table(D(2024, 1, 20), today=D(2024, 1, 20))}
    assert (rows["西湖区"].due, rows["西湖区"].done, rows["西湖区"].short) == (2, 1, 1)
    assert (rows["萧山区"].done, rows["萧山区"].short) == (1, 1)
    assert rows["西湖区"].days_left == 12
    assert "法工委" not in rows  # committees have no rule
    progress = unit_progress(contributor.unit, today=D(2024, 2, 10))
    assert (progress.period.label, progress.done, progress.short, progress.met) == ("2024年2月", 1, 1, False)


def test_unmet_quota_costs_missed_quota_points_dated_by_the_periods_end(editor, contributor, district_rule):
    # From March on, each missing piece costs 3 instead of 1.
    PointsScheme.objects.create(effective_from=D(2024, 3, 1), missed_quota=3)
    submitted_on(contributor, "一月甲", D(2024, 1, 3))
    submitted_on(contributor, "二月甲", D(2024, 2, 3))
    submitted_on(contributor, "二月乙", D(2024, 2, 4))
    report = unit_report(Period.quarter(2024, 1))
    xihu = next(r for r in report.rows if r.unit.short_name == "西湖区")
    xiaoshan = next(r for r in report.rows if r.unit.short_name == "萧山区")
    # 西湖区: January short 1 (−1), February met, March short 2 (−3 each) = −7, plus 0 adopted.
    assert xihu.quota_short == 3 and xihu.points == -7
    assert xiaoshan.quota_short == 6 and xiaoshan.points == -(2 + 2 + 6)
    assert report.totals.quota_short == sum(r.quota_short for r in report.rows)


def test_a_running_period_costs_nothing_yet(editor, contributor):
    today = timezone.localdate()
    quotas.set_quota(actor=editor, unit=contributor.unit, period="month", count=2, starts=today)
    assert ended_periods(Period.month(today.year, today.month), [contributor.unit]) == []
    row = next(
        r for r in unit_report(Period.month(today.year, today.month)).rows if r.unit == contributor.unit
    )
    assert row.quota_short == 0


def test_quarterly_rule_is_judged_per_quarter(editor, contributor):
    quotas.set_quota(actor=editor, unit=contributor.unit, period="quarter", count=3, starts=D(2024, 1, 1))
    submitted_on(contributor, "一", D(2024, 1, 3))
    submitted_on(contributor, "二", D(2024, 3, 30))
    periods = ended_periods(Period.year(2024), [contributor.unit], today=D(2024, 7, 10))
    assert [(p.period.label, p.done, p.short) for p in periods] == [
        ("2024年第一季度", 2, 1),
        ("2024年第二季度", 0, 3),
    ]


def test_end_quota_keeps_the_current_period(editor, district_rule):
    ended = quotas.end_quota(actor=editor, quota=district_rule, today=D(2024, 5, 10))
    assert ended.ends == D(2024, 5, 31)
    future = quotas.set_quota(
        actor=editor,
        unit_kind="committee",
        period="month",
        count=1,
        starts=timezone.localdate() + datetime.timedelta(days=62),
    )
    assert quotas.end_quota(actor=editor, quota=future) is None
    assert not Quota.objects.filter(pk=future.pk).exists()


# --- pages ---------------------------------------------------------------------


def test_unit_home_shows_progress(client_for, editor, contributor):
    today = timezone.localdate()
    quotas.set_quota(actor=editor, unit_kind="district", period="month", count=2, starts=today)
    submitted_piece(contributor, "本月一篇")
    page = client_for(contributor).get(reverse("unit_home")).content.decode()
    assert "报送任务" in page and "应报 2 篇，已报 1 篇" in page and "还差" in page


def test_quota_page_for_editors_only(client_for, editor, contributor, reader):
    assert client_for(contributor).get(reverse("quota_page")).status_code == 403
    assert client_for(reader).get(reverse("quota_page")).status_code == 403
    client = client_for(editor)
    today = timezone.localdate()
    assert f'value="{today.replace(day=1).isoformat()}"' in client.get(reverse("quota_page")).content.decode()
    response = client.post(
        reverse("quota_page"),
        {"unit_kind": "district", "period": "month", "count": "2", "starts": today.isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "报送任务已设置" in page and "应报" in page and "差额" in page and "西湖区" in page
    bad = client.post(reverse("quota_page"), {"period": "month", "count": "0", "starts": "x"})
    assert bad.status_code == 200 and "请选择一个单位" in bad.content.decode()
    assert client.get(reverse("quota_page") + "?month=2024-13").status_code == 200


def test_unit_home_and_quota_page_query_counts_do_not_grow(
    client_for, editor, contributor, other_contributor, django_assert_max_num_queries
):
    today = timezone.localdate()
    quotas.set_quota(actor=editor, unit_kind="district", period="month", count=2, starts=today)
    quotas.set_quota(actor=editor, unit=contributor.unit, period="quarter", count=5, starts=today)
    submitted_piece(contributor, "一篇")
    unit_client = client_for(contributor)
    with django_assert_max_num_queries(40) as few_home:
        unit_client.get(reverse("unit_home"))
    editor_client = client_for(editor)
    with django_assert_max_num_queries(40) as few_quota:
        editor_client.get(reverse("quota_page"))
    for n in range(12):
        submitted_piece(contributor if n % 2 else other_contributor, f"稿件{n}")
    quotas.set_quota(actor=editor, unit=other_contributor.unit, period="month", count=1, starts=today)
    unit_client = client_for(contributor)
    with django_assert_max_num_queries(len(few_home.captured_queries)):
        unit_client.get(reverse("unit_home"))
    editor_client = client_for(editor)
    with django_assert_max_num_queries(len(few_quota.captured_queries)):
        editor_client.get(reverse("quota_page"))


def test_report_query_count_with_quotas_does_not_grow(
    editor, contributor, other_contributor, django_assert_max_num_queries
):
    quotas.set_quota(actor=editor, unit_kind="district", period="month", count=2, starts=D(2024, 1, 1))
    quotas.set_quota(actor=editor, unit=contributor.unit, period="quarter", count=4, starts=D(2024, 1, 1))
    submitted_on(contributor, "一", D(2024, 2, 3))
    with django_assert_max_num_queries(9) as few:
        unit_report(Period.year(2024))
    for n in range(10):
        submitted_on(other_contributor if n % 2 else contributor, f"稿{n}", D(2024, 1 + n, 5))
    quotas.set_quota(actor=editor, unit_kind="committee", period="quarter", count=1, starts=D(2024, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        unit_report(Period.year(2024))


# --- review 14a: calendar edges, a bounded rule over a standing one, backdating, 免报 -------


def quota_post(client, **fields):
    data = {"unit_kind": "", "unit": "", "period": "month", "count": "1", "ends": "", "note": ""}
    data.update(fields)
    return client.post(reverse("quota_page"), data)


@pytest.mark.parametrize("period", ["month", "quarter"])
@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("starts", "0001-01-01", "起始日期应在 1990 年至 2099 年之间"),
        ("starts", "9999-12-31", "起始日期应在 1990 年至 2099 年之间"),
        ("starts", "9999-12-15", "起始日期应在 1990 年至 2099 年之间"),
        ("ends", "9999-12-31", "结束日期应在 1990 年至 2099 年之间"),
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_refused(client_for, editor, period, field, typed, message):
    fields = {"unit": str(Unit.objects.get(short_name="西湖区").pk), "period": period}
    fields["starts"] = timezone.localdate().isoformat()
    fields[field] = typed
    response = quota_post(client_for(editor), confirm_past="on", **fields)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Quota.objects.exists()


def test_a_bounded_rule_overrides_the_standing_rule_for_its_span_only(editor, contributor):
    xihu = contributor.unit
    standing = quotas.set_quota(actor=editor, unit=xihu, period="month", count=3, starts=D(2026, 12, 1))
    quotas.set_quota(
        actor=editor, unit_kind=Unit.Kind.DISTRICT, period="month", count=2, starts=D(2026, 1, 1)
    )
    special = quotas.set_quota(
        actor=editor,
        unit=xihu,
        period="month",
        count=5,
        starts=D(2027, 2, 1),
        ends=D(2027, 2, 28),
        note="二月专项",
    )
    standing.refresh_from_db()
    assert standing.ends is None
    rules = issue_actions_rules()
    assert rule_for(xihu, D(2027, 1, 31), rules).count == 3
    assert rule_for(xihu, D(2027, 2, 15), rules).count == 5
    assert rule_for(xihu, D(2027, 3, 1), rules).count == 3
    # Stopped before it starts: deleted, and the standing rule is untouched.
    assert quotas.end_quota(actor=editor, quota=special, today=D(2027, 1, 10)) is None
    standing.refresh_from_db()
    assert standing.ends is None and rule_for(xihu, D(2027, 2, 15), issue_actions_rules()).count == 3
    # An open-ended rule still replaces the standing one from its start.
    quotas.set_quota(actor=editor, unit=xihu, period="month", count=4, starts=D(2027, 6, 1))
    standing.refresh_from_db()
    assert standing.ends == D(2027, 5, 31)


def issue_actions_rules():
    from assessment.quotas import load_rules

    return load_rules()


def test_an_end_mid_period_moves_to_the_period_end(editor, contributor):
    rule = quotas.set_quota(
        actor=editor,
        unit=contributor.unit,
        period="quarter",
        count=3,
        starts=D(2026, 10, 1),
        ends=D(2026, 11, 15),
    )
    assert rule.ends == D(2026, 12, 31)
    # So the quarter is judged by it.
    judged = ended_periods(Period.year(2026), [contributor.unit], today=D(2027, 1, 5))
    assert [(p.period.label, p.due) for p in judged] == [("2026年第四季度", 3)]


def test_a_backdated_rule_asks_for_confirmation(client_for, editor):
    today = timezone.localdate()
    client = client_for(editor)
    xiaoshan = str(Unit.objects.get(short_name="萧山区").pk)
    two_back = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    two_back = (two_back - datetime.timedelta(days=1)).replace(day=1)
    page = quota_post(client, unit=xiaoshan, count="2", starts=two_back.isoformat()).content.decode()
    assert "将对已结束的 2 个周期计漏报扣分" in page and "确认补设以往周期" in page
    assert not Quota.objects.exists()
    # This month needs no tick; a tick lets the backdated rule through.
    assert quota_post(client, unit=xiaoshan, count="2", starts=today.isoformat()).status_code == 302
    Quota.objects.all().delete()
    response = quota_post(client, unit=xiaoshan, count="2", starts=two_back.isoformat(), confirm_past="on")
    assert response.status_code == 302 and Quota.objects.get().starts == two_back


def test_a_future_month_shows_not_started(client_for, editor):
    today = timezone.localdate()
    quotas.set_quota(actor=editor, unit_kind=Unit.Kind.DISTRICT, period="month", count=2, starts=today)
    later = (today.replace(day=28) + datetime.timedelta(days=40)).replace(day=1)
    page = client_for(editor).get(reverse("quota_page") + f"?month={later:%Y-%m}").content.decode()
    assert "未开始" in page and "还剩" not in page
    row = next(p for p in progress_table(later, today=today) if p.unit.short_name == "西湖区")
    assert not row.started and row.days_left == (row.period.end - row.period.start).days + 1


def test_a_unit_rule_of_zero_exempts_it_from_its_kind(client_for, editor):
    office = Unit.objects.get(short_name="研究室")
    quotas.set_quota(
        actor=editor, unit_kind=Unit.Kind.COMMITTEE, period="month", count=1, starts=D(2026, 1, 1)
    )
    quotas.set_quota(actor=editor, unit=office, period="month", count=0, starts=D(2026, 1, 1))
    assert rule_for(office, D(2026, 5, 1), issue_actions_rules()) is None
    assert rule_for(Unit.objects.get(short_name="法工委"), D(2026, 5, 1), issue_actions_rules()).count == 1
    with pytest.raises(common.IssueActionError, match="对单个单位可填 0"):
        quotas.set_quota(
            actor=editor, unit_kind=Unit.Kind.DISTRICT, period="month", count=0, starts=D(2026, 1, 1)
        )
    page = quota_post(
        client_for(editor), unit_kind="district", count="0", starts=timezone.localdate().isoformat()
    )
    assert "只能对单个单位设置" in page.content.decode()


def test_the_demo_quota_does_not_bind_the_research_office(editor):
    from demo.data import load_demo_office_work

    load_demo_office_work(editor)
    today = timezone.localdate()
    rules = issue_actions_rules()
    assert rule_for(Unit.objects.get(short_name="研究室"), today, rules) is None
    assert rule_for(Unit.objects.get(short_name="法工委"), today, rules).count == 1
    assert "研究室" not in [p.unit.short_name for p in progress_table(today, today=today)]
