"""A second reading of the words Tesseract was unsure of, by a recogniser trained on Chinese.

Tesseract's chi_sim model misreads the rarer characters of company names (鼎 as 里 or 瞻,
睿, 穹) and says so only through a low confidence; no post-correction can bring back a
character the recogniser never considered (its LSTM alternatives for 鼎 were 和易晃电注混).
PP-OCRv4's text-line recogniser (an ONNX model shipped in the ``rapidocr-onnxruntime``
wheel; only the model file is used) reads those lines right. It is a recogniser only,
with no layout analysis, so Tesseract keeps doing what it does well (the page's layout,
its lines and word boxes) and this module re-reads, per line, the stretch around the words
Tesseract doubted:

1. ``doubtful_spans``: runs of words with a confidence under the floor, with a little
   context on each side; a stretch naming a company is read whole (see ``merge``);
2. the spans are cropped from the cleaned page (narrowed to the text's rows where a table
   rule made a box tall: ``ink_band``) and recognised, each crop padded to its own width;
3. ``merge``: the two readings are aligned character by character; a doubtful word takes
   the second reading of its characters where the two differ one for one and the second
   reader is sure of them, and runs of doubtful words split or joined differently give
   way whole to a very sure second reading. Words both readers agree on keep their text
   with the better confidence; a confident Tesseract word is never changed. A stretch of
   a line Tesseract made almost nothing of (mean confidence under 0.6: a date in Chinese
   numerals under a seal, a credit code beside the licence's large title) is read whole
   and taken from a second reading that is sure of all of it, its words boxed where the
   recogniser placed each character. A line is cut into stretches at its wide blanks:
   Tesseract joins text far apart into one line, and one crop of both is no reading of
   either.

A replaced word keeps Tesseract's text and confidence (``Word.first_text``,
``Word.first_conf``): the page's legibility (LOW_OCR_CONFIDENCE) is judged on what the
scan gave the first reader, and a reviewer can see what was corrected.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import cv2
import numpy as np

from pipeline import rec_graph
from pipeline.models import Line, Word
from pipeline.ocr import make_line

log = logging.getLogger(__name__)

MODEL_PACKAGE = "rapidocr_onnxruntime"
MODEL_FILE = "models/ch_PP-OCRv4_rec_infer.onnx"
VERSION = "ppocrv4-rec-29"  # part of the page cache key (pipeline.pages)
HEIGHT = 48  # the model's input height
PAD_STEP = 32  # crops are padded to a multiple of this width (Recogniser.read)
ALTERNATIVES = 5  # candidates kept per character (Reading.alts)
EDGE_FLOOR = 0.35  # an end character less likely than this is dropped (see Recogniser._decode)
MAX_SPANS = 40  # per page: a page of noise must not cost minutes

DOUBT = 0.80  # a Tesseract word under this confidence is re-read
# ... and a figure (an amount in digits, FIGURE_DIGITS of them at least) under this one: one
# wrong digit of fourteen hardly moves a word's confidence (267,034,120.53 read 207,… at 0.86)
FIGURE_DOUBT = 0.95
FIGURE_DIGITS = 5
SURE = 0.90  # the second reader's own confidence needed to replace a word
REGROUP_SURE = 0.96  # ... and to replace words by a different number of characters
NAME_DOUBT = 0.97  # in a company's name, a Chinese character Tesseract is less sure of than this ...
NAME_SURE = 0.98  # ... takes a second reading this sure of a different one (芯 read as 忆 at 0.89)
NAME_MARGIN = 0.10  # ... or one FAIR sure and surer by this much (曜 at 0.95 over 上 at 0.81, 0.89 over 电 at 0.59)
# ... or, where Tesseract had no idea (under NAME_GUESS), one this sure: 犀 at 0.75 for 碍 at
# 0.00 in 上海灵犀数字科技股份有限公司 on an honour certificate (seed 199 case_000), every
# other character of the name read alike by both at 0.99-1.00; the name had been read
# unsure (0.30) and its checks not done
NAME_GUESS = 0.05
NAME_FAIR = 0.70
NAME_WORDS = 40  # a stretch naming a company is read whole when it has no more words than this
CONTEST = 0.50  # a doubtful word the second reader reads otherwise, this sure of the difference ...
CONTESTED = 0.45  # ... is no surer than this: neither reader can be believed (4.510.257.40 at 0.68 / 4.519)
GUESS = 0.30  # a Tesseract word under this confidence is a guess (叁 read as 僚 at 0.0) ...
FAIR = 0.80  # ... which a second reading this sure replaces one for one
CAPITAL_FAIR = 0.60  # in an amount in capitals, a character no such amount holds gives way to
# a capital numeral read this surely (会佰参拾陆万 for 叁佰叁拾陆万: 叁 at 0.73, 会 at 0.36), or
# to 拾/佰/仟 after a numeral; however sure Tesseract was, such a character cannot be right
# there (伍人万元整, 人 at 0.91, for 伍佰万元整)
# ... or this surely when every numeral among its candidates is the same number (叁 at 0.60
# with 参 its only rival, seed 173 case_009's 叁佰贰拾肆万元整, Tesseract's 僚 at 0.08)
CAPITAL_ALONE = 0.50
CAPITAL_NUMERALS = "壹贰叁肆伍陆柒捌玖"
# the amount numerals by the number they write, capital, common and the usual stand-ins
_NUMERAL_VALUE = {c: v for v, cs in enumerate(["〇零", "壹一", "贰二两", "叁三参", "肆四", "伍五", "陆六",
                                                "柒七", "捌八", "玖九"]) for c in cs}
CAPITAL_WORDS = CAPITAL_NUMERALS + "零拾佰仟万亿元圆角分整"
AMOUNT_WORDS = CAPITAL_WORDS + "〇一二三四五六七八九十百千两参"  # what an amount in words may hold
FULL_GLYPH = 0.8  # text heights: a Chinese character Tesseract boxed this wide is a whole glyph,
# never dropped for nothing (溯 for 泖, 56 px at 43 px text; a sliver Tesseract cut off 日 is 23)
SLIVER = 0.6  # text heights: a Chinese character Tesseract boxed narrower than this may be a
# piece of a glyph it cut in two
EDGE_SLACK = 0.15  # word heights beyond a span's end words where its characters may lie
LOST = 0.60  # under this mean confidence Tesseract's reading of a line is not aligned with
WHOLE_FLOOR = 0.50  # ... and the line is read anew when no character of it is below this
DATE_FLOOR = 0.60  # a second reading that alone completes a date: each character this sure
CONTEXT_WORDS = 2  # words of context each side of a doubtful run
JOIN_GAP = 3  # doubtful words this few words apart are one span
SPLIT_GAP = 2.5  # ... unless a blank wider than this many word heights lies between them
INK_SHARE = 0.45  # a crop whose ink fills less of its height than this is narrowed to it (ink_band)
RULE_ROW = 0.25  # ... to the rows with this share of the inkiest rows' ink
COMPACT = 25  # word heights: a lost stretch of letters this short may be a code, not ruling

_CJK = re.compile(r"[\u3400-\u9fff]")
_STROKES = set("一二丨丶丿亅乛")  # what Tesseract makes of specks and rule ends


# --------------------------------------------------------------------------- the recogniser


@dataclass(frozen=True)
class Reading:
    """A recognised crop: its characters, their probabilities and their centres (x in the
    crop's pixels)."""

    chars: tuple[str, ...]
    probs: tuple[float, ...]
    xs: tuple[float, ...]
    # per character, the recogniser's candidates at its time step, best first (the
    # character itself leads): what a matcher against known names may credit
    alts: tuple[str, ...] = ()
    step: float = 0.0  # one time step of the recogniser in the crop's pixels: how far off a centre may be

    @property
    def text(self) -> str:
        return "".join(self.chars)


@functools.cache  # part of every page's cache key: looked up once per process
def model_path() -> Path | None:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / MODEL_FILE
    return path if path.exists() else None


class Recogniser:
    """PP-OCR text-line recognition with onnxruntime: resize to 48 px high, normalise to
    [-1, 1], CTC greedy decoding. One intra-op thread: pages are already read in parallel,
    one per core, and onnxruntime releases the GIL while it runs."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        model = rec_graph.prepared_model(path) or str(path)
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.charset = ["", *meta["character"].splitlines(), " "]  # CTC blank first, space last
        self.input = self.session.get_inputs()[0].name

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        """Grey or BGR crops of single text lines, in any order.

        Each crop is scaled to the model's height and padded to its own width, rounded up
        to ``PAD_STEP`` (at least the model's usual 320; narrower padding lost characters
        of short crops: 日 and 月 alone, a digit of 1937872, measured on the intake bench's
        crops). Each crop is run alone: the model mixes the whole line (SVTR), so a crop
        padded to a batch neighbour's width reads differently (a date under a seal was
        read, or not, by which other crops of the page were read with it); and on one
        thread, a batch of six costs more than six runs (0.161 s against 6 x 0.023 s at
        320 px, its activations no longer fit the cache)."""
        out = []
        for crop in crops:
            width = max(1, int(np.ceil(HEIGHT * crop.shape[1] / max(1, crop.shape[0]))))
            padded = max(320, -(-width // PAD_STEP) * PAD_STEP)
            if crop.ndim == 2:
                crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
            batch = np.zeros((1, 3, HEIGHT, padded), np.float32)
            resized = cv2.resize(crop, (width, HEIGHT)).astype(np.float32)
            batch[0, :, :, :width] = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
            probs = self.session.run(None, {self.input: batch})[0]
            out.append(self._decode(probs[0], width, padded, crop.shape[1]))
        return out

    def _decode(self, probs: np.ndarray, width: int, batch_w: int, crop_w: int) -> Reading:
        best = probs.argmax(axis=1)
        conf = probs.max(axis=1)
        steps = len(best)
        scale = (batch_w / steps) * (crop_w / width)  # one time step in the crop's pixels
        chars, ps, xs, alts = [], [], [], []
        previous = -1
        for t, c in enumerate(best):
            if c != previous and c != 0:
                chars.append(self.charset[c] if c < len(self.charset) else "")
                ps.append(float(conf[t]))
                xs.append((t + 0.5) * scale)
                top = np.argpartition(probs[t], -ALTERNATIVES)[-ALTERNATIVES:]
                top = [int(k) for k in top[np.argsort(-probs[t][top])] if probs[t][k] >= 0.01]
                alts.append("".join(self.charset[k] for k in top if 0 < k < len(self.charset) - 1))
            previous = c
        keep = [k for k, ch in enumerate(chars) if ch.strip()]
        # the recogniser makes up a character in the white margin after a line now and
        # then (上海…有限公司業, 0.18): an unsure character at either end is dropped
        while keep and ps[keep[-1]] < EDGE_FLOOR:
            keep.pop()
        while keep and ps[keep[0]] < EDGE_FLOOR:
            keep.pop(0)
        return Reading(tuple(chars[k] for k in keep), tuple(ps[k] for k in keep),
                       tuple(xs[k] for k in keep), tuple(alts[k] for k in keep), scale)


_LOCK = threading.Lock()


@functools.cache
def _recogniser_or_none() -> Recogniser | None:
    path = model_path()
    if path is None:
        log.warning("second reader off: %s (with %s) is not installed; make setup installs it",
                    MODEL_FILE, MODEL_PACKAGE)
        return None
    return Recogniser(path)


def recogniser() -> Recogniser | None:
    with _LOCK:
        return _recogniser_or_none()


# --------------------------------------------------------------------------- which words


def doubtful_spans(words: list[Word], *, doubt: float = DOUBT) -> list[tuple[int, int]]:
    """Half-open word ranges to re-read: each run of doubtful words (gaps of fewer than
    ``JOIN_GAP`` sure words joined), grown by ``CONTEXT_WORDS`` on each side. Only words
    with letters or digits count as doubtful: a stray mark is not worth a reading. A span
    does not reach across a wide blank (``SPLIT_GAP``): Tesseract puts text far apart on one
    line (a web address on the left, the date under a seal on the right, a little higher),
    and one crop of both squeezes each into a few pixels of the recogniser's 48."""
    spans: list[tuple[int, int]] = []
    for lo, hi in line_stretches(words):
        gaps = date_gaps(words[lo:hi]) | amount_gaps(words[lo:hi])
        dated = date_digits(words[lo:hi])
        bad = [i for i in range(lo, hi)
               if (words[i].conf < doubt and any(ch.isalnum() for ch in words[i].text)) or i - lo in gaps
               or (words[i].conf < FIGURE_DOUBT and (is_figure(words[i].text) or i - lo in dated))]
        runs: list[list[int]] = []
        for i in bad:
            if runs and i - runs[-1][1] <= JOIN_GAP:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1])
        spans += [(max(lo, a - CONTEXT_WORDS), min(hi, b + CONTEXT_WORDS)) for a, b in runs]
    return spans


