"""The text a check reads, without the database: a piece, an issue, and the office's lists.

``PieceText`` is one piece as paragraphs of plain text (bold runs joined): its title line,
its body paragraphs and its byline. ``IssueText`` is an issue in print order with its
目录 and numbers. ``CheckContext`` carries what the office fixes: the unit list
(``UnitNames``), the terms list (``TermRule``) and the optional rules. Builders from the
database (a ``Submission``, an ``Issue``) live in ``queries.py``; the labelled test set and
the benchmark build these from parsed back issues.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitNames:
    """A unit's names as the office writes them (accounts.Unit)."""

    name: str  # 西湖区人大常委会 / 市人大常委会法制工作委员会
    short_name: str  # 西湖区 / 法工委
    office_name: str  # 西湖区人大常委会办公室 / 法工委
    kind: str  # "district" | "committee"

    @property
    def stem(self) -> str:
        """The place name without 区/县/市 (西湖, 淳安, 建德); a committee's short name."""
        if self.kind == "district" and len(self.short_name) > 2 and self.short_name[-1] in "区县市":
            return self.short_name[:-1]
        return self.short_name

    @property
    def byline_forms(self) -> tuple[str, ...]:
        """Byline offices that are this unit written right."""
        return tuple(dict.fromkeys((self.office_name, self.name, self.short_name)))

    @property
    def opening_forms(self) -> tuple[str, ...]:
        """How a 信息摘登 item by this unit may begin."""
        forms = [self.name, self.office_name]
        if self.kind == "committee":
            forms += ["市人大常委会" + self.short_name, self.short_name]
        return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class TermRule:
    """One line of the terms list: write ``preferred``, not any of ``variants``;
    ``exceptions`` are longer forms that contain a variant and are right (人民代表大会)."""

    preferred: str
    variants: tuple[str, ...]
    exceptions: tuple[str, ...] = ()
    note: str = ""
    source: str = ""  # where the preferred form comes from (《现代汉语词典》第7版 …), shown with it


@dataclass(frozen=True)
class CheckContext:
    units: tuple[UnitNames, ...] = ()
    terms: tuple[TermRule, ...] = ()
    # 同一单位不连续领衔两个栏目 — off unless the office sets it.
    unit_not_leading_twice: bool = False
    # Names written in traditional characters on purpose (a person's or a place's name):
    # the 繁体 check leaves them alone.
    traditional_names: tuple[str, ...] = ()

    def unit_for_byline(self, byline_org: str, opening: str = "") -> UnitNames | None:
        """The unit a byline office (or, failing that, a brief's opening) names."""
        org = (byline_org or "").strip()
        by_length = sorted(self.units, key=lambda u: -len(u.short_name))
        for unit in by_length:
            if org and org in unit.byline_forms:
                return unit
        for candidate in (org, (opening or "").strip()):
            for unit in by_length:
                if unit.kind == "district" and candidate.startswith(unit.stem):
                    return unit
        for unit in by_length:
            if unit.kind == "committee" and org and org.endswith(unit.short_name):
                return unit
        return None


@dataclass
class PieceText:
    """One piece as text. ``paragraphs`` are the body's paragraphs (a brief: one)."""

    key: str
    title: str
    paragraphs: list[str]
    subtitle: str = ""
    byline_org: str = ""
    byline_authors: str = ""
    kind: str = "article"  # "article" | "brief"
    unit: UnitNames | None = None
    section: str = ""
    submission_id: int | None = None
    # The 信息摘登 text an editor wrote for a piece adopted as a brief (checked on its page).
    brief: str = ""

    @property
    def title_line(self) -> str:
        return self.title + self.subtitle

    @property
    def label(self) -> str:
        """How the piece is named in a list: its title, or a brief's opening words."""
        if self.kind == "brief":
            text = self.paragraphs[0] if self.paragraphs else ""
            return text[:24] + ("……" if len(text) > 24 else "")
        return self.title_line


@dataclass(frozen=True)
class IssueNumbers:
    year: int
    number: int
    total_number: int
    date: dt.date
    reason: str = ""  # why the numbers do not follow the issue before (Issue.numbering_reason)


@dataclass
class IssueText:
    """An issue in print order. ``sections`` is [(name, kind, [piece, …])]; ``toc`` is
    [(section name, [title as the 目录 prints it, …])] for the article sections."""

    numbers: IssueNumbers
    sections: list[tuple[str, str, list[PieceText]]]
    toc: list[tuple[str, list[str]]] = field(default_factory=list)
    previous: IssueNumbers | None = None  # the issue before this one (by year and 期号)

    @property
    def pieces(self) -> list[PieceText]:
        return [piece for _, _, pieces in self.sections for piece in pieces]
