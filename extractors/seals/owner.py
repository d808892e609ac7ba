"""Whose seal is it: the applicant's, an authority's, another party's, or unknown.

Ring text read by OCR is noisy (one or two wrong characters in ten is common) and may start
anywhere on the ring, so names are compared fuzzily on the doubled reading (a name that
wraps round the ring is still one substring), and on two levels: the whole name, and its
distinctive part with the place prefix and legal form taken off. The second level is what
tells 上海松江智算科技有限公司 from 上海云启数据服务有限公司, which share half their characters.

Names come from the caller (the applicant, the third parties named in the document) and
from the policy (authorities); the matching vocabulary is data (data/owner.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from pipeline.models import Seal

LATTICE_MARK = "≈"  # extractors.seals.read.LATTICE_MARK: a reading with alternatives

_NON_NAME = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z（）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class _Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    accept: float = Field(ge=0, le=100)
    margin: float = Field(ge=0, le=100)
    keyword: float = Field(ge=0, le=100)
    stranger_max: float = Field(ge=0, le=100)
    stranger_agreement: float = Field(default=45, ge=0, le=100)
    stranger_core_agreement: float = Field(default=45, ge=0, le=100)
    authority_accept: float = Field(default=68, ge=0, le=100)
    min_chars: int = Field(ge=1)
    all_but_one_min: int = Field(default=10, ge=2)
    other_agree: int = Field(default=2, ge=2)
    core_support: float = Field(default=0.5, ge=0, le=1)


class OwnerVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    region_prefixes: list[str] = Field(min_length=1)
    name_suffixes: list[str] = Field(min_length=1)
    legal_forms: list[str] = Field(default_factory=list)
    organisation_markers: list[str] = Field(min_length=1)
    place_marks: list[str] = Field(default_factory=list)
    seal_kind_words: list[str] = Field(default_factory=list)
    low_weight_chars: str = ""
    low_weight: float = Field(default=0.2, ge=0, le=1)
    glyph_fonts: list[tuple[str, int]] = Field(default_factory=list)
    glyph_floor: float = Field(default=0.45, ge=0, le=1)
    glyph_span: float = Field(default=0.35, gt=0, le=1)
    glyph_credit: float = Field(default=0.6, ge=0, le=1)
    alternatives: int = Field(default=2, ge=0)
    alternative_credit: float = Field(default=0.5, ge=0, le=1)
    thresholds: _Thresholds


@lru_cache(maxsize=1)
def vocabulary() -> OwnerVocabulary:
    """The bundled matching vocabulary, validated (a broken file fails loudly)."""
    text = resources.files("extractors.seals").joinpath("data/owner.yaml").read_text("utf-8")
    return OwnerVocabulary.model_validate(yaml.safe_load(text))


def normalise(text: str | None) -> str:
    """Only the characters a name is made of (CJK, digits, letters, full-width brackets)."""
    return _NON_NAME.sub("", text or "").replace("(", "（").replace(")", "）")


def _without_place(n: str, vocab: OwnerVocabulary, *, min_left: int = 0) -> str:
    """The normalised name without its leading place name (longest first), if at least
    ``min_left`` characters remain."""
    for p in sorted(vocab.region_prefixes, key=len, reverse=True):
        if n.startswith(p) and len(n) - len(p) >= min_left:
            return n[len(p):]
    return n


def core(name: str, vocab: OwnerVocabulary | None = None) -> str:
    """The distinctive part of a name: place prefix and legal form / trade words removed."""
    vocab = vocab or vocabulary()
    n = _without_place(normalise(name), vocab, min_left=2)
    changed = True
    while changed:
        changed = False
        for s in sorted(vocab.name_suffixes, key=len, reverse=True):
            if n.endswith(s) and len(n) - len(s) >= 2:
                n = n[: -len(s)]
                changed = True
                break
    return n


@lru_cache(maxsize=1)
def _glyph_font():
    from pathlib import Path

    from PIL import ImageFont

    for path, index in vocabulary().glyph_fonts:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, 40, index=index)
            except OSError:
                continue
    return None


@lru_cache(maxsize=20000)
def _glyph(ch: str):
    """A character's glyph, cropped, 24×24, blurred, zero-mean unit-norm (for correlation)."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw

    font = _glyph_font()
    if font is None:
        return None
    im = Image.new("L", (56, 56), 0)
    ImageDraw.Draw(im).text((6, -4), ch, fill=255, font=font)
    a = np.asarray(im, np.float32) / 255.0
    ys, xs = np.nonzero(a > 0.3)
    if len(xs) == 0:
        return None
    a = cv2.resize(a[ys.min():ys.max() + 1, xs.min():xs.max() + 1], (24, 24), interpolation=cv2.INTER_AREA)
    a = cv2.GaussianBlur(a, (0, 0), 1.2)
    a = a - a.mean()
    return a / (float(np.linalg.norm(a)) + 1e-6)


