"""Word's bullets in symbol fonts, a 目录 that is no longer a field, the text a broken
field leaves, and an embedded page's struck text: each read as Word shows it or named,
never kept silently. Every input is a real .docx written the way Word writes its parts
(numbering.xml bullets as Word 2016's bullet library writes them: lvlText "Ø", "l", U+F0FC,
U+F0B7 with w:rFonts Wingdings/Symbol and w:hint="default")."""

from __future__ import annotations

import io
import zipfile

from intake.docx_import import import_document
from tests.word_files import b, build_docx, p, r

TITLE = p(b("西湖区：“三化”推进代表联络站建设"), ppr='<w:jc w:val="center"/>')


def paragraphs(html: str) -> list[str]:
    return html.removeprefix("<p>").removesuffix("</p>").split("</p><p>")


def bullet_level(char: str, font: str) -> str:
    return (
        '<w:lvl w:ilvl="0" w:tplc="04090009"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        f'<w:lvlText w:val="{char}"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="420" w:hanging="420"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr></w:lvl>'
    )


BULLETS = [
    ("Ø", "Wingdings"),
    ("l", "Wingdings"),
    ("\uf0fc", "Wingdings"),
    ("\uf0b7", "Symbol"),
    ("\uf06e", "Wingdings"),
]
NUMBERING = "".join(
    f'<w:abstractNum w:abstractNumId="{i}"><w:multiLevelType w:val="hybridMultilevel"/>{bullet_level(c, f)}</w:abstractNum>'
    for i, (c, f) in enumerate(BULLETS)
) + "".join(f'<w:num w:numId="{i + 1}"><w:abstractNumId w:val="{i}"/></w:num>' for i in range(len(BULLETS)))


def item(text: str, num: int) -> str:
    return p(
        r(text),
        ppr=f'<w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>',
    )


def test_symbol_font_bullets_of_word_lists_are_the_characters_word_draws():
    body = "".join(
        item(text, n) for n, text in enumerate(["视察。", "接待。", "完成。", "通报。", "方块。"], 1)
    )
    result = import_document(build_docx(TITLE + body, numbering=NUMBERING))
    # Wingdings Ø is ⮚ (set as ▶, which the print has), l ●, U+F0FC ✓, Symbol U+F0B7 •, n ◼.
    assert paragraphs(result.body_html) == ["▶视察。", "⚫接待。", "✓完成。", "•通报。", "◼方块。"]
    assert "符号 1 处改为印刷字体中的相近符号：⮚→▶（原符号印刷字体中没有，会印成方框）" in result.kept


def test_a_contents_in_toc_styles_is_skipped_with_its_heading():
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="TOC{n}"><w:name w:val="toc {n}"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8296"/></w:tabs></w:pPr></w:style>'
        for n in (1, 2)
    )

    def entry(text: str, page: str, n: int) -> str:
        return p(r(text), "<w:r><w:tab/></w:r>", r(page), ppr=f'<w:pStyle w:val="TOC{n}"/>')

    body = (
        p(r("目  录"), ppr='<w:jc w:val="center"/>')
        + entry("一、建强阵地", "1", 1)
        + entry("（一）站点建设", "1", 2)
        + TITLE
        + p(r("全区新建代表联络站12个。"))
    )
    result = import_document(build_docx(body, styles=styles))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == "<p>全区新建代表联络站12个。</p>"
    assert "已跳过 Word 自动目录（目录条目和页码不导入正文）" in result.kept


def test_a_contents_as_plain_lines_under_its_heading_is_skipped_and_body_lines_are_not():
    tab = "<w:r><w:tab/></w:r>"
    body = (
        p(r("目 录"))
        + p(r("一、建强阵地"), tab, r("1"))
        + p(r("二、完善机制……………………2"))
        + TITLE
        + p(r("全区新建代表联络站12个。"))
        + p(r("附表"), tab, r("3"))  # a tab and a number in the body, not under a 目录 heading
    )
    result = import_document(build_docx(body))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert paragraphs(result.body_html) == ["全区新建代表联络站12个。", "附表 3"]
    assert "已跳过 Word 自动目录（目录条目和页码不导入正文）" in result.kept


