"""The one wrapper around Tesseract: every OCR call in the project goes through here.

Keyword-only arguments and an explicit timeout on every call, because a hostile or huge
image must cost a bounded time, and ``OMP_THREAD_LIMIT=1`` because Tesseract's OpenMP
threads fight over two cores (13 s instead of 1 s a page, measured); parallelism comes
from running pages in separate processes instead.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser

import numpy as np

from pipeline.errors import EngineError
from pipeline.models import Line, Word

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


class OcrTimeout(Exception):
    """Tesseract did not finish within its time budget on this image."""


@functools.cache
def engine_version() -> str:
    """Tesseract's version and its language data, part of every cache key."""
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
    import pytesseract

    config = f"--psm {psm} --dpi {dpi} -c preserve_interword_spaces=1"
    data = _run(
        pytesseract.image_to_data,
        _to_pil(image),
        lang=lang,
        config=config,
        output_type=pytesseract.Output.DICT,
        timeout=timeout,
    )
    groups: dict[tuple[int, int, int], list[Word]] = {}
    order: list[tuple[int, int, int]] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        x0 = data["left"][i] * scale + offset[0]
        y0 = data["top"][i] * scale + offset[1]
        x1 = (data["left"][i] + data["width"][i]) * scale + offset[0]
        y1 = (data["top"][i] + data["height"][i]) * scale + offset[1]
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(Word(text=text, bbox=(x0, y0, x1, y1), conf=max(0.0, conf) / 100.0))
    return [make_line(groups[key], block=key[0]) for key in order]


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
    ``lstm_choice_mode=2``). One Tesseract process, whatever the number of lines: callers
    stack several small images into one to pay the model loading once."""
    import pytesseract

    config = (f"--psm {psm} --dpi {dpi} -c lstm_choice_mode=2 -c hocr_char_boxes=1 "
              "-c preserve_interword_spaces=1")
    raw = _run(pytesseract.image_to_pdf_or_hocr, _to_pil(image), lang=lang, config=config,
               extension="hocr", timeout=timeout)
    return parse_hocr_glyphs(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw)


class _HocrGlyphs(HTMLParser):
    """hOCR → lines of Glyphs: ``ocr_line`` spans hold ``ocrx_cinfo`` character spans
    (``x_bboxes``, ``x_conf``), each followed by an ``lstm_choices`` group of choices."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[Glyph]] = []
        self._stack: list[str] = []  # role of each open span
        self._char: dict | None = None  # the character being read
        self._choices: list[str] | None = None
        self._in_choice = False
        self._choice_text = ""

    def handle_starttag(self, tag, attrs):
        if tag != "span":
            return
        a = dict(attrs)
        cls, title, ident = a.get("class", ""), a.get("title", "") or "", a.get("id", "") or ""
        role = "other"
        if cls == "ocr_line" or cls in ("ocrx_line", "ocr_textfloat", "ocr_header", "ocr_caption"):
            role = "line"
            self.lines.append([])
        elif cls == "ocrx_cinfo" and "x_bboxes" in title:
            role = "char"
            box = _title_numbers(title, "x_bboxes")
            conf = _title_numbers(title, "x_conf")
            self._char = {"bbox": tuple(box[:4]) if len(box) >= 4 else (0, 0, 0, 0),
                          "conf": (conf[0] if conf else 0.0) / 100.0, "text": ""}
        elif cls == "ocrx_cinfo" and ident.startswith("lstm_choices"):
            role = "choices"
            self._choices = []
        elif cls == "ocrx_cinfo" and ident.startswith("choice"):
            role = "choice"
            self._in_choice = True
            self._choice_text = ""
        self._stack.append(role)

    def handle_endtag(self, tag):
        if tag != "span" or not self._stack:
            return
        role = self._stack.pop()
        if role == "char" and self._char is not None:
            if self._char["text"].strip() and self.lines:
                self.lines[-1].append(Glyph(self._char["text"].strip(), self._char["bbox"], self._char["conf"]))
            self._char = None
        elif role == "choice":
            self._in_choice = False
            if self._choices is not None and self._choice_text.strip():
                self._choices.append(self._choice_text.strip())
        elif role == "choices":
            if self.lines and self.lines[-1] and self._choices:
                g = self.lines[-1][-1]
                self.lines[-1][-1] = Glyph(g.text, g.bbox, g.conf, g.choices + tuple(self._choices))
            self._choices = None

    def handle_data(self, data):
        if self._in_choice:
            self._choice_text += data
        elif self._char is not None and self._stack and self._stack[-1] == "char":
            self._char["text"] += data


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
    ``lstm_choice_mode=2`` for alternatives; without it ``choices`` stay empty)."""
    parser = _HocrGlyphs()
    parser.feed(hocr)
    parser.close()
    return [line for line in parser.lines if line]
