"""Reading one page: its text (text layer or OCR) and its seals, cached by content.

The page is the unit of work and of provenance. ``read_page`` depends only on the file's
bytes, the page number and the engine settings, so its result is cached under a key made
of exactly those (never a path or a run id): an unchanged or resubmitted file is not read
again, and the cache survives restarts.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import cv2
import numpy as np

from pipeline import (code_lines, date_lines, figure_lines, geometry, lost_lines, name_lines, ocr, render, seal_dates,
                      seal_gaps, second_reader, sheet)
from pipeline.preprocess import clean_for_ocr, flatten_light
from pipeline.models import MediaType, Page, PageResult, Seal, SourceFile, Submission, TextSource
from pipeline.settings import Settings
from pipeline.textlayer import read_text_layer

log = logging.getLogger(__name__)

# Bump when the way a page is read changes, so cached results of the old way are not reused.
READER_VERSION = "pages-74"
PREVIEW_WIDTH = 1240  # 150 dpi on A4: enough for a reviewer to read, small enough to embed

PageTask = tuple[SourceFile, int]
PageMapper = Callable[[Submission, list[PageTask], Settings], list[PageResult]]


# --------------------------------------------------------------------------- cache


def cache_key(sf: SourceFile, page_no: int, settings: Settings) -> str:
    parts = [sf.sha256, str(page_no), str(settings.dpi), settings.ocr_lang, str(settings.ocr_psm),
             ocr.engine_version(), READER_VERSION, _seal_version(), _second_reader_version(settings)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _cache_paths(key: str, settings: Settings) -> tuple[Path, Path]:
    folder = settings.cache_dir / "pages" / key[:2]
    return folder / f"{key}.json", folder / f"{key}.jpg"


def _load_cached(key: str, settings: Settings) -> PageResult | None:
    json_path, jpg_path = _cache_paths(key, settings)
    if not json_path.exists():
        return None
    try:
        result = PageResult.model_validate_json(json_path.read_text("utf-8"))
    except ValueError:
        log.warning("ignoring unreadable cache entry %s", json_path)
        return None
    if timed_out(result) and result.seconds < 0.9 * settings.ocr_timeout:
        return None  # it ran out of a smaller time budget than the one allowed now
    page = result.page.model_copy(update={"image": str(jpg_path) if jpg_path.exists() else None})
    return result.model_copy(update={"page": page, "cached": True})


def _store(key: str, result: PageResult, preview: np.ndarray | None, settings: Settings) -> PageResult:
    json_path, jpg_path = _cache_paths(key, settings)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    if preview is not None:
        cv2.imwrite(str(jpg_path), preview, [cv2.IMWRITE_JPEG_QUALITY, 80])
    page = result.page.model_copy(update={"image": str(jpg_path) if preview is not None else None})
    result = result.model_copy(update={"page": page})
    # A crash is retried next time, not remembered. A timeout is: the same page would take
    # the whole budget again on every intake (a 150 dpi phone photo: 45 s each night)
    # and end the same way; it is read again only with a larger budget (_load_cached).
    if page.error is None or timed_out(result):
        tmp = json_path.with_suffix(".tmp")
        tmp.write_text(result.model_dump_json(), "utf-8")
        tmp.replace(json_path)
    return result


# --------------------------------------------------------------------------- reading


def read_page(submission: Submission, sf: SourceFile, page_no: int, settings: Settings) -> PageResult:
    """Text and seals of one page; a failure degrades this page only (Page.error)."""
    key = cache_key(sf, page_no, settings)
    if settings.cache:
        cached = _load_cached(key, settings)
        if cached is not None:
            return cached
    started = time.perf_counter()
    path = Path(submission.root) / sf.path
    try:
        page, image, found = _read(path, sf, page_no, settings)
        seals = _read_seals(image, found, page_no, settings)
        preview = _preview(image)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the submission
        log.warning("page %s#%d could not be read: %s", sf.path, page_no, exc)
        page = Page(file=sf.path, number=page_no, width=0, height=0, dpi=settings.dpi,
                    source=TextSource.ocr, mean_conf=0.0, error=_page_error(exc))
        seals, preview = [], None
    result = PageResult(page=page, seals=seals, seconds=round(time.perf_counter() - started, 3))
    if not settings.cache:
        return result
    return _store(key, result, preview, settings)


TIMEOUT_ERROR = "文字识别超时"


def timed_out(result: PageResult) -> bool:
    """Whether the page failed because OCR ran out of time (not a crash): trying the same
    page again at once would only spend the same time again."""
    return bool(result.page.error and result.page.error.startswith(TIMEOUT_ERROR))


def _page_error(exc: Exception) -> str:
    """Why a page could not be read, worded for the reviewer (it ends up in a finding)."""
    if isinstance(exc, ocr.OcrTimeout):
        return f"{TIMEOUT_ERROR}：{exc}"
    return f"该页无法读取（{type(exc).__name__}: {exc}）"


def _read(path: Path, sf: SourceFile, page_no: int,
          settings: Settings) -> tuple[Page, np.ndarray, list[Seal] | None]:
    """The page's text, its upright image, and its seals when they were already found."""
    dpi = settings.dpi
    image = render.page_image(path, MediaType(sf.media_type), page_no, dpi)
    if sf.media_type == MediaType.pdf:
        layer = read_text_layer(path, page_no, dpi=dpi)
        if layer.usable:
            h, w = image.shape[:2]
            page = Page(file=sf.path, number=page_no, width=w, height=h, dpi=dpi,
                        source=TextSource.text_layer, mean_conf=1.0, lines=layer.lines)
            return page, image, None
        log.debug("%s#%d: OCR instead of text layer (%s)", sf.path, page_no, layer.reason)
    return _ocr_upright(ocr_raster(image, _declared_dpi(path, sf, page_no, dpi), dpi), sf, page_no, settings)


