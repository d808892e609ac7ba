"""Build Page objects from lines of text with plausible word boxes, for golden-text tests.

Geometry mimics a 300 dpi A4 page: CJK characters 42 px wide, ASCII 21 px, rows 70 px
apart. In a line, a tab starts a new table cell (a wide gap); a full-width space is one
character of blank (letter-spaced labels). ``style="ocr"`` splits CJK into one word per
character like Tesseract chi_sim; ``style="text"`` keeps runs between spaces as words like
a text layer.
"""

from __future__ import annotations

from pipeline.models import Line, Page, Word

CJK_W = 42
ASCII_W = 21
ROW_H = 70
LEFT = 150
CELL_GAP = 8 * CJK_W
W, H = 2480, 3508


def _char_w(c: str) -> int:
    return CJK_W if ord(c) > 0x2E80 else ASCII_W


def make_page(lines: list[str], *, number: int = 1, file: str = "doc.pdf", style: str = "text",
              conf: float | None = None, low: dict[str, float] | None = None,
              x_offsets: dict[int, int] | None = None) -> Page:
    """``low`` maps a substring to a confidence for the words inside it (OCR trouble spots);
    ``x_offsets`` indents given line indices (e.g. a value under its label)."""
    source = "ocr" if style == "ocr" else "text_layer"
    base_conf = conf if conf is not None else (0.93 if source == "ocr" else 1.0)
    out_lines = []
    for i, text in enumerate(lines):
        y0 = 120 + i * ROW_H
        y1 = y0 + CJK_W
        x = LEFT + (x_offsets or {}).get(i, 0)
        words: list[Word] = []
        for ci, cell in enumerate(text.split("\t")):
            if ci:
                x += CELL_GAP
            tokens: list[tuple[str, int]] = []  # (token, x0)
            cur, cur_x = "", x
            for c in cell:
                if c in " \u3000":
                    if cur:
                        tokens.append((cur, cur_x))
                    cur = ""
                    x += _char_w(c) if c == "\u3000" else ASCII_W
                    cur_x = x
                    continue
                if style == "ocr" and ord(c) > 0x2E80:
                    if cur:
                        tokens.append((cur, cur_x))
                    tokens.append((c, x))
                    cur, x = "", x + _char_w(c)
                    cur_x = x
                    continue
                if not cur:
                    cur_x = x
                cur += c
                x += _char_w(c)
            if cur:
                tokens.append((cur, cur_x))
            for tok, tx in tokens:
                wc = base_conf
                for sub, c_low in (low or {}).items():
                    if tok in sub or sub in tok:
                        wc = c_low
                width = sum(_char_w(c) for c in tok)
                words.append(Word(text=tok, bbox=(tx, y0, tx + width, y1), conf=wc))
        if not words:
            continue
        bbox = (min(w.bbox[0] for w in words), y0, max(w.bbox[2] for w in words), y1)
        joined = (" " if style == "ocr" else "").join(w.text for w in words)
        out_lines.append(Line(text=joined, bbox=bbox, conf=sum(w.conf for w in words) / len(words),
                              words=words))
    mean = [w.conf for ln in out_lines for w in ln.words]
    return Page(file=file, number=number, width=W, height=H, source=source,
                mean_conf=sum(mean) / len(mean) if mean else 1.0, lines=out_lines)
