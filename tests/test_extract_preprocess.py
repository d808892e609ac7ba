"""OCR clean-up (pipeline.preprocess): grey seal ink over text, on synthetic pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.models import Seal
from pipeline.preprocess import clean_for_ocr, fade_grey_seals


def _page_with_grey_seal():
    page = np.full((600, 600, 3), 235, np.uint8)  # greyish paper of a greyscale scan
    cv2.circle(page, (300, 300), 150, (140, 140, 140), 12)  # the seal's ring in mid-grey
    cv2.putText(page, "2026", (170, 330), cv2.FONT_HERSHEY_SIMPLEX, 3, (30, 30, 30), 8)  # text over it
    return page


def test_grey_seal_ink_faded_text_kept():
    page = _page_with_grey_seal()
    seal = Seal(page=1, bbox=(150, 150, 450, 450), colour="grey")
    out = fade_grey_seals(page, [seal])
    gray = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    assert gray[300, 150 - 0] > 200 and gray[150, 300] > 200  # ring points: paper now
    assert (gray < 80).sum() >= 0.9 * (cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 80).sum()  # the text stays
    assert clean_for_ocr(page, [seal]).shape[:2] == page.shape[:2]


def test_red_seals_and_single_ink_boxes_untouched():
    page = _page_with_grey_seal()
    assert fade_grey_seals(page, [Seal(page=1, bbox=(150, 150, 450, 450), colour="red")]) is page
    ring_only = np.full((600, 600, 3), 235, np.uint8)
    cv2.circle(ring_only, (300, 300), 150, (140, 140, 140), 12)
    out = fade_grey_seals(ring_only, [Seal(page=1, bbox=(150, 150, 450, 450), colour="grey")])
    # one kind of ink only: Otsu splits the ring's own shades, the separation test refuses
    assert (cv2.cvtColor(out, cv2.COLOR_BGR2GRAY) < 200).sum() > 0.5 * (cv2.cvtColor(ring_only, cv2.COLOR_BGR2GRAY) < 200).sum()


def test_dark_seal_with_a_light_halo_faded_text_kept():
    """Seed 131 case_002: a dark grey seal (ink ~110) whose box holds many lighter specks
    (~165) and little text. Otsu's split over the box fell between the seal and its specks,
    so the seal was kept whole; the split is now made again within the darker group, no
    darker than most of the ring's ink."""
    rng = np.random.default_rng(7)
    page = np.full((600, 600, 3), 235, np.uint8)
    cv2.circle(page, (300, 300), 150, (110, 110, 110), 22)  # a heavy ring ...
    cv2.circle(page, (300, 300), 100, (115, 115, 115), 30)  # ... and the seal's lettering
    inked = page[..., 0] < 200
    page[inked] = (page[inked].astype(int) + rng.integers(-4, 5, (int(inked.sum()), 1))).astype(np.uint8)
    ys, xs = rng.integers(150, 450, 6000), rng.integers(150, 450, 6000)
    page[ys, xs] = 165  # the halo of light specks around the seal's ink
    cv2.putText(page, "26", (240, 320), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 4)  # a little text
    seal = Seal(page=1, bbox=(150, 150, 450, 450), colour="grey")
    gray = cv2.cvtColor(fade_grey_seals(page, [seal]), cv2.COLOR_BGR2GRAY)
    before = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    ring = np.zeros(before.shape, np.uint8)
    cv2.circle(ring, (300, 300), 150, 255, 16)
    assert (gray[ring > 0] > 200).mean() > 0.6  # most of the ring is paper now (was 0.06)
    assert (gray < 60).sum() >= 0.9 * (before < 60).sum()  # the text stays


def test_clean_page_is_grey_with_seals_and_ruling_gone():
    """clean_for_ocr hands Tesseract one grey image: the red seal's ink and the table
    ruling are paper, the grey seal's ring faded, the text over it kept."""
    page = _page_with_grey_seal()
    cv2.circle(page, (120, 480), 60, (40, 40, 220), 6)  # a red seal as well
    cv2.line(page, (20, 560), (580, 560), (0, 0, 0), 2)  # table ruling
    seals = [Seal(page=1, bbox=(150, 150, 450, 450), colour="grey"),
             Seal(page=1, bbox=(60, 420, 180, 540), colour="red")]
    got = clean_for_ocr(page, seals)
    assert got.ndim == 2 and got.shape == page.shape[:2]
    assert got[480, 60] > 200 and got[420, 120] > 200  # red ring
    assert (got[558:563, 200:580] > 200).mean() > 0.95  # ruling
    assert got[300, 150] > 200  # grey ring
    assert (got < 80).sum() >= 0.9 * (cv2.cvtColor(_page_with_grey_seal(), cv2.COLOR_BGR2GRAY) < 80).sum()


def _lit_from_a_corner(gray: np.ndarray, strength: float = 0.55) -> np.ndarray:
    """A lamp beyond the top-left corner: the far corner gets 1 - strength of its light."""
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w]
    fall = 1.0 - strength * np.hypot(xx, yy) / np.hypot(w, h)
    return np.clip(gray * fall, 0, 255).astype(np.uint8)


def _license_page() -> np.ndarray:
    from tests.docmaker import LICENSE, page_image

    return cv2.cvtColor(np.asarray(page_image(LICENSE)), cv2.COLOR_RGB2GRAY)


def test_flatten_light_whitens_the_paper_and_keeps_the_ink():
    from pipeline.preprocess import flatten_light

    page = _license_page()
    lit = _lit_from_a_corner(page)
    paper, ink = page > 250, page < 100
    assert np.percentile(lit[paper], 5) < 160  # the dark corner: below Otsu's split of the page
    flat = flatten_light(lit)
    assert np.percentile(flat[paper], 5) > 225
    assert (flat[ink] < 128).mean() > 0.95


def test_flatten_light_leaves_an_evenly_lit_page_alone():
    from pipeline.preprocess import flatten_light

    page = np.clip(_license_page().astype(int) - 12, 0, 255).astype(np.uint8)  # greyish paper
    assert flatten_light(page) is page
    faint = _lit_from_a_corner(page, 0.05)  # 12 levels darker in the far corner: even enough
    assert flatten_light(faint) is faint
    dim = _lit_from_a_corner(page, 0.3)
    assert flatten_light(dim) is not dim
    small = page[:100, :100]
    assert flatten_light(small) is small  # too small to tell paper from ink: left as is


@pytest.mark.slow
def test_photo_lit_from_one_side_is_read():
    """A photo at 200 dpi, lit from one side and a little askew, the corners the turn
    uncovered left white: Tesseract's one threshold fell between the white corners and the
    grey paper, and it read nothing at all (0 lines; measured with flatten_light off).
    Lit evenly first, the page is read."""
    from fixtures import degrade
    from pipeline import ocr
    from tests.docmaker import LICENSE, page_image

    rs = np.random.default_rng(1)
    photo = degrade.uneven_light(page_image(LICENSE, size=(1654, 2339), font_size=37), 0.3, rs)
    photo, _ = degrade.skew(photo, 2.0)
    photo = cv2.cvtColor(np.asarray(degrade.noise(photo, 5, rs)), cv2.COLOR_RGB2BGR)
    photo = cv2.resize(photo, (photo.shape[1] * 3 // 2, photo.shape[0] * 3 // 2), interpolation=cv2.INTER_CUBIC)
    lines = ocr.ocr_lines(clean_for_ocr(photo, []), lang="chi_sim", timeout=60)
    text = "".join(line.text for line in lines).replace(" ", "")
    assert "上海松江智算科技有限公司" in text
    assert "人民币伍佰万元整" in text
