"""Seal owners by name: the applicant's own seals taken for the applicant's, and seals taken
for an applicant whose seal they are not.

The owner matcher (``extractors.seals.owner``) is tuned on two errors that pull against
each other: the applicant's own seal, read badly, left as "unknown" (SEAL_MISSING, a
warning a reviewer must clear by hand), and another company's seal taken for the
applicant's (a missing seal passed). A bench of whole submissions shows the first; the
second only shows when a generated case plants a stranger's seal, which is rare. So this
bench asks the matcher about every seal twice:
- **own**: with the case's own applicant and the document's issuers, as the pipeline does;
  the owner must be the truth's;
- **chance**: with the name of every other applicant of the corpora, as if that company had
  applied with this page; the seal must then not be taken for the applicant's. Each
  acceptance is a stranger's seal passed. Names that begin with the same 字号 (上海深屿数据
  科技 and 上海深屿网络科技) are counted apart: a ring read in part cannot tell them apart.

Seals are read as the pipeline reads them (``read_page``, the bench page cache under
``$PRECHECK_DATA_DIR/bench``, shared with bench_extract; a cold cache reads every sealed
page of the corpora, about 2 s a page). A read seal is matched to a truth seal by its
centre (the truth box scaled to the page as read) or, for a photo whose truth has no box,
by the name its ring reads closest to.

    python -m benchmarks.bench_owner [--seeds 2026 199 211 223] [--cases 20] [--misses]

(``make bench`` asks the default seed's corpus only; the numbers in owner.yaml are of the
four seeds above.)
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from benchmarks.corpus import BENCH_SEED  # noqa: E402


@dataclass
class Sample:
    """One read seal with the truth it was matched to."""

    label: str
    seal: object  # pipeline.models.Seal as read
    owner: str  # the truth's
    text: str  # the truth's ring text
    applicant: str
    third_parties: list[str]


@dataclass
class Tally:
    own: Counter = field(default_factory=Counter)  # (truth owner, got) -> n
    pairs: Counter = field(default_factory=Counter)  # kin (one 字号) -> pairs asked
    taken: dict = field(default_factory=lambda: {False: [], True: []})  # kin -> pairs taken
    misses: list[str] = field(default_factory=list)


def _native_width(path: Path, media, page_no: int, rotation: int) -> int:
    from pipeline import render

    image = render.page_image(path, media, page_no, 300)
    return image.shape[0] if rotation in (90, 270) else image.shape[1]


def _match(read: list, truth: list, scale: float | None) -> list[tuple[object, object]]:
    """Pairs (read seal, truth seal): nearest centres within half a seal's size when the
    truth has boxes, else the truth name each ring reads closest to."""
    from extractors.seals.owner import name_score

    pairs, used = [], set()
    for seal in read:
        cx, cy = (seal.bbox[0] + seal.bbox[2]) / 2, (seal.bbox[1] + seal.bbox[3]) / 2
        size = max(seal.bbox[2] - seal.bbox[0], seal.bbox[3] - seal.bbox[1])
        best, best_d = None, size / 2
        for i, t in enumerate(truth):
            if i in used or t.bbox is None or scale is None:
                continue
            tx = (t.bbox[0] + t.bbox[2]) / 2 * scale
            ty = (t.bbox[1] + t.bbox[3]) / 2 * scale
            d = ((tx - cx) ** 2 + (ty - cy) ** 2) ** 0.5
            if d < best_d:
                best, best_d = i, d
        if best is None:
            loose = [i for i, t in enumerate(truth) if i not in used and (t.bbox is None or scale is None)]
            if loose:
                best = max(loose, key=lambda i: name_score(truth[i].text, seal.text or ""))
        if best is not None:
            used.add(best)
            pairs.append((seal, truth[best]))
    return pairs


def samples(root: Path, truths: list, settings, policy) -> list[Sample]:
    from benchmarks.bench_seals import _media
    from pipeline.ingest import ingest
    from pipeline.models import MediaType
    from pipeline.pages import read_page, read_pages_threaded

    out = []
    for truth in truths:
        sub = ingest(root / truth.case_id, settings)
        files = {f.path: f for f in sub.files}
        ftruth = {f.path: f for f in truth.files}
        sealed = {(d.file, s.page) for d in truth.documents if d.file in files for s in d.seals}
        read_pages_threaded(sub, [(files[f], n) for f, n in sorted(sealed)], settings)  # the cache, both cores
        for doc in truth.documents:
            if doc.file is None or doc.file not in files or not doc.seals:
                continue
            sf, path = files[doc.file], root / truth.case_id / doc.file
            media = _media(path)
            third = [v for f in policy.seals.issuer_fields.get(doc.doc_type, [])
                     if isinstance(v := doc.fields.get(f), str) and v]
            for page_no in sorted({s.page for s in doc.seals}):
                result = read_page(sub, sf, page_no, settings)
                if result.page.error or not result.seals:
                    continue
                scale = None
                if media == MediaType.pdf:
                    scale = result.page.dpi / 300
                elif media is not None:
                    scale = result.page.width / _native_width(path, media, page_no, ftruth[doc.file].rotation)
                page_truth = [s for s in doc.seals if s.page == page_no]
                for seal, t in _match(result.seals, page_truth, scale):
                    out.append(Sample(f"{root.name}/{truth.case_id}/{doc.file}#{page_no}", seal, t.owner,
                                      t.text, truth.applicant.name, third))
    return out


def _trade_name(name: str) -> str:
    """The two characters after the place (the start of the 字号), by the bench's own rule so
    that the count does not move with the matcher's vocabulary."""
    for place in ("上海市松江区", "上海市", "上海"):
        if name.startswith(place):
            return name[len(place):len(place) + 2]
    return name[:2]


