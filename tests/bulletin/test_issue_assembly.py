import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from bulletin.actions.common import IssueActionError, StaleLayout
from bulletin.actions.issues import create_issue
from bulletin.actions.placements import arrange_issue, move_placement, place_submission, remove_placement
from bulletin.documents import build_document
from bulletin.models import Issue, Placement, Publication, Section
from tests.issue_helpers import adopted_piece, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication():
    return Publication.objects.get(name="杭州人大信息")


@pytest.fixture
def issue(publication, editor):
    return create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )


def section(name: str) -> Section:
    return Section.objects.get(name=name)


def current_layout(issue) -> dict[int, list[int]]:
    layout: dict[int, list[int]] = {}
    for pk, section_id in issue.placements.order_by("section__position", "position").values_list(
        "pk", "section_id"
    ):
        layout.setdefault(section_id, []).append(pk)
    return layout


def titles_in_order(issue) -> list[str]:
    return list(
        issue.placements.order_by("section__position", "position").values_list("submission__title", flat=True)
    )


def test_place_appends_and_bumps_the_version(editor, contributor, issue):
    a = adopted_piece(editor, contributor, "西湖区：“点、线、面”结合助力优化营商环境")
    b = adopted_piece(editor, contributor, "西湖区：“三个力”做活代表工作")
    place(editor, issue, a, "助力攻坚")
    place(editor, issue, b, "助力攻坚")
    issue.refresh_from_db()
    assert titles_in_order(issue) == [a.title, b.title]
    assert list(issue.placements.values_list("position", flat=True)) == [1, 2]
    assert issue.layout_version == 2


def test_only_adopted_unplaced_pieces_go_in(editor, contributor, issue, publication):
    piece = adopted_piece(editor, contributor, "一篇稿件")
    place(editor, issue, piece, "要闻速递")
    other = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    with pytest.raises(IssueActionError, match="已经编入一期"):
        place(editor, other, piece, "要闻速递")
    draft = adopted_piece(editor, contributor, "未采用的稿件", adopt=False)
    with pytest.raises(IssueActionError, match="只有已采用的稿件才能编入"):
        place(editor, issue, draft, "要闻速递")


def test_briefs_and_articles_keep_to_their_sections(editor, contributor, issue):
    brief = adopted_piece(editor, contributor, "摘登稿", as_brief=True)
    article = adopted_piece(editor, contributor, "文章稿")
    with pytest.raises(IssueActionError, match="只能放入信息摘登"):
        place(editor, issue, brief, "情况交流")
    with pytest.raises(IssueActionError, match="信息摘登只收"):
        place(editor, issue, article, "信息摘登")
    place(editor, issue, brief, "信息摘登")
    place(editor, issue, article, "情况交流")


def test_arrange_reorders_and_moves_between_sections(editor, contributor, other_contributor, issue):
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    b = place(editor, issue, adopted_piece(editor, other_contributor, "乙"), "助力攻坚")
    c = place(editor, issue, adopted_piece(editor, contributor, "丙"), "监督纵横")
    issue.refresh_from_db()
    layout = {section("助力攻坚").pk: [b.pk], section("监督纵横").pk: [c.pk, a.pk]}
    arrange_issue(actor=editor, issue=issue, layout=layout, expected_version=issue.layout_version)
    assert titles_in_order(issue) == ["乙", "丙", "甲"]
    a.refresh_from_db()
    assert (a.section.name, a.position) == ("监督纵横", 2)


