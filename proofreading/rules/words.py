"""Word-level checks on the segmenter (``text.segment``: jieba with the office's terms;
docs/adr/0013-lexicon-and-segmenter-for-proofreading.md says why).

- ``lexicon``: each entry of the shipped lexicon (``proofreading/data/lexicon.tsv``, read
  by ``proofreading.lexicon``) whose wrong form stands in the text as whole words: its
  first and last characters on the segmenter's word boundaries, so 按排 inside 按排名
  (按 | 排名) is not 按排 (a misspelt idiom, kind 成语, needs no boundaries). It must be
  outside a listed exception and meet its context conditions (截止 before a time point);
  unless it is a plain misspelling (别字, 成语) it must be outside the title of a work
  (《…》 is cited as printed, and the work may use a variant form). Where two entries
  overlap, the longer wins. The finding gives the right form, the reason and the source
  (教育部《第一批异形词整理表》, 《现代汉语词典》第7版, 公文用语).
- ``de_di_de``: 的 where 地 or 得 is meant, only where the words around it leave no doubt:
  an adverbial from a closed list (认真, 积极, 扎实 …) + 的 + a verb from a closed list that
  is not nominal in office writing (开展, 推进, 落实 …) followed by its object — 认真的开展
  调研 → 认真地开展; and a verb (jieba.posseg says v, or a two-character a) + 的 + a
  degree word + a complement before a mark — 开展的很好。 → 开展得很好 — or a set
  complement (开展的有声有色。). 积极的推动作用 (a noun head), 得到广泛的支持 (an object),
  他们所做的很好 (所 + verb is nominal) and 真的很好 (的 inside a word) stay quiet.

Only the blocks around a candidate are segmented (jieba cuts each run of Han and Latin
characters alone); clean text seldom has a candidate.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator

import jieba.posseg

from proofreading.findings import Hit
from proofreading.lexicon import LexiconEntry, shipped_lexicon
from proofreading.rules.base import text_rule, title_spans
from proofreading.text import CheckContext
from text.segment import tokenizer, words

# --- the lexicon ----------------------------------------------------------------------------


@functools.cache
def _by_first_character(entries: tuple[LexiconEntry, ...]) -> dict[str, tuple[LexiconEntry, ...]]:
    index: dict[str, list[LexiconEntry]] = {}
    for entry in entries:
        index.setdefault(entry.wrong[0], []).append(entry)
    return {char: tuple(found) for char, found in index.items()}


# jieba cuts a text into blocks of these characters first and segments each block alone
# (its re_han_default), so a block's words are the same cut alone or in its paragraph.
_BLOCK_CHAR = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")


@functools.lru_cache(maxsize=4096)
def _block_edges(block: str) -> frozenset[int]:
    found = {0}
    offset = 0
    for word in words(block):
        offset += len(word)
        found.add(offset)
    return frozenset(found)


def _block_around(text: str, at: int) -> tuple[int, int]:
    """[start, end) of the block holding the character at ``at`` (empty at a mark)."""
    if at >= len(text) or not _BLOCK_CHAR.match(text[at]):
        return at, at
    start = at
    while start > 0 and _BLOCK_CHAR.match(text[start - 1]):
        start -= 1
    end = at + 1
    while end < len(text) and _BLOCK_CHAR.match(text[end]):
        end += 1
    return start, end


def is_boundary(text: str, at: int) -> bool:
    """True when a word begins or ends at ``at``: the ends of the text and of each block
    are boundaries, and inside a block the segmenter says."""
    if at <= 0 or at >= len(text):
        return True
    start, end = _block_around(text, at)
    if start in (at, end):
        return True
    return at - start in _block_edges(text[start:end])


def is_whole_words(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` begins and ends on the segmenter's word boundaries
    (only the blocks at the span's ends are cut, not the whole paragraph)."""
    return is_boundary(text, start) and is_boundary(text, end)