def _declared_dpi(path: Path, sf: SourceFile, page_no: int, dpi: int) -> int | None:
    """The resolution the page's pixels are known to have: a PDF is rendered at ``dpi``."""
    return dpi if sf.media_type == MediaType.pdf else render.image_dpi(path, page_no)


def page_raster(path: Path, sf: SourceFile, page_no: int, dpi: int) -> np.ndarray:
    """The page as OCR sees it, before it is turned and straightened (``ocr_raster``)."""
    image = render.page_image(path, MediaType(sf.media_type), page_no, dpi)
    return ocr_raster(image, _declared_dpi(path, sf, page_no, dpi), dpi)


def ocr_raster(image: np.ndarray, declared: int | None, dpi: int) -> np.ndarray:
    """The page scaled to ``dpi``; a photo of a sheet on a desk flattened first (the desk
    dropped, the sheet's corners mapped onto a rectangle: pipeline.sheet), and its scale
    told by the sheet's size, not the photo's."""
    corners = sheet.find_sheet(image)
    if corners is None:
        return normalise_resolution(image, declared, dpi)
    width, height = sheet.sheet_size(corners)
    scale = resolution_scale(min(width, height), declared, dpi)
    if scale < 1:  # shrunk first with area averaging, which the warp cannot do
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        corners, width, height, scale = corners * scale, width * scale, height * scale, 1.0
    log.debug("sheet on a desk at %s: flattened to %.0f x %.0f px", corners.round().tolist(),
              width * scale, height * scale)
    return sheet.flatten(image, corners, (width * scale, height * scale))


def upright_views(turned: np.ndarray, skew: float, page_no: int) -> tuple[np.ndarray, list[Seal], np.ndarray]:
    """The page (already turned by its quarter turns) deskewed, as scanned; its seals; and
    the same with the seals' ink faded (what OCR and the second reader see)."""
    upright = geometry.deskew(turned, skew)
    seals = _detect_seals(upright, page_no)
    return upright, seals, clean_for_ocr(upright, seals)


# A page read the right way up scores >= 0.8 mean word confidence with Tesseract chi_sim,
# a poor but upright scan 0.5-0.6; the same pages on their side or upside down score
# <= 0.26 (measured on clean, sparse, noisy and photographed pages). So the reading itself
# decides orientation. The direction of the lines (geometry.lines_are_vertical, which
# ignores table ruling) leaves two candidates, 0/180 or 90/270: one is read, and a reading
# that is clearly of a page the wrong way up is followed by a probe of all four
# orientations on a band of the page (one Tesseract call); only a way the probe reads
# clearly better is read whole (or the other way, when the bands hold no text at all).
# Upright pages, nearly all of them, cost one pass, poor upright scans too; upside-down
# pages two and the probe. Before the probe came first, a photo of noise was read whole
# both ways: an honour certificate photographed at 150 dpi cost 83 s, 35 s a way.
# A page on its side was turned a quarter either way, and photos come both ways about as
# often: reading the 90° view first wasted a whole read on every page turned the other
# way (1.2 s of the intake bench's 13 page-seconds), so a probe of the two views' bands
# (0.3 s on a 300 dpi A4 page) picks the side to read first.
WRONG_WAY_CONF = 0.4
PROBE_MARGIN = 0.15
# ... and only a probe that read some text (a band read the right way up probes 0.45-0.95
# on seed 73's 29 turned pages, the wrong ways at most 0.30 but once 0.47): a grainy
# 150-dpi photo of an honour certificate probed 0.24 its best way, 0.05 the way it was
# read, and its second whole read of noise cost 50 s of the page's 100
PROBE_FLOOR = 0.35
SIDEWAYS_MARGIN = 0.10