# a date's month or day that OCR read as a mark: 2070年2月?日 (7 as ? at 0.86), 2021年"月2日
_DATE_GAP = re.compile(r"(?<=[0-9〇一二三四五六七八九十][年月])[^0-9〇○零一二三四五六七八九十年月日\s]{1,2}(?=[月日])")


# a Chinese character no amount in words holds, between a capital numeral and a word of the
# amount: 伍人万元整 (a licence's 伍佰万, 佰 read as 人 at 0.91)
_AMOUNT_GAP = re.compile(f"(?<=[{CAPITAL_NUMERALS}])[^{AMOUNT_WORDS}\\s\\d\\W](?=[{CAPITAL_WORDS}])")


SEPARATORS = ",.，;:'、"  # the small marks a figure's separator may be read as
_FIGURE = re.compile(rf"^[(（]?-?\d[\d{SEPARATORS}]*\d[)）]?$")


def is_figure(text: str) -> bool:
    """A word of digits grouped by commas or points, with at least FIGURE_DIGITS digits: an
    amount, not a note reference or a line number."""
    return bool(_FIGURE.match(text)) and sum(ch.isdigit() for ch in text) >= FIGURE_DIGITS


def date_gaps(words: list[Word]) -> set[int]:
    """Indices of the words holding a date's month or day read as something no numeral
    is (Tesseract sure of it enough that its confidence alone would not get it re-read)."""
    return _words_under(words, _DATE_GAP)


