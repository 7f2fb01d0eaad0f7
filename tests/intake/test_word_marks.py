"""What Word marks or hides is asked about or named, never kept silently: struck-through
text, hidden text, symbol-font characters, generated fields (目录, stale cross-references,
dates), bodies held in altChunk parts, packages without a styles part, titles that stand
only in the page header. Every input is a real .docx, written the way Word, WPS or an OA's
"导出Word" writes it (raw parts with zipfile where python-docx cannot)."""

from __future__ import annotations

import base64
import io
import quopri
import zipfile

import pytest

from intake.docx_import import TITLE_MAX_CHARS, DocxImportError, import_document
from intake.formats import soffice_path
from intake.wordml import Limits
from submissions.forms import PieceForm
from tests.paths import CASES
from tests.word_files import NAMESPACES, b, build_docx, p, r

TITLE = p(b("西湖区：“三化”推进代表联络站建设"), ppr='<w:jc w:val="center"/>')
WORD3 = CASES / "word3"


def imported(body: str, **kwargs):
    keep = kwargs.pop("keep_struck", frozenset())
    return import_document(build_docx(TITLE + body, **kwargs), keep_struck=keep)


def paragraphs(html: str) -> list[str]:
    return html.removeprefix("<p>").removesuffix("</p>").split("</p><p>")


# --- struck-through text ------------------------------------------------------------------


def test_the_strikethrough_case_drops_struck_text_and_names_it():
    result = import_document((WORD3 / "04-strikethrough-manual-edit.docx").read_bytes())
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert paragraphs(result.body_html) == [
        "全区共建成代表联络站12个，实现街道全覆盖。",
        "下一步，将组织代表每月进站接待群众。",
    ]
    assert result.dropped[0].startswith(
        "删除线文字 2 处未导入：“15个”、“计划于年底前完成全部站点的标准化改造。”"
    )
    assert [(s["text"], s["whole"], s["kept"]) for s in result.struck] == [
        ("15个", False, False),
        ("计划于年底前完成全部站点的标准化改造。", True, False),
    ]
    fragment = result.struck[0]
    assert (fragment["before"], fragment["after"]) == ("全区共建成代表联络站", "12个，实现街道全覆盖。")
    assert fragment["place"] == "第 2 段中"


def test_a_struck_passage_the_contributor_keeps_is_taken_in_and_said_so():
    data = (WORD3 / "04-strikethrough-manual-edit.docx").read_bytes()
    result = import_document(data, keep_struck={1})
    assert paragraphs(result.body_html) == [
        "全区共建成代表联络站12个，实现街道全覆盖。",
        "下一步，将组织代表每月进站接待群众。计划于年底前完成全部站点的标准化改造。",
    ]
    assert result.dropped[0] == ("删除线文字 1 处未导入：“15个”（Word 中划了删除线；如需保留，请在下方勾选）")
    assert result.kept[0] == "删除线文字 1 处已按您的选择导入：“计划于年底前完成全部站点的标准化改造。”"
    assert [s["kept"] for s in result.struck] == [False, True]


@pytest.mark.parametrize(
    ("rpr", "styles"),
    [
        ("<w:dstrike/>", ""),
        ('<w:rStyle w:val="Deleted"/>', '<w:style w:type="character" w:styleId="Deleted"><w:name w:val="Deleted"/>'
         "<w:rPr><w:strike/></w:rPr></w:style>"),
        ('<w:rStyle w:val="Deleted2"/>', '<w:style w:type="character" w:styleId="Deleted"><w:name w:val="Deleted"/>'
         '<w:rPr><w:strike/></w:rPr></w:style><w:style w:type="character" w:styleId="Deleted2">'
         '<w:name w:val="Deleted2"/><w:basedOn w:val="Deleted"/></w:style>'),
    ],
)  # fmt: skip
def test_double_and_style_strikethrough_are_held_back(rpr, styles):
    result = imported(p(r("全区共建成代表联络站"), r("15个", rpr), r("12个。")), styles=styles)
    assert paragraphs(result.body_html) == ["全区共建成代表联络站12个。"]
    assert [s["text"] for s in result.struck] == ["15个"]