@lru_cache(maxsize=200000)
def glyph_similarity(a: str, b: str) -> float:
    """0..1 partial credit for reading ``b`` where the name has ``a`` (1 only if equal)."""
    if a == b:
        return 1.0
    ga, gb = _glyph(a), _glyph(b)
    if ga is None or gb is None:
        return 0.0
    vocab = vocabulary()
    corr = float((ga * gb).sum())
    soft = min(1.0, max(0.0, (corr - vocab.glyph_floor) / vocab.glyph_span))
    return vocab.glyph_credit * soft


def _cells(reading: str) -> list[tuple[str, ...]]:
    """A reading as character positions, each with the recogniser's alternatives (best
    first): a plain text has one character per position; a lattice reading (``≈`` then
    positions joined by ``|``, see ``extractors.seals.read.lattice``) keeps up to
    ``alternatives`` + 1 per position."""
    if reading.startswith(LATTICE_MARK):
        keep = 1 + vocabulary().alternatives
        cells = [tuple(normalise(c)[:keep]) for c in reading[len(LATTICE_MARK):].split("|")]
        return [c for c in cells if c]
    return [(ch,) for ch in reading]


def _weighted_overlap(n: str, t: "str | list[tuple[str, ...]]", vocab: OwnerVocabulary) -> float:
    """Share of the name's characters found in the reading, common characters weighing
    little; order-free, so a reading that starts mid-ring scores the same. A distinctive
    character the recogniser ranked second (a lattice reading), or misread as a
    look-alike, counts in part."""
    cells = _cells(t) if isinstance(t, str) else t
    pool: dict[str, int] = {}
    for cell in cells:
        pool[cell[0]] = pool.get(cell[0], 0) + 1
    total = hit = 0.0
    missed: list[tuple[str, float]] = []
    for ch in n:
        w = vocab.low_weight if ch in vocab.low_weight_chars else 1.0
        total += w
        if pool.get(ch, 0) > 0:
            pool[ch] -= 1
            hit += w
        elif w == 1.0:
            missed.append((ch, w))
    # positions whose best character was not used by a name character
    spare_cells = []
    left = dict(pool)
    for cell in cells:
        if left.get(cell[0], 0) > 0:
            left[cell[0]] -= 1
            spare_cells.append(cell)
    still: list[tuple[str, float]] = []
    for ch, w in missed:
        cell = next((c for c in spare_cells if ch in c[1:]), None)
        if cell is not None:
            hit += w * vocab.alternative_credit
            spare_cells.remove(cell)
        else:
            still.append((ch, w))
    if still and any(_CJK.match(c[0]) for c in spare_cells):
        spare = [c[0] for c in spare_cells if _CJK.match(c[0])]
        for ch, w in still:
            if not spare:
                break
            best = max(spare, key=lambda r: glyph_similarity(ch, r))
            credit = glyph_similarity(ch, best)
            if credit > 0:
                hit += w * credit
                spare.remove(best)
    return hit / total if total else 0.0


def name_score(name: str, reading: str, vocab: OwnerVocabulary | None = None) -> float:
    """0..100: how well a seal reading matches a name, tolerant of OCR errors and of the
    reading starting at any point of the ring.

    Mostly the weighted share of the name's distinctive characters that were read (what
    separates two companies of the same district and trade), plus the ordered fuzzy match
    of the whole name (what separates a name from an anagram of its characters). A reading
    shorter than the name (a half seal) is compared with the matching part of the name.
    """
    if vocab is None or vocab is vocabulary():
        return _bundled_name_score(name, reading)
    return _name_score(name, reading, vocab)


@lru_cache(maxsize=1 << 16)
def _bundled_name_score(name: str, reading: str) -> float:
    """name_score with the bundled vocabulary, remembered: each time the owner of a seal is
    asked, its every reading is scored against every authority of the policy again."""
    return _name_score(name, reading, vocabulary())


