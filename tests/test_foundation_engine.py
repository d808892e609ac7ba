"""The fast paths give what the plain paths give: the in-process OCR engine against the
tesseract program, OpenCV's decoding against Pillow's, pdfium's own pixels against PIL.

Speed is measured by ``benchmarks`` (bench_intake); these tests only hold the two ways to
the same output, so the cache key (which names the engine version, not the backend) stays
honest.
"""

from __future__ import annotations

import io
import os
import threading

import numpy as np
import pytest
from PIL import Image, ImageOps

from pipeline import ocr, render
from pipeline.models import MediaType


def _page(lines: list[str], size=(1400, 900)) -> np.ndarray:
    """A small white page of printed lines (the first one is drawn as a title)."""
    from tests.docmaker import page_image

    return np.asarray(page_image(["材料", *lines], size=size, font_size=40).convert("L"))


def _with_backend(name: str, func, *args, **kwargs):
    before = os.environ.get("PRECHECK_OCR_BACKEND")
    os.environ["PRECHECK_OCR_BACKEND"] = name
    try:
        return func(*args, **kwargs)
    finally:
        if before is None:
            os.environ.pop("PRECHECK_OCR_BACKEND", None)
        else:
            os.environ["PRECHECK_OCR_BACKEND"] = before


def _words(lines):
    return [(w.text, w.bbox, w.conf) for line in lines for w in line.words]


@pytest.mark.slow
def test_in_process_engine_reads_word_for_word_what_the_program_reads():
    if ocr._tesserocr() is None:
        pytest.skip("tesserocr not installed: only the program backend exists here")
    image = _page(["统一社会信用代码 91310117MA1J3K5X2P", "名称 上海鼎算信息技术有限公司",
                   "成立日期 2019年03月15日", "注册资本 人民币伍佰万元整"])
    api = _with_backend("api", ocr.ocr_lines, image, lang="chi_sim", timeout=60)
    cli = _with_backend("cli", ocr.ocr_lines, image, lang="chi_sim", timeout=60)
    assert _words(api) and _words(api) == _words(cli)
    strip = image[300:720]
    g_api = _with_backend("api", ocr.ocr_glyphs, strip, lang="chi_sim", timeout=60)
    g_cli = _with_backend("cli", ocr.ocr_glyphs, strip, lang="chi_sim", timeout=60)
    assert g_api and g_api == g_cli
    assert any(g.choices for line in g_api for g in line)  # the alternatives came through


@pytest.mark.slow
def test_pooled_engines_keep_no_setting_from_the_call_before():
    """A glyph call switches on LSTM choices and char boxes; the next plain call on the same
    pooled engine must read exactly as a fresh one."""
    if ocr._tesserocr() is None:
        pytest.skip("tesserocr not installed")
    image = _page(["法定代表人 黄新燕", "登记机关 上海市松江区市场监督管理局"])
    first = _with_backend("api", ocr.ocr_lines, image, lang="chi_sim", timeout=60)
    _with_backend("api", ocr.ocr_glyphs, image, lang="chi_sim", timeout=60)
    again = _with_backend("api", ocr.ocr_lines, image, lang="chi_sim", timeout=60)
    assert _words(first) == _words(again)


@pytest.mark.slow
def test_two_threads_read_at_once_with_their_own_engines():
    if ocr._tesserocr() is None:
        pytest.skip("tesserocr not installed")
    images = [_page([f"第{i}页 上海市松江区人民政府"]) for i in range(4)]
    out: dict[int, list] = {}

    def read(i):
        out[i] = _with_backend("api", ocr.ocr_lines, images[i], lang="chi_sim", timeout=60)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        assert "松江区" in "".join(line.text for line in out[i])


@pytest.mark.slow
def test_in_process_timeout_is_an_ocr_timeout():
    if ocr._tesserocr() is None:
        pytest.skip("tesserocr not installed")
    rng = np.random.default_rng(3)
    noise = (rng.random((3000, 3000)) > 0.5).astype(np.uint8) * 255  # slow to lay out and read
    with pytest.raises(ocr.OcrTimeout):
        _with_backend("api", ocr.ocr_lines, noise, lang="chi_sim", timeout=0.5)
    # the engine that timed out goes back to the pool and still reads
    lines = _with_backend("api", ocr.ocr_lines, _page(["上海市松江区"]), lang="chi_sim", timeout=60)
    assert "松江" in "".join(line.text for line in lines)


def test_backend_can_be_forced_to_the_program():
    assert _with_backend("cli", ocr.backend) == "cli"


def _jpeg(im: Image.Image, orientation: int) -> bytes:
    from fixtures.containers import jpeg_bytes

    return jpeg_bytes(im, 90, 200, exif_orientation=orientation)


