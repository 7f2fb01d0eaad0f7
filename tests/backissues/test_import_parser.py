"""The back-issue parser (backissues.parsing): the three real seeds, written out by hand,
body fidelity, bad input, and variants made by editing a seed's text.

No database: the parser is a pure function of the text.
"""

from __future__ import annotations

import datetime
import difflib
import re

import pytest

from backissues.parsing import NotAnIssueError, parse_issue_file, parse_issue_text
from backissues.parsing.parser import ParseResult
from printing.document import ArticleItem, BriefItem, Run
from tests import paths
from tests.paths import SEEDS

FIXTURES = paths.FIXTURES / "importing"


def seed(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def articles(result: ParseResult) -> list[tuple]:
    return [
        (section.name, item.title, item.subtitle, item.byline_org, item.byline_authors)
        for section in result.document.sections
        if section.kind == "articles"
        for item in section.items
    ]


def briefs(result: ParseResult) -> list[tuple]:
    return [
        (item.paragraph[0].text[:8], item.byline_org, item.byline_authors)
        for section in result.document.sections
        if section.kind == "briefs"
        for item in section.items
    ]


def problems(result: ParseResult, severity: str) -> list[tuple[str, int]]:
    return [(p.kind, p.line) for p in result.problems if p.severity == severity]


# --- the three seeds ---------------------------------------------------------------------


def test_seed_2024_01():
    result = parse_issue_text(seed("2024-01"))
    doc = result.document
    assert (doc.publication_name, doc.compiler, doc.edition_label, result.edition) == (
        "杭州人大信息",
        "杭州市人大常委会研究室编",
        "普刊",
        "regular",
    )
    assert (doc.year, doc.number, doc.total_number, doc.date) == (2024, 1, 689, datetime.date(2024, 3, 1))
    assert [(s.name, s.kind, len(s.items)) for s in doc.sections] == [
        ("要闻速递", "articles", 2),
        ("助力攻坚", "articles", 3),
        ("代表工作", "articles", 3),
        ("情况交流", "articles", 1),
        ("信息摘登", "briefs", 4),
    ]
    assert articles(result) == [
        ("要闻速递", "市人大常委会“三个力”推动备案审查工作高质量发展", "", "法工委", ["曾庆元"]),
        # The body drops 事 (民生实事项目) throughout; the body's title is kept and flagged.
        ("要闻速递", "市人大常委会首次开展民生实项目“回头看”督查", "", "代表工委", ["黄炯尔"]),
        (
            "助力攻坚",
            "上城区：服务“在一线” 护航经济“开门红”",
            "",
            "上城区人大常委会办公室",
            ["蔡静", "张雄杰"],
        ),
        ("助力攻坚", "萧山区:深化助企服务 推动营商环境优化提升", "", "萧山区人大常委会办公室", ["郭彧杰"]),
        (
            "助力攻坚",
            "钱塘区:组建人大代表“营商环境体验官” 助力“一号改革工程”",
            "",
            "钱塘区人大常委会办公室",
            [],
        ),
        ("代表工作", "西湖区：“三个力”做活代表工作", "", "西湖区人大常委会", ["李寄", "斯董瑾"]),
        ("代表工作", "余杭区：“三举措”建强用好代表联络站", "", "余杭区人大常委会办公室", ["符腾", "胡彦斐"]),
        (
            "代表工作",
            "淳安县：“片区组团”履职新模式",
            "激发代表履职热情",
            "淳安县人大常委会代表工委",
            ["闻云发"],
        ),
        (
            "情况交流",
            "建德市：新安江街道多措并举",
            "扎实践行全过程人民民主",
            "建德市人大常委会新安江街道工委",
            ["叶孝富"],
        ),
    ]
    assert briefs(result) == [
        ("临平区人大常委会", "临平区人大常委会办公室", ["洪舒瑶"]),
        ("富阳区人大常委会", "富阳区人大常委会办公室", ["毛晓红"]),
        ("临安区人大常委会", "临安区人大常委会教科文卫民宗侨工委", ["潘忠华"]),
        ("桐庐县人大常委会", "桐庐县人大常委会办公室", ["仇斐菲"]),
    ]
    assert doc.distribution == [
        "省人大常委会办公厅、研究室",
        "市人大常委会组成人员,市人大机关各部门,各区、县(市)人大常委会",
    ]
    assert (doc.editor_name, doc.editor_phone) == ("杨青青", "(0571)85250657")
    assert doc.extra_line == "(信息报送网址:http://172.18.13.193:8084/infosub)"
    assert result.item_lines == [[26, 40], [54, 66, 80], [98, 112, 126], [142], [158, 162, 166, 170]]
    assert problems(result, "error") == []
    assert problems(result, "warning") == [("title_differs", 40)]
    assert [line for kind, line in problems(result, "info") if kind == "joined"] == [
        34,
        46,
        74,
        84,
        94,
        106,
        118,
        136,
        152,
    ]


def test_seed_2024_01_bold_runs():
    doc = parse_issue_text(seed("2024-01")).document
    lead = doc.sections[0].items[0].paragraphs[1]
    assert lead[0] == Run("一是完善工作机制,形成协同联动审查合力。", bold=True)
    assert lead[1].text.startswith("市人大常委会各部门根据机构") and not lead[1].bold
    # Bold inside a paragraph (淳安县, "建立“双重联系”机制") stays bold.
    chunan = doc.sections[2].items[2].paragraphs[1]
    assert Run("建立“双重联系”机制", bold=True) in chunan
    # A paragraph broken at a page end keeps the bold lead that follows the break.
    jiande = doc.sections[3].items[0].paragraphs[2]
    assert Run("让民知事,办完事知一知。", bold=True) in jiande
    assert "".join(r.text for r in jiande).startswith("二是创新“五事工作法”模式。听民说事")
    first_brief = doc.sections[4].items[0]
    assert isinstance(first_brief, BriefItem) and first_brief.paragraph[0] == Run(
        "临平区人大常委会", bold=True
    )


def test_seed_2024_06():
    result = parse_issue_text(seed("2024-06"))
    doc = result.document
    assert (doc.publication_name, doc.compiler, result.edition) == (
        "杭州人大信息",
        "杭州市人大常委会研究室编",
        "regular",
    )
    assert (doc.year, doc.number, doc.total_number, doc.date) == (2024, 6, 694, datetime.date(2024, 5, 10))
    assert [(s.name, len(s.items)) for s in doc.sections] == [
        ("要闻速递", 1),
        ("助力攻坚", 1),
        ("监督纵横", 1),
        ("代表工作", 3),
        ("情况交流", 1),
        ("信息摘登", 4),
    ]
    assert articles(result) == [
        ("要闻速递", '市人大常委会出台决定助推青年与城市"双向奔赴"', "", "社会工委", ["沈亦乐"]),
        ("助力攻坚", '淳安县:"三点发力"助推乡村振兴', "", "淳安县人大常委会办公室", ["蔡茂恒", "储言者"]),
        (
            "监督纵横",
            "富阳区:出台实施意见进一步提升监督实效",
            "",
            "富阳区人大常委会办公室",
            ["刘哲", "李扬鸣"],
        ),
        ("代表工作", '上城区:"三坚持"激活代表履职"动力源"', "", "上城区人大常委会办公室", ["蔡静"]),
        ("代表工作", "临平区:多措并举扎实推进代表主题活动", "", "临平区人大常委会办公室", ["郑丽芳"]),
        # Its byline sits inside the next title (lines 109-113); it is given back here.
        (
            "代表工作",
            '钱塘区:锚定代表"三力"助力青年 发展型城市建设',
            "",
            "钱塘区人大常委会办公室",
            ["徐佳琪"],
        ),
        # No heading marks: the two title lines were one title broken by the byline.
        (
            "情况交流",
            '拱墅区:"三个+"让律所类基层立法联系点更接地气',
            "",
            "拱墅区人大常委会办公室",
            ["宋玉凤"],
        ),
    ]
    assert briefs(result) == [
        ("滨江区人大常委会", "滨江区人大常委会教科文卫和民宗侨工委", ["应明芮"]),
        ("余杭区人大常委会", "余杭区人大常委会办公室", ["符腾"]),
        ("临安区人大常委会", "临安区人大常委会办公室", ["陈强"]),
        ("建德市人大常委会", "建德市人大常委会办公室", ["赵亚光"]),
    ]
    assert doc.distribution == [
        "省人大常委会办公厅、研究室",
        "市人大常委会组成人员,市人大机关各部门,各区、县(市)人大常委会",
    ]
    assert (doc.editor_name, doc.editor_phone, doc.extra_line) == ("杨青青", "(0571)85250657", "")
    assert result.item_lines == [[29], [44], [57], [71, 84, 96], [109], [127, 131, 135, 139]]
    assert problems(result, "error") == []
    assert problems(result, "warning") == [("displaced_byline", 111)]
    assert ("page_number_in_line", 88) in problems(result, "info")
    assert ("joined_title", 113) in problems(result, "info")
    # "…主任任 — 8 — 组长…": the page number is cut out of the sentence.
    linping = doc.sections[3].items[1].paragraphs[1]
    assert "".join(r.text for r in linping).startswith(
        "一是统筹谋划定方案。第一时间成立由区人大常委会主任任组长的领导小组"
    )
    # "- " list marks before paragraphs are not text.
    assert doc.sections[0].items[0].paragraphs[1][0].text.startswith("一是明确指导思想")


def test_seed_2024_15():
    result = parse_issue_text(seed("2024-15"))
    doc = result.document
    assert (doc.publication_name, doc.compiler, result.edition) == (
        "杭州人大信息",
        "杭州市人大常委会研究室编",
        "regular",
    )
    assert (doc.year, doc.number, doc.total_number, doc.date) == (2024, 15, 703, datetime.date(2024, 10, 25))
    assert [(s.name, len(s.items)) for s in doc.sections] == [
        ("要闻速递", 2),
        ("助力攻坚", 3),
        ("监督纵横", 1),
        ("情况交流", 2),
        ("信息摘登", 5),
    ]
    assert articles(result) == [
        ("要闻速递", "市人大常委会“三转变三强化” 提升数字经济立法质效", "", "法工委", ["金颖"]),
        ("要闻速递", "市人大常委会扎实推动代表建议高质量办理", "", "代表工委", []),
        ("助力攻坚", "西湖区：“点、线、面”结合助力优化营商环境", "", "西湖区人大常委会办公室", ["钱苏晚"]),
        (
            "助力攻坚",
            "萧山区:做好“三篇文章”助推政务服务增值化改革",
            "",
            "萧山区人大常委会办公室",
            ["邵羽晨", "郭彧杰"],
        ),
        ("助力攻坚", "淳安县:创新“四个一”工作机制助力重大项目攻坚", "", "淳安县人大常委会办公室", ["何沐阳"]),
        (
            "监督纵横",
            "余杭区：“议、督、改”助推老旧小区改造提质增效",
            "",
            "余杭区人大常委会办公室",
            ["潘民浩"],
        ),
        ("情况交流", "临平区:多措并举助推医疗保障工作高效发展", "", "临平区人大常委会办公室", ["马斐妍"]),
        ("情况交流", "临安区:探索开展生态文明建设情况报告制度", "", "临安区人大常委会办公室", ["许博闻"]),
    ]
    assert briefs(result) == [
        ("上城区人大常委会", "上城区人大常委会办公室", ["瓮文允", "刘铭锐"]),
        ("拱墅区人大常委会", "拱墅区人大常委会办公室", ["宋玉凤"]),
        ("滨江区人大常委会", "滨江区人大常委会西兴街道工委", ["于江悦"]),
        ("富阳区人大常委会", "富阳区人大常委会办公室", ["戚赵淳"]),
        ("建德市人大常委会", "建德市人大常委会办公室", ["段丹妮"]),
    ]
    assert doc.distribution == [
        "省人大常委会办公厅、研究室",
        "市人大常委会组成人员，市人大机关各部门，各区、县（市）人大常委会",
    ]
    assert (doc.editor_name, doc.editor_phone, doc.extra_line) == ("杨青青", "(0571)85250657", "")
    assert result.item_lines == [[25, 39], [55, 69, 85], [101], [117, 131], [145, 149, 153, 157, 161]]
    assert problems(result, "error") == []
    # "…围绕“强化知" + "知识产权协同保护”…": kept as written, pointed out.
    assert problems(result, "warning") == [("doubled_char", 63)]
    xihu = doc.sections[1].items[0].paragraphs[2]
    assert "".join(r.text for r in xihu).startswith(
        "二是协同履职,助力筑牢知识产权保护“线”。围绕“强化知知识产权协同保护”"
    )
    # "…可以处理的不再" + "强调事前审批,…" is one paragraph again.
    second = doc.sections[0].items[0].paragraphs[2]
    assert "通过事后监管可以处理的不再强调事前审批," in "".join(r.text for r in second)
    assert len(doc.sections[0].items[0].paragraphs) == 4


# --- fidelity ----------------------------------------------------------------------------

# The body in the original text: first article title to the last brief's byline.
BODY_LINES = {"2024-01": (26, 172), "2024-06": (29, 141), "2024-15": (25, 163)}
_FULL = str.maketrans(
    {
        ",": "，",
        ":": "：",
        ";": "；",
        "?": "？",
        "!": "！",
        "(": "（",
        ")": "）",
        '"': "“",
        "“": "“",
        "”": "“",
        "‘": "“",
        "’": "“",
        "'": "“",
    }
)


def _normalised(text: str) -> str:
    text = re.sub(r"(?m)^\s*(#+|-)\s+", "", text).replace("**", "")
    return re.sub(r"\s", "", text).translate(_FULL)


def _document_text(result: ParseResult) -> str:
    parts: list[str] = []
    for section in result.document.sections:
        for item in section.items:
            if isinstance(item, ArticleItem):
                parts += [item.title, item.subtitle, *("".join(r.text for r in p) for p in item.paragraphs)]
            else:
                parts.append("".join(r.text for r in item.paragraph))
            parts += [item.byline_org, *item.byline_authors]
    return "\n".join(parts)


@pytest.mark.parametrize("name", ["2024-01", "2024-06", "2024-15"])
def test_body_fidelity(name):
    first, last = BODY_LINES[name]
    lines = seed(name).splitlines()[first - 1 : last]
    original = _normalised(
        "\n".join(line for line in lines if not re.fullmatch(r"[-—\s]*\d{1,3}[-—\s]*", line))
    )
    parsed = _normalised(_document_text(parse_issue_text(seed(name))))
    matcher = difflib.SequenceMatcher(None, original, parsed, autojunk=False)
    matched = sum(
        1
        for block in matcher.get_matching_blocks()
        for char in original[block.a : block.a + block.size]
        if "\u4e00" <= char <= "\u9fff"
    )
    total = sum(1 for char in original if "\u4e00" <= char <= "\u9fff")
    print(
        f"\n{name}: {matched}/{total} Chinese characters of the original body matched in order ({matched / total:.4%})"
    )
    assert matched / total >= 0.995


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n", "\ufeff\n".encode()])
def test_empty_input_is_refused(data):
    with pytest.raises(NotAnIssueError, match="空"):
        parse_issue_file(data)


def test_empty_text_is_refused():
    with pytest.raises(NotAnIssueError, match="空"):
        parse_issue_text("\n  \n")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        # No NUL byte, and valid GB18030, but control characters throughout.
        bytes(range(1, 9)) * 40 + b"\x81\x30\x81\x30" * 10,
        # Neither UTF-8 nor GB18030.
        b"\xff\xfe\xff\xfe\x80\x80" * 20,
    ],
)
def test_binary_input_is_refused(data, tmp_path):
    with pytest.raises(NotAnIssueError, match="不是文本文件"):
        parse_issue_file(data)
    path = tmp_path / "upload.txt"
    path.write_bytes(data)
    with pytest.raises(NotAnIssueError, match="不是文本文件"):
        parse_issue_file(path)


