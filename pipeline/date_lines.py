"""A last look at the dates under a page's seals, from more than one view of the ink.

Dates sit where scans are worst: under the seal that signs them. Two things go wrong
there that the word-by-word second reading (pipeline.second_reader) cannot undo:

- Cleaning fades a grey seal's ink, and the thin horizontal strokes of the printed date,
  blurred by the scan to the same grey, fade with it: 三 becomes 二, 日 becomes 1.
- Tesseract joins the date to the seal's ring into one line twice as tall as text, and a
  crop of that line reads as ring.

So a stretch of a line under a seal that holds a date, or should (年, 月 or 日 and a numeral),
or that Tesseract lost and that is tall enough to be a line joined to the ring, is read by
the line recogniser from several views (and so is a stretch anywhere on the page that
holds 年 and 月 or 日 but no date, ``broken_date``: a month read as a quote mark; a
stretch that starts with a month, or with a year short of its numerals, takes in the
digits of its year that a blank parted from it, ``year_joined``): the cleaned page and the page as scanned, each as the stretch's box and, when that box is
much taller than the page's text, as its densest band of text height. A date the views
agree on replaces what the line said, under rules that leave a date Tesseract was sure of
alone:

- Where the stretch has no date: the date of at least two kinds of view, one of them
  ``AGREE`` sure of each character, or of one view ``SURE`` of each; a view of another
  kind that holds the same characters but one it was unsure of counts as agreeing
  (``supports``).
- Where it has a date: only a different date from at least two kinds of view, one of them
  ``SURE`` of each character, or from ``MANY`` kinds each ``AGREE`` sure (二〇二六年八月二十八日
  read 0.69, 0.78 and 0.86 from three views, where Tesseract read 二O〇二六年八月二者八日, the
  2nd); and the surest surer than Tesseract was of the date it read.
- Views that disagree as strongly as they agree give nothing, unless one date is read
  ``SURE`` by a view and its rivals by none (a seal's ink over the 6 of 2026: the two boxes
  read 2020 at 0.84-0.86, the two bands 2026, one at 0.99), or, under a grey seal, the
  scan's views read one surely and only the cleaned page's views read the other: cleaning
  fades the text's grey strokes with the seal's (2018年2月14日 read 2月11日 from the cleaned
  band, both sure). A stretch with two dates (a period from ... to ...) is left as read.

Tried first, and dropped: keeping a grey seal's ink where it forms long thin straight
strokes, so that cleaning spares the date. It kept the strokes, but the ring fragments it
kept too cost more fields elsewhere than it won (bench_extract: 606 → 602 of 635).
Measured with this module instead (bench_extract --cases 20, cold cache): OCR fields
606 → 609 of 635, dates in the 200-300 dpi scope 105 → 107 of 109, no field lost.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from pipeline.models import Line, Seal, Word
from pipeline.ocr import make_line
from pipeline.second_reader import (
    Reading, densest_band, described, is_lost, line_stretches, lost_repeat, place_reading, recogniser, relined,
    span_box, usual_height)

log = logging.getLogger(__name__)

SURE = 0.90  # a view this sure of every character of its date needs no second view
AGREE = 0.60  # ... and with a second view agreeing, this sure is enough
MANY = 3  # kinds of view agreeing, each AGREE sure, that overrule a weaker date Tesseract read
SEEN = 0.50  # a view counts towards agreement when it is this sure of each character
TALL = 1.6  # a stretch's box taller than this many text heights holds more than a line
BAND = 1.4  # the band read from such a box: this many text heights
WIDEN = 3.0  # ... and, for a stretch Tesseract lost, this many text heights wider on each side
TAIL = 7.0  # text heights: how far right a year alone under a seal is read for its month and day
JOINED = 4.5  # text heights: a lost stretch taller than this is the seal itself, not a line joined to it
MAX_CROPS = 16  # per page, dates first: a photo of noise must not cost seconds
OTHER_DATE = 0.3  # text heights of another line's date in a view's crop that make it that date's view
SHORT = 24  # characters: a stretch with 年, 月 or 日 but no date is looked at only when this short
# 日 too: under a grey seal 2024年08月19日 was read 202 下 8 全 19 日, its 年 and 月 lost
_MARK = re.compile(r"[年月日]")
# what follows a date read without its 日 when its day was cut short by a misread character
_DAY_CUT_SHORT = re.compile(r"^[^\s日号0-9〇一二三四五六七八九十]{1,2}[0-9〇一二三四五六七八九十]{1,2}[日号]")
_NUMERAL = re.compile(r"[0-9〇○零一二三四五六七八九十OoQ]")


def recheck_dates(clean: np.ndarray, scanned: np.ndarray, lines: list[Line],
                  seals: list[Seal]) -> tuple[list[Line], int]:
    """The page's lines with the dates the views agree on; and how many crops were read."""
    engine = recogniser()
    if engine is None or not lines:
        return lines, 0
    text_height = usual_height([w for line in lines for w in line.words])
    jobs: list[tuple[int, int, int, list]] = []
    for li, line in enumerate(lines):
        for lo, hi in year_joined(line.words, line_stretches(line.words)):
            words = line.words[lo:hi]
            box = span_box(line, lo, hi, clean.shape)
            box = year_cut_short(words, box, seals, text_height, clean.shape[1])
            shapes = _shapes(words, box, seals, text_height)
            if shapes:
                jobs.append((li, lo, hi, _views(clean, scanned, box, shapes, text_height)))
    # stretches with a date or 年月 first (they are read as a box too), then the lost ones
    # from the bottom of the page up: a date signs off a document, under its seal
    jobs.sort(key=lambda job: (job[3][0][0].endswith("band"), -job[3][0][1][3]))
    grey_seals = [s for s in seals if s.colour == "grey"]
    dated = dated_boxes(lines)

    def choose(words, views):
        # a view whose crop takes in another line's date reads that date, not this stretch's
        elsewhere = [box for line, box in dated if not any(w is words[0] for w in line.words)]
        views = [v for v in views if not any(_covers(v[1], box, text_height) for box in elsewhere)]
        return _agreed(words, views, grey=under_a_seal(views[0][1], grey_seals)) if views else None

    lines, crops = read_and_replace(engine, lines, jobs, MAX_CROPS, "date", choose)
    dropped = [speck_dropped(line) for line in lines]
    return (dropped if any(a is not b for a, b in zip(dropped, lines)) else lines), crops


