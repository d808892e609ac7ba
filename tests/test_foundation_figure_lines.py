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
