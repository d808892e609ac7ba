"""Label → value through word boxes: letter-spacing, OCR slips, values below, data files."""

from __future__ import annotations

import pytest

from extractors.fields import extract_fields
from extractors.layout import build_rows, find_labels, value_below, value_right
from extractors.vocab import FieldSpec, Labels
from pipeline.models import Document, Line, Page, Word
from tests.pagekit import make_page


def _hits(page, labels, anchored=frozenset()):
    rows = build_rows(page)
    return rows, find_labels(rows, labels, anchored=set(anchored))


def test_letter_spaced_label_found_across_wide_spacing():
    page = make_page(["名\t称\t上海松江智算科技有限公司"], style="ocr")
    rows, hits = _hits(page, {"name": ["名称"]})
    assert [h.key for h in hits] == ["name"]
    by_row = {id(rows[0]): hits}
    assert value_right(hits[0], hits).text == "上海松江智算科技有限公司"
    assert by_row


def test_labels_do_not_match_across_table_cells():
    page = make_page(["名称\t上海松江智算科技有限公司\t类型\t有限责任公司"])
    rows, hits = _hits(page, {"name": ["名称"], "type": ["类型", "公司类型"]}, anchored={"类型"})
    assert [(h.key, h.label) for h in hits] == [("name", "名称"), ("type", "类型")]
    assert value_right(hits[0], hits).text == "上海松江智算科技有限公司"


def test_ocr_slip_in_long_label_and_lost_character():
    page = make_page(["统一社会信用代妈\t91310117MA1J3XQ21X", "申请资\t1521万元"], style="ocr")
    rows, hits = _hits(page, {"uscc": ["统一社会信用代码"], "amount": ["申请资金"]})
    assert [(h.key, h.fuzzy) for h in hits] == [("uscc", True), ("amount", True)]


def test_a_speck_read_as_a_colon_inside_a_label():
    """Seed 47, case_013: 成立:日期 2017年9月20日 on a licence, the colon a speck at 0.81."""
    labels = {"established": ["成立日期"], "name": ["名称"]}
    rows, hits = _hits(make_page(["类型 有限责任公司 成立:日期 2017年9月20日"], style="ocr"), labels)
    assert [h.key for h in hits] == ["established"]
    assert value_right(hits[0], hits).text == "2017年9月20日"
    rows, hits = _hits(make_page(["名称:上海松江智算科技有限公司"], style="ocr"), labels)
    assert value_right(hits[0], hits).text == "上海松江智算科技有限公司"  # a real colon still parts


def test_short_label_inside_other_words_is_not_a_label():
    page = make_page(["本项目名称变更情况说明", "名称：上海松江智算科技有限公司"])
    rows, hits = _hits(page, {"name": ["名称"]}, anchored={"名称"})
    assert len(hits) == 1 and hits[0].span.row is rows[1]


def test_value_below_label_in_its_column():
    page = make_page(["名称\t\t\t成立日期", "上海松江智算科技有限公司\t\t2015年8月13日"])
    rows, hits = _hits(page, {"name": ["名称"], "date": ["成立日期"]})
    row_hits = {id(rows[0]): hits}
    below_name = value_below(hits[0], rows, row_hits)
    below_date = value_below(hits[1], rows, row_hits)
    assert below_name[0].text == "上海松江智算科技有限公司"
    assert below_date[0].text == "2015年8月13日"


def test_ocr_lines_with_overlapping_word_boxes_stay_one_row():
    from pipeline.models import Line, Page, Word

    words = [Word(text="申报", bbox=(470, 939, 553, 980), conf=0.9), Word(text="单位", bbox=(576, 939, 641, 980), conf=0.9),
             Word(text="灵犀", bbox=(848, 933, 1188, 974), conf=0.9), Word(text="智", bbox=(947, 933, 993, 974), conf=0.9),
             Word(text="算", bbox=(992, 933, 1038, 974), conf=0.9)]
    page = Page(file="a", number=1, width=2480, height=3508, source="ocr",
                lines=[Line(text="", bbox=(470, 933, 1188, 980), conf=0.9, words=words)])
    rows = build_rows(page)
    assert len(rows) == 1 and rows[0].chars.replace("\t", "") == "申报单位灵犀智算"


def test_label_file_shape_is_validated():
    with pytest.raises(Exception):
        FieldSpec.model_validate({"kind": "colour", "labels": ["x"]})
    with pytest.raises(Exception):
        FieldSpec.model_validate({"kind": "org", "labels": []})
    with pytest.raises(Exception):
        Labels.model_validate({"settings": {}, "stop_labels": [], "doc_types": {"nonsense": {}}})


def _two_lines(a: Word, b: Word, title: bool = True) -> Page:
    second = [b, Word(text="营业执照", bbox=(1400, 537, 2317, 664), conf=1.0)] if title else [b]
    lines = [Line(text="统一社会信用代码", bbox=(478, 482, 800, 520), conf=0.9,
                  words=[Word(text="统一社会信用代码", bbox=(478, 482, 800, 520), conf=0.9)]),
             Line(text=a.text, bbox=a.bbox, conf=a.conf, words=[a]),
             Line(text=" ".join(w.text for w in second), bbox=(b.bbox[0], 537, 2317, 664), conf=1.0, words=second)]
    return Page(file="执照.jpg", number=1, width=3600, height=2500, source="ocr", mean_conf=0.9, lines=lines)


def test_a_code_read_in_two_overlapping_pieces_by_two_lines_is_one_word():
    """Seed 107 case_011: a licence photo's code, at the height of the big title, read by
    Tesseract as 91310117MA3MD on one line and MA3MDQBN2J (from the M on) on another."""
    a = Word(text="91310117MA3MD", bbox=(479, 565, 792, 595), conf=0.85)
    b = Word(text="MA3MDQBN2J", bbox=(672, 564, 912, 598), conf=0.99)
    texts = [w.text for row in build_rows(_two_lines(a, b)) for w in row.words]
    assert "91310117MA3MDQBN2J" in texts and "MA3MDQBN2J" not in texts and "营业执照" in texts
    # the second piece elsewhere than where the shared characters start in the first
    moved = b.model_copy(update={"bbox": (720, 564, 960, 598)})
    assert "91310117MA3MD" in [w.text for row in build_rows(_two_lines(a, moved)) for w in row.words]
    # sharing fewer than three characters, or on another line of print
    short = b.model_copy(update={"text": "MDQBN2J", "bbox": (744, 564, 912, 598)})
    assert "91310117MA3MD" in [w.text for row in build_rows(_two_lines(a, short)) for w in row.words]
    lower = b.model_copy(update={"bbox": (672, 610, 912, 644)})
    assert "91310117MA3MD" in [w.text for row in build_rows(_two_lines(a, lower)) for w in row.words]


def test_a_licence_code_read_in_two_pieces_is_found():
    a = Word(text="91310117MA3MD", bbox=(479, 565, 792, 595), conf=0.85)
    b = Word(text="MA3MDQBN2J", bbox=(672, 564, 912, 598), conf=0.99)
    doc = Document(file="执照.jpg", pages=[1], doc_type="business_license", confidence=1.0)
    assert extract_fields(doc, [_two_lines(a, b)])["uscc"].value == "91310117MA3MDQBN2J"
