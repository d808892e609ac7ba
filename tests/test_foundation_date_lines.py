"""The last look at a page's dates (pipeline.date_lines): which stretches are looked at,
when the views' readings are taken, and the real recogniser on real pixels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from extractors.normalize import find_dates
from pipeline import date_lines, ocr
from pipeline.models import Seal, Word
from pipeline.second_reader import Reading

SEAL = Seal(page=1, bbox=(900, 0, 1500, 600), colour="grey")


def _words(spec: list[tuple[str, float]], *, x0: float = 1000, y0: float = 100, h: float = 40) -> list[Word]:
    out, x = [], x0
    for text, conf in spec:
        out.append(Word(text=text, bbox=(x, y0, x + 40 * len(text), y0 + h), conf=conf))
        x += 40 * len(text) + 4
    return out


def _view(text: str, probs: float | list[float], kind: str, box=(980, 90, 1500, 150)):
    probs = probs if isinstance(probs, list) else [probs] * len(text)
    return Reading(tuple(text), tuple(probs), tuple(30.0 + 44 * i for i in range(len(text)))), box, kind


WEAK_DATE = [("二O二六", 0.8), ("年", 0.93), ("八", 0.91), ("月", 1.0), ("二", 0.78), ("日", 1.0)]


def test_a_weak_date_gives_way_to_a_date_two_views_agree_on():
    words = _words(WEAK_DATE)
    views = [_view("二〇二六年八月三日", 0.96, "clean:band"), _view("二〇二六年八月三日", 0.55, "clean:box"),
             _view("二年三日", 0.5, "scanned:box")]
    chosen = date_lines._agreed(words, views)
    assert chosen is not None
    out = date_lines.replaced(words, *chosen)
    assert find_dates("".join(w.text for w in out))[0][0] == dt.date(2026, 8, 3)
    assert all(w.conf >= 0.96 for w in out)
    assert any(w.first_text for w in out)  # what Tesseract read there is kept


def test_one_view_or_two_kinds_alike_do_not_overrule_a_date():
    words = _words(WEAK_DATE)
    alone = [_view("二〇二六年八月三日", 0.99, "clean:band")]
    assert date_lines._agreed(words, alone) is None
    # the same kind of view, tight and widened, counts once
    same_kind = [_view("二〇二六年八月三日", 0.99, "clean:band"), _view("二〇二六年八月三日", 0.97, "clean:band")]
    assert date_lines._agreed(words, same_kind) is None


def test_three_kinds_of_view_agreeing_overrule_a_weaker_date_none_was_sure_of():
    """Seed 37's case_005: Tesseract read 二O〇二六年八月二者八日 (the 2nd, at 0.62; that
    reading is now the 28th itself, 者 between 二 and 八 being 十, so here Tesseract lost the
    十八 altogether); three kinds of view read the 28th, none SURE of every character."""
    words = _words([("二O〇二", 0.62), ("六", 0.96), ("年", 0.93), ("八", 1.0), ("月", 1.0), ("二", 1.0),
                    ("日", 0.99)])
    views = [_view("二〇二六年八月二十八日", 0.86, "scanned:band"), _view("二〇二六年八月二十八日", 0.78, "scanned:box"),
             _view("二〇二六年八月二十八日", 0.69, "clean:band")]
    chosen = date_lines._agreed(words, views)
    assert chosen is not None
    assert find_dates("".join(w.text for w in date_lines.replaced(words, *chosen)))[0][0] == dt.date(2026, 8, 28)
    assert date_lines._agreed(words, views[:2]) is None  # two kinds, neither SURE: not enough
    weak_third = [*views[:2], _view("二〇二六年八月二十八日", 0.55, "clean:band")]
    assert date_lines._agreed(words, weak_third) is None  # the third under AGREE counts for nothing
    # ... nor against: seed 53's case_007, 二〇三六 (三 at 0.45) against three views of 2026
    # at 0.77-0.86 and a fourth at 0.51
    assert date_lines._agreed(words, [*views, _view("二〇二六年八月二十八日", 0.51, "clean:box")]) is not None
    # never over a date Tesseract was surer of than the surest view
    sure = _words([("二〇二六年八月二日", 0.90)])
    assert date_lines._agreed(sure, views) is None


def test_two_kinds_of_view_overrule_a_date_tesseract_hardly_read():
    """Seed 61's case_018: a letter's 二〇二六年三月十六日 under its seal, read 二OO六 (OO at
    0.42), is 2006; two kinds of view read 2026, neither SURE of every character."""
    words = _words([("二", 1.0), ("OO", 0.42), ("六", 1.0), ("年", 1.0), ("三", 1.0), ("月", 0.99),
                    ("十", 0.86), ("六", 1.0), ("日", 1.0)])
    views = [_view("二〇二六年三月十六日", [1.0, 0.71, 0.99, 1, 1, 1, 0.99, 0.86, 1, 1], "clean:box"),
             _view("二〇二六年三月十六日", 0.89, "scanned:band")]
    chosen = date_lines._agreed(words, views)
    assert chosen is not None
    assert find_dates("".join(w.text for w in date_lines.replaced(words, *chosen)))[0][0] == dt.date(2026, 3, 16)
    # read at 0.62, the date is a reading, and two kinds neither SURE do not overrule it
    fair = [w.model_copy(update={"conf": 0.62}) if w.text == "OO" else w for w in words]
    assert date_lines._agreed(fair, views) is None


def test_a_date_tesseract_was_sure_of_stays():
    words = _words([("二O二六年八月二日", 0.97)])
    views = [_view("二〇二六年八月三日", 0.96, "clean:box"), _view("二〇二六年八月三日", 0.95, "scanned:box")]
    assert date_lines._agreed(words, views) is None


def test_a_lost_date_is_taken_from_two_views_or_one_sure_one():
    lost = _words([("Sea", 0.26), ("自", 0.0)])
    two = [_view("二〇二六年九月十五日", 0.59, "clean:band"), _view("二〇二六年九月十五日", 0.90, "scanned:band")]
    chosen = date_lines._agreed(lost, two)
    assert chosen is not None
    out = date_lines.replaced(lost, *chosen)
    assert "".join(w.text for w in out) == "二〇二六年九月十五日"
    assert date_lines._agreed(lost, two[:1]) is None  # one view, 0.59 sure: not enough
    assert date_lines._agreed(lost, [_view("二〇二六年九月十五日", 0.93, "scanned:band")]) is not None


def test_a_view_unsure_of_one_character_backs_a_date_another_kind_read():
    """Seed 19's case_007: the scan's band reads 二〇二六年三月十二日 (its least sure character
    0.76, under SURE), the cleaned band 二〇元六年三月十二日 with 元 at 0.39 (ruling erasure
    took a stroke). The cleaned view holds every other character surely: two kinds agree."""
    lost = _words([("es", 0.11), ("年", 0.96), ("三", 0.83), ("月", 0.63), ("于", 0.02), ("日", 0.24)])
    scanned = _view("二〇二六年三月十二日", [1.0, 0.83, 0.76, 1.0, 1.0, 1.0, 1.0, 0.99, 0.95, 1.0], "scanned:band")
    clean = _view("二〇元六年三月十二日", [1.0, 0.76, 0.39, 1.0, 1.0, 1.0, 1.0, 0.77, 0.88, 1.0], "clean:band")
    chosen = date_lines._agreed(lost, [scanned, clean])
    assert chosen is not None
    assert find_dates("".join(w.text for w in date_lines.replaced(lost, *chosen)))[0][0] == dt.date(2026, 3, 12)
    assert date_lines._agreed(lost, [scanned]) is None  # alone it is not sure enough
    # a view sure of a different character does not back it, nor one unsure of two
    sure_other = _view("二〇元六年三月十二日", [1.0, 0.76, 0.7, 1.0, 1.0, 1.0, 1.0, 0.77, 0.88, 1.0], "clean:band")
    assert date_lines._agreed(lost, [scanned, sure_other]) is None
    two_off = _view("二〇元六年三月十三日", [1.0, 0.76, 0.39, 1.0, 1.0, 1.0, 1.0, 0.77, 0.3, 1.0], "clean:band")
    assert date_lines._agreed(lost, [scanned, two_off]) is None
    # the same kind of view does not back itself
    assert date_lines._agreed(lost, [scanned, _view("二〇元六年三月十二日", [1.0, 0.76, 0.39] + [1.0] * 7,
                                                   "scanned:band")]) is None


def test_views_that_disagree_give_nothing():
    lost = _words([("Pa", 0.1)])
    views = [_view("二C二六年九月二三日", 0.59, "clean:band"), _view("二〇二六年九月二十三日", 0.71, "scanned:band")]
    assert date_lines._agreed(lost, views) is None


def test_a_date_read_surely_breaks_a_tie_with_one_no_view_was_sure_of():
    """Seed 37's case_006: under a seal's ink over the 6 of 2026 the boxes read 2020 (least
    sure 0.84, 0.86), the bands 2026 (0.82, 0.99); the second reading had made 2020 of
    Tesseract's 202站."""
    words = _words([("2020", 0.79), ("年", 0.63), ("07", 1.0), ("月", 0.88), ("10", 1.0), ("日", 1.0)])
    views = [_view("2020年07月10日", 0.86, "clean:box"), _view("2020年07月10日", 0.84, "scanned:box"),
             _view("2026年07月10日", 0.82, "clean:band"), _view("2026年07月10日", 0.99, "scanned:band")]
    chosen = date_lines._agreed(words, views)
    assert chosen is not None
    assert find_dates("".join(w.text for w in date_lines.replaced(words, *chosen)))[0][0] == dt.date(2026, 7, 10)
    # a rival read surely too: nothing
    sure_rival = [_view("2020年07月10日", 0.95, "clean:box"), *views[1:]]
    assert date_lines._agreed(words, sure_rival) is None
    # neither read surely: nothing
    assert date_lines._agreed(words, [*views[:3], _view("2026年07月10日", 0.85, "scanned:band")]) is None