@pytest.mark.parametrize(
    "broken",
    [
        "partial",  # one item missing
        "duplicate",  # an item twice
        "foreign",  # an item of another issue
        "unknown",  # an id that does not exist
    ],
)
def test_arrange_rejects_anything_but_the_complete_list(editor, contributor, issue, publication, broken):
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    b = place(editor, issue, adopted_piece(editor, contributor, "乙"), "助力攻坚")
    other = create_issue(actor=editor, publication=publication, date=datetime.date(2024, 11, 8))
    foreign = place(editor, other, adopted_piece(editor, contributor, "别期"), "助力攻坚")
    ids = {
        "partial": [a.pk],
        "duplicate": [a.pk, b.pk, a.pk],
        "foreign": [a.pk, b.pk, foreign.pk],
        "unknown": [a.pk, b.pk, 999999],
    }
    issue.refresh_from_db()
    with pytest.raises(IssueActionError, match="不一致"):
        arrange_issue(
            actor=editor,
            issue=issue,
            layout={section("助力攻坚").pk: ids[broken]},
            expected_version=issue.layout_version,
        )
    assert titles_in_order(issue) == ["甲", "乙"]


def test_a_stale_page_is_told_so_instead_of_overwriting(editor, contributor, issue):
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    b = place(editor, issue, adopted_piece(editor, contributor, "乙"), "助力攻坚")
    issue.refresh_from_db()
    seen_version = issue.layout_version
    arrange_issue(
        actor=editor,
        issue=issue,
        layout={section("助力攻坚").pk: [b.pk, a.pk]},
        expected_version=seen_version,
    )
    with pytest.raises(StaleLayout, match="已被他人修改"):
        arrange_issue(
            actor=editor,
            issue=issue,
            layout={section("助力攻坚").pk: [a.pk, b.pk]},
            expected_version=seen_version,
        )
    assert titles_in_order(issue) == ["乙", "甲"]


def test_move_up_and_down_with_buttons(editor, contributor, issue):
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "代表工作")
    place(editor, issue, adopted_piece(editor, contributor, "乙"), "代表工作")
    issue.refresh_from_db()
    move_placement(actor=editor, placement=a, step=1, expected_version=issue.layout_version)
    assert titles_in_order(issue) == ["乙", "甲"]
    issue.refresh_from_db()
    with pytest.raises(IssueActionError, match="最前（或最后）"):
        move_placement(
            actor=editor,
            placement=Placement.objects.get(pk=a.pk),
            step=1,
            expected_version=issue.layout_version,
        )


def test_remove_returns_the_piece_to_the_unplaced(editor, contributor, issue):
    from bulletin.queries import unplaced_adopted_pieces

    piece = adopted_piece(editor, contributor, "甲")
    placement = place(editor, issue, piece, "代表工作")
    assert piece not in unplaced_adopted_pieces()
    issue.refresh_from_db()
    remove_placement(actor=editor, placement=placement, expected_version=issue.layout_version)
    assert piece in unplaced_adopted_pieces()


@pytest.mark.parametrize("fixture", ["contributor", "reader", "admin_account"])
def test_only_editors_assemble(request, editor, contributor, issue, fixture):
    actor = request.getfixturevalue(fixture)
    piece = adopted_piece(editor, contributor, "甲")
    with pytest.raises(PermissionDenied):
        place_submission(
            actor=actor, issue=issue, submission=piece, section=section("要闻速递"), expected_version=0
        )


def test_toc_is_derived_from_the_layout(editor, contributor, other_contributor, issue):
    place(
        editor,
        issue,
        adopted_piece(editor, contributor, "市人大常委会扎实推动代表建议高质量办理"),
        "要闻速递",
    )
    place(
        editor,
        issue,
        adopted_piece(editor, other_contributor, "萧山区：做好“三篇文章”", subtitle="助推政务服务增值化改革"),
        "助力攻坚",
    )
    for n in range(3):
        place(editor, issue, adopted_piece(editor, contributor, f"摘登{n}", as_brief=True), "信息摘登")
    toc = build_document(issue).toc()
    assert [(e.section, e.titles) for e in toc] == [
        ("要闻速递", ["市人大常委会扎实推动代表建议高质量办理"]),
        ("助力攻坚", ["萧山区：做好“三篇文章”助推政务服务增值化改革"]),
        ("信息摘登", ["3 则"]),
    ]


# --- the pages -------------------------------------------------------------


