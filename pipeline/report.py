"""Writing the gap report: report.json (the machine contract) and report.html (for people).

The HTML is one self-contained folder: page previews are copied beside it and boxes are
drawn as CSS overlays in percent of the page, so a reviewer sees the exact place a
finding is about without any image editing, and the JSON stays the single truth.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import resources
from pathlib import Path

import jinja2

from pipeline.catalog import zh_name
from pipeline.models import GapReport, PageResult

SEVERITY_ZH = {"error": "错误", "warning": "需复核", "info": "提示"}
VERDICT_ZH = {"pass": "通过", "review": "需人工复核", "gaps": "材料存在问题"}
OWNER_ZH = {"applicant": "申报单位公章", "authority": "机关印章", "other": "其他单位印章", "unknown": "无法辨认"}
CATEGORY_ZH = {
    "general_model": "支持通用大模型设计构建",
    "vertical_model": "支持专用细分模型研发应用",
    "adaptation_service": "支持实用适配服务",
    "security": "支持自主安全",
}
CODE_ZH = {
    "MISSING_DOCUMENT": "缺少材料", "UNREADABLE_FILE": "文件无法读取",
    "UNCLASSIFIED_DOCUMENT": "无法识别的材料", "LOW_OCR_CONFIDENCE": "页面识别质量低",
    "SEAL_MISSING": "缺少申报单位公章", "SEAL_NAME_MISMATCH": "印章名称不符",
    "USCC_INVALID": "统一社会信用代码校验失败", "USCC_MISMATCH": "统一社会信用代码不一致",
    "NAME_MISMATCH": "单位名称不一致", "NOT_REGISTERED_IN_DISTRICT": "非松江区注册",
    "NOT_INDEPENDENT_LEGAL_PERSON": "非独立法人", "LICENSE_EXPIRED": "营业执照已过期",
    "CREDIT_BAD_RECORD": "存在不良信用记录", "CREDIT_REPORT_STALE": "信用报告过旧",
    "AUDIT_WRONG_YEAR": "审计年度不符", "AUDIT_OPINION_NOT_CLEAN": "审计意见非标准无保留",
    "STREET_REVIEW_NOT_APPROVED": "街镇初审未同意", "REPORT_SECTION_MISSING": "项目报告缺少章节",
    "INVESTMENT_SUM_MISMATCH": "投资明细合计不符", "AMOUNT_EXCEEDS_RATIO": "申请金额超过比例",
    "AMOUNT_EXCEEDS_CAP": "申请金额超过上限", "AMOUNT_NOT_A_TIER": "申请金额不属于奖励档次",
    "PARAMS_BELOW_THRESHOLD": "模型参数量未超过千亿", "TEST_NOT_PASSED": "密码测试未通过",
    "TEST_BODY_NOT_RECOGNISED": "测试机构不在认可名单", "FIELD_NOT_FOUND": "未能提取所需信息",
}


def write_json(report: GapReport, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.json"
    data = report.model_dump(mode="json")
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    tmp.replace(path)
    return path


def write_reports(report: GapReport, results: list[PageResult], out_dir: Path) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    json_path = write_json(report, out_dir)
    images = _copy_previews(results, out_dir)
    html = render_html(report, results, images)
    html_path = out_dir / "report.html"
    html_path.write_text(html, "utf-8")
    return json_path, html_path


def _copy_previews(results: list[PageResult], out_dir: Path) -> dict[tuple[str, int], str]:
    """Copy each page preview once; returns (file, page) → path relative to out_dir."""
    folder = out_dir / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for r in results:
        src = r.page.image
        if not src or not Path(src).exists():
            continue
        stem = hashlib.sha1(r.page.file.encode()).hexdigest()[:10]
        name = f"{stem}-p{r.page.number}.jpg"
        target = folder / name
        if not target.exists():
            shutil.copyfile(src, target)
        out[(r.page.file, r.page.number)] = f"pages/{name}"
    return out


def _box_style(bbox, width: int, height: int) -> str | None:
    if not bbox or not width or not height:
        return None
    x0, y0, x1, y1 = bbox
    pad = 6
    return (f"left:{max(0, x0 - pad) / width * 100:.2f}%;top:{max(0, y0 - pad) / height * 100:.2f}%;"
            f"width:{(x1 - x0 + 2 * pad) / width * 100:.2f}%;height:{(y1 - y0 + 2 * pad) / height * 100:.2f}%")


def _value_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10000:
        return f"{value:,}"
    if isinstance(value, list):
        if not value:
            return "（无）"
        return "；".join(_value_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}: {_value_text(v)}" for k, v in value.items()
                        if k not in ("page", "bbox"))
    return str(value)


def render_html(report: GapReport, results: list[PageResult], images: dict[tuple[str, int], str]) -> str:
    template_text = resources.files("pipeline").joinpath("templates/report.html").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["value"] = _value_text
    sizes = {(r.page.file, r.page.number): (r.page.width, r.page.height) for r in results}

    def page_view(file, page, boxes):
        """An image with boxes for (file, page), or None when there is no preview."""
        if file is None or page is None or (file, page) not in images:
            return None
        w, h = sizes.get((file, page), (0, 0))
        styled = [{"style": _box_style(b["bbox"], w, h), "kind": b["kind"], "label": b.get("label", "")}
                  for b in boxes if b.get("bbox")]
        return {"src": images[(file, page)], "boxes": [b for b in styled if b["style"]]}

    return env.from_string(template_text).render(
        r=report,
        page_view=page_view,
        zh_doc=lambda d: zh_name(d) if d else "",
        SEVERITY_ZH=SEVERITY_ZH, VERDICT_ZH=VERDICT_ZH, OWNER_ZH=OWNER_ZH,
        CATEGORY_ZH=CATEGORY_ZH, CODE_ZH=CODE_ZH,
    )
