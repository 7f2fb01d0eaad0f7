"""List numbers in Word's number formats (chineseCounting 三, decimalEnclosedCircle ③, …):
one set for Word import (intake.wordml) and paste (text.richtext).
"""

from __future__ import annotations

# Number formats (ST_NumberFormat) → function of the counter.
_CHINESE_DIGITS = "〇一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _chinese_counting(n: int, digits: str = _CHINESE_DIGITS, units: str = "十百千") -> str:
    """一 … 十 十一 … 一百零五 (counting style); with the legal digits 壹佰零伍, 壹拾壹."""
    if n <= 0 or n >= 10000:
        return str(n)
    zero = "零"
    parts: list[str] = []
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit, n = divmod(n, power)
        if digit:
            parts.append(digits[digit] + unit)
        elif parts and n and parts[-1] != zero:
            parts.append(zero)
    text = "".join(parts)
    # 十一, not 一十一, in the counting style; the legal style keeps 壹拾壹.
    if digits is _CHINESE_DIGITS and text.startswith("一十"):
        text = text[1:]
    return text


def _letters(n: int, upper: bool) -> str:
    # Word repeats the letter: a … z, aa … zz.
    base = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if upper else "abcdefghijklmnopqrstuvwxyz"
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _enclosed(n: int, first: int, count: int) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def format_number(n: int, fmt: str) -> str:
    """One counter in a Word number format ("chineseCounting", 3) → "三"."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "koreanCounting",
    ):
        return _chinese_counting(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _chinese_counting(n, _LEGAL_DIGITS, "拾佰仟")
    if fmt == "ideographLegalTraditional":
        return _chinese_counting(n, "零壹貳參肆伍陸柒捌玖", "拾佰仟")
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"):
        return "".join(_CHINESE_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _STEMS[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _BRANCHES[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _enclosed(n, 0x2460, 20) if fmt != "ideographEnclosedCircle" else _enclosed(n, 0x3280, 10)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474, 20)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488, 20)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "none":
        return ""
    return str(n)  # decimal, ordinal, cardinalText … as digits
