"""Benchmark the Word intake; prints one JSON line.

    .venv/bin/python bench/intake.py

docx_s          import of a 20-page .docx (title, 120 paragraphs with bold lead sentences,
                three levels of automatic numbering, a table): median of 5, in process
doc_cold_s      the same document saved as .doc by LibreOffice, imported in a new Python
                process (import the app, convert in a fresh LibreOffice profile, read):
                median of 3 whole processes
doc_warm_s      the .doc imported in a process that has converted once: median of 5
*_cpu_s         the CPU seconds of the same (LibreOffice's included): on a shared machine
                wall time grows with the load (load_average is printed), CPU time does not
adversarial     each hostile file imported in a fresh process: wall and CPU seconds of the
                import (LibreOffice's included), the process's peak resident memory
                (rss_before_mb: the same process before the import, i.e. Python and the
                app) and the outcome; worst_adversarial_s/_cpu_s/_rss_mb the maxima

Targets (issue 11): .docx ≤ 0.3 s, .doc ≤ 3 s cold, every adversarial file refused or
read within 2 s.
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from intake import formats  # noqa: E402
from intake.docx_import import DocxImportError, import_document  # noqa: E402
from tests.word_files import b, build_docx, p, r  # noqa: E402

RUNS = 5
NUMBERING = (
    '<w:abstractNum w:abstractNumId="1">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
)
SENTENCE = (
    "区人大常委会坚持把代表联络站建设作为密切代表同人民群众联系的重要载体，推动代表进站履职常态化、规范化。"
)


def twenty_pages() -> bytes:
    """About 13,000 characters: 20 pages of the printed 22 × 28 grid."""
    body = [p(b("临平区：“家门口”联络站打通履职最后一公里"), ppr='<w:jc w:val="center"/>')]
    leads = "一二三四五六七八九十"
    for section in range(4):
        body.append(
            p(
                r(f"第{section + 1}部分总体情况"),
                ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>',
            )
        )
        for sub in range(3):
            body.append(p(r("主要做法"), ppr='<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>'))
            for item in range(10):
                ppr = '<w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr>' if item < 2 else ""
                body.append(p(b(f"{leads[item]}是建强阵地{sub}。"), r(SENTENCE * 2), ppr=ppr))
    row = "<w:tr>" + "".join(f"<w:tc>{p(r(t))}</w:tc>" for t in ("西湖区", "12", "46")) + "</w:tr>"
    body.insert(20, f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>{row * 6}</w:tbl>")
    body.append(p(r("（临平区人大常委会办公室 沈川）")))
    return build_docx("".join(body), numbering=NUMBERING)


def to_doc(docx: bytes, workdir: Path) -> bytes:
    source = workdir / "bench.docx"
    source.write_bytes(docx)
    subprocess.run(
        [formats.soffice_path(), f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(workdir), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (workdir / "bench.doc").read_bytes()


def timed(data: bytes) -> tuple[float, float, str]:
    started, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        import_document(data)
        outcome = "read"
    except DocxImportError as error:
        outcome = "refused: " + str(error)[:40]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return time.perf_counter() - started, time.process_time() - cpu + child_cpu, outcome


CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from intake.docx_import import DocxImportError, import_document
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started, cpu = time.perf_counter(), time.process_time()
try:
    import_document(data)
    outcome = "read"
except DocxImportError as error:
    outcome = "refused: " + str(error)[:40]
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"s": round(seconds, 3), "cpu_s": round(cpu + kids.ru_utime + kids.ru_stime, 3),
    "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "rss_before_mb": round(before / 1024, 1), "outcome": outcome}, ensure_ascii=False))
"""


def in_child(path: Path) -> dict:
    """Import one file in a fresh process: its wall and CPU time and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_doc(path: Path) -> tuple[float, float]:
    """A whole new process: start Python, import the app, convert and read; (wall, CPU)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ROOT)], check=True, capture_output=True, timeout=120
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, cpu


