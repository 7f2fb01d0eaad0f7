"""破折号 vs 连接号 and 半角标点 on clean real text (the seed issues) and near misses."""

import re

import pytest

from tests.proofreading.precision_helpers import CJK, NESTED_MARK, applied, hits, seed_paragraphs

pytestmark = pytest.mark.django_db


def test_the_seeds_are_quiet():
    for text in seed_paragraphs():
        assert hits("dash", text) == [], text
        assert hits("half_width_punct", text) == [], text


# Lists of short parallel items in the seeds, parted by 、: joined by a 连接号 they are a chain.
SHORT_LIST = re.compile(rf"(?<![{CJK}])[{CJK}]{{1,4}}(?:、[{CJK}]{{1,4}}){{1,}}(?![{CJK}])")


def test_a_one_character_dash_between_parallel_items_is_a_connector():
    lists = [(t, m) for t in seed_paragraphs() for m in SHORT_LIST.finditer(t)]
    assert len(lists) >= 5
    for text, match in lists:
        chained = text[: match.start()] + match.group(0).replace("、", "—") + text[match.end() :]
        assert hits("dash", chained) == [], chained


@pytest.mark.parametrize(
    "text",
    [
        "建立健全交办—督办—反馈闭环机制，推动问题解决。",
        "形成省—市—县三级人大联动监督格局。",
        "开通（杭州—上海）人大工作交流专线。",
    ],
)
def test_connectors_in_running_text(text):
    assert hits("dash", text) == []


def test_a_one_character_dash_between_clauses_is_still_a_dash():
    spots = [
        (t, m) for t in seed_paragraphs() for m in re.finditer(rf"(?<=[{CJK}]{{5}})，(?=[{CJK}]{{5}})", t)
    ]
    assert len(spots) >= 20
    for text, match in spots[:200]:
        planted = text[: match.start()] + "—" + text[match.end() :]
        found = hits("dash", planted)
        assert [(h.offset, h.suggestion) for h in found] == [(match.start(), "——")], planted
        assert found[0].message == "破折号写成了一字线「—」，应为「——」"


def test_every_half_width_comma_has_its_own_safe_fix():
    paragraphs = [t for t in seed_paragraphs() if t.count("，") >= 5]
    assert paragraphs
    for text in paragraphs:
        pasted = re.sub(rf"(?<=[{CJK}])，(?=[{CJK}])", ",", text)
        found = hits("half_width_punct", pasted)
        assert len(found) == pasted.count(",") - len(re.findall(r"\d,\d", pasted))
        assert all(h.suggestion == "，" and h.message == "中文里用了半角逗号「,」" for h in found)
        assert applied(pasted, found) == text


def test_half_width_brackets_are_fixed_in_pairs():
    paragraphs = [t for t in seed_paragraphs() if re.search(r"（[^（）]+）", t)]
    assert paragraphs
    for text in paragraphs:
        pasted = text.replace("（", "(").replace("）", ")")
        found = hits("half_width_punct", pasted)
        brackets = [h for h in found if h.suggestion in "（）"]
        # Every bracket flagged has its partner flagged too: applying them leaves no half pair.
        assert sum(1 for h in brackets if h.suggestion == "（") == sum(
            1 for h in brackets if h.suggestion == "）"
        )
        fixed = applied(pasted, brackets)
        assert fixed.count("（") == fixed.count("）")
    mixed = "国内生产总值(GDP)增长5.2%。"
    found = hits("half_width_punct", mixed)
    assert applied(mixed, found) == "国内生产总值（GDP）增长5.2%。"


def test_punctuation_messages_name_the_marks():
    samples = ["会议强调—要加强监督。", "会议,强调。", "工作。。", "落实(含街道)工作……。", "一项工作--建设。"]
    for text in samples:
        for rule in ("dash", "half_width_punct", "doubled_punct"):
            for h in hits(rule, text):
                assert not NESTED_MARK.search(h.message) and "「" in h.message, h.message
