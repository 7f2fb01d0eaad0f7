"""上级采用: recorded by the editor, points by level in the dated scheme; rankings by kind of unit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessment.actions import higher_adoptions
from assessment.models import HigherAdoption, PointsScheme
from assessment.periods import Period
from assessment.stats import unit_report
from bulletin.actions import common
from submissions.models import Event, Submission
from tests.issue_helpers import adopted_piece, submitted_piece

pytestmark = pytest.mark.django_db
D = datetime.date


def row(report, short_name):
    return next(r for r in report.rows if r.unit.short_name == short_name)


def test_record_and_points_by_level_and_date(editor, contributor):
    PointsScheme.objects.create(effective_from=D(2024, 7, 1), provincial_adoption=6, national_adoption=12)
    piece = adopted_piece(editor, contributor, "西湖区：代表联络站")
    # Sent to the bulletin early in 2024 (an adoption higher up cannot come before that).
    Submission.objects.filter(pk=piece.pk).update(
        first_submitted_at=timezone.make_aware(datetime.datetime(2024, 1, 10, 9))
    )
    piece.refresh_from_db()
    higher_adoptions.record_higher_adoption(
        actor=editor,
        submission=piece,
        level="provincial",
        publication=" 浙江人大 信息",
        date=D(2024, 3, 5),
        issue="2024年第3期",
    )
    higher_adoptions.record_higher_adoption(
        actor=editor,
        submission=piece,
        level="national",
        publication="人大工作情况",
        date=D(2024, 8, 1),
        issue="第40期",
    )
    assert HigherAdoption.objects.filter(submission=piece, publication="浙江人大 信息").exists()
    with pytest.raises(common.IssueActionError, match="已经记录过了"):
        higher_adoptions.record_higher_adoption(
            actor=editor,
            submission=piece,
            level="national",
            publication="人大工作情况",
            date=D(2024, 8, 2),
            issue="第40期",
        )
    xihu = row(unit_report(Period.year(2024)), "西湖区")
    # Default scheme before July (provincial 5), the new one after (national 12); the adoption in
    # the system itself happened today, outside 2024.
    assert (xihu.provincial, xihu.national, xihu.points) == (1, 1, 5 + 12)


def test_refusals(editor, contributor, reader):
    piece = submitted_piece(contributor, "未采用稿")
    with pytest.raises(common.IssueActionError, match="已采用或已刊发"):
        higher_adoptions.record_higher_adoption(
            actor=editor, submission=piece, level="provincial", publication="浙江人大信息", date=D(2024, 1, 1)
        )
    adopted = adopted_piece(editor, contributor, "已采用稿")
    with pytest.raises(common.IssueActionError, match="晚于今天"):
        higher_adoptions.record_higher_adoption(
            actor=editor,
            submission=adopted,
            level="provincial",
            publication="浙江人大信息",
            date=D(2999, 1, 1),
        )
    for actor in (contributor, reader):
        with pytest.raises(PermissionDenied):
            higher_adoptions.record_higher_adoption(
                actor=actor,
                submission=adopted,
                level="provincial",
                publication="浙江人大信息",
                date=D(2024, 1, 1),
            )


def test_review_page_records_it(client_for, editor, contributor):
    piece = adopted_piece(editor, contributor, "已采用稿")
    client = client_for(editor)
    assert "记录上级采用" in client.get(reverse("review_detail", args=[piece.pk])).content.decode()
    response = client.post(
        reverse("higher_adoption_add", args=[piece.pk]),
        {
            "level": "national",
            "publication": "人大工作情况",
            "issue": "第40期",
            "date": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "上级采用已记录" in page and "《人大工作情况》第40期" in page
    bad = client.post(
        reverse("higher_adoption_add", args=[piece.pk]), {"level": "x", "date": ""}, follow=True
    )
    assert "请填写采用的刊物名称" in bad.content.decode()
    assert client_for(contributor).post(reverse("higher_adoption_add", args=[piece.pk])).status_code == 403


def test_rankings_for_all_districts_or_committees(editor, contributor, make_user, client_for):
    from accounts.models import Role

    fagongwei = make_user(Role.CONTRIBUTOR, "法工委")
    adopted_piece(editor, contributor, "西湖区稿")
    adopted_piece(editor, fagongwei, "法工委稿")
    adopted_piece(editor, fagongwei, "法工委稿二")
    today = datetime.date.today()
    client = client_for(editor)
    base = reverse("stats") + f"?kind=year&year={today.year}"
    everyone = client.get(base).context["report"]
    assert row(everyone, "法工委").rank == 1 and row(everyone, "西湖区").rank == 2
    districts = client.get(base + "&group=district").context["report"]
    assert {r.unit.kind for r in districts.rows} == {"district"} and row(districts, "西湖区").rank == 1
    committees = client.get(base + "&group=committee").context["report"]
    assert {r.unit.kind for r in committees.rows} == {"committee"} and row(committees, "法工委").rank == 1
    # The unit's own page ranks it within the group chosen.
    own = client_for(contributor).get(reverse("unit_stats") + f"?kind=year&year={today.year}&group=district")
    assert own.context["own"].rank == 1


# --- review 14a: dates within the piece's life; a mistaken record removed, audited ---------


def test_date_not_before_the_piece_reached_the_bulletin(client_for, editor, contributor):
    piece = adopted_piece(editor, contributor, "西湖区：联络站")
    today = timezone.localdate()
    with pytest.raises(common.IssueActionError, match="不能早于稿件报送本刊的日期"):
        higher_adoptions.record_higher_adoption(
            actor=editor, submission=piece, level="national", publication="人大工作情况", date=D(2020, 1, 1)
        )
    client = client_for(editor)
    url = reverse("higher_adoption_add", args=[piece.pk])
    for typed in ("0001-01-01", "9999-12-31"):
        page = client.post(
            url, {"level": "national", "publication": "人大工作情况", "date": typed}, follow=True
        ).content.decode()
        assert "采用日期应在 1990 年至 2099 年之间" in page
    assert not HigherAdoption.objects.exists()
    client.post(url, {"level": "national", "publication": "人大工作情况", "date": today.isoformat()})
    assert HigherAdoption.objects.filter(submission=piece, date=today).exists()


def test_a_mistaken_record_is_removed_with_a_reason_and_audited(client_for, editor, contributor, reader):
    piece = adopted_piece(editor, contributor, "西湖区：联络站")
    adoption = higher_adoptions.record_higher_adoption(
        actor=editor,
        submission=piece,
        level="national",
        publication="人大工作情况",
        date=timezone.localdate(),
        issue="第1期",
    )
    assert Event.objects.filter(submission=piece, action="higher_adoption").exists()
    with pytest.raises(PermissionDenied):
        higher_adoptions.remove_higher_adoption(actor=reader, adoption=adoption, note="错了")
    with pytest.raises(common.IssueActionError, match="写明原因"):
        higher_adoptions.remove_higher_adoption(actor=editor, adoption=adoption, note="  ")
    year = Period.year(timezone.localdate().year)
    assert row(unit_report(year), "西湖区").national == 1
    client = client_for(editor)
    assert (
        reverse("higher_adoption_remove", args=[adoption.pk])
        in client.get(reverse("review_detail", args=[piece.pk])).content.decode()
    )
    page = client.post(
        reverse("higher_adoption_remove", args=[adoption.pk]), {"note": "刊物名称记错"}, follow=True
    ).content.decode()
    assert "上级采用记录已删除" in page
    assert not HigherAdoption.objects.exists()
    assert row(unit_report(year), "西湖区").national == 0
    audit = Event.objects.get(submission=piece, action="higher_adoption_removed")
    assert audit.actor == editor and "人大工作情况" in audit.note and "刊物名称记错" in audit.note
    assert audit.from_status == audit.to_status == piece.status
    # Gone already: a second removal is a 404 page, not an error.
    assert (
        client.post(reverse("higher_adoption_remove", args=[adoption.pk]), {"note": "x"}).status_code == 404
    )
