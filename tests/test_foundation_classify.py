"""Classification by content: titles, keywords, several documents in one file, noise."""

from __future__ import annotations

from pipeline.ingest import ingest
from pipeline.models import DocType, Line, Page, TextSource, Word
from pipeline.pages import page_tasks, read_pages_threaded
from extractors.classify import classify
from tests import docmaker

AUDIT = ["审计报告", "上海松江智算科技有限公司全体股东：", "一、审计意见",
         "我们审计了上海松江智算科技有限公司财务报表，包括2025年12月31日的资产负债表、利润表。",
         "二、形成审计意见的基础", "我们按照中国注册会计师审计准则的规定执行了审计工作。",
         "上海立信会计师事务所（特殊普通合伙）", "中国注册会计师：王芳"]
AUDIT_2 = ["三、管理层和治理层对财务报表的责任", "管理层负责按照企业会计准则的规定编制财务报表，",
           "四、注册会计师对财务报表审计的责任", "我们的目标是对财务报表整体是否不存在重大错报获取合理保证。"]
STREET = ["松江区产业专项补贴项目街镇初审意见表", "申报单位：上海松江智算科技有限公司",
          "所属街镇：九亭镇", "初审意见：同意", "经办人：李明", "日期：2026年6月1日"]


def _page(file: str, number: int, lines: list[str]) -> Page:
    out = []
    for i, text in enumerate(lines):
        y = 300 + i * 120
        out.append(Line(text=text, bbox=(200, y, 200 + 60 * len(text), y + 60), conf=0.9,
                        words=[Word(text=text, bbox=(200, y, 200 + 60 * len(text), y + 60), conf=0.9)]))
    return Page(file=file, number=number, width=2480, height=3508, source=TextSource.ocr, lines=out)


def test_one_file_with_several_documents_is_split_by_title(tmp_path, settings):
    docmaker.text_pdf(tmp_path / "scan0001.pdf",
                      [docmaker.LICENSE, docmaker.CREDIT, AUDIT, AUDIT_2, STREET])
    sub = ingest(tmp_path, settings)
    pages = [r.page for r in read_pages_threaded(sub, page_tasks(sub), settings)]
    docs = classify(pages)
    assert [(d.doc_type, d.pages) for d in docs] == [
        (DocType.business_license, [1]),
        (DocType.credit_report, [2]),
        (DocType.financial_audit, [3, 4]),  # page 4 has no title: it continues the audit
        (DocType.street_review, [5]),
    ]
    assert all(d.confidence >= 0.5 for d in docs)


def test_wrong_file_name_does_not_decide(tmp_path):
    docs = classify([_page("营业执照.pdf", 1, docmaker.CREDIT)])
    assert docs[0].doc_type == DocType.credit_report


def test_ocr_noise_in_the_title_is_tolerated():
    noisy = ["企业信用信息拫告"] + docmaker.CREDIT[1:]  # one character misread
    assert classify([_page("x.jpg", 1, noisy)])[0].doc_type == DocType.credit_report


def test_traditional_characters_are_folded():
    lines = ["營業執照", "統一社會信用代碼 91310117MA1FL3KX26", "法定代表人 張偉", "登記機關 上海市松江區市場監督管理局"]
    assert classify([_page("x.jpg", 1, lines)])[0].doc_type == DocType.business_license


def test_attachment_list_on_a_form_is_not_a_license():
    """An application form lists its attachments; a listed title is not the document."""
    form = ["上海市松江区加快智算产业发展专项支持项目申报书", "申报单位：上海松江智算科技有限公司",
            "项目名称：松江智算大模型平台", "申报类别：支持通用大模型设计构建", "申请金额：500万元",
            "附件清单：", "1.工商营业执照复印件", "2.企业信用信息报告", "3.审计报告", "联系人：张伟"]
    assert classify([_page("form.pdf", 1, form)])[0].doc_type == DocType.application_form


def test_unrecognisable_page_is_other_with_low_confidence():
    docs = classify([_page("IMG_0001.jpg", 1, ["今天天气很好", "我们去公园散步"])])
    assert docs[0].doc_type == DocType.other and docs[0].confidence < 0.5


def test_titleless_page_of_another_kind_starts_a_new_document():
    """A certificate scanned behind the review form, its decorative title unreadable."""
    cert = ["下并丰书", "上海松江智算科技有限公司:", "经评审，贵单位被认定为“上海市专精特新中小企业”。特发此证，",
            "以资鼓励。", "上海市经济和信息化委员会", "二〇二五年五月十日"]
    docs = classify([_page("街镇初审意见表.pdf", 1, STREET), _page("街镇初审意见表.pdf", 2, cert)])
    assert [(d.doc_type, d.pages) for d in docs] == [
        (DocType.street_review, [1]), (DocType.honor_certificate, [2])]


def test_titleless_continuation_page_stays_with_its_document():
    docs = classify([_page("a.pdf", 1, AUDIT), _page("a.pdf", 2, AUDIT_2)])
    assert [(d.doc_type, d.pages) for d in docs] == [(DocType.financial_audit, [1, 2])]


def test_a_page_of_text_after_a_licence_sharing_nothing_with_it_is_its_own_document():
    """Seed 2026 case_013: a 公司简介 after the licence in a file of name-change materials
    was taken for the licence's second page, so no one heard of a page that is none of the
    materials. A licence is one page: text with none of its signals after it is another
    document (other, for the reviewer to look at). A page with hardly any text (the back
    of the sheet, a page with only a seal's reading) still goes with the licence, and a
    multi-page audit still takes its titleless pages."""
    intro = ["公司简介", "我们致力于让每一位用户享受简单、高效的智能服务。",
             "多年来，团队秉持客户第一、持续创新的理念。", "欢迎垂询合作，期待与您携手共创美好未来。"]
    docs = classify([_page("企业名称变更材料.pdf", 1, docmaker.LICENSE), _page("企业名称变更材料.pdf", 2, intro)])
    assert [(d.doc_type, d.pages) for d in docs] == [(DocType.business_license, [1]), (DocType.other, [2])]
    docs = classify([_page("企业名称变更材料.pdf", 1, docmaker.LICENSE), _page("企业名称变更材料.pdf", 2, ["第二页"])])
    assert [(d.doc_type, d.pages) for d in docs] == [(DocType.business_license, [1, 2])]
    docs = classify([_page("a.pdf", 1, AUDIT), _page("a.pdf", 2, intro)])
    assert [(d.doc_type, d.pages) for d in docs] == [(DocType.financial_audit, [1, 2])]
    # the back of the sheet photographed, its grain read as characters nobody is sure of
    noise = _page("scan0003.pdf", 2, ["人和二了站全人区", "和人二站了全人人和区二", "全人和了二站人人区和二了"])
    noise = noise.model_copy(update={"lines": [line.model_copy(update={
        "conf": 0.1, "words": [w.model_copy(update={"conf": 0.1}) for w in line.words]}) for line in noise.lines]})
    docs = classify([_page("scan0003.pdf", 1, docmaker.LICENSE), noise])
    assert [(d.doc_type, d.pages) for d in docs] == [(DocType.business_license, [1, 2])]
