"""Normalisers and the USCC check/repair: the edge cases paperwork and OCR produce."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.normalize import find_dates, find_year, parse_date, parse_money, parse_param_count, to_simplified
from extractors.uscc import find_uscc, repair_uscc
from extractors.values import term

D = dt.date


@pytest.mark.parametrize("text,expected", [
    ("2025-03-05", D(2025, 3, 5)),
    ("2025/3/5", D(2025, 3, 5)),
    ("2025.03.05", D(2025, 3, 5)),
    ("2025年3月5日", D(2025, 3, 5)),
    ("2025 年 03 月 05 日", D(2025, 3, 5)),
    ("2025年3月5曰", D(2025, 3, 5)),  # OCR: 曰 for 日
    ("二〇二五年三月五日", D(2025, 3, 5)),
    ("二零二四年十二月三十一日", D(2024, 12, 31)),
    ("二〇二六年三月二十日", D(2026, 3, 20)),
    ("20250305", D(2025, 3, 5)),
    ("2O25年O3月05日", D(2025, 3, 5)),  # OCR: O for 0
    ("报告生成时间：2025-11-02 14:30:05", D(2025, 11, 2)),
    ("2015年08月13日至2045年08月12日", D(2015, 8, 13)),
    ("２０２５年３月５日", D(2025, 3, 5)),  # full-width digits
    ("2025年3月", None),
    ("2025年2月30日", None),
    # a seal's ink over the century of a year in words: 〇 read as 人, 二 as a blot
    ("二人二五年七月二日", D(2025, 7, 2)),
    ("”天〇二六年五月二十五日", D(2026, 5, 25)),
    # ... or its 〇 lost altogether: 二 and a decade of this century
    ("二二六年四月十二日", D(2026, 4, 12)),
    ("二一九年十月一日", D(2019, 10, 1)),
    ("一九九年十月一日", None),
    ("二二六年四月", None),
    # ... but a garbled decade or year digit is not guessed, nor a century with no month and day
    ("三一六年五月二十五日", None),
    ("天三二五年三月五日", None),
    ("二人二五年七月", None),
    # a day followed by 年 or 月 is a misread middle, not the day: 二十一日 with 十 read as 年
    ("二〇二六年五月二年一日", None),
    ("2026年5月2年1日", None),
    ("2026年5月2", D(2026, 5, 2)),  # 日 lost at a line's end
    # ... and a day in words whose 十 is misread (seed 131 case_005: 二十四 with 十 read 才)
    ("二〇二六年一月二才四日", D(2026, 1, 24)),
    ("二〇二六年一月二 才 四日", None),  # a 日 a word or two on: the day went on, not the 2nd
    ("二〇二六年一月三才四日", None),  # 三十四: no day
    ("二〇二六年一月二，", D(2026, 1, 2)),
    # a century of 三〇: 二 with a stroke of the ring's ink (seed 131 case_011)
    ("〇〇三〇二六年四月八日〇〇", D(2026, 4, 8)),
    ("二〇一〇年三月一日", D(2010, 3, 1)),
    ("三〇二六年四月", None),
    # a year Tesseract cut into two words (seed 53: an audit report's date lost)
    ("20 26年4月25日", D(2026, 4, 25)),
    ("12 2026年4月25日", D(2026, 4, 25)),
    ("20 26年4月", None),
    # a day cut into two words before its 日 (seed 71: a licence's 9月1 2日 taken as the 1st)
    ("2017年9月1 2日", D(2017, 9, 12)),
    ("2024年6月8 5日", D(2024, 6, 8)),  # together no day: a speck read as 5 after the 8th
    ("2024年6月1 2", D(2024, 6, 1)),  # without its 日, a digit after a blank is not the day's
    # 日 read as 月 where nothing follows (seed 71: a licence's term to 2042年2月4月)
    ("2042年2月4月", D(2042, 2, 4)),
    ("至2042年2月4月 ", D(2042, 2, 4)),
    ("2026年5月2月1日", None),
    ("", None),
    ("无", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_find_year():
    assert find_year("2025年度财务报表") == 2025
    assert find_year("二〇二五年度") == 2025
    assert find_year("第12页") is None


@pytest.mark.parametrize("text,expected", [
    ("500万元", 5_000_000),
    ("500 万元", 5_000_000),
    ("5,000,000.00元", 5_000_000),
    ("￥1.2亿元", 120_000_000),
    ("人民币伍佰万元整", 5_000_000),
    ("壹佰万元整", 1_000_000),
    ("贰拾伍万元", 250_000),
    ("壹万贰仟叁佰元伍角陆分", 12_300.56),
    ("人民币500万元", 5_000_000),
    ("12345", 12_345),
    ("2 000 000 元", 2_000_000),
    ("注册资本：1000万元人民币", 10_000_000),
    # a thousands comma OCR read as another small mark, before a group a separator or unit follows
    ("2;848,000.00元", 2_848_000),
    ("2:848,000.00", 2_848_000),
    ("12;345元", 12_345),
    ("1:500", 1),  # a ratio, not a figure with a misread comma
    ("89,712,00876", 89_712_008.76),  # the point before the cents lost: a group of five digits
    ("-1,234,56789", -1_234_567.89),
    ("1,997,20.00", None),  # a digit lost from a group of three: which one cannot be told
    ("12,34", None),
    ("无", None),
    ("", None),
])
def test_parse_money(text, expected):
    assert parse_money(text) == expected


def test_money_with_its_comma_read_as_a_point_and_its_point_lost():
    """Seed 67, case_004: 398,500.00 in a table in yuan read 398.50000 at 0.84; five decimals
    are no amount in yuan. In ten-thousands they may be (39.85000万元), and are left."""
    assert parse_money("398.50000") == 398_500.0
    assert parse_money("398.50000", unit=1) == 398_500.0
    assert parse_money("398.50000", unit=10_000) == 3_985_000.0
    assert parse_money("39.85000万元") == 398_500.0
    assert parse_money("398.5") == 398.5


def test_money_with_its_point_read_as_another_small_mark():
    """Seed 79, case_015: an audit statement's 83,678,810.19 read 83,678.810:19 at 0.65, which
    had parsed as 83,678.81 (the colon ending the figure). Groups of three and two digits
    last: the last separator is the point whatever it was read as."""
    assert parse_money("83,678.810:19") == 83_678_810.19
    assert parse_money("83,678,810;19") == 83_678_810.19
    assert parse_money("1:500") == 1.0  # no groups of three: not a figure to regroup
    assert parse_money("2:848,000.00") == 2_848_000.0


def test_money_with_a_space_beside_its_point():
    """Seed 89, case_008: a project's 9325.6万元 read as two words, 9325 and .6, had parsed as
    9,325 yuan (the figure cut at the space, its unit lost) and was trusted at 0.95."""
    assert parse_money("9325 .6万元") == 93_256_000.0
    assert parse_money("9325. 6 万元") == 93_256_000.0
    assert parse_money("项目实际总投资9325 .6万元，其中研发成本5473.6万元") == 93_256_000.0


def test_money_split_at_a_comma():
    """Seed 229 case_005: 13,225,000.00元 read as two words, 13,225 and ,000.00, had parsed
    as 13,225 yuan and was trusted at 0.84. A space before a comma is a split figure; one
    after it only with two groups and the cents, since a list is written so too."""
    assert parse_money("项目实际总投资13,225 ,000.00元，其中研发成本1175万元") == 13_225_000.0
    assert parse_money("12,345 ,678") == 12_345_678.0
    assert parse_money("13,225, 000.00元") == 13_225_000.0
    assert parse_money("分别为300, 200万元") != 300_200 * 10_000
    assert parse_money("分别为5, 100.50元") != 5_100.5


def test_parse_money_column_unit():
    assert parse_money("350.5", unit=10_000) == 3_505_000
    assert parse_money("350.5元", unit=10_000) == 350.5  # an explicit unit wins


@pytest.mark.parametrize("text,expected", [
    ("1300亿", 130_000_000_000),
    ("1.3万亿", 1_300_000_000_000),
    ("130B", 130_000_000_000),
    ("7b", 7_000_000_000),
    ("175 billion", 175_000_000_000),
    ("1750亿参数", 175_000_000_000),
    ("130,000,000,000", 130_000_000_000),
    ("一千三百亿", 130_000_000_000),
    ("千亿级", 100_000_000_000),
    ("参数量：未披露", None),
])
def test_parse_param_count(text, expected):
    assert parse_param_count(text) == expected


def test_to_simplified():
    assert to_simplified("營業執照 發展") == "营业执照 发展"
    assert to_simplified("营业执照") == "营业执照"


def test_uscc_valid_passes_unchanged():
    assert repair_uscc("91110114064948511J") == ("91110114064948511J", None)


@pytest.mark.parametrize("raw,fixed", [
    ("91110114064948511]", "91110114064948511J"),  # the real Tesseract slip
    ("9111O114064948511J", "91110114064948511J"),  # O in the digit part
    ("9l110114064948511J", "91110114064948511J"),  # lowercase l
    ("91110114064948511j", "91110114064948511J"),  # case
])
def test_uscc_repair(raw, fixed):
    value, note = repair_uscc(raw)
    assert value == fixed
    assert note


def test_uscc_unrepairable_is_not_guessed():
    value, note = repair_uscc("91110114064948511K")  # a wrong check character, no confusion
    assert value is None and "校验" in note
    assert repair_uscc("9111011406494851")[0] is None  # too short


def test_an_invalid_code_reads_with_its_forbidden_letters_as_their_digits():
    """A code printed with a wrong check character (seed 29's planted USCC_INVALID), read
    with its two 0s as O: no candidate passes the check, so nothing is repaired, but O is
    no code character and the reading reports 0; characters the format allows stay."""
    reads = find_uscc("统一社会信用代码 91310117MAAOYNNOX3")
    assert len(reads) == 1 and not reads[0].valid
    assert reads[0].value == "91310117MAA0YNN0X3" and reads[0].raw == "91310117MAAOYNNOX3"
    assert find_uscc("91110114064948511K")[0].value == "91110114064948511K"


def test_uscc_ambiguous_repair_refused():
    # S is no code character (-> 5 or 8), which still fails the check; then several
    # single confusable fixes pass, so none is taken
    value, note = repair_uscc("91310117MS1J3XQ20G")
    assert value is None and "种可能的修复" in note


def test_uscc_s_may_stand_for_8():
    """Seed 53, case_018: a grey scan's 8 read as S; as 5 the code fails its check."""
    assert repair_uscc("91310117MA66NSNP19")[0] == "91310117MA66N8NP19"


def test_find_uscc_in_spaced_ocr_text():
    reads = find_uscc("统一社会信用代码 9 1 1 1 0 1 1 4 0 6 4 9 4 8 5 1 1 ]")
    assert len(reads) == 1 and reads[0].valid and reads[0].value == "91110114064948511J"
    assert "修复" in reads[0].note
    bad = find_uscc("代码 91110114064948511K")
    assert len(bad) == 1 and not bad[0].valid


def test_money_amount_in_words_with_ocr_slips():
    assert parse_money("人民币索任伍佰万元整") == 15_000_000  # 壹仟 read as 索任
    # a garbled amount in words is not replaced by the next figure in the sentence
    assert parse_money("总投资人民币章亿撞什参佰参拾肆万峙什元整，其中研发成本11540万元") == 183_344_000
    assert parse_money("总投资人民币章亿撞鬼参佰参拾肆万峙什元整，其中研发成本11540万元") is None
    assert parse_money("测试服务费人民币贰拾制万制什元整") == 288_000  # 捌 read as 制 (real scan)
    # a stray mark before the first numeral is dropped: two numerals never stand together
    assert parse_money("注册资本人民币人参什万元整") == 30_000_000
    # ... and after a unit (seed 137 case_019: 伍拾伍万叁仟 with 叁 read 人参)
    assert parse_money("测试服务费人民币伍拾伍万人参什元整") == 553_000
    # but a numeral that cannot be read is not guessed
    assert parse_money("测试服务费人民币僚拾伍万柒仟元整") is None
    assert parse_money("人民币壹佰僚伍万元整") is None
    # nor is one read as a character between the numerals and their unit (seed 61: 佰 as 人
    # at 0.91 made a licence's 伍佰万元 five yuan)
    assert parse_money("注册资本人民币伍人万元整") is None
    assert parse_money("伍人万元整") is None
    assert parse_money("人民币伍万元") == 50_000


def test_implausible_years_are_not_dates():
    assert parse_date("一〇二六年二月六日") is None  # 二 misread as 一
    assert parse_date("二O二六年二月六日") == D(2026, 2, 6)  # 〇 read as the letter O


def test_license_term_with_only_its_end():
    from extractors.values import term

    assert term("至2073年11月25日").value == {"start": None, "end": "2073-11-25"}
    assert term("2023年11月26日至长期").value == {"start": "2023-11-26", "end": "长期"}


def test_uscc_with_one_extra_character_only_beside_its_label():
    reads = find_uscc("91310117MAAT7ANB41T", allow_extra=True)
    assert reads[0].valid and reads[0].value == "91310117MAA7ANB41T" and "删除" in reads[0].note
    assert not find_uscc("91310117MAAT7ANB41T")[0].valid  # unlabelled text: never guessed


def test_a_valid_code_keeps_apart_from_the_specks_read_beside_it():
    # seed 79 case_017: a frame line read `ss` one gap before the code; the compacted
    # token is 20 characters, but the word of its own passes its check as read
    reads = find_uscc("ss 91310117MA17WGX46Q 营业执照", allow_extra=True)
    assert [r.value for r in reads] == ["91310117MA17WGX46Q"] and reads[0].valid
    assert "杂字符" in reads[0].note
    # with no gap between them, nothing says where the code starts: not guessed
    assert not find_uscc("ss91310117MA17WGX46Q", allow_extra=True)[0].valid
    # a word that fails its check is no anchor either
    assert not find_uscc("ss 91310117MA17WGX46R", allow_extra=True)[0].valid


def test_license_serial_number_is_not_taken_for_the_code():
    from extractors.values import parse

    assert parse("uscc_any", "编号 91310117MAA7ANB41T") is None
    assert parse("uscc_any", "91310117MAA7ANB41T").value == "91310117MAA7ANB41T"


def test_year_in_words_with_a_doubled_character():
    assert parse_date("二OO二六年四月五日") == D(2026, 4, 5)


def test_org_values_shed_quote_marks_and_regain_a_lost_bracket():
    from extractors.values import org

    assert org("“上海松江智算科技有限公司").value == "上海松江智算科技有限公司"
    assert org("上海上会会计师事务所(特殊普通合伙").value == "上海上会会计师事务所(特殊普通合伙)"
    assert org("未查询到相关信息") is None  # no legal suffix: not a name


@pytest.mark.parametrize("read,expected", [
    ("溯港镇", "泖港镇"),  # 泖: neither recogniser knows it
    ("港镇", "泖港镇"),
    ("余山镇", "佘山镇"),
    ("九亭镇", "九亭镇"),  # on the list: as it is
    ("本镇", None),  # not a name
    ("新X镇", None),  # 新桥镇 and 新浜镇 are both one character away: no guess
    ("浦江镇", None),  # a town of another district, nothing like a Songjiang one
])
def test_street_names_are_mended_against_the_district_list(read, expected):
    from extractors.values import mend_street

    assert mend_street(read) == expected


def test_a_mended_street_says_so_and_is_less_sure():
    from extractors.values import address, street

    got = street("街道(镇)溯港镇")
    assert got.value == "泖港镇" and got.quality < 1.0 and "溯港镇" in got.note
    # seed 53: 属地街镇 unread under the seal, and the opinion's 本镇 taken for a name
    assert street("经初审，该企业注册地及税务登记均在本镇，经营状况正常") is None
    got = address("上海市松江区港镇")
    assert got.value == "上海市松江区泖港镇" and got.quality < 1.0
    assert address("上海市松江区新浜镇").value == "上海市松江区新浜镇"
    assert address("上海市闵行区溯港镇").value == "上海市闵行区溯港镇"  # only within 松江区


@pytest.mark.parametrize("read", ["天职国际会计师事务所【特殊普通合伙)中国注册会计师:林涛",
                                  "天职国际会计师事务所《特殊普通合伙)", "天职国际会计师事务所〈特殊普通合伙》",
                                  "天职国际会计师事务所(特殊普通合伙/)"])  # a speck before the bracket
def test_an_audit_firms_partnership_bracket_misread_is_kept(read):
    """（特殊普通合伙） is part of the firm's registered name; scans give its bracket as 【 or 《."""
    from extractors.values import org

    assert org(read).value == "天职国际会计师事务所(特殊普通合伙)"


@pytest.mark.parametrize("read,value", [
    ("」模型推理加速引擎商用密码安全性测试项目", "模型推理加速引擎商用密码安全性测试项目"),  # seed 53: ruling read as 」
    ("智算平台建设项目（", "智算平台建设项目"),
    ("（一期）智算平台", "(一期)智算平台"),  # an opening bracket may open a value
])
def test_a_text_value_never_opens_with_a_closing_bracket(read, value):
    from extractors.values import plain

    assert plain(read).value == value


def test_a_parameter_count_that_lost_its_unit_is_no_count():
    """Seed 59, case_000: 参数规模 3400人2 (亿 under a stain) had been read as 3,400
    parameters at 0.93, under any threshold the rules hold a model to."""
    from extractors.values import params

    assert params("3400人2") is None
    assert params("3400亿").value == 340_000_000_000
    assert params("7B").value == 7_000_000_000


def test_an_address_sheds_the_marks_read_before_it():
    """Seed 79, case_012: the end of the line above (”。) read into a licence's address cell."""
    from extractors.values import parse

    assert parse("address", "”。上海市松江区港业路1458号").value == "上海市松江区港业路1458号"
    assert parse("address", "上海市松江区港业路1458号").value == "上海市松江区港业路1458号"


def test_a_code_with_several_repairs_takes_the_likeliest_as_a_guess():
    """Seed 83, case_002: a form's 91310117MA9BJCM0X0 read …MOXO at 0.88. O may be 0, D or Q,
    and three of the nine repairs pass the check; the one reading every O as 0 is the
    likeliest, taken as a guess (0.6 of the word's confidence) that says so."""
    from extractors.values import parse

    reads = find_uscc("91310117MA9BJCMOXO")
    assert reads[0].valid and reads[0].guessed and reads[0].value == "91310117MA9BJCM0X0"
    assert "3种" in reads[0].note
    parsed = parse("uscc", "统一社会信用代码 91310117MA9BJCMOXO")
    assert parsed.value == "91310117MA9BJCM0X0" and parsed.quality == 0.6
    # a code read as printed, or with a single repair, is no guess (…MDXD, also valid, read
    # …MOXO would be guessed wrong: which is why a guess is taken less surely)
    assert not find_uscc("91310117MA9BJCM0X0")[0].guessed
    assert not find_uscc("91310117MA9BJCMOXQ")[0].guessed


def test_a_code_that_lost_one_of_a_pair_of_like_characters_beside_its_label():
    """Seed 137 case_003: the kerned JJ of 91310117MA1CEJJY77 read as one J by both
    readers. Doubling one character: …CEJJY77 and 913101117… pass their check; the second's
    division 310111 (吴淞区) went out of use in 1988, so the first is taken, as a guess."""
    from extractors.uscc import division_in_use

    read = find_uscc("91310117MA1CEJY77", allow_extra=True)[0]
    assert read.valid and read.value == "91310117MA1CEJJY77" and read.guessed and "人工核对" in read.note
    assert not find_uscc("91310117MA1CEJY77")[0].valid  # not on unlabelled text
    assert division_in_use("91310117MA1CEJJY77") and division_in_use("91310000MA1CEJJY77")
    assert not division_in_use("913101117MA1CEJY77") and not division_in_use("91990117MA1CEJJY77")


def test_an_organisation_never_starts_with_its_legal_form():
    """Seed 137 case_012: …上海沐川人工智能科技 / 有限公司松江分公司长期深耕… wrapped across two
    pages; the second page's 有限公司松江分公司 was taken for the applicant at 0.85."""
    from extractors.values import org

    assert org("有限公司松江分公司") is None and org("股份有限公司") is None
    assert org("上海沐川人工智能科技有限公司松江分公司").value == "上海沐川人工智能科技有限公司松江分公司"


@pytest.mark.parametrize("text", ["2014年9月1日至长其", "2014年9月1日至长其2", "2014年9月1日至长", "2018年12月8日至K期"])
def test_license_term_long_with_a_character_misread(text):
    """Seed 157 cases 000 and 008: 至长期 read 至 长 其 on licence photos at 200 dpi. After
    至 only a date or 长期 can follow; the end is taken less surely than when read whole."""
    parsed = term(text)
    assert parsed.value["end"] == "长期" and parsed.quality < 1.0


@pytest.mark.parametrize("text", ["2014年9月1日至2044年8月31日", "2014年9月1日至", "2014年9月1日至2044年"])
def test_license_term_not_taken_for_long(text):
    assert term(text).value["end"] != "长期"


@pytest.mark.parametrize("text", ["201 7年8月9日", "20 17年8月9日", "2 017年8月9日", "网址:http://www.gsxt.gov.cn 201 7年8月9日"])
def test_a_year_tesseract_cut_with_one_blank(text):
    """Seed 167 case_016: a licence's issue date read 201 7年8月9日 (two words, both sure)."""
    assert [d for d, *_ in find_dates(text)] == [dt.date(2017, 8, 9)]


def test_a_year_cut_twice_or_out_of_range_is_no_year():
    assert find_dates("2 01 7年8月9日") == []
    assert find_dates("1 017年8月9日") == []