def _ocr_upright(image: np.ndarray, sf: SourceFile, page_no: int,
                 settings: Settings) -> tuple[Page, np.ndarray, list[Seal]]:
    page, upright, seals, clean = _orient(image, sf, page_no, settings)
    if page.lines and settings.second_reader:
        lines, read = page.lines, 0
        for name, step in (("second reading", lambda ls: second_reader.reread(clean, ls)),
                           ("seal gaps", lambda ls: seal_gaps.reread_under_seals(clean, ls, seals)),
                           ("date lines", lambda ls: date_lines.recheck_dates(clean, upright, ls, seals)),
                           ("name lines", lambda ls: name_lines.recheck_names(clean, upright, ls, seals)),
                           ("code lines", lambda ls: code_lines.recheck_codes(clean, upright, ls)),
                           ("figure lines", lambda ls: figure_lines.recheck_figures(clean, upright, ls, seals)),
                           ("lost lines", lambda ls: lost_lines.read_lost_lines(clean, ls)),
                           ("seal dates", lambda ls: seal_dates.read_seal_dates(clean, upright, ls, seals))):
            try:
                lines, crops = step(lines)
            except Exception:  # noqa: BLE001 - a later look failing leaves the reading it had
                log.exception("%s#%d: %s failed; the page keeps the reading before it", sf.path, page_no, name)
                continue
            read += crops
        if read or lines is not page.lines:  # a look may change a line without reading a crop
            page = page.model_copy(update={"lines": lines})
    return page, upright, seals


def _orient(image: np.ndarray, sf: SourceFile, page_no: int,
            settings: Settings) -> tuple[Page, np.ndarray, list[Seal], np.ndarray]:
    first = 0
    if geometry.lines_are_vertical(image):
        probes = _probe(image, settings, rotations=(90, 270)) or dict.fromkeys((90, 270), 0.0)
        if max(probes.values()) < PROBE_FLOOR:  # the band read no text either way: look at nearly all of it
            probes = _probe(image, settings, rotations=(90, 270), band=WIDE_BAND) or probes
        first = 270 if probes[270] >= probes[90] + SIDEWAYS_MARGIN else 90
    started = time.perf_counter()
    reads = [_ocr_at(image, first, sf, page_no, settings)]
    if reads[0][0].mean_conf >= WRONG_WAY_CONF or not reads[0][0].lines:  # blank is not rotated
        return reads[0]
    spent = time.perf_counter() - started
    # the whole height of the view the first read straightened, its turns counted from ``first``
    turned = _probe(reads[0][1], settings, band=TALL_BAND)
    if turned:
        other = other_way({(first + r) % 360: conf for r, conf in turned.items()}, first)
    elif spent >= probe_limit(settings):
        # the probe ran out of time on a page whose whole read took longer still: noise, read
        # no better the other way, at the same cost again
        return reads[0]
    else:  # out of time on a busy machine: as when the bands hold no text
        other = (first + 180) % 360
    if other is not None:
        reads.append(_ocr_at(image, other, sf, page_no, settings))
    return max(reads, key=lambda read: read[0].mean_conf)


def other_way(probes: dict[int, float], first: int) -> int | None:
    """The way to read whole a page read badly ``first``, from the probe of its bands: one
    clearly better and that read some text, or the opposite way when the bands hold no
    text at all; None when no other way is worth a whole read."""
    best = max(probes, key=probes.get)
    if probes[best] >= max(probes[first] + PROBE_MARGIN, PROBE_FLOOR):
        return best
    if not any(probes.values()):
        return (first + 180) % 360
    return None


