"""The data the print renderer takes: one issue's content, frozen.

An ``IssueDocument`` is what an issue prints from. ``to_dict()`` gives a JSON-safe dict
that is stored as ``Issue.snapshot`` when the issue is published, and ``from_dict()``
reads it back, so a published issue renders the same years later.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from printing.typography import (
    byline_parts,
    format_byline,
    is_cjk_ideograph,
    normalize_text,
    split_author_names,
)
from text.scripts import script_plain

SNAPSHOT_VERSION = 1

EDITION_LABELS = {"regular": "普刊", "special": "专刊", "supplement": "增刊"}


@dataclass(frozen=True)
class Run:
    """A stretch of paragraph text: bold or not, and on the baseline (``script`` "") or
    raised or lowered (``"sup"``/``"sub"``: m², CO₂), the only inline styles the bulletin has."""

    text: str
    bold: bool = False
    script: str = ""


Paragraph = list[Run]


def paragraph_text(paragraph: Paragraph) -> str:
    """The paragraph as plain text (search, 校对, checks): a superscript or subscript as
    text.scripts writes it (m², CO₂, else ^ or _ before the characters)."""
    return "".join(script_plain(run.text, run.script) for run in paragraph)


def _raw_text(paragraph: Paragraph) -> str:
    return "".join(run.text for run in paragraph)


def _merge_runs(runs: list[Run]) -> Paragraph:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and (merged[-1].bold, merged[-1].script) == (run.bold, run.script):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.script)
        else:
            merged.append(run)
    return merged


def _normalize_paragraph(paragraph: Paragraph) -> Paragraph:
    # Normalise the whole text once (so rules see across run edges), then cut it back
    # into runs by mapping each run's characters onto the normalised string.
    text = _raw_text(paragraph)
    normalized = normalize_text(text)
    if all(not run.bold and not run.script for run in paragraph):
        return [Run(normalized)] if normalized else []
    flags = [(run.bold, run.script) for run in paragraph for _ in run.text]
    out: list[Run] = []
    i = j = 0  # i in text, j in normalized
    while j < len(normalized):
        while i < len(text) and text[i] == " " and normalized[j] != " ":
            i += 1  # a dropped space
        bold, script = flags[min(i, len(flags) - 1)]
        out.append(Run(normalized[j], bold, script))
        i += 1
        j += 1
    runs = _merge_runs(out)
    # A bold lead sentence keeps its closing punctuation inside the bold run.
    return runs


@dataclass
class ArticleItem:
    title: str
    paragraphs: list[Paragraph]
    subtitle: str = ""  # the optional second title line
    byline_org: str = ""
    byline_authors: list[str] = field(default_factory=list)

    @property
    def byline(self) -> str:
        return format_byline(self.byline_org, self.byline_authors)

    @property
    def byline_parts(self) -> list[str]:
        """The unit and each name, as the byline prints them (lines break only between)."""
        return byline_parts(self.byline_org, self.byline_authors)

    @property
    def toc_title(self) -> str:
        return normalize_text(self.title + self.subtitle)


@dataclass
class BriefItem:
    """信息摘登: one paragraph that begins with the unit's name (bold), then a byline."""

    paragraph: Paragraph
    byline_org: str = ""
    byline_authors: list[str] = field(default_factory=list)

    @property
    def byline(self) -> str:
        return format_byline(self.byline_org, self.byline_authors)

    @property
    def byline_parts(self) -> list[str]:
        """The unit and each name, as the byline prints them (lines break only between)."""
        return byline_parts(self.byline_org, self.byline_authors)


Item = ArticleItem | BriefItem


@dataclass
class Section:
    name: str
    kind: Literal["articles", "briefs"]
    items: list[Item]


@dataclass(frozen=True)
class TocEntry:
    section: str
    kind: str
    titles: list[str]  # article titles, or ["5 则"] for briefs


