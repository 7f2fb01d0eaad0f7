"""繁体字 in simplified text, through OpenCC's tables (PyPI ``opencc``, Apache-2.0).

The paragraph is converted with OpenCC's ``t2s`` configuration (traditional to
simplified, with its phrase tables, so 乾隆 and 著作 stay as they are); every run of
characters the conversion changes is flagged with the simplified form: 區人大常委會 →
区人大常委会 (two changed characters a few apart make one finding). Names the office
writes in traditional characters on purpose (a person's or a place's name) are listed
in 校对设置 (``CheckContext.traditional_names``) and left alone.

The converter is built once per process.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import opencc

from proofreading.findings import Hit
from proofreading.rules.base import text_rule
from proofreading.text import CheckContext

# Changed characters at most this many apart are one finding (區人大常委會).
_JOIN_GAP = 6
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_lock = threading.Lock()
_converter: opencc.OpenCC | None = None


def converter() -> opencc.OpenCC:
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


def simplified(text: str) -> str:
    return converter().convert(text)


def _aligned(text: str, converted: str) -> str:
    """``converted`` as long as ``text``: where a phrase table changed the length (rare),
    character by character."""
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := simplified(char)) == 1 else char for char in text)


def _changed_runs(text: str, converted: str) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for index, (old, new) in enumerate(zip(text, converted, strict=True)):
        if old == new:
            continue
        if runs and index - runs[-1][1] < _JOIN_GAP:
            runs[-1][1] = index + 1
        else:
            runs.append([index, index + 1])
    return [(a, b) for a, b in runs]


def traditional_hits(text: str, names: tuple[str, ...] = ()) -> Iterator[Hit]:
    if not _HAN.search(text):
        return
    converted = simplified(text)
    if converted == text:
        return
    converted = _aligned(text, converted)
    allowed = [(m.start(), m.end()) for name in names if name for m in re.finditer(re.escape(name), text)]
    for start, end in _changed_runs(text, converted):
        changed = [i for i in range(start, end) if text[i] != converted[i]]
        if all(any(a <= i < b for a, b in allowed) for i in changed):
            continue
        shown = text[start:end]
        right = converted[start:end]
        chars = "、".join(dict.fromkeys(text[i] for i in changed))
        yield Hit(start, end - start, f"“{shown}”中有繁体字（{chars}），简体文本应写作“{right}”", right)


@text_rule("traditional", "繁体字")
def traditional(text: str, context: CheckContext) -> Iterator[Hit]:
    yield from traditional_hits(text, context.traditional_names)
