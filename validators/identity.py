"""Who the applicant is, decided once from all documents.

Each value is backed by the documents that state it, weighted by the policy: the
business license (the registration record) outweighs any single other document and the
application form breaks ties among the rest, so with two sources the license wins, and a
license misread by OCR that no other document supports is outvoted rather than turning
every other document into a mismatch. Every document that disagrees with the decided
value is then named by the identity rules, never averaged away. A name_change
document links an old name to a new one; the applicant's name is the newest name in the
chain that starts at the decided one, and every name in the chain is legitimate.
"""

from __future__ import annotations

from pipeline.models import Applicant, Category, DocType, Document, Evidence, Field
from pipeline.policy import Policy
from stdnum.cn import uscc as uscc_std

from validators.base import Identity
from validators.names import norm_name, norm_uscc, plausible_org_name

_NORM = {"applicant_name": norm_name, "uscc": norm_uscc}


def corroborated(evidence: Evidence, doc: Document, name: str, fld: Field, floor: float) -> bool:
    """Whether another document states exactly the same name or USCC.

    An 18-character code that passes its check digit and that another reading gives
    character for character is not OCR noise, however unsure each reading was on its own.
    A name is weaker evidence (the same font can fool OCR the same way twice), so it is
    corroborated only by a document that read it with confidence (``floor``). Such a value
    is used, and needs no person to look at it.
    """
    norm = _NORM.get(name)
    if norm is None or fld.value in (None, ""):
        return False
    value = norm(str(fld.value))
    if not value or (name == "uscc" and not uscc_std.is_valid(value)):
        return False
    if name == "applicant_name" and not plausible_org_name(value):
        return False
    for other in evidence.documents:
        theirs = other.fields.get(name)
        if other is doc or theirs is None or theirs.value in (None, ""):
            continue
        if name == "applicant_name" and theirs.confidence < floor:
            continue
        if norm(str(theirs.value)) == value:
            return True
    return False


def _trusted(doc: Document, name: str, policy: Policy, evidence: Evidence | None = None) -> Field | None:
    fld = doc.fields.get(name)
    if fld is None or fld.value in (None, ""):
        return None
    if fld.confidence < policy.ocr.field_min_confidence and not (
            evidence is not None
            and corroborated(evidence, doc, name, fld, policy.ocr.field_min_confidence)):
        return None
    return fld


def _decide(
    evidence: Evidence, policy: Policy, field: str, norm, ok
) -> tuple[str | None, Document | None]:
    """The value with the most weight behind it; values failing ``ok`` only as a last resort."""
    weights = {DocType(k).value: w for k, w in policy.identity.source_weights.items()}
    docs = [
        (d, f)
        for d in evidence.documents
        if DocType(d.doc_type) is not DocType.name_change
        and (f := _trusted(d, field, policy, evidence)) is not None
        and norm(f.value)
    ]
    for pool in ([x for x in docs if ok(x[1].value)], docs):
        if not pool:
            continue
        score: dict[str, float] = {}
        best_src: dict[str, tuple[float, Document, Field]] = {}
        for doc, fld in pool:
            key, w = norm(fld.value), weights.get(DocType(doc.doc_type).value, 1.0)
            score[key] = score.get(key, 0.0) + w
            if key not in best_src or w > best_src[key][0]:
                best_src[key] = (w, doc, fld)
        top = max(score, key=lambda k: (score[k], best_src[k][0]))
        _, doc, fld = best_src[top]
        if field == "applicant_name" and fld.source == "ocr":
            doc, fld = _typed_spelling(pool, top, norm, policy) or (doc, fld)
        return str(fld.value).strip(), doc
    return None, None


def _typed_spelling(pool, top: str, norm, policy: Policy) -> tuple[Document, Field] | None:
    """The same name as a text-layer document prints it, when the winning spelling was
    only ever OCR'd, unsurely each time, and a typed one is within the OCR tolerance of it.

    OCR makes the same confusion on every scan of one font (鼎 read as 易 on the license,
    the credit report and the audit), so the scans can outvote the one document whose
    characters are the document's own. Only spelling is settled here: a typed name further
    away is another name, and weighing it stays with the votes above.
    """
    from rapidfuzz.distance import Levenshtein

    readings = [f for _, f in pool if norm(f.value) == top]
    unsure = policy.identity.ocr_misread_conf
    if any(f.source != "ocr" or f.weakest_conf is None or f.weakest_conf >= unsure for f in readings):
        return None  # typed somewhere, or read with confidence: a spelling of its own
    typed = [(d, f) for d, f in pool if f.source == "text_layer" and norm(f.value) != top
             and Levenshtein.distance(norm(f.value), top) <= policy.identity.ocr_name_tolerance]
    spellings = {norm(f.value) for _, f in typed}
    if len(spellings) != 1:
        return None  # none, or typed documents that disagree among themselves
    return typed[0]


def name_links(evidence: Evidence, policy: Policy) -> dict[str, str]:
    """old name -> new name (normalised), from every name_change document."""
    links: dict[str, str] = {}
    for doc in evidence.documents:
        if DocType(doc.doc_type).value != DocType.name_change.value:
            continue
        old, new = _trusted(doc, "old_name", policy), _trusted(doc, "new_name", policy)
        if old is not None and new is not None and norm_name(old.value) != norm_name(new.value):
            links[norm_name(old.value)] = norm_name(new.value)
    return links


def _raw_names(evidence: Evidence, policy: Policy) -> dict[str, str]:
    out: dict[str, str] = {}
    for doc in evidence.documents:
        for key in ("applicant_name", "old_name", "new_name"):
            fld = _trusted(doc, key, policy)
            if fld is not None:
                out.setdefault(norm_name(fld.value), str(fld.value).strip())
    return out


def decide_identity(evidence: Evidence, policy: Policy) -> Identity:
    name, name_doc = _decide(evidence, policy, "applicant_name", norm_name, ok=plausible_org_name)
    uscc, uscc_doc = _decide(
        evidence, policy, "uscc", norm_uscc, ok=lambda v: uscc_std.is_valid(norm_uscc(v))
    )
    linked: set[str] = set()
    if name is not None:
        links = name_links(evidence, policy)
        backward: dict[str, list[str]] = {}
        for old, new in links.items():
            backward.setdefault(new, []).append(old)
        current = norm_name(name)
        linked.add(current)
        while current in links and links[current] not in linked:  # forward to the newest
            current = links[current]
            linked.add(current)
        stack = list(linked)
        while stack:  # and back through every older name
            for old in backward.get(stack.pop(), []):
                if old not in linked:
                    linked.add(old)
                    stack.append(old)
        newest = current
        if newest != norm_name(name):
            name = _raw_names(evidence, policy).get(newest, name)
    return Identity(
        applicant=Applicant(name=name, uscc=norm_uscc(uscc) if uscc else None),
        name_source=name_doc,
        uscc_source=uscc_doc,
        linked_names=frozenset(linked),
    )


def decide_category(
    evidence: Evidence, policy: Policy
) -> tuple[Category | None, Document | None, Field | None]:
    """The category declared on the application form (code or its Chinese name)."""
    forms = [d for d in evidence.documents if DocType(d.doc_type).value == "application_form"]
    by_zh = {norm_name(c.zh): Category(k) for k, c in policy.categories.items()}
    for doc in forms:
        fld = _trusted(doc, "category", policy)
        if fld is None:
            continue
        value = str(fld.value).strip()
        if value in {c.value for c in Category}:
            return Category(value), doc, fld
        if norm_name(value) in by_zh:
            return by_zh[norm_name(value)], doc, fld
    return None, (forms[0] if forms else None), None
