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
   context on each side;
2. the spans are cropped from the cleaned page and recognised in batches of similar width;
3. ``merge``: the two readings are aligned character by character; a doubtful word takes
   the second reading of its characters where the two differ one for one and the second
   reader is sure of them. Words both readers agree on keep their text with the better
   confidence; a confident Tesseract word is never changed. A line Tesseract made almost
   nothing of (mean confidence under 0.6: a date in Chinese numerals under a seal) is
   read whole and taken from a second reading that is sure of all of it, its words boxed
   where the recogniser placed each character.

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
from pathlib import Path

import cv2
import numpy as np

from pipeline.models import Line, Word
from pipeline.ocr import make_line

log = logging.getLogger(__name__)

MODEL_PACKAGE = "rapidocr_onnxruntime"
MODEL_FILE = "models/ch_PP-OCRv4_rec_infer.onnx"
VERSION = "ppocrv4-rec-4"  # part of the page cache key (pipeline.pages)
HEIGHT = 48  # the model's input height
BATCH = 6
BATCH_SPREAD = 1.5  # the widest crop of a batch is at most this many times the narrowest
ALTERNATIVES = 5  # candidates kept per character (Reading.alts)
EDGE_FLOOR = 0.35  # an end character less likely than this is dropped (see Recogniser._decode)
MAX_SPANS = 40  # per page: a page of noise must not cost minutes

DOUBT = 0.80  # a Tesseract word under this confidence is re-read
SURE = 0.90  # the second reader's own confidence needed to replace a word
LOST = 0.60  # under this mean confidence Tesseract's reading of a line is not aligned with
WHOLE_FLOOR = 0.50  # ... and the line is read anew when no character of it is below this
CONTEXT_WORDS = 2  # words of context each side of a doubtful run
JOIN_GAP = 3  # doubtful words this few words apart are one span

_CJK = re.compile(r"[\u3400-\u9fff]")


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
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.charset = ["", *meta["character"].splitlines(), " "]  # CTC blank first, space last
        self.input = self.session.get_inputs()[0].name

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        """Grey or BGR crops of single text lines, in any order; batches of similar width."""
        out: list[Reading | None] = [None] * len(crops)
        ratio = [crops[i].shape[1] / max(1, crops[i].shape[0]) for i in range(len(crops))]
        order = sorted(range(len(crops)), key=lambda i: ratio[i])
        batches: list[list[int]] = []
        for i in order:  # a batch is padded to its widest crop: keep widths alike
            if batches and len(batches[-1]) < BATCH and ratio[i] <= BATCH_SPREAD * max(1.0, ratio[batches[-1][0]]):
                batches[-1].append(i)
            else:
                batches.append([i])
        for idx in batches:
            widths = [max(1, int(np.ceil(HEIGHT * crops[i].shape[1] / max(1, crops[i].shape[0]))))
                      for i in idx]
            batch_w = max(max(widths), 320)  # the model's usual minimum width
            batch = np.zeros((len(idx), 3, HEIGHT, batch_w), np.float32)
            for k, (i, w) in enumerate(zip(idx, widths)):
                crop = crops[i]
                if crop.ndim == 2:
                    crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
                resized = cv2.resize(crop, (w, HEIGHT)).astype(np.float32)
                batch[k, :, :, :w] = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
            probs = self.session.run(None, {self.input: batch})[0]
            for k, (i, w) in enumerate(zip(idx, widths)):
                out[i] = self._decode(probs[k], w, batch_w, crops[i].shape[1])
        return [r if r is not None else Reading((), (), ()) for r in out]

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
                       tuple(xs[k] for k in keep), tuple(alts[k] for k in keep))


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
    with letters or digits count as doubtful: a stray mark is not worth a reading."""
    bad = [i for i, w in enumerate(words) if w.conf < doubt and any(ch.isalnum() for ch in w.text)]
    spans: list[list[int]] = []
    for i in bad:
        if spans and i - spans[-1][1] <= JOIN_GAP:
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
    return [(max(0, a - CONTEXT_WORDS), min(len(words), b + CONTEXT_WORDS)) for a, b in spans]


def span_box(line: Line, a: int, b: int, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The crop of words a..b of a line: the line's height, a third of it as margin."""
    h, w = shape[:2]
    y0, y1 = line.bbox[1], line.bbox[3]
    pad = (y1 - y0) * 0.3
    x0 = min(word.bbox[0] for word in line.words[a:b]) - pad
    x1 = max(word.bbox[2] for word in line.words[a:b]) + pad
    return (max(0, int(x0)), max(0, int(y0 - pad * 0.6)), min(w, int(np.ceil(x1))),
            min(h, int(np.ceil(y1 + pad * 0.6))))


