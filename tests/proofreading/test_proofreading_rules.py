"""校对 rules: each with texts it must flag (hits) and texts it must leave alone (near misses).

Pure functions: no database. A hit names the rule, the flagged characters and, where
the rule knows it, the suggested correction.
"""

import datetime as dt

import pytest

from accounts.reference_data import committee_rows, district_rows
from proofreading.checks import check_issue, check_piece
from proofreading.findings import Finding
from proofreading.rules import RULES
from proofreading.rules.enumeration import chinese_number, chinese_numeral
from proofreading.text import CheckContext, IssueNumbers, IssueText, PieceText, TermRule, UnitNames

UNITS = tuple(
    UnitNames(r["name"], r["short_name"], r["office_name"], r["kind"])
    for r in district_rows() + committee_rows()
)
TERMS = (
    TermRule("“十四五”", ("十四五",), ("‘十四五’",), "规划名称加引号"),
    TermRule("人大代表", ("人民代表",), ("人民代表大会",), "本刊语境"),
)
CONTEXT = CheckContext(units=UNITS, terms=TERMS)


def body(*paragraphs: str, **fields) -> list[Finding]:
    return check_piece(PieceText("p", fields.pop("title", ""), list(paragraphs), **fields), CONTEXT)


def flagged(rule: str, *paragraphs: str, **fields) -> list[tuple[str, str]]:
    return [(f.excerpt, f.suggestion) for f in body(*paragraphs, **fields) if f.rule == rule]


