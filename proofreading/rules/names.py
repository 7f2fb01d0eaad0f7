"""Names the office fixes.

- ``unit_name``: a unit named in a byline, at the opening of a 信息摘登 item or before
  the colon of a title is written as the unit list has it: 西湖区人大常委会 (not
  西湖人大, 西湖区人大), a byline office from the list (西湖区人大常委会办公室, 法工委),
  a title prefix 西湖区： (not 西湖：). A byline naming another district than the piece's
  unit is flagged too.
- ``body_name``: a body's or a unit's name cut short in running text (title, body, a
  brief's text): 人大常委 where the body is meant (人大常委主任, 人大常委办公室, 人大常委
  召开 → 人大常委会…: before a part of the body or what a body does; a member called
  全国人大常委 in speech is left alone), and a district's place name without
  区/县/市 before 人大 (建德人大 → 建德市人大常委会, 建德人大代表 → 建德市人大代表), the
  names from the unit list (``CheckContext.units``). A committee's name is not checked in
  running text: a city's 人大 has 专门委员会 (法制委员会, 财经委) beside its 常委会's
  工作委员会 (法工委, 财经工委), so either may be meant. The opening words of a 信息摘登
  item are ``unit_name``'s.
- ``term``: the publication's terms list (``proofreading.Term``, edited in the admin):
  each variant found in the title or body is flagged with the preferred form, unless it is
  part of the preferred form itself (十四五 inside “十四五”) or of a listed exception
  (人民代表 inside 人民代表大会), or inside the title of a work (《人民代表报》): a
  title is cited as it is printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from proofreading.findings import Finding, Hit, finding_in
from proofreading.rules.base import piece_parts, piece_rule, text_rule, title_spans
from proofreading.text import CheckContext, PieceText, UnitNames


def _district_mentions(text: str, units: tuple[UnitNames, ...]) -> Iterator[tuple[re.Match[str], UnitNames]]:
    """Places where a district is named with 人大 after it: 西湖人大, 西湖区人大常委会 …"""
    for unit in units:
        if unit.kind != "district":
            continue
        suffix = unit.short_name[len(unit.stem) :]
        pattern = re.compile(rf"{re.escape(unit.stem)}({re.escape(suffix)})?人大(常委会)?")
        for match in pattern.finditer(text):
            yield match, unit


def _wrong_unit_names(text: str, units: tuple[UnitNames, ...]) -> Iterator[Hit]:
    for match, unit in _district_mentions(text, units):
        if match.group(1) and match.group(2):
            continue
        right = unit.name
        yield Hit(match.start(), match.end() - match.start(), f"单位名称应写作“{right}”", right)


_TITLE_PREFIX = re.compile(r"^([\u4e00-\u9fff]{2,8})[：:]")


@piece_rule("unit_name", "单位名称")
def unit_name(piece: PieceText, context: CheckContext) -> Iterator[Finding]:
    units = context.units
    if not units:
        return
    # The byline office.
    org = piece.byline_org.strip()
    if org:
        byline = " ".join(p for p in (piece.byline_org, piece.byline_authors) if p)
        hits = list(_wrong_unit_names(org, units))
        if not hits:
            named = context.unit_for_byline(org)
            if named is None and "人大" in org and not org.startswith("市人大常委会"):
                hits.append(Hit(0, len(org), "署名单位不在单位名单中", ""))
            elif named is not None and named.kind == "district" and not org.startswith(named.name):
                hits.append(Hit(0, len(org), f"署名单位应写作“{named.office_name}”", named.office_name))
            elif (
                named is not None
                and piece.unit is not None
                and piece.unit.kind == "district"
                and named.kind == "district"
                and named != piece.unit
            ):
                hits.append(Hit(0, len(org), f"署名单位与报送单位（{piece.unit.short_name}）不一致", ""))
        for hit in hits:
            yield finding_in(byline, hit, rule="unit_name", piece=piece.key, part="byline", paragraph=0)
    # The title's prefix ("西湖区：…").
    if piece.kind == "article" and (match := _TITLE_PREFIX.match(piece.title_line)):
        prefix = match.group(1)
        for unit in units:
            if unit.kind == "district" and prefix == unit.stem and prefix != unit.short_name:
                hit = Hit(0, len(prefix), f"标题中的单位应写作“{unit.short_name}”", unit.short_name)
                yield finding_in(
                    piece.title_line, hit, rule="unit_name", piece=piece.key, part="title", paragraph=0
                )
    # A brief's opening words.
    if piece.kind == "brief" and piece.paragraphs:
        text = piece.paragraphs[0]
        for hit in _wrong_unit_names(text[:20], units):
            if hit.offset == 0:
                yield finding_in(text, hit, rule="unit_name", piece=piece.key, part="body", paragraph=1)


# 人大常委 is the body cut short before a part of the body or what a body does (人大常委主任,
# 人大常委办公室, 人大常委召开); a member called 全国人大常委 in speech stands before a mark,
# 的, 后, 多年 … and is left alone.
_BODY_FOLLOWERS = (
    "主任|副主任|秘书长|副秘书长|办公室|办公厅|党组|机关|组成人员|委员|研究室|领导|工委|法工委|"
    "[^\\W\\d_]{1,8}工作委员会|主任会议|会议室|执法检查组|调研组|召开|组织|听取|审议|通过|作出|出台|印发|"
    "开展|举行|启动|决定|表决|批准|任命|督办|调研|视察|检查|召集|制定|修改|发布|部署|安排|联合|牵头|专题"
)
_STANDING_SHORT = re.compile(rf"人大常委(?!会)(?=(?:{_BODY_FOLLOWERS}))")


# After a district's name cut to 建德人大: words that make it 建德市人大 + that word.
_AFTER_SHORT_KEEPS_RENDA = ("代表", "工作", "机关", "干部", "系统", "制度", "主席团")
# A medium's own name (余杭人大微信公众号) is cited as it is registered.
_MEDIUM_AFTER = re.compile(
    r"[“”\"]?(?:微信|公众号|网站|网|官网|门户|客户端|APP|App|app|抖音|视频号|微博|头条号|小程序)"
)


def _short_district_names(text: str, units: tuple[UnitNames, ...]) -> Iterator[Hit]:
    titles = title_spans(text)
    for unit in units:
        if unit.kind != "district" or unit.stem == unit.short_name or len(unit.stem) < 2:
            continue
        for match in re.finditer(rf"{re.escape(unit.stem)}人大(常委会)?", text):
            start, end = match.span()
            if _MEDIUM_AFTER.match(text, end) or any(a <= start and end <= b for a, b in titles):
                continue
            rest = text[end:]
            if match.group(1):
                right = unit.name
            elif rest.startswith(_AFTER_SHORT_KEEPS_RENDA):
                right = f"{unit.short_name}人大"
            else:
                right = unit.name
            yield Hit(
                start,
                end - start,
                f"“{match.group(0)}”是简称，正文中应写作“{right}”（单位名单：{unit.name}）",
                right,
            )


@piece_rule("body_name", "机构名称")
def body_name(piece: PieceText, context: CheckContext) -> Iterator[Finding]:
    for part, paragraph, text in piece_parts(piece):
        if part == "byline":
            continue
        hits = [
            Hit(m.start(), 4, "“人大常委”不是机构名称，应写作“人大常委会”", "人大常委会")
            for m in _STANDING_SHORT.finditer(text)
        ]
        for hit in _short_district_names(text, context.units):
            if piece.kind == "brief" and part == "body" and paragraph == 1 and hit.offset == 0:
                continue  # a brief's opening words: unit_name names them
            hits.append(hit)
        for hit in sorted(hits, key=lambda h: h.offset):
            yield finding_in(text, hit, rule="body_name", piece=piece.key, part=part, paragraph=paragraph)


@text_rule("term", "规范用语")
def terms(text: str, context: CheckContext) -> Iterator[Hit]:
    titles = title_spans(text) if context.terms else []
    for term in context.terms:
        allowed: list[tuple[int, int]] = list(titles)
        for form in (term.preferred, *term.exceptions):
            if form:
                allowed += [(m.start(), m.end()) for m in re.finditer(re.escape(form), text)]
        for variant in term.variants:
            if not variant:
                continue
            for match in re.finditer(re.escape(variant), text):
                start, end = match.span()
                if any(a <= start and end <= b for a, b in allowed):
                    continue
                message = f"应写作“{term.preferred}”" + (f"（{term.note}）" if term.note else "")
                message += f"（{term.source}）" if term.source else ""
                yield Hit(start, end - start, message, term.preferred)
