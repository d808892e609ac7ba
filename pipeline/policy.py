"""The policy as data: the bureau's thresholds, lists and names, validated at load.

Validators and extractors read every limit from here rather than from code, so the
bureau can change a cap or add a testing body by editing a YAML file and passing
``--policy``. Any defect (missing file, bad YAML, unknown key, wrong type, a category
left out) raises :class:`PolicyError`: a run against a half-understood policy could
print a ``pass`` nobody should trust.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.catalog import catalog
from pipeline.errors import PolicyError
from pipeline.models import Category, DocType, FindingCode, Severity

BUNDLED = "data/policy.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CategoryPolicy(_Strict):
    zh: str
    ratio: float | None = Field(default=None, gt=0, le=1)
    ratio_base: str | None = None  # application_form field the ratio multiplies
    cap: float | None = Field(default=None, gt=0)
    tiers: list[float] | None = None
    required_doc_types: list[DocType] = Field(default_factory=list)

    @model_validator(mode="after")
    def _limits(self) -> "CategoryPolicy":
        if self.tiers is None and self.cap is None:
            raise ValueError("a category needs either a cap or tiers")
        if (self.ratio is None) != (self.ratio_base is None):
            raise ValueError("ratio and ratio_base go together")
        if self.tiers is not None and (not self.tiers or any(t <= 0 for t in self.tiers)):
            raise ValueError("tiers must be a non-empty list of positive amounts")
        return self


class IdentityPolicy(_Strict):
    source_weights: dict[DocType, float] = Field(default_factory=dict)
    name_required: list[DocType]
    uscc_required: list[DocType]
    ocr_name_tolerance: int = Field(default=1, ge=0)
    ocr_misread_conf: float = Field(default=0.7, ge=0, le=1)


class CreditPolicy(_Strict):
    window_years: int = Field(gt=0)
    report_max_age_days: int = Field(ge=0)
    bad_record_kinds: list[str]


class GeneralModelPolicy(_Strict):
    parameter_threshold: int = Field(gt=0)


class DistrictPolicy(_Strict):
    name: str
    address_keywords: list[str] = Field(min_length=1)
    registration_authorities: list[str] = Field(min_length=1)
    registration_authority_keywords: list[str] = Field(default_factory=list)
    other_districts: list[str] = Field(default_factory=list)
    registration_authority_ocr_tolerance: int = Field(default=1, ge=0, le=2)


class LegalPersonPolicy(_Strict):
    not_independent_keywords: list[str] = Field(min_length=1)


class AuditPolicy(_Strict):
    clean_opinions: list[str] = Field(min_length=1)
    fiscal_year_offset: int = 1
    opinion_labels: dict[str, str] = Field(default_factory=dict)


class StreetReviewPolicy(_Strict):
    approve_values: list[str] = Field(min_length=1)
    opinion_labels: dict[str, str] = Field(default_factory=dict)


class InvestmentPolicy(_Strict):
    sum_tolerance: float = Field(ge=0)
    sum_tolerance_rel: float = Field(default=0.0, ge=0, lt=1)


class OcrPolicy(_Strict):
    low_confidence: float = Field(ge=0, le=1)
    field_min_confidence: float = Field(ge=0, le=1)


class ClassificationPolicy(_Strict):
    min_confidence: float = Field(ge=0, le=1)


class SealPolicy(_Strict):
    authority_keywords: list[str] = Field(min_length=1)
    authority_names: list[str] = Field(default_factory=list)
    third_party_keywords: list[str] = Field(default_factory=list)
    issuer_fields: dict[DocType, list[str]] = Field(default_factory=dict)
    special_purpose_keywords: list[str] = Field(default_factory=list)
    official_seal_shapes: list[str] = Field(default_factory=lambda: ["round", "unknown"])
    name_match_score: float = Field(default=85, ge=0, le=100)


class UnreadableHints(_Strict):
    by_extension: dict[str, str] = Field(default_factory=dict)
    by_kind: dict[str, str] = Field(default_factory=dict)
    default: str


class Policy(_Strict):
    name: str
    version: str
    categories: dict[Category, CategoryPolicy]
    required_doc_types_all: list[DocType] = Field(min_length=1)
    applicant_seal_doc_types: list[DocType]
    identity: IdentityPolicy
    credit: CreditPolicy
    general_model: GeneralModelPolicy
    district: DistrictPolicy
    legal_person: LegalPersonPolicy
    audit: AuditPolicy
    street_review: StreetReviewPolicy
    recognised_testing_bodies: list[str] = Field(min_length=1)
    project_report_sections: list[str] = Field(min_length=1)
    investment: InvestmentPolicy
    ocr: OcrPolicy
    classification: ClassificationPolicy
    seals: SealPolicy
    severities: dict[FindingCode, Severity]
    unreadable_hints: UnreadableHints

    @model_validator(mode="after")
    def _complete(self) -> "Policy":
        missing = {c.value for c in Category} - {Category(c).value for c in self.categories}
        if missing:
            raise ValueError(f"categories lacks {sorted(missing)}")
        missing = {c.value for c in FindingCode} - {FindingCode(c).value for c in self.severities}
        if missing:
            raise ValueError(f"severities lacks {sorted(missing)}")
        fields = {d: set(spec.fields) for d, spec in catalog().items()}
        for code, cat in self.categories.items():  # field names must be the catalog's
            if cat.ratio_base and cat.ratio_base not in fields[DocType.application_form]:
                raise ValueError(f"categories.{Category(code).value}.ratio_base: "
                                 f"{cat.ratio_base!r} is not an application_form field")
        for doc_type, names in self.seals.issuer_fields.items():
            unknown = set(names) - fields[DocType(doc_type)]
            if unknown:
                raise ValueError(f"seals.issuer_fields.{DocType(doc_type).value}: "
                                 f"{sorted(unknown)} not fields of that doc_type")
        return self

    def severity(self, code: FindingCode | str) -> Severity:
        return self.severities[FindingCode(code)]

    @property
    def label(self) -> str:
        """Name and version, recorded in the report so a verdict names its policy."""
        return f"{self.name} ({self.version})"

    def category(self, category: Category | str) -> CategoryPolicy:
        return self.categories[Category(category)]

    def required_doc_types(self, category: Category | str | None) -> list[DocType]:
        """The 'all' types, plus the category's own when the category is known."""
        out = list(self.required_doc_types_all)
        if category is not None:
            out += [d for d in self.category(category).required_doc_types if d not in out]
        return out


def load_policy(path: Path | None = None) -> Policy:
    """Load and validate a policy file; ``None`` means the one bundled with the package."""
    if path is None:
        where = f"bundled pipeline/{BUNDLED}"
        try:
            text = resources.files("pipeline").joinpath(BUNDLED).read_text("utf-8")
        except OSError as exc:
            raise PolicyError(f"policy file unreadable: {where}: {exc}") from exc
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except FileNotFoundError as exc:
            raise PolicyError(f"policy file not found: {where}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"policy file unreadable: {where}: {exc}") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy file is not valid YAML: {where}: {exc}") from exc
    if not isinstance(raw, dict):
        raise PolicyError(f"policy file must be a YAML mapping: {where}")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise PolicyError(f"policy file is invalid: {where}\n" + "\n".join(lines)) from exc