# (rule, text, [(excerpt, suggestion)]) — the text must give exactly these findings of the rule.
HITS = [
    ("repeated_word", "推动解决解决群众急难愁盼问题。", [("解决解决", "解决")]),
    ("repeated_word", "这是区人大的的重点工作。", [("的的", "的")]),
    ("repeated_word", "会议结束了了，代表们离场。", [("了了", "了")]),
    ("repeated_word", "常委会常委会组成人员参加。", [("常委会常委会", "常委会")]),
    ("repeated_word", "全面推进代表联络站代表联络站建设。", [("代表联络站代表联络站", "代表联络站")]),
    (
        "repeated_word",
        "大家研究研究这项工作。",
        [("研究研究", "")],
    ),  # not in a quote: spoken usage, no one-word fix
    ("enumeration", "一是抓谋划。二是抓落实。四是抓成效。", [("四是", "三是")]),
    ("enumeration", "一是抓谋划。二是抓落实。二是抓成效。", [("二是", "三是")]),
    ("enumeration", "一是抓谋划，强化统筹。", [("一是", "")]),
    ("enumeration", "二是抓落实。三是抓成效。", [("二是", "一是")]),
    ("enumeration", "第一，抓谋划。第三，抓成效。", [("第三", "第二")]),
    ("enumeration", "一是抓谋划。二是抓落实。第三，抓成效。", [("第三", "三是")]),
    # An unclosed mark is reported from the opener to where the next one opens (or the end).
    ("paired_marks", "开展“回头看督查，效果明显。", [("“回头看督查，效果明显。", "")]),
    ("paired_marks", "开展“回头看督查，落实“三个力”要求。", [("“回头看督查，落实", "")]),
    ("paired_marks", "审议了关于条例》的报告。", [("》", "")]),
    ("paired_marks", "学习〈关于《条例》的说明〉。", [("《", "〈")]),
    ("paired_marks", "他说：‘要落实“三个力”要求’。", [("“", "‘")]),
    ("paired_marks", "他说：“要落实“三个力”要求”。", [("“", "‘")]),
    ("paired_marks", "区人大（含街道工委】开展调研。", [("（含街道工委】开展调研。", ""), ("】", "")]),
    ("half_width_punct", "今年以来,区人大常委会开展调研。", [(",", "，")]),
    ("half_width_punct", "主要做法:一是抓落实。", [(":", "：")]),
    ("half_width_punct", "会议指出.要继续推进。", [(".", "。")]),
    ("half_width_punct", "区县(市)人大常委会参加。", [("(", "（"), (")", "）")]),
    # Text stored before the entry paired quotes: each straight quote with the one it should be.
    ("half_width_punct", '探索运用"四个+"监督工作法。', [('"', "“"), ('"', "”")]),
    # The quotes the entry could not pair: the place where the pairing failed, no guess.
    ("unpaired_quotes", '共"三个力"要求"落实。', [('"', "")]),
    ("unpaired_quotes", '他说 " 要落实。', [('"', "")]),
    ("unpaired_quotes", "深入开展'创新提质活动。", [("'", "")]),
    # A ‘’ pair would cross the “” pair: named at the quote that closes across it.
    ("unpaired_quotes", "落实\"有件必备'要求\"，'有备必审。", [('"', "")]),
    # A straight quotation that may hold one of the same kind: named where it would close
    # or open the inner one; full-width ＂ and 〝〞 are quotes the entry pairs too.
    ("unpaired_quotes", '代表们认为，"这是一次"走心"的视察"。', [('"', "")]),
    ("unpaired_quotes", "代表们认为，＂这是一次＂走心＂的视察＂。", [("＂", "")]),
    ("unpaired_quotes", "开展〝回头看专项监督。", [("〝", "")]),
    ("circle_for_zero", "沿一○八国道开展视察。", [("○", "〇")]),
    ("circle_for_zero", "二○二四—二○二六年行动计划。", [("○", "〇"), ("○", "〇")]),
    ("circle_for_zero", "二0二四—二O二六年行动计划。", [("0", "〇"), ("O", "〇")]),
    ("doubled_punct", "今年以来，，区人大开展调研。", [("，，", "，")]),
    ("doubled_punct", "效果明显。。下一步继续推进。", [("。。", "。")]),
    ("doubled_punct", "效果明显，。下一步继续推进。", [("，。", "。")]),
    ("numeral_list_comma", "对2021、2022年度项目开展督查。", [("、", "")]),
    ("numeral_list_comma", "主要要求：1、做好宣传。", [("、", ".")]),
    ("ellipsis", "听民声、汇民智。。。形成合力。", [("。。。", "……")]),
    ("ellipsis", "听民声、汇民智...形成合力。", [("...", "……")]),
    ("ellipsis", "听民声、汇民智…形成合力。", [("…", "……")]),
    ("single_quotes", "推行‘三个一’工作法。", [("‘三个一’", "“三个一”")]),
    ("dash", "一项重要工作—代表联络站建设。", [("—", "——")]),
    ("dash", "一项重要工作--代表联络站建设。", [("--", "——")]),
    ("space_in_text", "区人大常委会 开展专题调研。", [(" ", "")]),
    ("space_in_text", "区人大常委会\u3000开展专题调研。", [("\u3000", "")]),
    ("two_digit_year", "'24年全区共开展活动10场。", [("'24年", "2024年")]),
    ("two_digit_year", "24年3月，区人大召开会议。", [("24年", "2024年")]),
    ("mixed_numeral", "服务群众3万5千人次。", [("3万5千", "")]),
    ("mixed_numeral", "参与代表3千人。", [("3千", "")]),
    ("percent_range", "满意度提升10-20%。", [("10-20%", "10%～20%")]),
    ("percent_range", "满意度提升10%-20%。", [("10%-20%", "10%～20%")]),
    ("thousands_separator", "共收集意见12,500条。", [("12,500", "12500")]),
    ("date_format", "于2024.1.5召开座谈会。", [("2024.1.5", "2024年1月5日")]),
    ("date_format", "于2024/1/5召开座谈会。", [("2024/1/5", "2024年1月5日")]),
    ("term", "推进十四五规划实施。", [("十四五", "“十四五”")]),
    ("term", "组织人民代表开展视察。", [("人民代表", "人大代表")]),
    ("stale_field", "详见错误！未找到引用源。所列清单。", [("错误！未找到引用源。", "")]),
    ("stale_field", "按照错误!书签未定义。要求", [("错误!书签未定义。", "")]),
    (
        "stale_field",
        "see Error! Reference source not found. below",
        [("Error! Reference source not found.", "")],
    ),
    ("stale_field", "联系人：单击此处输入文字。", [("单击此处输入文字。", "")]),
    ("stale_field", "详见错误！超链接引用无效。", [("错误！超链接引用无效。", "")]),
]

