"""The rules' vocabulary (validators/data/labels.yaml), validated once at first use."""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from pipeline.errors import DataFileError


class Labels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    term_no_end: list[str]
    test_pass_values: list[str]
    enum_zh: dict[str, str]
    field_zh: dict[str, str]
    org_name_suffixes: list[str]
    org_name_min_chars: int
    org_markers: list[str]

    def zh(self, value: object) -> str:
        return self.enum_zh.get(str(value), str(value))

    def field(self, name: str) -> str:
        return self.field_zh.get(name, name)


@functools.cache
def labels() -> Labels:
    try:
        text = resources.files("validators").joinpath("data/labels.yaml").read_text("utf-8")
        return Labels.model_validate(yaml.safe_load(text))
    except Exception as exc:  # noqa: BLE001 - any defect in the file stops the run
        raise DataFileError(f"validators/data/labels.yaml is invalid: {exc}") from exc
