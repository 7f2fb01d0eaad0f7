"""What changed between two texts of a piece, marked within the sentence.

Chinese has no spaces, so a line- or word-based diff would replace whole sentences. We
compare tokens instead: one token per Chinese character or punctuation mark, and one per
run of Latin letters or digits (so "120" → "150" reads as one number replaced, not one
digit). Bold and superscript/subscript are part of a token, so making "一是……" bold or
"m2" into m² shows as a change. Paragraphs
are first aligned (a changed paragraph is paired with the old one it most resembles), and
only then compared token by token; a paragraph that has no counterpart is shown as wholly
added or removed.

Output is HTML: <p> per paragraph, <del class="diff-del"> and <ins class="diff-ins"> around
changes, <strong> where the text is bold, <sup>/<sub> where it is raised or lowered. Every
piece of text is escaped here.
"""

import difflib
import html
import re
from collections import Counter
from itertools import groupby

from django.utils.safestring import SafeString, mark_safe

from text.richtext import body_runs

# A paragraph pair that shares less than this is shown as one removed and one added.
PAIR_RATIO = 0.4
# A run of at most this many unchanged tokens between two changes is folded into them,
# so "<del>甲</del>的<ins>乙</ins>" style confetti becomes one readable replacement.
ISLAND = 2
# Comparing token by token costs about the product of the two lengths (worse when few
# distinct characters recur): a paragraph pair longer than this many tokens is first
# compared sentence by sentence, and only the sentences that differ token by token.
LONG = 300
# A sentence ends after one of these (with any closing quotes); an unpunctuated run is cut
# every MAX_SENTENCE tokens, so no comparison is ever longer than that.
SENTENCE_END = frozenset("。！？；!?;")
CLOSERS = frozenset("”’」』）)")
MAX_SENTENCE = 120
# A removed or rewritten paragraph (or sentence) is looked for at most this far ahead among
# the new ones before it is shown as removed: the alignment stays linear, not quadratic.
LOOKAHEAD = 12

# A character keeps what joins or modifies it (an emoji's skin tone, variation selector or
# zero-width-joined parts, an accent): a change never splits one visible symbol.
_TOKEN = re.compile(
    r"[A-Za-z0-9０-９Ａ-Ｚａ-ｚ.%．％]+|\s+|.(?:\u200d.|[\ufe00-\ufe0f\u0300-\u036f\u20e3\U0001f3fb-\U0001f3ff])*",
    re.S,
)

Token = tuple[str, bool, str]  # (text, bold, script: "sup", "sub" or "")
_SCRIPT_TAGS = {"sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>")}


def _tokens(runs: list[tuple[str, bool, str]]) -> list[Token]:
    return [(match.group(), bold, script) for text, bold, script in runs for match in _TOKEN.finditer(text)]


def _render_scripts(tokens: tuple[Token, ...] | list[Token]) -> str:
    """Tokens of one weight as HTML, neighbouring raised or lowered tokens in one <sup>/<sub>."""
    out: list[str] = []
    for script, group in groupby(tokens, key=lambda token: token[2]):
        opening, closing = _SCRIPT_TAGS.get(script, ("", ""))
        out.append(f"{opening}{html.escape(''.join(t[0] for t in group), quote=False)}{closing}")
    return "".join(out)


def _render(tokens: tuple[Token, ...] | list[Token]) -> str:
    """Tokens as HTML, neighbouring bold tokens in one <strong>."""
    out: list[str] = []
    for bold, group in groupby(tokens, key=lambda token: token[1]):
        text = _render_scripts(list(group))
        out.append(f"<strong>{text}</strong>" if bold else text)
    return "".join(out)


def _diff_run(old: tuple[Token, ...], new: tuple[Token, ...]) -> str:
    """Two token runs compared token by token (cost: about len(old) * len(new))."""
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


