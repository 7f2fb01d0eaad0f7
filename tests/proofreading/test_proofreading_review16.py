"""Review 16: near misses and planted errors written for the review, not taken from the
seeds (tests/fixtures/proofreading_review16.json), and the kinds of false finding the
review found — each a kind, with more than one example.

The labelled set prints its figures: recall on the planted errors, and false findings per
1,000 characters of the clean texts."""

import json

import pytest

from proofreading import similarity
from proofreading.checks import check_piece
from proofreading.text import PieceText
from tests.paths import FIXTURES
from tests.proofreading.test_proofreading_rules import flagged
from tests.proofreading_labelled import CONTEXT as SEEDED_TERMS

SET = FIXTURES / "proofreading_review16.json"


# --- the kinds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "实事求是是党的思想路线。",  # 求是 + 是
        "关键是是否落实到位。",  # 是 + 是否
        "问题的实质是是非不分。",  # 是 + 是非
        "他从从事人大工作以来，兢兢业业。",  # 从 + 从事
        "维护社会稳定和和谐。",  # 和 + 和谐
        "一把把椅子摆放整齐。",  # 一 + measure word doubled
    ],
)
def test_a_function_character_doubled_where_two_words_meet_is_right(text):
    assert flagged("repeated_word", text) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [("这是我们的的工作重点。", "的的"), ("各项工作已经完成了了。", "了了"), ("要把把工作做实。", "把把")],
)
def test_a_function_character_doubled_is_still_found(text, excerpt):
    assert [e for e, _ in flagged("repeated_word", text)] == [excerpt]


def test_a_quotation_over_several_paragraphs_opens_each_and_closes_the_last():
    # GB/T 15834—2011 4.1.3.4: 引文跨段落时，每段开头仅用前引号，只在最后一段末尾用后引号.
    paragraphs = ("他说：“第一段话。", "“第二段话，‘十四五’开局。", "“第三段话。”")
    assert flagged("paired_marks", *paragraphs) == []
    # The last paragraph still has to close it, and a paragraph not continued is wrong.
    assert len(flagged("paired_marks", "他说：“第一段话。", "“第二段话。")) == 1
    assert len(flagged("paired_marks", "他说：“第一段话。", "第二段话。")) == 1


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("thousands_separator", "合计\t1,000\t2,500"),
        ("thousands_separator", "项目    金额    12,000    备注"),
        ("space_in_text", "项目    金额    备注"),
        ("space_in_text", "序号\t单位\t件数"),
    ],
)
def test_a_table_row_is_not_running_text(rule, text):
    assert flagged(rule, text) == []


def test_running_text_with_a_separator_or_a_space_is_still_found():
    assert flagged("thousands_separator", "全区共有代表12,500人。") == [("12,500", "12500")]
    assert len(flagged("space_in_text", "全区 共有代表。")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "系统升级至2024.1.2版，运行平稳。",
        "V2024.1.2于今日发布。",
        "版本号2024.1.2已上线。",
        "版本2024.10.3发布。",
    ],
)
def test_a_version_number_is_not_a_date(text):
    assert flagged("date_format", text) == []


def test_a_date_with_dots_is_still_found():
    assert flagged("date_format", "会议于2024.3.15召开，版面有限。") == [("2024.3.15", "2024年3月15日")]


def test_a_term_inside_the_title_of_a_work_is_cited_as_it_is():
    assert flagged("term", "《人民代表报》记者采访了代表。") == []
    assert flagged("term", "《十四五规划纲要》提出，要落实十四五规划。") == [("十四五", "“十四五”")]


def test_shared_passages_are_not_joined_over_a_changed_figure():
    text = "全区新建代表联络站12个，实现镇街全覆盖，代表进站履职常态化。"
    other = text.replace("12个", "15个")
    spans = similarity.shared_spans(text, other)
    covered = "".join(text[s.start : s.end] for s in spans)
    assert "12" not in covered and "全区新建代表联络站" in covered and "实现镇街全覆盖" in covered
    # A mark or two between passages still joins them.
    assert len(similarity.shared_spans(text, text.replace("，", "。"))) == 1


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("一是抓学习。二是落实“一是抓落实”的要求。三是抓督办。",),
        ("一是抓学习。", "二是学习《关于“第一，要讲政治”的说明》。", "三是抓督办。"),
        ("他强调“第一，要讲政治”。",),
        ("会议要求做到‘一是一，二是二’，不搞变通。",),
    ],
)
def test_leads_inside_quotation_marks_or_a_title_are_not_the_pieces_numbering(paragraphs):
    assert flagged("enumeration", *paragraphs) == []


def test_the_pieces_own_leads_around_a_quotation_are_still_checked():
    assert flagged("enumeration", "一是抓学习。二是落实“一是抓落实”的要求。四是抓督办。") == [
        ("四是", "三是")
    ]


# --- the labelled set -------------------------------------------------------------------


def _findings(paragraphs):
    # The unit list and the terms list as the migration seeds it.
    return check_piece(PieceText("r16", "", list(paragraphs)), SEEDED_TERMS)


def test_review16_labelled_set(capsys):
    data = json.loads(SET.read_text(encoding="utf-8"))
    chars = sum(len(p) for piece in data["clean"] for p in piece)
    false = [(piece, f.rule, f.excerpt) for piece in data["clean"] for f in _findings(piece)]
    missed = []
    for plant in data["planted"]:
        rules = {f.rule for f in _findings(plant["paragraphs"])}
        if plant["rule"] not in rules:
            missed.append(plant)
    recall = 1 - len(missed) / len(data["planted"])
    per_1000 = 1000 * len(false) / chars
    with capsys.disabled():
        print(
            f"\n校对 review-16 set: recall {recall:.3f} ({len(data['planted']) - len(missed)}/{len(data['planted'])}),"
            f" {len(false)} false findings on {chars} clean characters ({per_1000:.2f} per 1,000)"
        )
        for item in false:
            print("  false:", item)
        for item in missed:
            print("  missed:", item)
    assert recall >= 0.9, missed
    assert per_1000 <= 1.0, false
