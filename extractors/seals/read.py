"""Reading a seal's ring text: refit the ring, unroll the band, OCR a few start angles.

Only the seal's own ink is read: for a red seal the strip is built from the redness of the
pixels, so body text and signatures under the seal (black/blue) vanish from it. The name
on a seal runs along the upper arc with a gap at the bottom (where a number or nothing
is), so the strip is started at that gap and the longest run of ink is taken as the name;
a couple of other starts and preparations are tried too, and the read with the best
confidence leads. A number along the lower arc and what is left of the ring line are
whited out of the strips first.

The strips are read by PP-OCR's line recogniser (see ``read_stacked``), which also gives
each character's alternatives, kept as a lattice reading for the owner matcher. Without
that model, every strip of every seal of a page is stacked into one image and read by
Tesseract in ONE call, hOCR giving the alternatives.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.seals.detect import fit_rings
from extractors.seals.unwrap import Ring, roll, unwrap
from pipeline import ink, ocr
from pipeline.models import DEFAULT_DPI, Seal

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_KEEP = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z（）()]")
BAND = (0.07, 0.46)  # ring-text band depth below the outer boundary, in minor semi-axes
ROWS = 64  # strip height in px: characters come out ~45-50 px tall


def _ink_image(img_bgr: np.ndarray, ring: Ring, colour: str) -> tuple[np.ndarray, tuple[int, int]]:
    """The seal's ink as dark-on-white grey, cropped around the ring; and the crop origin."""
    h, w = img_bgr.shape[:2]
    r = max(ring.a, ring.b) * 1.05
    x0, y0 = max(0, int(ring.cx - r)), max(0, int(ring.cy - r))
    x1, y1 = min(w, int(ring.cx + r) + 1), min(h, int(ring.cy + r) + 1)
    crop = img_bgr[y0:y1, x0:x1]
    if colour == "red" and crop.ndim == 3:
        red = ink.redness(crop, ink.paper_gains(img_bgr[::8, ::8]))
        hi = float(np.percentile(red[red > 10], 90)) if (red > 10).sum() > 50 else 60.0
        out = 255 - np.clip(red * (255.0 / max(hi, 25.0)), 0, 255)
        return out.astype(np.uint8), (x0, y0)
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    paper = float(np.percentile(grey, 95))
    # a copied red seal prints mid-grey, body text black: the ring's own level tells them apart
    local = Ring(ring.cx - x0, ring.cy - y0, ring.a, ring.b, ring.angle)
    band, _ = unwrap(grey, local, band=(0.0, 0.05), rows=6)
    return _grey_ink(grey, band, paper), (x0, y0)


def _grey_ink(grey: np.ndarray, stamp: np.ndarray, paper: float) -> np.ndarray:
    """A colourless copy's seal as dark-on-white: ``stamp`` (pixels that are surely the
    seal's ink, e.g. its ring) gives the seal's grey level; what is much darker (black body
    text, a signature written over the seal) is turned to paper, then contrast stretched."""
    inked = stamp[stamp < paper * 0.8]
    level = float(np.median(inked)) if inked.size > 50 else 0.0
    g = grey.astype(np.float32)
    if level > 60:  # the seal is clearly lighter than text: drop what is much darker
        text = (g < level * 0.6).astype(np.uint8)
        text = cv2.dilate(text, np.ones((3, 3), np.uint8)) > 0
        g[text] = paper
    dark = min(level, float(np.percentile(g, 3))) if level else float(np.percentile(g, 3))
    out = np.clip((g - dark) * (255.0 / max(paper - dark, 20.0)), 0, 255)
    return out.astype(np.uint8)