def test_prose_is_not_an_issue():
    prose = (
        "西湖区人大常委会坚持把保障代表权利、发挥代表作用作为工作重点，创新方式方法、激发履职激情，"
        "不断增强代表工作活力，推进全区人大工作提质增效。\n\n这只是一段文字，没有报头，也没有目录。\n"
    )
    with pytest.raises(NotAnIssueError, match="不是一期刊物"):
        parse_issue_text(prose)


def test_a_masthead_without_toc_is_not_an_issue():
    with pytest.raises(NotAnIssueError, match="目 录"):
        parse_issue_text("杭州人大信息\n\n(普刊)\n\n第6期(总第694期)\n\n2024年5月10日\n\n一段正文。\n")


def test_nothing_usable_after_the_toc_is_refused():
    text = seed("2024-15")
    with pytest.raises(NotAnIssueError, match="没有找到任何稿件"):
        parse_issue_text(text[: text.index("市人大常委会“三转变三强化” 提升")])


def test_a_truncated_issue_parses_with_errors():
    text = seed("2024-15")
    cut = text[: text.index("一是聚焦业务融合")]  # in the middle of 萧山区 (助力攻坚, second article)
    result = parse_issue_text(cut)
    missing = [(p.line, p.text) for p in result.errors if p.kind == "toc_title_missing"]
    assert missing == [
        (19, "淳安县：创新“四个一”工作机制助力重大项目攻坚"),
        (20, "余杭区：“议、督、改”助推老旧小区改造提质增效"),
        (21, "临平区：多措并举助推医疗保障工作高效发展"),
        (22, "临安区：探索开展生态文明建设情况报告制度"),
    ]
    assert {p.kind for p in result.errors} == {"toc_title_missing", "no_distribution", "no_editor"}
    assert [(s.name, len(s.items)) for s in result.document.sections] == [("要闻速递", 2), ("助力攻坚", 2)]
    xiaoshan = result.document.sections[1].items[1]
    assert xiaoshan.title == "萧山区:做好“三篇文章”助推政务服务增值化改革" and len(xiaoshan.paragraphs) == 1
    assert ("no_byline", 69) in problems(result, "warning")
    assert ("brief_count", 23) in problems(result, "warning")  # 5 则 announced, none found
    assert result.document.distribution == [] and result.document.editor_name == ""