# (rule, text): the rule must not flag anything in these.
NEAR_MISSES = [
    ("repeated_word", "我们常常深入基层，人人参与，一一落实。"),
    ("repeated_word", "天天学习，渐渐形成习惯，请大家看看。"),
    ("repeated_word", "实实在在、方方面面、点点滴滴、的的确确。"),
    ("repeated_word", "他说：“我们再研究研究。”"),
    ("repeated_word", "为了了解情况，禁止以营利为目的的活动。"),
    ("repeated_word", "区人大常委会主任任组长，常委会会议审议，没有有效措施。"),
    ("repeated_word", "人大代表代表人民行使权力，一步一步推进，一件一件落实。"),
    ("repeated_word", "问题最终不了了之，层层压实责任。"),
    ("repeated_word", "中国国际经济交流中心、住建局局长、工程院院士。"),
    ("enumeration", "一是抓谋划。二是抓落实。三是抓成效。"),
    ("enumeration", "统一是前提，唯一是方向，重要内容之一是监督。"),
    ("enumeration", "第一时间响应，全省第一，新春第一会。"),
    ("enumeration", "第一，抓谋划。第二，抓落实。"),
    ("enumeration", "一是抓谋划。二是抓落实。一是建机制。二是强保障。"),
    ("paired_marks", "落实“有件必备、有备必审”要求，审议《关于〈条例〉的说明》。"),
    ("single_quotes", "提出“探索‘政策他律+行业自律’监管模式”。"),
    ("paired_marks", "他说：“要推进‘十四五’规划。”区、县（市）人大【专题】。"),
    ("half_width_punct", "共1,000人，8:30开会，增长3.5%，访问www.hzrd.gov.cn网站。"),
    ("half_width_punct", "区人大常委会（简称“常委会”）开展调研。"),
    # Unpaired straight quotes are the unpaired_quotes rule's, not also this one's.
    ("half_width_punct", '共"三个力"要求"落实。'),
    ("unpaired_quotes", "落实“有件必备、有备必审”要求，他说：“要推进‘十四五’规划。”"),
    ("unpaired_quotes", "O'Neil说，屏幕为55\"，身高5'10\"，it's fine，students' books。"),
    ("unpaired_quotes", '区人大常委会开展"回头看"。'),
    ("unpaired_quotes", '深化"三服务""三联系"活动，"两个联系"制度和"一线工作法"深入推进。'),
    ("unpaired_quotes", "开展〝回头看〞，落实＂四个+＂工作法。"),
    ("unpaired_quotes", "开展“回头看督查，落实“三个力”要求。"),  # curly only: paired_marks says it
    ("circle_for_zero", "○ 完成代表联络站建设；○已完成；二〇二四年；2020年；O型；0.5米。"),
    ("doubled_punct", "真的吗？！太好了！！效果明显。"),
    ("numeral_list_comma", "一、二季度；第1、第2项；（1）、（2）。"),
    ("ellipsis", "听民声、汇民智……形成合力。"),
    ("dash", "2024—2026年，3～5次，一项重要工作——代表联络站建设。"),
    ("space_in_text", "Windows 10 系统，2024 年。"),
    ("two_digit_year", "近10年来，历经30年3个月，2024年3月。"),
    ("mixed_numeral", "3.5万人，5千米，1200千瓦，三千余人。"),
    ("percent_range", "满意度10%～20%，2023-2024年增长15%。"),
    ("thousands_separator", "2024年，共12500条，第3.1,2条。"),
    ("date_format", "2024年1月5日召开，版本1.2.3发布。"),
    ("term", "推进“十四五”规划，他说“要落实‘十四五’规划”，人民代表大会制度，人大代表。"),
    ("stale_field", "系统提示错误，未找到相关文件；引用来源已核实；请在此处输入意见。"),
]


@pytest.mark.parametrize(("rule", "text", "expected"), HITS)
def test_rule_hits(rule, text, expected):
    assert flagged(rule, text) == expected


@pytest.mark.parametrize(("rule", "text"), NEAR_MISSES)
def test_rule_near_misses(rule, text):
    assert flagged(rule, text) == []


def test_every_rule_has_hits_and_near_misses_or_its_own_test():
    piece_rules = {r.id for r in RULES.values() if r.scope != "issue"}
    # The word-level rules have their hits and near misses in tests/proofreading/test_words_*.py.
    own_tests = {
        "unit_name",
        "lexicon",
        "de_di_de",
        "traditional",
        "body_name",
        "date_zero",
        "full_width_alnum",
    }
    assert piece_rules - own_tests <= {rule for rule, *_ in HITS}
    assert piece_rules - own_tests <= {rule for rule, _ in NEAR_MISSES}


def test_a_possible_nesting_is_named_at_the_inner_quote():
    (finding,) = [
        f for f in body("第一段。", '代表们认为，"这是一次"走心"的视察"。') if f.rule == "unpaired_quotes"
    ]
    assert (finding.paragraph, finding.offset, finding.after[:2]) == (2, 11, "走心")
    assert "引文里面的引号" in finding.message and "单引号「‘’」" in finding.message


