"""Label synonyms (data/labels.yaml) and closed vocabularies (data/vocab.yaml), validated at load.

A broken data file stops the run with DataFileError rather than silently extracting less.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field as PydField

from pipeline.catalog import catalog
from pipeline.errors import DataFileError
from pipeline.models import DocType

Kind = Literal["org", "person", "text", "address", "uscc", "date", "money", "int", "year",
               "params", "phone", "term", "category", "opinion", "result", "tier", "street"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldSpec(_M):
    kind: Kind
    labels: list[str] = PydField(min_length=1)
    anchored: list[str] = PydField(default_factory=list)
    fallback: Literal["last_date", "any_uscc", "authority", "issue_date", "street", "address_row"] | None = None


class Settings(_M):
    low_confidence: float = PydField(ge=0, le=1)
    cell_gap_em: float = PydField(gt=0)
    below_rows: int = PydField(ge=0)


class Labels(_M):
    settings: Settings
    stop_labels: list[str]
    doc_types: dict[DocType, dict[str, FieldSpec]]


class Vocab(_M):
    categories: dict[str, list[str]]
    checked_marks: list[str]
    unchecked_marks: list[str]
    street_opinion: list[tuple[str, list[str]]]
    test_result: list[tuple[str, list[str]]]
    tiers: dict[int, list[str]]
    audit_opinion: list[tuple[str, list[str]]]
    credit_sections: dict[str, list[str]]
    credit_none: list[str]
    credit_other_sections: list[str]
    report_sections: dict[str, list[str]]
    case_sections: dict[str, list[str]]
    streets: list[str]
    authority_suffixes: list[str]
    authority_places: list[str] = PydField(default_factory=list)
    total_words: list[str]
    audit_signoff: list[str] = PydField(default_factory=lambda: ["注册会计师"])
    company_dates: list[str] = PydField(default_factory=list)
    period_columns: dict[str, list[str]] = PydField(default_factory=dict)
    company_types: list[str] = PydField(default_factory=list)
    honor_issuers: list[str] = PydField(default_factory=list)


def _load(name: str) -> dict:
    text = resources.files("extractors").joinpath(f"data/{name}").read_text("utf-8")
    return yaml.safe_load(text)


@functools.cache
def labels() -> Labels:
    try:
        out = Labels.model_validate(_load("labels.yaml"))
    except Exception as exc:  # noqa: BLE001 - any defect stops the run
        raise DataFileError(f"extractors/data/labels.yaml is invalid: {exc}") from exc
    cat = catalog()
    for dt_, fields in out.doc_types.items():
        allowed = set(cat[dt_].fields) | {"term"}  # term -> term_start/term_end
        unknown = set(fields) - allowed
        if unknown:
            raise DataFileError(f"labels.yaml: {dt_.value} has fields not in the catalog: {sorted(unknown)}")
        for name, spec in fields.items():
            stray = set(spec.anchored) - set(spec.labels)
            if stray:
                raise DataFileError(f"labels.yaml: {dt_.value}.{name} anchors unknown labels {sorted(stray)}")
    return out


@functools.cache
def field_labels(*, name: str | None = None, kind: str | None = None) -> tuple[str, ...]:
    """Every label of the fields with this name, or of this kind, in every document type
    (labels.yaml), longest first: what a page-level look searches a line for."""
    found = {label for fields in labels().doc_types.values() for field, spec in fields.items()
             if (name is None or field == name) and (kind is None or spec.kind == kind) for label in spec.labels}
    return tuple(sorted(found, key=len, reverse=True))


@functools.cache
def vocab() -> Vocab:
    try:
        out = Vocab.model_validate(_load("vocab.yaml"))
    except Exception as exc:  # noqa: BLE001
        raise DataFileError(f"extractors/data/vocab.yaml is invalid: {exc}") from exc
    bad = set(out.categories) - {"general_model", "vertical_model", "adaptation_service", "security"}
    if bad:
        raise DataFileError(f"vocab.yaml: unknown category codes {sorted(bad)}")
    return out