@dataclass
class IssueDocument:
    publication_name: str
    compiler: str
    edition_label: str  # 普刊 / 专刊 / 增刊
    year: int
    number: int
    total_number: int
    date: dt.date
    sections: list[Section]
    distribution: list[str]
    editor_name: str
    editor_phone: str
    extra_line: str = ""

    # ---------------------------------------------------------------- derived

    @property
    def date_label(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    @property
    def number_label(self) -> str:
        return f"第{self.number}期（总第{self.total_number}期）"

    @property
    def pdf_title(self) -> str:
        return f"{self.publication_name} {self.year}年第{self.number}期(总第{self.total_number}期)"

    def toc(self) -> list[TocEntry]:
        entries = []
        for section in self.sections:
            if not section.items:
                continue  # an issue shows only the sections that have items
            if section.kind == "briefs":
                titles = [f"{len(section.items)} 则"]
            else:
                titles = [item.toc_title for item in section.items if isinstance(item, ArticleItem)]
            entries.append(TocEntry(section.name, section.kind, titles))
        return entries

    def normalized(self) -> IssueDocument:
        """The same document with its Chinese text normalised for print."""
        sections = []
        for section in self.sections:
            items: list[Item] = []
            for item in section.items:
                authors = [n for a in item.byline_authors for n in split_author_names(a)]
                if isinstance(item, ArticleItem):
                    items.append(
                        replace(
                            item,
                            title=normalize_text(item.title, keep_spaces_between_cjk=True),
                            subtitle=normalize_text(item.subtitle, keep_spaces_between_cjk=True),
                            paragraphs=[p for p in (_normalize_paragraph(p) for p in item.paragraphs) if p],
                            byline_org=normalize_text(item.byline_org),
                            byline_authors=authors,
                        )
                    )
                else:
                    paragraph = _normalize_paragraph(item.paragraph)
                    org = normalize_text(item.byline_org)
                    items.append(BriefItem(bold_unit_name(paragraph, org), org, authors))
            sections.append(Section(section.name, section.kind, items))
        return replace(
            self,
            sections=sections,
            distribution=[normalize_text(line) for line in self.distribution if line.strip()],
            extra_line=normalize_text(self.extra_line),
        )

    # ---------------------------------------------------------------- storage

    def to_dict(self) -> dict[str, Any]:
        def runs(paragraph: Paragraph) -> list[dict[str, Any]]:
            # "script" only where set: snapshots without it read as before.
            return [
                {"text": r.text, "bold": r.bold, **({"script": r.script} if r.script else {})}
                for r in paragraph
            ]

        def item_dict(item: Item) -> dict[str, Any]:
            if isinstance(item, ArticleItem):
                return {
                    "title": item.title,
                    "subtitle": item.subtitle,
                    "paragraphs": [runs(p) for p in item.paragraphs],
                    "byline_org": item.byline_org,
                    "byline_authors": list(item.byline_authors),
                }
            return {
                "paragraph": runs(item.paragraph),
                "byline_org": item.byline_org,
                "byline_authors": list(item.byline_authors),
            }

        return {
            "version": SNAPSHOT_VERSION,
            "publication_name": self.publication_name,
            "compiler": self.compiler,
            "edition_label": self.edition_label,
            "year": self.year,
            "number": self.number,
            "total_number": self.total_number,
            "date": self.date.isoformat(),
            "sections": [
                {"name": s.name, "kind": s.kind, "items": [item_dict(i) for i in s.items]}
                for s in self.sections
            ],
            "distribution": list(self.distribution),
            "editor_name": self.editor_name,
            "editor_phone": self.editor_phone,
            "extra_line": self.extra_line,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IssueDocument:
        version = data.get("version", SNAPSHOT_VERSION)
        if version != SNAPSHOT_VERSION:
            raise ValueError(f"不支持的定稿内容版本：{version}")

        def runs(raw: list[dict[str, Any]]) -> Paragraph:
            return [
                Run(str(r["text"]), bool(r.get("bold", False)), _script(r.get("script", ""))) for r in raw
            ]

        sections = []
        for raw in data["sections"]:
            kind = raw["kind"]
            if kind not in ("articles", "briefs"):
                raise ValueError(f"未知的栏目类型：{kind}")
            items: list[Item] = []
            for it in raw["items"]:
                if kind == "briefs":
                    items.append(
                        BriefItem(
                            runs(it["paragraph"]),
                            it.get("byline_org", ""),
                            list(it.get("byline_authors", [])),
                        )
                    )
                else:
                    items.append(
                        ArticleItem(
                            title=it["title"],
                            subtitle=it.get("subtitle", ""),
                            paragraphs=[runs(p) for p in it["paragraphs"]],
                            byline_org=it.get("byline_org", ""),
                            byline_authors=list(it.get("byline_authors", [])),
                        )
                    )
            sections.append(Section(raw["name"], kind, items))
        return cls(
            publication_name=data["publication_name"],
            compiler=data["compiler"],
            edition_label=data["edition_label"],
            year=int(data["year"]),
            number=int(data["number"]),
            total_number=int(data["total_number"]),
            date=dt.date.fromisoformat(data["date"]),
            sections=sections,
            distribution=list(data.get("distribution", [])),
            editor_name=data.get("editor_name", ""),
            editor_phone=data.get("editor_phone", ""),
            extra_line=data.get("extra_line", ""),
        )


_UNIT_SUFFIX = re.compile(r"(人大常委会|街道工委|工委|委员会|办公室|办公厅|人大)")
_UNIT_AT_START = re.compile(
    r"^[\u4e00-\u9fff]{1,10}?(?:人大常委会|人大)(?:[\u4e00-\u9fff]{1,8}?(?:街道工委|工委))?"
)


def bold_unit_name(paragraph: Paragraph, byline_org: str = "") -> Paragraph:
    """Make the unit's name at the start of a brief bold, unless the text already marks it."""
    if not paragraph or paragraph[0].bold:
        return paragraph
    text = _raw_text(paragraph)
    name = ""
    # The byline's office usually starts with the unit's name ("上城区人大常委会办公室").
    common = 0
    while common < min(len(text), len(byline_org)) and text[common] == byline_org[common]:
        common += 1
    if common >= 3:
        prefix = text[:common]
        ends = [m.end() for m in _UNIT_SUFFIX.finditer(prefix)]
        if ends:
            name = prefix[: ends[-1]]
    if not name:
        match = _UNIT_AT_START.match(text)
        name = match.group(0) if match else ""
    if not name or not all(is_cjk_ideograph(c) for c in name):
        return paragraph
    first = paragraph[0]
    if len(first.text) < len(name) or first.script:
        return paragraph  # the name spans runs: leave the editor's marking alone
    return _merge_runs([Run(name, True), Run(first.text[len(name) :]), *paragraph[1:]])


def _script(value: object) -> str:
    return value if value in ("sup", "sub") else ""


def edition_label(edition: str) -> str:
    return EDITION_LABELS.get(edition, edition)
