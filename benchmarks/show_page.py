"""A page as the pipeline reads it, word by word, for looking into a bench miss.

    python -m benchmarks.show_page CASE_DIR FILE [PAGE ...] [--find TEXT] [--fields DOC_TYPE]

Prints each line with its words, their confidences and, where the second reader changed
a word, what Tesseract had read (``first_text``). ``--find`` keeps the lines that contain
TEXT (and their neighbours); ``--fields`` also runs the extractor of DOC_TYPE on the pages
and prints what it found. The reading comes from the page cache under
``$PRECHECK_DATA_DIR/bench`` when the benches have read the page already.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _word(w) -> str:
    was = f"<{w.first_text}:{w.first_conf:.2f}" if w.first_text is not None and w.first_text != w.text else ""
    return f"{w.text}:{w.conf:.2f}{was}"


def _crop(path: Path, sf, page_no: int, page, settings, box: list[int]) -> None:
    """The box as the second reader sees it (the page turned and deskewed as it was read,
    its seals faded: /tmp/crop.png) and as scanned (/tmp/crop-raw.png), each read."""
    import cv2

    from pipeline.geometry import rotate_quarter
    from pipeline.pages import page_raster, upright_views
    from pipeline.second_reader import recogniser

    image = page_raster(path, sf, page_no, settings.dpi)
    upright, _, clean = upright_views(rotate_quarter(image, page.rotation), page.skew, page_no)
    x0, y0, x1, y1 = box
    engine = recogniser()
    for name, view in (("crop", clean), ("crop-raw", upright)):
        cv2.imwrite(f"/tmp/{name}.png", view[y0:y1, x0:x1])
        if engine is not None:
            r = engine.read([view[y0:y1, x0:x1]])[0]
            print(f"{name}: " + " ".join(f"{c}:{p:.2f}@{x0 + x:.0f}" for c, p, x in zip(r.chars, r.probs, r.xs)))


def main(argv: list[str] | None = None) -> int:
    from benchmarks.corpus import data_dir
    from pipeline.ingest import ingest
    from pipeline.pages import read_page
    from pipeline.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("file")
    ap.add_argument("pages", nargs="*", type=int)
    ap.add_argument("--find", help="only lines containing this text, with one line either side")
    ap.add_argument("--fields", metavar="DOC_TYPE", help="also extract this doc_type's fields")
    ap.add_argument("--seals", action="store_true", help="print each seal's colour and readings")
    ap.add_argument("--crop", metavar="X0,Y0,X1,Y1",
                    help="save this box of the first page as OCR saw it (/tmp/crop.png) and as "
                         "scanned (/tmp/crop-raw.png), and print the second reader's reading of each")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    settings = Settings(data_dir=data_dir())
    submission = ingest(args.case_dir, settings)
    sf = next((f for f in submission.files if f.path == args.file), None)
    if sf is None:
        print(f"no file {args.file!r}; files: {[f.path for f in submission.files]}", file=sys.stderr)
        return 2
    numbers = args.pages or list(range(1, (sf.page_count or 1) + 1))
    results = [read_page(submission, sf, n, settings) for n in numbers]
    for r in results:
        p = r.page
        print(f"== page {p.number} {p.source} dpi={p.dpi} rot={p.rotation} conf={p.mean_conf:.2f} "
              f"seals={[(s.bbox, s.owner_name) for s in r.seals]}")
        if args.seals:
            for s in r.seals:
                print(f"  seal {tuple(round(v) for v in s.bbox)} {s.shape} {s.colour}: text={s.text!r} "
                      f"readings={s.readings} lattices={[t[:80] for t in s.lattices]}")
        keep = range(len(p.lines))
        if args.find:
            hits = [i for i, ln in enumerate(p.lines) if args.find in ln.text.replace(" ", "")]
            keep = sorted({j for i in hits for j in (i - 1, i, i + 1) if 0 <= j < len(p.lines)})
        for i in keep:
            ln = p.lines[i]
            box = tuple(round(v) for v in ln.bbox)
            print(f"[{i:2}] {box} {ln.conf:.2f} | " + "  ".join(_word(w) for w in ln.words))
    if args.crop:
        _crop(args.case_dir / sf.path, sf, numbers[0], results[0].page, settings,
              [int(float(v)) for v in args.crop.split(",")])
    if args.fields:
        from extractors.fields import extract_fields
        from extractors.nlp import build_nlp
        from pipeline.models import Document

        doc = Document(file=sf.path, pages=numbers, doc_type=args.fields, confidence=1.0,
                       seals=[s for r in results for s in r.seals])
        for name, f in extract_fields(doc, [r.page for r in results], nlp=build_nlp()).items():
            print(f"{name:24} {f.value!r:.70} conf={f.confidence:.2f} p{f.page} {f.bbox}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