def test_under_a_grey_seal_the_scan_outranks_the_cleaned_page_between_sure_dates():
    """Seed 37's case_008: under a grey seal the cleaned band read 2018年2月11日 and the
    scanned band 2018年2月14日, both sure: cleaning had faded the 4's strokes with the seal."""
    lost = _words([("20186", 0.0), ("朋", 0.0), ("11", 0.81), ("se", 0.01)])
    views = [_view("2018年2月11日", 0.99, "clean:band"), _view("2018年2月14日", 0.98, "scanned:band")]
    chosen = date_lines._agreed(lost, views, grey=True)
    assert chosen is not None
    assert find_dates("".join(w.text for w in date_lines.replaced(lost, *chosen)))[0][0] == dt.date(2018, 2, 14)
    assert date_lines._agreed(lost, views) is None  # under a red seal, or none: nothing
    # a view of the scan reading the cleaned page's date too makes it the date of more kinds
    more = date_lines._agreed(lost, [*views, _view("2018年2月11日", 0.97, "scanned:box")], grey=True)
    assert find_dates("".join(more[0].chars))[0][0] == dt.date(2018, 2, 11)


def test_a_month_parted_from_its_year_by_a_blank_is_read_with_it():
    """Seed 31's licence: 网址 http://www.gsxt.gov.cn 201 3月11日, 7年 lost under the seal: the
    year's digits join the stretch of the month, not the address."""
    words = _words([("http://www.gsxt.gov.cn", 0.9), ("201", 1.0), ("3", 1.0), ("月", 1.0), ("11", 1.0), ("日", 1.0)])
    assert date_lines.year_joined(words, [(0, 2), (2, 6)]) == [(0, 1), (1, 6)]
    assert date_lines.year_joined(words[1:], [(0, 1), (1, 5)]) == [(0, 5)]
    # not letters, nor a long number, nor a stretch that does not start with a month
    assert date_lines.year_joined(_words([("abc", 0.9), ("3月11日", 0.9)]), [(0, 1), (1, 2)]) == [(0, 1), (1, 2)]
    assert date_lines.year_joined(_words([("12345", 0.9), ("3月11日", 0.9)]), [(0, 1), (1, 2)]) == [(0, 1), (1, 2)]
    assert date_lines.year_joined(_words([("2017", 0.9), ("第3页", 0.9)]), [(0, 1), (1, 2)]) == [(0, 1), (1, 2)]


