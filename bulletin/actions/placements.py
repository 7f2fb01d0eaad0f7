"""The one way to change an issue's layout: place a piece, take it out, arrange and move
placements. Every change carries the layout version the page saw (StaleLayout otherwise).
"""

from django.db import transaction

from audit.records import Kind, record
from bulletin.actions.common import IssueActionError, _bump, _lock_draft, _require_editor
from bulletin.actions.issues import issue_label
from bulletin.models import Issue, Placement, Section
from bulletin.queries import current_layout
from submissions.actions.pieces import record_unplaced
from submissions.models import Submission


def _section_accepts(section: Section, submission) -> bool:
    wants_briefs = submission.adopted_as == "brief"
    return (section.kind == Section.Kind.BRIEFS) == wants_briefs


@transaction.atomic
def place_submission(
    *, actor, issue: Issue, submission, section: Section, expected_version: int
) -> Placement:
    """Put an adopted piece at the end of a section of a draft issue."""
    _require_editor(actor)
    issue = _lock_draft(issue, expected_version)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Submission.Status.ADOPTED:
        raise IssueActionError(
            f"《{submission.title}》当前状态是“{submission.get_status_display()}”，只有已采用的稿件才能编入。"
        )
    if Placement.objects.filter(submission=submission).exists():
        raise IssueActionError(f"《{submission.title}》已经编入一期，不能重复编入。")
    if not _section_accepts(section, submission):
        raise IssueActionError(
            "信息摘登只收采用为摘登的稿件。"
            if section.kind == Section.Kind.BRIEFS
            else "采用为摘登的稿件只能放入信息摘登。"
        )
    last = issue.placements.filter(section=section).order_by("-position").first()
    placement = Placement.objects.create(
        issue=issue, section=section, submission=submission, position=(last.position + 1) if last else 1
    )
    _bump(issue)
    record(
        Kind.LAYOUT_CHANGED,
        actor=actor,
        obj=issue,
        after={"placed": submission.pk, "section": section.name, "position": placement.position},
        message=f"编入《{submission.title}》到“{section.name}”",
    )
    return placement


@transaction.atomic
def remove_placement(*, actor, placement: Placement, expected_version: int) -> None:
    """Take a piece out of a draft issue; it returns to the adopted pieces not yet placed."""
    _require_editor(actor)
    issue = _lock_draft(placement.issue, expected_version)
    before = {
        "removed": placement.submission_id,
        "section": placement.section.name,
        "position": placement.position,
    }
    submission = placement.submission
    title = submission.title
    placement.delete()
    record_unplaced(actor=actor, submission=submission, note=f"移出{issue_label(issue)}")
    _bump(issue)
    record(Kind.LAYOUT_CHANGED, actor=actor, obj=issue, before=before, message=f"移出《{title}》")


@transaction.atomic
def arrange_issue(*, actor, issue: Issue, layout: dict[int, list[int]], expected_version: int) -> Issue:
    """Set the complete order: {section id: [placement ids in order]} covering every placement once.

    Moving an item to another section is a layout where it appears under that section.
    Anything but exactly the issue's current placements is refused.
    """
    _require_editor(actor)
    issue = _lock_draft(issue, expected_version)
    before = {str(k): v for k, v in current_layout(issue).items()}
    placements = {p.pk: p for p in issue.placements.select_related("submission").select_for_update()}
    listed = [pk for ids in layout.values() for pk in ids]
    if len(listed) != len(set(listed)) or set(listed) != set(placements):
        raise IssueActionError("提交的排序与本期现有稿件不一致（缺少、多出或重复），未作修改。请刷新后重试。")
    sections = Section.objects.in_bulk(list(layout))
    if len(sections) != len(layout):
        raise IssueActionError("排序中包含不存在的栏目，未作修改。")
    for section_id, ids in layout.items():
        for pk in ids:
            if not _section_accepts(sections[section_id], placements[pk].submission):
                raise IssueActionError(
                    f"《{placements[pk].submission.title}》不能放入“{sections[section_id].name}”：摘登稿件只能放入信息摘登，文章不能放入信息摘登。"
                )
    # Two passes keep the (issue, section, position) constraint satisfied at every step.
    offset = len(placements) + max((p.position for p in placements.values()), default=0) + 1
    for placement in placements.values():
        placement.position += offset
    Placement.objects.bulk_update(placements.values(), ["position"])
    for section_id, ids in layout.items():
        for index, pk in enumerate(ids, start=1):
            placements[pk].section_id = section_id
            placements[pk].position = index
    Placement.objects.bulk_update(placements.values(), ["section", "position"])
    _bump(issue)
    after = {str(k): v for k, v in layout.items()}
    if after != before:
        record(Kind.LAYOUT_CHANGED, actor=actor, obj=issue, before=before, after=after, message="调整顺序")
    return issue


def move_placement(*, actor, placement: Placement, step: int, expected_version: int) -> Issue:
    """Move an item one place up (step=-1) or down (+1) within its section: the keyboard way."""
    issue = placement.issue
    layout = current_layout(issue)
    ids = layout[placement.section_id]
    index = ids.index(placement.pk)
    target = index + step
    if not 0 <= target < len(ids):
        raise IssueActionError("已经在本栏目的最前（或最后），无法再移动。")
    ids[index], ids[target] = ids[target], ids[index]
    return arrange_issue(actor=actor, issue=issue, layout=layout, expected_version=expected_version)


def move_placement_to_section(
    *, actor, placement: Placement, section: Section, expected_version: int
) -> Issue:
    """Move an item to the end of another section (the page's 移至, without dragging)."""
    layout = current_layout(placement.issue)
    layout[placement.section_id].remove(placement.pk)
    layout.setdefault(section.pk, []).append(placement.pk)
    return arrange_issue(actor=actor, issue=placement.issue, layout=layout, expected_version=expected_version)