def _find_band(inkimg: np.ndarray, ring: Ring) -> tuple[float, float]:
    """Depth of the ring-text band below the outer boundary (in minor semi-axes).

    Seals differ: a thick or thin ring, a second inner ring on many oval seals, larger or
    smaller characters. The radial ink profile shows them: ring lines are rows almost fully
    inked, the text band follows with partial ink and ends where the ink thins out.
    """
    deep, _ = unwrap(inkimg, ring, band=(0.0, 0.70), rows=140)
    p = (deep < 128).mean(axis=1)
    p = np.convolve(p, np.ones(3) / 3, "same")
    step = 0.70 / len(p)
    top = p[: int(len(p) * 0.45)]
    line_thr = max(0.3, 0.6 * float(top.max()))
    lines = np.nonzero(top > line_thr)[0]
    start = int(lines.max()) + 3 if len(lines) else int(0.06 / step)
    text = p[start:]
    level = float(np.percentile(text[: int(0.35 / step)], 75)) if len(text) > 10 else 0.1
    thr = max(0.03, 0.25 * level)
    end = start
    quiet = 0
    for i in range(start, len(p)):
        if p[i] > thr:
            end = i
            quiet = 0
        else:
            quiet += 1
            if quiet > int(0.05 / step) and (i - start) * step > 0.15:
                break
    d0 = max(0.0, start * step - 0.01)
    d1 = min(0.70, end * step + 0.03)
    if d1 - d0 < 0.18:  # nothing sensible found: the usual layout
        return BAND
    return d0, d1


