"""The one wrapper around Tesseract: every OCR call in the project goes through here.

Keyword-only arguments and an explicit timeout on every call, because a hostile or huge
image must cost a bounded time, and ``OMP_THREAD_LIMIT=1`` because Tesseract's OpenMP
threads fight over two cores (13 s instead of 1 s a page, measured); parallelism comes
from reading pages in parallel instead, one engine each.

Two ways to the same engine, the same library and the same output (``tests`` compare
them word for word):
- in process, through tesserocr built against the system's libtesseract: each engine is
  loaded once and kept in a small pool, so a page does not pay the model load (about
  0.25 s for chi_sim) for its body text, again for its seal rings, and again for an
  orientation probe; the image is handed over as raw pixels, without an encoded file
  on either side. Recognition releases the GIL, so threads keep both cores busy.
- the ``tesseract`` program through pytesseract, when tesserocr is missing or
  ``PRECHECK_OCR_BACKEND=cli``: a new process per call, which a timeout can kill.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import re
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from pipeline.errors import EngineError
from pipeline.models import Line, Word

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_HAN = re.compile(r"[\u3400-\u9fff]")


class OcrTimeout(Exception):
    """Tesseract did not finish within its time budget on this image."""


@functools.cache
def engine_version() -> str:
    """Tesseract's version, part of every cache key (both backends run the same library)."""
    if backend() == "api":
        first = _tesserocr().tesseract_version().splitlines()[0]  # "tesseract 5.3.0"
        return f"tesseract-{first.split()[-1]}"
    try:
        import pytesseract

        version = str(pytesseract.get_tesseract_version())
    except Exception as exc:  # noqa: BLE001
        raise EngineError(
            "找不到 Tesseract OCR 引擎：请安装 tesseract-ocr 与 tesseract-ocr-chi-sim（make setup 会安装）"
        ) from exc
    return f"tesseract-{version}"


def check_languages(lang: str) -> None:
    """Fail the run early, with the package to install, if a language is missing."""
    if backend() == "api":
        have = set(_tesserocr().get_languages()[1])
    else:
        import pytesseract

        have = set(pytesseract.get_languages(config=""))
    missing = [part for part in lang.split("+") if part not in have]
    if missing:
        raise EngineError(
            f"Tesseract 缺少语言包 {missing}：请安装 tesseract-ocr-chi-sim（Debian: apt-get install "
            "tesseract-ocr-chi-sim tesseract-ocr-osd）"
        )


def _run(func, *args, timeout: float, **kwargs):
    env_before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        return func(*args, timeout=timeout, **kwargs)
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout(f"超过 {timeout:.0f} 秒仍未完成") from exc
        raise
    except subprocess.SubprocessError as exc:  # pragma: no cover - defensive
        raise OcrTimeout(str(exc)) from exc
    finally:
        if env_before is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = env_before


def ocr_lines(
    image: np.ndarray,
    *,
    lang: str,
    timeout: float,
    dpi: int = 300,
    psm: int = 3,
    offset: tuple[float, float] = (0.0, 0.0),
    scale: float = 1.0,
) -> list[Line]:
    """OCR an image into lines of words with boxes and confidences (0..1).

    ``scale``/``offset`` map the image's pixels back to page pixels, for callers that
    OCR a resized crop.
    """
    rows = _tsv(image, lang=lang, timeout=timeout, dpi=dpi, psm=psm)
    groups: dict[tuple[int, int, int], list[Word]] = {}
    order: list[tuple[int, int, int]] = []
    for row in rows:
        text = row["text"].strip()
        conf = row["conf"]
        if not text or conf < 0:
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        x0 = row["left"] * scale + offset[0]
        y0 = row["top"] * scale + offset[1]
        x1 = (row["left"] + row["width"]) * scale + offset[0]
        y1 = (row["top"] + row["height"]) * scale + offset[1]
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(Word(text=text, bbox=(x0, y0, x1, y1), conf=max(0.0, conf) / 100.0))
    return [make_line(reboxed(groups[key]), block=key[0]) for key in order]


DEGENERATE = 0.3  # a word box this small, in its line's usual heights, is not where the glyph is


