"""Dates in the styles Chinese paperwork uses → ``datetime.date``.

2025-03-05, 2025/3/5, 2025.03.05, 2025年3月5日, 二〇二五年三月五日, 20250305, with OCR
slips (曰 for 日, spaces inside, O for 0). A text with a year and month but no day is
not a date here (callers that want a year ask ``find_year``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "o": 0, "О": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "两": 2}
_CN_NUM = "〇○零一二三四五六七八九十两OoО"
_NUMERAL = "〇○零一二三四五六七八九"  # the digits of a year in words

_Y = r"((?:19|20)\d{2})"
# a year of 19xx or 20xx with at most one blank in it, wherever Tesseract cut the word
_YEAR_ONE_BLANK = r"(?:19|20)\s?\d{2}|(?:19|20)\d\s\d|(?:1\s9|2\s0)\d{2}"

_PATTERNS = [
    # 2025年3月5日 (日 may be read as 曰 or missing at a line end); a day of three digits
    # is none (2026年8月311: 3日 with 日 read as 11 under a seal, not the 31st), nor is one
    # followed by 年, or by 月 and a digit (2026年5月2年1日: 二十一日 with 十 read as 年, not the 2nd)
    # (a year Tesseract cut into two words, 20 26年4月25日, is one year here: before 年 and
    # a whole month and day nothing else reads so; nor 201 7年8月9日, seed 167 case_016's
    # licence, or 2 017年: one blank anywhere in the year)
    # A day cut into two words before its 日 (9月1 2日) is the two digits together, unless
    # together they make no day (2024年6月8 5日: a speck of a seal read as 5); a second 月
    # that no numeral follows is the 日 misread (seed 71: a licence's term to 2042年2月4月)
    re.compile(r"(?<!\d)(" + _YEAR_ONE_BLANK + r")\s*年\s*(\d{1,2})\s*月\s*(\d\s\d(?=\s*[日曰号])|\d{1,2})(?!\d)"
               r"\s*(?:日|曰|号|月(?!\s*\d)|(?!\s*[年月]))"),
    # 2025-03-05 / 2025/3/5 / 2025.3.5 / 2025_03_05
    re.compile(_Y + r"\s*[-/.．_]\s*(\d{1,2})\s*[-/.．_]\s*(\d{1,2})(?!\d)"),
    # 20250305
    re.compile(r"(?<!\d)" + _Y + r"(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
]
# (a day in words without its 日 is none when a 日 follows a character or two on: the day
# went on in characters not read as numerals, 一月二才四日, not the 2nd)
_CN_DATE = re.compile(
    f"([{_CN_NUM}]{{4}})\\s*年\\s*([{_CN_NUM}]{{1,3}})\\s*月\\s*([{_CN_NUM}]{{1,3}})"
    f"\\s*(?:日|曰|号|(?!\\s*[年月])(?!(?:\\s*[^\\s日曰号]){{1,2}}\\s*[日曰号]))"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|-|/|\.|年度)")
_CN_YEAR = re.compile(f"([{_CN_NUM}]{{4}})\\s*年")


_CN_YEAR5 = re.compile(f"([{_CN_NUM}]{{5}})(?=\\s*年)")


def _dedupe_year(m: re.Match) -> str:
    """二OO二六年: OCR doubled a character of a year in words; drop the double."""
    run = m.group(1)
    for k in range(4):
        if run[k] == run[k + 1]:
            return run[:k] + run[k + 1:]
    return run


def _prep(text: str) -> str:
    from extractors.normalize.text import to_simplified

    s = unicodedata.normalize("NFKC", to_simplified(text))
    # OCR reads 0 as O/o inside digit runs, and l/I as 1
    s = re.sub(r"(?<=\d)[Oo](?=\d)|(?<=\d)[Oo](?=\s*[年月日/.-])|(?<=[年月/.-])[Oo](?=\d)", "0", s)
    s = re.sub(r"(?<=\d)[lI|](?=\d)", "1", s)
    # a bracket or bar for 1 next to a month/day mark: 2018年1]月20日, 3月]日
    s = re.sub(r"(?<=[\d年月])[\]\[|!lI](?=\d|\s*[月日])", "1", s)
    s = _CN_YEAR_SPLIT.sub(_year_closed_up, s)
    s = _CN_YEAR_RUN.sub(_cn_year_lookalikes, s)
    s = _CN_YEAR5.sub(_dedupe_year, s)
    s = _CN_CENTURY.sub(_mend_century, s)
    s = _CN_TEN_LOST.sub("十", s)
    s = _CN_CENTURY_STROKE.sub("二", s)
    return s


# what Tesseract puts for 〇 and 二 in a year written in words (二O〇二五年, 二O=五年)
_ZERO_LIKE = "OoC0GQD口○◯"
_CN_YEAR_RUN = re.compile(f"(?<![{_CN_NUM}{_ZERO_LIKE}=])([{_CN_NUM}{_ZERO_LIKE}=]{{4,5}})(?=\\s*年\\s*[{_CN_NUM}]{{1,3}}\\s*月)")
_LOOKALIKE = str.maketrans({**{c: "〇" for c in _ZERO_LIKE}, "=": "二"})


def _cn_year_lookalikes(m: re.Match) -> str:
    """Lookalikes in a year in words turned into numerals, one for one (offsets keep).

    Only in a run right before 年 and a month in words, with at least two real numerals
    in it, so that a code or an English word before 年 is never rewritten.
    """
    run = m.group(1)
    real = sum(c in _NUMERAL for c in run)
    if real < 2:
        return run
    return run.translate(_LOOKALIKE)


# a year in words that OCR cut into two words (二 O=六年三月十八日: the first 二 a word of its
# own a blank away, seed 101 case_005's audit report); the Arabic year's pattern allows the
# same blank (20 26年)
_CN_YEAR_SPLIT = re.compile(
    f"(?<![{_CN_NUM}{_ZERO_LIKE}=\\s])([{_CN_NUM}{_ZERO_LIKE}=]{{1,3}})[ \\t]([{_CN_NUM}{_ZERO_LIKE}=]{{1,3}})"
    f"(?=\\s*年\\s*[{_CN_NUM}]{{1,3}}\\s*月)")


def _year_closed_up(m: re.Match) -> str:
    """The blank moved in front of the year, one character for one (offsets keep), when
    the two parts make a year of four (or five, doubled) characters."""
    run = m.group(1) + m.group(2)
    if not 4 <= len(run) <= 5 or sum(c in _NUMERAL for c in run) < 2:
        return m.group(0)
    return m.group(0)[len(m.group(1))] + run


# a year in words whose century lost one of its two characters to a seal's ink or a stroke
# (二人二五年, 口〇二五年): the decade and year are read, the century is that of every date
# in words on current paperwork, 二〇
_CN_CENTURY = re.compile(
    f"(?<![{_NUMERAL}])([^\\s\\d{_NUMERAL}][〇○零]|二[^\\s\\d{_NUMERAL}])([{_NUMERAL}]{{2}})"
    f"(?=\\s*年\\s*[{_CN_NUM}]{{1,3}}\\s*月\\s*[{_CN_NUM}]{{1,3}}\\s*[日曰号])")


# ... or lost its 〇 altogether (二二六年四月十二日: the thin ring under a seal's): three
# numerals, 二 then a decade of this century, read as 二〇 and the two
_CN_DATE_NO_ZERO = re.compile(
    f"(?<![{_CN_NUM}{_ZERO_LIKE}])二([一二])([{_NUMERAL}])\\s*年\\s*([{_CN_NUM}]{{1,3}})\\s*月"
    f"\\s*([{_CN_NUM}]{{1,3}})\\s*(?:日|曰|号)")


# ... or whose 二 gained a stroke from the ring's ink (三〇二六年四月八日, seed 131 case_011:
# the ring's arc along the 二): no date in words on current paperwork is of the 31st century.
# One that lost a stroke (一〇二六年) is left undated: 一 is also what a speck beside 〇 reads as
_CN_CENTURY_STROKE = re.compile(
    f"三(?=[〇○零][{_NUMERAL}]{{2}}\\s*年\\s*[{_CN_NUM}]{{1,3}}\\s*月\\s*[{_CN_NUM}]{{1,3}}\\s*[日曰号])")


# a day in words whose 十 a seal's stroke made another character (一月二才四日, seed 131
# case_005: 二十四 with 十 read as 才 at 0.66): between 二 or 三 and a numeral before 日,
# the only character a day can hold is 十 (one for one: offsets keep)
_CN_TEN_LOST = re.compile(
    f"(?<=[{_CN_NUM}]月[二三])[^\\s{_CN_NUM}年月日曰号](?=[一二三四五六七八九][日曰号])")


def _mend_century(m: re.Match) -> str:
    """The century put back, one character for one (offsets keep)."""
    return "二〇" + m.group(2)


def _cn_small(s: str) -> int | None:
    """一 .. 三十一 (day/month), in the 十-based reading."""
    vals = [_CN_DIGIT.get(c) for c in s]
    if any(v is None for v in vals):
        return None
    if len(vals) == 1:
        return vals[0]
    if len(vals) == 2 and vals[0] == 10:  # 十五
        return 10 + vals[1]
    if len(vals) == 2 and vals[1] == 10:  # 二十
        return vals[0] * 10
    if len(vals) == 3 and vals[1] == 10:  # 二十五
        return vals[0] * 10 + vals[2]
    return None


def _make(y: int, m: int, d: int) -> dt.date | None:
    if not 1949 <= y <= 2100:  # a misread digit (1026 for 2026) is no date
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str | None) -> list[tuple[dt.date, int, int]]:
    """Every date in ``text`` with its (start, end) offsets in the prepared text.

    The preparation keeps lengths (NFKC of CJK text and the OCR digit fixes are
    one-to-one for the characters involved), so offsets map back to the input.
    """
    if not text:
        return []
    s = _prep(text)
    found: list[tuple[dt.date, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for pat in _PATTERNS:
        for m in pat.finditer(s):
            year, month, day = int(m.group(1).replace(" ", "")), int(m.group(2)), m.group(3)
            d = _make(year, month, int(day.replace(" ", ""))) or _make(year, month, int(day.split()[0]))
            if d and free(m.start(), m.end()):
                found.append((d, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    for m in _CN_DATE.finditer(s):
        year_digits = [_CN_DIGIT.get(c) for c in m.group(1)]
        if any(v is None or v > 9 for v in year_digits):
            continue
        y = int("".join(str(v) for v in year_digits))
        mo, d = _cn_small(m.group(2)), _cn_small(m.group(3))
        if mo and d and (dd := _make(y, mo, d)) and free(m.start(), m.end()):
            found.append((dd, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in _CN_DATE_NO_ZERO.finditer(s):
        y = 2000 + 10 * _CN_DIGIT[m.group(1)] + _CN_DIGIT[m.group(2)]
        mo, d = _cn_small(m.group(3)), _cn_small(m.group(4))
        if mo and d and (dd := _make(y, mo, d)) and free(m.start(), m.end()):
            found.append((dd, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda t: t[1])
    return found


def parse_date(text: str | None) -> dt.date | None:
    """The first full date in ``text``, or None."""
    hits = find_dates(text)
    return hits[0][0] if hits else None


def find_year(text: str | None) -> int | None:
    """The first year written as 2025年 / 2025年度 / 2025-.. / 二〇二五年."""
    if not text:
        return None
    s = _prep(text)
    m = _YEAR.search(s)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(s)
    if m:
        digits = [_CN_DIGIT.get(c) for c in m.group(1)]
        if all(v is not None and v <= 9 for v in digits):
            return int("".join(str(v) for v in digits))
    return None
