"""成对标号 and 单引号 on clean real text (the seed issues) and near misses made from it."""

import re

import pytest

from tests.proofreading.precision_helpers import NESTED_MARK, applied, hits, seed_paragraphs

pytestmark = pytest.mark.django_db


def test_the_seeds_are_quiet():
    for text in seed_paragraphs():
        assert hits("paired_marks", text) == [], text
        assert hits("single_quotes", text) == [], text


def _with_quotes(least: int) -> list[str]:
    return [
        t
        for t in seed_paragraphs()
        if len(re.findall(r"“[^“”]*”", t)) >= least and t.count("“") == t.count("”")
    ]


def test_after_an_unclosed_quote_only_that_quote_is_reported():
    paragraphs = _with_quotes(2)
    assert len(paragraphs) >= 10
    for text in paragraphs:
        first_close = text.index("”")
        opener = text.rindex("“", 0, first_close)
        broken = text[:first_close] + text[first_close + 1 :]
        found = hits("paired_marks", broken)
        # One finding, on the quote left open, running to the next opening quote.
        assert len(found) == 1, (broken, found)
        (hit,) = found
        assert hit.offset == opener and hit.suggestion == ""
        assert broken[hit.offset + hit.length : hit.offset + hit.length + 1] == "“"
        assert hit.message == "前引号「“」没有对应的后引号「”」"


def test_a_quote_nested_in_its_own_kind_is_still_reported():
    # A quotation inside a quotation with double quotes: the inner pair must become ‘’.
    samples = [(t, re.search(r"“([^“”]{2,12})”", t)) for t in _with_quotes(1)]
    samples = [(t, m) for t, m in samples if m][:20]
    assert len(samples) >= 10
    for text, match in samples:
        nested = text[: match.start()] + "“外层" + match.group(0) + "的话”" + text[match.end() :]
        found = hits("paired_marks", nested)
        assert [(h.suggestion, h.message) for h in found] == [
            ("‘", "前引号「“」之内再用前引号「“」，应改用单引号「‘’」")
        ], nested


def test_top_level_single_quotes_are_flagged_with_double_quotes_as_the_fix():
    changed = 0
    for text in _with_quotes(1):
        spans = []
        for match in re.finditer(r"“([^“”‘’]{1,20})”", text):
            if text[: match.start()].count("“") == text[: match.start()].count("”"):
                spans.append(match)
        for match in spans[:1]:
            planted = text[: match.start()] + "‘" + match.group(1) + "’" + text[match.end() :]
            found = hits("single_quotes", planted)
            assert [(h.offset, h.length) for h in found] == [(match.start(), match.end() - match.start())]
            assert applied(planted, found) == text
            changed += 1
    assert changed >= 10


@pytest.mark.parametrize(
    "text",
    [
        "区人大常委会邀请外籍人士参加座谈，他说Hangzhou’s ‘people’s congress’ is open。",
        "代表们走进Xi’an’s老街调研。",
        "提出“探索‘政策他律+行业自律’监管模式”等建议。",
        "围绕“高水平建设‘环大学创新生态圈’”开展视察。",
    ],
)
def test_apostrophes_and_quotes_inside_quotes_are_not_flagged(text):
    assert hits("single_quotes", text) == []
    assert hits("paired_marks", text) == []


def test_messages_name_marks_without_nesting_them_in_quotes():
    samples = []
    for text in _with_quotes(2)[:20]:
        close = text.index("”")
        samples += [text[:close] + text[close + 1 :], text.replace("“", "", 1), "‘" + text]
    messages = {
        h.message for text in samples for rule in ("paired_marks", "single_quotes") for h in hits(rule, text)
    }
    assert messages
    for message in messages:
        assert not NESTED_MARK.search(message), message
        assert "「" in message
