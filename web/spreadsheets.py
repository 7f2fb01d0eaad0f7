"""Cells of exported spreadsheets (.xlsx, .csv) that a spreadsheet program cannot run.

Excel, WPS and LibreOffice read a cell whose text begins with = + - or @ as a formula, and a
leading tab, carriage return or line feed is stripped before they look (the OWASP "CSV
injection" rule). A user name typed at the login page, a unit's name or a piece's title
reaches the audit log and the statistics, so every export writes its rows through this
module: numbers stay numbers, and a risky text stays text, shown exactly as it was stored.

- .csv: a risky text is prefixed with a single quote (``'=1``), which the programs take as
  "this is text" and do not show;
- .xlsx: a risky text is a string cell (openpyxl makes a formula of any string that begins
  with "=") with Excel's own "quote prefix" mark, so editing the cell keeps it text too.
  Control characters the .xlsx format cannot hold are written as visible ``\\x07``.
"""

import re
import unicodedata
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@")


def is_risky(text: str) -> bool:
    """Whether a spreadsheet program could read `text` as a formula (or something to run)."""
    if not text:
        return False
    first = text[0]
    return first in FORMULA_STARTS or unicodedata.category(first) in ("Cc", "Cf")


def csv_value(value):
    """A value for csv.writer: a risky text gets a leading single quote; anything else as it is."""
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def csv_row(values: Iterable) -> list:
    return [csv_value(value) for value in values]


def _visible(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}"


def append_row(sheet: Worksheet, values: Iterable) -> None:
    """Append one row to an openpyxl sheet: numbers as numbers, every text as a text cell."""
    values = [ILLEGAL_CHARACTERS_RE.sub(_visible, v) if isinstance(v, str) else v for v in values]
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and is_risky(value):
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"  # openpyxl made it "f" (formula) for a leading "="
            cell.quotePrefix = True
