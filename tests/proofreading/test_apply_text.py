"""The text surgery of a correction (proofreading.fixes), without the database: which
suggestions are offered, edits right to left, overlaps, bold and superscript runs."""

from proofreading.findings import Finding
from proofreading.fixes import CROSSES_MARKUP, OVERLAPS, apply_fixes, offers_fix, shifted, summary
from text.richtext import body_paragraphs


def found(
    fields: dict, part: str, paragraph: int, excerpt: str, suggestion: str, rule: str = "r"
) -> list[Finding]:
    """Every place of ``excerpt`` in the part's plain text as a finding (as a rule would give)."""
    if part == "body":
        text = body_paragraphs(fields["body"])[paragraph - 1]
    elif part == "title":
        text = fields.get("title", "") + fields.get("subtitle", "")
    else:
        text = " ".join(p for p in (fields.get("byline_org"), fields.get("byline_authors")) if p)
    out, at = [], text.find(excerpt)
    while at >= 0:
        end = at + len(excerpt)
        before, after = text[max(0, at - 8) : at], text[end : end + 8]
        out.append(
            Finding(rule, "提示", "s1", part, paragraph, at, len(excerpt), excerpt, before, after, suggestion)
        )
        at = text.find(excerpt, at + 1)
    return out


def test_only_literal_replacements_are_offered():
    base = Finding("r", "m", "s1", "body", 1, 3, 2, "布署", "", "", "部署")
    assert offers_fix(base)
    for suggestion in ("", " ", "布署", "“”", "‘’", "（）", "《》", "a\nb"):
        assert not offers_fix(Finding("r", "m", "s1", "body", 1, 3, 2, "布署", "", "", suggestion)), (
            suggestion
        )
    assert not offers_fix(Finding("r", "m", "s1", "body", 1, 3, 0, "", "", "", "部署"))
    assert not offers_fix(Finding("r", "m", "", "issue", 0, 0, 4, "第5期", "", "", "第6期"))
    assert not offers_fix(Finding("similarity", "m", "s1", "similar", 0, 0, 2, "s9", "", "", "s8"))


def test_edits_keep_bold_and_superscript_runs_and_go_right_to_left():
    fields = {"body": "<p><strong>一是布署,</strong>面积3200m<sup>2</sup>,布署完成,再布署。</p>"}
    findings = found(fields, "body", 1, "布署", "部署") + found(fields, "body", 1, ",", "，")
    outcome = apply_fixes(fields, findings)
    assert (
        outcome.fields["body"]
        == "<p><strong>一是部署，</strong>面积3200m<sup>2</sup>，部署完成，再部署。</p>"
    )
    assert len(outcome.applied) == 6 and not outcome.left
    assert [e.start for e in outcome.applied if e.finding.excerpt == "布署"] == [2, 14, 20]
    assert summary(outcome.applied) in ("布署→部署（3 处）、,→，（3 处）", ",→，（3 处）、布署→部署（3 处）")


def test_overlapping_findings_the_right_one_wins_and_the_other_is_left():
    fields = {"body": "<p>推动解决解决问题。</p>"}
    doubled = found(fields, "body", 1, "解决解决", "解决")[0]
    shorter = found(fields, "body", 1, "决解", "决议")[0]  # overlaps the doubled word's change
    outcome = apply_fixes(fields, [doubled, shorter])
    assert [e.finding for e in outcome.applied] == [doubled]
    assert [(e.finding, why) for e, why in outcome.left] == [(shorter, OVERLAPS)]
    assert outcome.fields["body"] == "<p>推动解决问题。</p>"


def test_a_change_across_runs_of_different_weight():
    fields = {"body": "<p><strong>一是布</strong>署到位。</p>"}
    same_length = found(fields, "body", 1, "布署", "部署")[0]
    outcome = apply_fixes(fields, [same_length])
    assert outcome.fields["body"] == "<p><strong>一是部</strong>署到位。</p>"
    longer = found(fields, "body", 1, "布署", "部属安排")[0]
    outcome = apply_fixes(fields, [longer])
    assert outcome.applied == [] and outcome.left[0][1] == CROSSES_MARKUP
    assert outcome.fields["body"] == fields["body"]
    # An insertion at a run's edge goes into the run before it.
    fields = {"body": "<p><strong>区人大常委</strong>召开会议。</p>"}
    outcome = apply_fixes(fields, found(fields, "body", 1, "常委召", "常委会召"))
    assert outcome.fields["body"] == "<p><strong>区人大常委会</strong>召开会议。</p>"


def test_superscript_is_never_rewritten():
    fields = {"body": "<p>面积3200m<sup>2</sup>。</p>"}
    outcome = apply_fixes(fields, found(fields, "body", 1, "m²", "平方米"))
    assert outcome.applied == [] and outcome.left[0][1] == CROSSES_MARKUP


def test_title_line_and_byline_map_to_their_fields():
    fields = {
        "title": "西湖区：精心布署",
        "subtitle": "布署民生实事",
        "byline_org": "西湖区人大",
        "byline_authors": "张三",
    }
    outcome = apply_fixes(
        fields,
        found(fields, "title", 0, "布署", "部署")
        + found(fields, "byline", 0, "西湖区人大", "西湖区人大常委会"),
    )
    assert (outcome.fields["title"], outcome.fields["subtitle"]) == ("西湖区：精心部署", "部署民生实事")
    assert (outcome.fields["byline_org"], outcome.fields["byline_authors"]) == ("西湖区人大常委会", "张三")
    assert sorted(outcome.changed) == ["byline_org", "subtitle", "title"]


def test_a_finding_moves_with_the_edits_before_it():
    fields = {"body": "<p>今年,布署,完成。</p>"}
    commas = found(fields, "body", 1, ",", "，")
    outcome = apply_fixes(fields, found(fields, "body", 1, "布署", "安排部署"))
    assert shifted(commas[1], outcome.applied).offset == commas[1].offset + 2
    assert shifted(commas[0], outcome.applied).offset == commas[0].offset
    assert shifted(found(fields, "body", 1, "布署", "部署")[0], outcome.applied) is None
