"""Model parameter counts (1300亿, 1.3万亿, 130B, 1750亿参数, 千亿) → an integer."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_UNITS_CN = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "亿": Decimal(10) ** 8,
             "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}
_UNITS_EN = {"t": Decimal(10) ** 12, "trillion": Decimal(10) ** 12, "b": Decimal(10) ** 9,
             "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "m": Decimal(10) ** 6,
             "million": Decimal(10) ** 6, "k": Decimal(10) ** 3}

_NUM_CN = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|千亿|亿|万|千)?")
_NUM_EN = re.compile(r"(\d+(?:\.\d+)?)\s*(trillion|billion|million|bn|t|b|m|k)\b", re.I)


def parse_param_count(text: str | None) -> int | None:
    """First parameter count in ``text``; None when there is no number in it.

    A bare ``千亿`` (as in 千亿级参数) counts as 10**11. Digits grouped with commas are
    joined before reading.
    """
    if not text:
        return None
    from extractors.normalize.text import to_simplified

    s = unicodedata.normalize("NFKC", to_simplified(text))
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s).replace(" ", "")
    m_en = _NUM_EN.search(s)
    m_cn = _NUM_CN.search(s)
    if m_en and (not m_cn or m_en.start() <= m_cn.start()):
        return _scale(m_en.group(1), _UNITS_EN[m_en.group(2).lower()])
    if m_cn:
        unit = _UNITS_CN.get(m_cn.group(2) or "", Decimal(1))
        return _scale(m_cn.group(1), unit)
    cn = _chinese_count(s)
    return cn


def _scale(num: str, unit: Decimal) -> int | None:
    try:
        return int(Decimal(num) * unit)
    except InvalidOperation:
        return None


def _chinese_count(s: str) -> int | None:
    m = re.search(r"([零一二两三四五六七八九十百千万亿]+)", s)
    if not m:
        return None
    bare = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8}
    if m.group(1) in bare:  # 千亿级参数: the order of magnitude is the claim
        return bare[m.group(1)]
    import cn2an

    try:
        return int(cn2an.cn2an(m.group(1).replace("两", "二"), "smart"))
    except (ValueError, KeyError):
        return None
