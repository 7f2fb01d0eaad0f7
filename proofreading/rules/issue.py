"""Issue-level rules (read the whole issue, so they run in the 校对 panel of 组刊).

- ``toc_title``: every 目录 entry equals its article's printed title (title and second
  line, spaces ignored).
- ``byline_missing``: every article and brief has a byline.
- ``brief_unit``: every 信息摘登 item begins with its unit's name (西湖区人大常委会……).
- ``unit_leads_twice``: the same unit does not lead two sections in a row — only when
  the office sets it (``ProofreadingOptions.unit_not_leading_twice``).
- ``issue_sequence``: the issue's date, number and 总期号 follow the issue before it —
  the one with the greatest (year, 期号) below its own, never the one with the next lower
  总期号 (a wrong 总第74期 would otherwise become every later issue's "previous"): 第 N+1 期
  in the same year (第 1 期 in a new year), 总第 M+1 期, a later date, and the date in the
  issue's year. The messages are bulletin.sequence.sequence_slips, the same sentences the
  issue form and 刊发 show. When the editor has recorded a reason for the numbers
  (Issue.numbering_reason, given at creation or in 本期信息), each slip is still listed, as a
  note that quotes the reason and suggests no change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bulletin.sequence import Neighbour, sequence_slips
from proofreading.findings import Finding
from proofreading.rules.base import issue_rule
from proofreading.text import CheckContext, IssueText


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


@issue_rule("toc_title", "目录与标题")
def toc_title(issue: IssueText, context: CheckContext) -> Iterator[Finding]:
    toc = dict(issue.toc)
    for name, kind, pieces in issue.sections:
        if kind != "articles":
            continue
        titles = toc.get(name, [])
        for index, piece in enumerate(pieces):
            listed = titles[index] if index < len(titles) else None
            printed = piece.title_line
            if listed is None:
                message = "目录中没有这篇文章"
            elif _squash(listed) != _squash(printed):
                message = f"目录作《{listed}》，标题作《{printed}》"
            else:
                continue
            yield Finding(
                "toc_title", message, piece.key, "title", 0, 0, len(printed), printed, suggestion=printed
            )


@issue_rule("byline_missing", "缺少署名")
def byline_missing(issue: IssueText, context: CheckContext) -> Iterator[Finding]:
    for piece in issue.pieces:
        if not (piece.byline_org.strip() or piece.byline_authors.strip()):
            yield Finding("byline_missing", "没有署名", piece.key, "byline", 0)


@issue_rule("brief_unit", "摘登开头单位")
def brief_unit(issue: IssueText, context: CheckContext) -> Iterator[Finding]:
    for _name, kind, pieces in issue.sections:
        if kind != "briefs":
            continue
        for piece in pieces:
            text = piece.paragraphs[0] if piece.paragraphs else ""
            unit = piece.unit or context.unit_for_byline(piece.byline_org, text)
            if unit is None:
                continue  # the unit_name rule reports a byline it cannot place
            if any(text.startswith(form) for form in unit.opening_forms):
                continue
            yield Finding(
                "brief_unit",
                f"信息摘登应以单位名称“{unit.name}”开头",
                piece.key,
                "body",
                1,
                0,
                min(len(text), 8),
                text[:8],
                after=text[8:16],
                suggestion=unit.name,
            )


@issue_rule("unit_leads_twice", "单位连续领衔")
def unit_leads_twice(issue: IssueText, context: CheckContext) -> Iterator[Finding]:
    if not context.unit_not_leading_twice:
        return
    previous = None
    for name, _kind, pieces in issue.sections:
        if not pieces:
            continue
        lead = pieces[0]
        unit = lead.unit or context.unit_for_byline(
            lead.byline_org, lead.paragraphs[0] if lead.paragraphs else ""
        )
        if unit is not None and previous is not None and unit == previous[1]:
            message = f"“{name}”与上一栏目“{previous[0]}”的第一篇都是{unit.short_name}的稿件"
            yield Finding("unit_leads_twice", message, lead.key, "title", 0)
        previous = (name, unit)


@issue_rule("issue_sequence", "期号与日期")
def issue_sequence(issue: IssueText, context: CheckContext) -> Iterator[Finding]:
    n = issue.numbers
    if n.date.year != n.year:
        yield Finding("issue_sequence", f"出刊日期{n.date:%Y年%m月%d日}不在{n.year}年", "", "issue", 0)
    before = issue.previous
    if before is None:
        return
    slips = sequence_slips(
        Neighbour(before.year, before.number, before.total_number),
        year=n.year,
        number=n.number,
        total_number=n.total_number,
    )
    for slip in slips:
        if n.reason:
            # A recorded reason makes the slip a note: still said, with the reason, no fix.
            message = f"说明：{slip.message}编辑已确认，理由：{n.reason}"
            yield Finding("issue_sequence", message, "", "issue", 0, note=True)
            continue
        suggestion = {"number": f"第{slip.expected}期", "total_number": f"总第{slip.expected}期"}
        yield Finding(
            "issue_sequence",
            slip.message.rstrip("。"),
            "",
            "issue",
            0,
            suggestion=suggestion.get(slip.field, ""),
        )
    if n.date < before.date:
        yield Finding(
            "issue_sequence",
            f"出刊日期早于上一期（{before.date.year}年{before.date.month}月{before.date.day}日）",
            "",
            "issue",
            0,
        )