def test_only_stretches_under_a_seal_that_hold_or_lost_a_date_are_looked_at():
    box = (980, 90, 1500, 150)
    dated = _words([("2026年8月31", 0.99)])
    assert date_lines._shapes(dated, box, [SEAL], 45) == ["box"]
    assert date_lines._shapes(dated, box, [], 45) == []  # no seal over it: Tesseract's reading stands
    assert date_lines._shapes(dated, (980, 60, 1500, 200), [SEAL], 45) == ["box", "band"]  # tall
    marked = _words([("二〇二", 0.4), ("年", 0.9), ("刀", 0.5)])
    assert date_lines._shapes(marked, box, [SEAL], 45) == ["box"]
    prose = _words([("系统上线后每年节约人力成本约一百六十九万元，准确率达到百分之九十七", 0.9)])
    assert date_lines._shapes(prose, box, [SEAL], 45) == []
    lost = _words([("Sea", 0.26), ("自", 0.0)], h=170)
    assert date_lines._shapes(lost, (980, 40, 1500, 330), [SEAL], 45) == ["band"]
    # a date joined to the ring, left by the second reading as a few sure numerals: 2026年06月04日
    # under a grey ring read 0轩0导 by Tesseract, then 0 2 0 导
    numerals = _words([("0", 0.99), ("2", 0.98), ("0", 0.85), ("导", 0.0)], h=90)
    assert date_lines._shapes(numerals, (980, 40, 1500, 190), [SEAL], 45) == ["band"]
    ring = _words([("人", 0.1)], h=400)  # the whole seal read as one line: not a joined line of text
    assert date_lines._shapes(ring, (980, 0, 1500, 560), [SEAL], 45) == []
    two = _words([("2020年10月27日至2040年10月26日", 0.6)])
    assert date_lines._shapes(two, box, [SEAL], 45) == []  # a period is left as read