def test_a_paragraph_style_with_strikethrough_strikes_its_text_unless_a_run_says_not():
    styles = (
        '<w:style w:type="paragraph" w:styleId="Old"><w:name w:val="Old"/>'
        "<w:rPr><w:strike/></w:rPr></w:style>"
    )
    body = p(r("原计划年内建成。"), ppr='<w:pStyle w:val="Old"/>') + p(
        r("不划线的话。", '<w:strike w:val="0"/>'), ppr='<w:pStyle w:val="Old"/>'
    )
    result = imported(p(r("第一段。")) + body, styles=styles)
    assert paragraphs(result.body_html) == ["第一段。", "不划线的话。"]
    assert [(s["text"], s["whole"]) for s in result.struck] == [("原计划年内建成。", True)]


def test_a_file_whose_text_is_all_struck_is_refused_with_the_reason():
    data = build_docx(p(r("全区共建成代表联络站15个。", "<w:strike/>")))
    with pytest.raises(DocxImportError, match="文字都划了删除线"):
        import_document(data)
    assert import_document(data, keep_struck={0}).body_html == "<p>全区共建成代表联络站15个。</p>"


# --- hidden text -------------------------------------------------------------------------------


def test_hidden_text_never_enters_and_each_passage_is_named():
    styles = (
        '<w:style w:type="character" w:styleId="Internal"><w:name w:val="Internal"/>'
        "<w:rPr><w:vanish/></w:rPr></w:style>"
    )
    body = (
        p(r("全区新建代表联络站12个"), r("（此处数据待核实，请勿外发）", "<w:vanish/>"), r("。"))
        + p(r("下一步，将组织代表定期进站接待群众。"), r("内部备注", '<w:rStyle w:val="Internal"/>'))
        + p(r("第三段。"), r("网页中隐藏", "<w:webHidden/>"), r("标记", "<w:specVanish/>"))
    )
    result = imported(body, styles=styles)
    assert paragraphs(result.body_html) == [
        "全区新建代表联络站12个。",
        "下一步，将组织代表定期进站接待群众。",
        "第三段。",
    ]
    line = next(d for d in result.dropped if d.startswith("隐藏文字"))
    assert line == (
        "隐藏文字 3 处未导入：第 2 段中“（此处数据待核实，请勿外发）”；"
        "第 3 段中“内部备注”；第 4 段中“网页中隐藏标记”（Word 中设为隐藏，不显示）"
    )


# --- symbol fonts ---------------------------------------------------------------------------


def sym(font: str, char: str) -> str:
    return f'<w:r><w:sym w:font="{font}" w:char="{char}"/></w:r>'


def test_symbols_inserted_from_the_symbol_font_read_as_the_characters_word_shows():
    body = (
        p(r("最高气温26"), sym("Symbol", "F0B0"), r("C，场地6"), sym("Symbol", "F0B4"), r("8米。"))
        + p(r("角度"), sym("Symbol", "F061"), r("与"), sym("Symbol", "F062"), r("。"))
        + p(r("气温30"), sym("Symbol", "F0B0"), r("C左右，夜间18"), sym("Symbol", "F0B0"), r("。"))
    )
    result = imported(body)
    assert paragraphs(result.body_html) == [
        "最高气温26℃，场地6×8米。",
        "角度α与β。",
        "气温30℃左右，夜间18°。",
    ]
    assert not any("符号" in d for d in result.dropped)


