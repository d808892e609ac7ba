"""What Tesseract makes of scanned pages, and how extraction still gets the value (golden text).

Each reading below is one the OCR produced on the generated scans of the bench corpus
(benchmarks.bench_extract); the tests pin the repair and, as much, what is not repaired.
"""

from __future__ import annotations

import pytest

from extractors.consensus import reconcile_names
from extractors.fields import extract_fields
from extractors.normalize import find_dates, parse_date, parse_money
from extractors.uscc import collapse_doubles, find_uscc
from pipeline.models import Document, Field, Seal
from tests.pagekit import make_page

NAME = "上海鼎算信息技术有限公司"


def run(doc_type, pages_lines, style="ocr", seals=(), **kw):
    pages = [make_page(lines, number=i + 1, style=style, **kw) for i, lines in enumerate(pages_lines)]
    doc = Document(file="x.pdf", pages=[p.number for p in pages], doc_type=doc_type, confidence=1.0,
                   seals=list(seals))
    return extract_fields(doc, pages)


# ------------------------------------------------------------------ USCC: one glyph, several characters


@pytest.mark.parametrize("raw,code", [
    ("91310117MAAF4jJY68P", "91310117MAAF4JY68P"),  # jJ: deleting F also passes the check
    ("91310117MA5U7U2E0OG", "91310117MA5U7U2E0G"),  # 0O
    ("91310117MA227FOR2VW", "91310117MA227F0R2W"),  # VW for W, and O for 0
    ("91310117MA62PWUG5S5Q", "91310117MA62PWUG5Q"),  # 5S5: a 5 read three times
    ("91310115MA8&8K5U7L54", "91310115MA8K5U7L54"),  # 8&8: a speck inside the 8
])
def test_uscc_glyph_read_as_several_characters(raw, code):
    reads = find_uscc(raw, allow_extra=True)
    assert reads[0].valid and reads[0].value == code
    assert "删除" in reads[0].note
    assert not find_uscc(raw)[0].valid  # never on unlabelled text


def test_uscc_w_read_as_two_vs():
    # seed 61: a 200-dpi licence's W read as VV; collapsing 4A and forcing V to U and Y also
    # passes the check, but merging VV into W needs no change at all
    for labelled in (True, False):
        read = find_uscc("91310117MAA4AM5VV75", allow_extra=labelled)[0]
        assert read.valid and read.value == "91310117MAA4AM5W75"
        assert "VV" in read.note
    assert not find_uscc("91310117MAA4AM5VV76")[0].valid  # a merge that fails the check is no repair


def test_uscc_doubles_only_between_alike_characters():
    assert all(len(c) == 18 for c in collapse_doubles("91310117MAAT7ANB41T"))
    assert collapse_doubles("9131011XMA5U7U2E0G") == []  # 18 characters: nothing to collapse
    assert "91310117MAAF4JY68P" in collapse_doubles("91310117MAAF4jJY68P")
    # two extra characters that are not one glyph split: not repaired
    assert not find_uscc("91310117MA62PWUG5X7Q", allow_extra=True)[0].valid


def test_uscc_below_its_label_when_the_next_cell_is_specks():
    f = run("business_license", [["营业执照", "统一社会信用代码\tHL", "91310117MA5U7U2E0OG", "名称\t" + NAME]])
    assert f["uscc"].value == "91310117MA5U7U2E0G"


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("text,iso", [
    ("二O〇二六年九月二十四日", "2026-09-24"),  # 〇 read twice, once as O
    ("二O〇二五年十月五日", "2025-10-05"),
    ("二O=五年十二月十三日", "2025-12-13"),  # 二 read as =
    ("二CO二六年四月十一日", "2026-04-11"),
    ("2018年1]月20晶", "2018-11-20"),  # ] for 1, 晶 for 日
    ("2019年3月]日", "2019-03-01"),
    ("二 O=六年三月十八日", "2026-03-18"),  # seed 101 case_005: the first 二 a word of its own
    ("二\tO=六年三月十八日", "2026-03-18"),  # ... in a cell of its own
    ("二〇 二六年四月一日", "2026-04-01"),
])
def test_date_ocr_lookalikes(text, iso):
    assert parse_date(text).isoformat() == iso


@pytest.mark.parametrize("text", ["二CO过从年四月十一日", "ABC0年一月二日", "编号C0G2年三月", "一口习下年二、月二二上昌", "2026年8月311",
                                  "三 二五年三月十八日", "二〇 二 六年三月十八日"])  # three numerals; two blanks