# --------------------------------------------------------------------------- merging


def rebuild(line: Line, reading: Reading, x_origin: float) -> Line | None:
    """The line as the second reader read it, when Tesseract made almost nothing of it
    (``_lost``: a date in Chinese numerals under a seal) and the second reading is sure of
    every character and says something else; None otherwise. Whole lines only: a span's
    crop reaches into its neighbours' ink, and Tesseract's word boxes cannot say where."""
    if not reading.chars or not _lost(line.words):
        return None
    if not _sure_of_all(reading) or not _covers(line.words, reading, x_origin):
        return None
    if "".join(_fold(c) for c in line.text if not c.isspace()) == "".join(_fold(c) for c in reading.chars):
        return None
    return make_line(_rebuilt(line.words, reading, x_origin), block=line.block)


def merge(words: list[Word], reading: Reading, *, doubt: float = DOUBT,
          sure: float = SURE) -> list[Word]:
    """The span's words after the second reading (see the module's docstring).

    The two readings are aligned character by character (NFKC-folded, so ``，`` and ``,``
    agree). Only like-for-like stretches are used: equal characters confirm a word, and a
    run of substituted characters of the same length replaces Tesseract's characters one
    for one, inside a doubtful word, when the second reader gave each of them at least
    ``sure``. Where the readers disagree on the number of characters nothing changes:
    which word a split or joined character belongs to is then a guess.

    A word whose characters were all confirmed keeps its text, with the better of the
    two confidences; a corrected word takes the second reader's weakest probability.
    """
    from difflib import SequenceMatcher

    if not reading.chars:
        return list(words)
    owner: list[tuple[int, int]] = []  # (word, position in word) of each Tesseract character
    first: list[str] = []
    for wi, word in enumerate(words):
        for ci, ch in enumerate(word.text):
            owner.append((wi, ci))
            first.append(_fold(ch))
    second = [_fold(ch) for ch in reading.chars]
    new_chars = [list(w.text) for w in words]
    probs: list[list[float | None]] = [[None] * len(w.text) for w in words]
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                wi, ci = owner[i]
                probs[wi][ci] = reading.probs[j]
        elif op == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                wi, ci = owner[i]
                if words[wi].conf < doubt and reading.probs[j] >= sure:
                    new_chars[wi][ci] = reading.chars[j]
                    probs[wi][ci] = reading.probs[j]
    out = []
    for word, chars, ps in zip(words, new_chars, probs):
        if any(p is None for p in ps) or not ps:
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
    return out


def _covers(words: list[Word], reading: Reading, x_origin: float) -> bool:
    """Every word Tesseract was at all sure of (0.3) has a character of the second reading
    over it. Not so when Tesseract joined a small line to a large title beside it (a credit
    code and 营业执照): the crop of both reads as the title alone."""
    xs = [x_origin + x for x in reading.xs]
    for w in words:
        slack = (w.bbox[3] - w.bbox[1]) / 2  # half a character: the boxes of both are rough
        if w.conf >= 0.3 and not any(w.bbox[0] - slack <= x <= w.bbox[2] + slack for x in xs):
            return False
    return True


def _lost(words: list[Word]) -> bool:
    """Tesseract made little of the span: its characters' mean confidence is under
    ``LOST`` (a date in Chinese numerals under a seal: 一口习下年二、月二二上昌, 0.3)."""
    n = sum(len(w.text) for w in words)
    return n > 0 and sum(w.conf * len(w.text) for w in words) / n < LOST


def _has_text(words: list[Word]) -> bool:
    """Chinese or digits somewhere in the words (a lost line of Latin letters alone is the
    noise of a rule or a border, and reading its full width costs a third of a second)."""
    return any(_CJK.search(w.text) or any(ch.isdigit() for ch in w.text) for w in words)