def within_one_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies inside a single word of the segmenter (坐谈 in
    坐谈会: the dictionary knows the misspelt word whole), not across two words (按排 in
    按|排名, where 排名 is a word of its own)."""
    block_start, block_end = _block_around(text, start)
    if block_start == block_end or end > block_end:
        return False
    edges = _block_edges(text[block_start:block_end])
    return not any(start - block_start < edge < end - block_start for edge in edges)


def next_boundary(text: str, at: int) -> int:
    """The first word boundary after ``at`` (``at`` inside a block)."""
    start, end = _block_around(text, at)
    if start == end:
        return at + 1
    return start + min(e for e in _block_edges(text[start:end]) if e > at - start)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


# Kinds whose wrong form is a plain misspelling, wrong even inside a cited title.
_WRONG_EVERYWHERE = ("别字", "成语")


def _candidates(text: str, entries: tuple[LexiconEntry, ...]) -> list[tuple[int, int, LexiconEntry]]:
    index = _by_first_character(entries)
    found = []
    for char in set(text) & index.keys():
        for entry in index[char]:
            start = text.find(entry.wrong)
            while start != -1:
                found.append((start, start + len(entry.wrong), entry))
                start = text.find(entry.wrong, start + 1)
    return found


def lexicon_hits(text: str, entries: tuple[LexiconEntry, ...]) -> Iterator[Hit]:
    """The lexicon's findings in one paragraph (see the module docstring)."""
    candidates = _candidates(text, entries)
    if not candidates:
        return
    titles = title_spans(text)
    kept = []
    for start, end, entry in candidates:
        if entry.kind not in _WRONG_EVERYWHERE and _inside(titles, start, end):
            continue  # a cited title may use a variant form: it is cited as printed
        if not entry.applies(text, start, end):
            continue
        if any(
            _inside([(m.start(), m.end())], start, end)
            for exception in entry.exceptions
            for m in re.finditer(re.escape(exception), text)
        ):
            continue
        kept.append((start, end, entry))
    if not kept:
        return
    taken: list[tuple[int, int]] = []
    for start, end, entry in sorted(kept, key=lambda c: (-(c[1] - c[0]), c[0])):
        if entry.kind != "成语" and not (
            is_whole_words(text, start, end) or within_one_word(text, start, end)
        ):
            # Across two words the wrong form is two right words meeting (按|排名); inside
            # one it is that word misspelt (坐谈会). A misspelt idiom is never part of a
            # right word (为民屡职守初心 is 屡职 | 守).
            continue
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        yield Hit(
            start,
            end - start,
            f"“{entry.wrong}”应写作“{entry.right}”：{entry.explanation}"
            + ("" if entry.source in entry.explanation else f"（{entry.source}）"),
            entry.right,
        )


@text_rule("lexicon", "错别字与用词")
def lexicon(text: str, context: CheckContext) -> Iterator[Hit]:
    yield from sorted(lexicon_hits(text, shipped_lexicon()), key=lambda h: h.offset)


# --- 的、地、得 ---------------------------------------------------------------------------------

# Adverbials that modify a verb with 地 (认真地开展); closed lists keep the rule precise.
ADVERBIALS = (
    "认真 积极 扎实 深入 切实 主动 大力 严格 稳步 逐步 坚决 彻底 牢牢 紧紧 耐心 仔细 迅速 及时 自觉 "
    "有力 有效 全面 广泛 充分 持续 依法 努力 全力 真正 精准 有序 高效 稳妥 逐一 "
    "实实在在 认认真真 扎扎实实 踏踏实实 不折不扣 积极主动 认真细致 尽心尽力 全心全意 有计划 有针对性 "
    "尽快 尽早 及早 逐项 逐条 全程 广泛深入 扎实有效 深入细致 积极稳妥 依法依规 规范有序 "
    "更好 更加积极 更加主动 不断 逐渐 进一步 高质量 创造性 创新性 多渠道 全方位 精心 悉心 用心 细心 "
    "有条不紊 井然有序 深有感触 动情 感慨 语重心长 满怀深情 一丝不苟 毫不动摇 坚定不移 持之以恒 久久为功"
).split()
# Verbs that are not nominal in office writing (监督, 学习, 支持 are: 广泛的支持 is right).
VERBS = (
    "开展 推进 推动 落实 履行 贯彻 做好 抓好 抓实 参与 听取 审议 化解 解决 回应 收集 征求 了解 "
    "掌握 发挥 提升 提高 加强 完善 保障 维护 促进 助推 融入 投入 参加 做实 推广 破解 整改 "
    "督促 跟踪 反映 展示 开拓 谋划 部署 实施 执行 走访 倾听 吸纳 采纳 办理 督办 跟进 推行 健全 "
    "构建 打造 强化 深化 优化 拓展 拓宽 用好 对接 梳理 纠正 处置 研判 引导 带动 凝聚 激发 筑牢 "
    "守护 践行 弘扬 遵守 运用 行使 助力 说 表示 指出 介绍"
).split()
# After the verb, a noun that makes the verb part of a noun phrase (积极的推动作用).
HEAD_NOUNS = (
    "作用 力量 效果 成效 态度 精神 姿态 意义 方式 方法 过程 措施 作风 力度 机制 体系 制度 模式 "
    "路径 手段 载体 平台 渠道 能力 水平 意识 理念 举措 行动 情况 方案 意见稿 工作者 者"
).split()
# Verbs that take those nouns as objects and never modify them (充分地发挥作用, 完善机制).
OBJECT_VERBS = set("发挥 提升 提高 加强 完善 健全 构建 打造 强化 凝聚 激发 用好 筑牢".split())
# Before the adverbial, a word that makes “adverbial + 的 + verb” an object (得到广泛的支持).
_NOMINAL_BEFORE = re.compile(
    r"(?:得到|受到|引起|获得|赢得|给予|予以|进行|作出|做出|加以|有着|是|有|了|一种|一次|一个|提供)$"
)
_DI = re.compile("(" + "|".join(sorted(ADVERBIALS, key=len, reverse=True)) + ")的(" + "|".join(VERBS) + ")")
_MARK = re.compile(r"[，。；：！？、,.;:!?）)”’」》]|$")
_JOINERS = ("和", "与", "及", "或", "的", "并", "、")
_SPEECH_VERBS = {"说", "表示", "指出", "介绍"}

