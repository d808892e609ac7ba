"""The spaCy pipeline: blank Chinese, an entity ruler fed from data/patterns.jsonl, and
three small registered components.

No trained Chinese model can be installed here, so entities come from token patterns
over spaCy's character segmentation (ORG by legal suffix, ADDR 上海市…区…路…号, DATE,
MONEY, PERSON after its label). The components fix what patterns cannot express:
greedy ORG prefixes swallow the running text before a name, PERSON matches include
their label, and every DATE/MONEY gets its normalised value. Build it once per process
(``build_nlp``) and pass it in; nothing is built at import.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from pipeline.errors import DataFileError

PATTERNS = "data/patterns.jsonl"


@functools.cache
def _settings() -> dict:
    raw = yaml.safe_load(resources.files("extractors").joinpath("data/nlp.yaml").read_text("utf-8"))
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), list) for k in ("org_lead_words", "person_labels", "addr_lead_words")):
        raise DataFileError("extractors/data/nlp.yaml needs lists org_lead_words and person_labels")
    return raw


@functools.cache
def _label_words() -> tuple[str, ...]:
    """Every label of labels.yaml: a name run into the next label ends where it starts."""
    from extractors.vocab import labels

    cfg = labels()
    words = set(cfg.stop_labels)
    for fields in cfg.doc_types.values():
        for spec in fields.values():
            words.update(lab for lab in spec.labels if len(lab) >= 2)
    return tuple(sorted(words, key=len, reverse=True))


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Span

    if not Span.has_extension("value"):
        Span.set_extension("value", default=None)
    if "precheck_org_trim" in Language.factories:
        return

    @Language.component("precheck_org_trim")
    def org_trim(doc):
        """Cut an ORG/ADDR after the last lead word inside it (审计了 | 某某有限公司)."""
        leads_by_label = {
            "ORG": sorted(_settings()["org_lead_words"], key=len, reverse=True),
            "ADDR": sorted(_settings()["addr_lead_words"], key=len, reverse=True),
        }
        ents = []
        for ent in doc.ents:
            if ent.label_ in leads_by_label:
                leads = leads_by_label[ent.label_]
                text = ent.text
                cut = 0
                if ent.label_ == "ADDR" and text.find("上海市") > 0:
                    cut = text.find("上海市")
                for w in leads:
                    k = text.rfind(w)
                    if k >= 0 and len(text) - (k + len(w)) >= 4:
                        cut = max(cut, k + len(w))
                if cut:
                    start = ent.start_char + cut
                    new = doc.char_span(start, ent.end_char, label=ent.label_, alignment_mode="expand")
                    ent = new if new is not None else ent
            ents.append(ent)
        doc.ents = ents
        return doc

    @Language.component("precheck_after_label")
    def after_label(doc):
        """Drop the label (and colon) from PERSON entities matched after it."""
        labels = sorted(_settings()["person_labels"], key=len, reverse=True)
        ents = []
        for ent in doc.ents:
            if ent.label_ == "PERSON" and ent.ent_id_ == "after_label":
                text = ent.text
                lab = next((lab for lab in labels if text.startswith(lab)), "")
                k = len(lab)
                while k < len(text) and text[k] in ":：":
                    k += 1
                end = ent.end_char
                rest = text[k:]
                cut = min((rest.find(w) for w in _label_words() if rest.find(w) >= 2), default=len(rest))
                end = ent.start_char + k + min(cut, 4)
                new = doc.char_span(ent.start_char + k, end, label="PERSON")
                if new is None or len(new.text) < 2:
                    continue
                ent = new
            ents.append(ent)
        doc.ents = ents
        return doc

    @Language.component("precheck_values")
    def values(doc):
        """Normalised value of every DATE (ISO) and MONEY (yuan) entity in ``ent._.value``."""
        from extractors.normalize import parse_date, parse_money

        for ent in doc.ents:
            if ent.label_ == "DATE":
                d = parse_date(ent.text)
                ent._.value = d.isoformat() if d else None
            elif ent.label_ == "MONEY":
                ent._.value = parse_money(ent.text)
        return doc


def build_nlp():
    """spacy.blank("zh") + entity_ruler(patterns.jsonl) + the precheck components."""
    import spacy

    _register()
    _settings()
    nlp = spacy.blank("zh")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None, "overwrite_ents": True})
    path = resources.files("extractors").joinpath(PATTERNS)
    try:
        with resources.as_file(path) as p:
            ruler.from_disk(p)
    except Exception as exc:  # noqa: BLE001 - a broken pattern file stops the run
        raise DataFileError(f"extractors/{PATTERNS} is invalid: {exc}") from exc
    if not ruler.patterns:
        raise DataFileError(f"extractors/{PATTERNS} holds no patterns")
    nlp.add_pipe("precheck_org_trim")
    nlp.add_pipe("precheck_after_label")
    nlp.add_pipe("precheck_values")
    return nlp


def entities(nlp, text: str) -> list[tuple[str, str, int, int, Any]]:
    """(label, text, start, end, value) of each entity in ``text`` (already folded)."""
    doc = nlp(text)
    return [(e.label_, e.text, e.start_char, e.end_char, e._.value) for e in doc.ents]


# fields the entity path may fill when the label path found nothing: field -> (label, suffixes)
_ENTITY_FALLBACK: dict[str, tuple[str, tuple[str, ...]]] = {
    "applicant_name": ("ORG", ("公司",)),
    "audit_firm": ("ORG", ("会计师事务所", "会计师事务所(特殊普通合伙)")),
    "address": ("ADDR", ()),
    "location": ("ADDR", ()),
    "legal_representative": ("PERSON", ()),
    "contact_person": ("PERSON", ()),
}


def fill_from_entities(nlp, reader, fields: dict, wanted: set[str]) -> None:
    """Fill still-missing fields from entities found row by row (the pattern path)."""
    from extractors.layout import Span
    from extractors.reader import Found
    from extractors.values import Parsed

    missing = [f for f in _ENTITY_FALLBACK if f in wanted and f not in fields]
    if not missing:
        return
    for row in reader.all_rows():
        if not missing:
            break
        for label, text, a, b, _value in entities(nlp, row.chars):
            for name in list(missing):
                want_label, suffixes = _ENTITY_FALLBACK[name]
                if label != want_label or (suffixes and not text.endswith(suffixes)):
                    continue
                value = text.replace("(", "（").replace(")", "）")
                found = Found(Parsed(value, 0.8, note="由实体识别补充"), [Span(row, a, b)])
                fields[name] = reader.make(found)
                missing.remove(name)
