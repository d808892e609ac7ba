"""Cleaning a page image before OCR: what ink to take away so Tesseract reads the rest.

Two kinds of ink get in the way of the body text: seal ink stamped over it, and the
ruling of tables, which makes Tesseract's layout analysis (psm 6) treat a whole ruled
table as a picture and drop its cells (measured: scanned-field accuracy 0.67 → 0.80 and
USCC 0.40 → 1.00 on generated scans once the ruling is erased).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.models import Seal


def remove_seal_ink(image: np.ndarray, seals: list[Seal]) -> np.ndarray:
    """Seal ink turned to paper inside the seals' boxes only.

    Only there: a red title (荣誉证书 on a certificate, red letterheads) is text the
    classifier needs, and must reach the OCR like any other line.
    """
    if not seals:
        return image
    from pipeline.ink import remove_red

    out = image.copy()
    for seal in seals:
        xa, ya, xb, yb = _seal_window(seal, image.shape)
        if xb > xa and yb > ya:
            out[ya:yb, xa:xb] = remove_red(image[ya:yb, xa:xb])
    return out


def _seal_window(seal: Seal, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The seal's box grown by a tenth of its size (ink spreads past the detected ring),
    clipped to the page."""
    h, w = shape[:2]
    x0, y0, x1, y1 = seal.bbox
    pad = 0.1 * max(x1 - x0, y1 - y0)
    return max(0, int(x0 - pad)), max(0, int(y0 - pad)), min(w, int(x1 + pad)), min(h, int(y1 + pad))


def erase_ruling(image: np.ndarray, *, min_line: int | None = None) -> np.ndarray:
    """The page with long horizontal/vertical ruling lines painted white.

    Tesseract (psm 6) drops whole ruled tables on scans: the grid makes its layout
    analysis treat the region as a picture. Painting the ruling out before OCR keeps the
    cells' words, and their boxes still say which column they sit in.
    """
    if min_line is None:
        # 6 % of the page width (~150 px on A4 at 300 dpi): longer than any stroke of a
        # large title character, shorter than any table rule
        min_line = max(60, int(0.06 * image.shape[1]))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    bw = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    horiz = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (min_line, 1)))
    vert = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, min_line)))
    mask = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    out = image.copy()
    out[mask > 0] = 255
    return out


def fade_grey_seals(image: np.ndarray, seals: list[Seal]) -> np.ndarray:
    """Inside a grey seal's box (a greyscale scan or copy: no red to take away), the seal's
    mid-grey ink turned to paper and the darker text over it kept.

    The split is Otsu's threshold over the box's non-paper pixels, used only when the two
    groups are far apart (text ink vs. seal ink); a box with one kind of ink is left as is.
    Measured on the greyscale scans of the bench corpus (18 documents, real OCR): fields
    right 83 → 89 of 115, dates 9 → 11 of 18, OCR time unchanged. A 3x3 median over the
    whole page as well was measured and left out: more fields but fewer dates.

    The split takes the thin strokes of blurred text with the seal (日 read as 11, the 二
    of 二〇二五 lost): their grey is the seal's. Tried and dropped: also keeping the grey
    within 3 px of the text's dark cores, up to halfway to the seal's ink. The second
    reader was surer of three dates under grey seals in crops (0.32 → 0.53, 0.39 → 0.85),
    but on whole pages (bench_extract, seeds 11, 13, 17, 2026) it cost 3 names and 2
    amounts (the ring kept beside them) for 2 dates, 2 fields in all, against 3 fewer
    wrong values trusted.
    """
    grey_boxes = [s for s in seals if getattr(s, "colour", "red") == "grey"]
    if not grey_boxes:
        return image
    out = image.copy()
    gray = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY) if out.ndim == 3 else out
    for seal in grey_boxes:
        xa, ya, xb, yb = _seal_window(seal, gray.shape)
        box = gray[ya:yb, xa:xb]
        ink = box[box < 200]
        if ink.size < 100:
            continue
        t, dark, light = _split(ink)
        if not dark.size or not light.size or light.mean() - dark.mean() < INK_APART:
            continue
        ring = _ring_ink(gray, seal)
        if ring is not None and abs(dark.mean() - ring[0]) < abs(light.mean() - ring[0]):
            # the darker group is the seal's own ink (a dark seal with a halo of lighter
            # specks, the text a small share of the box: seed 131 case_002), so the split
            # was of the seal from its halo; the text is split from the seal within it,
            # the threshold never below the grey that the darkest fifth of the ring's ink
            # is under (the text's thin strokes are grey too: Otsu's split alone took the
            # strokes of 二 with the seal). Measured with bench_extract --cases 20 on seeds
            # 131, 127, 113 and 109 (with this session's other changes): no field lost
            t2, darker, rest = _split(dark)
            if not darker.size or not rest.size or rest.mean() - darker.mean() < INK_APART:
                continue
            t = max(t2, ring[1])
        out[ya:yb, xa:xb][box > t] = 255
    return out


