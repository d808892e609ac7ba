"""Turning the text found next to a label into a field value of the catalog's kind.

Each parser returns None when the text does not look like its kind, so the caller can try
the next candidate (the row below, the next occurrence of the label) instead of keeping
noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.normalize import find_dates, fold, parse_date, parse_money, parse_param_count, unit_factor
from extractors.normalize.text import has_cjk
from extractors.uscc import find_uscc
from extractors.vocab import vocab


@dataclass
class Parsed:
    value: Any
    quality: float = 1.0  # 0..1, how cleanly the text parsed
    note: str | None = None
    used: str | None = None  # the part of the text the value came from
    ocr_factor: float = 1.0  # extra doubt when the text came from OCR (see uscc)


_ORG_SUFFIX = re.compile(
    r"(有限责任公司|股份有限公司|有限公司|分公司|公司|会计师事务所(\([^)]{2,8}\)?)?|事务所|研究院|研究所|"
    r"中心|人民政府|管理局|委员会|办事处|集团|大学|学院|合伙企业(\([^)]*\))?|协会|联盟|实验室|医院|局|厅)"
)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,4}")
# the brackets of （特殊普通合伙） as OCR reads them on scans: 【特殊普通合伙), 《特殊普通合伙),
# and a speck read before the closing one (特殊普通合伙/), seed 101 case_007)
_PARTNERSHIP_OPEN = re.compile(r"[【《〈\[{<「『]\s*(?=(?:特殊普通|普通|有限)?合伙)")
_PARTNERSHIP_CLOSE = re.compile(r"(?<=合伙)[\s/|\\.,'`‘’“”·]*[)】》〉\]}>」』]")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{8})(?!\d)")


def org(text: str) -> Parsed | None:
    """An organisation name: CJK, at least four characters, cut after its legal suffix."""
    s = fold(text).strip(" :;|,.。、\"'“”‘’「」")
    if not s or not has_cjk(s) or len(s) < 4:
        return None
    s = _PARTNERSHIP_OPEN.sub("(", _PARTNERSHIP_CLOSE.sub(")", s))
    m = None
    for m in _ORG_SUFFIX.finditer(s):
        pass
    quality = 1.0
    if m is None:
        return None  # no legal suffix: not an organisation's name (or cut beyond use)
    s = s[:m.end()]
    if s.count("(") == s.count(")") + 1 and s.endswith(("合伙", "普通合伙")):
        s += ")"  # the closing bracket lost at the row end
    s = re.sub(r"^[\d.、()\s]+", "", s)
    if len(re.findall(r"[\u4e00-\u9fff]", s)) < 4 or find_dates(s) or _FORM_FIRST.match(s):
        return None
    return Parsed(s, quality, used=s)


# a name never starts with its legal form: 有限公司松江分公司 is the rest of a name a line's
# (or a page's) wrap cut off (seed 137 case_012, taken for the applicant at 0.85)
_FORM_FIRST = re.compile(r"(有限责任公司|股份有限公司|有限公司|公司|分公司|有限合伙)")


def person(text: str) -> Parsed | None:
    s = fold(text)
    m = _CJK_RUN.search(s)
    if not m:
        return None
    return Parsed(m.group(0), 1.0 if len(m.group(0)) <= 3 else 0.85, used=m.group(0))


_DIGIT_O = re.compile(r"(?<=\d)[oO](?=\d|[\u4e00-\u9fff]|$)|(?<=[A-Z])[oO](?=\d)")


def plain(text: str) -> Parsed | None:
    s = _DIGIT_O.sub("0", fold(text).strip(" :;|,.。、"))
    if s.count("“") + s.count("”") == 1:  # a stray quote mark, not a quoted name
        s = s.strip("“”")
    # a closing bracket never opens a value, nor an opening one ends it: a form's ruling or a
    # speck read as 」 (」模型推理加速引擎…项目)
    s = s.lstrip(")]}」』》〉】").rstrip("([{「『《〈【").strip()
    if not s or len(s) < 2:
        return None
    return Parsed(s, used=s)


def uscc(text: str, *, labelled: bool = True, typed: bool = False) -> Parsed | None:
    reads = [r for r in find_uscc(text, allow_extra=labelled, typed=typed)
             if not re.search(r"(编号|注册号|证号|No)[:.]?$", fold(text)[:r.start].replace(" ", ""))]
    if not reads:
        return None
    r = next((r for r in reads if r.valid), reads[0])
    if r.valid:
        if r.guessed:
            return Parsed(r.value, 0.6, r.note, r.raw)
        if r.raw.upper() == r.value:
            return Parsed(r.value, 1.0, r.note, r.raw)
        # repaired through the replacements the format forces (O as 0): find_uscc changes no
        # character the format allows, it only suggests the change
        return Parsed(r.value, 0.9, r.note, r.raw)
    if typed:  # as printed: sure of the characters, and they fail their check
        return Parsed(r.value, 1.0, r.note or "校验位不符", r.raw)
    # a code failing its check is far more often misread than miswritten when it was OCR'd:
    # below the rules' floor unless the OCR was very sure of every character
    return Parsed(r.value, 0.7, r.note or "校验位不符", r.raw, ocr_factor=0.78)


def date(text: str) -> Parsed | None:
    d = parse_date(text)
    return Parsed(d.isoformat()) if d else None


def money(text: str, unit_hint: str = "") -> Parsed | None:
    unit = unit_factor(unit_hint) or unit_factor(text)
    s = re.sub(r"\((万元|元|亿元|千元)\)|单位[:：]?(万元|元|亿元)", "", fold(text))
    v = parse_money(s, unit=unit)
    return Parsed(v) if v is not None else None


FEWEST_PARAMS = 10 ** 6  # a model's parameter count below this is a count whose unit was lost


def params(text: str) -> Parsed | None:
    """A model's parameter count. A count under a million is a misreading, not a model: its
    unit was lost (参数规模 3400人2, 亿 under a stain, for 3400亿), and the rules compare it
    with a threshold of billions."""
    v = parse_param_count(text)
    return Parsed(v) if v and v >= FEWEST_PARAMS else None


def year(text: str) -> Parsed | None:
    from extractors.normalize import find_year

    y = find_year(text)
    return Parsed(y) if y else None


def integer(text: str) -> Parsed | None:
    m = re.search(r"\d+", fold(text).replace(",", ""))
    return Parsed(int(m.group(0))) if m else None


def phone(text: str) -> Parsed | None:
    s = fold(text).replace(" ", "")
    m = _PHONE.search(s)
    return Parsed(m.group(1)) if m else None


# 至长期 with one of its two characters misread (至 长 其 on a 200-dpi licence photo, seed 157
# case_000) or lost at the line's end: after 至 only a date or 长期 can follow
_LONG_TERM_MISREAD = re.compile(r"至\s*(?:长\s*[^\d\s]?|[^\d\s]\s*期)\s*\S?$")


def term(text: str) -> Parsed | None:
    """营业期限: '2015年08月13日至2045年08月12日' / '...至长期' / '长期' -> {start, end}."""
    s = fold(text)
    dates = find_dates(s)
    to = s.find("至")
    if len(dates) == 1 and to >= 0 and dates[0][1] > to:
        # '至2073年11月25日' with the start lost: the one date is the end
        return Parsed({"start": None, "end": dates[0][0].isoformat()}, 0.7)
    start = dates[0][0].isoformat() if dates else None
    conf = 1.0
    if "长期" in s or "永久" in s or "无固定期限" in s:
        end = "长期"
    elif len(dates) < 2 and _LONG_TERM_MISREAD.search(s):
        end, conf = "长期", 0.8
    elif len(dates) >= 2:
        end = dates[1][0].isoformat()
    else:
        end = None
    if start is None and end is None:
        return None
    return Parsed({"start": start, "end": end}, conf if start and end else 0.7)


def _first_in_order(s: str, table: list[tuple[str, list[str]]]) -> tuple[str, str] | None:
    for value, words in table:
        for w in words:
            if fold(w) in s:
                return value, w
    return None


def category(text: str) -> Parsed | None:
    """申报类别 wording -> category code; with check boxes, the ticked one."""
    v = vocab()
    s = fold(text)
    marks = [fold(m) for m in v.checked_marks]
    if any(m in s for m in marks):
        # the category phrase right after a ticked mark
        for mk in marks:
            for m in re.finditer(re.escape(mk), s):
                tail = s[m.end():m.end() + 16]
                for code, words in v.categories.items():
                    if any(tail.startswith(fold(w)) for w in words):
                        return Parsed(code, used=tail)
    found = []
    for code, words in v.categories.items():
        pos = [s.find(fold(w)) for w in words if fold(w) in s]
        if pos:
            found.append((min(pos), code))
    if len(found) == 1:
        return Parsed(found[0][1])
    return None


def _ticked(s: str) -> str | None:
    """The words right after a ticked box, when the text has check boxes."""
    for mk in (fold(m) for m in vocab().checked_marks):
        k = s.find(mk)
        if k >= 0:
            tail = s[k + len(mk):k + len(mk) + 12]
            for um in (fold(m) for m in vocab().unchecked_marks + vocab().checked_marks):
                j = tail.find(um)
                if j >= 0:
                    tail = tail[:j]
            return tail
    return None


def opinion(text: str) -> Parsed | None:
    s = fold(text)
    ticked = _ticked(s)
    if ticked:
        s = ticked
    hit = _first_in_order(s, vocab().street_opinion)
    return Parsed(hit[0], note=hit[1], used=hit[1]) if hit else None


def result(text: str) -> Parsed | None:
    s = fold(text)
    hit = _first_in_order(_ticked(s) or s, vocab().test_result)
    return Parsed(hit[0], note=hit[1], used=hit[1]) if hit else None


def tier(text: str) -> Parsed | None:
    m = money(text)
    if m and m.value in (1_000_000, 500_000, 200_000):
        return m
    s = fold(text)
    for amount, words in vocab().tiers.items():
        if any(fold(w) in s for w in words):
            return Parsed(float(amount), 0.9, note=f"按档次“{s}”换算")
    return m


def street(text: str) -> Parsed | None:
    s = fold(text)
    for name in vocab().streets:
        if fold(name) in s:
            return Parsed(name)
    for m in re.finditer(r"([\u4e00-\u9fff]{1,4}?)(街道|镇)(?![\u4e00-\u9fff]{0,2}(初审|意见))", s):
        # 本镇, 该镇, 全镇 point at a town, they do not name it (经初审，该企业…均在本镇)
        if m.group(1)[-1] in "街城乡集村本该全各此每" or "松江区" == m.group(1)[-3:]:
            continue
        mended = mend_street(m.group(0))
        if mended:
            return Parsed(mended, 0.75, note=_mended_note(m.group(0), mended))
        if len(m.group(1)) >= 2:
            return Parsed(m.group(0), 0.8)
    return None


def known_street(text: str) -> Parsed | None:
    s = fold(text)
    for name in vocab().streets:
        if fold(name) in s:
            return Parsed(name)
    return None


def mend_street(name: str) -> str | None:
    """The one street or town of the district's list (vocab.yaml ``streets``) that ``name``
    is one character away from (溯港镇 or 港镇 for 泖港镇: a rare character that neither
    recogniser knows), with the same ending; None when there is none, or more than one.
    A name on the list is returned as it is."""
    from rapidfuzz.distance import Levenshtein

    name = fold(name)
    known = [fold(k) for k in vocab().streets]
    if name in known:
        return name
    ending = "街道" if name.endswith("街道") else name[-1:]
    near = [k for k in known if k.endswith(ending) and len(k) > len(ending) + 1
            and Levenshtein.distance(name, k) == 1]
    return near[0] if len(near) == 1 else None


_IN_DISTRICT = re.compile(r"松江区([\u4e00-\u9fff]{1,4}?(?:街道|镇))")


def _mend_place(s: str) -> tuple[str, str | None]:
    """An address with the street or town after 松江区 put right by ``mend_street``."""
    m = _IN_DISTRICT.search(s)
    if not m:
        return s, None
    mended = mend_street(m.group(1))
    if not mended or mended == m.group(1):
        return s, None
    return s[:m.start(1)] + mended + s[m.end(1):], _mended_note(m.group(1), mended)


def _mended_note(read: str, mended: str) -> str:
    return f"街镇名“{read}”按松江区街镇名录读作“{mended}”"


def address(text: str) -> Parsed | None:
    # no address opens with a quote mark or a full stop (seed 79: ”。上海市松江区港业路1458号,
    # the end of the line above read into the cell)
    s = fold(text).strip(" :;|,.。、").lstrip("“”\"'‘’。.，,:;|、 ")
    if len(s) < 4 or not has_cjk(s):
        return None
    s, note = _mend_place(s)
    quality = 1.0 if re.search(r"[市区县镇路号弄]", s) else 0.7
    return Parsed(s, 0.75 if note else quality, note=note)


PARSERS = {
    "org": org, "person": person, "text": plain, "address": address, "uscc": uscc,
    "uscc_any": lambda t: uscc(t, labelled=False), "date": date, "params": params, "int": integer, "year": year, "phone": phone,
    "term": term, "category": category, "opinion": opinion, "result": result,
    "tier": tier, "street": street, "known_street": known_street,
}


def parse(kind: str, text: str, unit_hint: str = "", *, typed: bool = False) -> Parsed | None:
    """``typed``: the text is a text layer's own characters, not a reading (see find_uscc)."""
    if kind == "money":
        return money(text, unit_hint)
    if typed and kind in ("uscc", "uscc_any"):
        return uscc(text, labelled=kind == "uscc", typed=True)
    return PARSERS[kind](text)