@pytest.mark.slow
def test_a_date_misread_under_a_grey_ring_is_read_again_from_the_pixels(engine):
    """A signing block with a grey seal's ring through its date. Tesseract's own reading of
    the date is used when it is wrong (Tesseract 5.3 chi_sim reads 二@〇二六年八月驴日 here);
    should a later model read it right, the test puts a misreading in itself (三 as 二 at
    0.78, as on a grey copy in the bench corpus). The views of the pixels give 三 back."""
    import cv2

    from tests.docmaker import page_image

    page = np.asarray(page_image(["评测报告", "上海人工智能实验室评测中心", "二〇二六年八月三日"],
                                 size=(1600, 900), font_size=44).convert("L")).copy()
    cv2.circle(page, (800, 600), 200, 150, 9)  # a grey ring through the date's 三
    seal = Seal(page=1, bbox=(600, 400, 1000, 800), colour="grey")
    lines = ocr.ocr_lines(page, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if "年" in line.text or "月" in line.text)
    if [d for d, *_ in find_dates(lines[target].text)] == [dt.date(2026, 8, 3)]:
        misread = Word(text="二〇二六年八月二日", bbox=lines[target].bbox, conf=0.78)
        lines[target] = ocr.make_line([misread], block=lines[target].block)
    fixed, crops = date_lines.recheck_dates(page, page, lines, [seal])
    assert crops >= 2
    assert find_dates("".join(w.text for w in fixed[target].words))[0][0] == dt.date(2026, 8, 3)
    # lines without a date are the very same objects
    assert all(fixed[i] is lines[i] for i in range(len(lines)) if i != target)


def test_a_broken_date_is_looked_at_away_from_seals_too():
    box = (980, 90, 1500, 150)
    broken = _words([("营业期限", 0.96), ("2021", 1.0), ("年", 1.0), ('"月', 0.93), ("2", 0.96), ("日", 0.96),
                     ("至", 0.94), ("长期", 0.96)])
    assert date_lines._shapes(broken, box, [], 45) == ["box"]
    assert not date_lines.broken_date("2025年度营业收入")  # 年 alone: no date was meant
    assert not date_lines.broken_date("2021年9月2日至长期")  # a date that reads needs no look