def test_runs_in_wingdings_are_mapped_through_the_published_table():
    wingdings = '<w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/>'
    wingdings2 = '<w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2" w:eastAsia="宋体"/>'
    styles = (
        '<w:style w:type="character" w:styleId="Tick"><w:name w:val="Tick"/>'
        f"<w:rPr>{wingdings2}</w:rPr></w:style>"
    )
    body = (
        p(r("Ø", wingdings), r("视察代表联络站。"))
        + p(r("R", wingdings2), r("已完成。"))
        + p(r("P", '<w:rStyle w:val="Tick"/>'), r("已核实。"))
        + p(r("\uf0d8", wingdings), r("私用区写法。"))
        + p(sym("Wingdings", "F0FC"), r("打勾。"))
    )
    result = imported(body, styles=styles)
    # ⮚ ☑ 🗸 are in no print face: the nearest one the print has stands in, named.
    assert paragraphs(result.body_html) == [
        "▶视察代表联络站。", "■已完成。", "✓已核实。", "▶私用区写法。", "✓打勾。",
    ]  # fmt: skip
    assert (
        "符号 4 处改为印刷字体中的相近符号：⮚→▶、☑→■、🗸→✓（原符号印刷字体中没有，会印成方框）" in result.kept
    )


def test_symbol_characters_without_an_equivalent_are_named_with_their_place():
    body = (
        p(r("第一段。"))
        + p(r("第二段"))
        + p(
            r("列表"),
            sym("Wingdings", "F0FF"),
            r("与"),
            r("\x80", '<w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/>'),
            r("。"),
        )
    )
    result = imported(body)
    assert paragraphs(result.body_html)[-1] == "列表与。"
    assert (
        "符号字体字符 2 处无法转换：第 4 段中（Wingdings 字体 F0FF）；第 4 段中（Symbol 字体 0080）"
        "（没有对应的标准字符，未导入，请核对后补上）" in result.dropped
    )


# --- fields ------------------------------------------------------------------------------------


def test_the_toc_case_skips_the_contents_and_its_heading():
    result = import_document((WORD3 / "07-word-toc-field.docx").read_bytes())
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    body = paragraphs(result.body_html)
    assert body[0] == "<strong>一、建强阵地</strong>"
    assert "目" not in result.body_html.split("</p>")[0]
    assert body.count("<strong>一、建强阵地</strong>") == 1 and not any("\t" in line for line in body)
    assert "已跳过 Word 自动目录（目录条目和页码不导入正文）" in result.kept


