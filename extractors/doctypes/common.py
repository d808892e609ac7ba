"""Pieces several doc_type extractors share: headings, prose organisations, fallbacks."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from itertools import chain

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.models import Field

from extractors.layout import GAP, Row, Span
from extractors.normalize import fold
from extractors.reader import GUESSED, DocReader, Found
from extractors.values import Parsed, org

# 一、 / 1. / 1、 / （一） / (1) / 第一部分 / 第1章 / 一. / 1.1
_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十\d]+[部分章节]+|[(（]?[一二三四五六七八九十]+[)）]|[(（]\d+[)）]|"
    r"[一二三四五六七八九十]+\s*[、.．:：]|\d+(?:\.\d+)*\s*[、.．:：]?|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


# what is left in front of a heading when OCR garbles its numbering: numerals, brackets,
# separators and stray strokes, never words
_NUMBERING_NOISE = re.compile(r"[一二三四五六七八九十\d()（）〈〉<>、.．:：/\\|lI'\"“”‘’\s第部分章节-]+")


# a bracketed numbering whatever the OCR made of its numeral: (/狼) for （八）
_BRACKETED = re.compile(r"[〈<]?[(（][^)）]{1,3}[)）]\s*")  # a stroke of the bracket read as 〈 too


def nearest(read: str, names: Iterable[str]) -> tuple[int, str, float] | None:
    """The name fewest edits off ``read``: (edits, name, how many more edits off the next
    nearest name is, infinite when there is no other); None for no names. What a reading
    is taken for a known name on (a licence's type, an issuer, a place) needs both: few
    edits, and no rival nearly as near."""
    ranked = sorted((Levenshtein.distance(read, n), n) for n in names)
    if not ranked:
        return None
    edits, best = ranked[0]
    return edits, best, (ranked[1][0] - edits if len(ranked) > 1 else math.inf)


def by_folded(names: Iterable[str]) -> dict[str, str]:
    """Known names as read text is matched against them (folded, no blanks), each to the
    name as printed: the keys ``nearest`` ranks, the values what a match returns."""
    return {fold(n).replace(" ", ""): n for n in names}


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()


def heading_matches(row: Row, wordings: list[str], *, slack: int = 8, min_ratio: float = 85) -> bool:
    """Is this row a heading worded like one of ``wordings``?

    A heading is short: its text after the numbering is at most the wording plus
    ``slack`` characters; small wording changes pass through a fuzzy ratio. A numbered
    heading may also have one character misread however short it is ((五)实际总投次 under
    a seal's edge: a ratio of 80 for five characters), since its numbering already says
    it is a heading, not a sentence.
    """
    cells, start = row.chars.split(GAP), 0
    # a speck in the margin that Tesseract guessed a character of (人 at 0.06 before 二、实施过程
    # on a photographed page, seed 103 case_013) is no part of the heading
    while len(cells) > 1 and _guessed(row, start, cells[0]):
        start += len(cells[0]) + len(GAP)
        cells = cells[1:]
    first_cell = cells[0]
    if len(cells) > 1 and _NUMBERING_NOISE.fullmatch(first_cell):
        # the numbering set apart from its words: a skewed scan's 一 read a cell's width
        # to the left of 、项目建设背景
        first_cell += cells[1]
    head = strip_numbering(first_cell).rstrip(":：。")
    if not head:
        return False
    numbered = head != first_cell.strip().rstrip(":：。")
    for w in wordings:
        w = fold(w)
        if len(head) > len(w) + slack:
            continue
        if head.startswith(w) or w in head[: len(w) + 3]:
            return True
        at = head.find(w)
        if 0 < at <= 6 and (_NUMBERING_NOISE.fullmatch(head[:at]) or _BRACKETED.fullmatch(head[:at])):
            return True  # numbering the OCR garbled: (/八)服务成效, 八 、服务成效, (/狼)服务成效
        if len(w) >= 4 and fuzz.ratio(head[: len(w)], w) >= min_ratio:
            return True
        if numbered and len(w) >= 4 and len(head) <= len(w) + 1 and Levenshtein.distance(head[: len(w)], w) <= 1:
            return True
    return False


def _guessed(row: Row, start: int, cell: str) -> bool:
    """Every character of the cell belongs to a word Tesseract read with less confidence
    than ``GUESSED``."""
    words = {row.owner[k] for k in range(start, min(start + len(cell), len(row.owner))) if row.owner[k] >= 0}
    return bool(words) and all(row.words[i].conf < GUESSED for i in words)


def sections_present(reader: DocReader, sections: dict[str, list[str]]) -> Field | None:
    """Canonical headings found, with the box of the first of them."""
    found: dict[str, Span] = {}
    for row in reader.all_rows():
        for canon, wordings in sections.items():
            if canon in found:
                continue
            if heading_matches(row, [canon, *wordings]):
                found[canon] = Span(row, 0, len(row.chars))
                break
    if not found:
        return Field(value=[], source="derived", confidence=0.6 if reader.pages else 0.0,
                     page=reader.pages[0].number if reader.pages else None,
                     note="未识别到任何章节标题")
    order = [c for c in sections if c in found]
    spans = [found[c] for c in order]
    fld = reader.make(Found(Parsed(order), spans[:1]))
    conf = sum(s.conf for s in spans) / len(spans)
    return fld.model_copy(update={"confidence": round(conf, 3), "bbox": spans[0].bbox,
                                  "raw": " / ".join(s.text for s in spans)})


_SUFFIX = (r"(?:股份有限公司|有限责任公司|有限公司|分公司|会计师事务所(?:\([^)]{2,10}\))?|"
           r"研究院|研究所|中心|人民政府|管理局|委员会|协会|联盟|办公室|局|厅)")
# a name may stack units: 国家密码管理局商用密码检测中心, 某某有限公司松江分公司
_ORG_IN_PROSE = re.compile(
    r"([\u4e00-\u9fff()A-Za-z0-9]{2,30}?" + _SUFFIX + r"(?:[\u4e00-\u9fff()A-Za-z0-9]{0,16}?" + _SUFFIX + r")*)"
)
# words before a name in running text, and a label run into its value when the gap after
# it was lost (案例提供单位上海…有限公司): never part of the name
_LEAD_WORDS = re.compile(r"^.*(?:授予|审计了|委托|兹有|兹证明|证明|推荐|我们|经审核|现将|获得|单位|名称|^受|:|,|。)")


# "this centre", "the said company", "your unit": a body referred to, not named
_SELF_REFERENCE = re.compile(r"[\u4e00-\u9fff]{0,2}?(?:(?<!日)本|该|贵|我|此)(?:单位|中心|公司|局|院|所|部门|机构)")


def orgs_in_rows(reader: DocReader, *, suffixes: tuple[str, ...] = ("公司",), reverse: bool = False,
                 exclude: set[str] = frozenset(), rows: list[Row] | None = None) -> Found | None:
    """An organisation written in running text or alone on a row, by its legal suffix.

    Leading words such as 授予 / 审计了 are cut off; names in ``exclude`` are skipped.
    """
    given = rows is not None
    rows = list(reader.all_rows()) if rows is None else rows
    mentions = org_mentions(reversed(rows) if reverse else rows, suffixes=suffixes)
    if not given:  # a name broken by the wrap of a paragraph, when no row names one whole
        mentions = chain(mentions, wrapped_org_mentions(reader, suffixes=suffixes, reverse=reverse))
    for found in mentions:
        value = found.parsed.value
        if value not in exclude and fold(value) not in exclude:
            return found
    return None


WRAP_MARGIN = 2.0  # text heights: a row ending this close to the page's right margin may wrap


def wrapped_org_mentions(reader: DocReader, *, suffixes: tuple[str, ...] | None = None,
                         reverse: bool = False) -> Iterator[Found]:
    """The organisations named across the end of one row and the start of the next, as
    prose wraps them: 上海云帆智算科技有限 / 公司长期深耕… (seed 97 case_003, where the
    sign-off's name was read 有限瓷司 under the seal). Only a row that runs to the page's
    right margin wraps: a title or a label's row ends where its text does."""
    for page in reversed(reader.pages) if reverse else reader.pages:
        text, where = reader.joined(page)
        rows = reader.rows[page.number]
        right = max((row.bbox[2] for row in rows), default=0.0)
        found = []
        for m in _ORG_IN_PROSE.finditer(text):
            a, b = m.span(1)
            first = where[a][0]
            if first is where[b - 1][0]:
                continue  # within one row: org_mentions has seen it
            if first.bbox[2] < right - WRAP_MARGIN * first.height:
                continue  # the row ends short of the margin: the next row is not its continuation
            named = _named(m.group(1), suffixes)
            if named is None or where[a + named[0]][0] is where[b - 1][0]:  # cut down to one row
                continue
            offset, value = named
            found.append(Found(Parsed(value, 0.85, note="从正文识别（跨行）"), reader.spans_of(where, a + offset, b)))
        yield from reversed(found) if reverse else found


def org_mentions(rows: Iterable[Row], *, suffixes: tuple[str, ...] | None = None) -> Iterator[Found]:
    """Every organisation named in the rows, in order, by its legal suffix (only those of
    ``suffixes`` when given); leading words such as 授予 / 审计了 are cut off, 该公司 and the
    like skipped."""
    for row in rows:
        start = 0
        for cell in row.chars.split(GAP):
            for m in _ORG_IN_PROSE.finditer(cell):
                named = _named(m.group(1), suffixes)
                if named is None:
                    continue
                offset, value = named
                a = start + m.start(1) + offset
                yield Found(Parsed(value, 0.85, note="从正文识别"), [Span(row, a, start + m.end(1))])
            start += len(cell) + 1


def _named(name: str, suffixes: tuple[str, ...] | None) -> tuple[int, str] | None:
    """A prose match as an organisation's name: how many leading words (授予, 审计了 …) to cut
    off it, and the name; None when it has none of ``suffixes`` or names no one (经本中心
    评估, 该公司: a pronoun and a suffix)."""
    if suffixes and not name.endswith(suffixes):
        return None
    cut = _LEAD_WORDS.match(name)
    offset = cut.end() if cut and len(name) - cut.end() >= 4 else 0
    parsed = org(name[offset:])
    if parsed is None or _SELF_REFERENCE.fullmatch(parsed.value):
        return None
    return offset, parsed.value


_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")


def quoted(reader: DocReader, *, after: tuple[str, ...] = ()) -> Found | None:
    """The first “quoted” name in the running text (optionally right after one of ``after``)."""
    for page in reader.pages:
        text, where = reader.joined(page)
        for a, b in balanced_quotes(text):
            if after and not text[max(0, a - 7):a - 1].endswith(after):
                continue
            return Found(Parsed(text[a:b], 0.85, note="取正文引号内名称"), reader.spans_of(where, a, b))
    return None


# Chinese quotation marks, and the straight marks Tesseract reads them as (研发的"城市治理大
# 模型"已在…, seed 229 case_006; '异构芯片适配中间件"已在…, seed 233 case_004): a straight mark
# opens a quote where none is open and closes one where one is.
OPENING, CLOSING, STRAIGHT = "“「『〝", "”」』〞", "\"'″＂"
QUOTED_MAX = 40  # characters: a quote left open longer than this was no quote (a speck read as ')
_HAN = re.compile(r"[\u4e00-\u9fff]")


def balanced_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost “…” run; nested quotes (“上海市“专精特新”企业”) stay inside."""
    out = []
    depth, start = 0, 0
    for k, c in enumerate(text):
        if depth and k - start > QUOTED_MAX:
            depth = 0
        if c in OPENING or (c in STRAIGHT and not depth):
            if depth == 0:
                start = k + 1
            depth += 1
        elif (c in CLOSING or c in STRAIGHT) and depth:
            depth -= 1
            if depth == 0 and 2 <= k - start <= QUOTED_MAX and _a_name(
                    text[start:k], curly=text[start - 1] in OPENING and c in CLOSING):
                out.append((start, k))
    return out


def _a_name(run: str, *, curly: bool) -> bool:
    """What quotation marks hold is a name: mostly Chinese, or, between Chinese quotation
    marks, a Latin one (“Qwen2.5-72B”); not specks (“2 %寻” on a grainy photo)."""
    han = len(_HAN.findall(run))
    return (han >= 2 and 2 * han >= len(run)) or (curly and re.fullmatch(r"[\w.\-+·]+", run) is not None)


def put(out: dict[str, Field], reader: DocReader, name: str, found: Found | None, **kw) -> None:
    if name not in out and found is not None:
        out[name] = reader.make(found, **kw)
