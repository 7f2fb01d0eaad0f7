"""Parse one back issue's extracted text into an IssueDocument and a report.

The text looks like ../shared/seeds (DESIGN §6): masthead lines, a 目 录 block naming the
sections and their titles, the articles (title, paragraphs, a byline in parentheses), the
brief items of 信息摘登, and the 送 / 本期责任编辑 / 电话 block — with markdown marks from
the extraction, page-number lines, paragraphs and titles broken at page ends.

    result = parse_issue_text(text)      # or parse_issue_file(path_or_bytes)
    result.document                      # IssueDocument, ready for render_pdf()
    result.edition                       # "regular" / "special" / "supplement"
    result.problems                      # [Problem(line, text, kind, severity, message)]
    result.errors                        # the problems of severity "error"

The parser never guesses silently: whatever it repaired (info), is unsure of (warning) or
could not place (error) is reported with the line number in the original text. Input
that is not an issue at all raises NotAnIssueError.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from accounts.reference_data import COMMITTEES, DISTRICTS
from bulletin.printing.document import ArticleItem, BriefItem, IssueDocument, Paragraph, Run, Section
from bulletin.printing.typography import normalize_text, split_author_names

KNOWN_SECTIONS = ("要闻速递", "助力攻坚", "监督纵横", "代表工作", "情况交流", "信息摘登")
BRIEFS_SECTION = "信息摘登"
EDITIONS = {"普": "regular", "专": "special", "增": "supplement"}
UNIT_PREFIXES = tuple(DISTRICTS) + ("市人大常委会",) + tuple(short for short, _ in COMMITTEES)

ERROR, WARNING, INFO = "error", "warning", "info"


class NotAnIssueError(ValueError):
    """The input is not an issue of the bulletin at all; the message says why."""


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line in the original text; 0 when it concerns the whole issue
    text: str
    kind: str
    severity: str
    message: str


@dataclass
class ParseResult:
    document: IssueDocument
    edition: str
    problems: list[Problem] = field(default_factory=list)
    item_lines: list[int] = field(default_factory=list)  # where each item starts, in order

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # markdown list/heading marks removed; ** kept for bold
    heading: bool = False  # the extraction marked it as a heading (#): a title line


# --- reading ---------------------------------------------------------------------------

PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$")


def parse_issue_file(source: str | Path | bytes) -> ParseResult:
    """Read a file (path or bytes), refuse anything that is not text, and parse it."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data.strip():
        raise NotAnIssueError("文件是空的。")
    if b"\x00" in data[:4096]:
        raise NotAnIssueError("这不是文本文件（含有二进制内容），请提供从 PDF 提取的文字（.txt）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return parse_issue_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise NotAnIssueError("无法识别文件编码，不是 UTF-8 或 GB18030 文本文件。")


def _lines(text: str) -> list[Line]:
    """Non-empty content lines with their numbers; page numbers and rules dropped."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        heading = line.startswith("#")
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"^[-•·]\s+", "", line)
        line = line.strip()
        if not line or re.fullmatch(r"[-—_*=]{3,}", line) or PAGE_NUMBER.match(line):
            continue
        out.append(Line(number, line, heading))
    return out


def _plain(text: str) -> str:
    return text.replace("**", "").strip()


def _key(text: str) -> str:
    """Comparison key: normalised, without markdown marks, spaces or quote styles."""
    text = normalize_text(_plain(text))
    text = re.sub(r"[\s\u3000]", "", text)
    return re.sub(r"[“”\"'‘’「」]", "", text)


def _similar(found: str, wanted: str, threshold: float = 0.9) -> bool:
    return found == wanted or difflib.SequenceMatcher(None, found, wanted).ratio() >= threshold


def _runs(text: str) -> Paragraph:
    return [Run(part, bold=i % 2 == 1) for i, part in enumerate(text.split("**")) if part]


def _ends_paragraph(text: str) -> bool:
    text = _plain(text).rstrip("”’\"'）)")
    return bool(text) and text[-1] in "。！？!?；;…"


BYLINE = re.compile(r"^[(（]([^()（）]{2,48})[)）]$")


def _byline(line: str) -> tuple[str, list[str]] | None:
    match = BYLINE.match(_plain(line))
    if not match or re.search(r"[。，,；;：:]", match.group(1)):
        return None
    org, _, rest = match.group(1).strip().partition(" ")
    return org, split_author_names(rest) if rest.strip() else []


# --- the stages ----------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = _lines(text)
        self.problems: list[Problem] = []
        self.pos = 0

    def report(self, line: Line | None, kind: str, severity: str, message: str) -> None:
        self.problems.append(Problem(line.number if line else 0, line.text if line else "", kind, severity, message))

    @property
    def current(self) -> Line | None:
        return self.lines[self.pos] if self.pos < len(self.lines) else None

    # 1. masthead ---------------------------------------------------------------------
    def masthead(self) -> dict:
        """Publication, edition, numbers, compiler and date: everything before 目 录."""
        if not self.lines:
            raise NotAnIssueError("文件中没有文字。")
        toc_at = next((i for i, line in enumerate(self.lines[:40]) if re.fullmatch(r"目\s*录", _plain(line.text))), None)
        found: dict = {"publication": _plain(self.lines[0].text)}
        for line in self.lines[1 : toc_at if toc_at is not None else 12]:
            text = _plain(line.text)
            if m := re.fullmatch(r"[(（]\s*([普专增])\s*刊\s*[)）]", text):
                found["edition"] = EDITIONS[m.group(1)]
            elif m := re.search(r"第\s*(\d+)\s*期\s*[(（]\s*总\s*第\s*(\d+)\s*期\s*[)）]", text):
                found["number"], found["total"] = int(m.group(1)), int(m.group(2))
            elif m := re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text):
                try:
                    found["date"] = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    self.report(line, "bad_date", ERROR, "出刊日期不是有效日期。")
            elif text.endswith("编"):
                found["compiler"] = text
        if "number" not in found or toc_at is None:
            raise NotAnIssueError("这不是一期刊物的文字：开头找不到“第 N 期(总第 M 期)”和“目 录”。")
        for name, label in (("date", "出刊日期"), ("compiler", "编印单位")):
            if name not in found:
                self.report(self.lines[0], f"no_{name}", ERROR, f"报头中没有找到{label}。")
        found.setdefault("edition", "regular")
        self.pos = toc_at + 1
        return found

    # 2. 目 录 --------------------------------------------------------------------------
    def toc(self) -> tuple[list[tuple[str, list[str]]], int | None]:
        """Sections in order with their titles, and the announced number of briefs."""
        sections: list[tuple[str, list[str]]] = []
        brief_count = None
        while (line := self.current) is not None:
            text = _plain(line.text.replace("**", " "))
            label = next((s for s in KNOWN_SECTIONS if text.startswith(s)), None)
            if label is None and (m := re.match(r"^([\u4e00-\u9fff]{4})\s+(\S.*)$", text)) and not sections:
                label = m.group(1)
                self.report(line, "unknown_section", WARNING, f"目录中的栏目“{label}”不在常用栏目之列，请核对。")
            if label:
                rest = text[len(label) :].strip()
                if label == BRIEFS_SECTION:
                    m = re.search(r"(\d+)\s*则", rest)
                    brief_count = int(m.group(1)) if m else None
                    sections.append((label, []))
                    self.pos += 1
                    break
                sections.append((label, [rest] if rest else []))
            elif sections and sections[0][1] and self._starts_title(sections[0][1][0]):
                break  # the first article's title: the body begins
            elif sections:
                sections[-1][1].append(text)
            self.pos += 1
        if not sections:
            raise NotAnIssueError("目录中没有栏目，这不像是一期刊物。")
        return sections, brief_count

    def _starts_title(self, wanted: str, at: int | None = None) -> int:
        """How many lines from `at` spell the title `wanted` (0 if they don't).

        A byline line inside the span (the previous article's, displaced into this title
        by the extraction) is counted in the span but not in the title.
        """
        at = self.pos if at is None else at
        want = _key(wanted)
        joined = ""
        length = 0
        for index in range(at, min(at + 4, len(self.lines))):
            length += 1
            text = self.lines[index].text
            if joined and _byline(text):
                continue
            joined += _key(text)
            if _similar(joined, want):
                return length
            if not want.startswith(joined[: max(4, len(joined) - 2)]):
                return 0
        return 0

    # 3. the body -------------------------------------------------------------------------
    def item_text(self, next_title: str = "") -> tuple[list[Paragraph], tuple[str, list[str]] | None, Line | None]:
        """Paragraphs until the byline (or the next expected title, if the byline is
        missing or displaced); paragraphs broken at page ends are joined again."""
        texts: list[str] = []
        lines: list[Line] = []
        while (line := self.current) is not None:
            if next_title and self._starts_title(next_title):
                break
            if (byline := _byline(line.text)) is not None:
                self.pos += 1
                return [_runs(t) for t in texts], byline, line
            if re.match(r"^送\s*[:：]", _plain(line.text)):
                break
            if texts and not _ends_paragraph(texts[-1]):
                previous = _plain(texts[-1])
                joined_at = _plain(line.text)
                if previous and joined_at and previous[-1] == joined_at[0] and "\u4e00" <= previous[-1] <= "\u9fff":
                    self.report(
                        line, "doubled_char", WARNING,
                        f"页末断开处前后字符重复（“{previous[-1]}”），已按原文保留，请核对是否多一字。",
                    )
                self.report(line, "joined", INFO, "段落在页末断开，已与上一行合并。")
                texts[-1] += line.text
            else:
                texts.append(line.text)
                lines.append(line)
            self.pos += 1
        return [_runs(t) for t in texts], None, None

    def articles(self, sections: list[tuple[str, list[str]]], item_lines: list[int]) -> list[Section]:
        out: list[Section] = []
        wanted_titles = [t for name, titles in sections if name != BRIEFS_SECTION for t in titles]
        previous: ArticleItem | None = None
        for name, titles in sections:
            if name == BRIEFS_SECTION:
                continue
            items: list[ArticleItem] = []
            for wanted in titles:
                following = wanted_titles[wanted_titles.index(wanted) + 1] if wanted != wanted_titles[-1] else ""
                start = self._find_title(wanted)
                if start is None:
                    self.report(None, "toc_title_missing", ERROR, f"目录中的标题“{wanted}”在正文中未找到。")
                    continue
                self._unlisted_before(start, items, item_lines)
                length = self._starts_title(wanted, start)
                span = self.lines[start : start + length]
                title_lines = [line for line in span if not (line is not span[0] and _byline(line.text))]
                for displaced in (line for line in span if line not in title_lines):
                    org, authors = _byline(displaced.text)
                    if previous is not None and not previous.byline_org:
                        previous.byline_org, previous.byline_authors = org, authors
                        self.report(displaced, "displaced_byline", WARNING,
                                    "署名被错排进下一篇的标题中间，已归还上一篇文章，请核对。")
                self.pos = start + length
                previous = self._article(title_lines, wanted, item_lines, following)
                items.append(previous)
            out.append(Section(name, "articles", items))
        return out

    def _find_title(self, wanted: str) -> int | None:
        for at in range(self.pos, len(self.lines)):
            if self._starts_title(wanted, at):
                return at
        return None

    def _unlisted_before(self, start: int, items: list[ArticleItem], item_lines: list[int]) -> None:
        """Lines between the last byline and the next listed title form unlisted items."""
        while self.pos < start:
            first = self.current
            if _byline(first.text) or len(_plain(first.text)) > 40:
                self.report(first, "stray_text", ERROR, "这段文字无法归入任何一篇稿件。")
                self.pos += 1
                continue
            self.report(first, "not_in_toc", WARNING, "正文中的这篇文章未列入目录，已按正文顺序收入本栏目，请核对。")
            self.pos += 1
            items.append(self._article([first], _plain(first.text), item_lines))

    def _article(self, title_lines: list[Line], toc_title: str, item_lines: list[int], next_title: str = "") -> ArticleItem:
        item_lines.append(title_lines[0].number)
        title = _plain(title_lines[0].text)
        subtitle = ""
        for line in title_lines[1:]:
            # A second line marked as a heading is a two-line title; otherwise the
            # extraction broke one title at a page end.
            if line.heading and title_lines[0].heading:
                subtitle += _plain(line.text)
            else:
                title += _plain(line.text)
                self.report(line, "joined_title", INFO, "标题在页末断开，已合并为一行。")
        if not _similar(_key(title + subtitle), _key(toc_title), 0.999):
            self.report(title_lines[0], "title_differs", WARNING,
                        f"正文标题与目录“{toc_title}”略有不同，已采用正文标题，请核对。")
        paragraphs, byline, _ = self.item_text(next_title)
        if byline is None:
            byline = ("", [])
        if not paragraphs:
            self.report(title_lines[0], "empty_item", ERROR, f"《{title}》没有正文。")
        return ArticleItem(title, paragraphs, subtitle, byline[0], byline[1])

    def unlisted_after_articles(self, section: Section | None, item_lines: list[int]) -> None:
        """After the last listed article: a short title line followed by paragraphs is an
        article the 目录 does not list (a brief is one long paragraph and a byline)."""
        while (line := self.current) is not None and section is not None:
            text = _plain(line.text)
            following = self.lines[self.pos + 1] if self.pos + 1 < len(self.lines) else None
            if len(text) > 40 or _ends_paragraph(text) or following is None or _byline(following.text):
                return
            if re.match(r"^送\s*[:：]", text):
                return
            self.report(line, "not_in_toc", WARNING, "正文中的这篇文章未列入目录，已按正文顺序收入本栏目，请核对。")
            self.pos += 1
            section.items.append(self._article([line], text, item_lines))

    def briefs(self, expected: int | None, item_lines: list[int]) -> list[BriefItem]:
        items: list[BriefItem] = []
        while (line := self.current) is not None and not re.match(r"^送\s*[:：]", _plain(line.text)):
            if not _plain(line.text).startswith(UNIT_PREFIXES):
                self.report(line, "brief_start", WARNING, "信息摘登应以单位名称开头，请核对这一则。")
            item_lines.append(line.number)
            paragraphs, byline, _ = self.item_text()
            if byline is None:
                self.report(line, "no_byline", WARNING, "这一则信息摘登没有找到署名。")
                byline = ("", [])
            if len(paragraphs) > 1:
                self.report(line, "brief_paragraphs", WARNING, "这一则信息摘登有多个段落，已合并为一段。")
            paragraph = [run for p in paragraphs for run in p]
            if paragraph:
                items.append(BriefItem(paragraph, byline[0], byline[1]))
        if expected is not None and expected != len(items):
            self.report(None, "brief_count", WARNING, f"目录称信息摘登 {expected} 则，正文中找到 {len(items)} 则。")
        return items

    # 4. the end block ------------------------------------------------------------------
    def colophon(self) -> dict:
        found = {"distribution": [], "editor": "", "phone": "", "extra": ""}
        while (line := self.current) is not None:
            text = _plain(line.text)
            if m := re.match(r"^送\s*[:：]\s*(.*)$", text):
                found["distribution"].append(m.group(1).strip())
            elif m := re.match(r"^本期责任编辑\s*[:：]\s*(.*)$", text):
                found["editor"] = m.group(1).strip()
            elif m := re.match(r"^电\s*话\s*[:：]\s*(.*)$", text):
                found["phone"] = m.group(1).strip()
            elif found["editor"] or found["phone"]:
                found["extra"] = re.sub(r"<(https?://[^>]+)>", r"\1", text)
            elif found["distribution"]:
                found["distribution"].append(text)
            else:
                self.report(line, "stray_text", ERROR, "这段文字无法归入任何一篇稿件。")
            self.pos += 1
        if not found["distribution"]:
            self.report(None, "no_distribution", ERROR, "没有找到发送范围（“送：……”），文字可能不完整。")
        if not found["editor"]:
            self.report(None, "no_editor", ERROR, "没有找到“本期责任编辑”。")
        if not found["phone"]:
            self.report(None, "no_phone", WARNING, "没有找到“电话”。")
        return found


def parse_issue_text(text: str) -> ParseResult:
    parser = _Parser(text)
    head = parser.masthead()
    toc, brief_count = parser.toc()
    item_lines: list[int] = []
    sections = parser.articles(toc, item_lines)
    parser.unlisted_after_articles(sections[-1] if sections else None, item_lines)
    if any(name == BRIEFS_SECTION for name, _ in toc):
        sections.append(Section(BRIEFS_SECTION, "briefs", parser.briefs(brief_count, item_lines)))
    end = parser.colophon()
    for item in (i for s in sections if s.kind == "articles" for i in s.items):
        if not item.byline_org:
            parser.report(None, "no_byline", WARNING, f"《{item.title}》没有找到署名。")
    if not any(section.items for section in sections):
        raise NotAnIssueError("正文中没有找到任何稿件。")
    date = head.get("date") or dt.date(1900, 1, 1)
    document = IssueDocument(
        publication_name=head["publication"],
        compiler=head.get("compiler", ""),
        edition_label={"regular": "普刊", "special": "专刊", "supplement": "增刊"}[head["edition"]],
        year=date.year,
        number=head["number"],
        total_number=head["total"],
        date=date,
        sections=[s for s in sections if s.items],
        distribution=end["distribution"],
        editor_name=end["editor"],
        editor_phone=end["phone"],
        extra_line=end["extra"],
    )
    problems = sorted(parser.problems, key=lambda p: ({ERROR: 0, WARNING: 1, INFO: 2}[p.severity], p.line))
    return ParseResult(document=document, edition=head["edition"], problems=problems, item_lines=item_lines)
