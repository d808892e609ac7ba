"""The last look at a credit code Tesseract read short or wrong (pipeline.code_lines): which
runs of words are looked at, when a view's reading is taken, and real pixels."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import code_lines, ocr
from pipeline.models import Word
from pipeline.second_reader import Reading

CODE = "91310117MA5Q8K1D00"  # seed 61 case_002: Tesseract kept 913101 and 5Q8K1D00


def _words(*texts: str) -> list[Word]:
    out, x = [], 100
    for t in texts:
        out.append(Word(text=t, bbox=(x, 400, x + 30 * len(t), 445), conf=0.9))
        x += 30 * len(t) + 20
    return out


def _view(text: str, probs: float | list[float], kind: str = "clean:box"):
    probs = probs if isinstance(probs, list) else [probs] * len(text)
    return Reading(tuple(text), tuple(probs), tuple(20.0 + 25 * i for i in range(len(text)))), (80, 390, 700, 455), kind


def _chosen(chosen) -> str:
    reading, _, j1, j2 = chosen
    return "".join(reading.chars[j1:j2])


def test_a_short_run_of_code_words_is_looked_at():
    assert code_lines.code_runs(_words("913101", "5Q8K1D00", "4E?")) == [(0, 2)]
    # a code that reads (after the repairs the format forces) is left alone
    assert code_lines.code_runs(_words("91310117MA5Q8KID00")) == []
    assert code_lines.code_runs(_words("9131", "0117MA5Q8K1D00")) == []
    # eighteen characters read surely are a code printed wrong, for the rules (seed 67's
    # planted USCC_INVALID, read at 0.90); read unsurely, they are looked at
    assert code_lines.code_runs(_words("91310117MAC991XU42")) == []
    shaky = [w.model_copy(update={"conf": 0.6}) for w in _words("91310117MAC991XU42")]
    assert code_lines.code_runs(shaky) == [(0, 1)]
    # too short, too few digits, or text
    assert code_lines.code_runs(_words("编号", "310117")) == []
    assert code_lines.code_runs(_words("ABCDEFGHJK", "LMN123")) == []


def test_a_view_with_a_code_that_passes_its_check_is_taken():
    chosen = code_lines.agreed_code([_view("代码" + CODE.replace("1D", "ID"), [0.9] * 16 + [0.48] + [0.9] * 3),
                                     _view("9131015Q8K1D00", 0.99, "scanned:box")])
    assert chosen is not None and _chosen(chosen) == CODE  # I, forced to 1, placed as 1
    # a W read as two V's is one character
    w = code_lines.agreed_code([_view("91310117MAA4AM5VV75", 0.9)])
    assert w is not None and _chosen(w) == "91310117MAA4AM5W75"


def test_no_code_or_two_codes_give_nothing():
    assert code_lines.agreed_code([_view("9131011 7MA5Q8K1D01", 0.95)]) is None  # fails its check
    assert code_lines.agreed_code([_view(CODE[:-1] + "1", 0.95)]) is None
    # a free substitution is never tried: one confusion away from valid is not enough
    assert code_lines.agreed_code([_view(CODE.replace("K", "X"), 0.95)]) is None
    # two views reading two valid codes
    other = "91310117MAA4AM5W75"
    assert code_lines.agreed_code([_view(CODE, 0.95), _view(other, 0.95, "scanned:box")]) is None
    # a crop's edge read as | is no character of the code, and a glyph read twice is undone
    # only where that alone makes a valid code: |91310117MAC991XU42 (printed invalid) is not
    # 191310117MAC91XU42 (the | as 1, 99 as 9), which passes the check
    assert code_lines.agreed_code([_view("|91310117MAC991XU42", 1.0)]) is None
    assert _chosen(code_lines.agreed_code([_view("|" + CODE, 1.0)])) == CODE
    # a character read under FLOOR is no reading
    assert code_lines.agreed_code([_view(CODE, [0.9] * 17 + [0.2])]) is None


@pytest.mark.slow
def test_a_code_tesseract_read_short_is_read_again_from_the_pixels(engine):
    """A licence's label and code. The test puts the bench corpus's short reading of the
    code in Tesseract's place (913101 and 5Q8K1D00 over the code's width); the views of
    the pixels give the code back, and other lines stay as they are."""
    from tests.docmaker import page_image

    page = np.asarray(page_image(["营业执照", "统一社会信用代码", CODE, "名称 上海青穹智算科技有限公司"],
                                 size=(1600, 800), font_size=44).convert("L")).copy()
    lines = ocr.ocr_lines(page, lang="chi_sim", timeout=60, psm=6)
    target = next(i for i, line in enumerate(lines) if line.text.replace(" ", "").startswith("9131"))
    x0, y0, x1, y1 = lines[target].bbox
    third = (x1 - x0) / 3
    short = [Word(text="913101", bbox=(x0, y0, x0 + third, y1), conf=0.87),
             Word(text="5Q8K1D00", bbox=(x1 - 1.4 * third, y0, x1, y1), conf=1.0)]
    lines[target] = ocr.make_line(short, block=lines[target].block)
    fixed, crops = code_lines.recheck_codes(page, page, lines)
    assert crops == 2
    assert CODE in "".join(w.text for w in fixed[target].words)
    assert all(fixed[i] is lines[i] for i in range(len(lines)) if i != target)
