"""Which way the lines run, on pages where the text is not most of the ink."""

from __future__ import annotations

import numpy as np
from PIL import ImageDraw

from pipeline import geometry
from tests import docmaker

FORM = ["街镇初审意见表", "申报单位  上海松江智算科技有限公司", "项目名称  行业模型研发",
        "初审意见  同意推荐", "经办人", "日期  2026年06月20日"]


def _ruled_form():
    """A sparse form: a few short lines inside a heavy grid of long rules."""
    image = docmaker.page_image(FORM)
    draw = ImageDraw.Draw(image)
    for y in range(520, 3100, 230):
        draw.line((180, y, 2300, y), fill="black", width=7)
    for x in (180, 700, 2300):
        draw.line((x, 520, x, 3070), fill="black", width=7)
    return np.asarray(image)[:, :, ::-1].copy()


def test_a_ruled_form_lying_on_its_side_has_vertical_lines():
    form = _ruled_form()
    assert not geometry.lines_are_vertical(form)
    for quarter in (90, 270):
        assert geometry.lines_are_vertical(geometry.rotate_quarter(form, quarter)), quarter
    assert not geometry.lines_are_vertical(geometry.rotate_quarter(form, 180))