def _sure_of_all(reading: Reading) -> bool:
    return (sum(reading.probs) / len(reading.probs) >= SURE
            and min(reading.probs) >= WHOLE_FLOOR)


def _rebuilt(words: list[Word], reading: Reading, x_origin: float) -> list[Word]:
    """The span as the second reader read it, where Tesseract's reading is too poor to
    align with: one word per Chinese character (as Tesseract splits them) and one per run
    of letters and digits, each boxed at its characters' positions (the CTC time steps)
    over the span's height; each word keeps the Tesseract words under it as its first
    reading."""
    y0 = min(w.bbox[1] for w in words)
    y1 = max(w.bbox[3] for w in words)
    xs = [x_origin + x for x in reading.xs]
    steps = [b - a for a, b in zip(xs, xs[1:]) if b > a]
    half = (sorted(steps)[len(steps) // 2] if steps else (y1 - y0)) / 2
    groups: list[list[int]] = []
    for k, ch in enumerate(reading.chars):
        if groups and ch.isascii() and ch.isalnum() and reading.chars[groups[-1][-1]].isascii() \
                and reading.chars[groups[-1][-1]].isalnum():
            groups[-1].append(k)
        else:
            groups.append([k])
    out = []
    for g in groups:
        x0, x1 = xs[g[0]] - half, xs[g[-1]] + half
        under = [w for w in words if w.bbox[0] < x1 and w.bbox[2] > x0]
        out.append(Word(
            text="".join(reading.chars[k] for k in g), bbox=(round(x0, 1), y0, round(x1, 1), y1),
            conf=round(min(reading.probs[k] for k in g), 4),
            first_text="".join(w.text for w in under),
            first_conf=min((w.conf for w in under), default=0.0)))
    return out


def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


# --------------------------------------------------------------------------- a page


def reread(image: np.ndarray, lines: list[Line], *, doubt: float = DOUBT) -> tuple[list[Line], int]:
    """The page's lines with their doubtful words read a second time; and how many spans
    were read. Lines with no doubt come back as they are (the same objects)."""
    engine = recogniser()
    if engine is None:
        return lines, 0
    jobs: list[tuple[int, int, int, tuple[int, int, int, int]]] = []
    for li, line in enumerate(lines):
        if _lost(line.words) and not _has_text(line.words):
            continue  # ruling or a border read as Latin letters: nothing to read there
        if _lost(line.words):  # read whole, see ``rebuild``
            box = span_box(line, 0, len(line.words), image.shape)
            if box[2] - box[0] >= 8 and box[3] - box[1] >= 8:
                jobs.append((li, 0, len(line.words), box))
            continue
        for a, b in doubtful_spans(line.words, doubt=doubt):
            box = span_box(line, a, b, image.shape)
            if box[2] - box[0] >= 8 and box[3] - box[1] >= 8:
                jobs.append((li, a, b, box))
    if len(jobs) > MAX_SPANS:  # the most doubtful first
        def worst(job):
            li, a, b, _ = job
            return min(w.conf for w in lines[li].words[a:b])
        jobs = sorted(jobs, key=worst)[:MAX_SPANS]
    if not jobs:
        return lines, 0
    crops = [image[y0:y1, x0:x1] for _, _, _, (x0, y0, x1, y1) in jobs]
    readings = engine.read(crops)
    out = list(lines)
    words_of = {li: list(line.words) for li, line in enumerate(lines)}
    rebuilt: set[int] = set()
    # right to left in each line, so the spans still to merge keep their word indices
    for (li, a, b, box), reading in sorted(zip(jobs, readings), key=lambda jr: (jr[0][0], -jr[0][1])):
        if a == 0 and b == len(lines[li].words) and _lost(lines[li].words):
            whole = rebuild(lines[li], reading, box[0])
            if whole is not None:
                out[li] = whole
                rebuilt.add(li)
                continue
        words_of[li][a:b] = merge(words_of[li][a:b], reading, doubt=doubt)
    for li, line in enumerate(lines):
        if li not in rebuilt and words_of[li] != line.words:
            out[li] = make_line(words_of[li], block=line.block)
    return out, len(jobs)