def dated_boxes(lines: list[Line]) -> list[tuple[Line, tuple[float, float, float, float]]]:
    """Each line that holds a date, with the box of the words its date's characters lie in."""
    from extractors.normalize import find_dates

    out = []
    for line in lines:
        for _, start, end in find_dates("".join(w.text for w in line.words)):
            boxes = [w.bbox for w in _words_holding(line.words, start, end)]
            if boxes:
                out.append((line, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                   max(b[2] for b in boxes), max(b[3] for b in boxes))))
    return out


def _covers(crop: tuple[int, int, int, int], box: tuple[float, float, float, float], text_height: float) -> bool:
    """The crop takes in ``OTHER_DATE`` text heights of the box's rows over half of its
    width (seed 97 case_019: a licence's band under its URL line reached 20 px up into the
    issue date above it, 2022年1月26日, and read its lower half as 2022年1月20日, a second
    date on the page)."""
    dy = min(crop[3], box[3]) - max(crop[1], box[1])
    dx = min(crop[2], box[2]) - max(crop[0], box[0])
    return dy >= OTHER_DATE * text_height and dx >= 0.5 * (box[2] - box[0])


def speck_dropped(line: Line) -> Line:
    """The line without a lone digit Tesseract was unsure of (under ``AGREE``) beside
    another digit, when without it the line holds one more date: a speck of a seal's ink
    read as a digit makes a day or month that cannot be (2024年6月8 5日, the 5 at 0.55 beside
    an 8 at 0.99, had left a licence without its issue date). The line itself when there is
    no such digit, or when the views have already given the date."""
    from extractors.normalize import find_dates

    words = line.words
    text = "".join(w.text for w in words)
    if not _MARK.search(text):
        return line
    dated = None
    for k, w in enumerate(words):
        if not (len(w.text) == 1 and w.text.isdigit() and w.conf < AGREE):
            continue
        if not ((k > 0 and words[k - 1].text[-1:].isdigit()) or
                (k + 1 < len(words) and words[k + 1].text[:1].isdigit())):
            continue
        dated = len(find_dates(text)) if dated is None else dated
        without = words[:k] + words[k + 1:]
        if len(find_dates("".join(x.text for x in without))) == dated + 1:
            log.debug("speck dropped from %r: %r at %.2f", text, w.text, w.conf)
            return make_line(without, block=line.block)
    return line