# a date's year, month or day in digits: as in a figure, one wrong digit hardly moves the
# word's confidence (the 19 of 2019年3月19日 read 15 at 0.81, seed 97 case_011)
_DATE_DIGITS = re.compile(r"\d{1,4}(?=[年月日])")


def date_digits(words: list[Word]) -> set[int]:
    """Indices of the words holding a date's year, month or day in digits."""
    return _words_under(words, _DATE_DIGITS)


def amount_gaps(words: list[Word]) -> set[int]:
    """Indices of the words holding a character no amount in capitals holds, between the
    words of one (``_AMOUNT_GAP``), however sure Tesseract was of it."""
    return _words_under(words, _AMOUNT_GAP)


def _words_under(words: list[Word], pattern: re.Pattern) -> set[int]:
    text = "".join(w.text for w in words)
    ends = list(accumulate(len(w.text) for w in words))
    out: set[int] = set()
    for m in pattern.finditer(text):
        out.update(i for i, end in enumerate(ends) if end > m.start() and end - len(words[i].text) < m.end())
    return out


def line_stretches(words: list[Word]) -> list[tuple[int, int]]:
    """The line cut at its wide blanks, as half-open word ranges."""
    if not words:
        return []
    tall = usual_height(words)
    cuts = [i for i in range(1, len(words)) if words[i].bbox[0] - words[i - 1].bbox[2] > SPLIT_GAP * tall]
    edges = [0, *cuts, len(words)]
    return list(zip(edges, edges[1:]))