def test_finding_place_anchor_and_context():
    (finding,) = [f for f in body("第一段。", "推动解决解决问题。") if f.rule == "repeated_word"]
    assert (finding.part, finding.paragraph, finding.offset, finding.length) == ("body", 2, 2, 4)
    assert finding.anchor == "para-2"
    assert finding.place == "第2段第3字"
    assert (finding.before, finding.excerpt, finding.after) == ("推动", "解决解决", "问题。")


def test_dismissal_key_survives_an_edit_elsewhere():
    before = [f for f in body("推动解决解决问题。") if f.rule == "repeated_word"][0]
    after = [f for f in body("新加一段。", "推动解决解决问题。") if f.rule == "repeated_word"][0]
    assert before.key == after.key and before.paragraph != after.paragraph


def test_enumeration_levels_reset_lower_sequences():
    # Each （一） has its own 一是、二是; a heading sequence skips （二）.
    text = ["（一）加强监督", "一是抓谋划。二是抓落实。", "（三）强化保障", "一是建机制。二是强队伍。"]
    assert flagged("enumeration", *text) == [("（三）", "（二）")]
    # Paragraph-lead 一是 … 三是 across paragraphs is one sequence.
    assert flagged("enumeration", "一是抓谋划。", "二是抓落实。", "三是抓成效。") == []
    assert flagged("enumeration", "一、总体情况", "二、主要做法", "二、下一步打算") == [("二、", "三、")]
    assert flagged("enumeration", "1.抓谋划", "2.抓落实", "4.抓成效") == [("4.", "3.")]


def test_chinese_numerals_round_trip():
    for value in (1, 9, 10, 11, 19, 20, 23, 99):
        assert chinese_number(chinese_numeral(value)) == value
    assert chinese_number("十十") is None and chinese_number("") is None


def test_space_between_title_phrases_is_right():
    assert flagged("space_in_text", "正文。", title="服务“在一线” 护航经济“开门红”") == []


@pytest.mark.parametrize(
    ("org", "unit", "expected"),
    [
        ("西湖人大", "西湖区", [("西湖人大", "西湖区人大常委会")]),
        ("西湖区人大办公室", "西湖区", [("西湖区人大", "西湖区人大常委会")]),
        ("萧山区人大常委会办公室", "西湖区", [("萧山区人大常委会办公室", "")]),
        ("西湖区人大常委会办公室", "西湖区", []),
        ("西湖区人大常委会研究室", "西湖区", []),
        ("法工委", "法工委", []),
        ("市人大常委会办公厅", "办公厅", []),
    ],
)
def test_unit_name_in_bylines(org, unit, expected):
    mine = next(u for u in UNITS if u.short_name == unit)
    piece = PieceText("p", "标题", ["正文。"], byline_org=org, byline_authors="张三", unit=mine)
    assert [
        (f.excerpt, f.suggestion) for f in check_piece(piece, CONTEXT) if f.rule == "unit_name"
    ] == expected


def test_unit_name_in_titles_and_brief_openings():
    title = PieceText("p", "西湖：“三个力”做活代表工作", ["正文。"])
    assert [(f.part, f.suggestion) for f in check_piece(title, CONTEXT) if f.rule == "unit_name"] == [
        ("title", "西湖区")
    ]
    fine = PieceText("p", "西湖区：“三个力”做活代表工作", ["正文。"])
    assert [f for f in check_piece(fine, CONTEXT) if f.rule == "unit_name"] == []
    brief = PieceText("b", "", ["西湖人大开展专题调研。"], kind="brief")
    assert [(f.excerpt, f.suggestion) for f in check_piece(brief, CONTEXT) if f.rule == "unit_name"] == [
        ("西湖人大", "西湖区人大常委会")
    ]


# --- issue-level rules -------------------------------------------------------------------


def unit(short):
    return next(u for u in UNITS if u.short_name == short)


def issue(sections, *, toc=None, previous=None, numbers=None, **options):
    numbers = numbers or IssueNumbers(2024, 15, 703, dt.date(2024, 10, 25))
    if toc is None:
        toc = [
            (name, [p.title_line for p in pieces]) for name, kind, pieces in sections if kind == "articles"
        ]
    text = IssueText(numbers, sections, toc, previous)
    return check_issue(text, CheckContext(units=UNITS, **options))


