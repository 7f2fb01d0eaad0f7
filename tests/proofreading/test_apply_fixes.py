"""Applying a 校对 suggestion in one step: one finding, or all of a rule's in the piece, on
real HTML bodies (bold leads, superscripts); the revision and audit rows; a finding gone
stale, a version conflict, the actors and states refused; dismissals kept."""

import pytest

from proofreading import queries
from proofreading.actions.common import ProofreadingError
from proofreading.actions.corrections import apply_finding, apply_kind
from proofreading.actions.dismissals import dismiss_finding
from proofreading.models import Dismissal, Term
from submissions.actions import pieces
from submissions.models import Event, Revision
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, submitted_piece

pytestmark = pytest.mark.django_db

BODY = (
    "<p>今年以来，区人大常委会精心布署代表联络站建设，推动代表工作提质增效。</p>"
    "<p><strong>一是布署到位。</strong>全区新建联络站12个，面积共3200m<sup>2</sup>，实现镇街全覆盖。</p>"
    "<p><strong>二是完善机制。</strong>建立代表定期接待群众制度，收集意见建议86条。</p>"
)
COMMAS = (
    "<p>今年以来,区人大常委会聚焦代表联络站建设,推动代表工作提质增效。</p>"
    "<p><strong>一是建强阵地,</strong>全区新建联络站12个,面积共3200m<sup>2</sup>,实现镇街全覆盖。</p>"
    "<p>下一步,将持续跟踪督办。</p>"
)


@pytest.fixture(autouse=True)
def deploy_term(db):
    """The office's terms list says 部署, not 布署 (the admin's list, not a rule table)."""
    Term.objects.update_or_create(preferred="部署", defaults={"variants": "布署", "active": True})


def findings(piece, rule=None, excerpt=None):
    piece.refresh_from_db()
    found = [s.finding for s in queries.piece_report(piece, with_similar=False).findings]
    return [
        f for f in found if (rule is None or f.rule == rule) and (excerpt is None or f.excerpt == excerpt)
    ]


def test_one_finding_is_corrected_in_its_run_and_kept_as_a_revision(editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=BODY)
    first, lead = findings(piece, excerpt="布署")
    assert (first.paragraph, lead.paragraph) == (1, 2)
    version = piece.version

    done = apply_finding(actor=editor, submission=piece, key=lead.key, expected_version=version)

    piece.refresh_from_db()
    # Only the bold lead's 布 changed; the other 布署, the bold and the superscript stay.
    assert piece.body == BODY.replace("一是布署到位", "一是部署到位")
    assert "<strong>一是部署到位。</strong>" in piece.body and "3200m<sup>2</sup>" in piece.body
    assert piece.version == version + 1 and done.submission.version == version + 1
    revision = Revision.objects.filter(submission=piece).latest("id")
    assert (revision.kind, revision.author, revision.body) == (Revision.Kind.EDITED, editor, piece.body)
    assert revision.note == "校对改正：布署→部署（1 处）"
    event = Event.objects.filter(submission=piece).latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "proofreading_fix",
        editor,
        "submitted",
        "submitted",
    )
    assert event.note == "校对改正：布署→部署（1 处）"
    assert [f.paragraph for f in findings(piece, excerpt="布署")] == [1]
    # The apps above heard of it: search reads the corrected text.
    assert "一是部署到位" in piece.printed_text and "一是布署到位" not in piece.printed_text


def test_all_of_a_kind_in_one_revision_across_bold_and_superscript(editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=COMMAS)
    commas = findings(piece, excerpt=",")
    assert len(commas) == 6
    rules = {f.rule for f in commas}
    assert len(rules) == 1
    revisions = Revision.objects.filter(submission=piece).count()

    done = apply_kind(actor=editor, submission=piece, rule=rules.pop(), expected_version=piece.version)

    piece.refresh_from_db()
    assert piece.body == (
        "<p>今年以来，区人大常委会聚焦代表联络站建设，推动代表工作提质增效。</p>"
        "<p><strong>一是建强阵地，</strong>全区新建联络站12个，面积共3200m<sup>2</sup>，实现镇街全覆盖。</p>"
        "<p>下一步，将持续跟踪督办。</p>"
    )
    assert len(done.applied) == 6 and not done.left
    assert Revision.objects.filter(submission=piece).count() == revisions + 1
    assert (
        Event.objects.filter(submission=piece, action="proofreading_fix").get().note
        == "校对改正：,→，（6 处）"
    )
    assert findings(piece, excerpt=",") == []


def test_title_subtitle_and_brief_text(editor, contributor):
    piece = adopted_piece(
        editor,
        contributor,
        "西湖区：精心布署代表工作",
        subtitle="布署联络站建设",
        body=BODY,
        as_brief=True,
        brief_text="西湖区人大常委会精心布署代表联络站建设，推动代表工作提质增效。",
    )
    in_title = [f for f in findings(piece, excerpt="布署") if f.part == "title"]
    assert len(in_title) == 2
    apply_finding(actor=editor, submission=piece, key=in_title[1].key, expected_version=piece.version)
    piece.refresh_from_db()
    assert (piece.title, piece.subtitle) == ("西湖区：精心布署代表工作", "部署联络站建设")

    in_brief = [f for f in findings(piece, excerpt="布署") if f.part == "brief"]
    assert len(in_brief) == 1
    apply_finding(actor=editor, submission=piece, key=in_brief[0].key, expected_version=piece.version)
    piece.refresh_from_db()
    assert piece.brief_text == "西湖区人大常委会精心部署代表联络站建设，推动代表工作提质增效。"
    assert piece.body == BODY  # the article text is not the brief's
    assert Event.objects.filter(submission=piece, action="proofreading_fix").count() == 2


