"""Text clean-up applied before any matching: one place, so every extractor sees the same text.

OCR (Tesseract chi_sim) puts spaces between CJK characters and text layers letter-space
labels (``名　　称``); scanned copies of machine-converted pages may be in traditional
characters. Matching runs on the cleaned form; values keep the document's own wording.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
# whitespace with a CJK character (or full-width punctuation) on at least one side
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}])[\\s\u3000]+|[\\s\u3000]+(?=[{_CJK}])")
_MULTI_SPACE = re.compile(r"[ \t\u00a0\u3000]+")


@functools.cache
def _converter():
    import opencc  # imported lazily: building the converter reads its dictionaries

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s); simplified text passes through unchanged."""
    if not text:
        return text
    return _converter().convert(text)


def squash_cjk(text: str) -> str:
    """Remove whitespace next to CJK characters; collapse other runs to one space."""
    text = _SPACE_NEAR_CJK.sub("", text)
    return _MULTI_SPACE.sub(" ", text).strip()


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The matching form: simplified, NFKC (full-width → ASCII), CJK whitespace removed.

    NFKC maps ``（`` to ``(`` and ``：`` to ``:``, so patterns need one spelling only.
    """
    text = to_simplified(text)
    text = unicodedata.normalize("NFKC", text)
    return squash_cjk(text)


# what OCR makes of an opening round bracket on scans: 智算集群扩容〈算力卡) (seed 131 case_012)
_OPEN_LOOKALIKE = re.compile(r"[〈《【\[<{「『]([^()（）〈《【\[<{「『〉》】\]>}」』]*)([)）])")


def paired_brackets(text: str) -> str:
    """An opening bracket misread as another kind, closed by a round one, made round
    again. Only where the round closer has no opener of its own: 《标题》 and (注) stand."""
    return _OPEN_LOOKALIKE.sub(lambda m: ("（" if m[2] == "）" else "(") + m[1] + m[2], text)


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


def clean_value(text: str) -> str:
    """A value as reported: CJK spacing removed, separators trimmed, script simplified."""
    text = squash_cjk(to_simplified(text))
    return text.strip(" :：;；,，、|｜[]【】·.。_—-")
