"""The 用户手册 (docs/manual/*.md) as HTML for the 帮助 pages (ADR 0007).

A pure function of the Markdown file: CommonMark with tables, raw HTML off (escaped),
headings given the anchors GitHub gives them, links between manual pages turned into
/help/ links, image paths into the image view, links that leave docs/manual/ into plain
text. The result is cached per file and modification time.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.token import Token

# The manuals, in the order the 帮助 pages list them; the names are the account roles.
MANUALS: dict[str, str] = {
    "contributor": "报送员手册",
    "reviewer": "审核人手册",
    "editor": "编辑手册",
    "reader": "读者手册",
    "admin": "管理员手册",
    "auditor": "审计员手册",
}
INDEX = "index"

_IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\.png$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class RenderedManual:
    title: str
    html: str
    headings: list[Heading] = field(default_factory=list)

    @property
    def sections(self) -> list[Heading]:
        """The second-level headings: one per task, the page's table of contents."""
        return [heading for heading in self.headings if heading.level == 2]


def heading_anchor(text: str) -> str:
    """The anchor GitHub makes from a heading: lower case, punctuation and symbols dropped,
    spaces turned into hyphens (so `从Word导入稿件` → `从word导入稿件`)."""
    kept = (char for char in text.strip().lower() if char in "-_ " or unicodedata.category(char)[0] in "LNM")
    return "".join(kept).replace(" ", "-")


def is_image_name(name: str) -> bool:
    return bool(_IMAGE_NAME.match(name))


def page_url(name: str) -> str:
    return reverse("help_index") if name == INDEX else reverse("help_page", args=[name])


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _inline_text(token: Token) -> str:
    return "".join(child.content for child in token.children or () if child.type in ("text", "code_inline"))


def _manual_target(href: str) -> str | None:
    """The help URL for a link written in a manual page, or None to keep it as plain text.

    `editor.md#审稿` → `/help/editor/#审稿`; `#审稿` stays; anything outside
    docs/manual/ (`../operations.md`, a web address, images/README.md) is not a help page.
    """
    parts = urlsplit(unquote(href))
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if not (parts.scheme or parts.netloc or parts.path):
        return fragment or None
    if parts.scheme or parts.netloc or parts.query:
        return None
    name = parts.path.removeprefix("./")
    if not name.endswith(".md"):
        return None
    name = name.removesuffix(".md")
    if name != INDEX and name not in MANUALS:
        return None
    return page_url(name) + fragment


def _rewrite_inline(children: list[Token]) -> list[Token]:
    kept: list[Token] = []
    dropped_links = 0
    for child in children:
        if child.type == "link_open":
            target = _manual_target(str(child.attrGet("href") or ""))
            if target is None:
                dropped_links += 1
                continue
            child.attrSet("href", target)
        elif child.type == "link_close" and dropped_links:
            # Links do not nest in CommonMark, so a close after a dropped open is its own.
            dropped_links -= 1
            continue
        elif child.type == "image":
            src = unquote(str(child.attrGet("src") or ""))
            name = src.removeprefix("./").removeprefix("images/")
            if src.removeprefix("./").startswith("images/") and is_image_name(name):
                child.attrSet("src", reverse("help_image", args=[name]))
                child.attrSet("loading", "lazy")
                child.attrSet("class", "manual-screenshot")
            else:
                # Not one of ours: show what it was meant to be, load nothing.
                child = Token("text", "", 0, content=child.content)
        kept.append(child)
    return kept


def render_markdown(text: str) -> RenderedManual:
    md = _markdown()
    tokens = md.parse(text)
    headings: list[Heading] = []
    used: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            words = _inline_text(tokens[index + 1])
            anchor = heading_anchor(words)
            # GitHub's rule for a repeated heading: the second gets -1, the third -2.
            if anchor in used:
                used[anchor] += 1
                anchor = f"{anchor}-{used[anchor]}"
            else:
                used[anchor] = 0
            token.attrSet("id", anchor)
            headings.append(Heading(int(token.tag[1]), words, anchor))
        elif token.type == "table_open":
            token.attrSet("class", "table table-sm table-bordered manual-table")
        elif token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children)
    html = md.renderer.render(tokens, md.options, {})
    title = next((heading.text for heading in headings if heading.level == 1), "")
    return RenderedManual(title=title, html=html, headings=headings)


_cache: dict[Path, tuple[int, RenderedManual]] = {}
_cache_lock = threading.Lock()


def render_file(path: Path) -> RenderedManual:
    """The rendered page of one Markdown file, rendered again only when the file changes."""
    mtime = path.stat().st_mtime_ns
    with _cache_lock:
        cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    rendered = render_markdown(path.read_text(encoding="utf-8"))
    with _cache_lock:
        _cache[path] = (mtime, rendered)
    return rendered