def reboxed(words: list[Word]) -> list[Word]:
    """The line's words, a Chinese character Tesseract boxed as a dot put beside its
    neighbour. Tesseract read a name's first character 上 right (0.43) but boxed it
    (535, 1151, 537, 1153), 260 px left of 海 and below the line: the gap made the
    character a cell of its own, and the name read 海芯原动网络科技有限公司."""
    sizes = sorted(w.bbox[3] - w.bbox[1] for w in words if w.bbox[3] - w.bbox[1] > 2)
    if len(sizes) < 2:
        return words
    tall = sizes[len(sizes) // 2]
    out = list(words)
    for k, w in enumerate(words):
        small = w.bbox[2] - w.bbox[0] < DEGENERATE * tall and w.bbox[3] - w.bbox[1] < DEGENERATE * tall
        if not small or not _HAN.search(w.text):
            continue  # a comma or a point is as small as a dot, and where it should be
        width, gap = tall * len(w.text), tall * 0.1
        if k + 1 < len(words):
            nxt = words[k + 1].bbox
            box = (nxt[0] - gap - width, nxt[1], nxt[0] - gap, nxt[3])
        elif k > 0:
            prev = out[k - 1].bbox
            box = (prev[2] + gap, prev[1], prev[2] + gap + width, prev[3])
        else:
            continue
        if k > 0 and k + 1 < len(words) and box[0] < out[k - 1].bbox[2]:
            continue  # no room between its neighbours: where it belongs cannot be told
        out[k] = w.model_copy(update={"bbox": box})
    return out


def make_line(words: list[Word], *, block: int = 0) -> Line:
    """A Line from words in reading order; CJK neighbours are joined without a space."""
    text = ""
    for word in words:
        if text and not (_CJK.search(text[-1]) or _CJK.search(word.text[0])):
            text += " "
        text += word.text
    x0 = min(w.bbox[0] for w in words)
    y0 = min(w.bbox[1] for w in words)
    x1 = max(w.bbox[2] for w in words)
    y1 = max(w.bbox[3] for w in words)
    weights = [max(1, len(w.text)) for w in words]
    conf = sum(w.conf * n for w, n in zip(words, weights)) / sum(weights)
    return Line(text=text, bbox=(x0, y0, x1, y1), conf=conf, words=words, block=block)


def _to_pil(image: np.ndarray):
    """Greyscale for Tesseract: it greys colour input itself, and a third of the bytes
    makes pytesseract's hand-over cheaper (measured 1.17 s → 0.85 s a page, same text).
    Handed over as BMP, not pytesseract's default PNG: no compression to write and none
    for Tesseract to undo (0.11 s + decoding saved on an A4 page; identical output)."""
    import cv2
    from PIL import Image

    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    pil = Image.fromarray(image)
    pil.format = "BMP"  # pytesseract writes its temporary file in the image's own format
    return pil


# --------------------------------------------------------------------------- characters with alternatives


@dataclass(frozen=True)
class Glyph:
    """One recognised character, its box, its confidence (0..1) and the recogniser's other
    candidates for it, best first (``choices[0]`` is usually ``text``).

    The alternatives matter where a text is matched against known names rather than used
    as it is: a faded seal character read as 窟 with 穹 as the runner-up is evidence for a
    name with 穹 that the top reading alone does not show.
    """

    text: str
    bbox: tuple[float, float, float, float]
    conf: float
    choices: tuple[str, ...] = ()


def ocr_glyphs(image: np.ndarray, *, lang: str, timeout: float, dpi: int = 300,
               psm: int = 6) -> list[list[Glyph]]:
    """OCR an image into lines of characters with boxes and LSTM alternatives (hOCR with
    ``lstm_choice_mode=2``). One recognition, whatever the number of lines: callers
    stack several small images into one.

    The image must be dark text on light (callers prepare it so): Tesseract's second
    reading of every doubtful line as white on black is switched off, which costs a
    quarter of the time on seal strips and only ever produced junk there (measured on
    the intake bench's pages: 0.52 → 0.39 s a page of seal strips)."""
    return parse_hocr_glyphs(_hocr_glyphs(image, lang=lang, timeout=timeout, dpi=dpi, psm=psm))


# --------------------------------------------------------------------------- the two backends


def backend() -> str:
    """``api`` (tesserocr in process) or ``cli`` (the tesseract program)."""
    wanted = os.environ.get("PRECHECK_OCR_BACKEND", "").strip().lower()
    if wanted == "cli":
        return "cli"
    if _tesserocr() is not None:
        return "api"
    if wanted == "api":
        raise EngineError("PRECHECK_OCR_BACKEND=api，但 tesserocr 无法导入（make setup 会安装）")
    return "cli"


@functools.cache
def _tesserocr():
    # OpenMP reads its limit once, when the library starts: it must be 1 before that.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import tesserocr
    except ImportError:
        log.info("tesserocr not importable: OCR runs the tesseract program per call")
        return None
    return tesserocr


# set on every call: an engine from the pool keeps what the previous call set. No inverted
# second pass: Tesseract 5 re-reads every line it is unsure of as white on black, which
# paperwork does not print; measured on the intake bench's 9 OCR pages, body OCR 9.8 ->
# 8.4 s, and bench_extract's fields unchanged or better (see the commit that set it)
_CHOICE_VARS = {"lstm_choice_mode": "0", "hocr_char_boxes": "0", "tessedit_do_invert": "0"}


def _tsv(image: np.ndarray, *, lang: str, timeout: float, dpi: int, psm: int) -> list[dict]:
    """Tesseract's word rows (level 5 of its TSV) as dicts with int boxes and float conf."""
    if backend() == "api":
        with _engine(lang) as api:
            _recognize(api, image, timeout=timeout, dpi=dpi, psm=psm, variables=_CHOICE_VARS)
            return _parse_tsv(api.GetTSVText(0))
    import pytesseract

    config = f"--psm {psm} --dpi {dpi} -c preserve_interword_spaces=1 -c tessedit_do_invert=0"
    data = _run(pytesseract.image_to_data, _to_pil(image), lang=lang, config=config,
                output_type=pytesseract.Output.DICT, timeout=timeout)
    keys = ("block_num", "par_num", "line_num", "left", "top", "width", "height")
    return [{"text": data["text"][i] or "", "conf": float(data["conf"][i]),
             **{k: int(data[k][i]) for k in keys}} for i in range(len(data["text"]))]


def _hocr_glyphs(image: np.ndarray, *, lang: str, timeout: float, dpi: int, psm: int) -> str:
    if backend() == "api":
        with _engine(lang) as api:
            _recognize(api, image, timeout=timeout, dpi=dpi, psm=psm,
                       variables={"lstm_choice_mode": "2", "hocr_char_boxes": "1",
                                  "tessedit_do_invert": "0"})
            return api.GetHOCRText(0)
    import pytesseract

    config = (f"--psm {psm} --dpi {dpi} -c lstm_choice_mode=2 -c hocr_char_boxes=1 "
              "-c preserve_interword_spaces=1 -c tessedit_do_invert=0")
    raw = _run(pytesseract.image_to_pdf_or_hocr, _to_pil(image), lang=lang, config=config,
               extension="hocr", timeout=timeout)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


_IDLE: dict[str, list] = {}
_IDLE_LOCK = threading.Lock()


@contextmanager
def _engine(lang: str):
    """A loaded engine for ``lang`` that no other thread is using: taken from the pool, or
    loaded when all are busy (so there are as many as pages read at once, no more)."""
    tesserocr = _tesserocr()
    with _IDLE_LOCK:
        idle = _IDLE.setdefault(lang, [])
        api = idle.pop() if idle else None
    if api is None:
        try:
            api = tesserocr.PyTessBaseAPI(lang=lang, psm=tesserocr.PSM.AUTO)
        except RuntimeError as exc:
            raise EngineError(f"Tesseract 无法加载语言 {lang}：{exc}") from exc
    try:
        yield api
    finally:
        api.Clear()  # the page's results and image; the model stays loaded
        with _IDLE_LOCK:
            _IDLE[lang].append(api)


def _recognize(api, image: np.ndarray, *, timeout: float, dpi: int, psm: int,
               variables: dict[str, str]) -> None:
    import cv2

    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    image = np.ascontiguousarray(image, dtype=np.uint8)
    h, w = image.shape[:2]
    api.SetPageSegMode(psm)
    for name, value in {"user_defined_dpi": str(dpi), "preserve_interword_spaces": "1",
                        **variables}.items():
        api.SetVariable(name, value)
    api.SetImageBytes(image.tobytes(), w, h, 1, w)
    started = time.perf_counter()
    if not api.Recognize(timeout=int(timeout * 1000)):
        spent = time.perf_counter() - started
        if spent >= timeout * 0.9:
            raise OcrTimeout(f"超过 {timeout:.0f} 秒仍未完成")
        raise EngineError(f"Tesseract 未能识别该图像（{w}×{h}）")


_TSV_KEYS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
             "left", "top", "width", "height")


