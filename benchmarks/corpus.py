"""The shared benchmark corpus: generated once per (cases, seed), reused by every bench."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from fixtures.truth import TRUTH_VERSION, CaseTruth, load_truth

BENCH_CASES = int(os.environ.get("PRECHECK_BENCH_CASES", "20"))
BENCH_SEED = int(os.environ.get("PRECHECK_BENCH_SEED", "2026"))


def data_dir() -> Path:
    return Path(os.environ.get("PRECHECK_DATA_DIR", "var")) / "bench"


def corpus(cases: int = BENCH_CASES, seed: int = BENCH_SEED) -> tuple[Path, list[CaseTruth]]:
    """Generate (once) and load a corpus; the folder name records its parameters."""
    from fixtures.generate import generate_corpus

    out = data_dir() / f"corpus-{cases}-{seed}"
    done = out / ".complete"
    marker = f"truth {TRUTH_VERSION}"  # a corpus generated before the truth's meaning changed is made anew
    if not done.exists() or done.read_text() != marker:
        shutil.rmtree(out, ignore_errors=True)
        generate_corpus(out, cases=cases, seed=seed)
        done.write_text(marker)
    truths = [load_truth(p) for p in sorted(out.glob("*.truth.json"))]
    return out, truths
