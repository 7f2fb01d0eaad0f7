"""The body: articles and brief items between the 目录 and the 送 block.

Three steps:

1. **Anchors** (``find_anchors``): each title the 目录 lists is looked for in the body,
   in order, comparing normalised text (``comparison_key``) with a little tolerance, so
   a title split over two lines, typed with other punctuation or missing a character is
   still found. A byline inside the lines of a title (the previous article's, displaced
   there by the extraction) is set aside.
2. **Blocks** (``group_blocks``): the lines between two anchors become paragraphs and
   bylines; a paragraph broken at a page end (no sentence-final punctuation) is joined
   with the line that continues it.
3. **Items** (``BodyBuilder``): the paragraphs up to the first byline after an anchor are
   that article; what follows the byline before the next anchor is an article the 目录
   does not list, or — after the last article — the brief items of 信息摘登.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from backissues.parsing.bylines import Byline, district_of, parse_byline, starts_with_unit
from backissues.parsing.lines import (
    SourceLine,
    comparison_key,
    ends_paragraph,
    is_cjk,
    looks_like_title,
    plain,
)
from backissues.parsing.report import ERROR, INFO, WARNING, ProblemLog
from backissues.parsing.toc import BRIEFS_SECTION, TocSection, TocTitle
from printing.document import ArticleItem, BriefItem, Paragraph, Run, paragraph_text

# How alike a body title must be to the 目录's (difflib ratio of the comparison keys):
# a dropped or changed character in a 20-character title still passes.
TITLE_SIMILARITY = 0.9
# A title takes at most this many lines in the body (plus one displaced byline).
MAX_TITLE_LINES = 3


# --- 1. anchors ----------------------------------------------------------------------


@dataclass
class Anchor:
    """A 目录 title found in the body: ``lines[start:end]`` spell it."""

    section: TocSection
    toc: TocTitle
    start: int
    end: int
    title_lines: list[SourceLine]
    displaced: list[SourceLine]  # byline lines found inside the title's lines


def find_anchors(
    lines: list[SourceLine], start: int, stop: int, sections: list[TocSection], log: ProblemLog
) -> list[Anchor]:
    """Each 目录 title's place in ``lines[start:stop]``, in 目录 order; missing ones reported."""
    anchors: list[Anchor] = []
    position = start
    for section in sections:
        titles = section.titles
        index = 0
        while index < len(titles):
            title = titles[index]
            anchor = _search_title(lines, position, stop, section, title)
            if anchor is None and index + 1 < len(titles):
                # A long title may wrap onto a second line in the 目录 itself.
                following = titles[index + 1]
                anchor = _search_title(
                    lines, position, stop, section, TocTitle(title.text + following.text, title.line)
                )
                if anchor is not None:
                    index += 1
                    log.add(
                        "toc_title_joined",
                        INFO,
                        "目录中的标题分在两行，已合并为一个标题。",
                        line=following.line,
                        text=following.text,
                    )
            index += 1
            if anchor is None:
                log.add(
                    "toc_title_missing",
                    ERROR,
                    f"目录中的标题“{title.text}”在正文中未找到。",
                    line=title.line,
                    text=title.text,
                )
                continue
            anchors.append(anchor)
            position = anchor.end
    return anchors


def _search_title(
    lines: list[SourceLine], start: int, stop: int, section: TocSection, title: TocTitle
) -> Anchor | None:
    wanted = comparison_key(title.text)
    for at in range(start, stop):
        span = _title_span(lines, at, stop, wanted)
        if span is not None:
            end, title_lines, displaced = span
            return Anchor(section, title, at, end, title_lines, displaced)
    return None


def _title_span(
    lines: list[SourceLine], at: int, stop: int, wanted: str
) -> tuple[int, list[SourceLine], list[SourceLine]] | None:
    """(end, title lines, displaced bylines) if the lines from ``at`` spell ``wanted``."""
    first = lines[at]
    first_key = comparison_key(first.text)
    if not looks_like_title(first.text, len(wanted) + 6) or parse_byline(first.text):
        return None
    # Cheap test first: the line must be the beginning of the title.
    if _similarity(first_key, wanted[: len(first_key)]) < 0.8:
        return None
    best: tuple[float, int, list[SourceLine], list[SourceLine]] | None = None
    joined, title_lines, displaced = "", [], []
    for index in range(at, min(stop, at + MAX_TITLE_LINES + 1)):
        line = lines[index]
        if index > at and parse_byline(line.text):
            if displaced:
                break
            displaced.append(line)
            continue
        if index > at and not looks_like_title(line.text, len(wanted)):
            break
        joined += comparison_key(line.text)
        title_lines.append(line)
        score = _similarity(joined, wanted)
        if score >= TITLE_SIMILARITY and (best is None or score > best[0]):
            best = (score, index + 1, list(title_lines), list(displaced))
        if len(joined) >= len(wanted) + 4:
            break
    if best is None:
        return None
    _, end, title_lines, displaced = best
    return end, title_lines, displaced


