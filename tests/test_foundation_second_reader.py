"""The second reader (pipeline.second_reader): which words it re-reads, how its reading is
merged into Tesseract's, and the real PP-OCR recogniser on real pixels."""

from __future__ import annotations

import numpy as np
import pytest

from extractors.normalize import find_dates
from pipeline import ocr, second_reader
from pipeline.models import Line, Word
from pipeline.ocr import make_line
from pipeline.second_reader import Reading, doubtful_spans, merge, rebuild_words


def rebuild(line: Line, reading: Reading, x_origin: float) -> Line | None:
    words = rebuild_words(line.words, reading, x_origin)
    return None if words is None else make_line(words, block=line.block)


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


def test_a_word_tesseract_only_guessed_takes_a_fair_second_reading():
    """人民币僚拾伍万 with 僚 at 0.0 (a scan of 叁): a second reading 0.85 sure of 叁 is
    better than Tesseract's guess; it is not better than a word Tesseract half believed."""
    words = _words([("币", 0.91), ("僚", 0.0), ("拾", 0.13)])
    reading = Reading(tuple("币叁拾"), (1.0, 0.85, 0.99), (0.0, 1.0, 2.0))
    out = merge(words, reading)
    assert [w.text for w in out] == ["币", "叁", "拾"]
    assert out[1].first_text == "僚" and out[1].conf == 0.85
    believed = _words([("币", 0.91), ("伍", 0.5), ("拾", 0.13)])
    assert [w.text for w in merge(believed, reading)] == ["币", "伍", "拾"]
    shaky = Reading(tuple("币叁拾"), (1.0, 0.55, 0.99), (0.0, 1.0, 2.0))
    assert [w.text for w in merge(words, shaky)] == ["币", "僚", "拾"]


def test_in_an_amount_in_capitals_a_character_no_amount_holds_gives_way():
    """Seed 53, case_003: 人民币会佰参拾陆万元整, 会 at 0.36 where the second reader read 叁 at
    0.73. Tesseract half believed its 会, but no amount in capitals holds one; a capital
    numeral Tesseract half believed stays, and so does a word outside an amount."""
    reading = Reading(tuple("币叁佰叁拾"), (1.0, 0.73, 0.98, 0.85, 0.99), tuple(float(i) for i in range(5)))
    out = merge(_words([("币", 0.91), ("会", 0.36), ("佰", 0.98), ("参", 0.88), ("拾", 0.99)]), reading)
    assert [w.text for w in out] == ["币", "叁", "佰", "参", "拾"]  # 参 is 叁's variant: money reads it
    assert out[1].conf == 0.73 and out[1].first_text == "会"
    for numeral in "伍五":  # an amount may be written in small numerals too
        out = merge(_words([("币", 0.91), (numeral, 0.36), ("佰", 0.98), ("参", 0.88), ("拾", 0.99)]), reading)
        assert out[1].text == numeral
    prose = Reading(tuple("参会人员"), (1.0, 0.73, 0.98, 0.99), tuple(float(i) for i in range(4)))
    assert merge(_words([("参", 0.9), ("合", 0.36), ("人员", 0.98)]), prose)[1].text == "合"


def test_a_capital_numeral_whose_only_rivals_write_the_same_number_gives_way_less_surely():
    """Seed 173 case_009: 人民币叁佰贰拾肆万元整 with 叁 read 僚 at 0.08 and by the second
    reader at 0.60, 参 its only other candidate: the doubt is how 3 is written, not which
    number it is. Rivals that write another number leave Tesseract's word as it was."""
    words = _words([("币", 0.91), ("僚", 0.08), ("佰", 0.99), ("贰", 1.0)])
    xs = tuple(float(i) for i in range(4))
    alike = Reading(tuple("币叁佰贰"), (1.0, 0.599, 0.99, 1.0), xs, alts=("币", "叁参", "佰", "贰"))
    assert [w.text for w in merge(words, alike)] == ["币", "叁", "佰", "贰"]
    rivals = Reading(tuple("币叁佰贰"), (1.0, 0.599, 0.99, 1.0), xs, alts=("币", "叁伍", "佰", "贰"))
    assert [w.text for w in merge(words, rivals)] == ["币", "僚", "佰", "贰"]
    unsure = Reading(tuple("币叁佰贰"), (1.0, 0.45, 0.99, 1.0), xs, alts=("币", "叁参", "佰", "贰"))
    assert [w.text for w in merge(words, unsure)] == ["币", "僚", "佰", "贰"]


