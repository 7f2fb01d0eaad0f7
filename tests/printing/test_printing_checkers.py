"""The PDF checkers can fail: each rule table of the renderer, with one mark dropped.

The checkers (tests/printing_fixtures.py, ``check_lines`` of test_printing_cases.py) carry
their own tables. Each test here drops one mark from the renderer's table, renders a text
that puts the mark at every column of a line (after every fill of 0 to 40 characters, as
the case tests do) and asserts that the checker reports the mark at the wrong edge.

How the mutation reaches the renderer:

- ``printing.typography.break_opportunities`` reads the module-level tables
  (``LINE_START_FORBIDDEN``, ``LINE_END_FORBIDDEN``, ``DASH_ELLIPSIS``,
  ``POSTFIX_AFTER_DIGIT``, ``URL_BREAK_AFTER``) at call time, but is ``lru_cache``d by
  paragraph text: the cache is cleared before and after every mutated render, or the
  render would reuse the unmutated answer (and the next test the mutated one).
- The table only ever removes break opportunities that UAX #14 gives. For most marks
  UAX #14 itself already forbids the break (，。）are class CL, （“ OP/QU, ％℃ PO, ￥± PR,
  …… IN): dropping the mark from the table alone changes nothing. For those the test
  also widens ``_uax14_breaks`` (the UAX #14 step, looked up as a module global) to allow
  a break at the mark, so that the house table is the only guard left; the connectors —
  ～, the middle dot ·, 元, "$ 200", ﹏﹏ and addresses depend on the table alone.
- ``SPACING_BOUNDS_EM`` is imported by name into ``printing.render``: the bound the
  renderer uses is ``printing.render.SPACING_BOUNDS_EM``, patched there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import printing.render
import printing.typography as typography
from printing.document import paragraph_text
from printing.render import check_document
from tests.printing.test_printing_cases import FILLS, case_document, check_lines, fill, render
from tests.printing_fixtures import check_typography


@pytest.fixture
def mutate(monkeypatch):
    """``drop(name, marks)``: the renderer's table ``name`` without ``marks``;
    ``drop.widen(name, marks)``: with them; ``drop.unguard(before=, after=)``: UAX #14
    allows a break before / after these marks."""
    typography.break_opportunities.cache_clear()

    def drop(name: str, marks: str) -> None:
        table = getattr(typography, name)
        assert all(mark in table for mark in marks), (name, marks)  # a real change
        if isinstance(table, frozenset):
            monkeypatch.setattr(typography, name, table - set(marks))
        else:
            monkeypatch.setattr(typography, name, "".join(c for c in table if c not in marks))

    def unguard(before: str = "", after: str = "") -> None:
        original = typography._uax14_breaks

        def breaks(text: str) -> list[bool]:
            allowed = original(text)
            for i in range(1, len(text)):
                if text[i] in before or text[i - 1] in after:
                    allowed[i] = True
            return allowed

        monkeypatch.setattr(typography, "_uax14_breaks", breaks)

    def widen(name: str, marks: str) -> None:
        monkeypatch.setattr(typography, name, getattr(typography, name) | set(marks))

    drop.unguard = unguard
    drop.widen = widen
    yield drop
    monkeypatch.undo()
    typography.break_opportunities.cache_clear()


def problems_across_fills(text: str, tmp_path, name: str) -> tuple[list[str], object]:
    paragraphs = [fill(length) + text for length in FILLS]
    document = case_document(paragraphs)
    rendered = render(document, tmp_path, name)
    flagged = {finding.text for finding in check_document(document).of_kind("ragged")}
    expected = [paragraph_text(p) for p in rendered.document.sections[0].items[0].paragraphs]
    return check_lines(rendered, expected, flagged), rendered


# (table, marks dropped, UAX #14 unguarded before / after, text, problem the checker must report)
MUTATIONS = {
    # GB/T 15834-2011 §5.1.1: a comma never starts a line.
    "stop-and-pause-，": (
        "LINE_START_FORBIDDEN",
        "，",
        ("，", ""),
        "代表建设，群众家门口",
        "starts with '，'",
    ),
    # §5.1.3: the second half of a bracket never starts a line.
    "closing-）": ("LINE_START_FORBIDDEN", "）", ("）", ""), "代表联络站（试点）建设", "starts with '）'"),
    # §5.1.3: the first half never ends a line.
    "opening-（": ("LINE_END_FORBIDDEN", "（", ("", "（"), "代表联络站（试点）建设", "ends with '（'"),
    # §5.1.6 and house (cases print/07): a connector never starts a line.
    "connector-—": ("LINE_START_FORBIDDEN", "—", ("", ""), "规划期为2024—2026年", "starts with '—'"),
    "connector-～": ("LINE_START_FORBIDDEN", "～", ("", ""), "每年安排13～15次", "starts with '～'"),
    # §5.1.5, clreq §3.1.7: an ellipsis never starts a line.
    "ellipsis-…": ("LINE_START_FORBIDDEN", "…", ("…", ""), "等等…之类", "starts with '…'"),
    # §5.1.7: the middle dot never starts a line.
    "middle-dot-·": ("LINE_START_FORBIDDEN", "·", ("", ""), "约翰·史密斯先生", "starts with '·'"),
    # house: a postfix sign stays with its number.
    "postfix-％": ("LINE_START_FORBIDDEN", "％", ("％", ""), "占比35％左右", "number split from its sign"),
    "postfix-元": ("POSTFIX_AFTER_DIGIT", "元", ("", ""), "合计3500元整", "number split from its sign"),
    # house: a prefix sign stays with its number, also across a space.
    "prefix-￥": ("LINE_END_FORBIDDEN", "￥", ("", "￥"), "经费￥120万元", "ends with '￥'"),
    "prefix-$-space": ("LINE_END_FORBIDDEN", "$", ("", ""), "价格$ 200元", "ends with '$'"),
    # §5.1.4 and house: a dash, in any code point, is never split.
    "dash-﹏﹏": ("DASH_ELLIPSIS", "﹏", ("", ""), "代表﹏﹏群众", "dash or ellipsis split"),
}


@pytest.mark.parametrize("kind", MUTATIONS)
def test_the_checker_reports_a_mark_the_renderer_no_longer_keeps_off_the_edge(kind, mutate, tmp_path):
    table, marks, (before, after), text, expected = MUTATIONS[kind]
    mutate(table, marks)
    if before or after:
        mutate.unguard(before=before, after=after)
    problems, _ = problems_across_fills(text, tmp_path, kind)
    assert any(expected in problem for problem in problems), problems


def test_a_dash_pair_split_is_reported_when_neither_rule_holds_it(mutate, tmp_path):
    # "——" is held together twice: — never starts a line (§5.1.6) and a dash is never
    # split (§5.1.4). With both dropped (and UAX #14's B2 × B2 widened), it splits.
    mutate("DASH_ELLIPSIS", "—")
    mutate("LINE_START_FORBIDDEN", "—")
    mutate.unguard(before="—")
    problems, _ = problems_across_fills("联络站——群众", tmp_path, "dash-pair")
    assert any("dash or ellipsis split" in problem for problem in problems), problems


def test_an_address_split_between_letters_is_reported(mutate, tmp_path):
    # house (cases print/12): an address breaks only after / . @ - _ ? & =; here the
    # renderer may break after a vowel of one.
    # (A break is kept only between a character of the table and one that is not: the
    # vowels, not every letter, so that "ex|ample" breaks.)
    mutate.widen("URL_BREAK_AFTER", "aeiou")
    problems, _ = problems_across_fills(
        "网址为https://www.example.gov.cn/col/col1229512345/index.html，欢迎查阅。", tmp_path, "url"
    )
    assert any("word or number split" in problem for problem in problems), problems


SPACING_MUTATIONS = {
    # Six characters that cannot be parted (等 before ……, then ”。） that never start a
    # line): pulling them back onto a line takes about −0.11 em.
    "tighter": ((-0.3, 0.25), "代表们说等……”。）联络站"),
    # A number of 22 digits: the line before it would have to be spaced out far beyond
    # a quarter em (set ragged and reported today).
    "looser": ((-0.08, 1.0), "账号为1234567890123456789012的账户"),
}


@pytest.mark.parametrize("kind", SPACING_MUTATIONS)
def test_spacing_outside_the_bounds_is_reported(kind, mutate, monkeypatch, tmp_path):
    # house: −0.08 em … +0.25 em. render.py imported the bounds by name: patch them there.
    bounds, text = SPACING_MUTATIONS[kind]
    monkeypatch.setattr(printing.render, "SPACING_BOUNDS_EM", bounds)
    problems, _ = problems_across_fills(text, tmp_path, kind)
    assert any(problem.startswith("spacing") for problem in problems), problems


def test_the_seed_checker_reports_a_connector_at_a_line_start(mutate, tmp_path):
    # check_typography, the checker of the seed issues, holds the same table.
    mutate("LINE_START_FORBIDDEN", "—")
    _, rendered = problems_across_fills("规划期为2024—2026年", tmp_path, "seed-checker")
    report = check_typography(rendered)
    assert any("line starts with '—'" in problem for problem in report.problems), report.problems


@pytest.mark.parametrize("uax14", ["as-is", "unguarded"])
def test_without_a_mutation_the_same_texts_are_clean(uax14, mutate, tmp_path):
    # The control: the renderer's own tables keep every text above clean, also with
    # UAX #14 widened at every mark the mutations widen it at (the table alone holds).
    if uax14 == "unguarded":
        mutate.unguard(
            before="".join(before for _, _, (before, _), _, _ in MUTATIONS.values()) + "—",
            after="".join(after for _, _, (_, after), _, _ in MUTATIONS.values()),
        )
    texts = [text for _, _, _, text, _ in MUTATIONS.values()]
    texts += ["联络站——群众"] + [text for _, text in SPACING_MUTATIONS.values()]
    paragraphs = [fill(length) + text for text in texts for length in FILLS]
    document = case_document(paragraphs)
    rendered = render(document, tmp_path, "control")
    flagged = {finding.text for finding in check_document(document).of_kind("ragged")}
    expected = [paragraph_text(p) for p in rendered.document.sections[0].items[0].paragraphs]
    assert check_lines(rendered, expected, flagged) == []


def test_the_print_tests_import_no_rule_or_measure_of_the_renderer():
    # The mutations above cannot see a checker that imports the renderer's table (the
    # name is bound at import and follows every edit of the source): this keeps them
    # apart. Of the renderer's constants only font locations, the shared font
    # configuration and SIGN_MEANINGS (the glyph check's groups, held against the test's
    # own SIGNS, never used as the expectation) may be imported; functions and classes may.
    allowed = {"FANDOL_DIR", "FREE_FACES", "FONT_CONFIG", "SIGN_MEANINGS"}
    tests = Path(__file__).resolve().parents[1]
    for path in [tests / "printing_fixtures.py", *sorted((tests / "printing").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("printing"):
                constants = {alias.name for alias in node.names if alias.name.isupper()} - allowed
                assert not constants, f"{path.name} imports {sorted(constants)} from {node.module}"
