"""Normalisation, line breaking, kinsoku, the document model and font resolution."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil

import pytest

from bench.seed_documents import build_seed_document
from printing.document import ArticleItem, BriefItem, IssueDocument, Run, Section, bold_unit_name
from printing.fonts import FANDOL_DIR, face_metrics, find_licensed, font_set
from printing.typography import (
    break_lines,
    format_byline,
    justify_spacing,
    normalize_text,
    split_author_names,
)
from tests.paths import seed_path
from tests.printing_fixtures import LINE_END_FORBIDDEN, LINE_START_FORBIDDEN, SPACING_BOUNDS_EM

W = 156 * 72 / 25.4
GRID = W / 28 - 16


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("近年来,市人大常委会聚焦数字经济", "近年来，市人大常委会聚焦数字经济"),
        ("2024 年 10 月 25 日", "2024年10月25日"),
        ("满意率为 100%。", "满意率为100%。"),
        ("所涉及的问题(A类)312件", "所涉及的问题（A类）312件"),
        ("进总站(市人大代表联络总站),与代表", "进总站（市人大代表联络总站），与代表"),
        ("萧山区:做好“三篇文章”", "萧山区：做好“三篇文章”"),
        ("是否可行?请研究;再定", "是否可行？请研究；再定"),
        ("聚焦到 DRG 支付方式改革", "聚焦到DRG支付方式改革"),
        ("高校经济 2.0 版", "高校经济2.0版"),
        ('助推青年与城市"双向奔赴"', "助推青年与城市“双向奔赴”"),
        ("“四个+” 监督工作法", "“四个+”监督工作法"),
        ("共 1,000 人,8:30 开会", "共1,000人，8:30开会"),
        ("(0571)85250657", "(0571)85250657"),
        ("已经规范的全角文本，不变。", "已经规范的全角文本，不变。"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected
    assert normalize_text(expected) == expected  # idempotent


def test_titles_keep_their_phrase_space():
    assert (
        normalize_text("服务“在一线” 护航经济“开门红”", keep_spaces_between_cjk=True)
        == "服务“在一线” 护航经济“开门红”"
    )
    assert normalize_text("服务“在一线” 护航经济“开门红”") == "服务“在一线”护航经济“开门红”"


def test_byline_names():
    assert split_author_names("金 颖") == ["金颖"]
    assert split_author_names("邵羽晨 郭彧杰") == ["邵羽晨", "郭彧杰"]
    assert split_author_names("李 寄 斯董瑾") == ["李寄", "斯董瑾"]
    assert format_byline("法工委", ["金颖"]) == "（法工委\u3000金\u3000颖）"
    assert (
        format_byline("萧山区人大常委会办公室", ["邵羽晨", "郭彧杰"])
        == "（萧山区人大常委会办公室\u3000邵羽晨\u3000郭彧杰）"
    )
    assert format_byline("代表工委", []) == "（代表工委）"


def _advances(text: str) -> list[float]:
    return [16.0 if ord(c) > 0x2000 else 8.0 for c in text]


def _check_lines(text: str, first_width: float = W - 2 * W / 28, width: float = W) -> list[str]:
    spans = break_lines(
        text,
        _advances(text),
        first_width=first_width,
        width=width,
        base_spacing=GRID,
        min_spacing=GRID - 0.65,
    )
    lines = [text[s.start : s.end] for s in spans]
    assert "".join(lines) == text  # nothing lost, nothing added
    for number, line in enumerate(lines):
        assert line[0] not in LINE_START_FORBIDDEN, lines
        assert line[-1] not in LINE_END_FORBIDDEN, lines
        if spans[number].justify:
            advances = _advances(line)
            avail = first_width if number == 0 else width
            units = justify_spacing(advances, avail, 16)
            end = sum(advances) + sum(units[:-1]) * 16 / 1000
            assert abs(end - avail) <= 0.016, (line, end, avail)
            assert (sum(units[:-1]) / (len(line) - 1)) * 16 / 1000 > GRID - 1.5  # never crushed
    if spans[-1].justify:  # only a last line pulled in by tightening is justified
        last = _advances(lines[-1])
        avail = first_width if len(lines) == 1 else width
        assert sum(last) + (len(last) - 1) * GRID > avail, lines[-1]
    return lines


def test_closing_punctuation_never_starts_a_line():
    # 26 characters fill the indented first line; the comma would start line two.
    lines = _check_lines("近" * 26 + "，" + "年" * 30)
    assert lines[0].endswith("，")  # pulled back onto the line (compressed)


def test_two_closing_marks_push_a_character_down():
    lines = _check_lines("近" * 25 + "好”。" + "年" * 30)
    assert lines[1].startswith("好”。") or lines[0].endswith("好”。")


def test_opening_quote_never_ends_a_line():
    lines = _check_lines("近" * 25 + "“数字”" + "年" * 30)
    assert not lines[0].endswith("“")


def test_numbers_are_not_split():
    lines = _check_lines("近" * 25 + "20241025年" + "年" * 30)
    assert any("20241025" in line for line in lines)


def test_random_paragraphs_obey_the_rules():
    rng = random.Random(703)
    alphabet = "人大常委会代表建议办理监督" * 4 + "，。、；：？！“”（）《》" + "0123456789"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 200)))
        text = text.lstrip("".join(LINE_START_FORBIDDEN)).rstrip("".join(LINE_END_FORBIDDEN)) or "人"
        _check_lines(text)


def test_justify_spacing_lands_on_the_edge():
    advances = [16.0] * 28
    units = justify_spacing(advances, W, 16)
    assert abs(sum(advances) + sum(units[:-1]) * 16 / 1000 - W) < 0.016
    assert set(units[:-1]) <= {-13, -14}


def _document() -> IssueDocument:
    return IssueDocument(
        publication_name="杭州人大信息",
        compiler="杭州市人大常委会研究室编",
        edition_label="普刊",
        year=2024,
        number=15,
        total_number=703,
        date=dt.date(2024, 10, 25),
        sections=[
            Section(
                "要闻速递",
                "articles",
                [
                    ArticleItem(
                        "标题", [[Run("一是", True), Run("正文 2024 年。")]], "第二行", "法工委", ["金 颖"]
                    )
                ],
            ),
            Section("监督纵横", "articles", []),
            Section(
                "信息摘登",
                "briefs",
                [BriefItem([Run("上城区人大常委会坚持监督。")], "上城区人大常委会办公室", ["瓮文允"])],
            ),
        ],
        distribution=["省人大常委会办公厅、研究室", "市人大常委会组成人员"],
        editor_name="杨青青",
        editor_phone="(0571)85250657",
        extra_line="",
    )


def test_document_round_trips_through_json():
    document = _document()
    data = json.loads(json.dumps(document.to_dict(), ensure_ascii=False))
    assert IssueDocument.from_dict(data) == document
    assert IssueDocument.from_dict(data).to_dict() == data


def test_document_rejects_unknown_versions():
    data = _document().to_dict() | {"version": 99}
    with pytest.raises(ValueError):
        IssueDocument.from_dict(data)


def test_toc_metadata_and_normalisation():
    document = _document().normalized()
    assert [(e.section, e.titles) for e in document.toc()] == [
        ("要闻速递", ["标题第二行"]),
        ("信息摘登", ["1 则"]),
    ]
    assert document.pdf_title == "杭州人大信息 2024年第15期(总第703期)"
    assert document.date_label == "2024年10月25日"
    article = document.sections[0].items[0]
    assert article.paragraphs == [[Run("一是", True), Run("正文2024年。")]]
    assert article.byline == "（法工委\u3000金\u3000颖）"
    brief = document.sections[2].items[0]
    assert brief.paragraph[0] == Run("上城区人大常委会", True)


def test_bold_unit_name_from_byline_or_text():
    paragraph = [Run("滨江区人大常委会西兴街道工委高度关注青年人才创业。")]
    assert bold_unit_name(paragraph, "滨江区人大常委会西兴街道工委")[0] == Run(
        "滨江区人大常委会西兴街道工委", True
    )
    assert bold_unit_name([Run("富阳区人大常委会积极推动。")], "")[0] == Run("富阳区人大常委会", True)
    marked = [Run("临平区人大常委会", True), Run("扎实有序开展。")]
    assert bold_unit_name(marked, "临平区人大常委会办公室") == marked


def test_licensed_font_folder(tmp_path):
    assert find_licensed(tmp_path) == {}
    shutil.copy(FANDOL_DIR / "FandolFang-Regular.otf", tmp_path / "仿宋_GB2312.ttf")
    shutil.copy(FANDOL_DIR / "FandolSong-Bold.otf", tmp_path / "方正小标宋简体.otf")
    (tmp_path / "readme.txt").write_text("not a font")
    found = find_licensed(tmp_path)
    assert set(found) == {"body", "title"}
    fonts = font_set(str(tmp_path))
    assert fonts.roles["body"].path == tmp_path / "仿宋_GB2312.ttf" and fonts.roles["body"].licensed
    assert fonts.roles["kai"].path.name == "LXGWWenKai-Regular.ttf"  # no licensed 楷体: the free face
    assert (tmp_path / "仿宋_GB2312.ttf").as_uri() in fonts.font_face_css()
    assert font_set("").roles["body"].path.name == "FandolFang-Regular.otf"


def test_fallback_faces_have_the_rare_characters():
    fonts = font_set("")
    for char in "彧祎":
        face = fonts.face_for("body", char)
        assert ord(char) in face_metrics(face)
        assert face.key != "body"  # FandolFang lacks them


def test_every_seed_character_has_a_face():
    fonts = font_set("")
    for name in ("2024-01", "2024-06", "2024-15"):
        text = seed_path(name).read_text(encoding="utf-8")
        for char in set(text) - set(" \n\t"):
            for role in ("body", "bold", "title", "kai"):
                assert ord(char) in face_metrics(fonts.face_for(role, char)), (name, char, role)


def test_seed_builder_recovers_the_issues():
    issue = build_seed_document("2024-15")
    assert (issue.year, issue.number, issue.total_number, issue.date) == (
        2024,
        15,
        703,
        dt.date(2024, 10, 25),
    )
    assert [s.name for s in issue.sections] == ["要闻速递", "助力攻坚", "监督纵横", "情况交流", "信息摘登"]
    assert [len(s.items) for s in issue.sections] == [2, 3, 1, 2, 5]
    first = issue.sections[0].items[0]
    # The paragraph broken at the page end ("不再" / "强调事前审批") is whole again.
    assert "可以处理的不再强调事前审批" in "".join(r.text for r in first.paragraphs[2])
    assert (first.byline_org, first.byline_authors) == ("法工委", ["金颖"])
    assert issue.distribution[0] == "省人大常委会办公厅、研究室"
    assert (issue.editor_name, issue.editor_phone) == ("杨青青", "(0571)85250657")

    january = build_seed_document("2024-01")
    chunan = january.sections[2].items[2]
    assert (chunan.title, chunan.subtitle) == ("淳安县：“片区组团”履职新模式", "激发代表履职热情")
    lead = january.sections[0].items[0].paragraphs[1][0]
    assert lead.bold and lead.text.startswith("一是完善工作机制")
    assert january.sections[1].items[0].byline_authors == ["蔡静", "张雄杰"]
    assert january.extra_line.startswith("(信息报送网址")


def _segments(text: str) -> list[str]:
    from printing.typography import break_opportunities

    cuts = [0, *break_opportunities(text), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


@pytest.mark.parametrize(
    ("text", "unbroken"),
    [
        ("规划期为2024—2026年", "2024—"),  # a connector never starts a line
        ("每年安排3～5次", "3～"),
        ("温差5－8度", "5－"),
        ("专项经费￥120万元", "￥120"),  # a prefix sign stays with its number
        ("误差控制在±3%以内", "±3%"),  # … and a postfix sign with its number
        ("第№5号，编号＃12", "№5"),
        ("增长5‰，气温25℃，角度30°", "5‰"),
        ("联络站――群众", "――"),  # a dash in any code point is never split
        ("联络站──群众", "──"),
        ("联络站——群众", "——"),
        ("等等……还有", "……"),  # an ellipsis in any code point
        ("等等⋯⋯还有", "⋯⋯"),
        ("聚焦DRG支付方式", "DRG"),  # Latin words and abbreviations whole
        ("高校经济2.0版", "2.0"),
        ("这是“双向奔赴”的", "“双"),  # an opening mark never ends a line
        ("完成。下一步", "成。"),  # a full stop never starts a line
        ("市、区两级", "市、"),
        ("中国·杭州", "国·"),
        # Review texts (other texts of the same kinds):
        ("价格$ 200元", "$ 200"),  # a prefix sign followed by a space keeps its number
        ("第№ 5号楼", "№ 5"),
        ("误差± 3毫米", "± 3"),
        ("见( abc )一文", "( abc"),  # … and an opening mark the word after it
        ("ＧＤＰ增长５．２％", "ＧＤＰ"),  # full-width letters and digits are words too
        ("增长５．２％，", "５．２％"),
        ("共１２３４５６件", "１２３４５６"),
        ("合计3500元整", "3500元"),  # 元 after a number is its postfix sign
        ("合计３５元整", "３５元"),
        ("代表〰群众", "表〰"),  # the wavy dashes are connectors
        ("2024〜2026年", "2024〜"),
        ("代表〰〰群众", "〰〰"),
        ("代表﹏﹏群众", "﹏﹏"),
    ],
)
def test_break_opportunities_obey_the_table(text, unbroken):
    segments = _segments(text)
    assert "".join(segments) == text
    start = text.index(unbroken)
    cuts = {sum(len(s) for s in segments[:i]) for i in range(len(segments) + 1)}
    assert not any(start < cut < start + len(unbroken) for cut in cuts), segments


def test_a_closing_and_an_opening_quote_may_break_between_them():
    # UAX #14 keeps quotation marks with both neighbours; between two quoted names
    # (clreq) the line may break.
    text = "西湖区：“人大代表+网格员”“联络站+社区”双联模式"
    assert text.index("”“") + 1 in _cut_points(text)
    assert "《条例》《办法》".index("》《") + 1 in _cut_points("《条例》《办法》")


def _cut_points(text: str) -> set[int]:
    segments = _segments(text)
    return {sum(len(s) for s in segments[:i]) for i in range(1, len(segments))}


def test_addresses_break_after_their_separators_only():
    segments = _segments("网址为https://www.example.gov.cn/col/art_9f8e.html，欢迎查阅。")
    assert "https://" in segments and "www." in segments and "art_" in segments
    assert "9f8e." in segments and "html，" in segments
    mail = _segments("邮箱：renda_xinxi@example-district.gov.cn。")
    assert mail[-6:] == ["renda_", "xinxi@", "example-", "district.", "gov.", "cn。"]
    # Between Chinese characters every place is a break: UAX #14's LB31.
    assert _segments("人大常委会") == list("人大常委会")


def test_spacing_bounds_hold_and_ragged_lines_say_why():
    low, high = SPACING_BOUNDS_EM
    text = "账号为" + "A" * 80 + "，请核对。"
    advances = [8.0 if c == "A" else 16.0 for c in text]
    spans = break_lines(
        text,
        advances,
        first_width=W - 2 * W / 28,
        width=W,
        base_spacing=GRID,
        min_spacing=low * 16,
        max_spacing=high * 16,
    )
    assert "".join(text[s.start : s.end] for s in spans) == text
    notes = [s.note for s in spans if s.note]
    assert notes and all(not s.justify for s in spans if s.note)
    for span in spans:
        if span.justify:
            line = advances[span.start : span.end]
            spacing = (W - sum(line)) / (len(line) - 1)
            assert low * 16 - 0.01 <= spacing <= high * 16 + 0.01
