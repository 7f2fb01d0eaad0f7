"""The labelled test set of 校对: the seed issues' text with errors planted in it.

The seeds are parsed as the back-issue import parses them and normalised as they print
(``IssueDocument.normalized()``), with the 目录 as the issue printed it. Planted errors
are recorded in ``tests/fixtures/proofreading_plants.json`` — each with its seed, item
(1-based in print order), part, paragraph, offset, the original characters, the planted
ones, its kind and the rule(s) that must report it. They were made by the planters
below, one per kind, which pick *random* places (``random.Random(16)``; kinds added later
from their own generator, ``LATER_KINDS``) that fit the
kind — any 2–4 characters to double, any comma between Chinese characters to make
half-width, any numbered lead to skip — so no rule is tuned to a seed sentence.

Regenerate the record (after a change to the seeds) with::

    DJANGO_SETTINGS_MODULE=config.settings DJANGO_DEBUG=1 \
        .venv/bin/python -m tests.proofreading_labelled > tests/fixtures/proofreading_plants.json
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

import opencc

from accounts.reference_data import committee_rows, district_rows
from backissues.parsing import parse_issue_file
from backissues.parsing.lines import read_lines
from backissues.parsing.parser import _find_toc_heading
from backissues.parsing.report import ProblemLog
from printing.typography import normalize_text
from proofreading.checks import check_issue
from proofreading.documents import issue_text_from_document
from proofreading.findings import Finding
from proofreading.rules.enumeration import markers
from proofreading.text import CheckContext, IssueNumbers, IssueText, TermRule, UnitNames
from tests.paths import FIXTURES, seed_path

SEEDS = ("2024-01", "2024-06", "2024-15")
RECORD = FIXTURES / "proofreading_plants.json"
UNITS = tuple(
    UnitNames(r["name"], r["short_name"], r["office_name"], r["kind"])
    for r in district_rows() + committee_rows()
)
# The terms list as the migration seeds it.
TERMS = (
    TermRule("“十四五”", ("十四五",), ("‘十四五’",)),
    TermRule("“十五五”", ("十五五",), ("‘十五五’",)),
    TermRule("人大代表", ("人民代表",), ("人民代表大会",)),
    TermRule("全过程人民民主", ("全过程民主",)),
)
CONTEXT = CheckContext(units=UNITS, terms=TERMS)
CJK = "\u4e00-\u9fff"


def seed_issue(name: str) -> IssueText:
    """A seed issue as it prints, with its printed 目录 and a previous issue that it follows."""
    path = seed_path(name)
    result = parse_issue_file(path)
    document = result.document.normalized()
    text = path.read_text(encoding="utf-8")
    log = ProblemLog()
    lines = read_lines(text, log)
    from backissues.parsing.toc import read_toc

    toc_sections, _ = read_toc(lines, _find_toc_heading(lines) + 1, log)
    toc = [
        (s.name, [normalize_text(t.text, keep_spaces_between_cjk=True) for t in s.titles])
        for s in toc_sections
        if s.kind == "articles"
    ]
    n = document
    previous = IssueNumbers(n.year, n.number - 1, n.total_number - 1, n.date - dt.timedelta(days=14))
    return issue_text_from_document(document, CONTEXT, toc=toc, previous=previous)


def seed_characters(name: str) -> int:
    """How many characters the checks read in a seed issue: titles, body paragraphs, bylines."""
    issue = seed_issue(name)
    return sum(
        len(piece.title_line)
        + sum(map(len, piece.paragraphs))
        + len(piece.byline_org)
        + len(piece.byline_authors)
        for piece in issue.pieces
    )


# --- planters: (issue, rng) -> plant dict or None ---------------------------------------


def _body_spots(issue: IssueText, pattern: str, rng: random.Random, *, kind: str = "article"):
    """A random (item, paragraph, match) where ``pattern`` matches a body paragraph."""
    spots = []
    for number, piece in enumerate(issue.pieces, start=1):
        if piece.kind != kind and kind != "any":
            continue
        for index, text in enumerate(piece.paragraphs, start=1):
            for match in re.finditer(pattern, text):
                spots.append((number, index, match))
    return rng.choice(spots) if spots else None


def _body_plant(issue, rng, pattern, make, kind="article"):
    spot = _body_spots(issue, pattern, rng, kind=kind)
    if spot is None:
        return None
    number, index, match = spot
    original = match.group(0)
    planted = make(match, rng)
    if planted is None or planted == original:
        return None
    return {
        "item": number,
        "part": "body",
        "paragraph": index,
        "offset": match.start(),
        "original": original,
        "planted": planted,
    }


def plant_repeated_word(issue, rng):
    size = rng.choice([2, 3, 4])
    return _body_plant(issue, rng, rf"(?<=[{CJK}])[{CJK}]{{{size}}}(?=[{CJK}])", lambda m, r: m.group(0) * 2)


def plant_doubled_function_word(issue, rng):
    return _body_plant(issue, rng, rf"(?<=[{CJK}])[的了是和](?=[{CJK}])", lambda m, r: m.group(0) * 2)


def plant_enumeration_skip(issue, rng):
    leads = [
        (number, m)
        for number, piece in enumerate(issue.pieces, start=1)
        for m in markers(piece.paragraphs)
        if m.style.id == "lead" and m.value >= 2
    ]
    if not leads:
        return None
    number, marker = rng.choice(leads)
    text = issue.pieces[number - 1].paragraphs[marker.paragraph - 1]
    original = text[marker.offset : marker.offset + marker.length]
    planted = marker.style.form(marker.value + rng.choice([1, -1]))
    return {
        "item": number,
        "part": "body",
        "paragraph": marker.paragraph,
        "offset": marker.offset,
        "original": original,
        "planted": planted,
    }


def plant_lone_lead(issue, rng):
    # "一是" at the start of a paragraph before the first or after the last numbered lead
    # of an article: a sequence of its own that never reaches 二是.
    spots = []
    for number, piece in enumerate(issue.pieces, start=1):
        if piece.kind != "article":
            continue
        found = markers(piece.paragraphs)
        first = min((m.paragraph for m in found), default=len(piece.paragraphs) + 1)
        last = max((m.paragraph for m in found), default=0)
        spots += [
            (number, index) for index in range(1, len(piece.paragraphs) + 1) if index < first or index > last
        ]
    if not spots:
        return None
    number, index = rng.choice(spots)
    first = issue.pieces[number - 1].paragraphs[index - 1][:1]
    return {
        "item": number,
        "part": "body",
        "paragraph": index,
        "offset": 0,
        "original": first,
        "planted": "一是" + first,
    }


def plant_unbalanced_mark(issue, rng):
    return _body_plant(issue, rng, r"[”》）]", lambda m, r: "")


def plant_wrong_nesting(issue, rng):
    return _body_plant(issue, rng, r"“[^“”‘’]{2,12}”", lambda m, r: "‘" + m.group(0) + "’")


def plant_half_width(issue, rng):
    return _body_plant(
        issue,
        rng,
        rf"(?<=[{CJK}])[，：；](?=[{CJK}])",
        lambda m, r: {"，": ",", "：": ":", "；": ";"}[m.group(0)],
    )


def plant_odd_straight_quote(issue, rng):
    # A quotation typed with straight quotes and its closing quote forgotten: the entry
    # cannot pair it and keeps it as written.
    return _body_plant(issue, rng, r"“[^“”‘’\"]{2,12}”", lambda m, r: '"' + m.group(0)[1:-1])


def plant_circle_zero(issue, rng):
    # A year written in Chinese numerals with ○ for the zero (text stored before the entry
    # wrote 〇 there).
    digits = "〇一二三四五六七八九"
    return _body_plant(
        issue,
        rng,
        r"(?<![0-9])20[0-9]{2}(?=年)",
        lambda m, r: "".join("○" if c == "0" else digits[int(c)] for c in m.group(0)),
    )


def plant_doubled_punct(issue, rng):
    return _body_plant(
        issue, rng, rf"(?<=[{CJK}])[，。](?=[{CJK}])", lambda m, r: r.choice(["，，", "。。", "，。"])
    )


def plant_numeral_comma(issue, rng):
    return _body_plant(
        issue, rng, r"(?<![\d.])(20\d\d)年", lambda m, r: f"{m.group(1)}、{int(m.group(1)) + 1}年"
    )


def plant_ellipsis(issue, rng):
    return _body_plant(
        issue, rng, rf"(?<=[{CJK}])，(?=[{CJK}])", lambda m, r: r.choice(["。。。", "...", "…"])
    )


def plant_dash(issue, rng):
    return _body_plant(issue, rng, rf"(?<=[{CJK}])，(?=[{CJK}])", lambda m, r: r.choice(["—", "--"]))


def plant_space(issue, rng):
    return _body_plant(
        issue, rng, rf"(?<=[{CJK}])[{CJK}](?=[{CJK}])", lambda m, r: m.group(0) + r.choice([" ", "\u3000"])
    )


def plant_two_digit_year(issue, rng):
    return _body_plant(issue, rng, r"(?<![\d.])20(\d\d)年", lambda m, r: f"'{m.group(1)}年")


def plant_mixed_numeral(issue, rng):
    def mixed(m, r):
        n = int(m.group(0))
        if n >= 1000:
            return f"{n // 1000}千{n % 1000}"
        return f"{n // 100}百{n % 100}" if n >= 100 else f"{n}万{r.randint(1, 9)}千"

    return _body_plant(issue, rng, r"(?<![\d.年%])(?<!20)\d{2,4}(?=[个件条家人名项场次余])", mixed)


def plant_percent_range(issue, rng):
    return _body_plant(
        issue,
        rng,
        rf"(?<=[{CJK}])，(?=[{CJK}])",
        lambda m, r: f"，提升{r.randint(5, 15)}-{r.randint(20, 40)}%，",
    )


def plant_thousands(issue, rng):
    return _body_plant(
        issue,
        rng,
        r"(?<![\d.])[1-9]\d{0,2}(?=[个件条家人名项场次])",
        lambda m, r: f"{m.group(0)},{r.randint(100, 999)}",
    )


def plant_date(issue, rng):
    def dotted(m, r):
        sep = r.choice("./")
        month = m.group(2) or str(r.randint(1, 12))
        return f"{m.group(1)}{sep}{month}{sep}{r.randint(1, 28)}"

    return _body_plant(issue, rng, r"(?<![\d.])(20\d\d)年(?:(\d{1,2})月)?(?![\d月])", dotted)


def plant_term(issue, rng):
    return _body_plant(issue, rng, r"人大代表", lambda m, r: "人民代表")


def plant_unit_byline(issue, rng):
    pieces = [
        (n, p)
        for n, p in enumerate(issue.pieces, start=1)
        if p.unit and p.unit.kind == "district" and p.byline_org
    ]
    if not pieces:
        return None
    number, piece = rng.choice(pieces)
    planted = rng.choice([piece.unit.stem + "人大", piece.unit.short_name + "人大办公室"])
    return {
        "item": number,
        "part": "byline_org",
        "paragraph": 0,
        "offset": 0,
        "original": piece.byline_org,
        "planted": planted,
    }


def plant_brief_opening(issue, rng):
    pieces = [(n, p) for n, p in enumerate(issue.pieces, start=1) if p.kind == "brief" and p.unit]
    for number, piece in rng.sample(pieces, len(pieces)):
        text = piece.paragraphs[0]
        if text.startswith(piece.unit.name):
            planted = rng.choice(["区人大常委会", piece.unit.stem + "人大"])
            return {
                "item": number,
                "part": "body",
                "paragraph": 1,
                "offset": 0,
                "original": piece.unit.name,
                "planted": planted,
            }
    return None


def plant_title_differs(issue, rng):
    pieces = [(n, p) for n, p in enumerate(issue.pieces, start=1) if p.kind == "article" and len(p.title) > 6]
    number, piece = rng.choice(pieces)
    at = rng.randrange(3, len(piece.title) - 1)
    if not re.match(rf"[{CJK}]", piece.title[at]):
        return None
    return {
        "item": number,
        "part": "title",
        "paragraph": 0,
        "offset": at,
        "original": piece.title[at],
        "planted": "",
    }


def plant_no_byline(issue, rng):
    number, piece = rng.choice(list(enumerate(issue.pieces, start=1)))
    original = f"{piece.byline_org}|{piece.byline_authors}"
    return {
        "item": number,
        "part": "byline",
        "paragraph": 0,
        "offset": 0,
        "original": original,
        "planted": "|",
    }


def plant_issue_number(issue, rng):
    field = rng.choice(["number", "total_number"])
    value = getattr(issue.numbers, field)
    return {
        "item": 0,
        "part": field,
        "paragraph": 0,
        "offset": 0,
        "original": str(value),
        "planted": str(value + rng.choice([1, 2])),
    }


# --- word-level kinds: the errors editors catch most (own tables, not the rules' lexicon) ----

# Right words of official writing and the wrong forms offices send (教育部《第一批异形词整理表》,
# 《现代汉语词典》第7版, 公文 usage); a planter swaps one found in the seed text.
CONFUSABLE_WORDS = {
    "部署": "布署",
    "安排": "按排",
    "计划": "计画",
    "参与": "参预",
    "做好": "作好",
    "其他": "其它",
    "台账": "台帐",
    "登录": "登陆",
    "即使": "既使",
    "彻底": "澈底",
    "连接": "联接",
    "关联": "关连",
    "精彩": "精采",
    "部分": "部份",
    "成分": "成份",
    "身份": "身分",
    "交代": "交待",
    "弘扬": "宏扬",
    "凝练": "凝炼",
    "坐落": "座落",
    "辐射": "幅射",
    "震撼": "震憾",
    "履职": "屡职",
    "履行": "屡行",
    "蓬勃": "篷勃",
    "竣工": "峻工",
    "迄今": "讫今",
    "一如既往": "一如继往",
    "再接再厉": "再接再励",
    "因地制宜": "因地治宜",
    "与时俱进": "与时具进",
    "集思广益": "集思广议",
    "排忧解难": "排扰解难",
    "急难愁盼": "急难愁判",
    "踔厉奋发": "踔励奋发",
    "驰而不息": "弛而不息",
    "赓续": "庚续",
    "恪尽职守": "格尽职守",
    "建言献策": "建言建策",
    "反映问题": "反应问题",
    "作出决定": "做出决定",
    "作出部署": "做出部署",
}
# Short clauses with an error the seeds do not contain, inserted at a random comma; {y} is a
# random year, {n} a random number.
ERROR_CLAUSES = [
    "按排专人跟踪督办",
    "对全年工作作出布署",
    "建立问题清单台帐",
    "其它事项另行研究",
    "代表可登陆履职平台提交建议",
    "截止{y}年底共有代表{n}名",
    "截止目前已办结{n}件",
    "即要敢于监督又要善于监督",
    "既使任务繁重也不松懈",
    "主任会议做出决定",
    "切实作好换届各项准备",
    "收到交办单后立既办理",
    "监督工作一如继往",
    "部份代表提出意见",
    "代表及时反应社情民意",
    "各方积极建言建策",
    "资金实行专帐核算",
    "共商国事",
    "群众反应问题{n}个",
    "按步就班推进",
]


def _insert_clause(issue, rng, make):
    return _body_plant(
        issue, rng, rf"(?<=[{CJK}])，(?=[{CJK}])", lambda m, r: "，" + make(r) + "，", kind="any"
    )


def plant_lexicon_swap(issue, rng):
    right = rng.choice(sorted(CONFUSABLE_WORDS))
    return _body_plant(issue, rng, re.escape(right), lambda m, r: CONFUSABLE_WORDS[right], kind="any")


def plant_lexicon_clause(issue, rng):
    def clause(r):
        return r.choice(ERROR_CLAUSES).format(y=r.randint(2019, 2025), n=r.randint(2, 300))

    return _insert_clause(issue, rng, clause)


DI_ADVERBIALS = ["认真", "积极", "扎实", "深入", "切实", "主动", "大力", "持续", "全面", "有序"]
DI_VERBS = ["开展", "推进", "落实", "推动", "参与", "解决", "听取", "回应"]
DI_OBJECTS = ["调研", "各项工作", "代表活动", "整改工作", "群众诉求", "意见建议", "民生实事"]


def plant_di(issue, rng):
    # An adverbial 地 written 的: swapped where the seed has one, else in a clause of its own.
    if rng.random() < 0.3:
        pattern = "(?:" + "|".join(DI_ADVERBIALS + ["有计划"]) + ")地(?=[" + CJK + "])"
        plant = _body_plant(issue, rng, pattern, lambda m, r: m.group(0)[:-1] + "的", kind="any")
        if plant:
            return plant

    def clause(r):
        return f"{r.choice(DI_ADVERBIALS)}的{r.choice(DI_VERBS)}{r.choice(DI_OBJECTS)}"

    return _insert_clause(issue, rng, clause)


def plant_de(issue, rng):
    # A complement's 得 written 的: 开展的很好.
    def clause(r):
        subject = r.choice(["各项工作", "整改工作", "代表活动", "监督工作", "这项工作"])
        verb = r.choice(["开展", "推进", "落实", "完成", "组织", "实施"])
        degree = r.choice(["很", "十分", "非常", "比较"])
        complement = r.choice(["好", "扎实", "顺利", "出色", "到位", "有效"])
        return f"{subject}{verb}的{degree}{complement}"

    return _insert_clause(issue, rng, clause)


_TRADITIONAL = opencc.OpenCC("s2t")


def plant_traditional(issue, rng):
    # A word of the seed in traditional characters (a piece typed on a 繁体 system).
    size = rng.choice([2, 3, 4, 6])

    def converted(m, r):
        text = _TRADITIONAL.convert(m.group(0))
        return text if text != m.group(0) else None

    return _body_plant(issue, rng, rf"(?<=[{CJK}])[{CJK}]{{{size}}}(?=[{CJK}])", converted, kind="any")


def plant_standing_committee(issue, rng):
    # 人大常委 for 人大常委会 before a part of the body, swapped or in a clause.
    parts = "主任|副主任|办公室|办公厅|党组|机关|组成人员|委员"
    if rng.random() < 0.5:
        plant = _body_plant(issue, rng, f"人大常委会(?={parts})", lambda m, r: "人大常委", kind="any")
        if plant:
            return plant

    def clause(r):
        body = r.choice(["市", "区", "县"])
        part = r.choice(parts.split("|"))
        return f"{body}人大常委{part}{r.choice(['参加', '出席会议', '带队视察'])}"

    return _insert_clause(issue, rng, clause)


def plant_unit_short(issue, rng):
    # A district written 建德人大 in running text: a unit name of the seed cut short, or a
    # clause naming a random district.
    districts = [u for u in UNITS if u.kind == "district" and u.stem != u.short_name]
    if rng.random() < 0.5:
        unit = rng.choice(districts)
        plant = _body_plant(
            issue,
            rng,
            r"(?<=[，。；、])" + re.escape(unit.name),
            lambda m, r: unit.stem + "人大",
            kind="any",
        )
        if plant:
            return plant

    def clause(r):
        unit = r.choice(districts)
        return f"{unit.stem}人大{r.choice(['组织代表开展视察', '召开主任会议', '启动专题调研'])}"

    return _insert_clause(issue, rng, clause)


def plant_year_month(issue, rng):
    # 2025年4月 written 2025.4: in the seed, or as a clause with a date.
    if rng.random() < 0.5:
        plant = _body_plant(
            issue,
            rng,
            r"(?<![\d.])(20\d\d)年(\d{1,2})月(?![\d份])",
            lambda m, r: f"{m.group(1)}.{m.group(2)}",
            kind="any",
        )
        if plant:
            return plant

    def clause(r):
        year, month = r.randint(2019, 2025), r.randint(1, 12)
        return r.choice(
            [f"{year}.{month}起施行", f"于{year}.{month}召开会议", f"{year}.{month}，常委会启动视察"]
        )

    return _insert_clause(issue, rng, clause)


def plant_short_year(issue, rng):
    # 2024年 written 24年: in the seed, or as a clause about a year.
    if rng.random() < 0.5:
        plant = _body_plant(issue, rng, r"(?<![\d.])20(\d\d)年", lambda m, r: f"{m.group(1)}年", kind="any")
        if plant:
            return plant

    def clause(r):
        year = r.randint(19, 25)
        return r.choice(
            [f"{year}年底共建成{r.randint(2, 60)}个", f"{year}年上半年完成目标", f"{year}年度考核优秀"]
        )

    return _insert_clause(issue, rng, clause)


def plant_date_zero(issue, rng):
    # A month or day written with a leading zero (04月30日): in the seed, or in a clause.
    if rng.random() < 0.5:
        plant = _body_plant(
            issue, rng, r"(?<![\d.])([1-9])(?=[月日])", lambda m, r: "0" + m.group(1), kind="any"
        )
        if plant:
            return plant

    def clause(r):
        month, day = r.randint(1, 9), r.randint(1, 28)
        shown_day = f"{day:02d}" if day < 10 or r.random() < 0.5 else str(day)
        return f"于{month:02d}月{shown_day}日召开会议"

    return _insert_clause(issue, rng, clause)


def plant_full_width(issue, rng):
    def wide(m, r):
        return "".join(chr(ord(c) + 0xFEE0) for c in m.group(0))

    return _body_plant(issue, rng, r"(?<![0-9A-Za-z.])[0-9A-Za-z]{1,6}(?![0-9A-Za-z.])", wide, kind="any")


def plant_letter_for_zero(issue, rng):
    # A year in Chinese numerals with the letter O or the digit 0 for its zero.
    digits = "〇一二三四五六七八九"

    def chinese(m, r):
        zero = r.choice(["O", "0", "o"])
        return "".join(zero if c == "0" else digits[int(c)] for c in m.group(0))

    return _body_plant(issue, rng, r"(?<![0-9])20[0-9]{2}(?=年)", chinese, kind="any")


WORD_LEFTOVERS = [
    "错误！未找到引用源。",
    "错误！书签未定义。",
    "错误! 书签未定义.",
    "错误！ 未找到引用源。",
    "点击此处输入文字。",
    "单击或点击此处输入文字。",
    "单击此处输入日期。",
    "Error! Bookmark not defined.",
    "Error! Reference source not found.",
]


def plant_word_leftover(issue, rng):
    return _body_plant(
        issue,
        rng,
        rf"(?<=[{CJK}])[，。](?=[{CJK}])",
        lambda m, r: m.group(0) + r.choice(WORD_LEFTOVERS),
        kind="any",
    )


# kind: (planter, the rule ids that must report it)
def plant_single_quote(issue, rng):
    # A quotation at the outer level written with single quotes: ‘…’ where “…” belongs.
    def make(m, r):
        before = m.string[: m.start()]
        if before.count("“") != before.count("”"):
            return None  # inside another quotation the single quotes would be right
        return "‘" + m.group(0)[1:-1] + "’"

    return _body_plant(issue, rng, r"“[^“”‘’]{2,12}”", make, kind="any")


PLANTERS = {
    "repeated_word": (plant_repeated_word, ["repeated_word"]),
    "doubled_function_word": (plant_doubled_function_word, ["repeated_word"]),
    "enumeration_skip_or_repeat": (plant_enumeration_skip, ["enumeration"]),
    "lone_lead": (plant_lone_lead, ["enumeration"]),
    "unbalanced_mark": (plant_unbalanced_mark, ["paired_marks"]),
    "wrong_nesting": (plant_wrong_nesting, ["paired_marks"]),
    "half_width_punct": (plant_half_width, ["half_width_punct"]),
    "doubled_punct": (plant_doubled_punct, ["doubled_punct"]),
    "numeral_list_comma": (plant_numeral_comma, ["numeral_list_comma"]),
    "ellipsis": (plant_ellipsis, ["ellipsis"]),
    "dash": (plant_dash, ["dash"]),
    "space_in_text": (plant_space, ["space_in_text"]),
    "two_digit_year": (plant_two_digit_year, ["two_digit_year"]),
    "mixed_numeral": (plant_mixed_numeral, ["mixed_numeral"]),
    "percent_range": (plant_percent_range, ["percent_range"]),
    "thousands_separator": (plant_thousands, ["thousands_separator"]),
    "date_format": (plant_date, ["date_format"]),
    "term": (plant_term, ["term"]),
    "unit_name_byline": (plant_unit_byline, ["unit_name"]),
    "brief_opening": (plant_brief_opening, ["brief_unit", "unit_name"]),
    "toc_title": (plant_title_differs, ["toc_title"]),
    "byline_missing": (plant_no_byline, ["byline_missing"]),
    "issue_number": (plant_issue_number, ["issue_sequence"]),
    "odd_straight_quote": (plant_odd_straight_quote, ["unpaired_quotes"]),
    "circle_for_zero": (plant_circle_zero, ["circle_for_zero"]),
    "lexicon_swap": (plant_lexicon_swap, ["lexicon"]),
    "lexicon_clause": (plant_lexicon_clause, ["lexicon"]),
    "de_di": (plant_di, ["de_di_de"]),
    "de_de": (plant_de, ["de_di_de"]),
    "traditional": (plant_traditional, ["traditional"]),
    "standing_committee": (plant_standing_committee, ["body_name"]),
    "unit_short_in_text": (plant_unit_short, ["body_name"]),
    "year_month": (plant_year_month, ["date_format"]),
    "short_year": (plant_short_year, ["two_digit_year"]),
    "date_zero": (plant_date_zero, ["date_zero"]),
    "full_width": (plant_full_width, ["full_width_alnum"]),
    "letter_for_zero": (plant_letter_for_zero, ["circle_for_zero"]),
    "word_leftover": (plant_word_leftover, ["stale_field"]),
    "single_quote": (plant_single_quote, ["single_quotes"]),
}
# Kinds added after the record was first made draw their places from a generator of their
# own, so that the earlier kinds' recorded places stay as they were.
LATER_KINDS = {"odd_straight_quote": 22, "circle_for_zero": 22}
# The word-level kinds: their own generator, and more places each (recall is asked per kind).
WORD_KINDS = {kind: 23 for kind in list(PLANTERS)[list(PLANTERS).index("lexicon_swap") :]}
WORD_KINDS["single_quote"] = 25  # added after the others: a generator of its own keeps their places
WORD_KINDS_PER_SEED = 4


def make_plants(per_seed: int = 1, rng_seed: int = 16) -> list[dict]:
    """The record: every kind in every seed, the earlier kinds from ``rng_seed``, then the
    kinds of ``LATER_KINDS`` from their own generators."""
    issues = {name: seed_issue(name) for name in SEEDS}
    plants = []
    rng = random.Random(rng_seed)
    for name in SEEDS:
        for kind in PLANTERS:
            if kind not in LATER_KINDS and kind not in WORD_KINDS:
                plants += _plants_of(issues[name], name, kind, rng, per_seed)
    later = {seed: random.Random(seed) for seed in set(LATER_KINDS.values())}
    for name in SEEDS:
        for kind, seed in LATER_KINDS.items():
            plants += _plants_of(issues[name], name, kind, later[seed], per_seed)
    words = {seed: random.Random(seed) for seed in set(WORD_KINDS.values())}
    for name in SEEDS:
        for kind, seed in WORD_KINDS.items():
            plants += _plants_of(issues[name], name, kind, words[seed], WORD_KINDS_PER_SEED)
    return plants


def _plants_of(issue: IssueText, name: str, kind: str, rng: random.Random, per_seed: int) -> list[dict]:
    planter, rules = PLANTERS[kind]
    plants: list[dict] = []
    for _attempt in range(50):
        if len(plants) == per_seed:
            break
        plant = planter(issue, rng)
        if plant is not None:
            plants.append({"seed": name, "kind": kind, "rules": rules, **plant})
    return plants


# --- applying and scoring -------------------------------------------------------------------


def apply_plant(issue: IssueText, plant: dict) -> IssueText:
    """A copy of ``issue`` with the one planted error; the original characters must be there."""
    issue = copy.deepcopy(issue)
    part, original, planted = plant["part"], plant["original"], plant["planted"]
    if part in ("number", "total_number"):
        assert str(getattr(issue.numbers, part)) == original, plant
        issue.numbers = dataclasses.replace(issue.numbers, **{part: int(planted)})
        return issue
    piece = issue.pieces[plant["item"] - 1]
    if part == "byline_org":
        assert piece.byline_org == original, plant
        piece.byline_org = planted
    elif part == "byline":
        assert f"{piece.byline_org}|{piece.byline_authors}" == original, plant
        piece.byline_org, piece.byline_authors = planted.split("|")
    elif part == "title":
        at = plant["offset"]
        assert piece.title[at : at + len(original)] == original, plant
        piece.title = piece.title[:at] + planted + piece.title[at + len(original) :]
    else:
        text = piece.paragraphs[plant["paragraph"] - 1]
        at = plant["offset"]
        assert text[at : at + len(original)] == original, plant
        piece.paragraphs[plant["paragraph"] - 1] = text[:at] + planted + text[at + len(original) :]
    return issue


def found_plant(findings: list[Finding], clean: set[str], issue: IssueText, plant: dict) -> bool:
    """Is there a new finding of one of the plant's rules at the plant's place?"""
    key = issue.pieces[plant["item"] - 1].key if plant["item"] else ""
    for f in findings:
        if f.rule not in plant["rules"] or f.key in clean or f.piece != key:
            continue
        if plant["part"] == "body":
            low = plant["offset"] - 2
            high = plant["offset"] + len(plant["planted"]) + 2
            if (
                f.part == "body"
                and f.paragraph == plant["paragraph"]
                and low <= f.offset + f.length
                and f.offset <= high
            ):
                return True
        elif plant["part"].startswith("byline"):
            if f.part == "byline":
                return True
        else:
            return True
    return False


def evaluate(plants: list[dict]) -> dict:
    """Recall over the plants and the findings on the clean seeds, per kind and per seed."""
    issues = {name: seed_issue(name) for name in SEEDS}
    clean = {name: check_issue(issue, CONTEXT) for name, issue in issues.items()}
    clean_keys = {name: {f.key for f in found} for name, found in clean.items()}
    missed = []
    by_kind: dict[str, list[int]] = {}
    for plant in plants:
        planted = apply_plant(issues[plant["seed"]], plant)
        hit = found_plant(check_issue(planted, CONTEXT), clean_keys[plant["seed"]], planted, plant)
        by_kind.setdefault(plant["kind"], [0, 0])
        by_kind[plant["kind"]][0] += hit
        by_kind[plant["kind"]][1] += 1
        if not hit:
            missed.append(plant)
    found = sum(k[0] for k in by_kind.values())
    return {
        "plants": len(plants),
        "found": found,
        "recall": found / len(plants) if plants else 0.0,
        "by_kind": by_kind,
        "missed": missed,
        "clean_findings": {name: found for name, found in clean.items()},
    }


if __name__ == "__main__":
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    django.setup()
    json.dump(make_plants(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
