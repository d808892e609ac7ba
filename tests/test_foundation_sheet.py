"""A photo of a sheet on a desk, taken at a slant: the sheet's corners found, the sheet
flattened onto a rectangle and scaled by its own size before it is read."""

from __future__ import annotations

import numpy as np
import pytest

from fixtures import degrade as dg
from pipeline import sheet
from pipeline.ingest import ingest
from pipeline.pages import ocr_raster, read_page
from tests import docmaker


def _photo(keystone: float, *, tilt: float = 0.0, seed: int = 0, background=(92, 84, 76), lines=None):
    page = docmaker.page_image(lines or docmaker.LICENSE)
    rs = np.random.default_rng(seed)
    photo, corners = dg.phone_photo(page, keystone, rs, margin=0.12, tilt=tilt, background=background)
    photo = dg.noise(photo, 5, rs)
    return np.asarray(photo)[:, :, ::-1].copy(), corners


@pytest.mark.parametrize("keystone, tilt", [(0.0, 0.0), (0.06, -3.0), (0.14, 4.0)])
def test_the_corners_of_a_sheet_on_a_desk_are_found(keystone, tilt):
    photo, truth = _photo(keystone, tilt=tilt)
    found = sheet.find_sheet(photo)
    assert found is not None
    error = np.linalg.norm(found - truth, axis=1).max()
    assert error <= 0.01 * max(photo.shape[:2]), (found.round().tolist(), truth.round().tolist())


def test_a_scan_a_sheet_off_the_frame_a_sheet_on_a_white_desk_and_a_vignette_are_left_as_they_are():
    scan = np.asarray(docmaker.page_image(docmaker.LICENSE))[:, :, ::-1].copy()
    assert sheet.find_sheet(scan) is None  # the paper is the whole frame
    photo, corners = _photo(0.08, tilt=2.0)
    cut = int(corners[:, 0].min() + 300)  # the sheet's left edge out of the picture
    assert sheet.find_sheet(photo[:, cut:].copy()) is None
    white, _ = _photo(0.08, background=(246, 246, 244))
    assert sheet.find_sheet(white) is None
    # a scan darkening towards its corners (a vignette) is no sheet on a desk either
    page = np.asarray(docmaker.page_image(docmaker.LICENSE))[:, :, ::-1].astype(np.float32)
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    fall = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2)) / np.sqrt(2)
    for strength in (0.5, 1.0):
        dim = np.clip(page * (1 - strength * fall ** 2)[..., None], 0, 255).astype(np.uint8)
        assert sheet.find_sheet(dim) is None, strength


def test_a_flattened_sheet_keeps_its_proportions_and_is_scaled_by_its_own_width():
    photo, _ = _photo(0.10, tilt=-2.0)
    flat = ocr_raster(photo, None, 300)
    h, w = flat.shape[:2]
    assert abs(w - 2480) <= 0.02 * 2480  # the sheet's width taken for A4's at 300 dpi, desk left out
    assert abs(h / w - 3508 / 2480) <= 0.02


def test_a_licence_photographed_at_a_slant_is_read_flat(tmp_path, settings):
    photo, _ = _photo(0.14, tilt=3.0)
    import cv2

    cv2.imwrite(str(tmp_path / "IMG_0412.jpg"), photo, [cv2.IMWRITE_JPEG_QUALITY, 88])
    sub = ingest(tmp_path, settings)
    page = read_page(sub, sub.files[0], 1, settings).page
    assert abs(page.width - 2480) <= 50 and abs(page.height / page.width - 3508 / 2480) <= 0.02
    assert abs(page.skew) <= 0.5, page.skew  # straight everywhere: no angle left to turn it by
    text = page.text.replace(" ", "")
    assert "91310117MA1FL3KX26" in text
    assert "上海市松江区九亭镇" in text and "北路218号" in text
