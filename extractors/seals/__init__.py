"""Seals on page images: detection, ring-text reading, and whose seal it is."""

from extractors.seals.detect import detect_seals
from extractors.seals.owner import assign_owner
from extractors.seals.read import read_seal, read_seals

VERSION = "seals-10"

__all__ = ["VERSION", "assign_owner", "detect_seals", "read_seal", "read_seals"]