def test_a_unit_of_an_amount_in_capitals_read_surely_as_something_else_is_read_again():
    """Seed 61, case_006: a licence's 人民币伍佰万元整 read 伍人万元整, 人 at 0.91 (too sure to
    be doubted by its confidence); money read it as five yuan. No amount in capitals holds
    人 between 伍 and 万: the word is re-read, and 佰 after a numeral takes its place."""
    words = _words([("人", 0.92), ("民", 0.84), ("币", 0.87), ("伍", 1.0), ("人", 0.91), ("万", 0.99), ("元", 1.0)])
    assert second_reader.amount_gaps(words) == {4}
    assert any(a <= 4 < b for a, b in second_reader.doubtful_spans(words))
    assert second_reader.amount_gaps(_words([("人民币伍佰万元整", 0.9)])) == set()
    assert second_reader.amount_gaps(_words([("伍人", 0.9), ("工作", 0.9)])) == set()
    reading = Reading(tuple("人民币伍佰万元"), (1.0, 1.0, 1.0, 1.0, 0.99, 1.0, 1.0), tuple(float(i) for i in range(7)))
    out = merge(words, reading)
    assert "".join(w.text for w in out) == "人民币伍佰万元"
    assert out[4].first_text == "人" and out[4].conf == 0.99
    # 佰 only after a numeral: 人民 of 人民币 is no amount's
    assert merge(_words([("人", 0.9), ("民", 0.9)]), Reading(("人", "佰"), (1.0, 0.99), (0.0, 1.0)))[1].text == "民"


def test_a_figure_rebuilt_from_the_second_reading_stays_one_word():
    """2.883.211.55 (thousands read as points) as nine words parsed as the amount 2; one
    word parses as 2,883,211.55. Two figures a column apart stay two words."""
    from extractors.normalize import parse_money

    text = "研发2.883.211.55"
    reading = Reading(tuple(text), tuple(0.99 for _ in text), tuple(20.0 * i for i in range(len(text))))
    under = _words([("研发", 0.9), ("2.8S2.211.05", 0.1)], char_w=20)
    words = second_reader.place_reading(reading, 0, len(text), under, under, 100)
    assert [w.text for w in words] == ["研", "发", "2.883.211.55"]
    assert parse_money(words[-1].text) == 2883211.55
    xs = tuple(20.0 * i for i in range(4)) + tuple(400.0 + 20 * i for i in range(4))
    apart = Reading(tuple("1.552.51"), tuple(0.99 for _ in range(8)), xs)
    assert [w.text for w in second_reader.place_reading(apart, 0, 8, under, under, 100)] == ["1.55", "2.51"]


def _placed_reading(text: str, prob: float = 0.99, *, x0: float = 100, char_w: float = 40) -> Reading:
    """A reading of a crop whose left edge is at x0 on the page, one character every
    ``char_w`` pixels, as the recogniser's time steps place them."""
    return Reading(tuple(text), tuple(prob for _ in text),
                   tuple(char_w * (i + 0.5) for i in range(len(text))))


def test_doubtful_words_split_differently_give_way_to_a_sure_second_reading():
    """由于和舞浆 against 由于舞弊 (an audit opinion under a seal): the counts differ, so which
    word a character belongs to cannot be told; the doubtful word is replaced whole, a word
    per character, boxed where the recogniser placed them, and remembers what it was."""
    words = _words([("由于", 0.9), ("和舞浆", 0.4), ("或", 0.95)], x0=0)
    out = merge(words, _placed_reading("由于舞弊或", x0=0), x_origin=0)
    assert [w.text for w in out] == ["由于", "舞", "弊", "或"]
    assert out[0] is words[0] or out[0].text == "由于"
    assert out[1].first_text == "和舞浆" and out[1].first_conf == 0.4
    assert out[1].bbox[1] == 100 and out[1].bbox[3] == 140  # the height of what it replaced
    assert out[3].text == "或" and out[3].first_text is None


def test_a_disagreement_that_touches_a_confident_word_changes_nothing():
    """上海上易算 against 上海鼎算 where Tesseract was sure of 上易: nothing is regrouped."""
    words = _words([("上海", 0.95), ("上易", 0.91), ("算", 0.5)], x0=0)
    out = merge(words, _placed_reading("上海鼎算", x0=0), x_origin=0)
    assert [w.text for w in out] == ["上海", "上易", "算"]


def test_a_character_the_recogniser_cannot_read_is_not_dropped():
    """泖 is not among PP-OCR's characters: it reads 上海市松江区港镇, with nothing where
    Tesseract saw 溯 (its own misreading of 泖). The gap is a character it cannot read, so
    Tesseract's word stays (and its low confidence with it)."""
    words = _words([(c, 0.95) for c in "松江区"] + [("溯", 0.36)] + [(c, 0.95) for c in "港镇"], x0=0)
    centres = [(w.bbox[0] + w.bbox[2]) / 2 for w in words]
    reading = Reading(tuple("松江区港镇"), (0.99,) * 5, tuple(centres[:3] + centres[4:]))
    out = merge(words, reading, x_origin=0)
    assert "".join(w.text for w in out) == "松江区溯港镇"
    assert out[3].conf == 0.36


