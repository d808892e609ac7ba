"""The rules: Evidence + Policy + as_of -> Findings, the decided applicant, and a verdict.

Every rule is a small pure function registered by the codes it emits (validators.base).
``run_rules`` decides identity and category once, runs every registered rule, and
merges duplicate FIELD_NOT_FOUND findings (several rules may need the same field).
"""

from __future__ import annotations

import datetime as dt
import logging

from pydantic import BaseModel, ConfigDict

from pipeline.models import Applicant, Category, Evidence, Finding
from pipeline.policy import Policy

from validators import (  # noqa: F401 - importing registers the rules
    rules_amounts,
    rules_credit,
    rules_crypto,
    rules_documents,
    rules_identity,
    rules_license,
    rules_report,
    rules_review,
    rules_seals,
)
from validators.base import REGISTRY, RuleContext
from validators.identity import decide_category, decide_identity
from validators.names import norm_uscc
from validators.decision import exit_code, verdict

log = logging.getLogger(__name__)

__all__ = ["RuleOutcome", "run_rules", "verdict", "exit_code", "REGISTRY"]

_SEV_ORDER = {"error": 0, "warning": 1, "info": 2}


class RuleOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    applicant: Applicant
    category: Category | None = None
    requested_amount: float | None = None
    findings: list[Finding]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    out = []
    for f in findings:
        ident = (f.code, f.doc_type, f.file, f.page, f.evidence.get("subject"))
        if ident in seen:
            continue
        seen.add(ident)
        out.append(f)
    return out


def build_context(evidence: Evidence, policy: Policy, as_of: dt.date) -> RuleContext:
    identity = decide_identity(evidence, policy)
    category, _, _ = decide_category(evidence, policy)
    return RuleContext(evidence=evidence, policy=policy, as_of=as_of, identity=identity, category=category)


def _requested_amount(ctx: RuleContext) -> float | None:
    hit = rules_amounts.requested(ctx, [])
    return hit[2] if hit else None


def run_rules(evidence: Evidence, policy: Policy, as_of: dt.date) -> RuleOutcome:
    ctx = build_context(evidence, policy, as_of)
    findings: list[Finding] = []
    for name, (_codes, fn) in REGISTRY.rules.items():
        got = fn(ctx)
        log.debug("rule %s: %d finding(s)", name, len(got))
        findings.extend(got)
    findings = _dedupe(findings)
    findings.sort(key=lambda f: (_SEV_ORDER.get(str(f.severity), 3), str(f.code), f.file or "", f.page or 0))
    applicant = ctx.identity.applicant
    if applicant.uscc:
        applicant = Applicant(name=applicant.name, uscc=norm_uscc(applicant.uscc))
    return RuleOutcome(
        applicant=applicant,
        category=ctx.category,
        requested_amount=_requested_amount(ctx),
        findings=findings,
    )