def _runs(density: np.ndarray, thr: float, min_gap: int) -> list[tuple[int, int]]:
    """Circular runs of columns with ink, gaps narrower than ``min_gap`` bridged."""
    n = len(density)
    on = density > thr
    if on.all() or not on.any():
        return [(0, n)] if on.any() else []
    # start the scan inside the longest empty stretch, so no bridgeable gap is cut by it
    off = np.concatenate([~on, ~on])
    best_len = best_end = run = 0
    for i, v in enumerate(off):
        run = run + 1 if v else 0
        if run > best_len:
            best_len, best_end = run, i
    start = int((best_end - min(best_len, n) // 2) % n)
    seq = np.roll(on, -start)
    runs: list[list[int]] = []
    i = 0
    while i < n:
        if seq[i]:
            j = i
            while j < n and seq[j]:
                j += 1
            if runs and i - runs[-1][1] < min_gap:
                runs[-1][1] = j
            else:
                runs.append([i, j])
            i = j
        else:
            i += 1
    return [((a + start) % n, b - a) for a, b in runs]


def _erase_lines(strip: np.ndarray, char_px: int) -> np.ndarray:
    """What is left of a ring line (a long thin horizontal stroke, often dotted) whited out:
    it is not text, and a line over a strip makes Tesseract misjudge the text line."""
    dark = (strip < 160).astype(np.uint8)
    joined = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, np.ones((1, max(3, char_px // 4)), np.uint8))
    line = cv2.morphologyEx(joined, cv2.MORPH_OPEN, np.ones((1, int(char_px * 1.6)), np.uint8))
    # a character's horizontal stroke is part of a taller shape; a ring line is thin
    thick = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((max(3, char_px // 6), 1), np.uint8))
    line = line & ~cv2.dilate(thick, np.ones((3, 3), np.uint8)).astype(bool)
    out = strip.copy()
    out[cv2.dilate(line, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def _candidates(strip: np.ndarray, ts: np.ndarray, char_px: int) -> dict[str, np.ndarray]:
    """Strips to OCR: the longest ink run (``name``), and the whole ring started in the
    middle of the gap after it (``gap``) and at the bottom of the seal (``down``); the
    whole ring from the bottom stands in for the others when there is no clear gap.

    The run is measured on the inner part of the band only: a registration number along
    the lower arc is small and sits against the ring, so it does not join the name's run.
    """
    n = strip.shape[1]
    strip = strip.copy()
    strip[(strip < 128).mean(axis=1) > 0.45] = 255  # what is left of a ring line: not text
    strip = _erase_lines(strip, char_px)
    rows = strip.shape[0]
    # the name's characters fill the band down to its inner edge; a number along the lower
    # arc is small and sits against the ring (the top rows here): columns with no ink in
    # the lower rows, away from any that have, are not the name and are whited out
    low = (strip[int(rows * 0.55):int(rows * 0.95)] < 128).sum(axis=0) >= 2
    k = int(char_px * 0.9)
    ring = np.concatenate([low[-k:], low, low[:k]]).astype(np.uint8)[None, :]  # the strip is circular
    near = cv2.dilate(ring, np.ones((1, k), np.uint8))[0, k:-k] > 0
    strip[:, ~near] = 255
    density = (strip[int(rows * 0.35):int(rows * 0.95)] < 128).mean(axis=0)
    density = np.convolve(np.concatenate([density[-3:], density, density[:3]]), np.ones(7) / 7, "same")[3:-3]
    # the bottom of the seal (image "down"): where the name starts and ends on a level stamp
    down = roll(strip, int(np.argmin(np.abs(((ts - np.pi / 2) + np.pi) % (2 * np.pi) - np.pi))))
    out = {"name": down, "gap": down, "down": down}
    runs = _runs(density, 0.02, min_gap=int(char_px * 1.2))
    if runs:
        start, length = max(runs, key=lambda r: r[1])
        if length < n * 0.95:
            pad = int(char_px * 0.8)
            out["name"] = roll(strip, (start - pad) % n)[:, : min(n, length + 2 * pad)]
            out["gap"] = roll(strip, (start + length + (n - length) // 2) % n)
    return out


def _prepare(strip: np.ndarray) -> np.ndarray:
    """Margins and a light close so speckled faded strokes OCR as strokes."""
    s = cv2.morphologyEx(strip, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # dark strokes: open = close ink
    return cv2.copyMakeBorder(s, 16, 16, 24, 24, cv2.BORDER_CONSTANT, value=255)


def _blank_neighbours(inkimg: np.ndarray, origin: tuple[int, int], others: list[Ring]) -> None:
    """White out the ring band of touching seals where it crosses this seal's crop."""
    h, w = inkimg.shape[:2]
    ox, oy = origin
    ys, xs = np.mgrid[0:h, 0:w]
    for r in others:
        t = np.radians(r.angle)
        dx, dy = xs + ox - r.cx, ys + oy - r.cy
        u = dx * np.cos(t) + dy * np.sin(t)
        v = -dx * np.sin(t) + dy * np.cos(t)
        rho = np.sqrt((u / r.a) ** 2 + (v / r.b) ** 2)
        inkimg[(rho > 0.86) & (rho < 1.06)] = 255


def _thicken(strip: np.ndarray) -> np.ndarray:
    return cv2.erode(strip, np.ones((3, 3), np.uint8))  # dark strokes grow: speckle closes


def _soften(strip: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(strip, (5, 5), 0)


def _widen(strip: np.ndarray) -> np.ndarray:
    # seal characters are narrowed to fit the arc; OCR likes them closer to square
    return cv2.resize(strip, None, fx=1.25, fy=1.0, interpolation=cv2.INTER_CUBIC)


def _binarise(strip: np.ndarray) -> np.ndarray:
    # a blurred or smeared ring (a phone photo, a low-resolution scan): hard edges read better
    _, out = cv2.threshold(strip, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return out


# (which candidate strip, which preparation): chosen on the synthetic hard cases and a
# generated corpus (owner accuracy of the set, all read in one call); no one preparation
# suits every seal: smooth for speckled faded ink, thick for thin strokes, binarised for
# smeared photos, widened for narrow characters
READ_PLAN = (("down", _soften), ("down", _thicken), ("name", _binarise), ("name", _widen))


def _flat_images(img_bgr: np.ndarray, seal: Seal) -> list[np.ndarray]:
    """A rectangular seal: its text runs in straight lines, so the box is read as it is."""
    h, w = img_bgr.shape[:2]
    x0, y0, x1, y1 = (int(v) for v in seal.bbox)
    crop = img_bgr[max(0, y0):min(h, y1), max(0, x0):min(w, x1)]
    if crop.size == 0:
        return []
    if seal.colour == "red" and crop.ndim == 3:
        red = ink.redness(crop, ink.paper_gains(img_bgr[::8, ::8]))
        hi = float(np.percentile(red[red > 10], 90)) if (red > 10).sum() > 50 else 60.0
        inkimg = (255 - np.clip(red * (255.0 / max(hi, 25.0)), 0, 255)).astype(np.uint8)
    else:
        grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
        # the frame's sides (the outer 6 % of the box) are surely the stamp's own ink
        mh, mw = max(2, int(grey.shape[0] * 0.06)), max(2, int(grey.shape[1] * 0.06))
        frame = np.concatenate([grey[:mh].ravel(), grey[-mh:].ravel(), grey[:, :mw].ravel(), grey[:, -mw:].ravel()])
        inkimg = _grey_ink(grey, frame, float(np.percentile(grey, 95)))
    # the frame is not text: blank a margin of a few percent inside the box, and the frame's
    # long straight sides wherever they run (a stamp is rarely level with the page)
    mh, mw = max(2, int(inkimg.shape[0] * 0.07)), max(2, int(inkimg.shape[1] * 0.04))
    inkimg = inkimg.copy()
    inkimg[:mh], inkimg[-mh:], inkimg[:, :mw], inkimg[:, -mw:] = 255, 255, 255, 255
    dark = np.where(inkimg < 160, 255, 0).astype(np.uint8)
    h, w = dark.shape
    segs = cv2.HoughLinesP(dark, 1, np.pi / 360, threshold=max(20, int(min(h, w) * 0.3)),
                           minLineLength=int(min(h, w) * 0.6), maxLineGap=6)
    for x0, y0, x1, y1 in ([] if segs is None else segs.reshape(-1, 4)):
        near_h = max(y0, y1) < h * 0.2 or min(y0, y1) > h * 0.8  # the frame, not a text row
        near_v = max(x0, x1) < w * 0.15 or min(x0, x1) > w * 0.85
        if near_h or near_v:
            cv2.line(inkimg, (int(x0), int(y0)), (int(x1), int(y1)), 255, max(5, int(min(h, w) * 0.05)))
    return [_prepare(prep(inkimg)) for prep in (_thicken, lambda x: x)]


def seal_images(img_bgr: np.ndarray, seal: Seal, *, dpi: int = DEFAULT_DPI,
                max_reads: int = 4) -> list[np.ndarray]:
    """The prepared images (dark text on white, with margins) to OCR for one seal: the
    unrolled ring band from a few starts and preparations, or a rectangular seal's box;
    empty when the ring cannot be found."""
    if seal.shape == "square":
        return _flat_images(img_bgr, seal)
    ring, others = fit_rings(img_bgr, seal, dpi=dpi)
    if ring is None:
        log.debug("seal on page %d: ring not refitted", seal.page)
        return []
    inkimg, (ox, oy) = _ink_image(img_bgr, ring, seal.colour)
    if others:
        _blank_neighbours(inkimg, (ox, oy), others)
    local = Ring(ring.cx - ox, ring.cy - oy, ring.a, ring.b, ring.angle)
    strip, ts = unwrap(inkimg, local, band=_find_band(inkimg, local), rows=ROWS)
    char_px = int(ROWS * 0.75)
    strips = _candidates(strip, ts, char_px)
    return [_prepare(prep(strips[which])) for which, prep in READ_PLAN[:max_reads]]


def read_seal(img_bgr: np.ndarray, seal: Seal, *, timeout: float = 30, dpi: int = DEFAULT_DPI,
              lang: str = "chi_sim", max_reads: int = 4) -> Seal:
    """One seal read on its own (see ``read_seals``, which reads a page's seals at once)."""
    return read_seals(img_bgr, [seal], timeout=timeout, dpi=dpi, lang=lang, max_reads=max_reads)[0]


def read_seals(img_bgr: np.ndarray, seals: list[Seal], *, timeout: float = 30,
               dpi: int = DEFAULT_DPI, lang: str = "chi_sim", max_reads: int = 4) -> list[Seal]:
    """The seals with ``text`` (best reading), ``readings`` (all of them) and ``lattices``
    (the recogniser's alternatives per character, see ``lattice``); a seal
    whose ring cannot be found comes back unchanged.

    Several readings are kept because ring OCR is noisy in different places each time: the
    owner matcher scores a name against each, which is far steadier than one reading.
    The unrolled rings of the page are read as one batch of text lines (``read_stacked``);
    a rectangular seal (a CPA's stamp: several lines in a box) needs layout analysis, and
    all of them on a page go to Tesseract in one call.
    """
    images: list[list[np.ndarray]] = []
    for seal in seals:
        try:
            images.append(seal_images(img_bgr, seal, dpi=dpi, max_reads=max_reads))
        except Exception as exc:  # noqa: BLE001 - one odd seal must not cost the others
            log.info("seal on page %d not prepared: %s", seal.page, exc)
            images.append([])
    if not any(images):
        return list(seals)
    if _line_recogniser() is None:
        flat = [im for ims in images for im in ims]
        try:
            per_image = iter(read_stacked_tesseract(flat, lang=lang, timeout=timeout))
        except ocr.OcrTimeout:
            log.info("seal reading timed out on page %d", seals[0].page)
            return list(seals)
        return [_with_reads(seal, [r for r in (next(per_image) for _ in ims) if r is not None])
                for seal, ims in zip(seals, images)]
    # a ring unrolls into one line of text; a rectangular seal (a CPA's stamp) holds a few
    # lines, cut apart here because the recogniser reads one line at a time
    lines_of = [[rows for im in ims for rows in [_text_rows(im) if seal.shape == "square" else [im]]]
                for seal, ims in zip(seals, images)]
    flat = [line for per_seal in lines_of for rows in per_seal for line in rows]
    per_line = iter(read_stacked(flat, lang=lang, timeout=timeout))
    # Tesseract reads the boxes too: a signature written across a CPA's stamp breaks the
    # rows apart, and its layout analysis copes with that better (both readings are kept)
    boxes = [im for seal, ims in zip(seals, images) if seal.shape == "square" for im in ims]
    try:
        per_box = iter(read_stacked_tesseract(boxes, lang=lang, timeout=timeout) if boxes else [])
    except ocr.OcrTimeout:
        per_box = iter([])
    out = []
    for seal, per_seal in zip(seals, lines_of):
        reads = [_joined([next(per_line) for _ in rows]) for rows in per_seal]
        if seal.shape == "square":
            reads += [next(per_box, None) for _ in per_seal]
        out.append(_with_reads(seal, [r for r in reads if r is not None]))
    return out


def _line_recogniser():
    from pipeline import second_reader

    return second_reader.recogniser()


def _text_rows(image: np.ndarray) -> list[np.ndarray]:
    """The lines of text of a prepared box (dark on white), each with a margin; the box
    itself when no rows can be told apart."""
    ink = (image < 128).sum(axis=1)
    on = ink > max(2, 0.01 * image.shape[1])
    rows, start = [], None
    for y, v in enumerate(list(on) + [False]):
        if v and start is None:
            start = y
        elif not v and start is not None:
            rows.append((start, y))
            start = None
    tall = max((b - a for a, b in rows), default=0)
    rows = [(a, b) for a, b in rows if b - a >= 0.35 * tall]  # specks and rules are not lines
    if len(rows) < 2:
        return [image]
    out = []
    for a, b in rows:
        m = max(4, (b - a) // 4)
        out.append(image[max(0, a - m):b + m])
    return out


def _joined(reads: list["_Read | None"]) -> "_Read | None":
    """The reads of a box's lines as one reading, top line first."""
    reads = [r for r in reads if r is not None]
    if not reads:
        return None
    if len(reads) == 1:
        return reads[0]
    text = "".join(r.text for r in reads)
    cjk = len(_CJK.findall(text))
    quality = max(r.quality for r in reads) * min(1.0, cjk / 6)
    lattice = LATTICE_MARK + "|".join(r.lattice[len(LATTICE_MARK):] for r in reads if r.lattice)
    return _Read(quality, text, lattice if lattice != LATTICE_MARK else "")


GAP = 28  # px of white between stacked images: lines never merge across it
STACK_PSM = 6  # one uniform block: the strips are all normalised to the same text height


def read_stacked(images: list[np.ndarray], *, lang: str, timeout: float
                 ) -> list["_Read | None"]:
    """One (quality, text, lattice) per strip image, None if nothing was read.

    The strips are read by the PP-OCR line recogniser (pipeline.second_reader) when it is
    installed: an unrolled ring is a single text line, which is what it is trained on, and
    on the seal bench it names the owner right far more often than Tesseract (0.880 →
    0.964 owner accuracy, same strips, ``python -m benchmarks.bench_seals``). Without it,
    Tesseract reads them stacked in one call (``read_stacked_tesseract``)."""
    engine = _line_recogniser()
    if engine is None:
        return read_stacked_tesseract(images, lang=lang, timeout=timeout)
    return [_read_of_line(reading) for reading in engine.read(images)]


def _read_of_line(reading) -> "_Read | None":
    """A second_reader.Reading as a strip read: its kept characters, their mean probability
    and a lattice of the recogniser's candidates."""
    keep = [k for k, ch in enumerate(reading.chars) if not _KEEP.fullmatch(ch)]
    if not keep:
        return None
    conf = sum(reading.probs[k] for k in keep) / len(keep)
    return _scored("".join(reading.chars[k] for k in keep), conf,
                   _lattice_of(reading.chars[k] + reading.alts[k] for k in keep))


def read_stacked_tesseract(images: list[np.ndarray], *, lang: str, timeout: float
                           ) -> list["_Read | None"]:
    """OCR several grey images in one Tesseract call: stacked top to bottom with white
    gaps, read as one block (psm 6), each recognised line given back to the image its
    vertical centre falls in."""
    width = max(im.shape[1] for im in images)
    spans, parts, y = [], [], 0
    for im in images:
        h, w = im.shape[:2]
        parts.append(cv2.copyMakeBorder(im, 0, GAP, 0, width - w, cv2.BORDER_CONSTANT, value=255))
        spans.append((y, y + h))
        y += h + GAP
    stacked = np.vstack(parts)
    lines = ocr.ocr_glyphs(stacked, lang=lang, timeout=timeout, psm=STACK_PSM)
    owned: list[list] = [[] for _ in images]
    for line in lines:
        ys = sorted((g.bbox[1] + g.bbox[3]) / 2 for g in line)
        mid = ys[len(ys) // 2]
        for i, (y0, y1) in enumerate(spans):
            if y0 <= mid < y1 + GAP // 2:
                owned[i].extend(line)
                break
    return [_read_of(glyphs) for glyphs in owned]


@dataclass(frozen=True)
class _Read:
    quality: float
    text: str
    lattice: str


LATTICE_MARK = "≈"  # a reading that starts with this is a lattice, not a text (see ``lattice``)


def lattice(glyphs) -> str:
    """The characters read and their alternatives as one string: ``≈`` then, per
    character position, the character followed by its alternatives, positions joined by
    ``|``. Kept as the seal's ``lattices`` so that the owner matcher, which knows the names
    to look for, can credit a name character the recogniser ranked second."""
    return _lattice_of([g.text, *g.choices] for g in glyphs)


def _lattice_of(positions) -> str:
    """The lattice string of per-position candidates (best first)."""
    cells = []
    for candidates in positions:
        cell = "".join(dict.fromkeys(c for c in candidates if _CJK.fullmatch(c) or c.isalnum()))
        if cell:
            cells.append(cell)
    return LATTICE_MARK + "|".join(cells)


def _read_of(glyphs) -> "_Read | None":
    text = _KEEP.sub("", "".join(g.text for g in glyphs))
    if not text:
        return None
    conf = sum(g.conf * len(g.text) for g in glyphs) / max(1, sum(len(g.text) for g in glyphs))
    return _scored(text, conf, lattice(glyphs))


def _scored(text: str, conf: float, lattice_text: str) -> _Read:
    """A read's quality: its confidence, discounted when it has fewer than six Chinese
    characters (a fragment of a name), zero with none (digits or letters alone)."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return _Read(0.0, text, "")
    return _Read(conf * min(1.0, cjk / 6), text, lattice_text)


def _with_reads(seal: Seal, reads: list[_Read]) -> Seal:
    """The best reading as the seal's text, every distinct reading kept, and every attempt's
    lattice, alike ones too: the owner matcher counts attempts (how many read a stranger's
    name surely, how many had the applicant's among their candidates), and four attempts
    reading 松江区教育信息中心 alike are four, not one (a user's seal on an acceptance
    certificate, read so, had been left unknown)."""
    if not reads:
        return seal
    reads = sorted(reads, key=lambda r: -r.quality)
    readings = list(dict.fromkeys(r.text for r in reads))
    lattices = [r.lattice for r in reads if r.lattice]
    return seal.model_copy(update={"text": reads[0].text, "readings": readings, "lattices": lattices})