@pytest.mark.slow
def test_a_month_read_as_a_quote_mark_is_read_again_without_any_seal(engine):
    """A licence's term as Tesseract read it on a 200 dpi scan (seed 23's case_006): 9 as a
    quote mark at 0.93, too sure for the word-by-word second reading. The line recogniser
    reads the stretch and the date is whole again."""
    from tests.docmaker import page_image

    page = np.asarray(page_image(["营业执照", "营业期限  2021年9月2日至长期"], size=(1600, 900),
                                 font_size=44).convert("L")).copy()
    lines = ocr.ocr_lines(page, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if "期" in line.text and "年" in line.text)
    words = [w.model_copy(update={"text": w.text.replace("9", '"'), "conf": min(w.conf, 0.93)})
             if "9" in w.text else w for w in lines[target].words]
    lines[target] = ocr.make_line(words, block=lines[target].block)
    assert not find_dates(lines[target].text)
    fixed, crops = date_lines.recheck_dates(page, page, lines, [])
    assert crops >= 1
    assert [d for d, *_ in find_dates(fixed[target].text)] == [dt.date(2021, 9, 2)]


def test_a_year_alone_under_a_seal_is_read_with_what_follows_it():
    """Seed 59, case_001: Tesseract read 2025年 of a licence's issue date and nothing of
    01月14日 under the authority's ring; the crop must reach to the right to hold the date."""
    words = _words([("2025", 0.95), ("年", 0.95)], x0=700)  # 700..900, the seal from 900 on
    box = (700, 100, 904, 140)
    wide = date_lines.year_cut_short(words, box, [SEAL], text_height=40, width=2000)
    assert wide[:2] == box[:2] and wide[3] == box[3] and wide[2] == 904 + 7 * 40
    assert date_lines.year_cut_short(words, box, [], text_height=40, width=2000) == box  # no seal: as read
    assert date_lines.year_cut_short(words, box, [SEAL], text_height=40, width=1000)[2] == 1000  # the page's edge
    # seed 79 case_015: 二〇二六年七月十四日 read 二 :sg 六 年 七 月 and, beyond a blank, 日
    month = _words([("二", 0.98), (":sg", 0.28), ("六", 1.0), ("年", 1.0), ("七", 1.0), ("月", 0.96)],
                   x0=700)
    assert date_lines.year_cut_short(month, box, [SEAL], text_height=40, width=2000) == wide
    whole = _words([("2025", 0.95), ("年", 0.95), ("1", 0.9), ("月", 0.9), ("4", 0.9), ("日", 0.9)],
                   x0=700)
    assert date_lines.year_cut_short(whole, box, [SEAL], text_height=40, width=2000) == box
    speck = _words([("s", 0.3), ("六", 0.9), ("年", 0.95)], x0=700)  # one numeral is no year
    assert date_lines.year_cut_short(speck, box, [SEAL], text_height=40, width=2000) == box
    words_cn = _words([("二〇二五", 0.95), ("年", 0.95)], x0=700)
    assert date_lines.year_cut_short(words_cn, box, [SEAL], text_height=40, width=2000) != box


def test_a_speck_read_as_a_digit_that_makes_a_day_impossible_is_dropped():
    """Seed 59, case_010: a licence's issue date 2024年6月8日 under its seal, read 2024年6月8 5日,
    the 5 at 0.55 (a speck of the ring's ink) beside the 8 at 0.99: no date at all."""
    from pipeline.ocr import make_line

    words = _words([("2024", 0.95), ("年", 1.0), ("6", 0.93), ("月", 0.99), ("8", 0.99), ("5", 0.55), ("日", 0.95)])
    line = make_line(words)
    fixed = date_lines.speck_dropped(line)
    assert find_dates(fixed.text.replace(" ", ""))[0][0] == dt.date(2024, 6, 8)
    assert [w.text for w in fixed.words] == ["2024", "年", "6", "月", "8", "日"]
    # a digit read surely is no speck; nor is one whose line already holds its date
    sure = make_line([w.model_copy(update={"conf": 0.9}) if w.text == "5" else w for w in words])
    assert date_lines.speck_dropped(sure) is sure
    valid = make_line(_words([("2024", 0.95), ("年", 1.0), ("6", 0.93), ("月", 0.99), ("1", 0.55), ("5", 0.99),
                              ("日", 0.95)]))
    assert date_lines.speck_dropped(valid) is valid  # 15 is a day: nothing to go by


