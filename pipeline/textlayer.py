"""Reading a PDF page's own text layer, and deciding whether it deserves trust.

A text layer is only worth using when it is real: born-digital text. A scanned page
often carries an invisible OCR layer made by the scanner's software, of unknown quality,
and some PDFs carry glyphs without a Unicode map (``(cid:123)``). Those pages go to our
own OCR instead, where we control the engine and know the confidences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.models import Line, Word
from pipeline.ocr import make_line

_CID = re.compile(r"\(cid:\d+\)")
_GOOD_CHAR = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffefA-Za-z0-9\s.,:;()\[\]/%+\-—·、《》“”‘’]")


@dataclass(frozen=True)
class TextLayer:
    lines: list[Line]
    chars: int
    quality: float  # share of characters that look like real text (0..1)
    image_cover: float  # share of the page covered by its largest image
    usable: bool
    reason: str


def read_text_layer(path: Path, page_no: int, *, dpi: int, min_chars: int = 15,
                    min_quality: float = 0.9, scanned_min_quality: float = 0.97) -> TextLayer:
    """Words of the page's text layer as Lines in page pixels at ``dpi``."""
    import pdfplumber

    scale = dpi / 72.0
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[page_no - 1]
        area = float(page.width * page.height) or 1.0
        cover = 0.0
        for im in page.images:
            w = max(0.0, min(im["x1"], page.width) - max(im["x0"], 0))
            h = max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
            cover = max(cover, w * h / area)
        words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False,
                                   use_text_flow=False)
    text = "".join(w["text"] for w in words)
    text = unicodedata.normalize("NFKC", text)
    chars = len(text)
    if chars == 0:
        return TextLayer([], 0, 0.0, cover, False, "no text layer")
    cid = sum(len(m) for m in _CID.findall(text))
    good = sum(1 for ch in _CID.sub("", text) if _GOOD_CHAR.match(ch))
    quality = good / chars if chars else 0.0
    if cid:
        quality = min(quality, 1 - cid / chars)
    sideways = sum(1 for w in words if not w.get("upright", True))
    if sideways > len(words) / 2:
        # a page turned by /Rotate, or text set vertically: boxes would not make lines;
        # the OCR path turns the rendered page upright and reads it instead
        return TextLayer([], chars, 0.0, cover, False, "text layer is not upright")
    lines = _group_lines(words, scale)
    if chars < min_chars:
        return TextLayer(lines, chars, quality, cover, False, f"only {chars} characters")
    threshold = scanned_min_quality if cover > 0.8 else min_quality
    if quality < threshold:
        why = "text layer over a scanned image" if cover > 0.8 else "garbled text layer"
        return TextLayer(lines, chars, quality, cover, False, f"{why} (quality {quality:.2f})")
    return TextLayer(lines, chars, quality, cover, True, "text layer")


def _group_lines(words: list[dict], scale: float) -> list[Line]:
    """Cluster words into visual lines by their vertical middle, then left to right."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"])):
        mid = (w["top"] + w["bottom"]) / 2
        height = max(1.0, w["bottom"] - w["top"])
        if rows:
            last = rows[-1]
            last_mid = sum((x["top"] + x["bottom"]) / 2 for x in last) / len(last)
            if abs(mid - last_mid) < height * 0.5:
                last.append(w)
                continue
        rows.append([w])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        # split a row where a wide horizontal gap separates columns (table cells, label/value)
        segment: list[Word] = []
        prev_x1 = None
        for w in row:
            word = Word(text=unicodedata.normalize("NFKC", w["text"]),
                        bbox=(w["x0"] * scale, w["top"] * scale, w["x1"] * scale, w["bottom"] * scale),
                        conf=1.0)
            gap = (w["x0"] - prev_x1) if prev_x1 is not None else 0
            if segment and gap > 4 * max(1.0, w["bottom"] - w["top"]):
                lines.append(make_line(segment))
                segment = []
            segment.append(word)
            prev_x1 = w["x1"]
        if segment:
            lines.append(make_line(segment))
    return lines
