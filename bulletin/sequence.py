"""The issue sequence as arithmetic (no models): each issue follows the one before it —
第 N+1 期 in the same year, 第 1 期 in a new one, 总第 M+1 期 either way — and the
sentences that say where a number slips. ``bulletin.numbering`` finds the issue before in
the database; the 校对 rule (``proofreading.rules.issue``) reads it from the issue's text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Neighbour:
    """The numbers of the issue a new or edited issue follows (no model: the 校对 rule
    builds one from the issue text, the actions from an Issue row)."""

    year: int
    number: int
    total_number: int

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期（总第{self.total_number}期）"


def expected_after(previous: Neighbour, year: int) -> tuple[int, int]:
    """(number in year, 总期号) of the issue after ``previous`` in ``year``: 第 N+1 期 in the
    same year, 第 1 期 in a later one; 总第 M+1 期 either way."""
    number = previous.number + 1 if previous.year == year else 1
    return number, previous.total_number + 1


@dataclass(frozen=True)
class Slip:
    """One number that does not follow the issue before: ``field`` is "number" or
    "total_number", ``expected`` the value it should have, ``message`` the Chinese sentence."""

    field: str
    expected: int
    message: str


def sequence_slips(previous: Neighbour, *, year: int, number: int, total_number: int) -> list[Slip]:
    """The numbers that do not follow ``previous`` (empty when all do), each with a sentence
    that quotes the actual numbers: 上一期是2024年第14期（总第704期），本期应为第15期
    （总第705期），现填总第74期。 A number lower than expected (a repeat or a step back) and a
    gap are both slips; whether one is allowed is the caller's (a recorded reason).
    ``previous`` comes before (year, number), so its year is never later."""
    want_number, want_total = expected_after(previous, year)
    want = f"第{want_number}期（总第{want_total}期）"
    if year != previous.year:
        want = f"{year}年" + want
    slips = []
    if number != want_number:
        slips.append(
            Slip("number", want_number, f"上一期是{previous.label}，本期应为{want}，现填第{number}期。")
        )
    if total_number != want_total:
        slips.append(
            Slip(
                "total_number",
                want_total,
                f"上一期是{previous.label}，本期应为{want}，现填总第{total_number}期。",
            )
        )
    return slips
