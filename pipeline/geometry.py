"""Page geometry before OCR: which way is up, and how far the scan is tilted.

Both estimates run on a small grey copy of the page, so they cost milliseconds; only
the final rotation is applied to the full-resolution image.
"""

from __future__ import annotations

import cv2
import numpy as np



def rotate_quarter(image: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by 0/90/180/270 without resampling."""
    degrees %= 360
    if degrees == 90:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if degrees == 180:
        return cv2.rotate(image, cv2.ROTATE_180)
    if degrees == 270:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return image


def _ink(image: np.ndarray, width: int = 800) -> np.ndarray:
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    scale = width / grey.shape[1]
    small = cv2.resize(grey, (width, max(1, int(grey.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    return ink


def _profile_score(ink: np.ndarray) -> float:
    rows = ink.sum(axis=1).astype(np.float64)
    return float(np.var(np.diff(rows)))


def lines_are_vertical(image: np.ndarray) -> bool:
    """True when text lines run top to bottom, i.e. the page lies on its side.

    Smearing ink along the lines merges characters into bars; smearing across them does
    not. Whichever direction yields the more elongated bars (area-weighted log aspect) is
    the direction of the lines. Robust on sparse pages, where profile statistics are not.
    """
    ink = _without_ruling(_ink(image))
    along_x = _elongation(cv2.dilate(ink, np.ones((1, 9), np.uint8)))
    along_y = -_elongation(cv2.dilate(ink, np.ones((9, 1), np.uint8)))
    return along_y > along_x


def _without_ruling(ink: np.ndarray) -> np.ndarray:
    """Ink minus straight lines longer than a twelfth of the page (table rules, borders)."""
    h, w = ink.shape
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(15, w // 12)), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(15, h // 12), 1), np.uint8))
    rules = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    return cv2.bitwise_and(ink, cv2.bitwise_not(rules))


def _elongation(ink: np.ndarray) -> float:
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink)
    stats = stats[1:]
    stats = stats[stats[:, 4] > 30]
    if not len(stats):
        return 0.0
    w = stats[:, 2].astype(np.float64)
    h = stats[:, 3].astype(np.float64)
    return float(np.average(np.log(w / h), weights=stats[:, 4]))


def estimate_skew(image: np.ndarray, *, limit: float = 8.0, step: float = 0.25) -> float:
    """Degrees (counter-clockwise positive) that maximise the sharpness of line profiles."""
    ink = _ink(image, width=700)
    h, w = ink.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    angles = np.arange(-limit, limit + step / 2, step)
    # coarse-to-fine: 1-degree sweep, then refine around the best
    for candidates in (angles[:: int(1 / step)], None):
        if candidates is None:
            candidates = np.arange(best - 1, best + 1 + step / 2, step)
        for angle in candidates:
            m = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
            rotated = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST)
            score = _profile_score(rotated)
            if score > best_score:
                best, best_score = float(angle), score
    return round(best, 2)


def deskew_matrix(shape: tuple[int, ...], angle: float) -> np.ndarray | None:
    """The affine map ``deskew`` turns a page of ``shape`` by; None when it leaves the page
    as it is (a skew too small to matter). Boxes found on the page before it was
    straightened are moved with it (the seal bench's truth)."""
    if abs(angle) < 0.2:
        return None
    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)


def deskew(image: np.ndarray, angle: float) -> np.ndarray:
    m = deskew_matrix(image.shape, angle)
    if m is None:
        return image
    h, w = image.shape[:2]
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
