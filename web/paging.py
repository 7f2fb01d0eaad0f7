"""Keyset paging for lists that grow without bound (the review queue, notifications).

A page is found by where the previous one ended — (sort key, id) of its last row — not by
counting rows from the start, so the hundredth page costs what the first does (an OFFSET
makes the database walk and discard every earlier row: the queue's last page took 980 ms
on SQLite at ten years of data, issue 15).

The list is ordered by one key descending, newest first, then by id descending; the key
may be NULL (a back-issue piece has no 报送时间), and NULLs come last. A cursor in the
URL is "<ISO time or ~>|<id>"; a cursor that does not parse is the first page, never an
error (nor is a time that has no UTC equivalent, such as 9999-12-31T23:59:59-12:00, which
SQLite's adapter would fail to convert).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_datetime

PAGE_SIZE = 20
NULL = "~"


@dataclass
class KeysetPage:
    items: list
    next_cursor: str = ""  # "after" of the next (older) page, "" on the last page
    previous_cursor: str = ""  # "before" of the previous (newer) page, "" on the first page
    is_first: bool = True
    # Query strings of the links (set by `page_for_request`).
    next_query: str = ""
    previous_query: str = ""
    first_query: str = ""

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor or not self.is_first)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def cursor_of(value, pk: int) -> str:
    key = NULL if value is None else value.isoformat()
    return f"{key}|{pk}"


def parse_cursor(text: str | None) -> tuple[dt.datetime | None, int] | None:
    """(key, id) from a cursor, or None for anything that is not one.

    The key comes back aware and in UTC (a time written without an offset is read as UTC,
    as `cursor_of` writes the database's UTC times); a time whose UTC equivalent falls
    outside years 1–9999 is no cursor.
    """
    if not text or "|" not in text or len(text) > 80:
        return None
    key, _, pk = text.rpartition("|")
    if not pk.isdigit() or len(pk) > 18:
        return None
    if key == NULL:
        return None, int(pk)
    try:
        value = parse_datetime(key)
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return value, int(pk)


def keyset_page(
    queryset: QuerySet,
    *,
    key: str,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
    oldest_first: bool = False,
) -> KeysetPage:
    """One page of `queryset` ordered by `key` descending (NULLs last), then id descending;
    with `oldest_first`, by `key` ascending (NULLs still last), then id ascending — the
    review queue's 待处理 lists the longest waiting first.

    `after`: the page after that cursor (further down the list); `before`: the page before
    it; neither: the first page. One query, LIMIT size + 1, whatever the page.
    """
    lt, gt = ("gt", "lt") if oldest_first else ("lt", "gt")  # "further down" / "further up"
    if oldest_first:
        down = (F(key).asc(nulls_last=True), "pk")
        up = (F(key).desc(nulls_first=True), "-pk")
    else:
        down = (F(key).desc(nulls_last=True), "-pk")
        up = (F(key).asc(nulls_first=True), "pk")
    after_key, before_key = parse_cursor(after), parse_cursor(before)
    if before_key is not None:
        value, pk = before_key
        if value is None:
            above = Q(**{f"{key}__isnull": False}) | Q(**{f"{key}__isnull": True, f"pk__{gt}": pk})
        else:
            above = Q(**{f"{key}__{gt}": value}) | Q(**{key: value, f"pk__{gt}": pk})
        rows = list(queryset.filter(above).order_by(*up)[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return _page(rows, key, has_newer=more_before, has_older=True)
    if after_key is not None:
        value, pk = after_key
        if value is None:
            below = Q(**{f"{key}__isnull": True, f"pk__{lt}": pk})
        else:
            below = (
                Q(**{f"{key}__{lt}": value})
                | Q(**{key: value, f"pk__{lt}": pk})
                | Q(**{f"{key}__isnull": True})
            )
        rows = list(queryset.filter(below).order_by(*down)[: size + 1])
        return _page(rows[:size], key, has_newer=True, has_older=len(rows) > size)
    rows = list(queryset.order_by(*down)[: size + 1])
    return _page(rows[:size], key, has_newer=False, has_older=len(rows) > size)


def _page(rows: list, key: str, *, has_newer: bool, has_older: bool) -> KeysetPage:
    def cursor(row) -> str:
        return cursor_of(_value(row, key), row.pk)

    return KeysetPage(
        items=rows,
        next_cursor=cursor(rows[-1]) if rows and has_older else "",
        previous_cursor=cursor(rows[0]) if rows and has_newer else "",
        is_first=not has_newer,
    )


def _value(row, key: str):
    value = row
    for part in key.split("__"):
        value = getattr(value, part)
    return value


def page_for_request(
    request, queryset: QuerySet, *, key: str, size: int = PAGE_SIZE, oldest_first: bool = False
) -> KeysetPage:
    """The page the request's `after`/`before` ask for, with the links' query strings
    (the request's other parameters kept)."""
    page = keyset_page(
        queryset,
        key=key,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=size,
        oldest_first=oldest_first,
    )
    page.next_query = _query(request.GET, after=page.next_cursor)
    page.previous_query = _query(request.GET, before=page.previous_cursor)
    page.first_query = _query(request.GET)
    return page


def _query(params, **changes) -> str:
    merged = [(k, v) for k, values in params.lists() for v in values if k not in ("after", "before", "page")]
    merged += [(k, v) for k, v in changes.items() if v]
    return urlencode(merged)