def _pil_reference(path) -> np.ndarray:
    with Image.open(path) as im:
        frame = ImageOps.exif_transpose(im.copy())
        if frame.mode in ("RGBA", "LA", "P"):
            bg = Image.new("RGBA", frame.size, (255, 255, 255, 255))
            frame = Image.alpha_composite(bg, frame.convert("RGBA"))
        return np.asarray(frame.convert("RGB"))[:, :, ::-1]


@pytest.mark.parametrize("orientation", [1, 6, 8])
def test_jpeg_decoded_by_opencv_equals_pillow_with_exif_orientation(tmp_path, orientation):
    rgb = np.zeros((300, 200, 3), np.uint8)
    rgb[:150] = (200, 30, 30)  # red top half: a wrong turn shows
    rgb[150:] = (20, 20, 220)
    path = tmp_path / "photo.jpg"
    path.write_bytes(_jpeg(Image.fromarray(rgb), orientation))
    got = render.page_image(path, MediaType.jpeg, 1)
    want = _pil_reference(path)
    assert got.shape == want.shape
    assert int(np.abs(got.astype(int) - want.astype(int)).max()) <= 1


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "P"])
def test_png_of_every_mode_renders_as_pillow_would(tmp_path, mode):
    rgba = np.zeros((60, 80, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = 180, 255
    rgba[:, :40, 3] = 0  # a transparent half must come out white, not black
    im = Image.fromarray(rgba, "RGBA")
    im = im.convert(mode) if mode != "P" else im.convert("RGBA").quantize(8)
    path = tmp_path / f"page-{mode}.png"
    im.save(path)
    got = render.page_image(path, MediaType.png, 1)
    want = _pil_reference(path)
    assert got.shape == want.shape and np.array_equal(got, want)


def test_pdf_page_pixels_equal_pdfium_through_pil(tmp_path):
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFillColorRGB(0.8, 0.1, 0.1)
    c.rect(100, 500, 200, 100, fill=1)
    c.drawString(100, 700, "precheck")
    c.save()
    path = tmp_path / "doc.pdf"
    path.write_bytes(buf.getvalue())
    got = render.page_image(path, MediaType.pdf, 1, 100)
    pdf = pdfium.PdfDocument(str(path))
    want = np.asarray(pdf[0].render(scale=100 / 72).to_pil().convert("RGB"))[:, :, ::-1]
    pdf.close()
    assert np.array_equal(got, want)


def test_a_character_boxed_as_a_dot_is_put_beside_its_neighbour():
    """Seed 47: Tesseract read a name's 上 (0.43) but boxed it (535, 1151, 537, 1153), 260 px
    left of 海; the gap made it a cell of its own and the name 海芯原动网络科技有限公司."""
    from pipeline.models import Word

    words = [Word(text="上", bbox=(535, 1151, 537, 1153), conf=0.43),
             Word(text="海", bbox=(795, 1069, 838, 1128), conf=1.0),
             Word(text="芯", bbox=(869, 1070, 899, 1124), conf=1.0),
             Word(text="原", bbox=(927, 1069, 963, 1126), conf=1.0)]
    out = ocr.reboxed(words)
    x0, y0, x1, y1 = out[0].bbox
    assert 700 < x0 < x1 < 795 and (y0, y1) == (1069, 1128)
    assert out[1:] == words[1:] and out[0].text == "上" and out[0].conf == 0.43
    # a dot of punctuation, or a line of dots alone, stays where Tesseract put it
    dot = [Word(text=".", bbox=(535, 1151, 537, 1153), conf=0.4), *words[1:]]
    assert ocr.reboxed(dot) == dot
    comma = [Word(text="，", bbox=(535, 1151, 537, 1153), conf=0.32), *words[1:]]  # seed 29: before a figure
    assert ocr.reboxed(comma) == comma
    assert ocr.reboxed(words[:1]) == words[:1]
    # the last word boxed as a dot goes after the one before it
    tail = ocr.reboxed([*words[1:], Word(text="动", bbox=(2000, 1151, 2002, 1152), conf=0.5)])
    assert 963 < tail[-1].bbox[0] < 1000


def test_a_dot_box_with_no_room_between_its_neighbours_stays():
    from pipeline.models import Word

    words = [Word(text="七", bbox=(2482, 2037, 2545, 2106), conf=0.71),
             Word(text="月", bbox=(2546, 2050, 2548, 2052), conf=0.5),
             Word(text="五", bbox=(2550, 2037, 2610, 2106), conf=1.0)]
    assert ocr.reboxed(words) == words
