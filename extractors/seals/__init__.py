"""Seals on page images: detection, ring-text reading, and whose seal it is."""

from extractors.seals.detect import detect_seals

VERSION = "seals-1"

__all__ = ["VERSION", "detect_seals"]