def read_and_replace(engine, lines: list[Line], jobs: list[tuple[int, int, int, list]], max_crops: int,
                     what: str, choose) -> tuple[list[Line], int]:
    """Every job's views (line, stretch lo..hi, [(kind, box, crop)]), the first jobs up to
    ``max_crops`` crops, read in one call to the recogniser; each stretch replaced by what
    ``choose(words, [(reading, box, kind)])`` takes from its views (reading, box, j1, j2),
    if anything; and how many crops were read."""
    while sum(len(views) for *_, views in jobs) > max_crops:
        jobs.pop()
    if not jobs:
        return lines, 0
    readings = iter(engine.read([crop for *_, views in jobs for _, _, crop in views]))
    viewed = [(li, lo, hi, [(next(readings), b, kind) for kind, b, _ in views]) for li, lo, hi, views in jobs]
    words_of = {li: list(line.words) for li, line in enumerate(lines)}
    repeats: set[int] = set()  # ids of words that repeat a piece of a date put beside them
    # right to left in each line, so the stretches still to change keep their word indices
    for li, lo, hi, views in sorted(viewed, key=lambda job: (job[0], -job[1])):
        words = words_of[li][lo:hi]
        chosen = choose(words, views)
        if log.isEnabledFor(logging.DEBUG):  # the text is built only when it is logged
            log.debug("%s look at %r: %s; taken: %s", what, "".join(w.text for w in words),
                      "; ".join(f"{kind} {b} {described(r)}" for r, b, kind in views),
                      None if chosen is None else "".join(chosen[0].chars[chosen[2]:chosen[3]]))
        if chosen is not None:
            new = replaced(words, *chosen)
            words_of[li][lo:hi] = new
            repeats.update(id(w) for w in _repeats(words_of[li], lo, lo + len(new), chosen))
    if repeats:
        words_of = {li: [w for w in words if id(w) not in repeats] for li, words in words_of.items()}
    return relined(lines, words_of), sum(len(views) for *_, views in jobs)


