"""Same seed, same bytes: serial and parallel generation write identical corpora."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fixtures.generate import generate_corpus


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path):
    # seed 1 / 2 cases: an owner-password PDF (encryption must not add randomness) and plants
    a = generate_corpus(tmp_path / "a", cases=2, seed=1, workers=1)
    b = generate_corpus(tmp_path / "b", cases=2, seed=1, workers=2)
    ta, tb = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(ta) >= 2 * 8
    assert ta == tb
    assert [t.model_dump() for t in a] == [t.model_dump() for t in b]


def test_another_seed_differs(tmp_path):
    generate_corpus(tmp_path / "a", cases=1, seed=4, workers=1, plant=["SEAL_MISSING"])
    generate_corpus(tmp_path / "b", cases=1, seed=5, workers=1, plant=["SEAL_MISSING"])
    assert _tree(tmp_path / "a") != _tree(tmp_path / "b")