def test_a_view_whose_day_a_misread_character_cut_short_gives_no_date():
    """Seed 71, case_014: a letter's 二〇二六年九月二十三日 under its seal, read 九月二弄三日 from
    one view (十 as 弄 at 0.70). That reads as the 2nd, with no 日 after it, and was taken at
    0.85; a day followed by a stray character and more of a day is cut short, not a date."""
    words = _words([("十月-洲=", 0.3)])
    cut = [_view("二〇二六年九月二弄三日", [1.0] * 8 + [0.70, 1.0, 1.0], "clean:band")]
    assert date_lines._agreed(words, cut) is None
    whole = [_view("二〇二六年九月二十三日", 0.95, "scanned:band")]
    chosen = date_lines._agreed(words, whole)
    assert chosen is not None and find_dates("".join(chosen[0].chars[chosen[2]:chosen[3]]))[0][0] == dt.date(2026, 9, 23)
    # a date with its 日 is whole, whatever follows it
    assert date_lines._agreed(words, [_view("二〇二六年九月二十三日起十日内", 0.95, "scanned:band")]) is not None


def test_a_year_parted_from_its_first_numeral_is_read_with_it():
    """Seed 101 case_005: 二 O=六年三月十八日, the first 二 a word a blank away from the rest of
    the year (its 〇二 read as one word, O=): the stretch of the date takes it in."""
    words = _words([("二", 0.24), ("O=", 0.83), ("六", 0.87), ("年", 0.96), ("三", 0.96), ("月", 0.96),
                    ("十", 0.93), ("八", 1.0), ("日", 1.0)])
    assert date_lines.year_joined(words, [(0, 1), (1, 9)]) == [(0, 9)]
    # a whole year of four is not joined to what comes before it, nor are letters
    whole = _words([("二", 0.9), ("二〇二六年三月十八日", 0.9)])
    assert date_lines.year_joined(whole, [(0, 1), (1, 2)]) == [(0, 1), (1, 2)]
    letters = _words([("abc", 0.9), ("O=六年三月十八日", 0.9)])
    assert date_lines.year_joined(letters, [(0, 1), (1, 2)]) == [(0, 1), (1, 2)]


def test_a_view_that_takes_in_another_lines_date_is_not_this_stretchs():
    """Seed 97 case_019: a licence's issue date 2022年1月26日 and, under it, the URL line,
    which Tesseract read as junk under the seal (et Le). The junk's band reached 20 px up
    into the date and read its lower half as 2022年1月20日: a second date, which the
    licence's issue date became. A view whose crop takes in another line's date is that
    date's, and gives this stretch nothing."""
    from pipeline.models import Line

    date_words = _words([("2022", 0.99), ("年", 0.95), ("1", 0.84), ("月", 0.99), ("26", 0.83), ("日", 0.99)],
                        x0=2532, y0=2115, h=60)
    junk = _words([("et", 0.0), ("Le", 0.0)], x0=2560, y0=2172, h=43)
    lines = [Line(text="".join(w.text for w in ws), bbox=(ws[0].bbox[0], ws[0].bbox[1], ws[-1].bbox[2], ws[0].bbox[3]),
                  conf=0.8, words=ws) for ws in (date_words, junk)]
    dated = date_lines.dated_boxes(lines)
    assert [(line is lines[0], box[:2]) for line, box in dated] == [(True, (2532, 2115))]
    band = (2524, 2156, 3062, 2217)
    assert date_lines._covers(band, dated[0][1], 45)
    assert not date_lines._covers((2524, 2180, 3062, 2241), dated[0][1], 45)  # 4 px of it: not its view
    assert not date_lines._covers((3400, 2156, 3900, 2217), dated[0][1], 45)  # beside it


class _Reads:
    """A recogniser that reads every crop as the same text, surely."""

    def __init__(self, text: str) -> None:
        self.text = text

    def read(self, crops):
        return [_view(self.text, 0.99, "clean:box")[0] for _ in crops]


def test_tesseracts_piece_of_a_date_beside_the_stretch_given_way_to_the_date():
    """Seed 131 case_011: a licence's 2017年7月23日 under the ring, read 201 (0.85) and then
    nothing Tesseract could make out; the look at the stretch after the 201 read the date
    whole, from 2017 on, and the 201 stayed in front of it: 2012017年7月23日, no date."""
    from pipeline.ocr import make_line

    words = _words([("网址:", 0.9), ("201", 0.85), ("238_", 0.0)], x0=940)
    lines = [make_line(words)]
    box = (980, 90, 1500, 150)  # the stretch's crop: from the 201 on
    jobs = [(0, 2, 3, [("clean:box", box, np.zeros((60, 520), np.uint8))])]

    def take(stretch, views):
        reading, b, _ = views[0]
        return reading, b, 0, len(reading.chars)

    out, crops = date_lines.read_and_replace(_Reads("2017年7月23日"), lines, jobs, 10, "date", take)
    text = "".join(w.text for w in out[0].words)
    assert crops == 1 and find_dates(text)[0][0] == dt.date(2017, 7, 23)
    assert text.startswith("网址:") and "201" not in text.replace("2017", "")


