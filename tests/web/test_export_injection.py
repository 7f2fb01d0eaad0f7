"""No exported cell can run: every .xlsx/.csv export writes hostile text as text, shown intact.

The test carries its own list of exports and of hostile strings; each export is fed the
strings through the fields it exports (a user name typed at the login page, the audit row's
texts, the units' names), downloaded as its reader would, and read back with openpyxl and csv.
"""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Role, Unit
from audit.records import record
from web.spreadsheets import append_row, csv_value, is_risky

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","点此")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1",
    "\r=1+1",
    "\n=2+2",
]

# (name, url name and args, query, format)
EXPORTS = [
    ("审计日志 .xlsx", "admin:audit_auditentry_export", [], {}, "xlsx"),
    ("考核统计 .xlsx", "stats_export", ["xlsx"], {"kind": "year", "year": 2024}, "xlsx"),
    ("考核统计 .csv", "stats_export", ["csv"], {"kind": "year", "year": 2024}, "csv"),
]


def xlsx_cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def csv_cells(content: bytes) -> list[str]:
    return [value for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for value in row]


@pytest.fixture
def hostile_data(make_user):
    """Hostile text in every field an export shows: a failed login under each hostile name
    (the audit log), an audit row with each in its texts, and units named with them."""
    anonymous = Client()
    for text in HOSTILE:
        anonymous.post(reverse("login"), {"username": text, "password": "wrong"})
        record(
            "issue_created",
            actor_name=text,
            label=text,
            object_type="bulletin.issue",
            object_id=text[:64],
            message=text,
            before={"topic": text},
            after={"topic": text},
        )
    units = list(Unit.objects.filter(active=True).order_by("kind", "position")[: len(HOSTILE)])
    for unit, text in zip(units, HOSTILE, strict=True):
        Unit.objects.filter(pk=unit.pk).update(name=text)
    return HOSTILE


@pytest.fixture
def readers(make_user):
    return {
        "xlsx": make_user(Role.AUDITOR, username="shenji"),
        "stats": make_user(Role.EDITOR, username="bianji"),
    }


@pytest.mark.parametrize(("name", "url", "args", "query", "fmt"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_every_export_writes_hostile_text_as_text(hostile_data, readers, name, url, args, query, fmt):
    client = Client()
    client.force_login(readers["xlsx"] if url.startswith("admin:") else readers["stats"])
    response = client.get(reverse(url, args=args), query)
    assert response.status_code == 200, name
    if fmt == "xlsx":
        cells = xlsx_cells(response.content)
        assert cells
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], f"{name}: formula cells"
        texts = [c.value for c in cells if isinstance(c.value, str)]
        risky = [c for c in cells if isinstance(c.value, str) and is_risky(c.value)]
        assert all(c.quotePrefix for c in risky), f"{name}: risky text without the text mark"
        numbers = [c.value for c in cells if c.data_type == "n" and c.value is not None]
    else:
        texts = csv_cells(response.content)
        assert not [t for t in texts if t and (t[0] in "=+-@" or t[0] in "\t\r\n")], f"{name}: unguarded"
        numbers = []
    for text in hostile_data:
        shown = text if fmt == "xlsx" else csv_value(text)
        assert any(shown in value for value in texts), f"{name}: {text!r} not shown intact"
    if url == "stats_export" and fmt == "xlsx":
        # Figures stay numbers (ranks, counts, scores), not text.
        assert numbers and all(isinstance(n, int | float) for n in numbers)


def test_the_login_page_name_reaches_the_audit_export_as_text(readers):
    """The reported case: a login attempt named =HYPERLINK(…) is a text cell for the 审计员."""
    name = '=HYPERLINK("http://evil.example/x","点此")'
    Client().post(reverse("login"), {"username": name, "password": "wrong"})
    client = Client()
    client.force_login(readers["xlsx"])
    cells = xlsx_cells(client.get(reverse("admin:audit_auditentry_export")).content)
    shown = [c for c in cells if c.value == name]
    assert shown and all(c.data_type == "s" for c in shown)


def test_numbers_stay_numbers_and_control_characters_stay_visible():
    book = Workbook()
    append_row(book.active, [-1, -2.5, 0, "-3", "a\x07b", "\x1b[31m", "普通文字"])
    saved = io.BytesIO()
    book.save(saved)
    row = next(load_workbook(saved).active.iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        (-1, "n"),
        (-2.5, "n"),
        (0, "n"),
        ("-3", "s"),
        ("a\\x07b", "s"),
        ("\\x1b[31m", "s"),
        ("普通文字", "s"),
    ]
    assert row[3].quotePrefix and not row[6].quotePrefix
    assert [csv_value(v) for v in (-1, "-1", "=1", "@a", "\t=1", "正常")] == [
        -1,
        "'-1",
        "'=1",
        "'@a",
        "'\t=1",
        "正常",
    ]
