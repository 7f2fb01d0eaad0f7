"""Charts drawn on the server as SVG: nothing to load, prints as it shows."""

import datetime as dt
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessment.models import points_text

RED = "#c8161d"
GREY = "#6c757d"


def bars_by_unit(rows: list[tuple[str, Decimal | int]], *, title: str, width: int = 880) -> SafeString:
    """Horizontal bars, one per unit, longest first as given."""
    bar, gap, left, right = 18, 6, 110, 60
    height = len(rows) * (bar + gap) + 40
    top = max((float(v) for _, v in rows), default=0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'class="chart" font-family="Noto Sans CJK SC, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = 30 + i * (bar + gap)
        length = max(0.0, float(value)) / top * (width - left - right)
        shown = points_text(value)
        parts.append(
            f'<text x="{left - 8}" y="{y + 13}" text-anchor="end" fill="#212529">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{RED}" rx="2"><title>{escape(label)}：{shown}</title></rect>'
        )
        parts.append(f'<text x="{left + length + 6:.1f}" y="{y + 13}" fill="{GREY}">{shown}</text>')
    parts.append(f'<text x="{left}" y="18" fill="{GREY}">{escape(title)}</text></svg>')
    return mark_safe("".join(parts))  # noqa: S308 - labels escaped above


def monthly_trend(
    points: list[tuple[dt.date, int]],
    *,
    title: str,
    width: int = 880,
    height: int = 240,
    font_size: int = 12,
    short_labels: bool = False,
) -> SafeString:
    """Columns per month with the count on top.

    `short_labels` writes the months as "1" … "12" (the year under January and the first
    column), for a narrow chart drawn for phones with a larger `font_size`.
    """
    left, bottom = 40, 30 + (font_size if short_labels else 0)
    top_pad = 2 * font_size + 14 if short_labels else 30
    n = max(len(points), 1)
    slot = (width - left - 10) / n
    top = max((v for _, v in points), default=0) or 1
    plot = height - bottom - top_pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'class="chart" font-family="Noto Sans CJK SC, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#ccc"/>',
    ]
    for i, (month, value) in enumerate(points):
        h = value / top * plot
        x = left + i * slot + slot * 0.2
        y = height - bottom - h
        label = f"{month.month}" if short_labels else f"{month.month}月"
        if not short_labels and (month.month == 1 or i == 0):
            label = f"{month.year}年{month.month}月"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" fill="{RED}"><title>{month.year}年{month.month}月：{value} 篇</title></rect>'
        )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{GREY}">{value}</text>'
        )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom + font_size + 4}" text-anchor="middle" fill="#212529">{label}</text>'
        )
        if short_labels and (month.month == 1 or i == 0):
            parts.append(
                f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom + 2 * font_size + 6}" text-anchor="middle" fill="{GREY}">{month.year}</text>'
            )
    parts.append(f'<text x="{left}" y="16" fill="{GREY}">{escape(title)}</text></svg>')
    return mark_safe("".join(parts))  # noqa: S308 - labels escaped above
