"""A photo of a sheet lying on a desk, flattened: the paper's four corners found and mapped
onto a rectangle, before the page is turned, straightened and read.

A phone held over a sheet sees it as a quadrilateral: the edge nearer the lens is longer,
the lines of text fan out, and the desk fills the margin. Deskewing turns the whole page by
one angle, so it straightens at most one part of a keystoned page; Tesseract follows a
line that drifts by a few pixels, not one whose slope changes across the page, and the
characters of the far edge are smaller than those of the near one. Estimating the page's
resolution from the photo's size counts the desk as paper too.

The paper is found as the largest bright region (Otsu's split of a small grey copy,
closed over the text), kept only when it is plainly a sheet on something darker: four
corners away from the photo's edges, a convex outline with corners near right angles,
and the region filling its quadrilateral. A scan, or a photo whose paper runs off the
frame or lies on a white desk, has no such region and is returned as it is.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

log = logging.getLogger(__name__)

LONG_SIDE = 800  # px of the small copy the paper is looked for on
CLOSE = 15  # px (small copy): text, rules and seals closed into the paper around them
MIN_AREA = 0.20  # of the photo: a smaller bright region is a label or a card, not the sheet
MAX_AREA = 0.97  # ... and a larger one is the whole frame: nothing to flatten
EDGE_CLEAR = 0.005  # of the long side: a corner nearer the photo's edge is the edge itself
MIN_FILL = 0.95  # of the quadrilateral the region must cover: a sheet, not a blob
MIN_ANGLE, MAX_ANGLE = 60.0, 120.0  # degrees at each corner of a sheet seen at a slant
MIN_CONTRAST = 40  # grey levels between the paper and the desk around it


def find_sheet(image: np.ndarray) -> np.ndarray | None:
    """The sheet's corners (top-left, top-right, bottom-right, bottom-left, as float32
    pixels of ``image``), or None when the image is not a sheet on a darker ground."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    scale = LONG_SIDE / max(h, w)
    if scale >= 1:
        return None  # a thumbnail: nothing to read on it either way
    small = cv2.resize(grey, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((CLOSE, CLOSE), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright)
    if count < 2:
        return None
    index = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    area = stats[index, cv2.CC_STAT_AREA] / small.size
    if not MIN_AREA <= area <= MAX_AREA:
        return None
    region = (labels == index).astype(np.uint8)
    quad = _quadrilateral(region)
    if quad is None or not _plausible(quad, region, small):
        return None
    return (_ordered(quad) / scale).astype(np.float32)


def _quadrilateral(region: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    perimeter = cv2.arcLength(hull, True)
    for epsilon in (0.01, 0.02, 0.03, 0.05):
        quad = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(quad) == 4:
            return quad.reshape(4, 2).astype(np.float64)
    return None


def _plausible(quad: np.ndarray, region: np.ndarray, small: np.ndarray) -> bool:
    h, w = region.shape
    clear = EDGE_CLEAR * max(h, w)
    xs, ys = quad[:, 0], quad[:, 1]
    if xs.min() < clear or ys.min() < clear or xs.max() > w - 1 - clear or ys.max() > h - 1 - clear:
        return False  # the paper runs off the frame (or the frame is the paper)
    if not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
        return False
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(u @ v / max(1e-9, np.linalg.norm(u) * np.linalg.norm(v)))
        if not MIN_ANGLE <= np.degrees(np.arccos(np.clip(cos, -1, 1))) <= MAX_ANGLE:
            return False
    mask = np.zeros_like(region)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 1)
    inside = mask.astype(bool)
    if region[inside].mean() < MIN_FILL or region[~inside].mean() > 1 - MIN_FILL:
        return False
    paper = float(np.median(small[inside & region.astype(bool)]))
    desk = float(np.median(small[~inside]))
    return paper - desk >= MIN_CONTRAST


def _ordered(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left of the photo as it lies."""
    total = quad.sum(axis=1)
    diff = quad[:, 1] - quad[:, 0]
    return np.array([quad[np.argmin(total)], quad[np.argmin(diff)], quad[np.argmax(total)], quad[np.argmax(diff)]])


def sheet_size(corners: np.ndarray) -> tuple[float, float]:
    """Width and height of the flattened sheet: the longer of each pair of opposite edges
    (the edge nearer the lens lost the least)."""
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    return float(width), float(height)


def flatten(image: np.ndarray, corners: np.ndarray, size: tuple[float, float] | None = None) -> np.ndarray:
    """The sheet mapped onto a ``size`` rectangle (its own size unless told), desk dropped."""
    width, height = size or sheet_size(corners)
    width, height = max(1, round(width)), max(1, round(height))
    target = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    border = (255, 255, 255) if image.ndim == 3 else 255
    # cubic, as a page is enlarged to the report's resolution anyway (normalise_resolution):
    # linear blurred a 150-dpi photo's seal ring enough to be read four different ways, and
    # a stranger's seal on a review form then passed as the applicant's (seed 199 case_016)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=border)
