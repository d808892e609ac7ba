"""The last look at a company's name under its own seal (pipeline.name_lines): which
stretches are looked at, when the views' readings are taken, and real pixels."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import name_lines, ocr
from pipeline.models import Seal, Word
from pipeline.second_reader import Reading

NAME = "上海泽岳信息技术有限公司"


def _view(text: str, probs: float | list[float], kind: str, box=(1000, 2150, 1800, 2240)):
    probs = probs if isinstance(probs, list) else [probs] * len(text)
    return Reading(tuple(text), tuple(probs), tuple(30.0 + 45 * i for i in range(len(text)))), box, kind


def _chosen_name(chosen) -> str:
    reading, _, j1, j2 = chosen
    return "".join(reading.chars[j1:j2])


def test_a_line_naming_the_applicant_without_a_whole_name_is_looked_at():
    assert name_lines.names_expected("申报单位(盖章):上海泽后f入了", "上海泽后f入了")
    assert name_lines.names_expected("上海澜舟网略科技有了帮可", "上海澜舟网略科技有了帮可") is False
    assert name_lines.names_expected("盖章：上海澜舟网络科技有限帮可", "上海澜舟网络科技有限帮可")  # 有限 left
    # a whole name is left as Tesseract read it; a line with no name expected is not looked at
    assert name_lines.names_expected("申报单位(盖章):" + NAME, NAME) is False
    assert name_lines.names_expected("二〇二六年八月三日", "二〇二六年八月三日") is False
    # a label with nothing after it, or a stretch before the label, holds no name
    assert name_lines.names_expected("申报单位(盖章)", "申报单位(盖章)") is False
    assert name_lines.names_expected("以上申报材料真实有效，特此申请。申报单位（盖章)", "以上申报材料真实有效，特此申请。申报单位（盖章)") is False
    assert name_lines.names_expected("日期 申报单位(盖章):上海泽后f入了", "日期") is False
    assert name_lines.names_expected("申报单位(盖章) 2026年8月4日", "申报单位(盖章)") is False
    assert name_lines.names_expected("申报单位意见以上申报材料真实有效，特此申请。中报单位(盖章)", "中报单位(盖章)") is False
    assert name_lines.names_expected("申报单位(盖章): 上海泽后f入了", "上海泽后f入了")


def test_the_legal_suffix_is_mended_where_the_seal_took_its_gong():
    """Seed 41: a seal's star over 公 left 有限司 (the character dropped) or 有限登司 (read
    as 登 at 0.31). The suffix is known; the character put back counts only as SEEN."""
    dropped = name_lines.suffix_mended(_view("上海泽岳信息技术有限司", 1.0, "scanned:band0")[0])
    assert dropped.text == NAME and dropped.probs[-2] == name_lines.SEEN
    assert len(dropped.xs) == len(dropped.chars)
    misread = name_lines.suffix_mended(_view("上海澜舟网络科技有限登司", [1.0] * 10 + [0.31, 1.0], "x")[0])
    assert misread.text == "上海澜舟网络科技有限公司"
    # a character read surely there is not overruled; a whole suffix is left alone
    sure = _view("上海澜舟网络科技有限登司", 0.95, "x")[0]
    assert name_lines.suffix_mended(sure) is sure
    whole = _view(NAME, 0.9, "x")[0]
    assert name_lines.suffix_mended(whole) is whole


def test_a_name_two_kinds_of_view_read_alike_is_taken():
    views = [_view("申报单位(盖章):上海泽岳信息技术有限司", 1.0, "scanned:band0"),
             _view("申报单位(盖章):" + NAME, [1.0] * 15 + [0.51] + [1.0] * 6, "scanned:band1"),
             _view("申报单位(盖章):上海泽岳信息技术有司", 0.9, "clean:band1")]
    chosen = name_lines.agreed_name(views)
    assert chosen is not None and _chosen_name(chosen) == NAME
    # one view, unless sure of every character, is not enough
    assert name_lines.agreed_name(views[:1]) is None
    assert _chosen_name(name_lines.agreed_name([_view(NAME, 0.95, "scanned:band0")])) == NAME
    # characters under SEEN count for nothing
    assert name_lines.agreed_name([_view(NAME, 0.45, "scanned:band0"), _view(NAME, 0.45, "clean:band0")]) is None


def test_views_naming_different_companies_as_often_give_nothing():
    views = [_view(NAME, 0.95, "scanned:band0"), _view("上海泽后信息技术有限公司", 0.96, "clean:band0")]
    assert name_lines.agreed_name(views) is None


@pytest.mark.slow
def test_a_name_under_a_grey_ring_is_read_again_from_the_pixels(engine):
    """A cover page's signing line with a grey seal's ring through the name. Should
    Tesseract read the name whole, the test puts the misreading of the bench corpus in
    itself; the views of the pixels give the name back, and other lines stay as they are."""
    import cv2

    from tests.docmaker import page_image

    page = np.asarray(page_image(["项目情况报告", "申报单位（盖章）：" + NAME, "二〇二六年十一月十三日"],
                                 size=(1800, 900), font_size=44).convert("L")).copy()
    cv2.circle(page, (1200, 450), 190, 150, 9)  # a grey ring through the name
    seal = Seal(page=1, bbox=(1010, 260, 1390, 640), colour="grey")
    lines = ocr.ocr_lines(page, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if "申报" in line.text)
    if "有限公司" in lines[target].text:
        head = [w for w in lines[target].words if w.bbox[0] < 900]
        garbled = Word(text="上海泽后f入了", bbox=(900, lines[target].bbox[1], 1500, lines[target].bbox[3]), conf=0.2)
        lines[target] = ocr.make_line([*head, garbled], block=lines[target].block)
    fixed, crops = name_lines.recheck_names(page, page, lines, [seal])
    assert crops >= 2
    assert NAME in "".join(w.text for w in fixed[target].words)
    assert all(fixed[i] is lines[i] for i in range(len(lines)) if i != target)
