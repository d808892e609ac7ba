"""Which document each page belongs to, decided from content; the file name only hints.

Pages are scored per doc_type from the signals in ``data/classify.yaml``: a title line
near the top of a page is the strong signal (and starts a document), body keywords add
up, the file name adds a little. Consecutive pages then group into documents: a page
with its own title starts one, a page without a confident type continues the current one
(page 3 of a credit report has sections, not the title) unless it carries clearly more
of another type's signals than of the current one's (a certificate scanned behind a form,
its decorative title unreadable), or it follows a one-page document (a licence, a
certificate) and has text but none of that document's signals. Titles are matched fuzzily,
because Tesseract rarely reads a whole title right.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import PurePosixPath

import yaml
from pydantic import BaseModel, ConfigDict, Field as PydField
from rapidfuzz import fuzz

from extractors.normalize.text import fold
from pipeline.errors import DataFileError
from pipeline.models import Document, DocType, Page


# "1." "(一)" "一、" "第三条" ... : an item of a list (e.g. attachments), never a title
_ENUMERATED = re.compile(r"^(\(?[0-9一二三四五六七八九十]+[)、.．:]|[0-9]+\s|第[一二三四五六七八九十0-9]+[条章节])")
# what official titles carry after the type: (征求意见稿), (副本), a year ...
_TRAILER = re.compile(r"(\([^)]{0,8}\)|\[[^\]]{0,8}\]|[:：。.])+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class _Weights(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title_line: float
    title_anywhere: float
    keyword: float
    keyword_cap: int
    filename: float
    min_score: float
    title_top_fraction: float
    title_max_extra_chars: int
    single_page_own_text: int
    single_page_own_text_conf: float


class _Signals(BaseModel):
    model_config = ConfigDict(extra="forbid")
    titles: list[str]
    keywords: list[str] = PydField(default_factory=list)
    filename: list[str] = PydField(default_factory=list)
    single_page: bool = False


class Signals(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: _Weights
    doc_types: dict[DocType, _Signals]


@functools.cache
def load_signals() -> Signals:
    text = resources.files("extractors").joinpath("data/classify.yaml").read_text("utf-8")
    try:
        signals = Signals.model_validate(yaml.safe_load(text))
    except Exception as exc:  # noqa: BLE001 - a broken data file stops the run
        raise DataFileError(f"extractors/data/classify.yaml is invalid: {exc}") from exc
    # fold once, so the data may be written with full-width punctuation or traditional forms
    for spec in signals.doc_types.values():
        spec.titles = [fold(t) for t in spec.titles]
        spec.keywords = [fold(k) for k in spec.keywords]
    return signals


class PageScore(BaseModel):
    scores: dict[DocType, float]
    titled: DocType | None  # the type whose title line this page carries, if any

    @property
    def best(self) -> tuple[DocType, float]:
        if not self.scores:
            return DocType.other, 0.0
        doc_type = max(self.scores, key=self.scores.get)
        return doc_type, self.scores[doc_type]


def score_page(page: Page, *, file_name: str = "") -> PageScore:
    signals = load_signals()
    w = signals.weights
    lines = [(fold(line.text), line.bbox) for line in page.lines]
    full = "".join(text for text, _ in lines)
    top_limit = page.height * w.title_top_fraction if page.height else float("inf")
    name = fold(PurePosixPath(file_name).stem).lower()
    scores: dict[DocType, float] = {}
    titled: tuple[DocType, float] | None = None  # (type, y of its title line): topmost wins
    candidates = [(text, bbox) for text, bbox in lines
                  if bbox[1] <= top_limit and not _ENUMERATED.match(text)]
    for doc_type, spec in signals.doc_types.items():
        score = 0.0
        title_hit, title_y = 0.0, float("inf")
        for title in spec.titles:
            for text, bbox in candidates:
                core = _TRAILER.sub("", text)
                if len(core) > len(title) + w.title_max_extra_chars and not core.endswith(title):
                    continue
                similarity = _title_similarity(title, core)
                if similarity >= 0.85:
                    hit = w.title_line * similarity * min(1.0, len(title) / 4)
                    if hit > title_hit:
                        title_hit, title_y = hit, bbox[1]
        if title_hit:
            score += title_hit
            if titled is None or title_y < titled[1]:
                titled = (doc_type, title_y)
        elif any(title in full for title in spec.titles):
            score += w.title_anywhere
        hits = sum(1 for keyword in spec.keywords if keyword in full)
        score += w.keyword * min(hits, w.keyword_cap)
        if name and any(hint.lower() in name for hint in spec.filename):
            score += w.filename
        if score:
            scores[doc_type] = round(score, 3)
    return PageScore(scores=scores, titled=titled[0] if titled else None)


def _title_similarity(title: str, line: str) -> float:
    if title in line:
        return 1.0
    if len(title) < 4 or len(line) < len(title) - 1:
        return 0.0
    return fuzz.partial_ratio(title, line) / 100.0


def classify(pages: list[Page]) -> list[Document]:
    """Group the pages of each file into documents with a doc_type and a confidence."""
    signals = load_signals()
    min_score = signals.weights.min_score
    documents: list[Document] = []
    current: Document | None = None
    current_file = None
    for page in sorted(pages, key=lambda p: (p.file, p.number)):
        if page.file != current_file:
            current, current_file = None, page.file
        score = score_page(page, file_name=page.file)
        best_type, best = score.best
        confident = best >= min_score
        starts_new = (
            current is None
            or (score.titled is not None and (
                score.titled != current.doc_type
                or signals.doc_types[score.titled].single_page))
            or (confident and score.titled is None and best_type != current.doc_type
                and current.doc_type != DocType.other
                and score.scores.get(current.doc_type, 0.0) < min(min_score, best / 2))
            or _not_of_a_single_page(page, score, current, signals)
        )
        if starts_new:
            doc_type = (score.titled or best_type) if confident else DocType.other
            current = Document(file=page.file, pages=[page.number], doc_type=doc_type,
                               confidence=_confidence(score, doc_type),
                               scores={k.value if hasattr(k, "value") else k: v
                                       for k, v in score.scores.items()})
            documents.append(current)
        else:
            current.pages.append(page.number)
            if current.doc_type == DocType.other and confident:
                current.doc_type = best_type
                current.confidence = _confidence(score, best_type)
    return documents


def _not_of_a_single_page(page: Page, score: PageScore, current: Document, signals: Signals) -> bool:
    """A page of text after a one-page document (a licence, a certificate, a form) that
    shares not one signal with it is no page of it: a 公司简介 after the licence in a file of
    name-change materials (seed 2026 case_013) was taken for the licence's second page, and
    the reviewer never heard of a page that is none of the materials. A nearly empty page
    (the back of a sheet, a page with only a seal) still goes with the document before it,
    and so does a page of noise: only characters read fairly surely are its text (a photo
    of a grainy back read as 人和二… at 0.1)."""
    spec = signals.doc_types.get(current.doc_type)
    if spec is None or not spec.single_page or score.scores.get(current.doc_type, 0.0) > 0:
        return False
    w = signals.weights
    own = sum(len(_CJK.findall(word.text)) for word in page.words if word.conf >= w.single_page_own_text_conf)
    return own >= w.single_page_own_text


def _confidence(score: PageScore, doc_type: DocType) -> float:
    """0..1 from the strength of the winner and its margin over the runner-up."""
    if doc_type == DocType.other:
        return round(0.3 if not score.scores else 0.2, 3)
    mine = score.scores.get(doc_type, 0.0)
    others = sorted((v for k, v in score.scores.items() if k != doc_type), reverse=True)
    runner = others[0] if others else 0.0
    strength = min(1.0, mine / 9.0)
    margin = (mine - runner) / mine if mine else 0.0
    return round(max(0.0, min(1.0, 0.5 * strength + 0.5 * margin)), 3)
