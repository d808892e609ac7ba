"""The second reader (pipeline.second_reader): which words it re-reads, how its reading is
merged into Tesseract's, and the real PP-OCR recogniser on real pixels."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import ocr, second_reader
from pipeline.models import Line, Word
from pipeline.ocr import make_line
from pipeline.second_reader import Reading, doubtful_spans, merge, rebuild


def _words(spec: list[tuple[str, float]], *, x0: float = 100, char_w: float = 40) -> list[Word]:
    out, x = [], x0
    for text, conf in spec:
        out.append(Word(text=text, bbox=(x, 100, x + char_w * len(text), 140), conf=conf))
        x += char_w * len(text) + 10
    return out


def _reading(text: str, prob: float = 0.99) -> Reading:
    return Reading(tuple(text), tuple(prob for _ in text), tuple(float(i) for i in range(len(text))))


def test_doubtful_word_takes_the_sure_second_reading_one_for_one():
    words = _words([("上海", 0.95), ("里算", 0.62), ("信息", 0.97), ("技术", 0.96)])
    out = merge(words, _reading("上海鼎算信息技术"))
    assert [w.text for w in out] == ["上海", "鼎算", "信息", "技术"]
    assert out[1].first_text == "里算" and out[1].first_conf == 0.62 and out[1].conf == 0.99
    assert out[1].bbox == words[1].bbox  # the box stays Tesseract's


def test_confident_tesseract_word_is_never_changed():
    words = _words([("上海", 0.95), ("里算", 0.93)])
    out = merge(words, _reading("上海鼎算"))
    assert [w.text for w in out] == ["上海", "里算"] and out[1].first_text is None


def test_unsure_second_reading_changes_nothing():
    words = _words([("里算", 0.5)])
    reading = Reading(("鼎", "算"), (0.6, 0.99), (0.0, 1.0))
    assert merge(words, reading)[0].text == "里算"


def test_characters_split_or_joined_differently_are_left_alone():
    """由于和舞浆 against 由于舞弊: the counts differ, which word a character belongs to is a
    guess, so the doubtful words stay as Tesseract read them."""
    words = _words([("由于", 0.9), ("和舞浆", 0.4), ("或", 0.95)])
    out = merge(words, _reading("由于舞弊或"))
    assert [w.text for w in out] == ["由于", "和舞浆", "或"]


def test_agreement_raises_a_low_confidence_and_keeps_the_first():
    words = _words([("松江区", 0.55)])
    out = merge(words, _reading("松江区", 0.97))
    assert out[0].text == "松江区" and out[0].conf == 0.97 and out[0].first_conf == 0.55
    assert out[0].first_text is None  # the text was not changed


def test_full_width_and_half_width_punctuation_agree():
    words = _words([("股东:", 0.6)])
    out = merge(words, _reading("股东：", 0.98))
    assert out[0].text == "股东:" and out[0].conf == 0.98


def test_doubtful_spans_join_near_runs_and_add_context():
    confs = [0.9, 0.9, 0.5, 0.9, 0.4, 0.9, 0.9, 0.9, 0.9, 0.9, 0.3, 0.9]
    words = _words([(f"字{i}", c) for i, c in enumerate(confs)])
    spans = doubtful_spans(words, doubt=0.8)
    assert spans == [(0, 7), (8, 12)]
    # punctuation alone is not worth a reading
    assert doubtful_spans(_words([("，", 0.2), ("上海", 0.95)])) == []


@pytest.fixture(scope="module")
def engine():
    rec = second_reader.recogniser()
    assert rec is not None, "the PP-OCR model is not installed: run make setup"
    return rec


def _line_image(text: str, *, font_size: int = 44) -> np.ndarray:
    """One printed line, cropped as the pipeline crops a span: the text and a margin."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.docmaker import SERIF

    font = ImageFont.truetype(SERIF, font_size)
    width = int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(text, font=font)) + 2 * font_size // 3
    im = Image.new("L", (width, int(font_size * 1.6)), 255)
    ImageDraw.Draw(im).text((font_size // 3, font_size // 4), text, font=font, fill=0)
    return np.asarray(im)


@pytest.mark.slow
@pytest.mark.parametrize("text", ["上海鼎算信息技术有限公司", "上海睿穹智能科技有限公司",
                                  "统一社会信用代码91310117MA1J3K5X2P", "2025年12月31日"])
def test_recogniser_reads_rendered_lines_exactly(engine, text):
    reading = engine.read([_line_image(text)])[0]
    assert reading.text.replace(" ", "") == text
    assert list(reading.xs) == sorted(reading.xs)  # characters come in reading order


@pytest.mark.slow
def test_reread_restores_a_misread_name_from_the_pixels(engine):
    """Tesseract's real reading of a rendered page, where the name's rare character is
    misread (Tesseract 5.3 chi_sim reads 海鼎 here as 海里, confidence 0.27; should a later
    model read it right, the test puts that misreading in itself): the second reader, which
    sees only the pixels, gives 鼎 back and keeps what Tesseract read."""
    from tests.docmaker import page_image

    image = np.asarray(page_image(["审计报告", "上海鼎算信息技术有限公司全体股东：",
                                   "我们审计了后附的财务报表"], size=(1600, 900), font_size=44).convert("L"))
    lines = ocr.ocr_lines(image, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if "算信息" in line.text)
    if "鼎" in lines[target].text:
        words = [w.model_copy(update={"text": w.text.replace("鼎", "里"), "conf": 0.3})
                 if "鼎" in w.text else w for w in lines[target].words]
        lines[target] = ocr.make_line(words, block=lines[target].block)
    assert "鼎" not in lines[target].text
    fixed, spans = second_reader.reread(image, lines)
    assert spans >= 1
    assert "上海鼎算信息技术有限公司" in fixed[target].text
    changed = [w for w in fixed[target].words if w.first_text]
    assert changed and all("里" in w.first_text for w in changed)
    assert all(w.conf >= second_reader.SURE for w in changed)
    # lines with nothing doubtful are the very same objects
    assert all(fixed[i] is lines[i] for i in range(len(lines))
               if all(w.conf >= second_reader.DOUBT for w in lines[i].words))


def test_a_line_tesseract_lost_is_taken_whole_from_a_sure_second_reading():
    """二〇二五年十二月十三日 under a seal, read by Tesseract as 一口习下年二、月二二上昌 at
    0.3: too far off to align, so the sure second reading of the whole line replaces it, a
    word per character, boxed where the recogniser put each character."""
    words = _words([("一", 0.42), ("口", 0.0), ("习", 0.0), ("下", 0.29), ("年", 0.6), ("二、", 0.11),
                    ("月", 0.84), ("二", 0.15), ("二", 0.37), ("上", 0.28), ("昌", 0.0)], x0=1000)
    line = make_line(words)
    text = "二〇二五年十二月十三日"
    centres = tuple((w.bbox[0] + w.bbox[2]) / 2 - 1000 for w in words)  # one character per word here
    reading = Reading(tuple(text), (1.0, 0.72, *([0.99] * 9)), centres)
    out = rebuild(line, reading, x_origin=1000)
    assert out is not None and out.text == text and len(out.words) == 11
    assert [round((w.bbox[0] + w.bbox[2]) / 2) for w in out.words[:3]] == [1020, 1070, 1120]
    assert all(w.bbox[1] == 100 and w.bbox[3] == 140 for w in out.words)
    assert out.words[1].conf == 0.72 and out.words[1].first_text  # what Tesseract had there
    # a second reading unsure of one character, or a line Tesseract read well, stays
    shaky = Reading(tuple(text), (1.0, 0.4, *([0.99] * 9)), reading.xs)
    assert rebuild(line, shaky, x_origin=1000) is None
    sure_line = make_line(_words([("二〇二五年", 0.9), ("十二月十三日", 0.85)]))
    assert rebuild(sure_line, reading, x_origin=100) is None


def test_a_small_line_joined_to_a_title_is_not_rebuilt():
    """Tesseract put a credit code and the large title 营业执照 beside it on one line; a
    crop of both reads as the title alone, which must not replace the code."""
    code = Word(text="91310117MAD9MD8R6T", bbox=(400, 500, 700, 530), conf=0.34)
    title = [Word(text=t, bbox=(900 + 150 * i, 460, 1040 + 150 * i, 600), conf=0.1) for i, t in enumerate("二J所如")]
    line = make_line([code, *title])
    reading = Reading(tuple("营业执照"), (0.99,) * 4, (520.0, 670.0, 820.0, 970.0))
    assert rebuild(line, reading, x_origin=400) is None


def test_digits_and_letters_make_one_word_when_a_line_is_rebuilt():
    words = _words([("纯", 0.3), ("杜合", 0.2), ("9I3", 0.1)], x0=0)
    text = "统一社会91310"
    reading = Reading(tuple(text), tuple([0.98] * len(text)), tuple(20.0 + 40 * i for i in range(len(text))))
    out = rebuild(make_line(words), reading, x_origin=0)
    assert [w.text for w in out.words] == ["统", "一", "社", "会", "91310"]
