"""Files that try to make the server (or the editor's Word) reach out: an .odt with a
linked image or a linked OLE object, a .doc with an INCLUDEPICTURE field, an .rtf and a
.docx with active fields (INCLUDETEXT, DDEAUTO, LINK, MACROBUTTON …) and external
relationships, XML entities. Each is built here for real, converted by the real
LibreOffice, with an HTTP listener on 127.0.0.1 that must receive nothing."""

from __future__ import annotations

import http.server
import io
import re
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from docx import Document

from intake import formats
from intake.cleaning import clean_package
from intake.docx_import import DocxImportError, import_document
from intake.wordml import EntityDeclared, read_word
from tests.word_files import REL, b, build_docx, p, r

TITLE = p(b("西湖区：“三化”推进代表联络站建设"), ppr='<w:jc w:val="center"/>')
ACTIVE = re.compile(r"\b(?:INCLUDEPICTURE|INCLUDETEXT|DDEAUTO|DDE|LINK|IMPORT|MACROBUTTON)\b")


class _Listener:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                listener.requests.append((self.command, self.path))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD = do_OPTIONS = do_POST = do_PROPFIND = _record

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that records every request made to it."""
    server = _Listener()
    yield server
    server.close()


def test_the_listener_hears_a_request():
    """The listener the other tests rely on does hear what is sent to it."""
    server = _Listener()
    try:
        subprocess.run(["python3", "-c", f"import urllib.request; urllib.request.urlopen('{server.base}/x')"])
        assert server.requests == [("GET", "/x")]
    finally:
        server.close()


# --- hostile files ------------------------------------------------------------------------


def odt(body: str) -> bytes:
    """An OpenDocument text file whose office:text is ``body``, as a zip written here."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
        ' xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def odt_linked(base: str, element: str) -> bytes:
    """An .odt with a linked image (``draw:image``) or linked OLE object (``draw:object``)."""
    return odt(
        "<text:p>西湖区：“三化”推进代表联络站建设</text:p>"
        '<text:p>全区新建代表联络站12个。<draw:frame svg:width="2cm" svg:height="2cm">'
        f'<draw:{element} xlink:href="{base}/linked-{element}" xlink:type="simple" xlink:show="embed"'
        ' xlink:actuate="onLoad"/></draw:frame>实现街道全覆盖。</text:p>'
    )