def test_parsing_is_deterministic():
    text = seed("2024-06")
    assert parse_issue_text(text) == parse_issue_text(text)
    assert parse_issue_file(text.encode("utf-8")) == parse_issue_text(text)


def test_encodings_and_path_input(tmp_path):
    text = seed("2024-15")
    expected = parse_issue_text(text)
    assert parse_issue_file(text.encode("gb18030")) == expected
    assert parse_issue_file(b"\xef\xbb\xbf" + text.encode("utf-8")) == expected
    path = tmp_path / "2024-15.txt"
    path.write_text(text, encoding="utf-8")
    assert parse_issue_file(path) == expected
    assert parse_issue_file(str(path)) == expected


# --- variants of a seed ------------------------------------------------------------------


def test_a_title_taken_out_of_the_toc_is_reported():
    text = seed("2024-15").replace("萧山区：做好“三篇文章”助推政务服务增值化改革\n", "", 1)
    result = parse_issue_text(text)
    assert [(p.kind, p.line, p.text) for p in result.problems if p.kind == "not_in_toc"] == [
        ("not_in_toc", 68, "萧山区:做好“三篇文章”助推政务服务增值化改革")
    ]  # line 69 in the seed, one line less
    assert result.errors == []
    # Kept in body order, in the section of the article before it.
    assert [item.title[:3] for item in result.document.sections[1].items] == ["西湖区", "萧山区", "淳安县"]