def test_a_whole_glyph_the_recogniser_cannot_read_is_not_dropped_for_a_neighbour_over_its_edge():
    """Seed 67, case_013: 泖港大街 on a licence, read 溯 (0.00, a glyph's width) 港 (0.75, boxed
    narrow, on its right part only). The recogniser reads 区港大, its 港 centred near 溯's
    right edge: not a sliver of 港 but a character it does not know, so 溯 stays, and the
    address keeps its doubt (it had become 上海市松江区港大街 at 0.96)."""
    words = [Word(text="区", bbox=(2444, 1331, 2488, 1372), conf=0.91),
             Word(text="溯", bbox=(2488, 1330, 2544, 1373), conf=0.0),
             Word(text="港", bbox=(2569, 1330, 2592, 1372), conf=0.75),
             Word(text="大", bbox=(2600, 1330, 2643, 1372), conf=0.93)]
    reading = Reading(tuple("区港大"), (0.99, 0.99, 0.99), (66.0, 152.0, 221.0))
    out = merge(words, reading, x_origin=2400)
    assert "".join(w.text for w in out) == "区溯港大"


def test_a_sliver_of_a_glyph_tesseract_cut_off_is_dropped():
    """2026年2月28日 on an audit report's signature page, read by Tesseract as 28 有 日: 有
    (0.16) is the left half of 日, whose box is half a character wide. The second reader
    reads 28日, its 日 over both boxes: the sliver goes, as no character of the line does."""
    words = [Word(text="月", bbox=(1570, 903, 1607, 974), conf=0.9999),
             Word(text="28", bbox=(1606, 911, 1642, 948), conf=1.0),
             Word(text="有", bbox=(1641, 903, 1664, 974), conf=0.16),
             Word(text="日", bbox=(1663, 907, 1686, 949), conf=0.9997)]
    reading = Reading(tuple("月28日"), (0.99, 0.98, 0.99, 0.99), (40.0, 80.0, 100.0, 140.0))
    out = merge(words, reading, x_origin=1530)
    assert "".join(w.text for w in out) == "月28日"
    # a character of its own width, with nothing of the second reading over it, stays
    apart = [w.model_copy(update={"bbox": (w.bbox[0] + 60 * (i >= 2), *w.bbox[1:3], w.bbox[3])})
             for i, w in enumerate(words)]
    apart = [w.model_copy(update={"bbox": (w.bbox[0], w.bbox[1], w.bbox[2] + 60 * (i >= 2), w.bbox[3])})
             for i, w in enumerate(apart)]
    far = Reading(tuple("月28日"), (0.99, 0.98, 0.99, 0.99), (40.0, 80.0, 100.0, 260.0))
    assert "有" in "".join(w.text for w in merge(apart, far, x_origin=1530))


def test_strokes_read_in_a_letter_spaced_label_are_dropped():
    """类　　型 on a licence photo: Tesseract reads specks in the blank as 二 二 (0.66, 0.36);
    the second reader, sure of 类 and 型, sees nothing there."""
    words = [Word(text="类", bbox=(562, 1205, 606, 1249), conf=0.995),
             Word(text="二", bbox=(617, 1201, 658, 1260), conf=0.66),
             Word(text="二", bbox=(657, 1201, 710, 1260), conf=0.36),
             Word(text="型", bbox=(699, 1207, 743, 1250), conf=0.996)]
    reading = Reading(("类", "型"), (0.99, 0.99), (84.0, 221.0))
    out = merge(words, reading, x_origin=500)
    assert [w.text for w in out] == ["类", "型"]


def test_regrouping_needs_a_surer_second_reading_than_one_for_one():
    words = _words([("由于", 0.9), ("和舞浆", 0.4), ("或", 0.95)], x0=0)
    unsure = Reading(tuple("由于舞弊或"), (0.99, 0.99, 0.99, second_reader.REGROUP_SURE - 0.02, 0.99),
                     tuple(40 * (i + 0.5) for i in range(5)))
    assert [w.text for w in merge(words, unsure, x_origin=0)] == ["由于", "和舞浆", "或"]


def test_a_character_tesseract_did_not_see_is_added_between_doubtful_words():
    """二O二五年 read by Tesseract as 二二五年 (the 〇 lost): the doubtful words around the gap
    take the second reading, 〇 included."""
    words = _words([("二二", 0.55), ("五年", 0.6)], x0=0)
    out = merge(words, _placed_reading("二〇二五年", x0=0), x_origin=0)
    assert "".join(w.text for w in out) == "二〇二五年"


