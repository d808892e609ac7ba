"""Fixture generation speed: wall and CPU time per case and per page, and what was made.

``python -m benchmarks.bench_fixtures [--cases 20] [--seed 0] [--workers 2]``
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path


def _cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main(argv: list[str] | None = None) -> int:
    from fixtures.generate import generate_corpus

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    args = ap.parse_args(argv if argv is not None else [])
    out = args.keep or Path(tempfile.mkdtemp(prefix="bench_fixtures_"))
    cpu0, t0 = _cpu(), time.perf_counter()
    truths = generate_corpus(out, cases=args.cases, seed=args.seed, workers=args.workers)
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    pages = sum(t.pages_total for t in truths)
    by_container: Counter[str] = Counter()
    for t in truths:
        for f in t.files:
            by_container[f.container] += sum(len(d.pages) for d in f.documents) or 1
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    rows = [
        ("cases", f"{len(truths)}"),
        ("pages", f"{pages}  ({pages / len(truths):.1f} per case)"),
        ("wall time", f"{wall:.1f} s"),
        ("cpu time (all processes)", f"{cpu:.1f} s"),
        ("wall per case", f"{wall / len(truths):.2f} s"),
        ("cpu per case", f"{cpu / len(truths):.2f} s"),
        ("cpu per page", f"{cpu / max(pages, 1):.3f} s"),
        ("corpus size", f"{size / 1e6:.1f} MB"),
        ("verdicts", ", ".join(f"{k} {v}" for k, v in sorted(Counter(t.expected_verdict for t in truths).items()))),
    ]
    print(f"fixture generation: {args.cases} cases, seed {args.seed}, workers {args.workers or 'auto'}")
    for k, v in rows:
        print(f"  {k:<26}{v}")
    print("  pages (or files) by container:")
    for k, v in sorted(by_container.items(), key=lambda kv: -kv[1]):
        print(f"    {k:<24}{v}")
    if args.keep is None:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