def usual_height(words: list[Word]) -> float:
    heights = sorted(w.bbox[3] - w.bbox[1] for w in words)
    return max(1.0, heights[len(heights) // 2])


def _band(words: list[Word], tall: float) -> tuple[float, float]:
    """The words' top and bottom, widened about their middle to at least ``tall``."""
    y0 = min(w.bbox[1] for w in words)
    y1 = max(w.bbox[3] for w in words)
    if y1 - y0 < tall:
        mid = (y0 + y1) / 2
        y0, y1 = mid - tall / 2, mid + tall / 2
    return y0, y1


def span_box(line: Line, a: int, b: int, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The crop of words a..b of a line: the words' own height, at least the usual word
    height of their stretch of the line (a lone 一 is a few pixels high; the licence's
    large title beyond a wide blank is no measure for the credit code), and a third of that
    as margin."""
    h, w = shape[:2]
    span = line.words[a:b]
    lo, hi = next(((lo, hi) for lo, hi in line_stretches(line.words) if lo <= a < hi), (0, len(line.words)))
    y0, y1 = _band(span, usual_height(line.words[lo:hi]))
    pad = (y1 - y0) * 0.3
    x0 = min(word.bbox[0] for word in span) - pad
    x1 = max(word.bbox[2] for word in span) + pad
    return (max(0, int(x0)), max(0, int(y0 - pad * 0.6)), min(w, int(np.ceil(x1))),
            min(h, int(np.ceil(y1 + pad * 0.6))))


def densest_band(image: np.ndarray, box: tuple[int, int, int, int], height: int,
                 reach: int = 0) -> tuple[int, int, int, int]:
    """The rows of ``box``, ``height`` tall, holding the most dark ink, ``reach`` wider on
    each side: where a line of text lies in a box Tesseract made of that line and a seal's
    ring together (twice as tall as text, or more)."""
    x0, y0, x1, y1 = box
    ink = (image[y0:y1, x0:x1] < 128).sum(axis=1).astype(float)
    if ink.size == 0:
        return box
    top = y0 + int(np.argmax(np.convolve(ink, np.ones(height), mode="valid"))) if len(ink) > height else y0
    return max(0, x0 - reach), top, min(image.shape[1], x1 + reach), top + height


def ink_band(image: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The crop narrowed, top and bottom, to its text when a table rule made Tesseract's box
    far taller than the text (the 合计 figure boxed with the column's rule: 97 px for
    digits 27 px high). The recogniser scales every crop to 48 px high; digits a sixth of
    that are a time step wide or less, and repeated ones merge (226.71 read as 26.7).

    A row of text holds ink across many columns; a rule beside the text, a pixel or three.
    So the text is the rows holding at least a quarter of the ink of the inkiest rows
    (``RULE_ROW``), after lines across most of the crop's width are taken out (a cell's
    border). The box is kept as it is unless that text fills less than ``INK_SHARE`` of its
    height: a ring's remains, a second line or specks leave it alone."""
    x0, y0, x1, y1 = box
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return box
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    if int(grey.max()) - int(grey.min()) < 64:
        return box  # blank, or no contrast to tell ink by
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    h, w = ink.shape
    ink &= ~cv2.morphologyEx(ink, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(w * 0.8)), 1)))
    counts = ink.sum(axis=1) / 255
    if not counts.any():
        return box
    level = max(3.0, RULE_ROW * float(np.percentile(counts[counts > 0], 90)))
    rows = np.flatnonzero(counts >= level)
    if len(rows) == 0:
        return box
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    text = bottom - top
    if text >= INK_SHARE * h:
        return box
    pad = int(round(text * 0.35))
    return (x0, y0 + max(0, top - pad), x1, y0 + min(h, bottom + pad))


# --------------------------------------------------------------------------- merging


def rebuild_words(words: list[Word], reading: Reading, x_origin: float) -> list[Word] | None:
    """A stretch of a line as the second reader read it, when Tesseract made almost nothing
    of it (``is_lost``: a date in Chinese numerals under a seal) and the second reading is
    sure of every character and says something else; None otherwise. Whole stretches only
    (``line_stretches``), so the crop takes in no neighbour's ink that Tesseract's word boxes
    could not account for."""
    if not reading.chars or not is_lost(words):
        return None
    if not sure_of_all(reading) or not _covers(words, reading, x_origin):
        return None
    if "".join(fold_char(c) for w in words for c in w.text if not c.isspace()) == \
            "".join(fold_char(c) for c in reading.chars):
        return None
    return [_surer_first(w, words) for w in place_reading(reading, 0, len(reading.chars), words, words, x_origin)]


def _surer_first(word: Word, under: list[Word]) -> Word:
    """A character of a stretch read anew, or Tesseract's, when Tesseract read one
    character alone there surely (``DOUBT``) and surer than the second reader: a stretch
    Tesseract lost as a whole may still hold characters it read well. Seed 163 case_008:
    an audit firm's sign-off read 上海上 海上 会 会计 计师 师旧 … (mean 0.31); read anew,
    its 会 (Tesseract 0.90) became 公 at 0.74, 上海上公会计师事务所, trusted at 0.95."""
    if len(word.text) != 1 or not _CJK.match(word.text) or word.first_text == word.text:
        return word
    below = [w for w in under if w.bbox[0] < word.bbox[2] and w.bbox[2] > word.bbox[0]]
    if len(below) != 1 or len(below[0].text) != 1 or not _CJK.match(below[0].text):
        return word
    first = below[0]
    if first.conf < DOUBT or first.conf <= word.conf:
        return word
    return word.model_copy(update={"text": first.text, "conf": first.conf})


