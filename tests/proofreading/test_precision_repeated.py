"""词语重复 and idioms with a doubled character, on the seed issues and near misses."""

import re

import pytest

from tests.proofreading.precision_helpers import CJK, hits, seed_paragraphs

pytestmark = pytest.mark.django_db

# The test's own idioms (not the rule's list): doubled characters that are right.
IDIOMS = [
    "了了分明",
    "是是非非",
    "比比皆是",
    "源源不断",
    "多多益善",
    "井井有条",
    "津津有味",
    "步步为营",
    "欣欣向荣",
    "生机勃勃",
    "不了了之",
    "的的确确",
    "兢兢业业",
    "实实在在",
    "了了无几",
]


def test_the_seeds_are_quiet():
    for text in seed_paragraphs():
        assert hits("repeated_word", text) == [], text


def _sentence_ends():
    return [(t, m.start()) for t in seed_paragraphs() for m in re.finditer(rf"(?<=[{CJK}])。", t)]


@pytest.mark.parametrize("idiom", IDIOMS)
def test_an_idiom_in_real_text_is_not_a_repeat(idiom):
    spots = _sentence_ends()
    assert len(spots) >= 30
    for text, at in spots[:: max(1, len(spots) // 30)]:
        planted = text[:at] + "，" + idiom + text[at:]
        assert hits("repeated_word", planted) == [], planted


@pytest.mark.parametrize("slip", ["了了", "的的", "也也", "和和", "把把"])
def test_a_doubled_function_word_beside_an_idiom_is_still_a_repeat(slip):
    found = hits("repeated_word", f"代表们工作井井有条，完成{slip}调研。")
    assert [(h.length, h.suggestion) for h in found] == [(2, slip[0])]
    assert found[0].message == f"“{slip[0]}”重复"


def test_a_doubled_function_word_planted_in_real_text_is_found():
    spots = [
        (t, m.start())
        for t in seed_paragraphs()
        for m in re.finditer(rf"(?<=[{CJK}{{2}}])的(?=[{CJK}]{{2}})", t)
    ]
    assert len(spots) >= 20
    found_all = 0
    for text, at in spots[:100]:
        planted = text[:at] + "的" + text[at:]
        found = hits("repeated_word", planted)
        found_all += any(h.offset == at and h.suggestion == "的" for h in found)
    # 的 doubled where the second starts a word (的确) is a boundary, not a slip: nearly all others.
    assert found_all >= 95