def test_date_lookalikes_not_guessed(text):
    assert find_dates(text) == []


# ------------------------------------------------------------------ money


@pytest.mark.parametrize("text,value", [
    ("221.341,499.25", 221_341_499.25),  # a thousands comma read as a point
    ("31.708.375.44", 31_708_375.44),
    ("52,.270.926.16", 52_270_926.16),
    ("1,234,567.89", 1_234_567.89),
    ("12.50", 12.5),
    ("人民币壹件伍佰万元整", 15_000_000.0),  # 件 for 仟
])
def test_money_ocr_separators(text, value):
    assert parse_money(text) == value


AUDIT = ["审计报告", "我们审计了" + NAME + "财务报表。", "一、审计意见", "我们认为，财务报表在所有重大方面按照企业会计准则的规定编制。",
         "人|\t中国注册会计师:|中国际如会计师", "NA\t区\t中国注册会计师; [|", "2026年3月16日"]


def test_audit_report_date_after_signatures_when_firm_unreadable():
    income = ["利润表", "编制单位：" + NAME + "\t2025年度\t单位：元", "项目\t本期金额\t上期金额",
              "一、营业收入\t221.341,499.25\t167,633,944.61", "研发费用\tDO 90857754业3\t30,405,417.31"]
    f = run("financial_audit", [AUDIT, income])
    assert f["report_date"].value == "2026-03-16"
    assert f["revenue"].value == 221_341_499.25
    # an unreadable current-period figure is not replaced by the prior period's
    assert "rd_expense" not in f or f["rd_expense"].value != 30_405_417.31


@pytest.mark.parametrize("signed", ["mass\t二〇二六年三月十六日", "中国·上海\t2026年3月16日",
                                    "中国注册会计师：刘海燕\t2026年3月16日"])
def test_audit_report_dated_in_a_cell_of_its_own_after_the_signatures(signed):
    """Seed 97, case_006: the date under the signatures shares its row with what OCR made of
    the seal's ring (mass); in many reports it shares it with 中国·上海, or with the last
    signature. The date fills its cell, not its row."""
    f = run("financial_audit", [AUDIT[:-1] + [signed]])
    assert f["report_date"].value == "2026-03-16"
    # a date in running text after the signatures is not the report's
    prose = run("financial_audit", [AUDIT[:-1] + ["本报告于2026年3月16日报出，仅供申报使用"]])
    assert "report_date" not in prose


def test_prior_period_figure_never_stands_for_a_current_one_read_in_pieces():
    """Under a seal 9,955,559.52 was read as two short cells; the next figure on the row is
    the prior period's (8,307,593.78, its leading 8 lost too) and must not be taken."""
    income = ["利润表", "编制单位：" + NAME + "\t2025年度\t单位：元", "项目\t本期金额\t上期金额",
              "一、营业收入\t91,487,747.52\t80,116,203.40", "研发费用\t9.955.\t9.5\t307.593.78"]
    f = run("financial_audit", [AUDIT, income])
    assert f["revenue"].value == 91_487_747.52
    assert "rd_expense" not in f


def test_audit_firm_whose_sign_off_lost_its_first_characters_under_the_seal():
    """Seed 53, case_013: a grey seal over the sign-off took 天职; the letterhead read the
    whole name. The date is still the one under the sign-off, not one near the letterhead."""
    letterhead = ["天职国际会计师事务所(特殊普通合伙)", "中国·上海 电话:021-96060493", "审计报告",
                  "我们审计了" + NAME + "财务报表。", "一、审计意见",
                  "我们认为，财务报表在所有重大方面按照企业会计准则的规定编制。"]
    signoff = ["国际会计师事务所(特殊普通合伙)\t中国注册会计师:钱宇航", "中国·上海\t中国注册会计师:陈思远",
               "20 26年2月13日"]
    f = run("financial_audit", [letterhead, signoff])
    assert f["audit_firm"].value == "天职国际会计师事务所(特殊普通合伙)"
    assert f["report_date"].value == "2026-02-13"
    # a sign-off read whole is the firm, whatever the letterhead says
    f = run("financial_audit", [["立信会计师事务所(特殊普通合伙)"] + letterhead[1:],
                                ["天职国际会计师事务所(特殊普通合伙)"] + signoff[1:]])
    assert f["audit_firm"].value == "天职国际会计师事务所(特殊普通合伙)"