def test_within_drops_what_the_margin_caught_of_the_next_character():
    words = _words([("正常", 0.6), ("，", 0.5)], x0=200)  # ends at x = 200 + 80 + 10 + 40 = 330
    reading = Reading(tuple("正常，无"), (0.99,) * 4, (40.0, 80.0, 130.0, 175.0))  # 无 at 180 + 175
    kept = second_reader.within(reading, words, x_origin=180)
    assert kept.text == "正常，"
    assert second_reader.within(kept, words, x_origin=180) is kept


def test_within_keeps_a_character_placed_a_time_step_early():
    """Seed 71: in a crop 120 px tall a time step is 20 px, and the 2 of 234,263,502.31 was
    placed 15 px before the word's box (the next digit 40 px after it): it is the word's."""
    words = _words([("234,263,502.31", 0.6)], x0=1400, char_w=20)
    xs = (10.0, 50.0, 70.0, 90.0, 110.0, 130.0, 150.0, 170.0, 190.0, 210.0, 230.0, 250.0, 270.0, 290.0)
    reading = Reading(tuple("234,263,502.31"), (0.9,) * 14, xs, (), 20.0)
    assert second_reader.within(reading, words, x_origin=1375).text == "234,263,502.31"
    # placed no closer than a step, a character further out is the margin's
    early = Reading(reading.chars, reading.probs, (-20.0,) + xs[1:], (), 20.0)
    assert second_reader.within(early, words, x_origin=1375).text == "34,263,502.31"


def test_doubtful_spans_do_not_reach_across_a_wide_blank():
    """A web address on the left and the date under a seal on the right, one Tesseract line:
    two crops, not one that squeezes both into the recogniser's 48 pixels."""
    left = _words([("www", 0.5), ("gov", 0.5)], x0=0)
    right = _words([("二", 0.5), ("年", 0.5)], x0=1200)
    spans = doubtful_spans([*left, *right])
    assert spans == [(0, 2), (2, 4)]


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


def test_a_character_tesseract_read_surely_alone_stays_when_its_lost_line_is_read_anew():
    """Seed 163 case_008: an audit firm's sign-off Tesseract lost as a whole (上海上 海上 会
    会计 计师 师旧 …), its 会 read alone at 0.90. Read anew, the 会 became 公 at 0.74; the
    surer reading of that one character stands. A doubted one (0.60) gives way, and so
    does one the second reader is surer of."""
    text = "上海上会会计师事务所"

    def line_with(first_conf: float) -> Line:
        spec = [("上", 0.2), ("海", 0.1), ("上", 0.3), ("会", first_conf), ("会", 0.2), ("计", 0.1),
                ("师", 0.0), ("旧", 0.0), ("务", 0.1), ("所", 0.0)]
        return make_line(_words(spec, x0=1000))

    centres = tuple(20.0 + 50 * i for i in range(len(text)))
    reading = Reading(tuple("上海上公会计师事务所"), (1.0, 1.0, 1.0, 0.74, *([0.99] * 6)), centres)
    out = rebuild(line_with(0.90), reading, x_origin=1000)
    assert out is not None and out.text == text
    assert out.words[3].conf == 0.90
    assert rebuild(line_with(0.60), reading, x_origin=1000).text == "上海上公会计师事务所"
    surer = Reading(reading.chars, (1.0, 1.0, 1.0, 0.95, *([0.99] * 6)), centres)
    assert rebuild(line_with(0.90), surer, x_origin=1000).text == "上海上公会计师事务所"


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


