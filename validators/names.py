"""Comparing company names as a reviewer would: same name despite width, spaces, script.

Only presentation differences are removed (full/half-width brackets, spaces, traditional
characters); a different character is a different name, because a one-character
difference (科技 vs 信息) is exactly the kind of error the NAME_MISMATCH rule exists for.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_DROP = re.compile(r"[\s\u3000·•・]")


@functools.cache
def _t2s():
    import opencc  # local: building the converter reads its dictionaries

    return opencc.OpenCC("t2s")


def norm_name(name: str | None) -> str:
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name))  # （） -> (), full-width letters
    text = _DROP.sub("", text)
    return _t2s().convert(text)


def norm_uscc(code: str | None) -> str:
    if not code:
        return ""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(code))).upper()


def contains_any(text: str | None, needles: list[str]) -> str | None:
    """The first needle found in the normalised text, or None."""
    hay = norm_name(text)
    for needle in needles:
        if needle and norm_name(needle) in hay:
            return needle
    return None


def nearest_place(text: str | None, places: list[str]) -> tuple[str | None, int, int]:
    """The place name that ``text`` contains with the fewest wrong characters: (place,
    its distance, the next-best distance). Substitutions only, over every window of the
    place's length: OCR misreads characters in place far more than it drops them."""
    hay = norm_name(text)
    scored = []
    for place in places:
        p = norm_name(place)
        if not p or len(hay) < len(p):
            continue
        best = min(sum(a != b for a, b in zip(hay[i:i + len(p)], p))
                   for i in range(len(hay) - len(p) + 1))
        scored.append((best, place))
    if not scored:
        return None, 99, 99
    scored.sort(key=lambda x: x[0])
    runner_up = scored[1][0] if len(scored) > 1 else 99
    return scored[0][1], scored[0][0], runner_up


def plausible_org_name(name: object) -> bool:
    """Whether a value reads as an organisation's name (ends like one, long enough)."""
    from validators.labels import labels

    text = norm_name(str(name)) if name is not None else ""
    lab = labels()
    return len(text) >= lab.org_name_min_chars and any(
        text.endswith(norm_name(s)) for s in lab.org_name_suffixes
    )


def misread_of(fld, names: list[str], *, tolerance: int, unsure_below: float) -> str | None:
    """The one name of ``names`` that an OCR-read field is a misreading of: within
    ``tolerance`` characters of it, and read unsurely somewhere (its weakest word below
    ``unsure_below``; policy identity.ocr_name_tolerance and ocr_misread_conf). A typed
    value, or one read surely throughout, is what the document says."""
    if fld.source != "ocr" or fld.weakest_conf is None or fld.weakest_conf >= unsure_below:
        return None
    from rapidfuzz.distance import Levenshtein

    read = norm_name(fld.value)
    near = [n for n in names if Levenshtein.distance(read, norm_name(n)) <= tolerance]
    return near[0] if len(near) == 1 else None