def _ocr_at(image: np.ndarray, rotation: int, sf: SourceFile, page_no: int,
            settings: Settings) -> tuple[Page, np.ndarray, list[Seal], np.ndarray]:
    turned = geometry.rotate_quarter(image, rotation)
    skew = geometry.estimate_skew(turned)
    upright, seals, clean = upright_views(turned, skew, page_no)
    lines = ocr.ocr_lines(clean, lang=settings.ocr_lang, timeout=settings.ocr_timeout,
                          dpi=settings.dpi, psm=settings.ocr_psm)
    h, w = upright.shape[:2]
    page = Page(file=sf.path, number=page_no, width=w, height=h, dpi=settings.dpi,
                source=TextSource.ocr, rotation=rotation, skew=skew,
                mean_conf=round(_mean_conf(lines), 4), lines=lines)
    return page, upright, seals, clean


PROBE_GAP = 80  # white rows between the probe bands: Tesseract never joins them into a line
BAND = (0.15, 0.45)  # the rows of a view the probe reads: 0.20-0.40 misread a sparse page
# ... and after a poor first read, the rows it reads of the straightened page. An honour
# certificate scanned upside down and 2.25° askew (seed 89, case_006) probed 0.28 the right
# way, 0.17 the way it was read: askew, half-size characters read poorly either way, and its
# band held the big letter-spaced title. Straightened, its band probed 0.62 against 0.50
# (the upside-down title read as characters), short of PROBE_MARGIN; the whole height 0.61
# against at most 0.23. On seed 89's five turned pages the right way probed 0.51-0.75 over
# the whole height, the wrong ways at most 0.33 (band: 0.62-0.87 and up to 0.50). It costs a
# second more than the band, on pages that read poorly only.
TALL_BAND = (0.10, 0.90)
# ... and the rows a page on its side is probed in when its band read no text either way: a
# last page of a report scanned sideways, one line near its right margin and the page
# number (seed 199 case_019), which turned lies in the view's top or bottom tenth. Its band
# read specks only (0.03 both ways), and it was read upside down at 0.13; these rows probe
# 0.93 the right way, 0.26 the other.
WIDE_BAND = (0.05, 0.95)


# A probe reads at half resolution: 0.3-0.4 s on the intake bench's pages here. One that runs
# out of this time tells no way from another. On a page read whole faster than that, the
# machine was busy, and the page is read the other way up as well (as when the bands hold no
# text); on one whose whole read took longer still, it is noise: a grainy 150-dpi photo of
# an honour certificate (seed 199 case_016) read 0.12 in 40 s, then probed out of time and
# read whole the other way too, 107 s for one page. Shortened to 8 s, it timed out on a clean
# report page read upside down while two benches shared the machine (seed 199 case_016's
# 03-项目情况说明.pdf): kept at 20 s, and the whole read's time decides.
PROBE_TIMEOUT = 20.0


def probe_limit(settings: Settings) -> float:
    """The seconds a probe may take: PROBE_TIMEOUT, or less when OCR as a whole gets less."""
    return min(PROBE_TIMEOUT, settings.ocr_timeout)


