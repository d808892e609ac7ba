"""The applicant's name and credit code across a submission: OCR misreadings put right by
the other documents.

Tesseract chi_sim misreads the rarer characters of company names on scans (鼎 as 易, 穹 as
容, 砺 as 大) while the same name is printed exactly in the submission's text-layer
documents, or read the same way on several scans. A scanned document's name that differs
from that reference only in one or two characters, with the OCR unsure of at least one
word of it, is a misreading of the reference, not another company: it takes the
reference's spelling, keeps what was read in ``raw`` and says so in ``note``.

What is never merged: names two or more characters longer or shorter or with more
differences, names the OCR read with full confidence, and any name that a name-change document (名称变更) lists as an
old or new name of the applicant - those differences are the rules' business. A credit
code (uscc) is merged the same way, only where each different character is a known OCR
confusion (extractors.uscc.CONFUSIONS): a misread code may pass its check by chance.
"""

from __future__ import annotations

import logging
from collections import Counter

from rapidfuzz.distance import Levenshtein

from pipeline.models import Document, Field

from extractors.normalize import fold

log = logging.getLogger(__name__)

FIELD = "applicant_name"
REFERENCE_MIN_CONF = 0.9  # a text-layer reading at least this sure is a reference
SURE_WORD = 0.9  # an OCR value whose weakest word is this sure is not second-guessed
MERGED_CONF = 0.8  # the merged value: the reference's spelling, but this page's evidence


def name_key(name: str) -> str:
    return fold(name).replace(" ", "")


def weakest(fld: Field) -> float:
    """How sure the reading was of the value's least certain word (its confidence when
    that is not known)."""
    return fld.weakest_conf if fld.weakest_conf is not None else fld.confidence


def max_differences(name: str) -> int:
    """One substitution in a short name, two from 12 characters on."""
    return 1 if len(name) < 12 else 2


def name_differences(a: str, b: str) -> int | None:
    """Edits between two readings: substitutions, or one character more or less (a speck
    read as a character, a faint one lost); None when the lengths differ by more."""
    if abs(len(a) - len(b)) > 1:
        return None
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b))
    return Levenshtein.distance(a, b)


def reference_names(documents: list[Document], field: str = FIELD) -> dict[str, str]:
    """The applicant's name as the submission states it most reliably.

    Text-layer readings first (the characters are the document's own); without any, a
    name read identically from at least two scans. Keyed by the folded name, most common
    first; the values are the documents' own spelling.
    """
    names = [d.fields[field] for d in documents
             if field in d.fields and isinstance(d.fields[field].value, str)]
    spelled = {name_key(f.value): f.value for f in names}
    # a typed credit code is the document's own characters even when its check character
    # fails (its confidence is lowered for that): an invalid code printed on the form is
    # the one every scan shows, not whatever valid code a scan's repair arrived at
    typed = Counter(name_key(f.value) for f in names
                    if f.source == "text_layer" and (f.confidence >= REFERENCE_MIN_CONF or field == "uscc"))
    if typed:
        return {k: spelled[k] for k, _ in typed.most_common()}
    scanned = Counter(name_key(f.value) for f in names)
    return {k: spelled[k] for k, n in scanned.most_common() if n >= 2}


def _listed_names(documents: list[Document]) -> set[str]:
    """Old and new names that name-change documents state: real differences."""
    out = set()
    for d in documents:
        for key in ("old_name", "new_name"):
            fld = d.fields.get(key)
            if fld is not None and isinstance(fld.value, str):
                out.add(name_key(fld.value))
    return out


def _uscc_differences(a: str, b: str) -> int | None:
    """Characters two codes differ in, when every difference is an OCR confusion (4/A, Q/0)."""
    from extractors.uscc import CONFUSIONS

    if len(a) != len(b):
        return None
    pairs = [(x, y) for x, y in zip(a, b) if x != y]
    if any(y not in CONFUSIONS.get(x, "") and x not in CONFUSIONS.get(y, "") for x, y in pairs):
        return None
    return len(pairs)


# What the pipeline reconciles (pipeline.check.build_documents): the credit code only. A
# name one character off the typed one is not merged there: a real earlier name of the
# applicant differs by one character just as often (易算 → 易创), and merging it on a scan
# whose OCR was unsure of some other word of the name hid that NAME_MISMATCH (measured:
# 1 of 4 such plants). The rules report such a name as a probable misreading instead.
PIPELINE_FIELDS = ("uscc",)


def reconcile_names(documents: list[Document], fields: tuple[str, ...] = (FIELD, "uscc")) -> list[Document]:
    """Documents with OCR misreadings of the applicant's name and of its credit code (a
    misread code can pass its check character by chance, one in 31) replaced by the
    reference; ``fields`` chooses which of the two."""
    out = documents
    for field, distance, listed in (
            (FIELD, name_differences, _listed_names(documents)),
            ("uscc", _uscc_differences, set())):
        if field not in fields:
            continue
        refs = reference_names(out, field)
        if not refs:
            continue
        merged_docs = []
        for doc in out:
            fld = doc.fields.get(field)
            merged = (_merge(fld, refs, listed, distance, corroborate=field == "uscc")
                      if fld is not None else None)
            if merged is not None:
                doc = doc.model_copy(update={"fields": {**doc.fields, field: merged}})
            merged_docs.append(doc)
        out = merged_docs
    return out


def _merge(fld: Field, refs: dict[str, str], listed: set[str], distance, *,
           corroborate: bool = False) -> Field | None:
    """The field merged into the reference it misreads; or, with ``corroborate``, a field
    read exactly as a reference raised to ``MERGED_CONF``: a scan's code that fails its
    check character (its confidence is lowered for that) but reads exactly as the form
    typed it is that code, not a misreading to doubt (FIELD_NOT_FOUND beside USCC_INVALID
    said the same thing twice)."""
    if fld.source != "ocr" or not isinstance(fld.value, str):
        return None
    read = name_key(fld.value)
    if read in refs and corroborate and fld.confidence < MERGED_CONF:
        note = "；".join(n for n in (fld.note, "与本申报其他材料所载一致") if n)
        return fld.model_copy(update={"confidence": MERGED_CONF, "note": note})
    if read in refs or read in listed:
        return None
    if weakest(fld) >= SURE_WORD:
        return None
    close = [r for r in refs if (n := distance(read, r)) is not None and 0 < n <= max_differences(r)]
    if len(close) != 1:
        return None  # none, or two references it could be: leave it to the rules
    ref = close[0]
    diffs = "，".join(f"“{a}”→“{b}”" for a, b in zip(read, ref) if a != b) if len(read) == len(ref) else f"“{read}”"
    ref = refs[ref]
    note = "；".join(n for n in (fld.note, f"按本申报其他材料校正识别错误({diffs})") if n)
    log.debug("%s read as %s: merged", ref, read)
    return fld.model_copy(update={"value": ref, "note": note,
                                  "confidence": round(max(min(fld.confidence, MERGED_CONF), 0.6), 3)})
