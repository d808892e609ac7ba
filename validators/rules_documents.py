"""Rules about the submission as a whole: files, pages, classification, completeness."""

from __future__ import annotations

import math
from pathlib import PurePosixPath

from pipeline.catalog import zh_name
from pipeline.models import DocType, Finding, FindingCode

from validators.base import RuleContext, finding, policy_side, rule, side


@rule(FindingCode.UNREADABLE_FILE)
def unreadable_file(ctx: RuleContext) -> list[Finding]:
    hints = ctx.policy.unreadable_hints
    out = []
    for sf in ctx.evidence.submission.files:
        if not sf.problem:
            continue
        ext = PurePosixPath(sf.path).suffix.lower()
        hint = hints.by_extension.get(ext) or hints.by_kind.get(sf.problem_kind or "") or hints.default
        out.append(
            finding(
                ctx,
                FindingCode.UNREADABLE_FILE,
                f"文件“{sf.path}”无法读取（{sf.problem}）：{hint}",
                subject=sf.path,
                file=sf.path,
                found=side("文件", sf.path, source=sf.path),
                problem=sf.problem,
                problem_kind=sf.problem_kind,
            )
        )
    return out


def _quality(pq) -> float:
    """How well the page's Chinese text was read (all words when it has none)."""
    return pq.text_conf if pq.text_conf is not None else pq.mean_conf


@rule(FindingCode.LOW_OCR_CONFIDENCE)
def low_ocr_confidence(ctx: RuleContext) -> list[Finding]:
    floor = ctx.policy.ocr.low_confidence
    out = []
    for pq in ctx.evidence.pages:
        if pq.error:
            why = f"页面未能识别（{pq.error}）"
        elif pq.source == "ocr" and _quality(pq) < floor:
            # cut, not rounded: 0.597 shown as 0.60 would read "0.60 低于 0.60"
            why = f"文字识别置信度 {math.floor(_quality(pq) * 100) / 100:.2f} 低于 {floor:.2f}"
        else:
            continue
        out.append(
            finding(
                ctx,
                FindingCode.LOW_OCR_CONFIDENCE,
                f"文件“{pq.file}”第{pq.page}页{why}，该页提取的信息不可信，请人工核对或上传更清晰的扫描件",
                subject=f"{pq.file}#{pq.page}",
                file=pq.file,
                page=pq.page,
                found=side("页面识别置信度", _quality(pq), source=pq.file, page=pq.page),
                expected=policy_side("最低置信度", floor, ctx.policy),
            )
        )
    return out


@rule(FindingCode.UNCLASSIFIED_DOCUMENT)
def unclassified_document(ctx: RuleContext) -> list[Finding]:
    floor = ctx.policy.classification.min_confidence
    out = []
    for doc in ctx.evidence.documents:
        if DocType(doc.doc_type) is not DocType.other or doc.confidence >= floor:
            continue
        pages = "、".join(str(p) for p in doc.pages)
        out.append(
            finding(
                ctx,
                FindingCode.UNCLASSIFIED_DOCUMENT,
                f"文件“{doc.file}”第{pages}页无法判断材料类型，请人工确认其内容",
                subject=f"{doc.file}#{doc.pages[0] if doc.pages else ''}",
                doc=doc,
                found=side("分类置信度", doc.confidence, doc=doc),
                expected=policy_side("最低分类置信度", floor, ctx.policy),
                scores=doc.scores,
            )
        )
    return out


@rule(FindingCode.MISSING_DOCUMENT)
def missing_document(ctx: RuleContext) -> list[Finding]:
    present = {DocType(d.doc_type) for d in ctx.evidence.documents}
    out = []
    for dt_ in ctx.policy.required_doc_types(ctx.category):
        if DocType(dt_) in present:
            continue
        scope = (
            f"“{ctx.policy.category(ctx.category).zh}”类别"
            if ctx.category is not None and dt_ not in ctx.policy.required_doc_types_all
            else "所有类别"
        )
        out.append(
            finding(
                ctx,
                FindingCode.MISSING_DOCUMENT,
                f"缺少必备材料《{zh_name(dt_)}》（{scope}均须提交）",
                subject=DocType(dt_).value,
                doc_type=dt_,
                expected=policy_side("必备材料", DocType(dt_).value, ctx.policy),
                found=side("已提交材料", sorted(d.value for d in present), source="submission"),
            )
        )
    return out


@rule(FindingCode.FIELD_NOT_FOUND)
def category_declared(ctx: RuleContext) -> list[Finding]:
    """Without a category only the common materials can be checked: say so."""
    if ctx.category is not None:
        return []
    forms = ctx.docs(DocType.application_form)
    if not forms:
        return []  # MISSING_DOCUMENT already says it
    fld = forms[0].fields.get("category")
    why = "未能提取或无法识别为四个支持类别之一"
    f = finding(
        ctx,
        FindingCode.FIELD_NOT_FOUND,
        f"《项目申报书》中的申报类别{why}，只能核验各类别共同的材料，请人工确认类别",
        subject="category",
        doc=forms[0],
        page=fld.page if fld else None,
        bbox=fld.bbox if fld else None,
        found=side("申报类别", fld.value if fld else None, doc=forms[0], fld=fld),
        field="category",
    )
    return [f]