def article(key, title, org="西湖区人大常委会办公室", short="西湖区"):
    return PieceText(key, title, ["正文。"], byline_org=org, byline_authors="张三", unit=unit(short))


def brief(key, text, short="西湖区"):
    return PieceText(
        key,
        "",
        [text],
        byline_org=unit(short).office_name,
        byline_authors="李四",
        kind="brief",
        unit=unit(short),
    )


def rules_of(findings, rule):
    return [(f.piece, f.message) for f in findings if f.rule == rule]


def test_toc_title_must_equal_the_printed_title():
    a = article("a", "市人大常委会首次开展民生实项目“回头看”督查")
    found = issue(
        [("要闻速递", "articles", [a])], toc=[("要闻速递", ["市人大常委会首次开展民生实事项目“回头看”督查"])]
    )
    assert [f.piece for f in found if f.rule == "toc_title"] == ["a"]
    # Spaces do not count; a matching 目录 gives nothing.
    spaced = article("b", "服务“在一线” 护航经济“开门红”")
    assert (
        rules_of(
            issue([("助力攻坚", "articles", [spaced])], toc=[("助力攻坚", ["服务“在一线”护航经济“开门红”"])]),
            "toc_title",
        )
        == []
    )


def test_every_item_has_a_byline():
    bare = PieceText("x", "标题", ["正文。"])
    found = issue([("要闻速递", "articles", [bare, article("y", "标题二")])])
    assert [f.piece for f in found if f.rule == "byline_missing"] == ["x"]


def test_brief_begins_with_its_units_name():
    good = brief("g", "西湖区人大常委会开展专题调研。")
    bad = brief("b", "区人大常委会开展专题调研。")
    committee = brief("c", "市人大常委会法工委召开座谈会。", short="法工委")
    found = issue([("信息摘登", "briefs", [good, bad, committee])])
    assert [f.piece for f in found if f.rule == "brief_unit"] == ["b"]


def test_same_unit_leading_two_sections_only_when_the_office_says_so():
    sections = [
        ("要闻速递", "articles", [article("a", "一")]),
        ("助力攻坚", "articles", [article("b", "二")]),
        ("代表工作", "articles", [article("c", "三", "萧山区人大常委会办公室", "萧山区")]),
    ]
    assert rules_of(issue(sections), "unit_leads_twice") == []
    assert [p for p, _ in rules_of(issue(sections, unit_not_leading_twice=True), "unit_leads_twice")] == ["b"]


def test_issue_numbers_follow_the_last_published_issue():
    sections = [("要闻速递", "articles", [article("a", "一")])]
    previous = IssueNumbers(2024, 14, 702, dt.date(2024, 10, 10))
    assert rules_of(issue(sections, previous=previous), "issue_sequence") == []
    wrong = IssueNumbers(2024, 16, 705, dt.date(2024, 10, 1))
    messages = [m for _, m in rules_of(issue(sections, previous=previous, numbers=wrong), "issue_sequence")]
    assert len(messages) == 3
    assert {"第15期", "总第703期", "早于"} == {
        w for w in ("第15期", "总第703期", "早于") for m in messages if w in m
    }
    # A new year starts again at 第1期.
    new_year = IssueNumbers(2025, 1, 703, dt.date(2025, 1, 10))
    assert rules_of(issue(sections, previous=previous, numbers=new_year), "issue_sequence") == []
    assert rules_of(
        issue(sections, numbers=IssueNumbers(2025, 1, 703, dt.date(2024, 12, 30))), "issue_sequence"
    )


def test_a_briefs_text_is_a_part_of_its_own():
    found = [f for f in body("正文。", brief="西湖区人大常委会推动解决解决问题 。") if f.part == "brief"]
    assert [(f.rule, f.anchor, f.place) for f in found] == [
        ("repeated_word", "para-brief", "摘登稿"),
        ("space_in_text", "para-brief", "摘登稿"),
    ]


def test_the_report_lists_rules_in_the_registrys_module_order():
    """Findings are reported in the order the rule modules register (proofreading/rules/__init__.py):
    repeats first, the issue-wide rules last."""
    modules = list(dict.fromkeys(rule.run.__module__.rsplit(".", 1)[1] for rule in RULES.values()))
    assert modules == [
        "repeated",
        "enumeration",
        "marks",
        "punctuation",
        "numbers",
        "names",
        "words",
        "traditional",
        "traces",
        "issue",
    ]