@pytest.mark.parametrize("cells,value", [("31,708,375.\t44\t240,820.16", None),  # a wide blank: two columns
                                         ("31,708,375. 44 240,820.16", 31_708_375.44),
                                         ("31,708,375. 44于，全240,820.16", 31_708_375.44),
                                         ("31,708,375.44于,全240,820.16", 31_708_375.44),
                                         ("9.95史\t0 )3.78", None),
                                         ("28,814, 33 0.69\t26,745,067.73", 28_814_330.69),
                                         ("28,814,33 0.69\t26,745,067.73", 28_814_330.69),
                                         ("28,814, 33\t26,745,067.73", None),
                                         ("31,708,375. 240,820.16", None),
                                         # seed 29: a group cut short, its end a piece of its own
                                         ("21,593,4 45.83 18,100,481.28", 21_593_445.83),
                                         ("21,593,4 445.83	18,100,481.28", None),  # no whole figure
                                         ("1,234.56 45.83	18,100,481.28", 1_234.56),
                                         # seed 37: the point before the cents lost
                                         ("89,712,00876 79,940,517.04", 89_712_008.76),
                                         ("89,712,0087 79,940,517.04", None),
                                         ("31,708,375.\t240,820.16", None),
                                         # seed 53: the first comma read as a point, and a
                                         # comma after the figure read into its cell
                                         ("82.617,715.13, 7 :58;530,880.52", 82_617_715.13),
                                         ("9.955.\t8,307,593.78", None),
                                         # seed 71: 73,199,837.93 under a seal read 73.1 3 577.79.54
                                         ("73.1 3 577.79.54", None),
                                         ("73.1\t8,307,593.78", 73.1),
                                         # seed 73: the year's cell junk, the prior year's
                                         # figure's tail (06.33) or all of it after it
                                         ("1 7 “~ ，\t06.33", None),
                                         ("1 7 “~ ，\t1,407,207.03", None),
                                         # seed 79: the point before the cents read as a colon
                                         ("83,678.810:19\t63,034,177.65", 83_678_810.19),
                                         ("83,678:19\t63,034,177.65", 83_678.19),
                                         # seed 97: specks read as words of their own before
                                         # the figure; a letter inside its word is no speck
                                         ("恬。1,234,567.89 |\t1,407,207.03", 1_234_567.89),
                                         ("Z1,234,567.89\t1,407,207.03", None),
                                         # ... and what a seal left of the figure is no amount
                                         ("1", None),
                                         # seed 109: a narrow blank after a comma; a piece
                                         # starting with a separator is the rest of a figure
                                         ("149,643 ,828.76\t129,465,944.34", 149_643_828.76),
                                         ("149,643 .828.76\t129,465,944.34", 149_643_828.76),
                                         # a wide blank parts columns, and no column's
                                         # figure starts with a comma: no whole figure
                                         ("149,643\t,828.76", None),
                                         ("149,643\t129,465,944.34", 149_643.0),
                                         ("149,643 ,82.76\t129,465,944.34", None),
                                         # seed 113: no statement prints five decimals
                                         ("17161.77639 2 284207195.80", None),
                                         ("17161.77\t284,207,195.80", 17_161.77)])
def test_statement_figure_parted_or_run_on_by_ocr(cells, value):
    income = ["利润表", "编制单位：" + NAME + "\t2025年度\t单位：元", "项目\t本期金额\t上期金额",
              "研发费用\t" + cells]
    f = run("financial_audit", [AUDIT, income])
    assert (f["rd_expense"].value if "rd_expense" in f else None) == value


def test_statement_figure_after_a_note_reference_column():
    """A 附注 column before the figures: the note reference is passed over, the figure under
    本期金额 taken; under 上期金额 it would not be."""
    income = ["利润表", "编制单位：" + NAME + "\t2025年度\t单位：元", "项目\t附注\t本期金额\t上期金额",
              "研发费用\t五、12\t1,234,567.89\t1,407,207.03"]
    assert run("financial_audit", [AUDIT, income])["rd_expense"].value == 1_234_567.89
    income[2] = "项目\t附注\t上期金额\t本期金额"
    assert "rd_expense" not in run("financial_audit", [AUDIT, income])


@pytest.mark.parametrize("signed,trusted", [("2026年3月16日", True), ("二〇二六年三月十六日", True),
                                            ("2036年3月16日", False), ("2024年3月16日", False)])
