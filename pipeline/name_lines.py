"""A last look at a company's name where the company stamped its seal over it.

A cover page or a form signs off with 申报单位（盖章）：上海某某科技有限公司, and the applicant's
seal lands on the name. Tesseract joins the name to the seal's ring into one line two or
three text heights tall, and the second reader's crop of that line reads ring: seed 41's
上海泽岳信息技术有限公司 came out as 上海泽后f入了, seed 29's 上海澜舟网络科技有限公司 as
上海澜舟网略科技有了帮可. With no legal suffix left, no field extractor takes it for a
name, and the document has no applicant.

So a stretch under a seal, on a line that names the applicant (a label of the applicant's
name, or a 公司 / 有限 left in it) and with no whole company name in it, is read by the line
recogniser from several views: the page as scanned and as cleaned, each as bands of text
height around the densest rows (``BANDS``), reaching wider than Tesseract's box. Cleaning
is no help under a grey seal (it fades the text's grey strokes with the seal's), and the
scan's band reads the name through the ring's ink.

A company name (up to its legal suffix) that two kinds of view read alike, each at least
``SEEN`` sure of every character, or one view ``SURE`` of every character, replaces the
words under it. Views that name different companies as often give nothing. A stretch that
already holds a whole company name is left as Tesseract read it: this look only gives a
name where there was none.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from pipeline.date_lines import SEEN, SURE, read_and_replace, under_a_seal
from pipeline.models import Line, Seal
from pipeline.second_reader import (
    Reading, compact, densest_band, line_stretches, recogniser, span_box, usual_height)

log = logging.getLogger(__name__)

# SURE and SEEN mean for a name what they mean for a date (pipeline.date_lines)
BANDS = (1.4, 2.0)  # text heights of the bands read around the densest rows
WIDEN = 3.0  # text heights the bands reach beyond Tesseract's box on each side
MAX_CROPS = 12  # per page: a page of seals over text must not cost seconds

# an applicant is a company: the legal forms its name ends with
_COMPANY = re.compile(r"[\u4e00-\u9fff()]{2,40}?(?:股份有限公司|有限责任公司|有限公司|分公司|合伙企业)")
_PARTIAL = ("公司", "有限")


def _applicant_labels() -> tuple[str, ...]:
    """Every label of an applicant's name, of every document type (labels.yaml)."""
    from extractors.vocab import field_labels

    return field_labels(name="applicant_name")


_SIGN_HERE = re.compile(r"^[(（〈<\[]?[盖签][章字][)）〉>\]]?")


def names_expected(line_text: str, stretch_text: str) -> bool:
    """The stretch may hold the applicant's name: it follows a label of that name on its
    line (申报单位（盖章）：, with at least two characters after it), or a part of a legal
    suffix is left in it; and it holds no whole company name already. A label with nothing
    after it (申报单位（盖章） above a blank for the seal), or a sentence, is no name."""
    stretch, line = compact(stretch_text), compact(line_text)
    if _COMPANY.search(stretch):
        return False
    if any(p in stretch for p in _PARTIAL):
        return True
    ends = [line.rfind(label) + len(label) for label in _applicant_labels() if label in line]
    if not ends:
        return False
    after = _SIGN_HERE.sub("", line[max(ends):]).lstrip(":：;；,，. ")
    if not 2 <= len(after) <= 40 or "。" in after:
        return False  # a sentence follows the label (申报单位意见：以上材料真实有效。), not a name
    return line.find(stretch) + len(stretch) > len(line) - len(after)


def recheck_names(clean: np.ndarray, scanned: np.ndarray, lines: list[Line],
                  seals: list[Seal]) -> tuple[list[Line], int]:
    """The page's lines with the company names the views agree on; and how many crops were read."""
    engine = recogniser()
    if engine is None or not lines or not seals:
        return lines, 0
    text_height = usual_height([w for line in lines for w in line.words])
    jobs: list[tuple[int, int, int, list]] = []
    for li, line in enumerate(lines):
        for lo, hi in line_stretches(line.words):
            box = span_box(line, lo, hi, clean.shape)
            stretch = "".join(w.text for w in line.words[lo:hi])
            if not under_a_seal(box, seals) or not names_expected(line.text, stretch):
                continue
            views = []
            for k, share in enumerate(BANDS):
                band = densest_band(clean, box, int(share * text_height), int(WIDEN * text_height))
                views += [(f"{name}:band{k}", band, image[band[1]:band[3], band[0]:band[2]])
                          for name, image in (("clean", clean), ("scanned", scanned))]
            jobs.append((li, lo, hi, views))
    return read_and_replace(engine, lines, jobs, MAX_CROPS, "name", lambda _words, views: agreed_name(views))


def suffix_mended(reading: Reading) -> Reading:
    """The reading with the 公 of 有限公司 put back where the seal's ink took it: 有限司, or
    有限 and 司 around one character the recogniser was unsure of (有限登司, 登 at 0.31).
    No name ends otherwise, so the legal suffix is known; the character put back counts as
    ``SEEN`` sure, no more, and a name with it needs a second view."""
    chars, probs, xs = list(reading.chars), list(reading.probs), list(reading.xs)
    for k in range(len(chars) - 1, 1, -1):
        if chars[k - 2:k] != ["有", "限"]:
            continue
        if chars[k] == "司":
            chars.insert(k, "公")
            probs.insert(k, SEEN)
            xs.insert(k, (xs[k - 1] + xs[k]) / 2)
        elif chars[k] != "公" and k + 1 < len(chars) and chars[k + 1] == "司" and probs[k] < SURE:
            chars[k], probs[k] = "公", SEEN
    if chars == list(reading.chars):
        return reading
    return Reading(tuple(chars), tuple(probs), tuple(xs))


def _names(reading: Reading) -> list[tuple[str, int, int]]:
    """Company names in a reading, with their character offsets (one per reading step)."""
    text = "".join(compact(c) or c for c in reading.chars)
    if len(text) != len(reading.chars):
        return []
    return [(m.group(0), m.start(), m.end()) for m in _COMPANY.finditer(text)]


def agreed_name(views: list[tuple[Reading, tuple[int, int, int, int], str]]):
    """The view to take and its name's characters (reading, box, j1, j2), or None."""
    found: dict[str, dict[str, tuple]] = {}  # name -> {kind: (sureness, reading, box, j1, j2)}
    for reading, box, kind in views:
        reading = suffix_mended(reading)
        for name, j1, j2 in _names(reading):
            sureness = min(reading.probs[j1:j2])
            kinds = found.setdefault(name, {})
            if sureness >= SEEN and sureness > kinds.get(kind, (0.0,))[0]:
                kinds[kind] = (sureness, reading, box, j1, j2)
    found = {name: kinds for name, kinds in found.items() if kinds}
    if not found:
        return None
    name, kinds = max(found.items(), key=lambda kv: (len(kv[1]), max(v[0] for v in kv[1].values())))
    if any(other != name and len(v) == len(kinds) for other, v in found.items()):
        return None  # the views name different companies as often
    best = max(kinds.values(), key=lambda v: v[0])
    if len(kinds) < 2 and best[0] < SURE:
        return None
    return best[1:]