def test_views_that_lost_one_of_a_pair_of_like_digits_do_not_overrule_the_date():
    """Seed 113 case_007: Tesseract read a licence's 2020年11月11日 (0.90); both bands read
    2020年1月11日 at 0.99: the recogniser's decoding merges two like characters with no
    blank step between them. A date that differs otherwise is still taken."""
    words = _words([("2020", 0.99), ("年", 1.0), ("11", 0.89), ("月", 1.0), ("11", 0.9), ("日", 1.0)])
    views = [_view("2020年1月11日", 0.99, "clean:band"), _view("2020年1月11日", 0.99, "scanned:band")]
    assert date_lines._agreed(words, views) is None
    other = [_view("2020年1月17日", 0.99, "clean:band"), _view("2020年1月17日", 0.99, "scanned:band")]
    assert date_lines._agreed(words, other) is not None


def test_a_speck_read_as_a_fifth_digit_of_the_year_is_dropped():
    """Seed 137 case_005: a licence's 2023年8月5日 under the ring, read 20234年8月5日 from
    both boxes, the 4 at 0.62 and every other digit of the year at 1.00."""
    words = _words([("2025", 0.45), ("日", 0.9)])
    probs = [1.0, 1.0, 1.0, 1.0, 0.62, 1.0, 0.99, 0.79, 1.0, 1.0]
    views = [_view("20234年8月5日", probs, "clean:box"), _view("20234年8月5日", probs, "scanned:box")]
    chosen = date_lines._agreed(words, views)
    assert chosen is not None
    assert find_dates("".join(w.text for w in date_lines.replaced(words, *chosen)))[0][0] == dt.date(2023, 8, 5)
    # a fifth digit read as surely as the others is no speck: no date is made of it
    sure = [1.0, 1.0, 1.0, 1.0, 0.95, 1.0, 0.99, 0.79, 1.0, 1.0]
    assert date_lines._agreed(words, [_view("20234年8月5日", sure, "clean:box"),
                                      _view("20234年8月5日", sure, "scanned:box")]) is None


def test_views_that_read_a_pair_of_like_digits_where_tesseract_read_one_overrule_it():
    """Seed 151 case_005: Tesseract read a licence's 2021年11月18日 as 2021年1月18日, every
    character at 1.00; both boxes read 11月 (0.88 and 1.00). The recogniser's decoding can
    merge two like characters, never split one; one view alone is not enough."""
    words = _words([("2021", 1.0), ("年", 1.0), ("1", 1.0), ("月", 1.0), ("18", 1.0), ("日", 1.0)])
    views = [_view("2021年11月18日", 0.88, "clean:box"), _view("2021年11月18日", 1.0, "scanned:box")]
    chosen = date_lines._agreed(words, views)
    assert chosen is not None
    assert find_dates("".join(w.text for w in date_lines.replaced(words, *chosen)))[0][0] == dt.date(2021, 11, 18)
    assert date_lines._agreed(words, views[1:]) is None


def test_a_garbled_head_of_a_year_a_blank_before_it_is_read_with_it():
    """Seed 167 case_017: 二〇二六年四月十日 on an honour certificate, 二〇 read SO at 0.22 a
    blank before 二六年四月十日: the stretch of the date takes the guess in."""
    words = _words([("SO", 0.22), ("二", 1.0), ("六", 1.0), ("年", 1.0), ("四", 1.0), ("月", 1.0),
                    ("十", 1.0), ("日", 1.0)])
    words[1:] = [w.model_copy(update={"bbox": (w.bbox[0] + 60, w.bbox[1], w.bbox[2] + 60, w.bbox[3])})
                 for w in words[1:]]
    assert date_lines.year_joined(words, [(0, 1), (1, 8)]) == [(0, 8)]
    # not a word read surely, nor one longer than the numerals the year lacks, nor one far off
    sure = [words[0].model_copy(update={"conf": 0.9}), *words[1:]]
    assert date_lines.year_joined(sure, [(0, 1), (1, 8)]) == [(0, 1), (1, 8)]
    long = [words[0].model_copy(update={"text": "SOS"}), *words[1:]]
    assert date_lines.year_joined(long, [(0, 1), (1, 8)]) == [(0, 1), (1, 8)]
    far = [words[0].model_copy(update={"bbox": (700, 100, 780, 140)}), *words[1:]]
    assert date_lines.year_joined(far, [(0, 1), (1, 8)]) == [(0, 1), (1, 8)]