def field(code: str, result: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{r(result)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def test_a_content_control_toc_as_word_inserts_it_is_skipped():
    toc = (
        '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>"
        + p(r("目录"), ppr='<w:pStyle w:val="TOCHeading"/>')
        + p(field('TOC \\o "1-3" \\h \\z \\u', "一、建强阵地\t1"))
        + "</w:sdtContent></w:sdt>"
    )
    result = import_document(build_docx(toc + TITLE + p(r("全区新建代表联络站12个。"))))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == "<p>全区新建代表联络站12个。</p>"
    assert "已跳过 Word 自动目录（目录条目和页码不导入正文）" in result.kept


@pytest.mark.parametrize(
    ("fld", "name"),
    [
        ('<w:fldSimple w:instr=" TOC \\o &quot;1-2&quot; "><w:r><w:t>一、建强阵地 1</w:t></w:r></w:fldSimple>', "目录"),
        (field("INDEX \\c 2", "代表联络站，3"), "索引"),
        (field("BIBLIOGRAPHY", "[1] 某某。"), "参考文献目录"),
    ],
)  # fmt: skip
def test_index_bibliography_and_simple_toc_fields_are_skipped_with_a_note(fld, name):
    result = imported(p(r("全区新建代表联络站12个。")) + p(fld))
    assert result.body_html == "<p>全区新建代表联络站12个。</p>"
    assert f"已跳过 Word 自动{name}（{name}条目和页码不导入正文）" in result.kept


@pytest.mark.parametrize(
    "error", ["错误！未找到引用源。", "错误！书签未定义。", "Error! Reference source not found."]
)
def test_a_stale_cross_reference_is_flagged_not_imported(error):
    body = p(r("详见")) + p(r("详见"), field("REF _Ref123 \\h", error), r("的规定。"))
    result = imported(body)
    assert paragraphs(result.body_html)[-1] == "详见的规定。"
    assert f"第 3 段中的交叉引用显示“{error}”（所引内容已不存在），未导入，请补写所引内容" in result.dropped


def test_any_field_showing_word_s_error_text_is_flagged():
    result = imported(p(r("单位："), field("DOCPROPERTY Company", "错误！未知的文档属性名称。"), r("。")))
    assert paragraphs(result.body_html)[-1] == "单位：。"
    assert (
        "第 2 段中的Word 域（DOCPROPERTY）显示“错误！未知的文档属性名称。”（所引内容已不存在），未导入，请补写所引内容"
        in result.dropped
    )


def test_a_working_cross_reference_and_a_date_are_kept_as_displayed():
    body = p(r("详见"), field("PAGEREF _Toc1 \\h", "第二条"), r("。")) + p(
        r("印发日期："), field('DATE \\@ "yyyy年M月d日"', "2024年3月1日")
    )
    result = imported(body)
    assert paragraphs(result.body_html) == ["详见第二条。", "印发日期：2024年3月1日"]
    assert (
        "第 3 段中的日期域按 Word 显示导入为“2024年3月1日”（Word 打开时会自动更新，请核对日期）"
        in result.kept
    )


# --- raw packages: no styles part, altChunk, headers -------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{extra}'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def raw_docx(body: str, parts: dict[str, tuple[str, bytes, str]] | None = None, *, sect: str = "") -> bytes:
    """A package as a generator without python-docx writes it: only [Content_Types].xml,
    the relationships, document.xml and the parts given (id → (type, bytes, name)); no
    styles, numbering, theme or settings parts."""
    parts = parts or {}
    rels = "".join(
        f'<Relationship Id="{rel_id}" Type="{REL_TYPE}{kind}" Target="{name}"/>'
        for rel_id, (kind, _, name) in parts.items()
    )
    extensions = {name.rsplit(".", 1)[-1] for _, _, name in parts.values()} - {"xml"}
    defaults = "".join(
        f'<Default Extension="{ext}" ContentType="application/octet-stream"/>' for ext in extensions
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES.format(extra=defaults))
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}>'
            f"<w:body>{body}<w:sectPr>{sect}</w:sectPr></w:body></w:document>",
        )
        package.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for _, data, name in parts.values():
            package.writestr(f"word/{name}", data)
    return out.getvalue()


def test_a_package_without_styles_numbering_theme_or_settings_reads_with_word_defaults():
    body = (
        TITLE
        + p(b("一是建强阵地。"), r("全区新建代表联络站12个。"))
        + p(r("（西湖区人大常委会办公室 钱苏晚）"))
    )
    result = import_document(raw_docx(body))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == "<p><strong>一是建强阵地。</strong>全区新建代表联络站12个。</p>"
    assert result.byline == "西湖区人大常委会办公室 钱苏晚"


def alt_chunk(data: bytes, name: str) -> bytes:
    return raw_docx('<w:altChunk r:id="rIdAlt"/>', {"rIdAlt": ("aFChunk", data, name)})


OA_HTML = (
    "<html><head><title>导出</title><style>p{margin:0}</style></head><body>"
    '<p align="center"><b>西湖区：“三化”推进代表联络站建设</b></p>'
    "<p><b>一是建强阵地。</b>全区新建代表联络站12个，实现街道全覆盖。</p>"
    "<p>（西湖区人大常委会办公室 钱苏晚）</p></body></html>"
)
OA_BODY = "<p><strong>一是建强阵地。</strong>全区新建代表联络站12个，实现街道全覆盖。</p>"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_altchunk_html_body_is_read_through_the_paste_path(encoding):
    html = OA_HTML.replace(
        "<head>", f'<head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
    )
    result = import_document(alt_chunk(html.encode(encoding), "afchunk.htm"))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == OA_BODY
    assert result.byline == "西湖区人大常委会办公室 钱苏晚"