def test_audit_report_dated_outside_the_months_after_its_year_is_doubted(signed, trusted):
    """二〇二六 read as 二加三六 under a seal was mended to 2036 at 0.96: a report on 2025
    signed in 2036 (or before the year ended) is a misreading until a reviewer says not."""
    income = ["利润表", "编制单位：" + NAME + "\t2025年度\t单位：元", "项目\t本期金额\t上期金额",
              "一、营业收入\t91,487,747.52\t80,116,203.40"]
    f = run("financial_audit", [AUDIT[:-1] + [signed], income])
    assert f["fiscal_year"].value == 2025
    assert (f["report_date"].confidence >= 0.5) is trusted
    assert ("审计年度不符" in (f["report_date"].note or "")) is not trusted


def test_investment_total_with_misread_separator():
    lines = ["项目投资明细表", "序号\t投资内容\t金额(元)\t印证材料", "1\t测试及验证费用\t520,700.00\t发票",
             "2\t研发人员薪酬\t329,300.00\t发票", "合计\t1.878,000.00"]
    f = run("investment_breakdown", [lines])
    assert f["stated_total"].value == 1_878_000.0


@pytest.mark.parametrize("label", ["合 - 计", "合·计", "合_计"])
def test_investment_total_label_with_a_speck_inside(label):
    lines = ["项目投资明细表", "序号\t投资内容\t金额(元)\t印证材料", "1\t测试及验证费用\t520,700.00\t发票",
             "2\t研发人员薪酬\t329,300.00\t发票", label + "\t850,000.00"]
    f = run("investment_breakdown", [lines])
    assert f["stated_total"].value == 850_000.0
    assert [i["name"] for i in f["line_items"].value] == ["测试及验证费用", "研发人员薪酬"]


def test_investment_rows_with_specks_before_the_serial_and_after_the_amount():
    """Seed 89, case_013 (a photo): a speck before a row's serial number read 和 at 0.00 had
    become the item's name, and a speck in the evidence column read 2 hid the next row's
    amount, so the item was lost and the sum fell 2,504,200 short of the stated total."""
    lines = ["项目投资明细表", "序号\t投资内容\t金额(元)\t印证材料",
             "和\t1\t。。智算集群扩容（算力卡）\t1,686,700.00\t合同",
             "2\t知识产权及认证费用\t2,504,200.00\t发票\t2", "合计\t4,190,900.00"]
    f = run("investment_breakdown", [lines], low={"和": 0.0})
    assert [(i["name"], i["amount"]) for i in f["line_items"].value] == [
        ("智算集群扩容(算力卡)", 1_686_700.0), ("知识产权及认证费用", 2_504_200.0)]
    assert f["stated_total"].value == 4_190_900.0
    # a name's first character read surely is the name, serial number or not
    sure = run("investment_breakdown", [lines[:2] + ["云\t2\t号楼改造\t1,686,700.00"]])
    assert sure["line_items"].value[0]["name"] == "云"


def test_investment_row_amount_whose_separator_was_read_as_a_blank():
    """Seed 97, case_003 (a photo): 1,193,900.00 read ``1193 900.00``; the row's last number
    alone (900 yuan) had raised INVESTMENT_SUM_MISMATCH on a correct table. Two columns a
    wide blank apart stay two figures."""
    lines = ["项目投资明细表", "序号\t投资内容\t金额(元)\t印证材料", "1\tRDMA网络交换设备\t1193 900.00\t合同及发票",
             "2\t高速存储设备\t900,700.00\t合同", "合计\t2,094,600.00"]
    f = run("investment_breakdown", [lines])
    assert [i["amount"] for i in f["line_items"].value] == [1_193_900.0, 900_700.0]
    apart = run("investment_breakdown", [lines[:2] + ["1\t交换设备\t12\t900.00\t合同"]])
    assert apart["line_items"].value[0]["amount"] == 900.0


