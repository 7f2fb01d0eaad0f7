"""Build IssueDocuments from the seed issues' extracted text (seeds/2024-*.txt).

A small, explicit builder for this one text format: the masthead lines, the 目 录 block
that names the sections and their titles, then the articles (title, paragraphs, byline
in parentheses), the brief items, and the 送/本期责任编辑/电话 block. Paragraphs broken at
page ends are joined again; markdown marks (#, -, **) are removed, ``**…**`` kept as
bold runs. It is used by the benchmark and the print tests, not by the application.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path

from bulletin.printing.document import ArticleItem, BriefItem, IssueDocument, Paragraph, Run, Section
from bulletin.printing.typography import normalize_text, split_author_names

SECTION_NAMES = ("要闻速递", "助力攻坚", "监督纵横", "代表工作", "情况交流", "信息摘登")
BRIEFS_SECTION = "信息摘登"


def seeds_dir() -> Path:
    override = os.environ.get("BULLETIN_SEEDS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def seed_path(name: str) -> Path:
    return seeds_dir() / f"{name}.txt"


class SeedFormatError(ValueError):
    pass


def _clean(line: str) -> str:
    line = line.strip()
    line = re.sub(r"^#+\s*", "", line)
    line = re.sub(r"^-\s+", "", line)
    return line.strip()


def _key(text: str) -> str:
    """Comparison key: normalised, without markdown marks or spaces."""
    return re.sub(r"[\s\u3000*]", "", normalize_text(text.replace("**", "")))


def _similar(found: str, wanted: str) -> bool:
    # The extraction sometimes loses a character in a title but not in the 目录
    # (2024-01: "民生实项目" / "民生实事项目"); the article's own title is kept.
    return found == wanted or difflib.SequenceMatcher(None, found, wanted).ratio() >= 0.9


def _runs(line: str) -> Paragraph:
    runs: Paragraph = []
    for i, part in enumerate(line.split("**")):
        if part:
            runs.append(Run(part, bold=i % 2 == 1))
    return runs


def _ends_paragraph(text: str) -> bool:
    text = text.replace("**", "").rstrip()
    text = text.rstrip("”’\"'）)")
    return bool(text) and text[-1] in "。！？!?；;…"


_BYLINE = re.compile(r"^[(（]([^()（）]{2,40})[)）]$")


def _byline(line: str) -> tuple[str, list[str]] | None:
    match = _BYLINE.match(line.replace("**", ""))
    if not match or re.search(r"[。，,；;]", match.group(1)):
        return None
    parts = match.group(1).split(None, 1)
    org = parts[0]
    authors = split_author_names(parts[1]) if len(parts) > 1 else []
    return org, authors


def build_seed_document(name: str) -> IssueDocument:
    """Parse ``seeds/<name>.txt`` (e.g. "2024-15") into an IssueDocument."""
    path = seed_path(name)
    lines = [_clean(raw) for raw in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and line != "---"]

    # Masthead.
    publication = lines[0]
    edition = number = total = date = compiler = None
    pos = 1
    while pos < len(lines) and not re.fullmatch(r"目\s*录", lines[pos]):
        line = lines[pos]
        if m := re.fullmatch(r"[(（]\s*([普专增])\s*刊\s*[)）]", line):
            edition = m.group(1) + "刊"
        elif m := re.search(r"第\s*(\d+)\s*期\s*[(（]\s*总第\s*(\d+)\s*期\s*[)）]", line):
            number, total = int(m.group(1)), int(m.group(2))
        elif m := re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", line):
            date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif line.endswith("编"):
            compiler = line
        pos += 1
    if None in (edition, number, total, date, compiler) or pos == len(lines):
        raise SeedFormatError(f"{path.name}: 报头不完整")
    pos += 1

    # 目录: "要闻速递** 标题" starts a section; following lines are more titles.
    toc: list[tuple[str, list[str]]] = []
    brief_count = 0
    while pos < len(lines):
        line = lines[pos].replace("**", " ").strip()
        section = next((s for s in SECTION_NAMES if line.startswith(s)), None)
        if section:
            rest = line[len(section):].strip()
            if section == BRIEFS_SECTION:
                brief_count = int(re.search(r"\d+", rest).group(0))
                toc.append((section, []))
                pos += 1
                break
            toc.append((section, [rest] if rest else []))
        elif toc and toc[0][1] and _key(line) == _key(toc[0][1][0]):
            break  # the first article's title: the body begins
        elif toc:
            toc[-1][1].append(line)
        pos += 1

    sections: list[Section] = []
    body = lines[pos:]
    i = 0

    def read_item_body() -> tuple[list[Paragraph], tuple[str, list[str]] | None]:
        nonlocal i
        paragraphs: list[Paragraph] = []
        texts: list[str] = []
        while i < len(body):
            line = body[i]
            byline = _byline(line)
            if byline:
                i += 1
                return paragraphs, byline
            if line.startswith(("送：", "送:")):
                break
            if texts and not _ends_paragraph(texts[-1]):
                texts[-1] += line  # a paragraph broken at a page end
                paragraphs[-1] = _runs(texts[-1])
            else:
                texts.append(line)
                paragraphs.append(_runs(line))
            i += 1
        return paragraphs, None

    for section_name, titles in toc:
        if section_name == BRIEFS_SECTION:
            briefs = []
            for _ in range(brief_count):
                paragraphs, byline = read_item_body()
                if len(paragraphs) != 1 or byline is None:
                    raise SeedFormatError(f"{path.name}: 信息摘登第 {len(briefs) + 1} 则无法识别")
                briefs.append(BriefItem(paragraphs[0], byline[0], byline[1]))
            sections.append(Section(section_name, "briefs", briefs))
            continue
        items = []
        for toc_title in titles:
            want = _key(toc_title)
            line = body[i]
            if _similar(_key(line), want):
                title, subtitle = line.replace("**", ""), ""
                i += 1
            elif _similar(_key(line + body[i + 1]), want):
                title, subtitle = line.replace("**", ""), body[i + 1].replace("**", "")
                i += 2
            else:
                raise SeedFormatError(f"{path.name}: 找不到标题“{toc_title}”，此处为“{line}”")
            paragraphs, byline = read_item_body()
            org, authors = byline if byline else ("", [])
            items.append(ArticleItem(title, paragraphs, subtitle, org, authors))
        sections.append(Section(section_name, "articles", items))

    # 送 / 本期责任编辑 / 电话 / extra line.
    distribution: list[str] = []
    editor = phone = extra = ""
    for line in body[i:]:
        if line.startswith(("送：", "送:")):
            distribution.append(line[2:].strip())
        elif line.startswith("本期责任编辑"):
            editor = re.sub(r"^本期责任编辑\s*[:：]\s*", "", line)
        elif line.startswith("电话"):
            phone = re.sub(r"^电话\s*[:：]\s*", "", line)
        elif editor or phone:
            extra = re.sub(r"<(https?://[^>]+)>", r"\1", line)
        elif distribution:
            distribution.append(line)
        else:
            raise SeedFormatError(f"{path.name}: 无法归属的内容“{line}”")

    return IssueDocument(
        publication_name=publication,
        compiler=compiler,
        edition_label=edition,
        year=date.year,
        number=number,
        total_number=total,
        date=date,
        sections=sections,
        distribution=distribution,
        editor_name=editor,
        editor_phone=phone,
        extra_line=extra,
    )


if __name__ == "__main__":  # pragma: no cover - a quick look at what the builder makes
    import json
    import sys

    print(json.dumps(build_seed_document(sys.argv[1] if len(sys.argv) > 1 else "2024-15").to_dict(), ensure_ascii=False, indent=1))
