"""A figure under a seal read differently from the cleaned page and from the scan
(pipeline.figure_lines): which words are looked at, when two readings clash, real pixels."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import figure_lines, ocr, second_reader
from pipeline.models import Seal
from pipeline.second_reader import Reading


def _reading(text: str, probs: float | list[float], step: float = 20.0) -> Reading:
    probs = probs if isinstance(probs, list) else [probs] * len(text)
    return Reading(tuple(text), tuple(probs), tuple(10.0 + step * i for i in range(len(text))))


@pytest.mark.parametrize("text,figure", [("27,248,590.20", True), ("27.218.590.20", True), ("(1,234.56)", True),
                                         ("12,345", True), ("1,234", False), ("五、12", False),
                                         ("2026年3月16日", False), ("91310117MA5Q8K1D00", False)])
def test_what_counts_as_a_figure(text, figure):
    assert second_reader.is_figure(text) is figure


def test_two_sure_digits_at_one_place_clash():
    assert figure_lines.digits_clash(_reading("27.218.590.20", 1.0), _reading("27,248,590,20", 1.0), 8) == ("1", "4")
    # the same digits, or a digit one view lost (the scan's 9 under a stroke of the ring)
    assert figure_lines.digits_clash(_reading("27,248,590.20", 1.0), _reading("27,248,590.20", 0.95), 8) is None
    lost = Reading(tuple("27248520"), (1.0,) * 8, tuple(10.0 + 20 * i for i in (0, 1, 3, 4, 5, 7, 11, 12)))
    assert figure_lines.digits_clash(_reading("27,248,590.20", 1.0), lost, 8) is None
    # a difference either reader is unsure of is no clash
    assert figure_lines.digits_clash(_reading("27.218.590.20", [1.0] * 4 + [0.6] + [1.0] * 8),
                                     _reading("27,248,590,20", 1.0), 8) is None


@pytest.mark.slow
def test_a_figure_the_scan_reads_otherwise_under_a_seal_is_doubted(engine):
    """Two renderings of one statement line, 27,218,590.20 (as the cleaned page might have
    left it) and 27,248,590.20 (the scan): under a seal the figure's confidence falls to
    CONTESTED; where both views agree, or away from any seal, nothing changes."""
    from tests.docmaker import page_image

    def render(figure: str) -> np.ndarray:
        return np.asarray(page_image(["利润表", f"研发费用 {figure}", "营业收入 215,709,999.05"],
                                     size=(1600, 600), font_size=44).convert("L")).copy()

    clean, scanned = render("27,218,590.20"), render("27,248,590.20")
    lines = ocr.ocr_lines(clean, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if "590" in line.text)
    word = next(w for w in lines[target].words if "590" in w.text)
    seal = Seal(page=1, bbox=(word.bbox[0] + 40, word.bbox[1] - 100, word.bbox[2] + 200, word.bbox[3] + 150))

    checked, crops = figure_lines.recheck_figures(clean, scanned, lines, [seal])
    assert crops == 2  # the other figure lies away from the seal
    doubted = next(w for w in checked[target].words if "590" in w.text)
    assert doubted.conf <= 0.45 and doubted.first_conf == word.conf
    assert all(checked[i] is lines[i] for i in range(len(lines)) if i != target)

    same, crops = figure_lines.recheck_figures(clean, clean, lines, [seal])
    assert crops == 2 and same == lines
    assert figure_lines.recheck_figures(clean, scanned, lines, []) == (lines, 0)


def _alts(text: str, extra: dict[int, str] | None = None) -> tuple[str, ...]:
    return tuple(ch + (extra or {}).get(k, "") for k, ch in enumerate(text))


def test_the_scans_whole_figure_is_taken_when_the_cleaned_page_is_no_surer():
    """Seed 89, case_014: 13,775,512.96 under a grey seal, faded to 13,775.512.996 by the
    cleaning (its 5 read 3 at 0.56); the scan reads it whole, its point as a 4 at 0.71 with
    a comma and a point among the candidates."""
    scan = Reading(tuple("13,775,512496"), (1.0, .99, .98, 1.0, 1.0, 1.0, .93, .98, .82, 1.0, .71, .99, .96),
                   tuple(10.0 + 20 * i for i in range(13)), _alts("13,775,512496", {10: ",-."}))
    clean = _reading("13,775.312.996", [1.0, .99, .99, .99, .99, .91, .56, .78, 1.0, 1.0, .48, .97, .42, .93])
    assert figure_lines.scan_figure(scan, clean, 8) == ("13,775,512.96", 0.8)
    # the same point read as a digit the recogniser had no doubt of, and no point in the
    # cleaned view there: not a figure
    sure = Reading(scan.chars, scan.probs, scan.xs, tuple(scan.chars))
    assert figure_lines.scan_figure(sure, _reading("13775", 1.0, step=40), 8) is None
    # ... with the cleaned view's point at that place, it is (seed 89, case_010)
    dotted = Reading(scan.chars, scan.probs, scan.xs, tuple(scan.chars))
    assert figure_lines.scan_figure(dotted, _reading("13,775,512.96", 0.6), 8) == ("13,775,512.96", 0.8)


def test_the_scans_figure_is_not_taken_when_unsure_or_outdone():
    whole = _reading("433,154.41", 1.0)
    assert figure_lines.scan_figure(whole, _reading("133.154.41", 0.86), 8) == ("433,154.41", 1.0)
    # a digit of the scan under SCAN_SURE
    assert figure_lines.scan_figure(_reading("99,808.22", [1.0, .99, .6, 1.0, .64, 1.0, 1.0, 1.0, 1.0]),
                                    _reading("19.808.22", .5), 8) is None
    # the cleaned view surer of another digit at the same place
    assert figure_lines.scan_figure(_reading("433,154.41", .85), _reading("133,154.41", .95), 8) is None
    # not a whole figure: no two decimals, or too few digits
    assert figure_lines.scan_figure(_reading("4,331,544", 1.0), _reading("4,331,544", 1.0), 8) is None
    assert figure_lines.scan_figure(_reading("31.54", 1.0), _reading("31.54", 1.0), 8) is None


def test_a_cell_the_cleaned_page_lost_under_a_seal_is_read_from_the_scan(engine):
    """Seed 97, case_006: cleaning a grey seal off a greyscale scan took most of a figure
    with it: 20,081,330.24 was read ``20.`` and the rest not at all. The figures of the rows
    above make a column; its cell on that row, under the seal, is read from the scan, twice,
    and the whole figure replaces the stub. A cell the scan holds nothing in, or a cell away
    from the seal, is left as it was."""
    from tests.docmaker import page_image

    rows = ["营业收入 263,957,202.49", "营业成本 119,485,278.17", "管理费用 {}", "研发费用 {}"]

    def render(fill: list[str]) -> np.ndarray:
        lines = [rows[0], rows[1], rows[2].format(fill[0]), rows[3].format(fill[1])]
        return np.asarray(page_image(["利润表", *lines], size=(1600, 700), font_size=44).convert("L")).copy()

    clean, scanned = render(["20.", ""]), render(["20,081,330.24", ""])
    lines = ocr.ocr_lines(clean, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if "管理费用" in line.text.replace(" ", ""))
    figure = next(w for line in lines for w in line.words if "263" in w.text)
    y = lines[target].bbox[1]
    seal = Seal(page=1, bbox=(figure.bbox[0] + 150, y - 60, figure.bbox[2] + 200, y + 220), colour="grey")

    checked, _ = figure_lines.recheck_figures(clean, scanned, lines, [seal])
    assert "20,081,330.24" in checked[target].text
    taken = next(w for w in checked[target].words if w.text == "20,081,330.24")
    assert taken.first_text is not None and "20" in taken.first_text and 0.8 <= taken.conf <= 1.0
    assert all(checked[i] is lines[i] for i in range(len(lines)) if i != target)  # 研发费用's cell is empty
    assert figure_lines.recheck_figures(clean, clean, lines, [seal])[0] == lines
    away = Seal(page=1, bbox=(0, y + 400, 200, y + 600))
    assert figure_lines.recheck_figures(clean, scanned, lines, [away])[0] == lines


def test_columns_of_figures_and_their_cells():
    from pipeline.models import Line, Word

    def line(*words):
        return Line(text=" ".join(t for t, _ in words), bbox=(0, 0, 1, 1), conf=0.9,
                    words=[Word(text=t, bbox=box, conf=0.9) for t, box in words])

    lines = [line(("营业收入", (100, 100, 300, 140)), ("263,957,202.49", (600, 100, 900, 140)),
                  ("205,728,413.88", (1100, 100, 1390, 140))),
             line(("营业成本", (100, 200, 300, 240)), ("19,485,278.17", (620, 200, 900, 240))),
             line(("研发费用", (100, 300, 300, 340)), ("1", (640, 290, 1390, 350)))]
    assert figure_lines.columns(lines) == [(600, 900)]  # one figure alone is no column
    seal = Seal(page=1, bbox=(500, 250, 1000, 700))
    cells = figure_lines.lost_cells(lines, [seal], 40.0, (2000, 2000))
    assert [(li, covered) for li, covered, _ in cells] == [(2, ([], [1]))]  # the junk word stretched over it


def test_a_figure_read_in_pieces_under_a_seal_is_a_lost_cell():
    """Seed 101, case_016: a grey seal over 46,886,801.20; the cleaned page faded 886, and
    Tesseract read the cell as 46, .NS and 801.20 (0.39). An unsure figure among other
    words holds the cell no more than a stub does; a figure read surely, or alone, does."""
    from pipeline.models import Line, Word

    def line(*words):
        return Line(text=" ".join(t for t, _, _ in words), bbox=(0, 0, 1, 1), conf=0.9,
                    words=[Word(text=t, bbox=box, conf=c) for t, box, c in words])

    column = [line(("营业收入", (100, 100, 300, 140), 0.9), ("137,283,470.94", (600, 100, 900, 140), 0.95)),
              line(("营业成本", (100, 200, 300, 240), 0.9), ("66,316,072.70", (620, 200, 900, 240), 0.98))]
    seal = Seal(page=1, bbox=(700, 250, 1200, 700))

    def cells(*words):
        return [(li, covered) for li, covered, _ in
                figure_lines.lost_cells([*column, line(("研发费用", (100, 300, 300, 340), 0.9), *words)],
                                        [seal], 40.0, (2000, 2000))]

    pieces = [("46", (610, 300, 650, 340), 1.0), (".NS", (660, 300, 740, 340), 0.0)]
    assert cells(*pieces, ("801.20", (760, 300, 900, 340), 0.39)) == [(2, ([1, 2, 3], []))]
    assert cells(*pieces, ("801.20", (760, 300, 900, 340), 0.97)) == []  # read surely
    assert cells(("46,886,801.20", (610, 300, 900, 340), 0.39)) == []  # whole, if unsure: its own look


def test_the_pieces_tesseract_read_must_lie_in_the_scans_figure_and_vouch_for_it():
    assert figure_lines.holds_pieces("4688680120", ["46", "", "80120"])
    assert not figure_lines.holds_pieces("4688680120", ["80120", "46"])  # out of order
    assert not figure_lines.holds_pieces("3051295234", ["30562"])
    assert figure_lines.vouched(list("4688680120"), ["46", "80120"]) == {0, 1, 5, 6, 7, 8, 9}
    assert figure_lines.vouched(list("4688680120"), ["4", "0"]) == set()  # one digit vouches for nothing
    # the scan lost the point and read the last 0 at 0.57 under the ring's stroke: the
    # cleaned view's point between 1 and 2 puts it back, and Tesseract's 801.20 vouches for the 0
    xs = (34, 54, 74, 93, 123, 142, 162, 182, 201, 221, 260, 290)
    scan = Reading(tuple("46,886,80120"), (1.0,) * 11 + (0.57,), tuple(float(x) for x in xs))
    clean = Reading(tuple("46.8$.801.2()"), (1.0,) * 13,
                    (34.0, 54.0, 64.0, 93.0, 113.0, 162.0, 182.0, 201.0, 221.0, 241.0, 260.0, 280.0, 300.0))
    assert figure_lines.scan_figure(scan, clean, 13.6, ["46", "80120"]) == ("46,886,801.20", 0.8)
    assert figure_lines.scan_figure(scan, clean, 13.6) is None  # nobody vouches for the 0
    assert figure_lines.scan_figure(scan, clean, 13.6, ["46", "80720"]) is None
    # no point in the cleaned view between them: not a figure
    assert figure_lines.scan_figure(scan, Reading(tuple("46"), (1.0, 1.0), (34.0, 54.0)), 13.6, ["46", "80120"]) is None


def test_the_cleaned_view_seconds_a_digit_the_scan_is_unsure_of():
    """Seed 109, case_002: 27,861,070.69 under a grey ring, the scan's 6 and 9 at 0.59 and
    0.39; the cleaned page, the ring faded, reads them alike at 0.76 and 0.84."""
    scan = _reading("27,861,070.69", [1.0, 1.0, .91, 1.0, .99, 1.0, .97, .72, .94, .93, 1.0, .59, .39])
    clean = _reading("27.$61.070.69", [1.0, 1.0, .93, .45, .5, .99, .97, .99, .99, .99, 1.0, .76, .84])
    assert figure_lines.scan_figure(scan, clean, 8) == ("27,861,070.69", 0.8)
    # a digit the scan only guessed (under 0.30) is not seconded
    guessed = _reading("27,861,070.69", [1.0, 1.0, .91, 1.0, .99, 1.0, .97, .72, .94, .93, 1.0, .59, .2])
    assert figure_lines.scan_figure(guessed, clean, 8) is None
    # the cleaned view reads another digit there, or is too unsure of the same one
    assert figure_lines.scan_figure(scan, _reading("27.$61.070.68", .84), 8) is None
    assert figure_lines.scan_figure(scan, _reading("27.$61.070.69", .65), 8) is None
    # the two views' digits apart: not one digit
    assert figure_lines.scan_figure(scan, _reading("27.$61.070.69", .84, step=23), 8) is None


def test_the_cents_a_ring_took_from_the_scan_are_the_cleaned_views():
    """Seed 109, case_001: a ring's stroke across .15 of 16,316,921.15 ended the scan's
    reading at 921 (or left 921:5); the cleaned page reads 16.*1..921.15."""
    clean = _reading("16.*1..921.15", [.99, .95, .64, .60, .54, .6, .73, .26, .96, .93, .98, .99, .99])
    cut = _reading("16,316,921", .99)
    done = figure_lines.with_cleaned_tail(cut, clean, 8)
    assert "".join(done.chars) == "16,316,921.15" and done.xs[-3:] == clean.xs[-3:]
    assert figure_lines.scan_figure(done, clean, 8) == ("16,316,921.15", 0.8)  # cents of one view: not certain
    spoilt = Reading(tuple("16,316,921:5"), (.99,) * 10 + (.44, .83), (*cut.xs, clean.xs[-3], clean.xs[-1]))
    assert "".join(figure_lines.with_cleaned_tail(spoilt, clean, 8).chars) == "16,316,921.15"
    # what the scan reads after 921 is not what the cleaned view reads there
    other = Reading(tuple("16,316,921:6"), spoilt.probs, spoilt.xs)
    assert figure_lines.with_cleaned_tail(other, clean, 8) == other
    # the cleaned view unsure of a cent, or reading more past the scan's end
    assert figure_lines.with_cleaned_tail(cut, _reading("16.*1..921.15", [.99] * 12 + [.7]), 8) == cut
    assert figure_lines.with_cleaned_tail(cut, _reading("16.*1..921.155", .99), 8) == cut
    # a whole figure, or no grouped integer part, is the scan's own
    whole = _reading("16,316,921.15", .99)
    assert figure_lines.with_cleaned_tail(whole, clean, 8) == whole
    short = _reading("16316921", .99)
    assert figure_lines.with_cleaned_tail(short, _reading("16316921.15", .99), 8) == short


def test_under_a_red_ring_the_cleaned_views_whole_figure_stands_for_the_scans(engine):
    """Seed 113, case_014: a red ring across the 9 of 17,161,776.39 left the scan reading
    17,161,776.321; the cleaned page, the red ink taken off by its colour, reads the figure
    whole and sure, and a second, tighter crop of it reads it again. (Here the scan's wide
    crop reads the figure whole, its tight crop 17,161,776.3: not confirmed.) Under a grey
    ring, faded by its level with the print's thin strokes, the cleaned view does not stand in."""
    import cv2

    from tests.docmaker import page_image

    rows = ["营业收入 263,957,202.49", "营业成本 119,485,278.17", "管理费用 4,611,622.40", "研发费用 {}"]

    def render(fill: str) -> np.ndarray:
        lines = [*rows[:3], rows[3].format(fill)]
        return np.asarray(page_image(["利润表", *lines], size=(1600, 900), font_size=44).convert("L")).copy()

    stub = render("17")
    lines = ocr.ocr_lines(stub, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if "研发费用" in line.text.replace(" ", ""))
    figure = next(w for line in lines for w in line.words if "263" in w.text)
    clean = render("17,161,776.39")
    scanned = clean.copy()
    x1, (y0, y1) = int(figure.bbox[2]), (int(v) for v in lines[target].bbox[1::2])
    for x in range(x1 - 75, x1 - 10, 7):  # the cents under the ring's ink
        cv2.line(scanned, (x, y0 - 5), (x + 40, y1 + 5), 60, 3)
    y = lines[target].bbox[1]
    box = (figure.bbox[0] + 100, y - 60, figure.bbox[2] + 250, y + 220)

    checked, _ = figure_lines.recheck_figures(clean, scanned, lines, [Seal(page=1, bbox=box, colour="red")])
    taken = next(w for w in checked[target].words if w.text == "17,161,776.39")
    assert taken.first_text == "17" and taken.conf >= 0.8
    grey, _ = figure_lines.recheck_figures(clean, scanned, lines, [Seal(page=1, bbox=box, colour="grey")])
    assert "17,161,776.39" not in grey[target].text
