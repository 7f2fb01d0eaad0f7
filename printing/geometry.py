"""The paper and the text block (版心) of a printed page, read from the print stylesheet.

GB/T 9704-2012 §5.2.1 sets the page: A4, 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm.
``print.css`` is where the renderer sets it (``@page``: the margins, mirrored on left
pages). This module reads the numbers from there, so the verifier that checks the PDF
(``printing.verify``) measures against the page the renderer actually printed, and a
change to the stylesheet cannot leave a second copy behind.

Shapes: ``page_geometry() -> PageGeometry``; ``PageGeometry.block(page_number)`` gives the
text block of a page as (left, top, right, bottom) in pt from the page's top-left corner
(pdfplumber's coordinates). Page 1 is a right-hand page (odd pages right, even pages left).
Raises ``ValueError`` when the stylesheet has no ``@page`` size or margins it can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CSS_PATH = Path(__file__).with_name("print.css")

MM = 72 / 25.4  # pt per mm
# CSS page sizes the stylesheet may name (CSS Paged Media §7.1), in mm, portrait.
PAGE_SIZES_MM = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0), "B5": (176.0, 250.0)}
_UNITS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0, "px": 0.75}


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class PageGeometry:
    """Paper size and margins in pt; ``right_page``/``left_page`` are (left, right) margins."""

    width: float
    height: float
    top: float
    bottom: float
    right_page: tuple[float, float]
    left_page: tuple[float, float]

    def paper(self) -> Box:
        return Box(0.0, 0.0, self.width, self.height)

    def block(self, page_number: int) -> Box:
        """The text block of page ``page_number`` (1-based; odd pages are right-hand)."""
        left, right = self.right_page if page_number % 2 == 1 else self.left_page
        return Box(left, self.top, self.width - right, self.height - self.bottom)


def _length(value: str) -> float:
    match = re.fullmatch(r"\s*(-?[\d.]+)\s*(mm|cm|in|pt|px)\s*", value)
    if not match:
        raise ValueError(f"print.css: cannot read the length {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _page_rules(css: str) -> dict[str, dict[str, str]]:
    """{selector ("" for plain @page, ":left", ":right"): {property: value}} of the @page
    rules, nested margin boxes (@bottom-right, @footnote) left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"@page\s*([^{]*)\{", css):
        depth, index, body = 1, match.end(), []
        while index < len(css) and depth:
            char = css[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif depth == 1:
                body.append(char)
            index += 1
        # Declarations of nested blocks were skipped; their at-rule names remain as text.
        flat = re.sub(r"@[\w-]+\s*", "", "".join(body))
        declarations = rules.setdefault(match.group(1).strip(), {})
        for declaration in flat.split(";"):
            name, _, value = declaration.partition(":")
            if value.strip():
                declarations[name.strip()] = value.strip()
    return rules


def _margins(declarations: dict[str, str], base: list[float]) -> list[float]:
    """[top, right, bottom, left] after a rule's margin shorthand and longhands."""
    result = list(base)
    if "margin" in declarations:
        values = [_length(v) for v in declarations["margin"].split()]
        top, right, bottom, left = {
            1: lambda v: (v[0], v[0], v[0], v[0]),
            2: lambda v: (v[0], v[1], v[0], v[1]),
            3: lambda v: (v[0], v[1], v[2], v[1]),
            4: lambda v: tuple(v),
        }[len(values)](values)
        result = [top, right, bottom, left]
    for index, side in enumerate(("top", "right", "bottom", "left")):
        if f"margin-{side}" in declarations:
            result[index] = _length(declarations[f"margin-{side}"])
    return result


@lru_cache(maxsize=4)
def page_geometry(css_path: Path = CSS_PATH) -> PageGeometry:
    """The page as ``css_path``'s @page rules set it (see the module docstring)."""
    rules = _page_rules(Path(css_path).read_text(encoding="utf-8"))
    base = rules.get("")
    if not base or "size" not in base or "margin" not in base:
        raise ValueError("print.css: no @page rule with size and margin")
    size = base["size"].split()
    if size[0].upper() in PAGE_SIZES_MM:
        width, height = (v * MM for v in PAGE_SIZES_MM[size[0].upper()])
        if "landscape" in size[1:]:
            width, height = height, width
    else:
        width, height = _length(size[0]), _length(size[-1])
    margins = _margins(base, [0.0, 0.0, 0.0, 0.0])
    right = _margins(rules.get(":right", {}), margins)
    left = _margins(rules.get(":left", {}), margins)
    return PageGeometry(
        width=width,
        height=height,
        top=margins[0],
        bottom=margins[2],
        right_page=(right[3], right[1]),
        left_page=(left[3], left[1]),
    )