def _parse_tsv(tsv: str) -> list[dict]:
    rows = []
    for raw in tsv.splitlines():
        parts = raw.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        try:
            row = {k: int(v) for k, v in zip(_TSV_KEYS, parts[:10])}
            # whole numbers, as the tesseract program writes them (it truncates): the two
            # backends give the same words with the same confidences
            row["conf"] = float(int(float(parts[10])))
        except ValueError:  # a header line
            continue
        row["text"] = "\t".join(parts[11:])
        rows.append(row)
    return rows


# hOCR as Tesseract writes it: one span per line, word, character and choice, each tag
# with its attributes in this order. A regular expression over the tags is ten times
# quicker than html.parser here, which mattered at ~6,000 tags per page of seal strips.
_HOCR_TAG = re.compile(
    r"<span class='([^']*)'(?: id='([^']*)')?(?: title=(?:'([^']*)'|\"([^\"]*)\"))?[^>]*>([^<]*)"
    r"|</span>")
_LINE_CLASSES = {"ocr_line", "ocrx_line", "ocr_textfloat", "ocr_header", "ocr_caption"}


def _hocr_events(hocr: str):
    """(role, title, text) per span opened, ("end", "", "") per span closed."""
    for m in _HOCR_TAG.finditer(hocr):
        if m.group(0) == "</span>":
            yield "end", "", ""
            continue
        cls, ident = m.group(1), m.group(2) or ""
        title = m.group(3) if m.group(3) is not None else (m.group(4) or "")
        if cls in _LINE_CLASSES:
            role = "line"
        elif cls == "ocrx_cinfo" and "x_bboxes" in title:
            role = "char"
        elif cls == "ocrx_cinfo" and ident.startswith("lstm_choices"):
            role = "choices"
        elif cls == "ocrx_cinfo" and ident.startswith("choice"):
            role = "choice"
        else:
            role = "other"
        yield role, title, html.unescape(m.group(5))