def adversarial_files() -> dict[str, bytes]:
    files = {}
    files["280k_one_char_paragraphs"] = build_docx("<w:p><w:r><w:t>字</w:t></w:r></w:p>" * 280_000)
    files["one_paragraph_200k_runs"] = build_docx("<w:p>" + "<w:r><w:t>字</w:t></w:r>" * 200_000 + "</w:p>")
    files["12MB_single_text"] = build_docx("<w:p><w:r><w:t>" + "字" * 4_000_000 + "</w:t></w:r></w:p>")
    files["deep_nesting"] = build_docx(
        "<w:p>" + "<w:hyperlink>" * 5000 + r("字") + "</w:hyperlink>" * 5000 + "</w:p>"
    )
    entity = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "字字字字字字字字字字"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    )
    laughs = build_docx(p(r("正文")))
    files["entity_expansion"] = _replace_part(
        laughs,
        "word/document.xml",
        lambda xml: entity.encode() + xml.split(b"?>", 1)[1].replace("正文".encode(), b"&e;&e;&e;&e;"),
    )
    bomb = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(build_docx(p(r("正文")))))
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            archive.writestr(info.filename, base.read(info.filename))
        with archive.open("word/media/image1.png", "w") as member:
            for _ in range(300):
                member.write(b"\x00" * 1024 * 1024)
    files["zip_bomb_300MB"] = bomb.getvalue()
    files["garbage_ole2_doc"] = formats.OLE2_MAGIC + os.urandom(200_000)
    files["rtf_deep_groups"] = b"{\\rtf1 " + b"{" * 100_000 + b"x" + b"}" * 100_000 + b"}"
    # Bodies held in w:altChunk parts (an OA's "导出Word") meet the same bounds.
    files["altchunk_html_300k_paragraphs"] = with_alt_chunks([b"<p>\xe5\xad\x97</p>" * 300_000], "htm")
    files["altchunk_300MB_bomb"] = with_alt_chunks([b"<p>" + b" " * 300 * 1024 * 1024 + b"</p>"], "htm")
    files["altchunk_rtf_deep_groups"] = with_alt_chunks([files["rtf_deep_groups"]], "rtf")
    files["altchunk_1000_parts"] = with_alt_chunks([b"<p>\xe5\xad\x97</p>"] * 1000, "htm")
    return files


def with_alt_chunks(chunks: list[bytes], extension: str) -> bytes:
    """A .docx whose body is only w:altChunk elements, each naming one embedded part."""
    base = zipfile.ZipFile(
        io.BytesIO(build_docx("".join(f'<w:altChunk r:id="rIdAlt{i}"/>' for i in range(len(chunks)))))
    )
    rels = "".join(
        f'<Relationship Id="rIdAlt{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'aFChunk" Target="chunk{i}.{extension}"/>'
        for i in range(len(chunks))
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in base.namelist():
            content = base.read(name)
            if name == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            archive.writestr(name, content)
        for i, chunk in enumerate(chunks):
            archive.writestr(f"word/chunk{i}.{extension}", chunk)
    return out.getvalue()


def _replace_part(data: bytes, part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, change(content) if name == part else content)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        workdir = Path(tmp)
        docx = twenty_pages()
        result = import_document(docx)
        chars = len(result.body_html)
        docx_runs = [timed(docx) for _ in range(RUNS)]
        doc = to_doc(docx, workdir)
        doc_path = workdir / "bench-copy.doc"
        doc_path.write_bytes(doc)
        same_text = import_document(doc).body_html == result.body_html
        doc_cold = [cold_doc(doc_path) for _ in range(3)]
        doc_warm = [timed(doc) for _ in range(RUNS)]
        adversarial = {}
        for name, data in adversarial_files().items():
            path = workdir / f"{name}.bin"
            path.write_bytes(data)
            adversarial[name] = {"kb": len(data) // 1024, **in_child(path)}
            path.unlink()
    print(
        json.dumps(
            {
                "docx_s": round(statistics.median(t[0] for t in docx_runs), 3),
                "docx_cpu_s": round(statistics.median(t[1] for t in docx_runs), 3),
                "docx_kb": len(docx) // 1024,
                "body_html_chars": chars,
                "doc_cold_s": round(statistics.median(t[0] for t in doc_cold), 3),
                "doc_cold_cpu_s": round(statistics.median(t[1] for t in doc_cold), 3),
                "doc_warm_s": round(statistics.median(t[0] for t in doc_warm), 3),
                "doc_warm_cpu_s": round(statistics.median(t[1] for t in doc_warm), 3),
                "load_average": round(os.getloadavg()[0], 2),
                "doc_same_text_as_docx": same_text,
                "worst_adversarial_s": max(v["s"] for v in adversarial.values()),
                "worst_adversarial_cpu_s": max(v["cpu_s"] for v in adversarial.values()),
                "worst_adversarial_rss_mb": max(v["rss_mb"] for v in adversarial.values()),
                "adversarial": adversarial,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