def merge(words: list[Word], reading: Reading, *, doubt: float = DOUBT, sure: float = SURE,
          x_origin: float = 0.0, name: bool = False) -> list[Word]:
    """The span's words after the second reading (see the module's docstring).

    The two readings are aligned character by character (NFKC-folded, so ``，`` and ``,``
    agree). Equal characters confirm a word. A run of substituted characters of the same
    length replaces Tesseract's characters one for one, inside a doubtful word, where the
    second reader gave each of them at least ``sure`` (or ``FAIR`` where Tesseract's word
    was a mere guess, under ``GUESS``); the word keeps its box.

    Where the readers disagree on the number of characters (鼎 read as 上易, a date's 〇
    not seen at all, 2022年2月24日 read as one 人), which of Tesseract's words a character
    belongs to cannot be told, so whole words are replaced or none (``_regroup``): when
    every word the disagreement touches is doubtful, those words give way to the second
    reading of the same stretch, boxed where the recogniser placed its characters
    (``x_origin``: the crop's left edge on the page). A disagreement that touches a
    confident word changes nothing.

    A word whose characters were all confirmed keeps its text, with the better of the
    two confidences; a corrected word takes the second reader's weakest probability. A
    doubtful word the second reader read otherwise, ``CONTEST`` sure of the difference but
    not sure enough to replace it, keeps its text at no more than ``CONTESTED``: under a
    seal 4,549,257.40 was read 4.510.257.40 at 0.68 and 4.519.257.40, and neither reading
    should be decided on.

    In a figure (``is_figure``) and in a date's digits (``date_digits``), a digit is
    second-guessed beyond the doubt too, up to ``FIGURE_DOUBT``: one wrong digit of
    fourteen hardly moves the word's confidence (267,034,120.53 read 207,034,120.53 at
    0.86; 19日 read 15日 at 0.81), and the recogniser, sure of a different digit at that
    place, replaces it one for one.

    In a company's name (``name``), Tesseract's Chinese characters are second-guessed
    beyond its doubt: it reads 芯 as 忆 or 心 at 0.89-0.95, as sure as it is of the
    characters it reads right, and a name is the field every rule starts from. There a
    character Tesseract is less than ``NAME_DOUBT`` sure of takes a different Chinese
    character the second reader is ``NAME_SURE`` of, or ``FAIR`` sure of and ``NAME_MARGIN``
    surer than Tesseract was, or ``NAME_FAIR`` sure of where Tesseract had no idea (under
    ``NAME_GUESS``), one for one.
    """
    from difflib import SequenceMatcher

    if not reading.chars:
        return list(words)
    owner: list[tuple[int, int]] = []  # (word, position in word) of each Tesseract character
    first: list[str] = []
    for wi, word in enumerate(words):
        for ci, ch in enumerate(word.text):
            owner.append((wi, ci))
            first.append(fold_char(ch))
    second = [fold_char(ch) for ch in reading.chars]
    new_chars = [list(w.text) for w in words]
    probs: list[list[float | None]] = [[None] * len(w.text) for w in words]
    contested: set[int] = set()  # doubtful words the second reader read otherwise, and fairly surely
    dated = date_digits(words)
    ops = SequenceMatcher(None, first, second, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                wi, ci = owner[i]
                probs[wi][ci] = reading.probs[j]
        elif op == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                wi, ci = owner[i]
                p, conf = reading.probs[j], words[wi].conf
                if (conf < doubt and (p >= sure or (conf < GUESS and p >= FAIR))) or (
                        conf < FIGURE_DOUBT and p >= sure and first[i].isdigit() and reading.chars[j].isdigit()
                        and (is_figure(words[wi].text) or wi in dated)) or (
                        name and conf < NAME_DOUBT and (p >= NAME_SURE or (p >= FAIR and p - conf >= NAME_MARGIN)
                                                        or (conf < NAME_GUESS and p >= NAME_FAIR))
                        and _CJK.match(reading.chars[j]) and _CJK.match(first[i])) or (
                        (p >= CAPITAL_FAIR or (p >= CAPITAL_ALONE and one_numeral(reading, j)))
                        and _capital_numeral(reading.chars, j) and first[i] not in AMOUNT_WORDS
                        and _CJK.match(first[i])):
                    new_chars[wi][ci] = reading.chars[j]
                    probs[wi][ci] = reading.probs[j]
                elif conf < doubt and p >= CONTEST:
                    contested.add(wi)
    out = []
    for wi, (word, chars, ps) in enumerate(zip(words, new_chars, probs)):
        if any(p is None for p in ps) or not ps:
            if wi in contested and "".join(chars) == word.text and word.conf > CONTESTED:
                word = word.model_copy(update={"conf": CONTESTED, "first_conf": word.conf})
            out.append(word)  # not every character was seen alike by both readers
            continue
        low = round(min(ps), 4)
        text = "".join(chars)
        if text != word.text:
            out.append(word.model_copy(update={"text": text, "conf": low, "first_text": word.text,
                                               "first_conf": word.conf}))
        elif low > word.conf:
            out.append(word.model_copy(update={"conf": low, "first_conf": word.conf}))
        else:
            out.append(word)
    for wa, wb, j1, j2 in reversed(_regroup(words, owner, ops, reading, doubt, x_origin)):
        out[wa:wb] = place_reading(reading, j1, j2, words[wa:wb], words, x_origin)
    return out


def one_numeral(reading: Reading, j: int) -> bool:
    """Every numeral among the recogniser's candidates for character j writes one number:
    its doubt is between two ways of writing it (叁 or 参), not between numbers."""
    if j >= len(reading.alts):
        return False
    values = {_NUMERAL_VALUE[c] for c in reading.alts[j] if c in _NUMERAL_VALUE}
    return len(values) == 1


def _capital_numeral(chars: tuple[str, ...], j: int) -> bool:
    """The second reading's character j is a capital numeral between the words of an amount
    in capitals (佰, 拾, another numeral): there Tesseract's character, if no amount in
    words holds it (not even in small numerals, or 参 for 叁), cannot be right, whoever is
    surer."""
    before = chars[j - 1] if j > 0 else ""
    after = chars[j + 1] if j + 1 < len(chars) else ""
    if chars[j] not in CAPITAL_NUMERALS and not (chars[j] in "拾佰仟" and before and before in CAPITAL_NUMERALS):
        return False
    return bool(before and before in CAPITAL_WORDS + "币") and bool(after and after in CAPITAL_WORDS)


def _regroup(words: list[Word], owner: list[tuple[int, int]], ops: list,
             reading: Reading, doubt: float, x_origin: float) -> list[tuple[int, int, int, int]]:
    """Runs of whole doubtful words [wa, wb) to replace by the second reading's characters
    [j1, j2), where the readings disagree on how many characters there are.

    Each word boundary of Tesseract's reading maps to a range of positions in the second
    reading (one position where the two agree, the inserted stretch where the second reader
    saw characters Tesseract did not, none inside a disagreement). The words a disagreement
    touches are grouped into runs that end on mapped boundaries; a run is replaced when all
    its words are doubtful, the second reader is ``REGROUP_SURE`` of every character it adds
    or changes (a higher bar than one for one: 申请 by a seal's edge read as 中, 0.95) and
    confirmed the others at ``WHOLE_FLOOR``, and, where it only removes words (a stroke
    Tesseract took for a character), it is as sure of the characters either side.

    A Chinese character Tesseract saw is not simply dropped: every replaced word with one
    in it must have a character of the second reading over its box, and one boxed a whole
    glyph wide (``FULL_GLYPH``) is never dropped for nothing. The recogniser knows
    some 6,600 characters and emits nothing for one it does not know (泖 of 泖港镇), so a
    gap in its reading where Tesseract saw ink is a character it cannot read, unless what
    Tesseract saw there is a stroke (``_STROKES``: the 二 it reads in the blank of a
    letter-spaced label, 类 二 二 型), or a character the second reader placed beside it
    lies over it too (a glyph Tesseract cut in two), or, where the stretch is replaced, it
    is a sliver narrower than ``SLIVER`` (鼎 cut into 海上 and 晶). Nor is one of a pair of
    like digits (``lost_repeat``), nor a digit of a grouped figure (``_figure_cut``)."""
    regroup = REGROUP_SURE
    n = len(owner)
    at: list[list[int] | None] = [None] * (n + 1)  # boundary -> [lowest, highest] position
    inside: set[int] = set()  # boundaries within a disagreement
    confirmed: set[int] = set()  # second-reading positions equal to Tesseract's
    uneven: list[tuple[int, int, int, int]] = []
    for op, i1, i2, j1, j2 in ops:
        even = op == "equal" or (op == "replace" and i2 - i1 == j2 - j1)
        if op == "equal":
            confirmed.update(range(j1, j2))
        if not even:
            uneven.append((i1, i2, j1, j2))
            inside.update(range(i1 + 1, i2))
        points = zip(range(i1, i2 + 1), range(j1, j2 + 1)) if even else ((i1, j1), (i2, j2))
        for b, j in points:
            at[b] = [min(at[b][0], j), max(at[b][1], j)] if at[b] else [j, j]
    if not uneven:
        return []
    start = [0]
    for w in words:
        start.append(start[-1] + len(w.text))
    word_at = {b: k for k, b in enumerate(start)}  # boundary -> the word starting there
    bad: set[int] = set()
    for i1, i2, _, _ in uneven:
        if i2 > i1:
            bad.update(owner[i][0] for i in range(i1, i2))
        elif i1 not in word_at:  # inside a word
            bad.add(owner[i1][0])
        else:  # between words: the doubtful neighbour, the left one first
            left, right = word_at[i1] - 1, word_at[i1]
            for k in (left, right):
                if 0 <= k < len(words) and words[k].conf < doubt:
                    bad.add(k)
                    break
    runs: list[list[int]] = []
    for k in sorted(bad):
        if runs and k <= runs[-1][1]:
            runs[-1][1] = k + 1
        else:
            runs.append([k, k + 1])
    out = []
    tall = usual_height(words)
    for wa, wb in runs:
        if any(words[k].conf >= doubt for k in range(wa, wb)):
            continue
        lo, hi = start[wa], start[wb]
        if lo in inside or hi in inside or at[lo] is None or at[hi] is None:
            continue
        j1, j2 = at[lo][0], at[hi][1]
        if any(reading.probs[j] < (WHOLE_FLOOR if j in confirmed else regroup) for j in range(j1, j2)):
            continue
        if j1 == j2 and not all(reading.probs[j] >= regroup for j in (j1 - 1, j1)
                                if 0 <= j < len(reading.chars)):
            continue
        if j1 == j2 and any(_CJK.search(w.text) and not set(w.text) <= _STROKES
                            and w.bbox[2] - w.bbox[0] >= FULL_GLYPH * tall for w in words[wa:wb]):
            continue  # a whole character's width dropped: one the recogniser cannot read (泖)
        # where the run is only dropped, the characters either side stand for it: Tesseract
        # cut one glyph in two (28有日 for 28日, 有 a sliver of 日's left half at 0.16)
        # where the run is replaced, a sliver no character is placed on is a piece of the
        # glyph beside it: 鼎 read as 海上 and 晶 (29 px at 62 px text; 0.48 and 0.00), the
        # recogniser's 鼎 placed 40 px left of 晶 (seed 97 case_018)
        xs = [x_origin + reading.xs[j] for j in (range(j1, j2) if j2 > j1 else (j1 - 1, j1))
              if 0 <= j < len(reading.chars)]
        if any(_CJK.search(w.text) and not _over(w, xs, 0.25) and not set(w.text) <= _STROKES
               and not (j2 > j1 and w.bbox[2] - w.bbox[0] < SLIVER * tall) for w in words[wa:wb]):
            continue
        if lost_repeat("".join(w.text for w in words[wa:wb]), "".join(reading.chars[j1:j2])):
            continue
        if _figure_cut(words[wa:wb], reading.chars[j1:j2]):
            continue
        out.append((wa, wb, j1, j2))
    return out


_GROUPED = re.compile(r"\d[,.，．]\d{3}")


def _figure_cut(words: list[Word], chars: tuple[str, ...]) -> bool:
    """The second reading has fewer digits than Tesseract's words, and they hold a grouped
    figure: the recogniser lost digits under a seal, not Tesseract made them up (seed 139
    case_001: 8,238,675.85 at 0.37 beside another figure, read 8238752 over both; the
    first six digits confirmed and the rest dropped made 823875)."""
    text = "".join(w.text for w in words)
    return bool(_GROUPED.search(text)) and sum(c.isdigit() for c in chars) < sum(c.isdigit() for c in text)


def lost_repeat(first: str, second: str) -> bool:
    """The second reading holds the first's digits but one of a pair of like digits: the
    recogniser's decoding merges two like characters with no blank step between them
    (1.997,.200.00 read again as 1,997,20.00, sure of every character)."""
    a, b = re.sub(r"\D", "", first), re.sub(r"\D", "", second)
    return len(a) == len(b) + 1 and any(a[k] == a[k + 1] and a[:k] + a[k + 1:] == b for k in range(len(a) - 1))


def place_reading(reading: Reading, j1: int, j2: int, under: list[Word], span: list[Word],
            x_origin: float) -> list[Word]:
    """Characters j1..j2 of the second reading as words (one per Chinese character, as
    Tesseract splits them, one per figure: letters, digits, their points and commas),
    boxed at the characters' positions (the CTC time steps) and at the height of the words they replace, at least
    the span's usual height (a lone 一 has a box a few pixels high)."""
    tall = usual_height(span)
    y0, y1 = _band(under, tall)
    xs = [x_origin + x for x in reading.xs]
    steps = [b - a for a, b in zip(xs, xs[1:]) if b > a]
    half = (sorted(steps)[len(steps) // 2] if steps else tall) / 2
    groups: list[list[int]] = []
    for k in range(j1, j2):
        last = groups[-1][-1] if groups else None
        # a figure stays one word, its separators too (2.883.211.55 as nine words parsed
        # as 2), unless a blank wider than two characters parts it from the last one
        if last is not None and _figure(reading.chars[k]) and _figure(reading.chars[last]) \
                and xs[k] - xs[last] <= 4 * half:
            groups[-1].append(k)
        else:
            groups.append([k])
    out = []
    for g in groups:
        x0, x1 = xs[g[0]] - half, xs[g[-1]] + half
        below = [w for w in under if w.bbox[0] < x1 and w.bbox[2] > x0]
        out.append(Word(
            text="".join(reading.chars[k] for k in g), bbox=(round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)),
            conf=round(min(reading.probs[k] for k in g), 4),
            first_text="".join(w.text for w in below),
            first_conf=min((w.conf for w in below), default=0.0)))
    return out


def _figure(ch: str) -> bool:
    """A character of a code or an amount: an ASCII letter or digit, or a point or comma."""
    return ch.isascii() and (ch.isalnum() or ch in ".,")


def within(reading: Reading, words: list[Word], x_origin: float) -> Reading:
    """The reading without the characters it placed beyond the span's first and last word:
    the crop's margin takes in the edge of the next character on the line, which the
    recogniser then reads too (正常， then 无, which follows anyway). A centre is placed no
    closer than one of the recogniser's time steps, so that much beyond the edge is still
    the span's (seed 71: the 2 of 234,263,502.31, placed a step early in a tall crop, was
    cut and the revenue read 34,263,502.31)."""
    if not reading.chars or not words:
        return reading
    slack = max(EDGE_SLACK * usual_height(words), reading.step)
    lo, hi = words[0].bbox[0] - slack, words[-1].bbox[2] + slack
    keep = [k for k, x in enumerate(reading.xs) if lo <= x_origin + x <= hi]
    if len(keep) == len(reading.chars):
        return reading
    return Reading(*(tuple(seq[k] for k in keep) for seq in (reading.chars, reading.probs, reading.xs)),
                   tuple(reading.alts[k] for k in keep) if reading.alts else (), reading.step)


def char_near(reading: Reading, x: float) -> tuple[float, str, float] | None:
    """The reading's character whose centre lies nearest x: (distance, character, its
    probability); None when the reading has none. Two views read of one crop compare so."""
    there = [(abs(x - y), ch, p) for ch, p, y in zip(reading.chars, reading.probs, reading.xs) if ch.strip()]
    return min(there) if there else None


def _over(word: Word, xs: list[float], slack: float = 0.5) -> bool:
    """A character centre of ``xs`` lies on the word, give or take ``slack`` of its height
    (the boxes of both readers are rough)."""
    slack *= word.bbox[3] - word.bbox[1]
    return any(word.bbox[0] - slack <= x <= word.bbox[2] + slack for x in xs)


def _covers(words: list[Word], reading: Reading, x_origin: float) -> bool:
    """Every word Tesseract was at all sure of (0.3) has a character of the second reading
    over it. Not so when Tesseract joined a small line to a large title beside it (a credit
    code and 营业执照): the crop of both reads as the title alone."""
    xs = [x_origin + x for x in reading.xs]
    return all(_over(w, xs) for w in words if w.conf >= 0.3)


def is_lost(words: list[Word]) -> bool:
    """Tesseract made little of the span: its characters' mean confidence is under
    ``LOST`` (a date in Chinese numerals under a seal: 一口习下年二、月二二上昌, 0.3)."""
    n = sum(len(w.text) for w in words)
    return n > 0 and sum(w.conf * len(w.text) for w in words) / n < LOST


def _has_text(words: list[Word]) -> bool:
    """Chinese or digits somewhere in the words, or a stretch no wider than a code of some
    twenty characters. A lost stretch of Latin letters across the page is the noise of a
    rule or a border, and reading its full width costs a third of a second; a short one
    can be a credit code Tesseract made letters of (91310117MA4XQL2C4T as oiladRgyal,
    beside the licence's large title)."""
    if any(_CJK.search(w.text) or any(ch.isdigit() for ch in w.text) for w in words):
        return True
    return words[-1].bbox[2] - words[0].bbox[0] <= COMPACT * usual_height(words)


def _names_a_company(words: list[Word]) -> bool:
    """The stretch names a company (有限公司) and Tesseract was less than ``NAME_DOUBT`` sure
    of a Chinese character of it; and it is short enough to read as one line."""
    return (len(words) <= NAME_WORDS and "公司" in "".join(w.text for w in words)
            and any(w.conf < NAME_DOUBT and _CJK.search(w.text) for w in words))


def _mean(reading: Reading) -> float:
    return sum(reading.probs) / len(reading.probs) if reading.probs else 0.0


def sure_of_all(reading: Reading) -> bool:
    return bool(reading.probs) and (_mean(reading) >= SURE
            and min(reading.probs) >= WHOLE_FLOOR)


def _date_completed(line_words: list[Word], a: int, b: int, reading: Reading,
                    x_origin: float) -> list[Word] | None:
    """Words a..b replaced by the second reading when that, and only that, makes the line
    hold one more whole date (三O〇二入年三月一日 → 二O二六年三月一日: the year under a seal's
    ring, misread by Tesseract with a confidence too high for ``merge`` to overrule; the end
    of a period, 2020年2月8日至2070年2月?日). A date is what the field extractors take for
    one (extractors.normalize.find_dates), and its shape is strong evidence that the second
    reader saw the characters right; the reading must be ``DATE_FLOOR`` sure of each, and
    cover every word it replaces."""
    from extractors.normalize import find_dates

    span = line_words[a:b]
    if not reading.chars or min(reading.probs) < DATE_FLOOR or not _covers(span, reading, x_origin):
        return None
    placed = place_reading(reading, 0, len(reading.chars), span, line_words, x_origin)
    head = "".join(w.text for w in line_words[:a])
    middle = "".join(w.text for w in placed)
    tail = "".join(w.text for w in line_words[b:])
    dates = find_dates(head + middle + tail)
    if len(dates) <= len(find_dates("".join(w.text for w in line_words))):
        return None
    # the new date must take in the replaced words (offsets: find_dates keeps lengths)
    if not any(end > len(head) and start < len(head) + len(middle) for _, start, end in dates):
        return None
    return placed


def fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def compact(text: str) -> str:
    """``text`` NFKC-folded, without blanks: how a look compares a line with a label."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


# --------------------------------------------------------------------------- a page


def reread(image: np.ndarray, lines: list[Line], *, doubt: float = DOUBT) -> tuple[list[Line], int]:
    """The page's lines with their doubtful words read a second time; and how many spans
    were read. Lines with no doubt come back as they are (the same objects)."""
    engine = recogniser()
    if engine is None:
        return lines, 0
    jobs: list[tuple[int, int, int, tuple[int, int, int, int]]] = []
    whole: set[tuple[int, int, int]] = set()  # (line, start, end) of stretches read whole
    named: set[tuple[int, int, int]] = set()  # ... and of stretches naming a company
    for li, line in enumerate(lines):
        for lo, hi in line_stretches(line.words):
            part = line.words[lo:hi]
            if is_lost(part):  # read whole, see ``rebuild_words``
                if not _has_text(part):
                    continue  # ruling or a border read as Latin letters: nothing to read there
                spans = [(lo, hi)]
                whole.add((li, lo, hi))
            elif _names_a_company(part):  # read whole: see ``merge``
                spans = [(lo, hi)]
                named.add((li, lo, hi))
            else:
                spans = [(lo + a, lo + b) for a, b in doubtful_spans(part, doubt=doubt)]
            for a, b in spans:
                tall = span_box(line, a, b, image.shape)
                band = ink_band(image, tall)
                # a lost stretch is read both ways: its text may lie anywhere in a ring's box
                # (a date the band misses), or in the band (a name the ring's remains drown)
                boxes = [tall, band] if (li, a, b) in whole and band != tall else [band]
                jobs += [(li, a, b, box) for box in boxes if box[2] - box[0] >= 8 and box[3] - box[1] >= 8]
    if len(jobs) > MAX_SPANS:  # the most doubtful first
        def worst(job):
            li, a, b, _ = job
            return min(w.conf for w in lines[li].words[a:b])
        jobs = sorted(jobs, key=worst)[:MAX_SPANS]
    if not jobs:
        return lines, 0
    crops = [image[y0:y1, x0:x1] for _, _, _, (x0, y0, x1, y1) in jobs]
    readings = engine.read(crops)
    views: dict[tuple[int, int, int], list[tuple[tuple[int, int, int, int], Reading]]] = {}
    for (li, a, b, box), reading in zip(jobs, readings):
        views.setdefault((li, a, b), []).append((box, reading))
        if log.isEnabledFor(logging.DEBUG):  # the text is built only when it is logged
            log.debug("span %r at %s read %s", "".join(w.text for w in lines[li].words[a:b]), box, described(reading))
    words_of = {li: list(line.words) for li, line in enumerate(lines)}
    # right to left in each line, so the spans still to merge keep their word indices
    for (li, a, b), seen in sorted(views.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        span = lines[li].words[a:b]
        if (li, a, b) in whole:
            anew = rebuilt(span, seen)
            if anew is not None:
                words_of[li][a:b] = anew
                continue
        box, reading = max(seen, key=lambda view: _mean(view[1]))  # of two views, the surer
        reading = within(reading, span, box[0])
        merged = merge(words_of[li][a:b], reading, doubt=doubt, x_origin=box[0], name=(li, a, b) in named)
        if [w.text for w in merged] == [w.text for w in words_of[li][a:b]]:
            merged = _date_completed(words_of[li], a, b, reading, box[0]) or merged
        words_of[li][a:b] = merged
    return relined(lines, words_of), len(jobs)


def rebuilt(words: list[Word], seen: list[tuple[tuple[int, int, int, int], Reading]]) -> list[Word] | None:
    """A lost stretch rebuilt from the surest of its views that rebuilds it: of a total boxed
    with its column's rule, the tall crop read 1,997,20.00 (two zeros merged, the point at
    0.55), the band 1,997,200.00 sure of every character."""
    for box, reading in sorted(seen, key=lambda view: -_mean(view[1])):
        anew = rebuild_words(words, reading, box[0])
        if anew is not None:
            return anew
    return None


def described(reading: Reading) -> str:
    """A reading as its characters and their probabilities, for the debug log."""
    return " ".join(f"{c}:{p:.2f}" for c, p in zip(reading.chars, reading.probs))


def relined(lines: list[Line], words_of: dict[int, list[Word]]) -> list[Line]:
    """The lines with the words a later reading gave them; a line whose words did not
    change comes back as the same object."""
    out = list(lines)
    for li, line in enumerate(lines):
        if words_of[li] != line.words:
            out[li] = make_line(words_of[li], block=line.block)
            log.debug("re-read: %r -> %r", line.text, out[li].text)
    return out