INK_APART = 50  # grey levels between the means of two kinds of ink that are told apart
RING = 0.88  # the seal's ring: its box's outer band, from this share of its radius out
RING_DARK = 0.20  # the share of the ring's ink that text over the seal may be as light as


def _split(ink: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Otsu's threshold over ink grey levels, and the ink on either side of it."""
    t, _ = cv2.threshold(ink.reshape(-1, 1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return t, ink[ink <= t], ink[ink > t]


def _ring_ink(gray: np.ndarray, seal: Seal) -> tuple[float, float] | None:
    """The median grey of the ink in the outer band of the ellipse a seal's box holds (its
    ring, or the middles of a square seal's frame: the seal's own ink with hardly any
    text), and the grey ``RING_DARK`` of that ink is darker than; None when too little ink
    is there to say."""
    x0, y0, x1, y1 = (int(round(v)) for v in seal.bbox)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(gray.shape[1], x1), min(gray.shape[0], y1)
    if x1 - x0 < 20 or y1 - y0 < 20:
        return None
    box = gray[y0:y1, x0:x1]
    yy, xx = np.mgrid[0:box.shape[0], 0:box.shape[1]]
    rx, ry = box.shape[1] / 2, box.shape[0] / 2
    r = np.hypot((xx - rx) / rx, (yy - ry) / ry)
    ink = box[(r >= RING) & (r <= 1.0) & (box < 200)]
    return (float(np.median(ink)), float(np.percentile(ink, 100 * RING_DARK))) if ink.size >= 100 else None


# The paper's own brightness is estimated on a page shrunk by SHRINK, as the brightest
# level within PAPER_WINDOW cells (SHRINK * PAPER_WINDOW = 120 px, about three text heights at
# 300 dpi: every such window of a text page holds some paper between lines or characters).
SHRINK = 8
PAPER_WINDOW = 15
# Grey levels between the paper's brightest and darkest (2nd to 98th percentile) under
# which a page counts as evenly lit and is left exactly as it is. Measured on the 151
# scanned and photographed pages of the bench corpora (seeds 13 and 2026): flatbed scans
# 0-20, pages lit from one side 31-62, photos with the desk around the sheet 152-165.
PAPER_SPREAD = 25


def flatten_light(gray: np.ndarray) -> np.ndarray:
    """The page divided by the brightness of its paper, so paper is white everywhere.

    A photo lit from one side, or a scan with a shadow at the fold, is white at one edge
    and grey at the other. Tesseract binarises a page with one global threshold, and
    where the paper's grey spans as much as the gap between paper and ink (or the turn of
    a skewed photo left white corners beside grey paper), the threshold falls inside the
    paper: its dark side becomes a field of noise read as hundreds of words (a street
    review photographed at 200 dpi: 117 lines of junk at mean confidence 0.07 in 19 s;
    flattened, its 10 real lines at 0.85 in 0.4 s).

    An evenly lit page is returned as it is. Dividing every page was measured too
    (bench_extract, seed 2026): a few titles and names read better, but near dense ink
    (a grey seal's ring) the paper's estimate dips, the faded seal then took different
    strokes with it, and three dates under seals were lost.
    """
    h, w = gray.shape[:2]
    if min(h, w) < SHRINK * PAPER_WINDOW * 2:
        return gray
    small = cv2.resize(gray, (w // SHRINK, h // SHRINK), interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((PAPER_WINDOW, PAPER_WINDOW), np.uint8))
    paper = cv2.medianBlur(paper, PAPER_WINDOW)
    low, high = np.percentile(paper, (2, 98))
    if high - low < PAPER_SPREAD:
        return gray
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    flat = gray.astype(np.float32) * 255.0 / np.maximum(paper, 1.0)
    return np.clip(flat, 0, 255).astype(np.uint8)


def clean_for_ocr(image: np.ndarray, seals: list[Seal]) -> np.ndarray:
    """The page as Tesseract should see it, in grey: Tesseract greys a colour page itself,
    so the colour is dropped once the red seal ink is gone and the rest works on a third
    of the bytes. The light is evened before the grey seals are faded, whose split between
    text and seal ink assumes one level of paper."""
    page = remove_seal_ink(image, seals)
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    return erase_ruling(fade_grey_seals(flatten_light(gray), seals))