def _probe(image: np.ndarray, settings: Settings,
           rotations: tuple[int, ...] = (0, 90, 180, 270), band: tuple[float, float] = BAND) -> dict[int, float]:
    """Confidence of a quick read of a band of the page's rows (``band``, the upper middle
    unless told) at half resolution, for each of the orientations: the bands are stacked
    into one image and read by one Tesseract call, then told apart by height. The light
    is evened first, as for the whole read (preprocess.flatten_light): a letter
    photographed upside down under a lamp probed 0.02 the right way on its grey paper,
    0.61 flattened (seed 83, case_019), and was read the wrong way up. Empty when the read
    ran out of time (``PROBE_TIMEOUT``)."""
    image = flatten_light(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image)
    bands = []
    for rotation in rotations:
        view = geometry.rotate_quarter(image, rotation)
        h, w = view.shape[:2]
        strip = view[int(h * band[0]): int(h * band[1])]
        bands.append(cv2.resize(strip, (w // 2, strip.shape[0] // 2), interpolation=cv2.INTER_AREA))
    width = max(b.shape[1] for b in bands)
    rows, spans, y = [], [], 0
    for strip in bands:
        strip = cv2.copyMakeBorder(strip, 0, PROBE_GAP, 0, width - strip.shape[1], cv2.BORDER_CONSTANT,
                                   value=(255, 255, 255) if strip.ndim == 3 else 255)
        rows.append(strip)
        spans.append((y, y + strip.shape[0] - PROBE_GAP))
        y += strip.shape[0]
    try:
        lines = ocr.ocr_lines(np.vstack(rows), lang=settings.ocr_lang,
                              timeout=probe_limit(settings), dpi=settings.dpi // 2, psm=settings.ocr_psm)
    except ocr.OcrTimeout:
        log.info("orientation probe ran out of time (%.0f s)", probe_limit(settings))
        return {}
    words = [w for line in lines for w in line.words]
    out = {}
    for rotation, (top, bottom) in zip(rotations, spans):
        mine = [w for w in words if top <= (w.bbox[1] + w.bbox[3]) / 2 < bottom]
        out[rotation] = word_conf(mine) or 0.0
    return out


def word_conf(words) -> float | None:
    """Mean word confidence weighted by characters (a one-character word counts less than a
    long one); None when there are no words."""
    total = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / total if total else None


def _mean_conf(lines) -> float:
    return word_conf([word for line in lines for word in line.words]) or 0.0


def normalise_resolution(image: np.ndarray, declared: int | None, dpi: int) -> np.ndarray:
    """Scale a raster page to ``dpi`` so every box in a report is in one unit."""
    h, w = image.shape[:2]
    scale = resolution_scale(min(h, w), declared, dpi)
    if scale == 1:
        return image
    interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return cv2.resize(image, (int(w * scale), int(h * scale)), interpolation=interp)


def resolution_scale(short_side: float, declared: int | None, dpi: int) -> float:
    """How much a page whose shorter side is ``short_side`` pixels is scaled to be at ``dpi``.

    Declared dpi is trusted when plausible; otherwise the shorter side is taken for A4's
    (210 mm), which is what nearly every submitted page is. Within 10 % it is left as it is.
    """
    source_dpi = declared or (short_side / (210 / 25.4))
    scale = dpi / source_dpi
    if 0.9 < scale < 1.1:
        return 1.0
    return min(scale, 3.0)


def _second_reader_version(settings: Settings) -> str:
    """The line recogniser reads the seal rings whenever it is installed, and re-reads the
    body's doubtful words when the setting allows it too."""
    if second_reader.model_path() is None:
        return "no-line-recogniser"
    return second_reader.VERSION if settings.second_reader else f"{second_reader.VERSION}:seals-only"


def _seal_version() -> str:
    from extractors import seals

    return seals.VERSION


def _detect_seals(image: np.ndarray, page_no: int) -> list[Seal]:
    from extractors.seals import detect_seals

    return detect_seals(image, page=page_no)


def _read_seals(image: np.ndarray, found: list[Seal] | None, page_no: int,
                settings: Settings) -> list[Seal]:
    """Read the ring text of every seal of the page in one OCR call; an unreadable ring
    leaves its seal with no text (an unknown owner)."""
    from extractors.seals import read_seals

    seals = found if found is not None else _detect_seals(image, page_no)
    if not seals:
        return []
    try:
        return read_seals(image, seals, timeout=min(30.0, settings.ocr_timeout), dpi=settings.dpi,
                          lang=settings.ocr_lang)
    except Exception as exc:  # noqa: BLE001 - unreadable rings are unknown owners, not a page error
        log.info("seals on page %d unreadable: %s", page_no, exc)
        return seals


def _preview(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    if w <= PREVIEW_WIDTH:
        return image
    scale = PREVIEW_WIDTH / w
    return cv2.resize(image, (PREVIEW_WIDTH, int(h * scale)), interpolation=cv2.INTER_AREA)


# --------------------------------------------------------------------------- many pages


def page_tasks(submission: Submission) -> list[PageTask]:
    return [(sf, n) for sf in submission.files if sf.problem is None
            for n in range(1, sf.page_count + 1)]


def read_pages_threaded(
    submission: Submission,
    tasks: list[PageTask],
    settings: Settings,
    *,
    on_done: Callable[[PageResult], None] | None = None,
) -> list[PageResult]:
    """Read pages with a thread per core: Tesseract runs as a child process, so threads
    keep both cores busy without the cost of pickling images between processes."""
    results: list[PageResult | None] = [None] * len(tasks)
    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        futures = {pool.submit(read_page, submission, sf, n, settings): i
                   for i, (sf, n) in enumerate(tasks)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if on_done:
                on_done(results[index])
    return [r for r in results if r is not None]