def test_the_last_article_taken_out_of_the_toc_is_not_a_brief():
    text = seed("2024-15").replace("临安区：探索开展生态文明建设情况报告制度\n", "", 1)
    result = parse_issue_text(text)
    assert [p.text[:3] for p in result.problems if p.kind == "not_in_toc"] == ["临安区"]
    assert result.document.sections[3].items[-1].title == "临安区:探索开展生态文明建设情况报告制度"
    assert len(result.document.sections[4].items) == 5


def test_the_first_title_taken_out_of_the_toc():
    text = seed("2024-06").replace('要闻速递 市人大常委会出台决定助推青年与城市"双向奔赴"', "要闻速递", 1)
    result = parse_issue_text(text)
    assert [(p.kind, p.line) for p in result.problems if p.kind == "not_in_toc"] == [("not_in_toc", 29)]
    assert result.errors == []
    assert [(s.name, [i.title[:3] for i in s.items]) for s in result.document.sections[:2]] == [
        ("要闻速递", ["市人大"]),
        ("助力攻坚", ["淳安县"]),
    ]


_HALF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "“": '"', "”": '"'}


@pytest.mark.parametrize("name", ["2024-01", "2024-06", "2024-15"])
@pytest.mark.parametrize("direction", ["to_half", "to_full"])
def test_punctuation_width_does_not_change_the_structure(name, direction):
    text = seed(name)
    if direction == "to_half":
        swapped = text.translate(str.maketrans(_HALF))
    else:
        # Only the 目录 changes to full width: the titles then differ from the body's.
        toc_end = text.index("则") + 1
        head = re.sub(r'"([^"\n]*)"', r"“\1”", text[:toc_end]).translate(
            str.maketrans({",": "，", ":": "："})
        )
        swapped = head + text[toc_end:]
    original, changed = parse_issue_text(text), parse_issue_text(swapped)
    assert changed.errors == []
    assert [(s.name, len(s.items)) for s in changed.document.sections] == [
        (s.name, len(s.items)) for s in original.document.sections
    ]
    assert [(p.kind, p.line) for p in changed.warnings] == [(p.kind, p.line) for p in original.warnings]
    assert changed.item_lines == original.item_lines