@pytest.mark.slow
def test_a_lost_code_beside_the_large_title_is_read_on_its_own(engine):
    """A licence's credit code sits at the height of its large title 营业执照, and Tesseract
    puts both on one line, the code read as letters at confidence 0 (oiladRgyal). The
    code is read apart from the title (a wide blank lies between them), so its crop is the
    code's own and not 营业执照 squeezed together with it; the title stays as it was."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.docmaker import SERIF

    code = "91310117MA4XQL2C4T"
    im = Image.new("L", (2400, 300), 255)
    draw = ImageDraw.Draw(im)
    small, large = ImageFont.truetype(SERIF, 44), ImageFont.truetype(SERIF, 120)
    draw.text((100, 110), code, font=small, fill=0)
    code_box = draw.textbbox((100, 110), code, font=small)
    draw.text((1200, 60), "营业执照", font=large, fill=0)
    image = np.asarray(im)
    junk = Word(text="oiladRgyal", bbox=code_box, conf=0.0)
    title = [Word(text="营业", bbox=(1200, 70, 1440, 190), conf=0.96),
             Word(text="执照", bbox=(1440, 70, 1680, 190), conf=0.93)]
    line = make_line([junk, *title])
    fixed, spans = second_reader.reread(image, [line])
    assert spans == 1
    assert [w.text for w in fixed[0].words] == [code, "营业", "执照"]
    assert fixed[0].words[0].first_text == "oiladRgyal"
    assert fixed[0].words[1] is title[0]


def test_ruling_read_as_letters_across_the_page_is_not_read():
    border = make_line([Word(text="ARIRRSNAAAAAANNANNNAONARAAAS", bbox=(100, 100, 3200, 140), conf=0.0)])
    assert second_reader._has_text(border.words) is False
    code = make_line([Word(text="oiladRgyal", bbox=(100, 100, 650, 148), conf=0.0)])
    assert second_reader._has_text(code.words) is True


def test_a_second_reading_that_completes_a_date_is_taken():
    """三O〇二入年三月一日 under an audit firm's seal (Tesseract 0.80-0.91 sure of 三 二 入, so
    ``merge`` may not overrule it); the second reading 二O二六 makes the line a whole date."""
    spec = [("三", 0.8), ("O", 0.46), ("〇", 0.0), ("二", 0.84), ("入", 0.91),
            ("年", 0.96), ("三", 0.96), ("月", 0.96), ("一", 0.96), ("日", 0.49)]
    words = _words(spec, x0=1400)
    centres = [(w.bbox[0] + w.bbox[2]) / 2 - 1400 for w in words]
    reading = Reading(tuple("二O二六"), (1.0, 0.65, 1.0, 1.0), (centres[0], centres[1], centres[3], centres[4]))
    assert [w.text for w in merge(words[:5], reading, x_origin=1400)] == [w.text for w in words[:5]]
    done = second_reader._date_completed(words, 0, 5, reading, 1400)
    assert "".join(w.text for w in done) + "年三月一日" == "二O二六年三月一日"
    assert done[0].first_text == "三"
    # not when the line already holds a date, nor when the reading makes none, nor unsure
    dated = _words([("2026年3月1日", 0.9), ("三", 0.5)], x0=1400)
    assert second_reader._date_completed(dated, 1, 2, Reading(("二",), (0.99,), (centres[0],)), 1400) is None
    other = Reading(tuple("二O二"), (1.0, 0.65, 1.0), (centres[0], centres[1], centres[3]))
    assert second_reader._date_completed(words, 0, 5, other, 1400) is None
    shaky = Reading(tuple("二O二六"), (1.0, 0.5, 1.0, 1.0), reading.xs)
    assert second_reader._date_completed(words, 0, 5, shaky, 1400) is None


def test_a_date_part_read_as_a_mark_is_read_again_and_completes_the_period():
    """Seed 37's licence: 营业期限2020年2月8日至2070年2月?日, the 7 read as ? at 0.86 (not
    doubted by its confidence). The word is re-read, and a reading that makes the line hold
    one more date is taken."""
    words = _words([("2020年2月8日至", 0.95), ("2070", 1.0), ("年", 1.0), ("2", 1.0), ("月", 1.0), ("?日", 0.86)],
                   x0=1000)
    assert second_reader.date_gaps(words) == {5}
    assert any(a <= 5 < b for a, b in second_reader.doubtful_spans(words))
    assert second_reader.date_gaps(_words([("2070年2月7日", 0.9)])) == set()
    assert second_reader.date_gaps(_words([("二〇二六年", 0.9), ("三", 0.9), ("月", 0.9), ("十", 0.9), ("日", 0.9)])) == set()
    centres = [(w.bbox[0] + w.bbox[2]) / 2 - 1000 for w in words[1:]]
    reading = Reading(tuple("2070年2月7日"), (0.99,) * 9,
                      (centres[0] - 30, centres[0] - 10, centres[0] + 10, centres[0] + 30,
                       centres[1], centres[2], centres[3], centres[4] - 20, centres[4] + 20))
    done = second_reader._date_completed(words, 1, 6, reading, 1000)
    assert done is not None
    line = "".join(w.text for w in words[:1]) + "".join(w.text for w in done)
    assert [d for d, _, _ in find_dates(line)][1].isoformat() == "2070-02-07"
    # a reading that makes no further date changes nothing
    same = Reading(tuple("2070年2月?日"), (0.99,) * 9, reading.xs)
    assert second_reader._date_completed(words, 1, 6, same, 1000) is None


def _figure_in_a_ruled_cell(text: str = "226.71", *, font_size: int = 30) -> tuple[np.ndarray, tuple]:
    """A figure with a table's vertical rule beside it, and the box Tesseract gave the two
    together: as tall as the rule (the 合计 cell of an investment table)."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.docmaker import SERIF

    im = Image.new("L", (400, 260), 255)
    draw = ImageDraw.Draw(im)
    draw.text((60, 110), text, font=ImageFont.truetype(SERIF, font_size), fill=0)
    draw.line((230, 40, 230, 220), fill=0, width=3)
    return np.asarray(im), (40, 20, 260, 240)