def libreoffice_offline(data: bytes, suffix: str, target: str, tmp_path: Path) -> bytes:
    """A file LibreOffice makes of ``data`` inside a network namespace of its own, so that
    building the hostile file fetches nothing."""
    source = tmp_path / f"made{suffix}"
    source.write_bytes(data)
    subprocess.run(
        [*formats.SANDBOX_COMMAND, formats.soffice_path(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--headless", "--convert-to", target, "--outdir", str(tmp_path / "made"), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (tmp_path / "made" / f"made.{target}").read_bytes()


def hostile_rtf(base: str) -> bytes:
    def field(code: str, result: str) -> str:
        return "{\\field{\\*\\fldinst{ " + code + " }}{\\fldrslt{" + result + "}}}"

    return (
        "{\\rtf1\\ansi{\\pard Title\\par}{\\pard Before "
        + field(f'INCLUDEPICTURE "{base}/rtf-picture.png" \\\\d', "")
        + " middle "
        + field(f'INCLUDETEXT "{base}/rtf-text.txt"', "shown text")
        + " and "
        + field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"', "dde result")
        + " and "
        + field(f'LINK Word.Document.12 "{base}/rtf-link.docx" "" \\\\a', "link result")
        + " end.\\par}}"
    ).encode()


def external_relationships(docx: bytes) -> list[str]:
    """Every external relationship of the package that is not a hyperlink."""
    package = zipfile.ZipFile(io.BytesIO(docx))
    found = []
    for name in package.namelist():
        if name.endswith(".rels"):
            for rel in re.findall(r"<Relationship\b[^>]*>", package.read(name).decode()):
                if 'TargetMode="External"' in rel and "/hyperlink" not in rel:
                    found.append(rel)
    return found


def active_instructions(docx: bytes) -> list[str]:
    """Field instructions (complex and simple) naming an active field, in any part."""
    package = zipfile.ZipFile(io.BytesIO(docx))
    found = []
    for name in package.namelist():
        if name.endswith(".xml"):
            text = package.read(name).decode("utf-8", "replace")
            codes = re.findall(r"<w:instrText[^>]*>([^<]*)<", text) + re.findall(r'w:instr="([^"]*)"', text)
            found += [code for code in codes if ACTIVE.search(code)]
    return found


# --- conversions fetch nothing --------------------------------------------------------------


@pytest.mark.parametrize(("element", "what"), [("image", "链接图片"), ("object", None)])
def test_an_odt_with_a_linked_image_or_object_fetches_nothing(listener, element, what):
    data = odt_linked(listener.base, element)
    assert formats.sniff(data).kind == "odt"
    result = import_document(data)
    assert listener.requests == []
    assert "全区新建代表联络站12个。" in result.body_html
    assert external_relationships(result.source_docx) == []
    if what:
        assert any(
            line.startswith(f"已去除指向外部地址的{what} 1 处（http://127.0.0.1") for line in result.dropped
        ), result.dropped


def test_a_doc_with_an_includepicture_field_fetches_nothing(listener, tmp_path):
    # Word 97 keeps a linked picture as an INCLUDEPICTURE field: LibreOffice writes one so.
    doc = libreoffice_offline(odt_linked(listener.base, "image"), ".odt", "doc", tmp_path)
    assert formats.sniff(doc).kind == "doc"
    assert "INCLUDEPICTURE".encode("utf-16-le") in doc or b"INCLUDEPICTURE" in doc
    assert listener.requests == []
    result = import_document(doc)
    assert listener.requests == []
    assert "全区新建代表联络站12个。" in result.body_html
    assert external_relationships(result.source_docx) == []
    assert active_instructions(result.source_docx) == []


def test_an_rtf_with_active_fields_fetches_nothing_and_keeps_their_text(listener):
    result = import_document(hostile_rtf(listener.base))
    assert listener.requests == []
    assert result.body_html == "<p>Before middle shown text and dde result and link result end.</p>"
    assert active_instructions(result.source_docx) == []
    assert external_relationships(result.source_docx) == []
    line = next(
        line for line in result.dropped if line.startswith("已去除会读取外部内容或运行程序的 Word 域")
    )
    assert (
        "INCLUDETEXT（http://127.0.0.1" in line and "DDEAUTO（" in line and "LINK（http://127.0.0.1" in line
    )
    assert "域所显示的文字已保留" in line


def named(dropped: list[str], *words: str) -> bool:
    return any(all(word in line for word in words) for line in dropped)


def test_what_the_conversion_drops_is_still_named_in_the_report(listener, tmp_path):
    """LibreOffice drops an RTF or Word 97 INCLUDEPICTURE and an .odt's linked object while
    converting: the report still says the file named them, once each."""
    rtf = import_document(hostile_rtf(listener.base)).dropped
    assert named(rtf, "INCLUDEPICTURE（http://127.0.0.1", "转换时未保留"), rtf
    assert sum("INCLUDETEXT（http://127.0.0.1" in line for line in rtf) == 1, rtf
    linked_object = import_document(odt_linked(listener.base, "object")).dropped
    assert named(linked_object, "链接的嵌入对象（OLE）（http://127.0.0.1"), linked_object
    linked_image = import_document(odt_linked(listener.base, "image")).dropped
    assert sum("http://127.0.0.1" in line for line in linked_image) == 1, linked_image
    doc = import_document(libreoffice_offline(odt_linked(listener.base, "image"), ".odt", "doc", tmp_path))
    assert named(doc.dropped, "http://127.0.0.1"), doc.dropped
    assert listener.requests == []


def test_libreoffice_runs_without_network_in_the_sandbox(listener, tmp_path):
    """The namespace the conversions run in has no route to an address the server can reach."""
    command = [
        *formats.SANDBOX_COMMAND,
        "python3",
        "-c",
        f"import urllib.request; urllib.request.urlopen('{listener.base}/from-sandbox', timeout=3)",
    ]
    done = subprocess.run(command, capture_output=True, timeout=30)
    assert done.returncode != 0
    assert listener.requests == []


# --- isolation unavailable: fail closed -------------------------------------------------------


def test_a_conversion_is_refused_when_libreoffice_cannot_be_isolated(monkeypatch, listener, caplog):
    # The machine lacks user namespaces: the probe command fails.
    monkeypatch.setattr(formats, "SANDBOX_COMMAND", ("false",))
    formats._probe.cache_clear()
    assert not formats.sandbox_available()
    with pytest.raises(DocxImportError, match="转换程序无法与网络隔离") as refused:
        import_document(odt_linked(listener.base, "image"))
    assert "另存为” .docx" in str(refused.value)
    assert listener.requests == []
    messages = [record.getMessage() for record in caplog.records]
    assert any("LibreOffice 沙箱不可用（false 返回 1" in m for m in messages), messages
    assert any(m.startswith("拒绝转换OpenDocument") for m in messages), messages
    # A .docx needs no conversion and is still read.
    assert import_document(build_docx(TITLE + p(r("正文。")))).body_html == "<p>正文。</p>"


def test_an_operator_may_choose_to_convert_without_isolation(monkeypatch, settings, caplog):
    monkeypatch.setattr(formats, "SANDBOX_COMMAND", ("false",))
    settings.BULLETIN_CONVERT_SANDBOX = "off"
    rtf = b"{\\rtf1\\ansi{\\pard Title\\par}{\\pard Body text.\\par}}"
    assert import_document(rtf).body_html == "<p>Body text.</p>"
    assert any("无网络隔离" in record.getMessage() for record in caplog.records)


def test_an_unknown_sandbox_setting_means_the_default(settings):
    settings.BULLETIN_CONVERT_SANDBOX = "maybe"
    assert formats.sandbox_mode() == "unshare"


def test_the_private_profile_turns_off_links_fields_and_remote_resources():
    settings = formats._PROFILE_SETTINGS
    for name, value in [
        ("DisableMacrosExecution", "true"),
        ("BlockUntrustedRefererLinks", "true"),
        ("Link", "0"),
        ("Field", "false"),
    ]:
        assert f'<prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop>' in settings
    schema = Path("/usr/lib/libreoffice/share/registry/main.xcd")
    if schema.is_file():  # each name is one LibreOffice knows
        text = schema.read_text(encoding="utf-8")
        for name in ("DisableMacrosExecution", "BlockUntrustedRefererLinks", "MacroSecurityLevel"):
            assert f'oor:name="{name}"' in text


# --- an uploaded .docx is cleaned before it is stored ------------------------------------------


def _docx_with(parts: dict[str, bytes], body: str, rels: str, settings_xml: str = "") -> bytes:
    data = build_docx(body)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            if name == "word/settings.xml" and settings_xml:
                content = re.sub(rb"(<w:settings[^>]*>)", rb"\1" + settings_xml.encode(), content, count=1)
            target.writestr(name, parts.get(name, content))
        for name, content in parts.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def _complex(code: str, result: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{r(result) if result else ''}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def hostile_docx(base: str) -> bytes:
    linked_picture = (
        '<w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/><wp:docPr id="1" name="p"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:blipFill><a:blip r:link="rIdLinked"/></pic:blipFill></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )
    nested = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> INCLUDETEXT "</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> QUOTE "' + base + '/nested.txt" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>' + base + "/nested.txt</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:instrText xml:space="preserve">" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r("嵌套结果")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = (
        TITLE
        + p(r("一是建强阵地。"), linked_picture, r("新建站点12个。"))
        + p(r("图片："), _complex(f'INCLUDEPICTURE "{base}/docx-picture.png" \\d', "[图]"), r("。"))
        + p(r("数据："), _complex('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"', "42"), r("项。"))
        + p(
            r("点击"),
            # Word writes a macro button with no result: its display text is in the instruction.
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            ' MACROBUTTON AutoOpen 这里 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>',
            r("查看。"),
        )
        + p(
            r("摘录："),
            f'<w:fldSimple w:instr=" INCLUDETEXT &quot;{base}/simple.txt&quot; ">{r("摘录内容")}</w:fldSimple>',
            r("完。"),
        )
        + p(r("嵌套："), nested, r("止。"))
        + p(r("页码 "), _complex("PAGE", "1"), r(" 保留。"))
        + p(r("网址："), f'<w:hyperlink r:id="rIdLink">{r("区人大网站")}</w:hyperlink>')
    )
    rels = (
        f'<Relationship Id="rIdLinked" Type="{REL}/image" Target="{base}/docx-linked.png" TargetMode="External"/>'
        f'<Relationship Id="rIdLink" Type="{REL}/hyperlink" Target="{base}/page" TargetMode="External"/>'
    )
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdTpl" Type="{REL}/attachedTemplate" Target="{base}/template.dotm" TargetMode="External"/>'
        "</Relationships>"
    )
    return _docx_with(
        {"word/_rels/settings.xml.rels": settings_rels.encode()},
        body,
        rels,
        settings_xml='<w:attachedTemplate r:id="rIdTpl"/><w:updateFields w:val="true"/>',
    )


def test_an_uploaded_docx_is_stored_without_external_links_or_active_fields(listener):
    data = hostile_docx(listener.base)
    assert len(external_relationships(data)) == 2 and len(active_instructions(data)) == 5
    result = import_document(data)
    assert listener.requests == []
    assert result.body_html == (
        "<p>一是建强阵地。新建站点12个。</p><p>图片：[图]。</p><p>数据：42项。</p><p>点击这里查看。</p>"
        "<p>摘录：摘录内容完。</p><p>嵌套：嵌套结果止。</p><p>页码 1 保留。</p><p>网址：区人大网站</p>"
    )
    source = result.source_docx
    assert external_relationships(source) == []
    assert active_instructions(source) == []
    package = zipfile.ZipFile(io.BytesIO(source))
    settings = package.read("word/settings.xml").decode()
    assert "attachedTemplate" not in settings and "updateFields" not in settings
    document = package.read("word/document.xml").decode()
    assert 'r:link="' not in document
    assert "PAGE" in document  # an ordinary field stays a field
    assert f'Target="{listener.base}/page"' in package.read("word/_rels/document.xml.rels").decode()
    assert result.dropped[:2] == [
        f"已去除指向外部地址的链接图片 1 处（{listener.base}/docx-linked.png），Word 打开时不再读取外部内容",
        f"已去除指向外部地址的附加的模板 1 处（{listener.base}/template.dotm），Word 打开时不再读取外部内容",
    ]
    fields_line = result.dropped[2]
    assert fields_line.startswith("已去除会读取外部内容或运行程序的 Word 域 5 处：")
    for name in (
        "INCLUDEPICTURE（http://127.0.0.1",
        "DDEAUTO（",
        "MACROBUTTON（AutoOpen 这里）",
        "INCLUDETEXT（",
    ):
        assert name in fields_line
    assert "、INCLUDETEXT；" in fields_line  # the nested one: its address came from the inner field
    # The cleaned source is a package Word opens: python-docx reads it, and it reads the same.
    assert [p.text for p in Document(io.BytesIO(source)).paragraphs][1] == "一是建强阵地。新建站点12个。"
    again = import_document(source)
    assert again.body_html == result.body_html
    assert not any(line.startswith("已去除") for line in again.dropped)


def test_cleaning_a_plain_word_file_changes_nothing():
    data = build_docx(TITLE + p(r("正文。")))
    cleaned = clean_package(data)
    assert cleaned.data == data and cleaned.removed == []


def test_an_embedded_docx_is_cleaned_too(listener):
    inner = _docx_with(
        {}, p(r("内层："), _complex(f'INCLUDETEXT "{listener.base}/inner.txt"', "内层结果")), ""
    )
    outer_body = TITLE + '<w:altChunk r:id="rIdAlt"/>'
    rels = f'<Relationship Id="rIdAlt" Type="{REL}/aFChunk" Target="afchunk.docx"/>'
    data = _docx_with({"word/afchunk.docx": inner}, outer_body, rels)
    result = import_document(data)
    assert listener.requests == []
    assert "内层：内层结果" in result.body_html
    stored = zipfile.ZipFile(io.BytesIO(result.source_docx)).read("word/afchunk.docx")
    assert active_instructions(stored) == []
    assert any(line.startswith("嵌入的文档中：已去除会读取外部内容") for line in result.dropped)


# --- XML entities ----------------------------------------------------------------------------


def _with_doctype(data: bytes, part: str, doctype: str, use: str = "") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                text = content.decode()
                text = re.sub(r"(<\?xml[^>]*\?>\s*)", r"\1" + doctype.replace("\\", "\\\\"), text, count=1)
                if use:
                    text = text.replace("ENTITY_HERE", use)
                content = text.encode()
            target.writestr(name, content)
    return out.getvalue()


def test_an_entity_in_a_docx_is_refused_with_a_message():
    data = build_docx(TITLE + p(r("全区新建ENTITY_HERE联络站12个，实现街道全覆盖。")))
    data = _with_doctype(data, "word/document.xml", '<!DOCTYPE w:document [<!ENTITY x "代表">]>', "&x;")
    with pytest.raises(DocxImportError, match="XML 实体声明") as refused:
        import_document(data)
    assert "另存为新的 .docx" in str(refused.value)


def test_an_external_entity_fetches_nothing_and_is_refused(listener):
    data = build_docx(TITLE + p(r("正文ENTITY_HERE。")))
    doctype = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{listener.base}/entity.txt">]>'
    data = _with_doctype(data, "word/document.xml", doctype, "&x;")
    with pytest.raises(DocxImportError, match="XML 实体声明"):
        import_document(data)
    external_dtd = _with_doctype(
        build_docx(TITLE + p(r("正文。"))),
        "word/styles.xml",
        f'<!DOCTYPE w:styles SYSTEM "{listener.base}/x.dtd">',
    )
    with pytest.raises(DocxImportError, match="XML 实体声明"):
        import_document(external_dtd)
    assert listener.requests == []


def test_an_entity_in_any_part_or_encoding_is_refused():
    data = build_docx(TITLE + p(r("正文。")))
    for part in ("word/styles.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"):
        with pytest.raises(DocxImportError, match="XML 实体声明"):
            import_document(_with_doctype(data, part, '<!DOCTYPE x [<!ENTITY y "z">]>'))
    for encoding, mark in (("UTF-16", b"\xff\xfe"), ("UTF-16", b""), ("UTF-32", b"\xff\xfe\x00\x00")):
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                content = source.read(name)
                if name == "word/styles.xml":
                    text = content.decode().replace('encoding="UTF-8"', f'encoding="{encoding}"')
                    text = re.sub(
                        r"(<\?xml[^>]*\?>\s*)", r'\1<!DOCTYPE w:styles [<!ENTITY y "z">]>', text, count=1
                    )
                    content = mark + text.encode(f"{encoding.lower()}-le")
                target.writestr(name, content)
        with pytest.raises(DocxImportError, match="XML 实体声明"):
            import_document(out.getvalue())


def test_the_reader_itself_refuses_a_doctype():
    """An embedded .docx is read by the reader alone: it refuses a DTD as the import does."""
    data = build_docx(TITLE + p(r("正文ENTITY_HERE。")))
    data = _with_doctype(data, "word/document.xml", '<!DOCTYPE w:document [<!ENTITY x "字">]>', "&x;")
    with pytest.raises(EntityDeclared):
        read_word(data)


def test_a_vml_picture_address_and_a_field_code_split_across_runs_are_removed(listener):
    vml = f'<w:r><w:pict><v:shape><v:imagedata src="{listener.base}/vml.png" o:title=""/></v:shape></w:pict></w:r>'
    split = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DD</w:instrText></w:r>'
        '<w:r><w:instrText xml:space="preserve">EAUTO cmd "/c calc" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r("结果")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    result = import_document(
        build_docx(TITLE + p(r("图："), vml, r("完。")) + p(r("域："), split, r("止。")))
    )
    assert result.body_html == "<p>图：完。</p><p>域：结果止。</p>"
    document = zipfile.ZipFile(io.BytesIO(result.source_docx)).read("word/document.xml").decode()
    assert listener.base not in document and "EAUTO" not in document and "instrText" not in document
    assert result.dropped[0] == (
        f"已去除指向外部地址的链接图片 1 处（{listener.base}/vml.png），Word 打开时不再读取外部内容"
    )
    assert result.dropped[1].startswith("已去除会读取外部内容或运行程序的 Word 域 1 处：DDEAUTO（cmd")
    assert listener.requests == []


def test_an_odt_declaring_an_entity_is_refused_before_conversion(listener):
    data = odt("<text:p>西湖区代表联络站</text:p><text:p>正文&x;。</text:p>")
    package = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in package.infolist():
            content = package.read(info)
            if info.filename == "content.xml":
                doctype = (
                    f'<!DOCTYPE office:document-content [<!ENTITY x SYSTEM "{listener.base}/odt-entity">]>'
                )
                content = content.replace(b"?>", b"?>" + doctype.encode(), 1)
            target.writestr(info, content)
    assert formats.sniff(out.getvalue()).kind == "odt"
    with pytest.raises(DocxImportError, match="XML 实体声明（content.xml"):
        import_document(out.getvalue())
    assert listener.requests == []


def test_packages_nested_deeper_than_cleaning_goes_are_refused(listener):
    inner = _docx_with({}, p(r("内层："), _complex(f'INCLUDETEXT "{listener.base}/deep.txt"', "结果")), "")
    rels = f'<Relationship Id="rIdAlt" Type="{REL}/aFChunk" Target="afchunk.docx"/>'
    for _ in range(3):
        inner = _docx_with({"word/afchunk.docx": inner}, TITLE + '<w:altChunk r:id="rIdAlt"/>', rels)
    with pytest.raises(DocxImportError, match="嵌套层次过多"):
        import_document(inner)
    assert listener.requests == []