@pytest.mark.parametrize("page_number", ["— 3 —", "- 3 -", "-10 -", "－ 12 －", "3", "— 3 —\n\n- 4 -"])
def test_page_number_styles_at_a_page_break(page_number):
    text = seed("2024-15").replace("\n\n理情况的满意率为", f"\n\n{page_number}\n\n\n\n理情况的满意率为", 1)
    result = parse_issue_text(text)
    assert result.errors == []
    paragraph = result.document.sections[0].items[1].paragraphs[0]
    assert "".join(r.text for r in paragraph).endswith("代表对承办单位办理情况的满意率为 100%。")
    assert [len(s.items) for s in result.document.sections] == [2, 3, 1, 2, 5]


def test_a_page_number_inside_a_line_is_cut_out():
    text = seed("2024-15").replace("二是转变理念强化", "二是转变 - 5 - 理念强化", 1)
    result = parse_issue_text(text)
    assert ("page_number_in_line", 31) in problems(result, "info")
    assert "".join(r.text for r in result.document.sections[0].items[0].paragraphs[2]).startswith(
        "二是转变理念强化"
    )


def test_a_title_with_a_dropped_character_is_taken_from_the_body():
    text = seed("2024-15").replace(
        "\n临平区:多措并举助推医疗保障工作高效发展\n", "\n临平区:多措并举助推医疗保障工作高发展\n", 1
    )
    result = parse_issue_text(text)
    assert ("title_differs", 117) in problems(result, "warning")
    assert result.document.sections[3].items[0].title == "临平区:多措并举助推医疗保障工作高发展"