def test_an_item_whose_point_ocr_lost_is_mended_by_the_stated_total():
    """Seed 103, case_003 (a photo): 87.34 read ``8734`` in a 万元 table whose other amounts
    all print two decimals; the items came to 9059.76万元 against a stated 413.10. Put back,
    the point makes the items add up to the cent: that one item is mended, with a note, and
    the items are trusted less. A table whose total differs otherwise (a planted mismatch),
    or typed text, is left as read."""
    head = ["项目投资明细表", "单位：万元", "序号\t投资内容\t金额（万元）\t印证材料"]
    rows = ["1\tRDMA网络交换设备\t77.90\t发票", "2\t高速存储设备\t93.35\t工资表", "3\t云端算力租赁\t66.90\t合同",
            "4\t数据采集与标注服务\t59.28\t合同及发票", "5\t研发人员薪酬\t28.33", "6\t测试及验证费用\t8734\t工资表"]
    f = run("investment_breakdown", [head + rows + ["合计\t413.10"]], style="ocr")
    assert [i["amount"] for i in f["line_items"].value][-1] == 873_400.0
    assert "第6项" in f["line_items"].note and f["line_items"].confidence <= 0.8
    assert f["stated_total"].value == 4_131_000.0
    planted = run("investment_breakdown", [head + rows + ["合计\t450.00"]], style="ocr")
    assert planted["line_items"].value[-1]["amount"] == 87_340_000.0
    assert f["stated_total"].confidence == planted["stated_total"].confidence  # the total is as read
    typed = run("investment_breakdown", [head + rows + ["合计\t413.10"]], style="text")
    assert typed["line_items"].value[-1]["amount"] == 87_340_000.0
    from extractors.tables import point_lost

    items = [{"amount": a} for a in (1_000_000.0, 100_000_000.0, 100_000_000.0)]
    assert point_lost(items, ["100.00", "10000", "10000"], 2_010_000.0) is None  # either would do
    assert point_lost(items[:2], ["100.00", "10000"], 2_000_000.0) is None  # one other amount is no pattern


def test_two_items_whose_points_ocr_lost_are_mended_together():
    """Seed 199, case_012 (a table photographed upside down): 1,281.34 read ``128134`` and
    2,367.23 read ``236723`` in one 万元 table; mending one alone never adds up, so the
    table was reported as summing to 370080万元 against its stated 8871.20. Both points put
    back make it add up to the cent; a total that two different sets would explain is left
    as read."""
    head = ["项目投资明细表", "申报单位：上海知微计算技术有限公司\t单位：万元", "序号\t投资内容\t金额（万元）\t印证材料"]
    rows = ["1\t智算集群扩容（算力卡）\t128134\t合同", "2\tGPU服务器采购\t2.585.55\t合同及发票",
            "3\t云端算力租赁\t1,600.60\t合同及发票", "4\t数据采集与标注服务\t236723\t合同",
            "5\t外聘专家咨询费\t1,036.48\t发票"]
    f = run("investment_breakdown", [head + rows + ["总计\t8,871.20"]], style="ocr")
    assert [i["amount"] for i in f["line_items"].value] == [12_813_400.0, 25_855_500.0, 16_006_000.0,
                                                             23_672_300.0, 10_364_800.0]
    assert "第1、4项" in f["line_items"].note and f["line_items"].confidence <= 0.8
    from extractors.tables import point_lost

    items = [{"amount": a} for a in (1_000_000.0, 500_000.0, 200_000_000.0, 100_000_000.0, 100_000_000.0)]
    texts = ["100.00", "50.00", "20000", "10000", "10000"]
    assert point_lost(items, texts, 5_500_000.0) == [(2, 2_000_000.0), (3, 1_000_000.0), (4, 1_000_000.0)]
    assert point_lost(items, texts, 203_500_000.0) is None  # 2 alone, or 3 and 4: either would do


# ------------------------------------------------------------------ names


def test_application_case_label_run_into_its_value():
    """案例提供单位 with its cell gap lost: the label is not part of the applicant's name."""
    lines = ["应用案例", "案例名称\t松江区城市运行一网统管智能助手", "案例提供单位" + NAME, "用户单位\t松江区人民医院",
             "一、应用场景描述", "松江区人民医院在日常业务中面临数据量大的问题。"]
    for style in ("text", "ocr"):
        f = run("application_case", [lines], style=style)
        assert f["applicant_name"].value == NAME
        assert f["user_org"].value == "松江区人民医院"


def _doc(doc_type, name, source, conf=0.9, weakest=None, **more):
    fields = {"applicant_name": Field(value=name, source=source, confidence=conf, weakest_conf=weakest)}
    fields.update({k: Field(value=v, source=source) for k, v in more.items()})
    return Document(file=f"{doc_type}.pdf", pages=[1], doc_type=doc_type, confidence=1.0, fields=fields)