def test_assembly_page_shows_unplaced_and_sections(client_for, editor, contributor, issue):
    piece = adopted_piece(editor, contributor, "西湖区：“三个力”做活代表工作")
    page = client_for(editor).get(reverse("issue_assemble", args=[issue.pk])).content.decode()
    assert "待编稿件" in page and piece.title in page
    for name in ["要闻速递", "助力攻坚", "监督纵横", "代表工作", "情况交流", "信息摘登"]:
        assert name in page


def test_assembly_page_query_count_does_not_grow(
    client_for, editor, contributor, issue, django_assert_max_num_queries
):
    client = client_for(editor)
    for n in range(3):
        place(editor, issue, adopted_piece(editor, contributor, f"稿{n}"), "助力攻坚")
    adopted_piece(editor, contributor, "待编")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("issue_assemble", args=[issue.pk]))
    for n in range(3, 12):
        place(editor, issue, adopted_piece(editor, contributor, f"稿{n}"), "监督纵横")
        adopted_piece(editor, contributor, f"待编{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("issue_assemble", args=[issue.pk]))


def test_arrange_endpoint_saves_and_refuses_stale_or_partial(client_for, editor, contributor, issue):
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    b = place(editor, issue, adopted_piece(editor, contributor, "乙"), "助力攻坚")
    issue.refresh_from_db()
    client = client_for(editor)
    url = reverse("issue_arrange", args=[issue.pk])
    sid = str(section("助力攻坚").pk)

    def post(layout, version):
        return client.post(
            url, json.dumps({"version": version, "layout": layout}), content_type="application/json"
        )

    ok = post({sid: [b.pk, a.pk]}, issue.layout_version)
    assert ok.status_code == 200 and ok.json()["version"] == issue.layout_version + 1
    stale = post({sid: [a.pk, b.pk]}, issue.layout_version)
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["message"]
    partial = post({sid: [a.pk]}, ok.json()["version"])
    assert partial.status_code == 400 and "不一致" in partial.json()["message"]
    garbage = client.post(url, "not json", content_type="application/json")
    assert garbage.status_code == 400
    assert titles_in_order(issue) == ["乙", "甲"]


def test_move_buttons_work_without_javascript(client_for, editor, contributor, issue):
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "代表工作")
    place(editor, issue, adopted_piece(editor, contributor, "乙"), "代表工作")
    issue.refresh_from_db()
    client = client_for(editor)
    response = client.post(
        reverse("placement_move", args=[issue.pk, a.pk]),
        {"direction": "down", "version": issue.layout_version},
    )
    assert response.status_code == 302
    assert titles_in_order(issue) == ["乙", "甲"]
    stale = client.post(
        reverse("placement_move", args=[issue.pk, a.pk]),
        {"direction": "up", "version": issue.layout_version},
        follow=True,
    )
    assert "已被他人修改" in stale.content.decode()