def test_a_finding_gone_from_the_text_is_refused(editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=BODY)
    stale = findings(piece, excerpt="布署")[0]
    edit_piece_as_editor(editor, piece, body=BODY.replace("精心布署", "精心谋划"))
    piece.refresh_from_db()
    before = piece.body
    with pytest.raises(ProofreadingError, match="稿件已改动，这条提示已不在，请刷新后再看"):
        apply_finding(actor=editor, submission=piece, key=stale.key, expected_version=piece.version)
    with pytest.raises(ProofreadingError, match="稿件已改动，这条提示已不在，请刷新后再看"):
        apply_finding(actor=editor, submission=piece, key=stale.key, expected_version=piece.version - 1)
    piece.refresh_from_db()
    assert piece.body == before
    assert not Event.objects.filter(submission=piece, action="proofreading_fix").exists()


def test_a_page_showing_an_older_version_is_refused(editor, contributor, make_user):
    second_editor = make_user("editor", username="bianji2")
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=BODY)
    shown = piece.version
    first, lead = findings(piece, excerpt="布署")
    apply_finding(actor=editor, submission=piece, key=first.key, expected_version=shown)
    with pytest.raises(ProofreadingError, match=rf"您看到的是第 {shown} 版，现在是第 {shown + 1} 版"):
        apply_finding(actor=second_editor, submission=piece, key=lead.key, expected_version=shown)
    piece.refresh_from_db()
    assert "精心部署" in piece.body and "一是布署到位" in piece.body
    assert piece.version == shown + 1
    # Refreshed, the second editor's correction goes through.
    apply_finding(actor=second_editor, submission=piece, key=lead.key, expected_version=piece.version)
    piece.refresh_from_db()
    assert "一是部署到位" in piece.body and piece.version == shown + 2


def test_contributor_and_published_piece_are_refused(editor, contributor):
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=BODY)
    finding = findings(piece, excerpt="布署")[0]
    with pytest.raises(ProofreadingError, match="只有编辑"):
        apply_finding(actor=contributor, submission=piece, key=finding.key, expected_version=piece.version)
    draft = pieces.create_draft(actor=contributor, title="西湖区：代表工作", body=BODY)
    with pytest.raises(ProofreadingError, match="只有编辑"):
        apply_kind(actor=contributor, submission=draft, rule=finding.rule, expected_version=draft.version)
    with pytest.raises(ProofreadingError, match="不能修改"):
        apply_kind(actor=editor, submission=draft, rule=finding.rule, expected_version=draft.version)

    published = adopted_piece(editor, contributor, "西湖区：联络站", body=BODY)
    published.status = "published"  # as 刊发 leaves it (the issue's publishing is tested elsewhere)
    published.save(update_fields=["status"])
    key = findings(published, excerpt="布署")[0].key
    with pytest.raises(ProofreadingError, match="已刊发.*更正"):
        apply_finding(actor=editor, submission=published, key=key, expected_version=published.version)
    published.refresh_from_db()
    assert published.body == BODY and piece.body == BODY and draft.body == BODY


def test_dismissed_finding_is_left_and_keeps_its_dismissal(editor, contributor):
    body = "<p>今年以来,区人大常委会聚焦代表联络站建设,推动“一站,一品”创建,取得成效。</p>"
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=body)
    commas = findings(piece, excerpt=",")
    assert len(commas) == 4
    quoted = commas[2]  # inside the quoted name: the editor keeps it
    assert quoted.before.endswith("“一站")
    dismiss_finding(
        actor=editor,
        key=quoted.key,
        rule=quoted.rule,
        message=quoted.message,
        reason="引用原名",
        submission=piece,
    )
    with pytest.raises(ProofreadingError, match="已被忽略"):
        apply_finding(actor=editor, submission=piece, key=quoted.key, expected_version=piece.version)

    done = apply_kind(actor=editor, submission=piece, rule=quoted.rule, expected_version=piece.version)

    piece.refresh_from_db()
    assert len(done.applied) == 3
    assert piece.body == "<p>今年以来，区人大常委会聚焦代表联络站建设，推动“一站,一品”创建，取得成效。</p>"
    # Its neighbours changed its context (and so its key): the dismissal followed it.
    report = queries.piece_report(piece, with_similar=False)
    [left] = [s for s in report.findings if s.finding.excerpt == ","]
    assert left.dismissed and left.dismissal.reason == "引用原名"
    assert Dismissal.objects.get(submission=piece).key == left.finding.key != quoted.key


def test_a_change_across_a_superscript_is_refused_with_a_message(editor, contributor):
    Term.objects.create(preferred="平方米", variants="m²")
    piece = submitted_piece(contributor, "西湖区：代表联络站建设成效明显", body=BODY)
    [square] = findings(piece, excerpt="m²")
    with pytest.raises(ProofreadingError, match="上标、下标"):
        apply_finding(actor=editor, submission=piece, key=square.key, expected_version=piece.version)
    piece.refresh_from_db()
    assert piece.body == BODY
