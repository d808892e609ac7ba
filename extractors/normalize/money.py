"""Amounts of money → yuan (float): 500万元, 5,000,000.00元, ￥1.2亿, 人民币伍佰万元整.

Uppercase (大写) amounts go through cn2an; 角 and 分 are added by hand because cn2an
reads integers. A caller that knows the unit from a table header passes ``unit``.
"""

from __future__ import annotations

import re
import unicodedata

_UNIT = {"元": 1, "圆": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000,
         "千元": 1_000, "百万元": 1_000_000, "万亿元": 10**12}
_UPPER = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿〇一二三四五六七八九十百千两"
_ARABIC = re.compile(r"(?<![\d.])(-?\d[\d,]*(?:\.\d+)?)\s*(万亿元|百万元|千元|亿元|万元|亿|万|元|圆)?")
_UPPER_RUN = re.compile(f"([{_UPPER}]+)\\s*(亿元|万元|元|圆|亿|万)?(?:\\s*([{_UPPER}])角)?(?:\\s*([{_UPPER}])分)?")
_DIGIT_UP = {"零": 0, "〇": 0, "壹": 1, "一": 1, "贰": 2, "二": 2, "两": 2, "叁": 3, "三": 3,
             "肆": 4, "四": 4, "伍": 5, "五": 5, "陆": 6, "六": 6, "柒": 7, "七": 7, "捌": 8,
             "八": 8, "玖": 9, "九": 9}


# characters Tesseract puts for uppercase numerals, applied only inside an amount in words
_UPPER_OCR = str.maketrans({"任": "仟", "仔": "仟", "忏": "仟", "伯": "佰", "陌": "佰", "索": "壹", "萱": "壹",
                            "壶": "壹", "参": "叁", "叉": "叁", "贰": "贰", "武": "贰", "肄": "肆", "律": "肆",
                            "柴": "柒", "染": "柒", "栋": "柒", "拥": "捌", "扒": "捌", "玫": "玖", "抬": "拾",
                            "恰": "拾", "伍": "伍", "佐": "伍", "陡": "陆", "隆": "陆", "什": "仟",
                            "峙": "肆", "撞": "捌", "章": "壹", "壤": "壹", "参": "叁", "件": "仟",
                            "制": "捌", "别": "捌"})
_UP_DIGITS = "壹贰叁肆伍陆柒捌玖"
_UP_UNITS = "拾佰仟万亿"
_UPPER_AMOUNT = re.compile(r"(人民币|大写)[:\s]*([\u4e00-\u9fff]{1,14}?)(万元|元|圆|亿元)")


def _fix_upper_ocr(s: str) -> str:
    """Repair misread numerals of an amount in words (人民币索任伍佰万元整 → 壹仟伍佰万元整)."""
    def fix(m: re.Match) -> str:
        run = m.group(2).translate(_UPPER_OCR)
        # a stray mark before a numeral, first or after a unit (人参什 for 叁仟, 伍拾伍万人参什
        # for 伍拾伍万叁仟: seed 137 case_019): a numeral or 零 follows a unit, and two
        # numerals never stand together, so the mark is no numeral of its own; one between
        # a numeral and a unit (伍人万) stands for a unit and is left, unreadable
        run = "".join(c for k, c in enumerate(run) if not (
            len(run) > 2 and c not in _UPPER and k + 1 < len(run) and run[k + 1] in _UP_DIGITS
            and (k == 0 or run[k - 1] in _UP_UNITS)))
        if all(c in _UPPER for c in run):
            return m.group(1) + run + m.group(3)
        return m.group(0)

    return _UPPER_AMOUNT.sub(fix, s)


# 221.341,499.25 / 31.708.375.44: OCR reads a thousands comma as a point; with groups of
# three and two decimals at the end, every separator but the last is a thousands mark, and
# the last is the point whatever small mark it was read as (83,678.810:19, seed 79)
_MIXED_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]{1,2}\d{3})+[.,;:'、]\d{2}(?![\d.,])")


# 2;848,000.00 / 2:848,000.00: OCR reads a thousands comma as another small mark; one
# standing before a group of exactly three digits that another separator or a unit follows
# is a comma (a bare 1:500 stays a ratio)
_MARK_AS_COMMA = re.compile(r"(?<=\d)[;:'、](?=\d{3}(?:[.,;:'、]\d|\s*[元万亿]))")


# 89,712,00876: the point before the cents lost; a comma group of five digits is a group
# of three and the cents (no grouped figure has a longer group)
_LOST_POINT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})*,\d{3})(\d{2})(?![\d.,])")


# 398.50000: a thousands comma read as a point and the point before the cents lost; no
# amount in yuan has five decimals (only where the amount is in yuan: 39.85000万 is a count
# of ten-thousands written to the yuan and a bit)
_POINT_FOR_COMMA = re.compile(r"(?<![\d.,])(\d{1,3})\.(\d{3})(\d{2})(?![\d.,])(?!\s*[万亿])")


