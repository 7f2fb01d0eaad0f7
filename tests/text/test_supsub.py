"""Superscript and subscript in the body model (text.richtext), its plain text
(text.scripts) and the diff (text.diff): m², 1.2×10⁴ and CO₂ are kept as the contributor
sees them, never flattened to m2, 1.2×104 (a hundred and four) or CO2."""

import pytest

from text.diff import diff_html
from text.richtext import body_length, body_paragraphs, body_runs, runs_to_html, sanitize_body
from text.scripts import script_plain

# Word 2016's clipboard HTML for "3200m²" written with the superscript button (trimmed to
# the body fragment, as Chrome hands it to a paste handler).
WORD_CLIPBOARD = (
    "<p class=MsoNormal><span style='font-family:仿宋_GB2312'>总建筑面积达3200m</span>"
    "<sup><span lang=EN-US style='font-family:仿宋_GB2312'>2</span></sup>"
    "<span style='font-family:仿宋_GB2312'>，排放</span><span lang=EN-US>CO</span>"
    "<sub><span lang=EN-US>2</span></sub><span>约800吨。<o:p></o:p></span></p>"
)
# Google Docs and WPS web write a styled span instead of the element.
GOOGLE_DOCS = (
    '<b style="font-weight:normal" id="docs-internal-guid-1"><p dir="ltr"><span style="font-size:11pt">'
    '受理1.2×10</span><span style="font-size:0.6em;vertical-align:super">4</span>'
    '<span style="font-size:11pt">件次，CO</span><span style="vertical-align: sub;">2</span></p></b>'
)


def test_sup_and_sub_are_kept_and_canonical():
    assert sanitize_body(WORD_CLIPBOARD) == (
        "<p>总建筑面积达3200m<sup>2</sup>，排放CO<sub>2</sub>约800吨。</p>"
    )
    assert sanitize_body(GOOGLE_DOCS) == "<p>受理1.2×10<sup>4</sup>件次，CO<sub>2</sub></p>"


def test_sup_has_no_attributes_and_lives_only_inside_a_paragraph():
    assert (
        sanitize_body('<sup class="x" style="color:red" onclick="alert(1)">2</sup>') == "<p><sup>2</sup></p>"
    )
    # A sup around blocks: the paragraphs stay, the raised text is inside each.
    assert sanitize_body("<sup><p>1</p><p>2</p></sup>") == "<p><sup>1</sup></p><p><sup>2</sup></p>"


def test_nested_scripts_collapse_to_the_innermost_and_baseline_ends_them():
    assert (
        sanitize_body("<p>x<sup>a<sub>b</sub>c</sup></p>") == "<p>x<sup>a</sup><sub>b</sub><sup>c</sup></p>"
    )
    assert sanitize_body("<p>x<sup><sup>2</sup></sup></p>") == "<p>x<sup>2</sup></p>"
    assert (
        sanitize_body('<p><sup>1<span style="vertical-align:baseline">0</span></sup></p>')
        == "<p><sup>1</sup>0</p>"
    )


def test_white_space_is_never_raised_and_neighbours_merge():
    assert sanitize_body("<p>a<sup> </sup>b</p>") == "<p>a b</p>"
    assert sanitize_body("<p>10<sup>1</sup><sup>2</sup></p>") == "<p>10<sup>12</sup></p>"
    assert sanitize_body("<p><sup>2</sup></p><p>  <sub> </sub>  </p>") == "<p><sup>2</sup></p>"


def test_bold_wraps_the_script_and_sanitizing_twice_changes_nothing():
    html = "<p><b>H<sub>2</sub>O</b>与<strong>10<sup>-6</sup></strong></p>"
    once = sanitize_body(html)
    assert once == "<p><strong>H<sub>2</sub>O</strong>与<strong>10<sup>-6</sup></strong></p>"
    assert sanitize_body(once) == once
    assert sanitize_body("<p><sup><b>2</b></sup></p>") == "<p><strong><sup>2</sup></strong></p>"
    for case in (WORD_CLIPBOARD, GOOGLE_DOCS):
        assert sanitize_body(sanitize_body(case)) == sanitize_body(case)


def test_runs_carry_the_script_and_old_pairs_still_read():
    assert body_runs("<p>m<sup>2</sup></p>") == [[("m", False, ""), ("2", False, "sup")]]
    assert runs_to_html([[("甲", True), ("乙", False)]]) == "<p><strong>甲</strong>乙</p>"
    assert runs_to_html([[("m", True, ""), ("2", True, "sup")]]) == "<p><strong>m<sup>2</sup></strong></p>"


@pytest.mark.parametrize(
    ("text", "script", "plain"),
    [
        ("2", "sup", "²"),
        ("4", "sup", "⁴"),
        ("-6", "sup", "⁻⁶"),
        ("n+1", "sup", "ⁿ⁺¹"),
        ("2", "sub", "₂"),
        ("10", "sub", "₁₀"),
        ("st", "sup", "^st"),
        ("[1]", "sup", "^[1]"),
        ("max", "sub", "ₘₐₓ"),
        ("gas", "sub", "_gas"),
        ("2", "", "2"),
    ],
)
def test_plain_text_uses_unicode_where_it_has_the_character(text, script, plain):
    assert script_plain(text, script) == plain


def test_plain_text_views_read_the_units_as_printed():
    body = sanitize_body(WORD_CLIPBOARD + "<p>1.2×10<sup>4</sup>件次，面积3200㎡</p>")
    paragraphs = body_paragraphs(body)
    assert paragraphs == ["总建筑面积达3200m²，排放CO₂约800吨。", "1.2×10⁴件次，面积3200㎡"]
    assert "3200m2" not in "".join(paragraphs) and "1.2×104" not in "".join(paragraphs)
    assert body_length("<p>m<sup>2</sup></p>") == 2


def test_the_diff_shows_a_flattened_unit_as_a_change_and_keeps_the_markup():
    shown = diff_html("<p>面积3200m2。</p>", "<p>面积3200m<sup>2</sup>。</p>")
    assert '<ins class="diff-ins">' in shown and "<sup>2</sup>" in shown
    same = diff_html("<p>CO<sub>2</sub>排放</p>", "<p>CO<sub>2</sub>排放</p>")
    assert same == "<p>CO<sub>2</sub>排放</p>"
    bold = diff_html("<p>甲</p>", "<p><strong>H<sub>2</sub>O</strong>甲</p>")
    assert "<strong>H<sub>2</sub>O</strong>" in bold