def test_ink_band_narrows_a_box_a_rule_made_tall_to_its_text():
    image, box = _figure_in_a_ruled_cell()
    x0, y0, x1, y1 = second_reader.ink_band(image, box)
    assert (x0, x1) == (box[0], box[2])  # only top and bottom move
    ink_rows = np.flatnonzero((image[:, 60:200] < 128).any(axis=1))
    assert y0 <= ink_rows[0] and y1 >= ink_rows[-1] + 1  # all of the figure stays in
    assert y1 - y0 < 0.5 * (box[3] - box[1])


def test_ink_band_leaves_a_box_that_fits_its_text():
    image = _line_image("上海鼎算信息技术有限公司")
    box = (0, 0, image.shape[1], image.shape[0])
    assert second_reader.ink_band(image, box) == box
    assert second_reader.ink_band(np.full((60, 200), 255, np.uint8), (0, 0, 200, 60)) == (0, 0, 200, 60)


@pytest.mark.slow
def test_a_figure_in_a_ruled_cell_is_read_whole_from_its_band(engine):
    """Scaled to the recogniser's 48 px with the rule's height, digits are a time step wide
    and the repeated 2 of 226.71 merges; from the band ink_band finds, it reads whole."""
    image, box = _figure_in_a_ruled_cell()
    x0, y0, x1, y1 = second_reader.ink_band(image, box)
    assert engine.read([image[y0:y1, x0:x1]])[0].text.replace(" ", "") == "226.71"


@pytest.mark.slow
def test_a_reading_does_not_depend_on_a_neighbour_a_third_wider(engine):
    """The model mixes the whole padded line, so a crop padded to a wider neighbour's width
    could read differently; each crop is padded to its own width."""
    short = _line_image("2025年12月31日")
    wider = _line_image("2025年12月31日至2026")  # a neighbour a third wider
    alone = engine.read([short])[0]
    together = engine.read([wider, short])[1]
    assert together == alone