# 9325 .6万元: OCR puts a space either side of a decimal point it reads as a word of its own
# (seed 89, case_008: parsed 9325 yuan, the figure cut at the space, trusted at 0.95)
_SPACED_POINT = re.compile(r"(?<=\d)(?:\s+\.\s*|\.\s+)(?=\d)")

# 13,225 ,000.00元: Tesseract splits a grouped figure into two words at a comma (seed 229
# case_005: parsed 13,225 yuan for 13,225,000.00, trusted at 0.84). Rejoined only where it is
# surely one figure: a space before a comma nobody writes; after one (a list's 300, 200万元
# is two amounts) only with two groups of three and the cents
_SPLIT_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\s+,\d{3}(?:,\d{3})*(?:\.\d{1,2})?(?![\d,])"
                           r"|(?<![\d.,])\d{1,3}(?:\s*,\s*\d{3}){2,}\.\d{2}(?![\d,])")


# commas between groups of three only, after the first group
_GROUPS = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$")


def _regroup(m: re.Match) -> str:
    tok = m.group(0)
    if tok[-3] in ".," and tok.count(".") < 2 and not re.search(r"\.\d{3}[.,]|[.,]{2}", tok):
        return tok  # an ordinary 1,234,567.89
    digits = re.sub(r"[.,;:'、]", "", tok)
    return f"{digits[:-2]}.{digits[-2:]}"


def unit_factor(text: str | None) -> int | None:
    """The unit a header or label declares, e.g. ``金额（万元）`` → 10000."""
    if not text:
        return None
    s = unicodedata.normalize("NFKC", text)
    m = re.search(r"(?:单位|\()[:\s]*(万亿元|百万元|千元|亿元|万元|元)", s)
    return _UNIT[m.group(1)] if m else None


# numerals, then a character no amount in words holds, then the unit: 伍人万元 (佰 read as 人)
# is no 伍元, with or without 人民币 before it
_WORD_BEFORE_UNIT = re.compile(r"[\u4e00-\u9fff]{1,2}(?:亿元|万元|元|圆|亿|万)")


def _upper_to_int(run: str) -> int | None:
    import cn2an

    try:
        return int(cn2an.cn2an(run.replace("两", "二"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def parse_money(text: str | None, *, unit: int | None = None) -> float | None:
    """The first amount in ``text`` in yuan, or None.

    An explicit unit written next to the number wins over ``unit`` (the column/label unit);
    a bare number without either is yuan.
    """
    if not text:
        return None
    from extractors.normalize.text import to_simplified

    s = unicodedata.normalize("NFKC", to_simplified(text))
    s = s.replace("￥", "").replace("¥", "")
    s = _fix_upper_ocr(s)
    garbled = _UPPER_AMOUNT.search(s)
    if garbled and not all(c in _UPPER for c in garbled.group(2)) and \
            sum(c in _UPPER for c in garbled.group(2)) >= 2:
        # an amount in words we cannot read: a later figure in the sentence is another amount
        return None
    s = _SPLIT_GROUPS.sub(lambda m: re.sub(r"\s+", "", m.group(0)), s)
    s = re.sub(r"(?<=\d)\s+(?=[\d,.]*\d)", "", s) if re.search(r"\d\s+\d{3}\b", s) else s
    s = _SPACED_POINT.sub(".", s)
    s = _MARK_AS_COMMA.sub(",", s)
    s = _LOST_POINT.sub(r"\1.\2", s)
    if unit in (None, 1):
        s = _POINT_FOR_COMMA.sub(r"\1,\2.\3", s)
    s = _MIXED_GROUPS.sub(_regroup, s)
    m = _ARABIC.search(s)
    mu = _UPPER_RUN.search(s)
    if mu and not (mu.group(2) or any(c in mu.group(1) for c in "壹贰叁肆伍陆柒捌玖拾佰仟")):
        mu = None
    if mu and not mu.group(2) and _WORD_BEFORE_UNIT.match(s, mu.end()):
        return None  # 伍人万元: a character between the numerals and their unit was misread
    if m and mu and mu.start() < m.start():
        m = None  # the amount written out in words comes first: that is the one stated
    if m and "," in m.group(1) and not _GROUPS.match(m.group(1)):
        return None  # 1,997,20.00: a digit lost from a group of three; no way to tell which
    if m:
        try:
            num = float(m.group(1).replace(",", ""))
        except ValueError:
            num = None
        if num is not None:
            factor = _UNIT[m.group(2)] if m.group(2) else (unit or 1)
            return round(num * factor, 2)
    if mu:
        run = mu.group(1)
        value = _upper_to_int(run) if run.strip("零〇") else 0
        if value is None:
            return None
        factor = _UNIT[mu.group(2)] if mu.group(2) else (unit or 1)
        total = float(value * factor)
        if mu.group(3):
            total += _DIGIT_UP.get(mu.group(3), 0) * 0.1
        if mu.group(4):
            total += _DIGIT_UP.get(mu.group(4), 0) * 0.01
        return round(total, 2)
    return None