def test_numerals_from_a_year_on_under_a_seal_are_looked_at():
    """Seed 167 case_017: a licence's 2026年5月16日 under a grey ring's edge, its 年月日 faded
    with the seal, read 202645 1611: no 年, 月 or 日 left, still a date's numerals."""
    box = (980, 90, 1500, 150)
    assert date_lines._shapes(_words([("202645", 0.9), ("1611", 0.68), ("“", 0.02)]), box, [SEAL], 45) == ["box"]
    assert date_lines._shapes(_words([("202645", 0.9), ("1611", 0.68)]), box, [], 45) == []  # no seal
    # an amount, a phone number, a code: not from a year on, or not numerals only
    for text in ("4,182,039.55", "02157812345", "91310117MA60JLWG3J", "1611"):
        assert date_lines._shapes(_words([(text, 0.9)]), box, [SEAL], 45) == [], text


def test_the_naught_of_a_year_in_twenty_needs_no_sureness():
    """Seed 167 case_001: 二〇二六年八月二十四日 where Tesseract read 二人AAA年八月二十四日, every
    view unsure of the round 〇 (0.36-0.65) and the cleaned box sure of every other
    character: after 二 a year's numeral can only be 〇, so the date is taken."""
    lost = _words([("二", 1.0), ("人", 0.53), ("AAA", 0.10), ("年", 1.0), ("八", 1.0), ("月", 1.0),
                   ("二", 1.0), ("十", 1.0), ("四", 1.0), ("日", 1.0)])
    text = "二〇二六年八月二十四日"
    probs = [1.0, 0.36] + [1.0] * 9
    chosen = date_lines._agreed(lost, [_view(text, probs, "clean:box")])
    assert chosen is not None and "".join(chosen[0].chars[chosen[2]:chosen[3]]) == text
    # the decade unsure is still unsure
    probs = [1.0, 1.0, 0.36] + [1.0] * 8
    assert date_lines._agreed(lost, [_view(text, probs, "clean:box")]) is None


def test_a_wide_word_reaching_into_the_date_that_repeats_a_piece_of_it_gives_way():
    """Seed 233 case_019: a street review's 2026年4月29日 under its seal. Tesseract read
    202 年 年+ 门 门, and a 29 boxed wide over 29日 and past it; the views' date took the
    place of the words under it, but the wide 29, its centre beyond the date's end, stayed
    beside the 29 put in: 2026年4月2929日, no date."""
    spec = [("202", 1518, 1620, 0.99), ("年", 1630, 1660, 0.93), ("年+", 1660, 1691, 0.83),
            ("门", 1701, 1731, 0.0), ("门", 1731, 1792, 0.0), ("29", 1760, 1910, 0.15)]
    words = [Word(text=t, bbox=(a, 2154, b, 2238), conf=c) for t, a, b, c in spec]
    xs = [30, 55, 80, 105, 145, 175, 215, 245, 270, 307]
    reading = Reading(tuple("2026年4月29日"), (0.99,) * 10, tuple(float(x) for x in xs))
    out = date_lines.replaced(words, reading, (1500, 2150, 1900, 2240), 0, 10)
    assert find_dates("".join(w.text for w in out))[0][0] == dt.date(2026, 4, 29)
    # a word beside the date that is no piece of it stays
    beside = [*words[:-1], Word(text="盖章", bbox=(1800, 2154, 1900, 2238), conf=0.9)]
    assert "盖章" in "".join(w.text for w in date_lines.replaced(beside, reading, (1500, 2150, 1900, 2240), 0, 10))
