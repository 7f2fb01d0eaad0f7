"""Test data made by calling the real actions, as a unit and the editor would."""

from submissions.actions import pieces
from submissions.models import Submission


def submitted_piece(
    contributor, title: str, *, subtitle: str = "", body: str = "<p>正文内容。</p>", **fields
) -> Submission:
    piece = pieces.create_draft(actor=contributor, title=title, subtitle=subtitle, body=body, **fields)
    return pieces.submit(actor=contributor, submission=piece, signer_name="李建华")


def adopted_piece(
    editor,
    contributor,
    title: str,
    *,
    subtitle: str = "",
    body: str = "<p>正文内容。</p>",
    as_brief: bool = False,
    brief_text: str = "",
    adopt: bool = True,
) -> Submission:
    """A piece the unit submitted and the editor adopted (as an article, or as a brief)."""
    piece = submitted_piece(contributor, title, subtitle=subtitle, body=body)
    if not adopt:
        return piece
    if as_brief:
        text = brief_text or f"{contributor.unit.name}{title}。"
        return pieces.adopt_as_brief(actor=editor, submission=piece, brief_text=text)
    return pieces.adopt_as_article(actor=editor, submission=piece)


def edit_piece_as_editor(editor, piece: Submission, **fields) -> Submission:
    piece.refresh_from_db()
    return pieces.save_text(actor=editor, submission=piece, expected_version=piece.version, **fields)


def place(editor, issue, piece, section_name: str):
    """Place a piece in the named section of an issue, at the issue's current layout version."""
    from bulletin.actions.placements import place_submission
    from bulletin.models import Section

    issue.refresh_from_db()
    return place_submission(
        actor=editor,
        issue=issue,
        submission=piece,
        section=Section.objects.get(name=section_name),
        expected_version=issue.layout_version,
    )


def issue_with_one_article(editor, contributor):
    """杭州人大信息 2024 第15期（总第703期）, dated 2024-10-25, holding one adopted article
    (西湖区：一篇文章) in 助力攻坚: the smallest issue that publishes. Refreshed."""
    import datetime

    from bulletin.actions.issues import create_issue
    from bulletin.models import Publication

    issue = create_issue(
        actor=editor,
        publication=Publication.objects.get(name="杭州人大信息"),
        date=datetime.date(2024, 10, 25),
        number=15,
        total_number=703,
    )
    place(editor, issue, adopted_piece(editor, contributor, "西湖区：一篇文章"), "助力攻坚")
    issue.refresh_from_db()
    return issue