@pytest.mark.slow
def test_a_reading_does_not_depend_on_the_crops_read_with_it(engine):
    """The model mixes the whole padded line, so a crop padded to a wider neighbour's width
    could read differently; each crop is padded to its own width."""
    short = _line_image("2025年12月31日")
    wide = _line_image("上海鼎算信息技术有限公司统一社会信用代码91310117MA1J3K5X2P")
    alone = engine.read([short])[0]
    together = engine.read([wide, short, short[:, : short.shape[1] * 3 // 4]])[1]
    assert together == alone


def test_a_figure_is_not_regrouped_into_one_that_lost_a_repeated_digit():
    """Seed 43: Tesseract read 1,997,200.00 as 1.997,.200.00 (0.46); the recogniser, sure of
    every character, read 1,997,20.00: its decoding merged the two zeros. Regrouped, the
    total became 199,720 at 0.99."""
    assert second_reader.lost_repeat("1.997,.200.00", "1,997,20.00")
    assert not second_reader.lost_repeat("1.997,.200.00", "1,997,200.00")
    assert not second_reader.lost_repeat("20224年", "2022年")  # a digit too many is not a repeat lost
    words = _words([("合计", 0.96), ("1.997,.200.00", 0.46)])
    reading = Reading(tuple("合计1,997,20.00"), (0.99,) * 13, tuple(float(i) for i in range(13)))
    out = merge(words, reading)
    assert "".join(w.text for w in out) != "合计1,997,20.00"


def test_a_lost_stretch_is_rebuilt_from_its_surest_view():
    """Seed 43: the tall crop of a total boxed with its column's rule read 1,997,20.00 (the
    point at 0.55), the band 1,997,200.00 sure of all; the tall crop came first."""
    words = _words([("1.997,.200.00", 0.46)], x0=1715)
    xs = tuple(20.0 * i + 10 for i in range(12))
    tall = Reading(tuple("1,997,20.00"), (0.99, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.55, 0.99, 0.99), xs[:11])
    band = Reading(tuple("1,997,200.00"), (1.0,) * 12, xs)
    out = second_reader.rebuilt(words, [((1715, 1503, 1968, 1591), tall), ((1715, 1531, 1968, 1579), band)])
    assert out is not None and "".join(w.text for w in out) == "1,997,200.00"


def test_a_doubtful_word_read_otherwise_and_not_replaced_is_not_believed():
    """Seed 31: under a seal 4,549,257.40 read 4.510.257.40 at 0.68 by Tesseract and
    4.519.257.40 by the second reader (9 at 0.79, not sure enough to replace 0). The word
    keeps its text at CONTESTED, under the floor a field is decided on."""
    words = _words([("4.510.257.40", 0.68)])
    reading = Reading(tuple("4.519.257.40"), (1.0,) * 4 + (0.79,) + (1.0,) * 7, tuple(float(i) for i in range(12)))
    out = merge(words, reading)
    assert out[0].text == "4.510.257.40" and out[0].conf == second_reader.CONTESTED
    assert out[0].first_conf == 0.68
    # a difference the second reader was unsure of, or a word Tesseract was sure of, stays
    faint = Reading(reading.chars, (1.0,) * 4 + (0.4,) + (1.0,) * 7, reading.xs)
    assert merge(words, faint)[0].conf == 0.68
    sure = _words([("4.510.257.40", 0.92)])
    assert merge(sure, reading)[0].conf == 0.92


def test_in_a_company_name_a_confident_misreading_gives_way_to_a_surer_one():
    """Tesseract reads 芯 as 忆 at 0.89, as sure as of the characters it reads right: in a
    company's name a second reading 0.99 sure of another character replaces it; elsewhere,
    and where Tesseract was surer still, or for a digit, nothing changes."""
    words = _words([("上", 0.96), ("海", 0.95), ("忆", 0.89), ("原", 0.93), ("动", 0.95)])
    reading = _reading("上海芯原动", 0.995)
    assert "".join(w.text for w in merge(words, reading, name=True)) == "上海芯原动"
    assert "".join(w.text for w in merge(words, reading)) == "上海忆原动"
    surer = _words([("上", 0.96), ("海", 0.95), ("忆", 0.985), ("原", 0.93), ("动", 0.95)])
    assert "".join(w.text for w in merge(surer, reading, name=True)) == "上海忆原动"
    unsure = _reading("上海芯原动", second_reader.NAME_SURE - 0.02)
    assert "".join(w.text for w in merge(words, unsure, name=True)) == "上海忆原动"
    digits = _words([("2025", 0.9)])
    assert merge(digits, _reading("2026", 0.995), name=True)[0].text == "2025"
    # seed 37: 曜 read as 上 at 0.81, read again as 曜 at 0.95: sure, and surer by a margin
    weak = _words([("上", 0.96), ("海", 0.95), ("忆", 0.81), ("原", 0.93), ("动", 0.95)])
    fair = _reading("上海芯原动", 0.95)
    assert "".join(w.text for w in merge(weak, fair, name=True)) == "上海芯原动"
    assert "".join(w.text for w in merge(weak, fair)) == "上海忆原动"  # only in a name
    close = _words([("上", 0.96), ("海", 0.95), ("忆", 0.86), ("原", 0.93), ("动", 0.95)])
    assert "".join(w.text for w in merge(close, fair, name=True)) == "上海忆原动"  # not by the margin
    # seed 31: 曜 read as 电 at 0.59, read again as 曜 at 0.89; under FAIR, never
    doubted = _words([("上", 0.96), ("海", 0.95), ("忆", 0.59), ("原", 0.93), ("动", 0.95)])
    assert "".join(w.text for w in merge(doubted, _reading("上海芯原动", 0.89), name=True)) == "上海芯原动"
    assert "".join(w.text for w in merge(doubted, _reading("上海芯原动", 0.78), name=True)) == "上海忆原动"


def test_in_a_company_name_a_character_tesseract_had_no_idea_of_takes_a_fair_second_reading():
    """Seed 199, case_000: an honour certificate's 上海灵犀数字科技股份有限公司, 犀 read as 碍
    at 0.00 and again as 犀 at 0.75, every other character alike at 0.99-1.00. Under FAIR,
    it was kept as 碍, and the name was read too unsure (0.30) for its checks. Where
    Tesseract had some idea of its character, or outside a name, the rules stand."""
    def words(conf):
        return _words([("上", 1.0), ("海", 1.0), ("灵", 1.0), ("碍", conf), ("数字", 1.0), ("科技", 1.0)])

    def reading(p):
        return Reading(tuple("上海灵犀数字科技"), (1.0, 1.0, 1.0, p, 1.0, 0.99, 1.0, 1.0),
                       tuple(float(i) for i in range(8)))

    out = merge(words(0.0), reading(0.75), name=True)
    assert "".join(w.text for w in out) == "上海灵犀数字科技" and out[3].conf == 0.75
    assert "".join(w.text for w in merge(words(0.0), reading(0.75))) == "上海灵碍数字科技"  # only in a name
    assert "".join(w.text for w in merge(words(0.2), reading(0.75), name=True)) == "上海灵碍数字科技"
    assert "".join(w.text for w in merge(words(0.0), reading(0.6), name=True)) == "上海灵碍数字科技"


def test_a_figure_is_second_guessed_digit_by_digit_beyond_the_doubt():
    """Seed 83, case_019: an audit statement's revenue 267,034,120.53 read 207,034,120.53 at
    0.86, over the doubt: one wrong digit of fourteen hardly moves a word's confidence. The
    recogniser, sure of the 6, replaces the 0; it is re-read for being a figure at all."""
    words = _words([("营业收入", 0.90), ("207,034,120.53", 0.86)])
    assert doubtful_spans(words) == [(0, 2)]
    out = merge(words, _reading("营业收入267,034,120.53"))
    assert out[1].text == "267,034,120.53" and out[1].first_text == "207,034,120.53"
    # not sure of the different digit: Tesseract's stands
    unsure = Reading(tuple("营业收入267,034,120.53"), tuple(0.6 if ch == "6" else 0.99 for ch in "营业收入267,034,120.53"),
                     tuple(float(i) for i in range(18)))
    assert merge(words, unsure)[1].text == "207,034,120.53"
    # a figure Tesseract was surer of than FIGURE_DOUBT, or a short number, is left alone
    sure = _words([("营业收入", 0.90), ("207,034,120.53", 0.96)])
    assert merge(sure, _reading("营业收入267,034,120.53"))[1].text == "207,034,120.53"
    short = _words([("附注", 0.90), ("2070", 0.86)])
    assert merge(short, _reading("附注2670"))[1].text == "2070" and doubtful_spans(short) == []


def test_a_date_s_digits_are_second_guessed_beyond_the_doubt():
    """Seed 97, case_011: a licence's 营业期限 2019年3月19日 read 15日, the 15 at 0.81, over
    the doubt. The recogniser, sure of 19, replaces it; a number that is no date's (a house
    number, 15号) is left to the doubt as before."""
    words = _words([("营业期限", 0.99), ("2019", 1.0), ("年", 0.96), ("3", 0.97), ("月", 0.96),
                    ("15", 0.81), ("日", 0.91)])
    assert doubtful_spans(words) == [(3, 7)]
    out = merge(words, _reading("营业期限2019年3月19日"))
    assert [w.text for w in out][5] == "19" and out[5].first_text == "15"
    # not sure of the different digit: Tesseract's stands
    unsure = Reading(tuple("营业期限2019年3月19日"),
                     tuple(0.7 if k == 12 else 0.99 for k in range(15)), tuple(float(i) for i in range(15)))
    assert merge(words, unsure)[5].text == "15"
    house = _words([("北路", 0.99), ("15", 0.81), ("号", 0.91)])
    assert doubtful_spans(house) == []
    assert merge(house, _reading("北路19号"))[1].text == "15"


def test_a_sliver_left_of_a_glyph_split_in_two_gives_way_to_the_whole_glyph():
    """Seed 97, case_018: an honour's 上海鼎算… read 上 / 海上 (0.48) / 晶 (0.00): 鼎 cut in
    two, its right part boxed 29 px wide at 62 px text. The recogniser, sure of 鼎, placed it
    40 px left of that sliver; the sliver is a piece of 鼎, not a character it could not
    read. A word a whole glyph wide with nothing over it still stays (泖, above)."""
    words = [Word(text="上", bbox=(712, 1070, 770, 1120), conf=1.0),
             Word(text="海上", bbox=(793, 1067, 879, 1126), conf=0.48),
             Word(text="晶", bbox=(912, 1065, 941, 1127), conf=0.0),
             Word(text="算", bbox=(940, 1059, 998, 1135), conf=1.0),
             Word(text="人", bbox=(997, 1073, 1035, 1118), conf=1.0)]
    reading = Reading(tuple("上海鼎算人"), (1.0,) * 5, (48.0, 123.0, 183.0, 243.0, 318.0))
    out = merge(words, reading, x_origin=689)
    assert "".join(w.text for w in out) == "上海鼎算人"
    wide = [w.model_copy(update={"bbox": (892, 1065, 941, 1127)}) if w.text == "晶" else w for w in words]
    assert "晶" in "".join(w.text for w in merge(wide, reading, x_origin=689))


def test_a_grouped_figure_is_not_regrouped_into_one_with_fewer_digits():
    """Seed 139 case_001: 8,238,675.85 under a seal, read at 0.37; the recogniser read
    8238752 over it and the next figure, unsure of most of it. The six digits it confirmed
    and the separators and digits it did not see dropped made the R&D expense 823,875."""
    words = _words([("研发", 0.96), ("费用", 0.95), ("8,238,675.85|", 0.37)])
    probs = (0.99, 0.99, 0.99, 0.99, 0.77, 0.83, 0.94, 0.74, 0.74, 0.86)
    reading = Reading(tuple("研发费用823875"), probs, tuple(float(i) for i in range(10)))
    out = merge(words, reading)
    assert out[2].text == "8,238,675.85|"
    assert second_reader._figure_cut(words[2:], tuple("823875"))
    assert not second_reader._figure_cut(words[2:], tuple("8,238,675.85"))
    assert not second_reader._figure_cut(_words([("2O26", 0.4)]), tuple("26"))  # no grouped figure