def _similarity(a: str, b: str) -> float:
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


# --- 2. blocks -----------------------------------------------------------------------


@dataclass
class Block:
    """A paragraph (one or more lines joined) or a byline."""

    lines: list[SourceLine]
    text: str = ""  # the paragraph with its ** marks; "" for a byline
    byline: Byline | None = None

    @property
    def first(self) -> SourceLine:
        return self.lines[0]

    @property
    def is_byline(self) -> bool:
        return self.byline is not None


def group_blocks(lines: list[SourceLine], log: ProblemLog, *, starts_with_title: bool) -> list[Block]:
    """Paragraphs and bylines from consecutive lines, rejoining paragraphs broken at page ends.

    A line that can be a title at the start of an item (the very start, if
    ``starts_with_title``, or right after a byline) is never joined with what follows:
    titles have no final punctuation either.
    """
    blocks: list[Block] = []
    for line in lines:
        byline = parse_byline(line.text)
        if byline is not None:
            blocks.append(Block([line], byline=byline))
            continue
        previous = blocks[-1] if blocks else None
        if previous is not None and _continues(previous, blocks, starts_with_title):
            _join(previous, line, log)
        else:
            blocks.append(Block([line], line.text))
    return blocks


def _continues(previous: Block, blocks: list[Block], starts_with_title: bool) -> bool:
    if previous.is_byline or ends_paragraph(previous.text):
        return False
    at_item_start = (len(blocks) == 1 and starts_with_title) or (len(blocks) >= 2 and blocks[-2].is_byline)
    return not (at_item_start and len(previous.lines) == 1 and looks_like_title(previous.text))


def _join(block: Block, line: SourceLine, log: ProblemLog) -> None:
    before, after = plain(block.text), plain(line.text)
    if before and after and before[-1] == after[0] and is_cjk(after[0]):
        # "…围绕“强化知" + "知识产权…": probably one 知 too many, but the text is the
        # editor's to change, so it stays as it is and is pointed out.
        log.add(
            "doubled_char",
            WARNING,
            f"页末断开处前后字符重复（“{after[0]}”），已按原文保留，请核对是否多一字。",
            line=line.number,
            text=line.text,
        )
    # Chinese joins without a space; two Latin words or numbers keep one between them.
    glue = " " if _is_latin(before[-1:]) and _is_latin(after[:1]) else ""
    block.text += glue + line.text
    block.lines.append(line)
    log.add("joined", INFO, "段落在页末断开，已合并。", line=line.number, text=line.text)


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def split_at_bylines(blocks: list[Block]) -> list[list[Block]]:
    """Groups of blocks, each ending with a byline (the last one may have none)."""
    groups: list[list[Block]] = [[]]
    for block in blocks:
        groups[-1].append(block)
        if block.is_byline:
            groups.append([])
    return [group for group in groups if group]


def markdown_runs(text: str, line: SourceLine, log: ProblemLog) -> Paragraph:
    """Runs from ``**bold**`` marks. An unpaired mark is dropped (and reported)."""
    parts = text.split("**")
    if len(parts) % 2 == 0:
        parts[-2:] = [parts[-2] + parts[-1]]
        log.add(
            "unpaired_bold", INFO, "加粗标记“**”不成对，已忽略多余的一个。", line=line.number, text=line.text
        )
    return [Run(part, bold=i % 2 == 1) for i, part in enumerate(parts) if part]


# --- 3. items ------------------------------------------------------------------------


@dataclass
class PlacedItem:
    """An item, the 目录 section it belongs to, and the line where it starts."""

    section: TocSection
    item: ArticleItem | BriefItem
    line: int


