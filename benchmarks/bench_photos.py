"""Phone photos of a sheet on a desk, taken at a slant: fields read with and without
flattening the sheet (pipeline.sheet).

The corpora's photos pull each corner in by at most 4 % of the page, with a thin even band
of desk; a photo taken by hand leans further. Each one-page document below is rendered
clean at 300 dpi (fixtures.generate.render_document), photographed at each keystone
(fixtures.degrade.phone_photo: the far edge shorter by that much of the width at each end,
a tilt of up to 4°, 6-18 % of desk around it, uneven light, grain, JPEG without a declared
resolution), then read as the pipeline reads a page (pipeline.pages.read_page) and given to
the field extractor with its true document type. Prints, per keystone and per way:
fields read exactly as the truth has them, seal rings read (most of the name stamped in
the ring), the page's mean word confidence, whether the sheet was found, and seconds a page.

    python -m benchmarks.bench_photos [--docs N] [--seed S] [--keystones 0,0.06,0.12]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import time
from pathlib import Path
from unittest import mock

SEAL_READ = 80  # rapidfuzz ratio of a ring's reading to the name stamped in it
# one-page documents render_document can make without a whole case behind them
DOC_TYPES = ("business_license", "street_review", "acceptance_certificate", "application_case")


def photos(out: Path, docs: int, seed: int, keystone: float) -> list[tuple[Path, object]]:
    """``docs`` photographed one-page documents under ``out``, with their truth."""
    import numpy as np
    from PIL import Image

    from fixtures import degrade as dg
    from fixtures.generate import render_document

    made = []
    for i in range(docs):
        doc_type = DOC_TYPES[i % len(DOC_TYPES)]
        blob, truth = render_document(doc_type, seed=seed + i, container="png", dpi=300)
        if len(truth.pages) != 1:
            continue
        rng = random.Random(f"{seed}-{i}-{keystone}")
        rs = np.random.default_rng(rng.getrandbits(64))
        im = Image.open(io.BytesIO(blob)).convert("RGB")
        im = dg.uneven_light(im, rng.uniform(0.15, 0.35), rs)
        im, _ = dg.phone_photo(im, keystone, rs, margin=rng.uniform(0.06, 0.18), tilt=rng.uniform(-4, 4))
        im = dg.noise(im, rng.uniform(3, 8), rs)
        folder = out / f"photo_{i:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"IMG_{i:04d}.jpg"
        im.save(path, format="JPEG", quality=85)  # no dpi: a phone's photo
        made.append((folder, truth))
    return made


def score(made, data_dir: Path, *, flatten: bool) -> dict:
    from collections import defaultdict

    from rapidfuzz import fuzz

    from benchmarks.bench_extract import _score
    from extractors.fields import extract_fields
    from extractors.nlp import build_nlp
    from pipeline import sheet
    from pipeline.ingest import ingest
    from pipeline.models import Document
    from pipeline.pages import read_page
    from pipeline.settings import Settings

    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir, cache=False)
    nlp = build_nlp()
    cells: dict = defaultdict(lambda: [0, 0, 0])  # bench_extract's: exact, scored, wrong but trusted
    seals_read = seals_total = 0
    confs, seconds, misses = [], [], []
    corners_seen = []
    real = sheet.find_sheet

    def finder(image):
        corners = real(image) if flatten else None
        corners_seen.append(corners is not None)
        return corners

    with mock.patch.object(sheet, "find_sheet", finder):
        for folder, truth in made:
            sub = ingest(folder, settings)
            sf = sub.files[0]
            started = time.perf_counter()
            result = read_page(sub, sf, 1, settings)
            seconds.append(time.perf_counter() - started)
            confs.append(result.page.mean_conf)
            for seal in truth.seals:  # a ring read when some seal's text is most of the owner's name
                seals_total += 1
                seals_read += any(fuzz.ratio(found.text or "", seal.text) >= SEAL_READ for found in result.seals)
            doc = Document(file=sf.path, pages=[1], doc_type=truth.doc_type, confidence=1.0, seals=result.seals)
            fields = extract_fields(doc, [result.page], nlp=nlp)
            misses += [f"{folder.name} {miss}" for miss in _score(cells, truth, fields, "ocr")]
    found = sum(corners_seen)
    return {"exact": sum(c[0] for c in cells.values()), "total": sum(c[1] for c in cells.values()), "found": found, "conf": sum(confs) / max(1, len(confs)),
            "seconds": sum(seconds) / max(1, len(seconds)), "misses": misses,
            "seals": (seals_read, seals_total)}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keystones", default="0,0.06,0.12")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)
    from benchmarks.corpus import data_dir

    root = data_dir() / "photos"
    print(f"{'keystone':>8} {'way':>10} {'fields exact':>14} {'seal rings read':>15} {'sheet found':>11} "
          f"{'mean conf':>9} {'s/page':>7}")
    for keystone in (float(k) for k in args.keystones.split(",")):
        out = root / f"corpus-{args.seed}-{keystone}"
        shutil.rmtree(out, ignore_errors=True)
        made = photos(out, args.docs, args.seed, keystone)
        for flatten in (False, True):
            res = score(made, root / "data", flatten=flatten)
            way = "flattened" if flatten else "as taken"
            read, seals = res["seals"]
            print(f"{keystone:8.2f} {way:>10} {res['exact']:6d}/{res['total']:<3d} {res['exact'] / max(1, res['total']):5.3f}"
                  f" {read:9d}/{seals:<5d} {res['found']:5d}/{len(made):<5d} {res['conf']:9.3f} {res['seconds']:7.2f}")
            if args.misses:
                for miss in res["misses"]:
                    print("   ", miss)
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