def score(all_samples: list[Sample], policy) -> Tally:
    from extractors.seals import assign_owner

    tally = Tally()
    names = sorted({s.applicant for s in all_samples})
    for s in all_samples:
        got = assign_owner(s.seal, applicant_name=s.applicant, third_parties=s.third_parties, policy=policy)
        tally.own[(s.owner, got.owner)] += 1
        if got.owner != s.owner:
            tally.misses.append(f"{s.label}: truth {s.owner} {s.text!r} -> {got.owner} "
                                f"(read {s.seal.text!r}, score {got.owner_score})")
        if s.owner != "applicant":
            continue
        for name in names:
            if name == s.applicant:
                continue
            # two companies whose 字号 is one (上海深屿数据科技 and 上海深屿网络科技): a ring
            # read only in part cannot tell them apart, so these are counted on their own
            kin = _trade_name(name) == _trade_name(s.applicant)
            tally.pairs[kin] += 1
            other = assign_owner(s.seal, applicant_name=name, third_parties=s.third_parties, policy=policy)
            if other.owner == "applicant":
                tally.taken[kin].append(f"{s.label}: {s.text!r} read {s.seal.text!r} taken for {name} "
                                        f"(score {other.owner_score})")
    return tally


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[BENCH_SEED],
                    help="corpora to take the seals from (their applicants are the names asked)")
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--misses", action="store_true", help="list every wrong owner and every seal taken")
    args = ap.parse_args(argv if argv is not None else [])

    from benchmarks.corpus import corpus, data_dir
    from pipeline.policy import load_policy
    from pipeline.settings import Settings

    policy = load_policy()
    settings = Settings(data_dir=data_dir())
    found = []
    for seed in args.seeds:
        root, truths = corpus(cases=args.cases, seed=seed)
        found += samples(root, truths, settings, policy)
    tally = score(found, policy)

    print(f"seals read and matched to truth: {len(found)} (seeds {args.seeds}, {args.cases} cases each)")
    print("own applicant, truth owner -> owner given:")
    for owner in ("applicant", "authority", "other"):
        row = {got: n for (t, got), n in tally.own.items() if t == owner}
        total = sum(row.values())
        if total:
            right = row.get(owner, 0)
            rest = ", ".join(f"{g} {n}" for g, n in sorted(row.items()) if g != owner)
            print(f"  {owner:9} {right:4d}/{total:<4d} {right / total:.3f}   {rest}")
    for kin, what in ((False, "another 字号"), (True, "the same 字号")):
        print(f"chance, names of {what}: applicant seals taken for another applicant's "
              f"{len(tally.taken[kin])} of {tally.pairs[kin]} pairs")
    if args.misses:
        for line in tally.misses:
            print("  MISS", line)
        for kin in (False, True):
            for line in tally.taken[kin]:
                print("  TAKEN", line)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
