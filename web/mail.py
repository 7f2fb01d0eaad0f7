"""Mail headers from user text: one line, no control characters, bounded.

Django refuses a header that holds a line break (BadHeaderError), so a subject built
from a comment's first line would lose its mail; a header is also where injected lines
would do harm. Every subject or other header built from text a user typed passes
``header_text`` first.
"""

import re
import unicodedata

# Line and paragraph separators and every other control or format character (Cc, Cf,
# Zl, Zp) become a space; runs of white space collapse to one.
_SPACES = re.compile(r"\s+")


def header_text(value: str, limit: int = 60) -> str:
    """`value` as a safe one-line header: controls replaced, white space collapsed,
    trimmed, and cut to `limit` characters (with "…" when cut)."""
    chars = [" " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c for c in str(value or "")]
    text = _SPACES.sub(" ", "".join(chars)).strip()
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text
