"""Rules alone, scored against generated truth: precision/recall/F1 and false passes.

Evidence is built from each case's *truth* (documents, fields, seals, unreadable files),
not from OCR, so the numbers measure the rules and the policy, not reading. Findings are
compared as (code, doc_type) pairs per case; a truth doc_type of None matches on the code
only; ``tolerated_findings`` count neither way. A *false pass* is a case whose truth
expects an error but whose verdict is ``pass``: the one failure a reviewer cannot catch.

    python -m benchmarks.bench_rules [--cases 400] [--seed 2026] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pipeline.models import (
    Document,
    Evidence,
    Field,
    PageQuality,
    Seal,
    SourceFile,
    Submission,
)
from pipeline.policy import load_policy
from validators import run_rules, verdict

# Findings about reading (page quality, classification) cannot arise from truth fields:
# they are the end-to-end benchmark's business and are left out of both sides here.
PERCEPTION = {"LOW_OCR_CONFIDENCE", "UNCLASSIFIED_DOCUMENT"}

_PROBLEM_KIND = {
    "corrupt": "corrupt", "truncated": "corrupt", "encrypted": "encrypted",
    "empty": "empty", "docx": "unsupported", "ofd": "unsupported",
}
_MEDIA = {"pdf_text": "application/pdf", "pdf_scan": "application/pdf", "owner_password": "application/pdf",
          "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}


def evidence_from_truth(truth) -> Evidence:
    files = []
    pages = []
    for ft in truth.files:
        n_pages = max((p for d in ft.documents for p in d.pages), default=0)
        problem = None if ft.readable else (ft.note or ft.container)
        files.append(SourceFile(
            path=ft.path, sha256="0" * 64, size=1, media_type=_MEDIA.get(ft.container, "application/octet-stream"),
            page_count=n_pages if ft.readable else 0, problem=problem,
            problem_kind=None if ft.readable else _PROBLEM_KIND.get(ft.container, "corrupt"),
        ))
        if ft.readable:
            src = "text_layer" if ft.container == "pdf_text" else "ocr"
            pages += [PageQuality(file=ft.path, page=p, source=src, mean_conf=0.95, chars=500)
                      for p in range(1, n_pages + 1)]
    docs = []
    for dt_ in truth.documents:
        if dt_.file is None:
            continue  # only inside an unreadable file: the pipeline cannot see it
        docs.append(Document(
            file=dt_.file, pages=dt_.pages, doc_type=dt_.doc_type, confidence=1.0,
            seals=[Seal(page=s.page, bbox=s.bbox or (0, 0, 0, 0), shape=s.shape, colour=s.colour,
                        partial=s.partial, text=s.text, owner=s.owner, owner_name=s.text)
                   for s in dt_.seals],
            fields={k: Field(value=v, page=dt_.pages[0] if dt_.pages else None, confidence=1.0)
                    for k, v in dt_.fields.items() if v is not None},
        ))
    sub = Submission(name=truth.case_id, source=truth.case_id, root=".", sha256="0" * 64, files=files)
    return Evidence(submission=sub, documents=docs, pages=pages)


def _match(pred: tuple[str, str | None], truths: list[tuple[str, str | None]]) -> bool:
    code, dt_ = pred
    return any(c == code and (t is None or t == dt_) for c, t in truths)


def score_case(truth, outcome) -> dict:
    exp = sorted({(f.code, f.doc_type) for f in truth.expected_findings if f.code not in PERCEPTION},
                 key=str)
    tol = [(f.code, f.doc_type) for f in truth.tolerated_findings]
    forb = [(f.code, f.doc_type) for f in truth.forbidden_findings]
    pred = sorted({(f.code, f.doc_type) for f in outcome.findings if f.code not in PERCEPTION}, key=str)
    tp = [e for e in exp if any(_match(p, [e]) for p in pred)]
    fn = [e for e in exp if e not in tp]
    fp = [p for p in pred if not _match(p, exp) and not _match(p, tol)]
    forbidden_hit = [p for p in pred if _match(p, forb)]
    truth_has_error = truth.expected_verdict == "gaps"
    v = verdict(outcome.findings)
    return {"tp": tp, "fn": fn, "fp": fp, "forbidden": forbidden_hit, "verdict": v,
            "false_pass": truth_has_error and v == "pass",
            "verdict_ok": v == truth.expected_verdict}


def truth_only_corpus(cases: int, seed: int, out: Path) -> list:
    """The generator's cases without drawing any paper: same facts, plants and truth.

    Drawing and rasterising take ~5 s a case; the rules only need the facts, so this
    runs the generator's own steps (base case, plants, decoys, document fields and
    seals) and writes the truth as ``generate_case`` would, one file per document.
    It leans on the generator's internals, so it is checked against a rendered corpus
    (``--corpus``) whenever one is at hand.
    """
    import random

    from fixtures import docs as dm
    from fixtures import generate as gen
    from fixtures import plants as pl
    from fixtures.case import build_base
    from fixtures.truth import DocPages, DocumentTruth, FileTruth, SealTruth

    truths = []
    for i, (cat, codes, decoys) in enumerate(gen.schedule(cases, seed)):
        case_seed = gen.sub_seed(seed, "case", i)
        spec = build_base(f"case_{i:03d}", case_seed, cat, random.Random(case_seed))
        pl.apply(spec, codes, decoys, random.Random(gen.sub_seed(case_seed, "plants")))
        gen._finalize(spec, random.Random(gen.sub_seed(case_seed, "finalize")))
        files, documents = [], []
        for d in spec.docs:
            b = dm.build(d, spec, random.Random(gen.sub_seed(case_seed, "doc", d)))
            name = f"{d}.pdf"
            pages = list(range(1, len(b.pages) + 1))
            files.append(FileTruth(path=name, container="pdf_text",
                                   documents=[DocPages(doc_type=b.doc_type, pages=pages)]))
            seals = [SealTruth(page=n + 1, bbox=None, shape=m.shape, colour="red", owner=m.owner, text=m.text)
                     for n, lp in enumerate(b.pages) for m in lp.seals]
            documents.append(DocumentTruth(doc_type=b.doc_type, file=name, pages=pages, fields=b.fields,
                                           seals=seals))
        for j, e in enumerate(spec.extra_files):
            if e["kind"] not in ("jpeg_named_pdf", "owner_password"):
                files.append(FileTruth(path=f"extra_{j}.{e['kind']}", container=e["kind"], readable=False,
                                       note=f"unreadable: {e['kind']}"))
        truths.append(gen._truth(spec, files, documents, sum(len(d.pages) for d in documents), out))
    return truths


def evaluate(truths, policy) -> dict:
    tp = fn = fp = 0
    false_passes, forbidden, verdict_ok = [], [], 0
    miss_by_code, fa_by_code, exp_by_code = Counter(), Counter(), Counter()
    examples = []
    for truth in truths:
        outcome = run_rules(evidence_from_truth(truth), policy, truth.as_of)
        s = score_case(truth, outcome)
        tp, fn, fp = tp + len(s["tp"]), fn + len(s["fn"]), fp + len(s["fp"])
        for c, _ in s["tp"] + s["fn"]:
            exp_by_code[c] += 1
        for c, d in s["fn"]:
            miss_by_code[c] += 1
            examples.append(f"  miss  {truth.case_id}: {c} {d}  planted={truth.planted}")
        for c, d in s["fp"]:
            fa_by_code[c] += 1
            msg = next((f.message for f in outcome.findings if (f.code, f.doc_type) == (c, d)), "")
            examples.append(f"  extra {truth.case_id}: {c} {d}  {msg[:80]}")
        if s["false_pass"]:
            false_passes.append(truth.case_id)
        forbidden += [(truth.case_id, x) for x in s["forbidden"]]
        verdict_ok += s["verdict_ok"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return dict(n=len(truths), tp=tp, fn=fn, fp=fp, precision=precision, recall=recall, f1=f1,
                false_passes=false_passes, forbidden=forbidden, verdict_ok=verdict_ok,
                exp_by_code=exp_by_code, miss_by_code=miss_by_code, fa_by_code=fa_by_code,
                examples=examples)


def report(title: str, r: dict, show: int) -> None:
    print(f"-- {title}")
    print(f"{'cases':<28}{r['n']}")
    print(f"{'expected findings':<28}{r['tp'] + r['fn']}")
    print(f"{'true positives':<28}{r['tp']}")
    print(f"{'false negatives (missed)':<28}{r['fn']}")
    print(f"{'false positives (extra)':<28}{r['fp']}")
    print(f"{'precision':<28}{r['precision']:.4f}")
    print(f"{'recall':<28}{r['recall']:.4f}")
    print(f"{'F1':<28}{r['f1']:.4f}")
    print(f"{'false passes':<28}{len(r['false_passes'])}  {r['false_passes'][:10]}")
    print(f"{'forbidden findings raised':<28}{len(r['forbidden'])}")
    print(f"{'verdict agrees with truth':<28}{r['verdict_ok']}/{r['n']}")
    print("per code: expected, missed, extra")
    for code in sorted(set(r["exp_by_code"]) | set(r["fa_by_code"])):
        print(f"  {code:<30}{r['exp_by_code'][code]:>5}{r['miss_by_code'][code]:>6}{r['fa_by_code'][code]:>6}")
    if r["examples"] and show:
        print("examples:")
        print("\n".join(r["examples"][:show]))


def main(argv: list[str] | None = None) -> int:
    """``argv`` None (as ``python -m benchmarks`` calls it) = the shared corpus defaults."""
    from fixtures.truth import load_truth

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--cases", type=int, default=400)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--corpus", type=Path, help="also score an already rendered corpus (its truth.json)")
    ap.add_argument("--show", type=int, default=8, help="list this many misses/false alarms")
    args = ap.parse_args([] if argv is None else argv)

    policy = load_policy()
    print("bench_rules: rules alone on truth evidence (no OCR); (code, doc_type) per case;"
          f" {', '.join(sorted(PERCEPTION))} left to the end-to-end bench")
    with tempfile.TemporaryDirectory(prefix="bench_rules_") as tmp:
        t0 = time.perf_counter()
        truths = truth_only_corpus(args.cases, args.seed, Path(tmp))
        build_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        r = evaluate(truths, policy)
        report(f"generated facts, {args.cases} cases, seed {args.seed} "
               f"(built {build_s:.1f} s, rules {time.perf_counter() - t1:.2f} s)", r, args.show)
    corpus_dir = args.corpus
    if corpus_dir is None:  # the shared rendered corpus, when another bench already made it
        from benchmarks.corpus import BENCH_CASES, BENCH_SEED, data_dir

        shared = data_dir() / f"corpus-{BENCH_CASES}-{BENCH_SEED}"
        corpus_dir = shared if (shared / ".complete").exists() else None
    if corpus_dir is not None:
        rendered = [load_truth(p) for p in sorted(Path(corpus_dir).glob("*.truth.json"))]
        report(f"rendered corpus {corpus_dir}", evaluate(rendered, policy), args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