@pytest.mark.parametrize(
    ("charset", "transfer"), [("gb2312", "base64"), ("GBK", "quoted-printable"), ("utf-8", "8bit")]
)
def test_an_altchunk_mht_body_is_read_by_its_html_part_and_charset(charset, transfer):
    html = OA_HTML.encode("gb18030" if charset != "utf-8" else "utf-8")
    if transfer == "base64":
        payload = base64.encodebytes(html)
    elif transfer == "quoted-printable":
        payload = quopri.encodestring(html)
    else:
        payload = html
    mht = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        b"------=_NextPart_01\r\nContent-Location: file:///C:/export.htm\r\n"
        + f'Content-Transfer-Encoding: {transfer}\r\nContent-Type: text/html; charset="{charset}"\r\n\r\n'.encode()
        + payload
        + b"\r\n------=_NextPart_01\r\nContent-Location: file:///C:/image001.png\r\n"
        b"Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\niVBORw0KGgo=\r\n"
        b"------=_NextPart_01--\r\n"
    )
    result = import_document(alt_chunk(mht, "afchunk.mht"))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == OA_BODY


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")
def test_an_altchunk_rtf_body_is_converted_as_an_rtf_upload_is():
    rtf = (
        rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}"
        rb"\pard\qc\b \u35199?\u28246?\u21306?\u20195?\u34920?\u32852?\u32476?\u31449?\u24314?\u35774?\b0\par"
        rb"\pard \u20840?\u21306?\u26032?\u24314?\u20195?\u34920?\u32852?\u32476?\u31449?12\u20010?\u12290?\par}"
    )
    result = import_document(alt_chunk(rtf, "afchunk.rtf"))
    assert result.title == "西湖区代表联络站建设"
    assert result.body_html == "<p>全区新建代表联络站12个。</p>"


def test_an_altchunk_docx_is_read_and_one_nested_inside_it_is_named():
    inner = raw_docx(
        TITLE
        + p(r("全区新建代表联络站"), r("15个", "<w:strike/>"), r("12个。"))
        + '<w:altChunk r:id="rIdAlt"/>',
        {"rIdAlt": ("aFChunk", OA_HTML.encode(), "deeper.htm")},
    )
    result = import_document(alt_chunk(inner, "afchunk.docx"))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == "<p>全区新建代表联络站12个。</p>"
    assert [s["text"] for s in result.struck] == ["15个"]
    assert "未导入：第 2 段后的嵌入的外部文档（嵌入文档中又嵌入的文档，未导入）" in result.dropped


def test_altchunk_parts_are_bounded_like_uploads():
    html = OA_HTML.encode()
    many = raw_docx(
        "".join(f'<w:altChunk r:id="rId{i}"/>' for i in range(3)),
        {f"rId{i}": ("aFChunk", html, f"chunk{i}.htm") for i in range(3)},
    )
    with pytest.raises(DocxImportError, match="嵌入的文档超过 2 个"):
        import_document(many, limits=Limits(alt_chunks=2))
    big = alt_chunk(b"<p>" + "字".encode() * 40_000 + b"</p>", "afchunk.htm")
    with pytest.raises(DocxImportError, match="嵌入的文档过大"):
        import_document(big, limits=Limits(part_bytes=100_000))
    with pytest.raises(DocxImportError, match="文件内容过多"):
        import_document(alt_chunk(html, "afchunk.htm"), limits=Limits(chars=20))
    # Refused before the page is parsed: far too many tags, blocks or characters.
    nested = b"<p>" + b"<span>" * 60_000 + "字".encode() + b"</span>" * 60_000 + b"</p>"
    with pytest.raises(DocxImportError, match="文件内容过多"):
        import_document(alt_chunk(nested, "afchunk.htm"))
    with pytest.raises(DocxImportError, match="文件内容过多"):
        import_document(alt_chunk("<p>字</p>".encode() * 20_000, "afchunk.htm"))


def header(*texts: str) -> bytes:
    centred = "".join(p(r(text), ppr='<w:jc w:val="center"/>') for text in texts)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NAMESPACES}>{centred}</w:hdr>'.encode()


