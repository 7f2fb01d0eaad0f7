"""Author names in a byline, read as the office writes them.

A Chinese personal name has at least two characters, and bylines space two-character
names so they line up with three-character ones ("金　颖"). So a lone character is never
a name: it joins the token after it — "蔡 静 张雄杰" is 蔡静 and 张雄杰, "钱 苏晚" is one
person, 钱苏晚, "李 寄 斯董瑾" is 李寄 and 斯董瑾. What cannot be read with certainty is
kept as one name and reported (``doubt``), for the contributor or the editor to check:
a lone character at the end joins the name before it; a two-character surname alone
(欧阳, 司马 …) joins the token after it; a joined name longer than four characters, or a
single character alone, is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s\u3000、，,；;/]+")
# Two-character surnames: alone they are not a name, so "欧阳 娜娜" is one person written
# with a space (kept as one, and doubtful), never 欧阳 and 娜娜.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 司空 夏侯 轩辕 端木 独孤 南宫 西门"
    " 呼延 澹台 公冶 太史 申屠 濮阳 钟离 闻人 万俟 赫连 单于 第五".split()
)
MAX_NAME = 4  # 欧阳苏晚; longer is doubtful


@dataclass(frozen=True)
class AuthorNames:
    names: list[str]
    doubt: str = ""  # a Chinese message when the split is doubtful

    @property
    def text(self) -> str:
        """The names as stored: one space between names, none inside."""
        return " ".join(self.names)


def split_names(text: str) -> AuthorNames:
    tokens = [t for t in _SEPARATORS.split(text or "") if t]
    names: list[str] = []
    doubtful: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in COMPOUND_SURNAMES and i + 1 < len(tokens) and len(tokens[i + 1]) <= 2:
            names.append(token + tokens[i + 1])
            doubtful.append(names[-1])
            i += 2
            continue
        if len(token) == 1 and i + 1 < len(tokens):
            name = token + tokens[i + 1]
            if len(name) > MAX_NAME:
                doubtful.append(name)
            names.append(name)
            i += 2
            continue
        if len(token) == 1:
            if names:
                names[-1] += token
                doubtful.append(names[-1])
            else:
                names.append(token)
                doubtful.append(token)
        else:
            names.append(token)
        i += 1
    doubt = ""
    if doubtful:
        doubt = (
            f"作者姓名“{'、'.join(doubtful)}”无法确定如何拆分，已按一人处理，请核对："
            "多位作者之间用空格分开，两字姓名不必加空格（如：蔡静 张雄杰）。"
        )
    return AuthorNames(names, doubt)