def test_ocr_misreading_of_the_name_reconciled_with_the_text_layer():
    docs = [_doc("application_form", NAME, "text_layer", 1.0),
            _doc("business_license", "上海易算信息技术有限公司", "ocr", 0.35, 0.2),
            _doc("street_review", "上海易算信息技术有限公司", "ocr", 0.9, 0.95),  # OCR sure of every word
            _doc("credit_report", "上海易算数据技术有限公司", "ocr", 0.4, 0.3)]  # three characters off
    out = reconcile_names(docs)
    lic = out[1].fields["applicant_name"]
    assert lic.value == NAME and "易" in lic.note and 0.5 < lic.confidence <= 0.8
    assert out[2].fields["applicant_name"].value == "上海易算信息技术有限公司"
    assert out[3].fields["applicant_name"].value == "上海易算数据技术有限公司"
    assert out[0] == docs[0]


def test_names_a_name_change_lists_are_never_merged():
    old = "上海易算信息技术有限公司"
    docs = [_doc("application_form", NAME, "text_layer", 1.0),
            _doc("name_change", NAME, "text_layer", 1.0, old_name=old, new_name=NAME),
            _doc("business_license", old, "ocr", 0.4, 0.3)]
    assert reconcile_names(docs)[2].fields["applicant_name"].value == old


def test_all_scanned_submission_uses_a_name_read_twice():
    docs = [_doc("business_license", NAME, "ocr", 0.8, 0.7), _doc("credit_report", NAME, "ocr", 0.8, 0.7),
            _doc("street_review", "上海见算信息技术有限公司", "ocr", 0.5, 0.3)]
    assert reconcile_names(docs)[2].fields["applicant_name"].value == NAME
    assert reconcile_names(docs[1:])[1].fields["applicant_name"].value == "上海见算信息技术有限公司"


@pytest.mark.parametrize("ring,value,trusted", [
    ("上海市松江区市场监督管理局", "上海市松江区市场监督管理局", True),
    ("上海市热江区市场监督管理局", "上海市松江区市场监督管理局", True),  # one character off a known district
    ("二海南花江区市场监督管理局", None, False),  # too far from any: kept, below the rules' floor
    ("SIH上海市松江区市场监督管理局", "上海市松江区市场监督管理局", True),  # seed 47: specks at the ring's start
])
def test_authority_from_seal_text_matched_to_known_places(ring, value, trusted):
    seal = Seal(page=1, bbox=(1500, 2500, 1900, 2900), text=ring, score=0.95)
    f = run("business_license", [["名称\t" + NAME, "登记机关"]], seals=[seal])
    fld = f["registration_authority"]
    if value:
        assert fld.value == value
    assert (fld.confidence >= 0.5) == trusted


def test_authority_of_a_place_no_list_holds_read_alike_twice():
    """Seed 67, case_008: a licence from 昆山市, its authority's seal read 昆山市市场监督管理局
    and 昆山市市场监管管理局. A three-character place counts, and two attempts agreeing on a
    place the list does not hold make a reading the rules may decide on; one does not."""
    readings = ["昆山市市场监督管理局", "昆山市市场监管管理局"]
    seal = Seal(page=1, bbox=(1500, 2500, 1900, 2900), text=readings[0], readings=readings, score=0.98)
    fld = run("business_license", [["名称\t" + NAME, "登记机关"]], seals=[seal])["registration_authority"]
    assert fld.value == "昆山市市场监督管理局" and fld.confidence >= 0.6
    alone = seal.model_copy(update={"readings": readings[:1]})
    fld = run("business_license", [["名称\t" + NAME, "登记机关"]], seals=[alone])["registration_authority"]
    assert fld.value == "昆山市市场监督管理局" and fld.confidence < 0.5
    # two readings naming junk that is no place (no 市, 区 …) are no reading
    junk = seal.model_copy(update={"text": "二海南花江市场监督管理局", "readings": ["二海南花江市场监督管理局",
                                                                         "二海南花江市场监管管理局"]})
    fld = run("business_license", [["名称\t" + NAME, "登记机关"]], seals=[junk])["registration_authority"]
    assert fld.confidence < 0.5


def test_authority_from_the_readings_of_one_ring_by_vote():
    """Seed 53, case_015: the best reading 上海市崧汇区 is one edit from 徐汇 and two from 松江;
    the other attempts at the ring (one with 监督 read 监智) read 崧江 and 委江. Taking the
    first had raised NOT_REGISTERED_IN_DISTRICT on a Songjiang licence."""
    readings = ["上海市崧汇区市场监督管理局", "上海市崧江区市场监智管理局", "上海市委江区市场监营管理局",
                "上海市铁社区中场监管管地局"]
    seal = Seal(page=1, bbox=(1500, 2500, 1900, 2900), text=readings[0], readings=readings, score=0.98)
    fld = run("business_license", [["名称\t" + NAME, "登记机关"]], seals=[seal])["registration_authority"]
    assert fld.value == "上海市松江区市场监督管理局"
    alone = seal.model_copy(update={"readings": readings[:1]})
    assert run("business_license", [["名称\t" + NAME, "登记机关"]],
               seals=[alone])["registration_authority"].confidence > fld.confidence  # outvoted, less sure