def _date_x(reading: Reading, box: tuple[int, int, int, int], j1: int, j2: int) -> tuple[float, float]:
    """Where on the page the reading's characters j1..j2 lie, half a character wide each side."""
    steps = [b - a for a, b in zip(reading.xs, reading.xs[1:]) if b > a]
    half = (sorted(steps)[len(steps) // 2] if steps else box[3] - box[1]) / 2
    return box[0] + reading.xs[j1] - half, box[0] + reading.xs[j2 - 1] + half


def _repeats(words: list[Word], lo: int, hi: int, chosen) -> list[Word]:
    """Words of the line beside a stretch given a date (``lo``..``hi`` after the change)
    that lie under the date's characters and read as a piece of it: Tesseract's 201 before
    the stretch it lost (seed 131 case_011: the licence's issue date, 2017年7月23日 under the
    ring, read 201 and nothing) stayed in front of the date put in its place,
    2012017年7月23日, no date. They are dropped once every stretch of the line is done (the
    other stretches' word indices keep till then)."""
    reading, box, j1, j2 = chosen
    xa, xb = _date_x(reading, box, j1, j2)
    text = "".join(reading.chars[j1:j2])
    out = []
    for k in [*range(max(0, lo - 2), lo), *range(hi, min(len(words), hi + 2))]:
        w = words[k]
        if _piece_of(w, text) and xa <= (w.bbox[0] + w.bbox[2]) / 2 <= xb:
            log.debug("%r under the date %r dropped", w.text, text)
            out.append(w)
    return out


_MONTH_FIRST = re.compile(r"^[0-9〇一二三四五六七八九十]{1,2}\s*月")
_YEAR_PART = re.compile(r"[0-9〇○零一二三四五六七八九OoQ]+年?")
# a stretch that starts with the end of a year (O=六年三月十八日: 二〇二六 with its first 二 a
# word of its own, parted by a blank)
_YEAR_END_FIRST = re.compile(r"^(?P<year>[^年月日\s]{1,4})年")


def year_joined(words: list[Word], stretches: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The line's stretches, where one starting with a month, or with a year short of four
    numerals, is parted by a blank from (the rest of) the digits of its year (201 3月11日:
    7年 lost under a seal's ink; 二 O=六年三月十八日, the 〇 and 二 read as one word O=), with
    those digits taken from the stretch before it, so the date is read whole."""
    out = list(stretches)
    for k in range(1, len(out)):
        lo, hi = out[k]
        text = "".join(w.text for w in words[lo:hi])
        year_end = _YEAR_END_FIRST.match(text)
        have = len(_NUMERAL.findall(year_end["year"])) if year_end else 0
        if not (_MONTH_FIRST.match(text) or (year_end and have < 4)):
            continue
        before, end = out[k - 1]
        start = end
        while start > before and _YEAR_PART.fullmatch(words[start - 1].text):
            start -= 1
        if start == end and year_end and have >= 2 and garbled_year_head(words[end - 1], words[lo], 4 - have):
            start -= 1
        digits = len("".join(w.text for w in words[start:end]).rstrip("年"))
        if start < end and 2 <= digits + have <= 4 and (have or digits >= 2):
            out[k - 1], out[k] = (before, start), (start, hi)
    return [(lo, hi) for lo, hi in out if hi > lo]


def garbled_year_head(word: Word, first: Word, lost: int) -> bool:
    """The word before a stretch whose year is ``lost`` numerals short holds them, misread:
    as many characters at most, a guess (under ``SEEN``), and no further from the stretch
    than they would take (seed 167 case_017: 二〇二六年四月十日 on an honour certificate,
    二〇 read SO at 0.22 a blank before 二六年四月十日)."""
    text = word.text.strip()
    height = first.bbox[3] - first.bbox[1]
    return (0 < len(text) <= lost and word.conf < SEEN
            and first.bbox[0] - word.bbox[2] <= (lost + 1) * height)


# a year, or a year and month, that ends its stretch; the year may have lost a numeral to
# the ring's ink (二:sg六年七月 for 二〇二六年七月) but keeps two of them
_CUT_SHORT = re.compile(r"^(?P<year>[^年月日]{2,6})年(?:[0-9〇○零一二三四五六七八九十OoQ]{1,2}月)?$")


def year_cut_short(words: list[Word], box: tuple[int, int, int, int], seals: list[Seal],
                   text_height: float, width: int) -> tuple[int, int, int, int]:
    """The stretch's box, reaching ``TAIL`` text heights to its right when the stretch is
    a year, or a year and month, alone under a seal: Tesseract read 2025年 of a licence's
    issue date and returned nothing of 01月14日 under the ring, and 二〇二六年七月 of a
    street review's with its 十四 lost (its 日 beyond the blank, a stretch of its own), so
    a crop of what it read holds no date to find."""
    text = "".join(w.text for w in words).replace(" ", "")
    cut = _CUT_SHORT.match(text)
    if not cut or len(_NUMERAL.findall(cut["year"])) < 2:
        return box
    wide = (box[0], box[1], min(width, int(box[2] + TAIL * text_height)), box[3])
    return wide if under_a_seal(wide, seals) else box


def under_a_seal(box: tuple[float, float, float, float], seals: list[Seal]) -> bool:
    """The box overlaps a detected seal's box."""
    return any(box[0] < s.bbox[2] and box[2] > s.bbox[0] and box[1] < s.bbox[3] and box[3] > s.bbox[1]
               for s in seals)


def _shapes(words: list[Word], box: tuple[int, int, int, int], seals: list[Seal],
            text_height: float) -> list[str]:
    """Which views of a stretch to read (box, band), none for most. A stretch under a seal
    with a date in it, or with 年, 月 or 日 and a numeral but no date, or numerals only from a
    year on (``marks_lost``): the box and, when it is tall, the band. A stretch under a seal
    that Tesseract lost, when it is tall enough to be a line of text joined to the ring: the
    band only (a lost stretch of text height is read whole by the second reader already)."""
    from extractors.normalize import find_dates

    text = "".join(w.text for w in words)
    if not under_a_seal(box, seals):
        return ["box"] if broken_date(text) else []
    tall = box[3] - box[1] > TALL * text_height
    dates = find_dates(text)
    if len(dates) == 1 or (not dates and (_marked(text) or marks_lost(text))):
        return ["box", "band"] if tall else ["box"]
    height = max(w.bbox[3] for w in words) - min(w.bbox[1] for w in words)
    # lost, or left by the second reading as a few numerals (2026年06月04日 joined to a
    # grey ring: Tesseract 0轩0导, then 0 2 0 导 with 2 read surely, no longer lost)
    garbled = is_lost(words) or (bool(_NUMERAL.search(text)) and len(text) <= SHORT // 3)
    if not dates and tall and height <= JOINED * text_height and garbled:
        return ["band"]
    return []


def broken_date(text: str) -> bool:
    """A short stretch holding 年 and 月 or 日 and numerals in which no date reads: a date
    Tesseract broke, away from any seal too (2021年"月2日至长期, the 9 read as a quote at
    0.93, too sure for the word-by-word second reading to look at it)."""
    from extractors.normalize import find_dates

    return "年" in text and ("月" in text or "日" in text) and _marked(text) and not find_dates(text)


# a year and then numerals only, as many as a month and a day with their marks read as
# numerals or lost: 2026年5月16日 under a grey seal's edge, its 年月日 faded to 202645 1611
# (seed 167 case_017, a licence's issue date)
_MARKS_LOST = re.compile(r"(?:19|20)\d{5,10}")
_QUOTES = re.compile(r"[\s“”\"'‘’]")


def marks_lost(text: str) -> bool:
    """Numerals only, from a year on, that a date's 年, 月 and 日 may have been lost from."""
    return bool(_MARKS_LOST.fullmatch(_QUOTES.sub("", text)))


def _marked(text: str) -> bool:
    """Short, with 年, 月 or 日 and a numeral: what a date left by OCR looks like."""
    return len(text) <= SHORT and bool(_MARK.search(text)) and bool(_NUMERAL.search(text))


def _views(clean: np.ndarray, scanned: np.ndarray, box: tuple[int, int, int, int], shapes: list[str],
           text_height: float) -> list[tuple[str, tuple[int, int, int, int], np.ndarray]]:
    """The crops to read: (kind, where it lies on the page, the crop)."""
    boxes = []
    # Tesseract's box of a stretch it lost under a ring need not hold all of it (2101-2254
    # tall, its first three characters left of it): the band alone reaches wider. A stretch
    # read as a date or near one is boxed right; wider, its band takes in other text
    reach = 0 if "box" in shapes else int(WIDEN * text_height)
    for shape in shapes:
        if shape == "band":
            boxes.append((shape, densest_band(clean, box, int(BAND * text_height), reach)))
        else:
            boxes.append((shape, box))
    return [(f"{name}:{shape}", b, image[b[1]:b[3], b[0]:b[2]])
            for shape, b in boxes for name, image in (("clean", clean), ("scanned", scanned))]


def _words_holding(words: list[Word], start: int, end: int) -> list[Word]:
    """The words that hold characters start..end of their joined text."""
    out, at = [], 0
    for w in words:
        if at < end and at + len(w.text) > start:
            out.append(w)
        at += len(w.text)
    return out


def _date_conf(words: list[Word], start: int, end: int) -> float:
    """How sure Tesseract was of the words that hold characters start..end of their text."""
    return min((w.conf for w in _words_holding(words, start, end)), default=0.0)


def _agreed(words: list[Word], views: list[tuple[Reading, tuple[int, int, int, int], str]], *,
            grey: bool = False):
    """The view to take and its date's characters (j1, j2), or None: see the module's rules.
    Views of one kind (the same image and shape, tight or widened) agree as one. ``grey``:
    the stretch lies under a grey seal."""
    from extractors.normalize import find_dates

    text = "".join(w.text for w in words)
    now = find_dates(text)
    found: dict = {}  # date -> {kind: (sureness, reading, box, j1, j2)}
    for reading, box, kind in views:
        dates = find_dates("".join(reading.chars)) if reading.chars else []
        if not dates and (dropped := _year_speck_dropped(reading)) is not None:
            reading, dates = dropped, find_dates("".join(dropped.chars))
        if len(dates) != 1 or any(len(c) != 1 for c in reading.chars):
            continue  # find_dates' offsets count characters, one per reading step
        value, j1, j2 = dates[0]
        if reading.chars[j2 - 1] not in "日号" and _DAY_CUT_SHORT.match("".join(reading.chars[j2:])):
            continue  # 九月二弄三日 (十 read as 弄): the date ends at 三日, not at 二
        sureness = min(p for k, p in enumerate(reading.probs[j1:j2], j1)
                       if not fixed_by_form(reading.chars, j1, k))
        kinds = found.setdefault(value, {})
        if sureness >= SEEN and sureness > kinds.get(kind, (0.0,))[0]:
            kinds[kind] = (sureness, reading, box, j1, j2)
    by_kind = {value: kinds for value, kinds in found.items() if kinds}
    found = {value: list(kinds.values()) for value, kinds in by_kind.items()}
    if not found:
        return None

    def scan_over_clean(date, other) -> bool:
        # under a grey seal, cleaning takes the text's strokes with the seal's grey (14 → 11)
        return grey and all(k.startswith("scanned:") for k in by_kind[date]) and \
            all(k.startswith("clean:") for k in by_kind[other])

    def sure(seen) -> bool:
        return max(s[0] for s in seen) >= SURE

    value, seen = max(found.items(), key=lambda kv: (
        len(kv[1]), any(scan_over_clean(kv[0], o) for o in found if o != kv[0]), max(s[0] for s in kv[1])))
    best = max(seen, key=lambda s: s[0])
    rivals = [other for other, v in found.items() if other != value and len(v) == len(seen)]
    if rivals and not (sure(seen) and all(not sure(found[o]) or scan_over_clean(value, o) for o in rivals)):
        return None  # the views disagree, and no date is read surely by one and not the other
    if now:
        old, start, end = now[0]
        # (a fourth kind less sure is no reason against them: seed 53 read 二0二六 at 0.51
        # from the scan's box, beside three views at 0.77-0.86)
        many = sum(s[0] >= AGREE for s in seen) >= MANY
        # a date Tesseract read less surely than SEEN is hardly a reading: two kinds of view
        # overrule it as they would fill a date it lost (seed 61: 二OO六 at 0.42 for 二〇二六)
        had = _date_conf(words, start, end)
        reading, _, j1, j2 = best[1:]
        viewed = "".join(reading.chars[j1:j2])
        if lost_repeat(text[start:end], viewed):
            # the views' date is Tesseract's but one of a pair of like digits: the
            # recogniser's decoding merges two like characters with no blank step between
            # them (seed 113 case_007: 2020年11月11日 read 2020年1月11日 from both bands, 0.99)
            return None
        if (old != value and len(seen) >= 2 and min(s[0] for s in seen) >= AGREE
                and lost_repeat(viewed, text[start:end])):
            # ... and the other way round: two kinds of view read a pair of like digits
            # where Tesseract read one, however sure (seed 151 case_005: a licence's
            # 2021年11月18日 read 2021年1月18日 at 1.00); the recogniser never splits a
            # character in two, Tesseract took two narrow 1s for one
            return best[1:]
        if old == value or len(seen) < 2 or (best[0] < SURE and not many and had >= SEEN) or best[0] <= had:
            return None
    elif not (best[0] >= SURE or (len(seen) >= 2 and best[0] >= AGREE)):
        if best[0] < AGREE or len(seen) > 1:
            return None
        best_kind = next(k for k, v in by_kind[value].items() if v is best)
        reading, _, j1, j2 = best[1:]
        if not any(kind != best_kind and supports(other, reading.chars[j1:j2]) for other, _, kind in views):
            return None
    return best[1:]


def fixed_by_form(chars: tuple[str, ...], j1: int, k: int) -> bool:
    """Character k of the date starting at j1 is the 0 of a year 20xx, the one numeral a
    date's form leaves no choice for (the recogniser is least sure of the round 〇: seed 167
    case_001 read 二〇二六年八月二十四日 from four views, the 〇 at 0.36-0.65, every other
    character at 0.97-1.00 from the cleaned page's box)."""
    return k == j1 + 1 and chars[j1] in "2二" and chars[k] in "0〇○零Oo"


_YEAR5 = re.compile(r"(?<!\d)\d{5}(?=年)")
SPECK_GAP = 0.30  # a digit this much less sure than every other digit of a year is a speck


def _year_speck_dropped(reading: Reading) -> Reading | None:
    """The reading without one digit of a year of five before 年, when that digit is
    ``SPECK_GAP`` less sure than the four others: a speck of the seal's ink read as a digit
    (seed 137 case_005: a licence's 2023年8月5日 read 20234年8月5日, the 4 at 0.62 and every
    other digit at 1.00, from both boxes)."""
    m = _YEAR5.search("".join(reading.chars)) if all(len(c) == 1 for c in reading.chars) else None
    if m is None:
        return None
    at = list(range(m.start(), m.end()))
    k = min(at, key=lambda j: reading.probs[j])
    if reading.probs[k] > min(reading.probs[j] for j in at if j != k) - SPECK_GAP:
        return None
    keep = [j for j in range(len(reading.chars)) if j != k]
    return Reading(tuple(reading.chars[j] for j in keep), tuple(reading.probs[j] for j in keep),
                   tuple(reading.xs[j] for j in keep),
                   tuple(reading.alts[j] for j in keep) if reading.alts else (), reading.step)


def supports(reading: Reading, date: tuple[str, ...]) -> bool:
    """Another kind of view holds the date's characters, surely, but for at most one that it
    read differently and was unsure of: 二〇元六年三月十二日 with 元 at 0.39 (ruling erasure
    took a stroke of 二 on the cleaned page) backs 二〇二六年三月十二日 read from the scan."""
    n = len(date)
    for s in range(len(reading.chars) - n + 1):
        window = range(s, s + n)
        differ = [k for k in window if reading.chars[k] != date[k - s]]
        if len(differ) <= 1 and all(reading.probs[k] < SEEN if k in differ else reading.probs[k] >= SEEN
                                    for k in window):
            return True
    return False


def _piece_of(word: Word, date: str) -> bool:
    """The word reads as a piece of the date's text (201 of 2017年…, 29 of …29日)."""
    text = word.text.strip()
    return bool(text) and text in date


def replaced(words: list[Word], reading: Reading, box: tuple[int, int, int, int],
              j1: int, j2: int) -> list[Word]:
    """The stretch with the words under the date's characters given way to them, and with
    a word reaching into the date that reads as a piece of it: Tesseract's 29, boxed wide
    over 29日 and past it, stayed beside the 29 put in its place, 2026年4月2929日, no date
    (seed 233 case_019)."""
    xa, xb = _date_x(reading, box, j1, j2)
    text = "".join(reading.chars[j1:j2])
    under = [w for w in words if xa <= (w.bbox[0] + w.bbox[2]) / 2 <= xb
             or (_piece_of(w, text) and w.bbox[0] < xb and w.bbox[2] > xa)]
    ground = under or [Word(text="", bbox=(xa, box[1], xb, box[3]), conf=0.0)]
    placed = place_reading(reading, j1, j2, ground, ground, box[0])
    rest = [w for w in words if w not in under]
    return sorted(rest + placed, key=lambda w: w.bbox[0])