def test_stale_field_texts_as_plain_text_are_named_with_their_place():
    body = (
        p(r("详见错误！未找到引用源。所列清单。"))
        + p(r("见Error! Bookmark not defined."))
        + p(r("点击此处输入文字。"))
    )
    result = import_document(build_docx(TITLE + body))
    assert paragraphs(result.body_html)[0] == "详见错误！未找到引用源。所列清单。"
    assert (
        "Word 失效引用或未填占位符留下的文字 3 处：第 2 段中“错误！未找到引用源。”；第 3 段中“Error! Bookmark not defined.”；"
        "第 4 段中“点击此处输入文字。”（已按原样导入，不是原文内容；请补写所引内容或删去）"
    ) in result.dropped


def test_an_embedded_word_page_maps_symbols_and_names_struck_and_class_hidden_text():
    """An altChunk HTML part (an OA's "导出Word") goes through the paste reading."""
    html = (
        "<html><head><style><!-- span.Hid{display:none;mso-hide:all} --></style></head><body>"
        "<p><span style='font-family:Wingdings'>Ø</span>视察。</p>"
        "<p>建成<del>15个</del>12个<span class=Hid>（核实中）</span>。</p></body></html>"
    ).encode()
    data = build_docx(TITLE + '<w:altChunk r:id="rIdHtml"/>')
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdHtml" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/aFChunk" Target="afchunk.htm"/></Relationships>',
                )
            if name == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>", b'<Default Extension="htm" ContentType="text/html"/></Types>'
                )
            target.writestr(name, content)
        target.writestr("word/afchunk.htm", html)
    result = import_document(out.getvalue())
    assert paragraphs(result.body_html) == ["▶视察。", "建成12个。"]
    assert (
        "删除线文字 1 处未导入：第 1 段后嵌入的网页中“15个”（网页中划了删除线或修订中删去的文字）"
        in result.dropped
    )
    assert any(line.startswith("隐藏文字 1 处未导入") and "（核实中）" in line for line in result.dropped)


def test_struck_passages_are_offered_with_their_superscripts_as_word_shows_them():
    sup = '<w:vertAlign w:val="superscript"/>'
    body = p(
        r("面积3200m"),
        r("2", sup),
        r("，原为"),
        r("1500m", "<w:strike/>"),
        r("2", "<w:strike/>" + sup),
        r("。"),
    )
    result = import_document(build_docx(TITLE + body))
    (item,) = result.struck
    assert (item["before"], item["text"], item["after"]) == ("面积3200m²，原为", "1500m²", "。")
    assert "删除线文字 1 处未导入：“1500m²”（Word 中划了删除线；如需保留，请在下方勾选）" in result.dropped


def test_arrows_word_draws_from_the_supplemental_blocks_print_as_the_plain_arrow_and_are_named():
    # Wingdings 0xE8 is U+1F87A (wide-headed rightwards heavy barb arrow), 0xE0 U+1F86A; the
    # print faces have neither, so both stand as → and the report says so.
    numbering = (
        f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>'
        f"{bullet_level(chr(0xF0E8), 'Wingdings')}</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    sym = p(
        '<w:r><w:t>流程：申报</w:t></w:r><w:r><w:sym w:font="Wingdings" w:char="F0E0"/></w:r><w:r><w:t>审核。</w:t></w:r>'
    )
    result = import_document(build_docx(TITLE + item("视察。", 1) + sym, numbering=numbering))
    assert paragraphs(result.body_html) == ["→视察。", "流程：申报→审核。"]
    assert any("符号 2 处改为印刷字体中的相近符号" in note and "🡺→→" in note for note in result.kept)