def test_name_with_one_character_too_many_reconciled():
    docs = [_doc("application_form", NAME, "text_layer", 1.0),
            _doc("crypto_test_report", "上海上易算信息技术有限公司", "ocr", 0.67, 0.4),
            _doc("street_review", "上海上上易算信息技术有限公司", "ocr", 0.67, 0.4)]
    out = reconcile_names(docs)
    assert out[1].fields["applicant_name"].value == NAME
    assert out[2].fields["applicant_name"].value == "上海上上易算信息技术有限公司"  # two more: not merged


def test_statement_figure_preferred_to_a_mention_in_prose():
    """研发支出 in a 保留意见 paragraph (407万元) is not the income statement's 研发费用."""
    page1 = ["审计报告", "我们审计了" + NAME + "财务报表。", "二、形成保留意见的基础",
             "如财务报表附注所述，贵公司未对2025年度的研发支出资本化金额人民币407万元进行减值测试。"]
    income = ["利润表", "编制单位：" + NAME + "\t2025年度\t单位：元", "项目\t本期金额\t上期金额",
              "研发费用\t61,873,843.29\t44,069,324.72"]
    for style in ("text", "ocr"):
        f = run("financial_audit", [page1, income], style=style)
        assert f["rd_expense"].value == 61_873_843.29


def test_title_split_by_its_letter_spacing_is_not_a_labelled_value():
    lines = ["应用场景\t建设验收证明", "区域医疗影像辅助诊断应用场景项目已完成建设并通过验收。",
             "应用场景\t区域医疗影像辅助诊断", "建设单位\t" + NAME, "验收日期\t2025年10月5日"]
    f = run("acceptance_certificate", [lines])
    assert f["scenario"].value == "区域医疗影像辅助诊断"


def test_misread_code_that_passes_its_check_reconciled_only_through_confusions():
    good, misread = "91310117MA3N0B3M2X", "91310117M43NQB3M2X"  # both pass the check character
    docs = [Document(file=f"{i}.pdf", pages=[1], doc_type=dt, confidence=1.0,
                     fields={"uscc": Field(value=v, source=src, confidence=c, weakest_conf=w)})
            for i, (dt, v, src, c, w) in enumerate([
                ("application_form", good, "text_layer", 1.0, None),
                ("business_license", misread, "ocr", 0.43, 0.3),
                ("credit_report", "91310117MA3N0B3M3X", "ocr", 0.5, 0.3)])]  # 2 -> 3 is no confusion
    out = reconcile_names(docs)
    assert out[1].fields["uscc"].value == good and "校正" in out[1].fields["uscc"].note
    assert out[2].fields["uscc"].value == "91310117MA3N0B3M3X"


def test_a_name_wrapped_across_two_rows_of_prose():
    """Seed 97, case_003: the project report names the applicant only in prose, wrapped as
    上海云帆智算科技有限 / 公司长期深耕… (the sign-off's 公司 was read 瓷司 under the seal).
    A row that ends short of the margin (a heading) does not run on into the next."""
    name = "上海云帆智算科技有限公司"
    lines = ["项目情况报告", "医疗影像辅助诊断模型项目", "一、项目建设背景",
             "松江区依托长三角G60科创走廊，加快建设智算产业集聚区。上海云帆智算科技有限",
             "公司长期深耕医疗影像辅助诊断模型相关技术。", "申报单位（盖章）：上海云帆智算科技有限瓷司"]
    f = run("project_report", [lines])
    assert f["applicant_name"].value == name
    short = run("project_report", [lines[:3] + ["上海云帆智算科技有限", "公司长期深耕医疗影像辅助诊断模型相关技术，具备扎实的研发基础和行业积累。"]])
    assert "applicant_name" not in short


def test_evaluator_is_not_the_client_named_after_shou():
    """受<client>委托，<evaluator>…: with the evaluator's line unreadable, the client is not it."""
    lines = ["大模型评测报告", "受" + NAME + "委托", "对被测模型开展评测。", "委托单位：" + NAME]
    f = run("evaluation_report", [lines])
    assert f["applicant_name"].value == NAME
    assert "evaluator" not in f or NAME not in f["evaluator"].value