def _name_score(name: str, reading: str, vocab: OwnerVocabulary) -> float:
    cells = _cells(reading) if reading.startswith(LATTICE_MARK) else _cells(normalise(reading))
    n, t = normalise(name), "".join(c[0] for c in cells)
    if not n or not t:
        return 0.0
    doubled = t + t if len(t) >= 0.6 * len(n) else t
    full = fuzz.partial_ratio(n, doubled)
    part = n
    if len(t) < 0.6 * len(n):
        al = fuzz.partial_ratio_alignment(t, n)
        if al is not None:
            # the stretch of the name as long as the reading, where it aligns best (an
            # alignment on one shared character must not make a one-character "part")
            mid, size = (al.dest_start + al.dest_end) // 2, min(len(n), len(t))
            start = max(0, min(len(n) - size, mid - size // 2))
            part = n[start:start + size]
    bag = _weighted_overlap(part, cells if part == n else _cells(t), vocab)
    score = 0.7 * 100 * bag + 0.3 * full
    if not any(ch not in vocab.low_weight_chars and ch in t for ch in part) \
            and not _all_but_one(n, t, vocab):
        score = min(score, 50.0)  # only common characters agree: "有限公司" is anybody's
    return score


def _all_but_one(name: str, reading: str, vocab: OwnerVocabulary) -> bool:
    """The whole of a long name read in its order but for one character.

    A name whose own part is one rare character (上海智曜数据科技股份有限公司: 智 is a trade
    word) shares everything else with any company of its trade; when that one character is
    misread on the ring (曜 as 醒, 雕, 羅: too intricate for a ring read at 200 dpi), the
    reading still shows the name's order, length and wording, which another company's seal
    would not. Deliberately accepted: a company whose name differs from the applicant's in
    that one character would be taken for it.
    """
    if len(name) < vocab.thresholds.all_but_one_min or not reading:
        return False
    doubled = reading + reading if len(reading) < 2 * len(name) else reading
    return LCSseq.similarity(name, doubled) >= len(name) - 1 and len(reading) <= len(name) + 2


def _union_score(name: str, readings: list[str], vocab: OwnerVocabulary) -> float:
    """Like name_score, with the characters of all readings pooled: each OCR pass gets
    different characters wrong, and a name's rare characters turning up in some pass is
    evidence a stranger's seal does not produce."""
    if len(readings) < 2:
        return 0.0
    n = normalise(name)
    pool: dict[str, int] = {}
    for r in readings:
        counts: dict[str, int] = {}
        for ch in r:
            counts[ch] = counts.get(ch, 0) + 1
        for ch, k in counts.items():
            pool[ch] = max(pool.get(ch, 0), k)
    pooled = "".join(ch * k for ch, k in pool.items())
    bag = _weighted_overlap(n, pooled, vocab)
    full = max(fuzz.partial_ratio(n, r + r) for r in readings)
    score = 0.7 * 100 * bag + 0.3 * full
    if not any(ch not in vocab.low_weight_chars and ch in pooled for ch in n):
        score = min(score, 50.0)
    return score


def _keyword_hit(keyword: str, reading: str, threshold: float) -> bool:
    k = normalise(keyword)
    if not k:
        return False
    if k in reading:
        return True
    if len(k) < 4:
        return False
    return fuzz.partial_ratio(k, reading + reading) >= threshold


def _agreement(readings: list[str], scorer=fuzz.ratio) -> float:
    """0..100: how alike the best reading is to the closest other attempt (100 when all
    attempts read the same, which leaves one distinct reading)."""
    if len(readings) < 2:
        return 100.0
    return max(scorer(readings[0], r) for r in readings[1:])


def _core_read(name: str, readings: list[str], vocab: OwnerVocabulary) -> bool:
    """At least half of the name's distinctive part (``core``), and two characters of it if
    it has two, read in order in one reading."""
    c = core(name, vocab)
    need = min(len(c), max(2, (len(c) + 1) // 2))
    return any(LCSseq.similarity(c, r + r) >= need for r in readings)


def _near(name: str, readings: list[str], vocab: OwnerVocabulary, lattices: list[str] = ()) -> bool:
    """Whether the readings show something of the name beyond 上海…有限公司: a character of
    its distinctive part, or half of its wording without place and legal form in the
    attempts together (the rare characters of 上海青穹信息技术有限公司 may be unreadable, its
    信息技术 is not), or all
    of its distinctive part but one character among the recogniser's candidates, in order
    (``_in_lattice``). A stranger's seal that shares only the place and the legal form is
    not near."""
    if any(ch in r for ch in core(name, vocab) for r in readings):
        return True
    if _in_lattice(core(name, vocab), lattices):
        return True
    n = normalise(name)
    wording = n[slice(*_wording_span(n, vocab))]
    # the attempts pooled: each catches another part of a ring read badly (松擎网络科技 as
    # 上海长零用务科技… and 上海长馨网际教珠…: 科技 in one, 网 in another)
    pooled = "".join(readings)
    return bool(wording) and sum(ch in pooled for ch in wording) >= len(wording) / 2


def _read_surely(lattices: list[str], vocab: OwnerVocabulary) -> int:
    """How many attempts at the ring were sure of most of the name they read: half of its
    distinctive characters at least with no rival among the recogniser's candidates. A
    faint seal's attempts can agree on junk, each character with three or four rivals: seed
    97 case_006's applicant seal (上海青穹软件技术有限公司) read 上海有有教行… and 上海有有教作…,
    its 有|育方力 and 教|数 never alone, and had been named a stranger's. Read that unsurely,
    a seal could be anyone's: it is left unknown, and a reviewer looks at it."""
    sure = 0
    for lattice in lattices:
        cells = _cells(lattice)
        top = "".join(c[0] for c in cells)
        part = core(top, vocab)
        at = top.find(part) if part else -1
        if at < 0:
            continue
        alone = sum(len(cells[at + i]) == 1 for i in range(len(part)))
        sure += 2 * alone >= len(part)
    return sure


def _turn(name: str, reading: str) -> int:
    """Where to start the reading, read round its ring, for it to start where the name
    does (the start nearest the name, by edit distance)."""
    from rapidfuzz.distance import Levenshtein

    return min(range(len(reading)), key=lambda k: Levenshtein.distance(name, reading[k:] + reading[:k]),
               default=0)


def another_company(name: str, readings: list[str], lattices: list[str],
                    vocab: OwnerVocabulary) -> str | None:
    """The reading, when it names another company of the applicant's place and trade: at
    least ``other_agree`` attempts read the whole name but for one character, except a run
    of at least two characters of its wording (place and legal form taken off; as long as
    half its distinctive part at least), and they agree on the other characters there; and
    the recogniser never had the name's own characters in mind there (``lattices``). Seed
    79, case_009: 上海砺算计算技术有限公司's seal on an application of 上海灵犀计算技术有限公司,
    three attempts reading 砺算 and the rest exactly, had scored 70 for the applicant and
    passed as its seal. The run may lie in the trade words, which are as much the name's
    own (企业名称登记管理规定: 字号 + 行业): seed 199 case_016's town review form was stamped
    by 上海鼎算信息技术有限公司 for 上海辰算软件技术有限公司, read 上海X算信意… three times
    (鼎, 集, 体 for the 辰: the one character besides the run), the 信 alone among its
    candidates; it had scored 68 for the applicant and passed as its seal.

    Misreads do not look like this: an applicant's seal read badly enough to lose two
    characters of its own part in the same way twice loses others too (松擎 read 长馨 twice
    with 所综有技 and 网际教珠 for 网络科技), and one rare character misread (曜 as 醒) is no
    run of two. Still, a recogniser can misread two rare characters alike twice (上海青穹
    信息技术有限公司 read 上海玖坷…): so it must also have been sure of a character of the
    run, alone among its candidates (``lattices``), in as many attempts; with no
    lattices, no company is named this way.
    """
    from rapidfuzz.distance import Levenshtein

    n, c = normalise(name), core(name, vocab)
    if len(c) < 2 or n.find(c) < 0:
        return None
    lo, hi = _wording_span(n, vocab)
    seen: dict[tuple[int, str], list[str]] = {}
    for r in readings:
        k = _turn(n, r)
        t = r[k:] + r[:k]
        ops = Levenshtein.editops(n, t)
        inside = _longest_run([op for op in ops if lo <= op.src_pos < hi and op.tag == "replace"])
        if len(ops) - len(inside) > 1 or len(inside) < max(2, (len(c) + 1) // 2):
            continue  # more than one difference besides the run, or too short a run
        first = inside[0].src_pos
        run = "".join(t[op.dest_pos] for op in inside)
        seen.setdefault((first, run), []).append(t)
    agreed = [(key, texts) for key, texts in seen.items() if len(texts) >= vocab.thresholds.other_agree]
    if len(agreed) != 1:
        return None
    (first, run), texts = agreed[0]
    sure = 0
    for lattice in lattices:
        cells = _cells_at(n, lattice, range(first, first + len(run)))
        if any(ch in cell for ch, cell in zip(n[first:], cells)):
            return None  # the recogniser had the name's own character in mind there
        # ... and was sure of one of the others: alone among its candidates (a faint
        # ring's misreads come with rivals)
        sure += any(len(cell) == 1 and cell[0] == ch for ch, cell in zip(run, cells))
    if sure < vocab.thresholds.other_agree:
        return None
    return texts[0]


def _wording_span(n: str, vocab: OwnerVocabulary) -> tuple[int, int]:
    """Where the normalised name's own wording lies: after its place, before its legal form."""
    lo = len(n) - len(_without_place(n, vocab, min_left=2))
    hi = len(n)
    for form in sorted(vocab.legal_forms, key=len, reverse=True):
        if n.endswith(form) and len(n) - len(form) - lo >= 2:
            hi = len(n) - len(form)
            break
    return lo, hi


def _longest_run(ops: list) -> list:
    """The longest run of edit operations on consecutive characters of the name (the first
    of the longest)."""
    runs: list[list] = []
    for op in ops:
        if runs and op.src_pos == runs[-1][-1].src_pos + 1:
            runs[-1].append(op)
        else:
            runs.append([op])
    return max(runs, key=len, default=[])


@lru_cache(maxsize=1 << 14)
def _cells_at(name: str, lattice: str, places: range) -> tuple[tuple[str, ...], ...]:
    """The lattice's candidate cells at the name's ``places``, the lattice turned round the
    ring to start where the name does and aligned to it by its best characters (an empty
    cell where nothing of the lattice stands for that place). Remembered: one loose match
    asks the same alignment of _read_otherwise, _core_backed and _among_candidates."""
    from rapidfuzz.distance import Levenshtein

    cells = [tuple(normalise(c)) for c in lattice[len(LATTICE_MARK):].split("|")]
    cells = [c for c in cells if c]
    if not cells:
        return tuple(() for _ in places)
    k = _turn(name, "".join(c[0] for c in cells))
    cells = cells[k:] + cells[:k]
    at: dict[int, tuple[str, ...]] = {}
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(name, "".join(c[0] for c in cells)):
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                at[i] = cells[j]
    return tuple(at.get(i, ()) for i in places)


def _in_lattice(part: str, lattices: list[str]) -> bool:
    """The recogniser had all of ``part`` but one character among its candidates, in the
    name's order, in one attempt at the ring (read from any start). A faint seal of
    上海景量数字科技有限公司 was read 上海教业教学科技有限公司 first, 上海基技教学梅技有限公司
    second; the second attempt's candidates held 量, 数 and 字 where the name has them. A
    stranger's seal puts another company's characters there, and the applicant's among
    five candidates a position only by chance."""
    if len(part) < 2:
        return False
    need = max(2, len(part) - 1)
    for lattice in lattices:
        # every candidate the lattice kept, not only the few that earn credit in a score
        cells = [set(normalise(c)) for c in lattice[len(LATTICE_MARK):].split("|")]
        ring = cells + cells
        # longest run of part's characters matched in order, each in a later cell
        prev = [0] * (len(ring) + 1)
        for ch in part:
            row = [0] * (len(ring) + 1)
            for j, cell in enumerate(ring, 1):
                row[j] = max(row[j - 1], prev[j], prev[j - 1] + (ch in cell))
            prev = row
        if prev[-1] >= need:
            return True
    return False


def _read_otherwise(name: str, lattices: list[str], vocab: OwnerVocabulary) -> bool:
    """Whether the ring surely names someone else: in two attempts (or in two places of the
    only attempt) a character of the name's own wording was read alone among its
    candidates as another character, and no attempt had the name's character there in
    mind. The loose score counts what the names share: a seal of 上海深屿智能科技有限公司
    (seed 199), 泽 among the candidates of its third character, scored 62 for 上海泽岳信息
    技术有限公司 and was taken for that company's seal, though 屿 was read alone among its
    candidates twice where that name has 岳. On the seals of seeds 199, 211 and 2026, each
    compared with the other applicants' names, 2,138 pairs were taken for the applicant's
    below the strong score; this turns away 1,686 of them, and none of the 66 applicants'
    own seals those corpora matched below it."""
    n = normalise(name)
    lo, hi = _wording_span(n, vocab)
    views = _aligned(n, lattices)
    had = {i for cells in views for i, cell in enumerate(cells) if n[i] in cell}
    surely = [sum(len(cells[i]) == 1 and cells[i][0] != n[i] and i not in had for i in range(lo, hi))
              for cells in views]
    return (sum(count > 0 for count in surely) >= vocab.thresholds.other_agree
            or (len(surely) == 1 and surely[0] >= 2))


def _core_backed(name: str, lattices: list[str], vocab: OwnerVocabulary) -> bool:
    """Whether the attempts at the ring back the name's distinctive part (``core``) at least
    to ``thresholds.core_support``: each character where the name has it counts 1 when an
    attempt read it first, 1/2 when it was only among an attempt's candidates, 0 when no
    attempt had it in mind, averaged over the part. With nothing to judge by (no lattices,
    a one-character part) it is backed.

    The loose score counts what two names share, and names of one trade share most of
    what they are made of (上海…数字科技有限公司). A ring read 上海灵属数字科技有限公司, its
    灵犀 hesitating between 属 and 屏 but never 北 nor 辰 where they would stand, scored 75
    for 上海北辰数字科技有限公司 and was taken for its seal. Every applicant's ring of seeds
    2026, 199, 211 and 223, asked with every other applicant's name of another 字号
    (``python -m benchmarks.bench_owner``): 517 of 55,450 pairs had been taken for the
    applicant's; 202 with half the 字号 asked of a loose match (and the trade words of
    owner.yaml, without which 数字 was part of a 字号). Of the 801 rings on their own
    applications, 757 are still the applicant's, against 760."""
    n = normalise(name)
    c = core(n, vocab)
    at = n.find(c)
    if len(c) < 2 or at < 0 or not lattices:
        return True
    views = _aligned(n, lattices)
    backed = 0.0
    for i in range(at, at + len(c)):
        if any(cells[i][:1] == (n[i],) for cells in views):
            backed += 1.0
        elif any(n[i] in cells[i] for cells in views):
            backed += 0.5
    return backed / len(c) >= vocab.thresholds.core_support


def _among_candidates(name: str, lattices: list[str]) -> int:
    """How many attempts at the ring had every character of the name among their
    candidates, each where the name has it. Seed 2026 case_011: an audit report's seal of
    上海鼎算信息技术有限公司 on a blurred 200-dpi scan read 上海联障…, 上海航障…, 上海融障…,
    鼎 among the candidates of the third character and 算 of the fourth in three attempts
    of four; it was left unknown, and SEAL_MISSING asked a reviewer to look. Where the
    best characters differ from the name the recogniser had rivals in mind (the name's own
    among them), so no attempt was sure of another name. Checked against chance: none of
    the 382 rings of that corpus had the whole name of another of its applicants among
    its candidates in a single attempt (6,876 pairs of ring and name); of seeds 199 and
    211's 732 rings, only names that differ from the ring's by 股份 alone (14 of 26,352
    pairs), which the loose score takes for a match anyway."""
    n = normalise(name)
    return sum(all(ch in cell for ch, cell in zip(n, cells)) for cells in _aligned(n, lattices))


def _aligned(n: str, lattices: list[str]) -> list[tuple[tuple[str, ...], ...]]:
    """Each attempt's candidate cells at every place of the normalised name ``n``."""
    return [_cells_at(n, lattice, range(len(n))) for lattice in lattices]


def _placed(reading: str, marker: str, vocab: OwnerVocabulary) -> bool:
    """The reading names a place before its organisation marker (see ``place_marks`` in
    owner.yaml): a whole name, not the tail of a ring whose start did not read. A place is
    a region prefix, a mark such as 市 or 区, or the name of a province, city or county
    (杭州 as well as 杭州市), from python-stdnum's table of China's administrative divisions."""
    head = reading[: reading.find(marker)]
    if not vocab.place_marks:
        return True
    if any(head.startswith(p) for p in vocab.region_prefixes) or any(m in head for m in vocab.place_marks):
        return True
    names = _place_names()
    return any(head[i:i + n] in names for n in (2, 3, 4) for i in range(0, max(1, len(head) - n + 1)))


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Province, city and county names, with and without 省/市/区/县 (two characters at least)."""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text("utf-8")
    names = set()
    for value in re.findall(r'(?:province|county)="(?:\[[^\]]*\])?([^",]+)', text):
        if value in ("市辖区", "县", "省直辖县级行政区划"):
            continue
        names.add(value)
        for suffix in ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "区", "县", "盟", "旗"):
            if value.endswith(suffix) and len(value) - len(suffix) >= 2:
                names.add(value[: -len(suffix)])
                break
    return frozenset(n for n in names if len(n) >= 2)


@dataclass
class _Cand:
    score: float
    owner: str
    name: str


def _attr(obj: Any, name: str, default: Any) -> Any:
    return getattr(obj, name, default) if obj is not None else default


def assign_owner(seal: Seal, *, applicant_name: str | None, third_parties: list[str],
                 policy: Any) -> Seal:
    """The seal with ``owner``, ``owner_name`` and ``owner_score`` set from its text.

    ``policy`` is anything with ``.seals.authority_names``, ``.seals.authority_keywords``,
    ``.seals.third_party_keywords`` and optionally ``.seals.name_match_score`` (a score at
    which a match is taken without comparing it with the alternatives).
    """
    vocab = vocabulary()
    th = vocab.thresholds
    cfg = _attr(policy, "seals", None)
    strong = float(_attr(cfg, "name_match_score", 85))
    def clean(text: str | None) -> str:
        t = normalise(text)
        for word in sorted(vocab.seal_kind_words, key=len, reverse=True):
            t = t.replace(word, "")
        return t

    texts = [t for t in [seal.text, *seal.readings] if t and not t.startswith(LATTICE_MARK)]
    readings = [r for r in dict.fromkeys(clean(t) for t in texts)
                if len(_CJK.findall(r)) >= th.min_chars]
    if not readings:
        return seal.model_copy(update={"owner": "unknown", "owner_name": None, "owner_score": None})
    reading = readings[0]  # the best-confidence reading, used to name a stranger's seal
    # every attempt at the ring, alike ones too (two attempts reading the same are two)
    attempts = [r for r in (clean(t) for t in (seal.readings if seal.text in seal.readings
                                               else [seal.text, *seal.readings])
                            if t and not t.startswith(LATTICE_MARK))
                if len(_CJK.findall(r)) >= th.min_chars]

    # a lattice is held to what a reading is: an attempt that made one or two characters of
    # the ring (车 off a faint seal on a 150-dpi licence photo) names no one, and scored 100
    # for 上海市松江区车墩镇人民政府, whose seal the applicant's was then taken for
    lattices = [t for t in seal.lattices if t.startswith(LATTICE_MARK) and len(_cells(t)) >= th.min_chars]

    def score(name: str) -> float:
        return max([name_score(name, r, vocab) for r in readings + lattices]
                   + [_union_score(name, readings, vocab)])

    cands: list[_Cand] = []
    if applicant_name:
        cands.append(_Cand(score(applicant_name), "applicant", applicant_name))
    authority_names = {normalise(n) for n in _attr(cfg, "authority_names", [])}
    for name in third_parties:
        if name and (not applicant_name or normalise(name) != normalise(applicant_name)):
            # an issuer the document names that is itself an authority (松江区数据局 on an
            # honour): its seal is an authority's, however loosely it reads
            is_authority = normalise(name) in authority_names or any(
                normalise(k) in normalise(name) for k in _attr(cfg, "authority_keywords", []))
            cands.append(_Cand(score(name), "authority" if is_authority else "other", name))
    for name in _attr(cfg, "authority_names", []):
        cands.append(_Cand(score(name), "authority", name))
    cands.sort(key=lambda c: (-round(c.score, 1), -len(c.name)))

    district = _attr(policy, "district", None)
    districts = [d for d in [_attr(district, "name", None), *(_attr(district, "other_districts", None) or [])] if d]

    def done(owner: str, name: str | None, score: float | None) -> Seal:
        ring_district = next((d for d in districts if d in reading), None)
        if owner == "authority" and name and ring_district and ring_district not in name:
            # the ring names another district's body than the listed one it is close to
            # (上海市闵行区市场监督管理局 scores 85 for 松江区's): shown as the ring says it
            name = reading
        return seal.model_copy(update={"owner": owner, "owner_name": name,
                                       "owner_score": None if score is None else round(score, 1)})

    authority_kw = [k for k in _attr(cfg, "authority_keywords", [])
                    if any(_keyword_hit(k, r, th.keyword) for r in readings)]
    third_kw = [k for k in _attr(cfg, "third_party_keywords", [])
                if any(_keyword_hit(k, r, th.keyword) for r in readings)]
    best = cands[0] if cands else None
    lead = 0.0
    # each lattice is one attempt with its candidates, alike attempts kept (the readings
    # are not always: 上海九章云计算… read so three times of four was one reading)
    tops = ["".join(cell[0] for cell in _cells(t)) for t in lattices]
    stranger = another_company(applicant_name, tops or attempts, lattices, vocab) if applicant_name else None
    if stranger is not None:
        # another company's seal, whatever its colour: the attempts agree on its name
        return done("other", stranger, cands[0].score if cands else None)
    if best is not None:
        # an authority none of whose own part was read is no rival: 上海市松江区 is half of
        # every authority's name, and 松江分公司 in the applicant's (上海市松江区数据局 scored
        # 53 on 上海旅物管复有松江分公司 for 上海格物智算科技有限公司松江分公司, at 61)
        rival = next((c for c in cands[1:] if (c.owner != best.owner or c.name != best.name)
                      and (c.owner != "authority" or _core_read(c.name, readings, vocab))), None)
        lead = best.score - (rival.score if rival else 0.0)
        if best.score >= strong and lead > 0:
            # an issuer named in the document that is itself an authority (松江区数据局 on an
            # honour) is an authority
            owner = "authority" if best.owner == "other" and authority_kw else best.owner
            return done(owner, best.name, best.score)
        if (best.owner == "applicant" and best.score >= th.accept and lead >= th.margin
                and not authority_kw and not _read_otherwise(best.name, lattices, vocab)
                and _core_backed(best.name, lattices, vocab)):
            return done(best.owner, best.name, best.score)
        if (best.owner == "authority" and best.score >= th.authority_accept and lead >= th.margin
                and not third_kw and _core_read(best.name, readings, vocab)):
            # an authority's seal named loosely: no one is accused by calling it that (but
            # its own part of the name must show: 上海市松江区… is half of every authority)
            return done(best.owner, best.name, best.score)
    # the kind of body a seal names is plainer evidence than a loose match to one name
    if authority_kw:
        named = next((c for c in cands if c.owner == "authority" and c.score >= th.accept - th.margin), None)
        return done("authority", named.name if named else reading, named.score if named else None)
    if third_kw:
        named = next((c for c in cands if c.owner == "other" and c.score >= th.accept - th.margin), None)
        return done("other", named.name if named else reading, named.score if named else None)
    if best is not None and best.owner == "other" and best.score >= th.accept - th.margin \
            and lead >= th.margin:  # a third party the document names, read loosely
        return done(best.owner, best.name, best.score)
    applicant = next((c for c in cands if c.owner == "applicant"), None)
    if applicant and applicant.score >= th.stranger_max and _near(applicant.name, readings, vocab, lattices):
        if _among_candidates(applicant.name, lattices) >= th.other_agree:
            return done("applicant", applicant.name, applicant.score)
        # near the applicant's name but not clearly it: do not call it a stranger's seal
        return done("unknown", None, applicant.score)
    # a marker plus a few more characters is an organisation's name, not a fragment of one
    # (deliberately no guessing at mangled markers: a junk reading of the applicant's own
    # seal must not become a stranger's seal, which would raise two findings)
    # ... read so by two attempts at least: one whole name among fragments that share two
    # characters with it is junk (seed 79, case_003: 上海海海医有用经有服公司 beside 长有服公司,
    # off the applicant's own seal crossed by a table's ruling, named a stranger's)
    whole_names = [r for r in attempts if any(
        m in r and len(_CJK.findall(r)) - len(m) >= 4 and _placed(r, m, vocab) for m in vocab.organisation_markers)]
    org = len(whole_names) >= 2 or (len(whole_names) == 1 and len(attempts) == 1)
    # a colourless copy reads too poorly to accuse a stranger from markers alone; and the
    # attempts must agree on what the seal says (a damaged ring gives different junk each
    # time), on the whole and on what it names, place and legal form taken off: junk looks
    # like a company's name every time and shares 上海…有限公司 between attempts, but names
    # another company each time (总务学供股本有, 华数教件康术大有有服, 华券综件股术委有 off one
    # 150-dpi photo of the applicant's seal)
    if (org and seal.colour != "grey" and _agreement(readings) >= th.stranger_agreement
            and _agreement([core(r, vocab) for r in readings], fuzz.partial_ratio)
            >= th.stranger_core_agreement
            and (not lattices or _read_surely(lattices, vocab) >= th.other_agree)):
        return done("other", whole_names[0], cands[0].score if cands else None)
    return done("unknown", None, cands[0].score if cands else None)
