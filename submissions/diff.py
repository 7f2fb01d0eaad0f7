"""What changed between two texts of a piece, marked within the sentence.

Chinese has no spaces, so a line- or word-based diff would replace whole sentences. We
compare tokens instead: one token per Chinese character or punctuation mark, and one per
run of Latin letters or digits (so "120" → "150" reads as one number replaced, not one
digit). Bold is part of a token, so making "一是……" bold shows as a change. Paragraphs
are first aligned (a changed paragraph is paired with the old one it most resembles), and
only then compared token by token; a paragraph that has no counterpart is shown as wholly
added or removed.

Output is HTML: <p> per paragraph, <del class="diff-del"> and <ins class="diff-ins"> around
changes, <strong> where the text is bold. Every piece of text is escaped here.
"""

import difflib
import html
import re

from django.utils.safestring import SafeString, mark_safe

from .richtext import body_runs

# A paragraph pair that shares less than this is shown as one removed and one added.
PAIR_RATIO = 0.4
# A run of at most this many unchanged tokens between two changes is folded into them,
# so "<del>甲</del>的<ins>乙</ins>" style confetti becomes one readable replacement.
ISLAND = 2

_TOKEN = re.compile(r"[A-Za-z0-9０-９Ａ-Ｚａ-ｚ.%．％]+|\s+|.", re.S)

Token = tuple[str, bool]  # (text, bold)


def _tokens(runs: list[tuple[str, bool]]) -> list[Token]:
    return [(match.group(), bold) for text, bold in runs for match in _TOKEN.finditer(text)]


def _render(tokens: tuple[Token, ...] | list[Token]) -> str:
    """Tokens as HTML, neighbouring bold tokens in one <strong>."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        bold = tokens[i][1]
        j = i
        while j < len(tokens) and tokens[j][1] == bold:
            j += 1
        text = html.escape("".join(t for t, _ in tokens[i:j]), quote=False)
        out.append(f"<strong>{text}</strong>" if bold else text)
        i = j
    return "".join(out)


def _diff_tokens(old: tuple[Token, ...], new: tuple[Token, ...]) -> str:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    merged: list[list] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        is_island = (
            tag == "equal"
            and i2 - i1 <= ISLAND
            and merged
            and merged[-1][0] != "equal"
            and (i2 < len(old) or j2 < len(new))
        )
        if is_island:
            tag = "replace"
        if merged and merged[-1][0] != "equal" and tag != "equal":
            merged[-1] = ["replace", merged[-1][1], i2, merged[-1][3], j2]
        else:
            merged.append([tag, i1, i2, j1, j2])
    out = []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            out.append(_render(old[i1:i2]))
            continue
        if i2 > i1:
            out.append(f'<del class="diff-del">{_render(old[i1:i2])}</del>')
        if j2 > j1:
            out.append(f'<ins class="diff-ins">{_render(new[j1:j2])}</ins>')
    return "".join(out)


def _similarity(a: tuple[Token, ...], b: tuple[Token, ...]) -> float:
    return difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False).ratio()


def _align(old: list[tuple[Token, ...]], new: list[tuple[Token, ...]]) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index) in order; None where a paragraph has no counterpart."""
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < len(old) and j < len(new):
        if _similarity(old[i], new[j]) >= PAIR_RATIO:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif any(_similarity(old[i], new[k]) >= PAIR_RATIO for k in range(j + 1, len(new))):
            pairs.append((None, j))  # new[j] was inserted before old[i]'s counterpart
            j += 1
        else:
            pairs.append((i, None))  # old[i] was removed (or rewritten beyond recognition)
            i += 1
    pairs += [(k, None) for k in range(i, len(old))]
    pairs += [(None, k) for k in range(j, len(new))]
    return pairs


def _paragraphs(value: str) -> list[tuple[Token, ...]]:
    return [tuple(_tokens(runs)) for runs in body_runs(value or "")]


def diff_html(old_html: str, new_html: str) -> SafeString:
    """Two bodies (<p>/<strong> HTML) compared: equal paragraphs as they are, changed ones
    marked within the sentence, added and removed ones whole."""
    old, new = _paragraphs(old_html), _paragraphs(new_html)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(f"<p>{_render(p)}</p>" for p in old[i1:i2])
            continue
        for a, b in _align(old[i1:i2], new[j1:j2]):
            if a is None:
                out.append(f'<p><ins class="diff-ins">{_render(new[j1 + b])}</ins></p>')
            elif b is None:
                out.append(f'<p><del class="diff-del">{_render(old[i1 + a])}</del></p>')
            else:
                out.append(f"<p>{_diff_tokens(old[i1 + a], new[j1 + b])}</p>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped in _render


def diff_text(old: str, new: str) -> SafeString:
    """Two single-line texts (a title, a byline) compared within the line."""
    tokens_old = tuple(_tokens([(old or "", False)]))
    tokens_new = tuple(_tokens([(new or "", False)]))
    return mark_safe(_diff_tokens(tokens_old, tokens_new))  # noqa: S308 - escaped in _render