@dataclass
class BodyBuilder:
    """Turns anchors and the lines between them into articles and brief items."""

    lines: list[SourceLine]
    sections: list[TocSection]
    log: ProblemLog
    placed: list[PlacedItem] = field(default_factory=list)

    def build(self, anchors: list[Anchor], start: int, stop: int) -> list[PlacedItem]:
        first_articles = next((s for s in self.sections if s.kind == "articles"), None)
        briefs = next((s for s in self.sections if s.kind == "briefs"), None)
        leading = self.lines[start : anchors[0].start if anchors else stop]
        if anchors:
            # Before the first listed title: the 目录's first section is where it belongs
            # (its title was left out of the 目录, or the section label stands alone).
            self._unlisted(group_blocks(leading, self.log, starts_with_title=True), first_articles)
        for number, anchor in enumerate(anchors):
            last = number == len(anchors) - 1
            region = self.lines[anchor.end : stop if last else anchors[number + 1].start]
            self._article(anchor, group_blocks(region, self.log, starts_with_title=False), last, briefs)
        if not anchors:
            self._trailing(group_blocks(leading, self.log, starts_with_title=True), first_articles, briefs)
        if briefs is not None:
            self._check_brief_count(briefs)
        self._check_bylines()
        return self.placed

    # An article found through the 目录 ------------------------------------------------

    def _article(self, anchor: Anchor, blocks: list[Block], last: bool, briefs: TocSection | None) -> None:
        """The anchored article, then whatever follows its byline before the next anchor
        (after the last article: the brief items)."""
        self._return_displaced(anchor)
        groups = split_at_bylines(blocks)
        own = groups.pop(0) if groups else []
        title, subtitle = self._title(anchor)
        self._add_article(anchor.section, anchor.title_lines[0], title, subtitle, own)
        rest = [block for group in groups for block in group]
        if last:
            self._trailing(rest, anchor.section, briefs)
        else:
            self._unlisted(rest, anchor.section)

    def _title(self, anchor: Anchor) -> tuple[str, str]:
        """Title and second title line, as the body writes them.

        Two heading lines (``#`` then ``##``) are a title and its second line; other
        lines were one title broken by the extraction, and are joined.
        """
        first, *others = anchor.title_lines
        title, subtitle = plain(first.text), ""
        for line in others:
            if first.heading and line.heading:
                subtitle += plain(line.text)
            else:
                title += plain(line.text)
                self.log.add(
                    "joined_title", INFO, "标题分在两行，已合并为一行。", line=line.number, text=line.text
                )
        if comparison_key(title + subtitle) != comparison_key(anchor.toc.text):
            self.log.add(
                "title_differs",
                WARNING,
                f"正文标题与目录中的“{anchor.toc.text}”略有不同，已采用正文标题，请核对。",
                line=first.number,
                text=first.text,
            )
        return title, subtitle

    def _return_displaced(self, anchor: Anchor) -> None:
        """A byline inside this title's lines belongs to the article before it."""
        for line in anchor.displaced:
            byline = parse_byline(line.text)
            previous = next((p.item for p in reversed(self.placed) if isinstance(p.item, ArticleItem)), None)
            if byline is not None and previous is not None and not previous.byline_org:
                previous.byline_org, previous.byline_authors = byline.org, list(byline.authors)
                for kind, message in byline.doubts:
                    self.log.add(kind, WARNING, message, line=line.number, text=line.text)
                self.log.add(
                    "displaced_byline",
                    WARNING,
                    "署名被错排进下一篇的标题中间，已归还上一篇文章，请核对。",
                    line=line.number,
                    text=line.text,
                )
            else:
                self.log.add(
                    "stray_byline",
                    ERROR,
                    "标题中间夹有一行署名，无法确定属于哪一篇。",
                    line=line.number,
                    text=line.text,
                )

    def _add_article(
        self, section: TocSection, start: SourceLine, title: str, subtitle: str, blocks: list[Block]
    ) -> None:
        paragraphs = [markdown_runs(b.text, b.first, self.log) for b in blocks if not b.is_byline]
        byline_block = blocks[-1] if blocks and blocks[-1].is_byline else None
        if not paragraphs:
            self.log.add("empty_item", ERROR, f"《{title}》没有正文。", line=start.number, text=start.text)
        byline = self._byline(byline_block)
        item = ArticleItem(title, paragraphs, subtitle, byline.org, list(byline.authors))
        self.placed.append(PlacedItem(section, item, start.number))

    def _byline(self, block: Block | None) -> Byline:
        if block is None or block.byline is None:
            return Byline("")  # reported at the end: a displaced byline may still turn up
        for kind, message in block.byline.doubts:
            self.log.add(kind, WARNING, message, line=block.first.number, text=block.first.text)
        return block.byline

    # Items the 目录 does not list --------------------------------------------------------

    def _unlisted(self, blocks: list[Block], section: TocSection | None) -> None:
        """Articles between a byline and the next anchor: a title line, paragraphs, a byline."""
        for group in split_at_bylines(blocks):
            head = group[0]
            if section is None or head.is_byline or not looks_like_title(head.text) or len(group) < 2:
                for block in group:
                    self.log.add(
                        "stray_text",
                        ERROR,
                        "这段文字无法归入任何一篇稿件。",
                        line=block.first.number,
                        text=block.first.text,
                    )
                continue
            self._report_unlisted(head, section)
            self._add_article(section, head.first, plain(head.text), "", group[1:])

    def _report_unlisted(self, head: Block, section: TocSection) -> None:
        self.log.add(
            "not_in_toc",
            WARNING,
            f"正文中的文章未列入目录，已按正文顺序收入“{section.name}”栏目，请核对。",
            line=head.first.number,
            text=head.first.text,
        )

    def _trailing(self, blocks: list[Block], section: TocSection | None, briefs: TocSection | None) -> None:
        """After the last article: brief items, or articles the 目录 does not list.

        A brief is one paragraph beginning with a unit's name, then a byline; a group
        that opens with a title line and has more than one paragraph is an article.
        """
        announced = briefs
        for group in split_at_bylines(blocks):
            head = group[0]
            paragraphs = [b for b in group if not b.is_byline]
            # A brief whose first line was cut at a page end also starts with a short
            # line; it begins with a unit's name, though, and has no further paragraphs.
            titled = not head.is_byline and looks_like_title(head.text)
            is_article = titled and (
                len(paragraphs) >= 3 or (len(paragraphs) == 2 and not starts_with_unit(head.text))
            )
            if is_article and section is not None:
                self._report_unlisted(head, section)
                self._add_article(section, head.first, plain(head.text), "", group[1:])
                continue
            if briefs is None:
                briefs = TocSection(BRIEFS_SECTION, "briefs", head.first.number)
                self.sections.append(briefs)
            if announced is None:
                announced = briefs
                self.log.add(
                    "briefs_not_in_toc",
                    WARNING,
                    "目录中没有信息摘登，正文末尾的这些段落已按信息摘登收入，请核对。",
                    line=head.first.number,
                    text=head.first.text,
                )
            self._add_brief(briefs, group)

    def _add_brief(self, section: TocSection, group: list[Block]) -> None:
        paragraphs = [b for b in group if not b.is_byline]
        start = group[0].first
        if not paragraphs:
            self.log.add(
                "stray_byline",
                ERROR,
                "这行署名前面没有正文，无法确定属于哪一则。",
                line=start.number,
                text=start.text,
            )
            return
        if not starts_with_unit(paragraphs[0].text):
            self.log.add(
                "brief_start",
                WARNING,
                "信息摘登应以单位名称开头，请核对这一则。",
                line=start.number,
                text=start.text,
            )
        if len(paragraphs) > 1:
            self.log.add(
                "brief_paragraphs",
                WARNING,
                "这一则信息摘登有多个段落，已合并为一段。",
                line=start.number,
                text=start.text,
            )
        runs = [run for block in paragraphs for run in markdown_runs(block.text, block.first, self.log)]
        byline = self._byline(group[-1] if group[-1].is_byline else None)
        self.placed.append(
            PlacedItem(section, BriefItem(runs, byline.org, list(byline.authors)), start.number)
        )

    def _check_bylines(self) -> None:
        """Every item has a byline, and a district's item is signed by that district.

        The second check catches an item that ran into the next one (a last article
        without a byline takes the first brief's paragraph and byline).
        """
        texts = {line.number: line.text for line in self.lines}
        for placed in self.placed:
            item = placed.item
            opening = item.title if isinstance(item, ArticleItem) else paragraph_text(item.paragraph)
            name = f"《{item.title}》" if isinstance(item, ArticleItem) else "这一则信息摘登"
            text = texts[placed.line]
            if not item.byline_org:
                self.log.add(
                    "no_byline", WARNING, f"无法确定署名：{name}末尾没有署名。", line=placed.line, text=text
                )
                continue
            named, signed = district_of(plain(opening)), district_of(item.byline_org)
            if named and signed and named != signed:
                message = f"无法确定署名：{name}讲的是{named}，署名却是“{item.byline_org}”，请核对。"
                self.log.add("byline_mismatch", WARNING, message, line=placed.line, text=text)

    def _check_brief_count(self, briefs: TocSection) -> None:
        found = sum(1 for p in self.placed if p.section is briefs)
        if briefs.brief_count is not None and briefs.brief_count != found:
            self.log.add(
                "brief_count",
                WARNING,
                f"目录称信息摘登 {briefs.brief_count} 则，正文中找到 {found} 则。",
                line=briefs.line,
                text=briefs.name,
            )
