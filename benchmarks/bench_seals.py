"""Seal benchmark: detection precision/recall, owner accuracy, detection time per page,
and what red suppression does to OCR of text under a seal.

Two corpora: the hard-case pages of ``fixtures.seal_art.synthetic_page`` (one hard case
per page, always), and, when the fixture generator is installed, a generated corpus of
whole submissions (``python -m fixtures generate``) scored against its truth.json.

    python -m benchmarks.bench_seals [--per-case N] [--cases N] [--seed S] [--no-read]

Seals are read as the pipeline reads them: every seal of a page in one OCR call.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

NAMES = [  # (applicant, another company) pairs for the synthetic pages
    ("上海松江智算科技有限公司", "上海云启数据服务有限公司"),
    ("上海辰星人工智能有限公司", "杭州远帆网络科技有限公司"),
    ("上海九亭模型科技有限公司", "上海明澜信息技术有限公司"),
    ("上海泖港算力服务有限公司", "苏州星河软件有限公司"),
]
AUTHORITIES = ["上海市松江区市场监督管理局", "上海市公共信用信息服务中心", "上海市松江区人民政府岳阳街道办事处"]


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / u if u > 0 else 0.0


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    owner_ok: int = 0
    owner_n: int = 0
    shape_ok: int = 0
    shape_n: int = 0
    det_ms: list[float] = field(default_factory=list)  # wall clock
    cpu_ms: list[float] = field(default_factory=list)  # CPU time (the machine may be shared)
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.owner_ok += other.owner_ok
        self.owner_n += other.owner_n
        self.shape_ok += other.shape_ok
        self.shape_n += other.shape_n
        self.det_ms += other.det_ms
        self.cpu_ms += other.cpu_ms
        self.misses += other.misses

    def judge(self, what: str, ok: bool, miss: str) -> None:
        """One matched seal's ``what`` (owner, shape) scored: right, or listed as a miss."""
        setattr(self, f"{what}_n", getattr(self, f"{what}_n") + 1)
        if ok:
            setattr(self, f"{what}_ok", getattr(self, f"{what}_ok") + 1)
        else:
            self.misses.append(miss)

    def row(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        own = f"{self.owner_ok / self.owner_n:.3f}" if self.owner_n else "  -  "
        shape = f"{self.shape_ok / self.shape_n:.3f}" if self.shape_n else "  -  "
        ms = f"{statistics.mean(self.det_ms):6.1f}" if self.det_ms else "   -  "
        cpu = f"{statistics.mean(self.cpu_ms):6.1f}" if self.cpu_ms else "   -  "
        p95 = f"{np.percentile(self.cpu_ms, 95):6.1f}" if self.cpu_ms else "   -  "
        return (f"{name:<22} {len(self.det_ms):>5} {self.tp + self.fn:>5} {self.tp:>4} {self.fp:>4} {self.fn:>4} "
                f"{p:>6.3f} {r:>6.3f} {own:>6} {self.owner_n:>4} {shape:>6} {ms} {cpu} {p95}")


HEADER = (f"{'corpus / case':<22} {'pages':>5} {'seals':>5} {'tp':>4} {'fp':>4} {'fn':>4} "
          f"{'prec':>6} {'recall':>6} {'owner':>6} {'n':>4} {'shape':>6} {'wall':>6} {'cpu':>6} {'cpu95':>6}")
LEGEND = ("owner: share of matched seals whose owner is right (n of them); shape: share of "
          "matched seals detected round/oval/square as they are; wall/cpu/cpu95: "
          "detection only, ms per page (mean wall clock, mean and 95th percentile CPU time)")


def score_page(img: np.ndarray, truth: list[dict], *, page: int, dpi: int = 300, applicant: str | None,
               third_parties: list[str], policy, read: bool, label: str) -> Tally:
    """Detect (timed), match to truth by IoU ≥ 0.5, then read and assign owners."""
    from extractors.seals import assign_owner, detect_seals, read_seals

    t = Tally()
    t0, c0 = time.perf_counter(), time.process_time()
    found = detect_seals(img, page=page, dpi=dpi)
    t.det_ms.append((time.perf_counter() - t0) * 1000)
    t.cpu_ms.append((time.process_time() - c0) * 1000)
    if read and found:  # as the pipeline does: all seals of the page in one OCR call
        found = read_seals(img, found, dpi=dpi)
    used: set[int] = set()
    for seal in found:
        best, best_iou = None, 0.5
        for i, tr in enumerate(truth):
            if i in used or tr.get("bbox") is None:
                continue
            v = _iou(seal.bbox, tr["bbox"])
            if v >= best_iou:
                best, best_iou = i, v
        loose = [i for i, tr in enumerate(truth) if i not in used and tr.get("bbox") is None]
        if best is None and loose and read:
            # a truth seal without a box (perspective warp): the one whose name the seal's
            # reading matches best (the owner is then scored against that one)
            from extractors.seals.owner import name_score

            best = max(loose, key=lambda i: name_score(truth[i]["text"], seal.text or ""))
        elif best is None and loose:
            best = loose[0]
        if best is None:
            t.fp += 1
            t.misses.append(f"FP {label} {tuple(round(v) for v in seal.bbox)}")
            continue
        used.add(best)
        t.tp += 1
        if truth[best].get("shape"):
            t.judge("shape", seal.shape == truth[best]["shape"],
                    f"SHAPE {label} truth={truth[best]['shape']} got={seal.shape} {tuple(round(v) for v in seal.bbox)}")
        if read:
            seal = assign_owner(seal, applicant_name=applicant, third_parties=third_parties, policy=policy)
            t.judge("owner", seal.owner == truth[best]["owner"],
                    f"OWNER {label} truth={truth[best]['owner']}:{truth[best]['text']} "
                    f"got={seal.owner} read={seal.text!r} score={seal.owner_score}")
    for i, tr in enumerate(truth):
        if i not in used:
            t.fn += 1
            t.misses.append(f"FN {label} {tr.get('bbox')} {tr.get('owner')}")
    return t


def synthetic(per_case: int, seed: int, policy, read: bool) -> dict[str, Tally]:
    from fixtures.seal_art import SEAL_CASES, synthetic_page

    out: dict[str, Tally] = {}
    for case in SEAL_CASES:
        tally = Tally()
        for k in range(per_case):
            rng = random.Random(f"{seed}:{case}:{k}")
            app, other = rng.choice(NAMES)
            names = {"applicant": app, "other": other, "authority": rng.choice(AUTHORITIES)}
            img, truth = synthetic_page(case, seed=seed * 1000 + k, names=names)
            tally.add(score_page(img, truth, page=1, applicant=app, third_parties=[],
                                 policy=policy, read=read, label=f"{case}#{k}"))
        out[case] = tally
    return out


def _third_parties(doc, policy) -> list[str]:
    fields = policy.seals.issuer_fields.get(doc.doc_type, []) if policy else []
    names = [doc.fields.get(f) for f in fields]
    return [n for n in names if isinstance(n, str) and n]


def generated(cases: int, seed: int, policy, read: bool, out_dir: Path | None,
              as_read: bool = False) -> Tally | None:
    """Score a generated corpus; None when the generator is not available. ``as_read``:
    each page as the pipeline looks for its seals (``_as_read``)."""
    from fixtures.truth import load_truth
    from pipeline import render
    from pipeline.models import MediaType

    work = Path(out_dir or tempfile.mkdtemp(prefix="bench-seals-"))
    if not any(work.glob("*.truth.json")):
        cmd = [sys.executable, "-m", "fixtures", "generate", str(work), "--cases", str(cases), "--seed", str(seed)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            logging.warning("generator failed: %s", proc.stderr[-500:])
            return None
    tally = Tally()
    for tpath in sorted(work.glob("*.truth.json")):
        truth = load_truth(tpath)
        root = work / truth.case_id
        for f in truth.files:
            if not f.readable:
                continue
            path = root / f.path
            media = _media(path)
            if media is None:
                continue
            for dp in f.documents:
                doc = next((d for d in truth.documents if d.file == f.path and d.doc_type == dp.doc_type
                            and set(d.pages) == set(dp.pages)), None)
                for pno in dp.pages:
                    try:
                        img = render.page_image(path, media, pno, 300)
                    except Exception as exc:  # noqa: BLE001 - an unrenderable page is not ours to score
                        logging.warning("%s#%d: %s", path, pno, exc)
                        continue
                    if f.rotation:  # truth boxes are on the upright page
                        img = np.ascontiguousarray(np.rot90(img, k=f.rotation // 90))
                    dpi = f.dpi if (media != MediaType.pdf and f.dpi) else 300
                    seals = [s.model_dump() for s in (doc.seals if doc else []) if s.page == pno]
                    if as_read:
                        img, seals = _as_read(img, seals, path, media, pno)
                        dpi = 300
                    tps = _third_parties(doc, policy) if doc else []
                    tally.add(score_page(img, seals, page=pno, dpi=dpi, applicant=truth.applicant.name,
                                         third_parties=tps, policy=policy, read=read,
                                         label=f"{truth.case_id}/{f.path}#{pno}"))
    return tally


def _as_read(img: np.ndarray, seals: list[dict], path: Path, media, pno: int) -> tuple[np.ndarray, list[dict]]:
    """The page as pipeline.pages looks for its seals: an image scaled to 300 dpi, then
    deskewed; and the truth boxes moved with it (scaled; each box's centre turned, a seal's
    box keeping its size)."""
    from pipeline import geometry, render
    from pipeline.models import MediaType
    from pipeline.pages import normalise_resolution

    if media != MediaType.pdf:
        scaled = normalise_resolution(img, render.image_dpi(path, pno), 300)
        f = scaled.shape[1] / img.shape[1]
        img = scaled
        seals = [{**s, "bbox": [v * f for v in s["bbox"]]} if s.get("bbox") is not None else s for s in seals]
    skew = geometry.estimate_skew(img)
    m = geometry.deskew_matrix(img.shape, skew)
    if m is None:
        return img, seals
    moved = []
    for seal in seals:
        if seal.get("bbox") is not None:
            x0, y0, x1, y1 = seal["bbox"]
            cx, cy = m @ np.array([(x0 + x1) / 2, (y0 + y1) / 2, 1.0])
            hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
            seal = {**seal, "bbox": [cx - hw, cy - hh, cx + hw, cy + hh]}
        moved.append(seal)
    return geometry.deskew(img, skew), moved


def _media(path: Path):
    from pipeline.models import MediaType

    head = path.read_bytes()[:8]
    if head.startswith(b"%PDF"):
        return MediaType.pdf
    if head.startswith(b"\xff\xd8"):
        return MediaType.jpeg
    if head.startswith(b"\x89PNG"):
        return MediaType.png
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return MediaType.tiff
    return None


def red_suppression(n: int, seed: int) -> tuple[float, float, int]:
    """Character accuracy of OCR on text lines stamped over by a seal, without and with
    red suppression (mean over n pages)."""
    import cv2
    from PIL import Image, ImageDraw
    from rapidfuzz.distance import Levenshtein

    from fixtures.seal_art import _font, draw_seal, stamp_multiply
    from pipeline import ocr
    from pipeline.ink import remove_red

    acc_raw, acc_clean, chars = [], [], 0
    for k in range(n):
        rng = random.Random(f"ink:{seed}:{k}")
        app, _ = NAMES[k % len(NAMES)]
        lines = [f"申报单位：{app}", f"统一社会信用代码：91310117MA1J{rng.randint(10000, 99999)}X",
                 f"日期：2025年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
        im = Image.new("RGB", (1400, 700), "white")
        d = ImageDraw.Draw(im)
        for i, line in enumerate(lines):
            d.text((60, 120 + i * 150), line, fill=(15, 15, 15), font=_font(52))
        page = np.asarray(im).copy()
        colour = rng.choice([(205, 30, 38), (230, 90, 120), (140, 18, 28)])
        seal = draw_seal(app, diameter_px=480, colour=colour, ink=rng.uniform(0.7, 1.0), rng=rng)
        stamp_multiply(page, seal, rng.randint(300, 700), rng.randint(40, 160))
        bgr = page[:, :, ::-1].copy()
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 90])
        bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        truth = "".join(lines).replace("：", ":")
        for variant, sink in ((bgr, acc_raw), (remove_red(bgr), acc_clean)):
            got = "".join(line.text for line in ocr.ocr_lines(variant, lang="chi_sim+eng", timeout=60, psm=6))
            got = got.replace(" ", "").replace("：", ":")
            sink.append(1 - Levenshtein.normalized_distance(truth, got))
        chars += len(truth)
    return statistics.mean(acc_raw), statistics.mean(acc_clean), chars


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-case", type=int, default=2, help="synthetic pages per hard case")
    ap.add_argument("--cases", type=int, default=3, help="generated submissions (0: skip)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=None, help="an already generated corpus folder")
    ap.add_argument("--ink-pages", type=int, default=4, help="pages for the red-suppression OCR test")
    ap.add_argument("--no-read", action="store_true", help="detection only")
    ap.add_argument("--as-read", action="store_true",
                    help="generated pages scaled to 300 dpi and straightened first, as the pipeline reads them")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    from pipeline.policy import load_policy

    policy = load_policy()
    read = not args.no_read
    total = Tally()
    print(LEGEND)
    print(HEADER)
    for case, tally in synthetic(args.per_case, args.seed, policy, read).items():
        print(tally.row(f"synthetic/{case}"))
        total.add(tally)
    print(total.row("synthetic (all)"))
    if args.cases > 0 or args.corpus:
        gen = generated(args.cases, args.seed, policy, read, args.corpus, as_read=args.as_read)
        if gen is None:
            print("generated corpus: generator not available")
        else:
            print(gen.row("generated"))
            total.add(gen)
            if args.verbose:
                print("\n".join(gen.misses))
    print(total.row("ALL"))
    if args.verbose:
        print("\n".join(m for m in total.misses))
    if args.ink_pages:
        raw, clean, chars = red_suppression(args.ink_pages, args.seed)
        print(f"\nOCR character accuracy of text under a seal ({args.ink_pages} pages, {chars} chars): "
              f"raw {raw:.3f}  red removed {clean:.3f}  (+{(clean - raw) * 100:.1f} pts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