def test_a_title_standing_only_in_the_page_header_is_offered_and_named():
    body = p(r("全区新建代表联络站12个，实现街道全覆盖。")) + p(r("下一步，将组织代表定期进站接待群众。"))
    data = raw_docx(
        body,
        {
            "rIdH": (
                "header",
                header("西湖区人大常委会", "西湖区：“三化”推进代表联络站建设", "第 1 页"),
                "header1.xml",
            ),
            "rIdF": ("footer", header("— 1 —"), "footer1.xml"),
        },
        sect='<w:headerReference w:type="default" r:id="rIdH"/>',
    )
    result = import_document(data)
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert paragraphs(result.body_html) == [
        "全区新建代表联络站12个，实现街道全覆盖。",
        "下一步，将组织代表定期进站接待群众。",
    ]
    assert "正文开头没有标题，标题取自页眉“西湖区：“三化”推进代表联络站建设”，请核对" in result.kept
    assert (
        "未导入：页眉“西湖区人大常委会 西湖区：“三化”推进代表联络站建设 第 1”（每页显示，未导入正文）"
        in result.dropped
    )


@pytest.mark.parametrize(
    "lines",
    [
        ("内部资料　注意保存",),
        ("杭州市西湖区人大常委会办公室",),
        ("西湖区人大常委会", "2024年3月"),
        ("第 1 页",),
    ],
)
def test_a_header_of_the_office_name_or_a_handling_mark_is_not_offered_as_the_title(lines):
    body = p(r("全区新建代表联络站12个，实现街道全覆盖。"))
    data = raw_docx(
        body,
        {"rIdH": ("header", header(*lines), "header1.xml")},
        sect='<w:headerReference w:type="default" r:id="rIdH"/>',
    )
    result = import_document(data)
    assert result.title == ""
    assert "没有识别出标题，请手动填写。" in result.warnings


def test_a_body_title_wins_over_the_header():
    data = raw_docx(
        TITLE + p(r("全区新建代表联络站12个。")),
        {"rIdH": ("header", header("杭州市西湖区人大常委会"), "header1.xml")},
        sect='<w:headerReference w:type="default" r:id="rIdH"/>',
    )
    result = import_document(data)
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert "未导入：页眉“杭州市西湖区人大常委会”（每页显示，未导入正文）" in result.dropped


def test_titles_up_to_the_forms_limit_are_recognised():
    assert PieceForm.base_fields["title"].max_length == TITLE_MAX_CHARS
    long_title = "西湖区人大常委会" + "聚焦代表联络站建设" * 6  # 62 characters
    assert 40 < len(long_title) <= TITLE_MAX_CHARS
    result = import_document(build_docx(p(b(long_title), ppr='<w:jc w:val="center"/>') + p(r("正文。"))))
    assert result.title == long_title
    assert result.body_html == "<p>正文。</p>"


def test_a_theme_font_or_the_east_asian_hint_is_not_read_as_a_symbol_font():
    body = p(
        r("A", '<w:rFonts w:ascii="Wingdings" w:asciiTheme="minorHAnsi"/>'),
        r("6×8米", '<w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:eastAsia="宋体" w:hint="eastAsia"/>'),
    )
    assert imported(body).body_html == "<p>A6×8米</p>"
    # Ø is not one of the shared characters: it is drawn in Wingdings, the hint or not.
    arrow = p(r("Ø", '<w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings" w:hint="eastAsia"/>'), r("视察。"))
    assert imported(arrow).body_html == "<p>▶视察。</p>"  # ⮚, set as the print can


def test_what_a_reported_table_marks_or_hides_is_not_offered_apart():
    table = (
        "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc>"
        + p(r("旧数"), r("15个", "<w:strike/>"), r("备注", "<w:vanish/>"))
        + "</w:tc></w:tr></w:tbl>"
    )
    result = imported(p(r("第一段。")) + table)
    assert result.struck == [] and not any(d.startswith("隐藏文字") for d in result.dropped)
    assert "未导入：第 2 段后的表格（1 行 1 列）" in result.dropped
