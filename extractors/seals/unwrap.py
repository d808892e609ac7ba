"""Unrolling a seal's ring text into a straight strip that OCR can read.

The band between the outer ring and the star is sampled along curves parallel to the
fitted ellipse (not along scaled copies of it), so on an oval seal the characters keep
their size all the way round; for a round seal this is the usual polar transform. Rows
go from the outside inwards, so characters on the upper arc come out upright, and
columns go clockwise, which is the reading direction of a seal's name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Ring:
    """A seal's outer boundary in image pixels (OpenCV ellipse convention)."""

    cx: float
    cy: float
    a: float
    b: float
    angle: float  # degrees

    @property
    def minor(self) -> float:
        return min(self.a, self.b)


def _outer(ring: Ring, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Points and unit outward normals of the ellipse at parameters t."""
    ca, sa = math.cos(math.radians(ring.angle)), math.sin(math.radians(ring.angle))
    ex, ey = ring.a * np.cos(t), ring.b * np.sin(t)
    x = ring.cx + ex * ca - ey * sa
    y = ring.cy + ex * sa + ey * ca
    # normal of (a cos t, b sin t) is (b cos t, a sin t), then rotated
    nx0, ny0 = ring.b * np.cos(t), ring.a * np.sin(t)
    norm = np.hypot(nx0, ny0)
    nx0, ny0 = nx0 / norm, ny0 / norm
    return x, y, nx0 * ca - ny0 * sa, nx0 * sa + ny0 * ca


def unwrap(
    ink: np.ndarray,
    ring: Ring,
    *,
    band: tuple[float, float] = (0.07, 0.45),
    rows: int = 72,
) -> tuple[np.ndarray, np.ndarray]:
    """The ring band as a strip (rows × columns, grey, ink dark on white) and, per column,
    the image angle (radians, ellipse parameter) it came from.

    ``band`` is the depth of the band below the outer boundary, in units of the minor
    semi-axis. Columns are spaced like rows, so characters keep their aspect.
    """
    d0, d1 = band[0] * ring.minor, band[1] * ring.minor
    step = (d1 - d0) / rows
    dense = np.linspace(0.0, 2 * math.pi, 4096, endpoint=False)
    x, y, nx, ny = _outer(ring, dense)
    dm = (d0 + d1) / 2
    mx, my = x - dm * nx, y - dm * ny
    seg = np.hypot(np.diff(mx, append=mx[0]), np.diff(my, append=my[0]))
    s = np.concatenate([[0.0], np.cumsum(seg)])
    cols = max(8, int(s[-1] / step))
    ts = np.interp(np.arange(cols) * step, s, np.append(dense, 2 * math.pi))
    x, y, nx, ny = _outer(ring, ts)
    depth = d0 + np.arange(rows)[:, None] * step
    map_x = (x[None, :] - depth * nx[None, :]).astype(np.float32)
    map_y = (y[None, :] - depth * ny[None, :]).astype(np.float32)
    strip = cv2.remap(ink, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                      borderValue=255)
    return strip, ts


def roll(strip: np.ndarray, start_col: int) -> np.ndarray:
    """The circular strip started at another column."""
    return np.roll(strip, -start_col, axis=1)