DEGREES = "很 十分 非常 更加 更 特别 比较 相当 格外 越来越".split()
COMPLEMENTS = "好 扎实 出色 顺利 有效 充分 突出 到位 深入 细致 及时 精彩 红火 热烈 圆满 成功 规范 明显 有声有色 井井有条".split()
_DE = re.compile(
    "的("
    + "|".join(sorted(DEGREES, key=len, reverse=True))
    + ")("
    + "|".join(sorted(COMPLEMENTS, key=len, reverse=True))
    + r")(?=[，。；！？,.;!?]|$)"
)
# One-character verbs whose “X的” is what was X-ed (他说的很对): not a complement.
_NOMINAL_VERBS = set("说讲写想提问谈看听")
# Four-character complements that need no degree word: 开展的有声有色。 → 开展得有声有色.
# Verbs of doing a job, and how well it was done, with no degree word: 做的扎实。 办的好。
# — only at the end of a clause, where the adjective can be nothing but a complement.
_DE_BARE = re.compile(
    r"(?:(?<=[做办干抓搞])|(?<=开展|落实|推进|完成|组织|部署|处理|解决|办理|执行|实施|宣传))的"
    r"(扎实有效|扎实|到位|出色|有效|顺利|圆满|及时|细致|周到|好)(?=[，。；！？,.;!?]|$)"
)
_DE_SET = re.compile(
    r"的(有声有色|井井有条|红红火火|扎扎实实|热火朝天|如火如荼|风生水起|有条不紊)(?=[，。；！？,.;!?]|$)"
)

_pos_lock = threading.Lock()
_pos: jieba.posseg.POSTokenizer | None = None


def pos_tokenizer() -> jieba.posseg.POSTokenizer:
    """jieba.posseg on the process's segmenter (its dictionary and the office's terms)."""
    global _pos
    if _pos is None:
        with _pos_lock:
            if _pos is None:
                _pos = jieba.posseg.POSTokenizer(tokenizer())
    return _pos


def _word_before(text: str, at: int) -> tuple[str, str]:
    """The word ending at ``at`` and its part of speech (posseg, dictionary mode)."""
    start = max(0, at - 12)
    pairs = list(pos_tokenizer().cut(text[start:at], HMM=False))
    return (pairs[-1].word, pairs[-1].flag) if pairs else ("", "")


def de_di_de_hits(text: str) -> Iterator[Hit]:
    if "的" not in text:
        return
    for match in _DI.finditer(text):
        adverbial, verb = match.group(1), match.group(2)
        de = match.start(2) - 1
        if _NOMINAL_BEFORE.search(text, 0, match.start()):
            continue
        if not (is_whole_words(text, match.start(), de) and is_boundary(text, de + 1)):
            continue
        rest = text[match.end() :]
        if rest.startswith(_JOINERS):
            continue
        if _MARK.match(rest) and not (verb in _SPEECH_VERBS or len(adverbial) >= 4):
            # 给予积极的支持。: a two-character adverbial and a verb ending the clause may be
            # a noun phrase; a verb of saying (深有感触地说：) or a four-character
            # adverbial (有条不紊地推进。) is not.
            continue
        if verb not in OBJECT_VERBS and rest.startswith(tuple(HEAD_NOUNS)):
            continue
        if not is_boundary(text, match.end()):
            # The segmenter joined the verb to what follows: only an office term that
            # begins with it (开展调研) is still this verb with its object.
            word_end = next_boundary(text, match.end())
            word = text[match.start(2) : word_end]
            if word in VERBS or text[word_end : word_end + 1] == "的":
                continue
        yield Hit(
            de,
            1,
            f"“{adverbial}”修饰动词“{verb}”，结构助词应用“地”：{adverbial}地{verb}",
            "地",
            rule="de_di_de",
        )
    for match in [*_DE.finditer(text), *_DE_SET.finditer(text), *_DE_BARE.finditer(text)]:
        de = match.start()
        word, flag = _word_before(text, de)
        # jieba tags some verbs as adjectives (落实 a); a noun or a pronoun is never taken.
        if not (is_boundary(text, de) and is_boundary(text, de + 1)):
            continue  # 的 inside a word: 真的很好, 是的
        if not word or not flag.startswith(("v", "a")) or word[-1] in _NOMINAL_VERBS:
            continue
        if flag.startswith("a") and len(word) < 2:
            continue  # 真的很好: a one-character adjective before 的 is not a verb
        if text[max(0, de - len(word) - 1) : de - len(word)] == "所":
            continue
        complement = "".join(match.groups())
        yield Hit(
            de,
            1,
            f"动词“{word}”后接补语“{complement}”，结构助词应用“得”：{word}得{complement}",
            "得",
            rule="de_di_de",
        )


@text_rule("de_di_de", "的地得")
def de_di_de(text: str, context: CheckContext) -> Iterator[Hit]:
    yield from de_di_de_hits(text)
