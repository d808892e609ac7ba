"""The field catalog (data/doc_types.yaml): which fields each doc_type carries."""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from pipeline.errors import DataFileError
from pipeline.models import DocType


class DocTypeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str
    fields: dict[str, str]


@functools.cache
def catalog() -> dict[DocType, DocTypeSpec]:
    text = resources.files("pipeline").joinpath("data/doc_types.yaml").read_text("utf-8")
    try:
        raw = yaml.safe_load(text)["doc_types"]
        out = {DocType(k): DocTypeSpec.model_validate(v) for k, v in raw.items()}
    except Exception as exc:  # noqa: BLE001 - any defect in the file stops the run
        raise DataFileError(f"pipeline/data/doc_types.yaml is invalid: {exc}") from exc
    missing = set(DocType) - set(out)
    if missing:
        raise DataFileError(f"doc_types.yaml lacks {sorted(m.value for m in missing)}")
    return out


def zh_name(doc_type: DocType | str) -> str:
    return catalog()[DocType(doc_type)].zh