def test_create_issue_page_proposes_numbers(client_for, editor, publication):
    publication.total_number_base = 703
    publication.save()
    client = client_for(editor)
    page = client.get(reverse("issue_create")).content.decode()
    assert 'value="704"' in page
    year = timezone.localdate().year
    response = client.post(
        reverse("issue_create"),
        {
            "date": f"{timezone.localdate():%Y-%m-%d}",
            "number": "16",
            "total_number": "704",
            "edition": "regular",
            "editor_name": "杨青青",
            "editor_phone": "(0571)85250657",
            "distribution": "省人大常委会办公厅、研究室",
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and (issue.number, issue.total_number) == (16, 704)
    taken = client.post(
        reverse("issue_create"),
        {
            "date": f"{timezone.localdate():%Y-%m-%d}",
            "number": "16",
            "total_number": "705",
            "edition": "regular",
            "editor_name": "杨青青",
            "editor_phone": "1",
            "distribution": "x",
        },
    )
    assert f"{year}年第16期已经存在" in taken.content.decode()


def test_issue_form_offers_the_distribution_templates(client_for, editor, publication, issue):
    client = client_for(editor)
    # With only the publication's default there is nothing to choose from.
    assert "套用发送范围模板" not in client.get(reverse("issue_create")).content.decode()
    publication.distribution_lists.create(
        name="专刊（加送市领导）", text="市委、市政府领导\n省人大常委会办公厅"
    )
    for url in (reverse("issue_create"), reverse("issue_settings", args=[issue.pk])):
        page = client.get(url).content.decode()
        assert "套用发送范围模板" in page
        assert f'<option data-text="{publication.default_distribution}">默认发送范围</option>' in page
        assert '<option data-text="市委、市政府领导\n省人大常委会办公厅">专刊（加送市领导）</option>' in page
        assert "bulletin/distribution.js" in page


@pytest.mark.parametrize("fixture", ["contributor", "reader"])
def test_contributors_and_readers_cannot_reach_assembly(client_for, request, editor, issue, fixture):
    client = client_for(request.getfixturevalue(fixture))
    for name, args in [
        ("issue_list", []),
        ("issue_create", []),
        ("issue_assemble", [issue.pk]),
        ("issue_settings", [issue.pk]),
        ("issue_preview", [issue.pk]),
        ("issue_preview_pdf", [issue.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    for name in ["issue_publish", "issue_arrange", "placement_add"]:
        assert client.post(reverse(name, args=[issue.pk])).status_code == 403, name


def test_move_to_another_section_without_dragging(client_for, editor, contributor, issue):
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    place(editor, issue, adopted_piece(editor, contributor, "乙"), "监督纵横")
    issue.refresh_from_db()
    response = client_for(editor).post(
        reverse("placement_move_to_section", args=[issue.pk, a.pk]),
        {"section": section("监督纵横").pk, "version": issue.layout_version},
        follow=True,
    )
    assert "已移至“监督纵横”末尾" in response.content.decode()
    assert titles_in_order(issue) == ["乙", "甲"]
    a.refresh_from_db()
    assert (a.section.name, a.position) == ("监督纵横", 2)


@pytest.mark.parametrize(
    "body",
    [
        '{"version": 1e400, "layout": {}}',  # int(inf): OverflowError
        '{"version": %(v)s, "layout": {"99999999999999999999": [%(a)s]}}',  # beyond any integer column
        '{"version": %(v)s, "layout": {"%(s)s": [99999999999999999999]}}',
        '{"version": %(v)s, "layout": {"%(s)s": [%(a)s, 1.5]}}',
        '{"version": true, "layout": {"%(s)s": [%(a)s]}}',
    ],
)
def test_arrange_endpoint_refuses_malformed_numbers_with_a_message(
    client_for, editor, contributor, issue, body
):
    """Numbers out of range or of the wrong kind are a 400 with a message, never a 500."""
    a = place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    issue.refresh_from_db()
    sent = body % {"v": issue.layout_version, "a": a.pk, "s": section("助力攻坚").pk}
    response = client_for(editor).post(
        reverse("issue_arrange", args=[issue.pk]), sent, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["message"]
    assert titles_in_order(issue) == ["甲"]


@pytest.mark.parametrize(
    "name,data",
    [
        ("placement_add", {"submission": "abc", "section": "1"}),
        ("placement_add", {"submission": "1", "section": "abc"}),
        ("placement_add", {"submission": "99999999999999999999", "section": "1"}),
        ("placement_move_to_section", {"section": "abc"}),
        ("placement_move_to_section", {"section": "1.5"}),
    ],
)
def test_assembly_forms_with_tampered_ids_get_a_message(client_for, editor, contributor, issue, name, data):
    """A posted id that is not a number finds nothing: the page says what to choose, no 500."""
    placement = place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    args = [issue.pk] if name == "placement_add" else [issue.pk, placement.pk]
    page = client_for(editor).post(reverse(name, args=args), data, follow=True)
    assert page.status_code == 200
    assert "请选择" in page.content.decode()
    assert titles_in_order(issue) == ["甲"]
