"""The statistics table as .xlsx and .csv, with a header that states the period and the scheme."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from assessment.models import points_text
from assessment.stats import Report, UnitFigures
from web.spreadsheets import append_row, csv_row

COLUMNS = [
    "排名",
    "报送单位",
    "报送",
    "采用为文章",
    "采用为信息摘登",
    "要闻速递",
    "不采用",
    "退回修改",
    "批示",
    "省人大采用",
    "全国人大采用",
    "约稿逾期",
    "约稿未报",
    "漏报",
    "采用率",
    "得分",
]


def _cells(row: UnitFigures, *, name: str, rank) -> list:
    rate = round(row.rate * 100, 1) if row.rate is not None else None
    return [
        rank,
        name,
        row.submitted,
        row.articles,
        row.briefs,
        row.leads,
        row.declined,
        row.returned,
        row.instructions,
        row.provincial,
        row.national,
        row.late,
        row.missed,
        row.quota_short,
        rate,
        float(row.points),
    ]


def header_lines(report: Report) -> list[str]:
    schemes = "；".join(
        f"{s.effective_from:%Y-%m-%d}起 文章{points_text(s.article)} 摘登{points_text(s.brief)} "
        f"要闻+{points_text(s.lead_bonus)} 批示+{points_text(s.instruction_bonus)} "
        f"省人大采用+{points_text(s.provincial_adoption)} 全国人大采用+{points_text(s.national_adoption)} "
        f"约稿逾期-{points_text(s.late_commission)} 未报-{points_text(s.missed_commission)} "
        f"漏报每篇-{points_text(s.missed_quota)}"
        for s in report.schemes
    )
    return [
        f"杭州人大信息 信息工作考核统计 · {report.period.label}（{report.period.start} 至 {report.period.end}）",
        f"计分办法：{schemes or '无'}。采用率单位为 %。",
    ]


def to_rows(report: Report) -> list[list]:
    rows = [_cells(r, name=r.unit.name, rank=r.rank) for r in report.rows]
    rows.append(_cells(report.totals, name="合计", rank=""))
    return rows


def to_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "信息工作考核"
    for line in header_lines(report):
        append_row(sheet, [line])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in to_rows(report):
        append_row(sheet, row)
    sheet.column_dimensions["B"].width = 34
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in header_lines(report):
        writer.writerow(csv_row([line]))
    writer.writerow(csv_row(COLUMNS))
    writer.writerows(csv_row(row) for row in to_rows(report))
    return "\ufeff" + out.getvalue()  # the BOM lets Excel open UTF-8 Chinese correctly
