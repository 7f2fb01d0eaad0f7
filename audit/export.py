"""The audit log as an .xlsx workbook (openpyxl), for the 审计员."""

import io
import json
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from audit.models import AuditEntry
from web.spreadsheets import append_row

HEADER = ["时间", "账号", "地址", "事件", "对象类型", "对象编号", "对象", "修改前", "修改后", "说明"]


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def to_xlsx(entries: Iterable[AuditEntry], *, title: str) -> bytes:
    """One sheet: a title row (what was exported, when), the header, one row per entry
    in local time (Asia/Shanghai)."""
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "审计日志"
    append_row(sheet, [title])
    sheet["A1"].font = Font(bold=True)
    append_row(sheet, HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for entry in entries:
        append_row(
            sheet,
            [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_name,
                entry.address or "",
                entry.get_kind_display(),
                entry.object_type,
                entry.object_id,
                entry.object_label,
                _json(entry.before),
                _json(entry.after),
                entry.message,
            ],
        )
    for column, width in zip("ABCDEFGHIJ", (20, 14, 16, 14, 22, 10, 36, 30, 30, 50), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