def _title_numbers(title: str, key: str) -> list[float]:
    for part in title.split(";"):
        part = part.strip()
        if part.startswith(key + " "):
            try:
                return [float(v) for v in part[len(key) + 1:].split()]
            except ValueError:
                return []
    return []


def parse_hocr_glyphs(hocr: str) -> list[list[Glyph]]:
    """Lines of Glyphs from Tesseract hOCR made with ``hocr_char_boxes=1`` (and
    ``lstm_choice_mode=2`` for alternatives; without it ``choices`` stay empty): ``ocr_line``
    spans hold ``ocrx_cinfo`` character spans (``x_bboxes``, ``x_conf``), each followed by an
    ``lstm_choices`` group of choices."""
    lines: list[list[Glyph]] = []
    stack: list[str] = []
    choices: list[str] | None = None
    for role, title, text in _hocr_events(hocr):
        if role == "end":
            if not stack:
                continue
            closed = stack.pop()
            if closed == "choices":
                if lines and lines[-1] and choices:
                    g = lines[-1][-1]
                    lines[-1][-1] = Glyph(g.text, g.bbox, g.conf, g.choices + tuple(choices))
                choices = None
            continue
        stack.append(role)
        if role == "line":
            lines.append([])
        elif role == "char":
            box = _title_numbers(title, "x_bboxes")
            conf = _title_numbers(title, "x_conf")
            if text.strip() and lines:
                lines[-1].append(Glyph(text.strip(), tuple(box[:4]) if len(box) >= 4 else (0, 0, 0, 0),
                                       (conf[0] if conf else 0.0) / 100.0))
        elif role == "choices":
            choices = []
        elif role == "choice" and choices is not None and text.strip():
            choices.append(text.strip())
    return [line for line in lines if line]
