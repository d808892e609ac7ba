"""Seal ink on a page: where it is (``red_mask``) and the page without it (``remove_red``).

Two uses: the seal detector looks for rings in the red mask, and the body-text OCR runs on
the page with the seal ink taken out, so that a seal stamped over a name or a date does not
turn it into garbage.

Colour is judged after a white balance on the paper colour, because scanners and phone
photos add casts (yellowish, bluish, pink paper) that would otherwise move every hue.
Red is "red channel well above both others, hue not towards orange/yellow or blue": that
covers bright red, pink/magenta-ish faded ink and dark red, and leaves out black, blue and
green ink and the colour fringes of JPEG around black text (kept below an adaptive floor).
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_REDNESS = 24.0  # R - max(G, B) after white balance, on 0..255; faint pink ink is ~35-45
NOISE_K = 6.0  # the threshold is at least this many noise sigmas above the paper


def paper_gains(img_bgr: np.ndarray) -> np.ndarray:
    """Per-channel gains that bring the paper colour to white (a white-patch balance).

    The paper is the bright majority of nearly every document page, so a high percentile
    of a sparse sample is a robust estimate of it, and cheap.
    """
    if img_bgr.ndim == 2:
        return np.ones(3, dtype=np.float32)
    step = max(1, int(np.sqrt(img_bgr.shape[0] * img_bgr.shape[1] / 40000)))
    sample = img_bgr[::step, ::step].reshape(-1, 3)
    paper = np.percentile(sample, 95, axis=0).astype(np.float32)
    paper = np.maximum(paper, 64.0)
    return (255.0 / paper).astype(np.float32)


def redness(img_bgr: np.ndarray, gains: np.ndarray | None = None) -> np.ndarray:
    """R - max(G, B) after white balance, 0 where the hue is not a seal red (float32)."""
    if img_bgr.ndim == 2:
        return np.zeros(img_bgr.shape, dtype=np.float32)
    if gains is None:
        gains = paper_gains(img_bgr)
    b, g, r = cv2.split(img_bgr.astype(np.float32))
    b *= gains[0]
    g *= gains[1]
    r *= gains[2]
    gb_max = cv2.max(g, b)
    gb_min = cv2.min(g, b)
    red = r - gb_max
    chroma = r - gb_min
    # hue window: towards orange (G >> B) or towards violet/blue (B close to R) is not seal ink
    bad = ((g - b) > 0.40 * chroma) | ((b - g) > 0.80 * chroma)
    red[bad] = 0
    np.maximum(red, 0, out=red)
    return red


def threshold_for(red: np.ndarray, min_redness: float = MIN_REDNESS) -> float:
    """Adaptive redness threshold: above JPEG/scanner chroma noise, never below ``min_redness``."""
    step = max(1, int(np.sqrt(red.size / 40000)))
    sample = red[::step, ::step].ravel()
    med = float(np.median(sample))
    mad = float(np.median(np.abs(sample - med))) * 1.4826
    return max(min_redness, med + NOISE_K * mad)


def red_mask(img_bgr: np.ndarray, *, gains: np.ndarray | None = None,
             min_redness: float = MIN_REDNESS) -> np.ndarray:
    """Seal-ink pixels as uint8 0/255, the same size as the image.

    A shrunk page averages thin faded strokes with the paper around them, so the seal
    detector passes a lower ``min_redness`` for its work image.
    """
    red = redness(img_bgr, gains)
    return np.where(red >= threshold_for(red, min_redness), 255, 0).astype(np.uint8)


def remove_red(img_bgr: np.ndarray) -> np.ndarray:
    """The page with seal ink turned to paper, black text under the ink kept dark.

    Red ink barely absorbs red light, so in the red channel a seal is almost paper while
    black text stays black. Dividing the red channel by the local level of the ink itself
    (which is lower for dark red) maps ink to white and leaves text under it dark; only the
    pixels in (a slightly grown) red mask are replaced, the rest of the page is untouched.
    """
    if img_bgr.ndim == 2:
        return img_bgr
    gains = paper_gains(img_bgr)
    red = redness(img_bgr, gains)
    mask = red >= threshold_for(red)
    if not mask.any():
        return img_bgr
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    r = img_bgr[:, :, 2].astype(np.float32) * gains[2]
    # local red-channel level of the ink: mean R over the ink pixels in a neighbourhood
    ink = mask.astype(np.float32)
    k = (31, 31)
    level = cv2.boxFilter(r * ink, -1, k, normalize=True)
    weight = cv2.boxFilter(ink, -1, k, normalize=True)
    level = np.where(weight > 1e-3, level / np.maximum(weight, 1e-3), 255.0)
    level = np.clip(level, 60.0, 255.0)
    value = np.clip(r / level * 255.0, 0, 255)
    out = img_bgr.copy()
    ys, xs = np.nonzero(grown)
    v = value[ys, xs]
    for c in range(3):
        out[ys, xs, c] = np.clip(v / gains[c], 0, 255).astype(np.uint8)
    return out