def _sentences(tokens: tuple[Token, ...]) -> list[tuple[Token, ...]]:
    """The tokens cut after each sentence end (closing quotes stay with their sentence),
    and every MAX_SENTENCE tokens where there is none."""
    out: list[tuple[Token, ...]] = []
    start = 0
    for k, (text, *_) in enumerate(tokens):
        ends = text in SENTENCE_END or (
            text in CLOSERS and k > start and tokens[k - 1][0] in (SENTENCE_END | CLOSERS)
        )
        more_closers = k + 1 < len(tokens) and tokens[k + 1][0] in CLOSERS
        if (ends and not more_closers) or k + 1 - start >= MAX_SENTENCE:
            out.append(tokens[start : k + 1])
            start = k + 1
    if start < len(tokens):
        out.append(tokens[start:])
    return out


def _flat(parts: list[tuple[Token, ...]]) -> tuple[Token, ...]:
    return tuple(token for part in parts for token in part)


def _diff_tokens(old: tuple[Token, ...], new: tuple[Token, ...]) -> str:
    """Two paragraphs (or lines) compared within the sentence. Short ones token by token;
    long ones sentence by sentence first: equal sentences as they are, and each run of
    differing sentences token by token — as one piece when short, else sentence paired with
    sentence (a sentence without a counterpart shown wholly removed or added)."""
    if len(old) <= LONG and len(new) <= LONG:
        return _diff_run(old, new)
    old_s, new_s = _sentences(old), _sentences(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_s, new_s, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(_render(_flat(old_s[i1:i2])))
            continue
        a, b = old_s[i1:i2], new_s[j1:j2]
        if sum(map(len, a)) <= LONG and sum(map(len, b)) <= LONG:
            out.append(_diff_run(_flat(a), _flat(b)))
            continue
        for x, y in _align(a, b):
            if y is None:
                out.append(f'<del class="diff-del">{_render(a[x])}</del>')
            elif x is None:
                out.append(f'<ins class="diff-ins">{_render(b[y])}</ins>')
            else:
                out.append(_diff_run(a[x], b[y]))
    return "".join(out)


def _bigrams(tokens: tuple[Token, ...]) -> Counter:
    texts = [t[0] for t in tokens]
    return Counter(zip(texts, texts[1:], strict=False))


def _similarity(a: tuple[Token, ...], b: tuple[Token, ...]) -> float:
    """How much two paragraphs (or sentences) share, 0..1. Short ones: difflib's ratio.
    Long ones (more than LONG tokens on a side): the share of common character pairs,
    which costs one pass instead of a full comparison and, like the ratio, is high for an
    edited paragraph and low for an unrelated one."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < PAIR_RATIO:
        return 0.0  # the lengths alone rule a pairing out (difflib's real_quick_ratio)
    if len(a) > LONG or len(b) > LONG:
        pairs_a, pairs_b = _bigrams(a), _bigrams(b)
        total = sum(pairs_a.values()) + sum(pairs_b.values())
        return 2 * sum((pairs_a & pairs_b).values()) / total if total else 0.0
    matcher = difflib.SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    if matcher.quick_ratio() < PAIR_RATIO:
        return 0.0
    return matcher.ratio()


def _align(old: list[tuple[Token, ...]], new: list[tuple[Token, ...]]) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index) in order; None where a paragraph has no counterpart.
    A counterpart is looked for at most LOOKAHEAD places ahead; each pair is measured once."""
    known: dict[tuple[int, int], float] = {}

    def similar(i: int, j: int) -> bool:
        if (i, j) not in known:
            known[i, j] = _similarity(old[i], new[j])
        return known[i, j] >= PAIR_RATIO

    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < len(old) and j < len(new):
        if similar(i, j):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif any(similar(i, k) for k in range(j + 1, min(len(new), j + 1 + LOOKAHEAD))):
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
    """Two bodies (<p>/<strong>/<sup>/<sub> HTML) compared: equal paragraphs as they are, changed ones
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
    tokens_old = tuple(_tokens([(old or "", False, "")]))
    tokens_new = tuple(_tokens([(new or "", False, "")]))
    return mark_safe(_diff_tokens(tokens_old, tokens_new))  # noqa: S308 - escaped in _render