def test_the_pipeline_reconciles_the_code_but_leaves_names_to_the_rules():
    """A scan of an earlier name one character off (易创 for 易算) must stay what it says."""
    from extractors.consensus import PIPELINE_FIELDS

    good, misread = "91310117MA3N0B3M2X", "91310117M43NQB3M2X"
    earlier = "上海易创信息技术有限公司"
    docs = [_doc("application_form", NAME, "text_layer", 1.0, uscc=good),
            _doc("business_license", earlier, "ocr", 0.6, 0.5)]
    docs[1].fields["uscc"] = Field(value=misread, source="ocr", confidence=0.43, weakest_conf=0.3)
    out = reconcile_names(docs, PIPELINE_FIELDS)
    assert out[1].fields["applicant_name"].value == earlier
    assert out[1].fields["uscc"].value == good


def test_an_invalid_code_printed_on_the_form_is_what_the_scans_show():
    """The code as printed fails its check (a USCC_INVALID). A scan reads it with O for 0.
    A repair free to change a character besides taking O for D arrives at another code that
    passes by chance (J made 1, O made D: 91310117MAE117PJDR); two guesses are not made,
    and the scan gives the code as printed, failing its check. Where a scan's value is such
    a guess all the same (from an earlier reading), the typed code, invalid as it is, is
    what the scan is reconciled to."""
    from extractors.values import uscc

    printed = "91310117MAE1J7PJ0R"  # check character wrong
    read = uscc("统一社会信用代码: 91310117MAE1J7PJOR")
    assert read.value == printed and read.quality * read.ocr_factor < 0.6  # failing its check: unsure
    # seed 101 case_017: ...MAFBW6LAOX is not made ...M4FBW6LADX (A for 4 and O for D)
    assert uscc("统一社会信用代码: 91310117MAFBW6LAOX").value == "91310117MAFBW6LA0X"
    # nor is one confusion of a character the format allows, on its own: the code is given
    # as read (O as 0), the change suggested (seed 103: ...MA1EPE057Q, printed wrong, had
    # been made ...M41EPE057Q); the forced replacements alone still repair
    one = uscc("统一社会信用代码: 91310117MA8R2DW4OX")  # B read as 8, or printed so
    assert one.value == "91310117MA8R2DW40X" and one.quality * one.ocr_factor < 0.6
    assert "“8”→“B”" in one.note
    forced = uscc("统一社会信用代码: 9131O117MA4XQL2C4T")  # O among the leading digits: forced
    assert forced.value == "91310117MA4XQL2C4T" and forced.quality == 0.9
    guessed = "91310117MAE117PJDR"
    docs = [Document(file=f"{i}.pdf", pages=[1], doc_type=dt, confidence=1.0,
                     fields={"uscc": Field(value=v, source=src, confidence=c, weakest_conf=w)})
            for i, (dt, v, src, c, w) in enumerate([
                ("application_form", printed, "text_layer", 0.7, None),  # lowered: check fails
                ("business_license", guessed, "ocr", 0.49, 0.81),
                ("credit_report", guessed, "ocr", 0.34, 0.57)])]
    out = reconcile_names(docs)
    assert [d.fields["uscc"].value for d in out] == [printed] * 3


def test_a_scanned_code_read_exactly_as_the_typed_one_is_corroborated():
    """Seed 29's planted USCC_INVALID: the form types a code whose check character is wrong
    and the licence scan reads the same characters. The scan's value fails its check, so
    it came out at 0.50 and the rules said FIELD_NOT_FOUND beside USCC_INVALID; read
    exactly as typed, it is that code. A code that differs stays as unsure as it was."""
    printed = "91310117MAA0YNN0X3"
    docs = [Document(file=f"{i}.pdf", pages=[1], doc_type=dt, confidence=1.0,
                     fields={"uscc": Field(value=v, source=src, confidence=c, weakest_conf=w)})
            for i, (dt, v, src, c, w) in enumerate([
                ("application_form", printed, "text_layer", 1.0, None),
                ("business_license", printed, "ocr", 0.50, 0.91),
                ("credit_report", "91310117MAA0YNN0X8", "ocr", 0.50, 0.91)])]
    out = reconcile_names(docs)
    lic = out[1].fields["uscc"]
    assert lic.value == printed and lic.confidence == 0.8 and "一致" in lic.note
    assert out[2].fields["uscc"].confidence == 0.50