def test_a_missing_brief_is_counted():
    text = seed("2024-15")
    start = text.index("富阳区人大常委会积极推动")
    end = text.index("建德市人大常委会将就业促进")
    result = parse_issue_text(text[:start] + text[end:])
    assert ("brief_count", 23) in problems(result, "warning")
    assert len(result.document.sections[-1].items) == 4


# --- small hand-made inputs ---------------------------------------------------------------


def test_odd_issue_fixture():
    """专刊, an unknown section label, an article without a byline, a glued byline, an
    unpaired bold mark, a brief not starting with a unit name, a lone-character author."""
    result = parse_issue_file(FIXTURES / "odd_issue.txt")
    doc = result.document
    assert (result.edition, doc.edition_label, doc.number, doc.total_number) == ("special", "专刊", 3, 705)
    assert doc.date == datetime.date(2024, 11, 1)
    assert [(s.name, s.kind, len(s.items)) for s in doc.sections] == [
        ("专题调研", "articles", 2),
        ("信息摘登", "briefs", 2),
    ]
    first, second = doc.sections[0].items
    assert (first.title, first.byline_org, first.byline_authors) == ("没有署名的一篇", "", [])
    assert (second.title, second.byline_org, second.byline_authors) == (
        "关于某项工作的调研报告",
        "研究室",
        ["王五"],
    )
    assert second.paragraphs[1] == [Run("一是", bold=True), Run("加粗没有收尾的一段。")]
    assert [(b.byline_org, b.byline_authors) for b in doc.sections[1].items] == [
        ("萧山区人大常委会办公室", ["李四"]),
        ("某某单位", ["张"]),
    ]
    assert result.item_lines == [[17, 21], [29, 33]]
    assert problems(result, "error") == []
    assert problems(result, "warning") == [
        ("unknown_section", 13),
        ("no_byline", 17),
        ("glued_byline", 27),
        ("brief_start", 33),
        ("uncertain_authors", 35),
        ("uncertain_byline", 35),
    ]
    assert problems(result, "info") == [("unpaired_bold", 25)]
    assert all(p.message and p.text for p in result.problems)


def test_a_title_wrapped_in_the_toc_is_joined():
    text = seed("2024-06").replace(
        '钱塘区:锚定代表"三力"助力青年发展型城市建设\n', '钱塘区:锚定代表"三力"助力青年\n发展型城市建设\n', 1
    )
    result = parse_issue_text(text)
    assert result.errors == []
    assert ("toc_title_joined", 24) in problems(result, "info")
    assert [len(s.items) for s in result.document.sections] == [1, 1, 1, 3, 1, 4]


def test_briefs_the_toc_does_not_announce():
    result = parse_issue_text(seed("2024-06").replace("信息摘登 4则\n", "", 1))
    assert result.errors == []
    assert ("briefs_not_in_toc", 126) in problems(result, "warning")  # one line less than the seed
    assert [(s.name, s.kind, len(s.items)) for s in result.document.sections][-1] == ("信息摘登", "briefs", 4)


def test_the_document_round_trips_and_renders():
    from printing.document import IssueDocument
    from printing.render import render_pdf

    document = parse_issue_text(seed("2024-06")).document
    assert IssueDocument.from_dict(document.to_dict()) == document
    pdf = render_pdf(document)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_a_last_article_without_byline_is_not_silently_merged():
    # Without its byline, 临安区 runs on into the first brief (上城区) and takes its byline:
    # the text cannot tell where the article ends, but the report says something is wrong.
    result = parse_issue_text(seed("2024-15").replace("(临安区人大常委会办公室 许博闻)\n", "", 1))
    assert ("byline_mismatch", 131) in problems(result, "warning")
    assert ("brief_count", 23) in problems(result, "warning")
    assert len(result.document.sections[-1].items) == 4
