"""End to end on the generated corpus: page speed, classification, findings, verdicts.

Every case goes through the same functions the CLI uses (real OCR, real seals), with a
fresh page cache so the timings are of reading, not of the cache. Prints:
- seconds per page, text-layer and OCR pages apart;
- classification accuracy per doc_type (a truth document counts as right when a
  predicted document of the same type covers the same file and pages);
- findings precision/recall/F1 on (code, doc_type), forbidden findings raised, verdict
  accuracy and false passes (truth has an error, the pipeline says pass).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from collections import Counter, defaultdict

from benchmarks.corpus import corpus, data_dir
from pipeline.check import assemble_report
from pipeline.ingest import ingest
from pipeline.pages import page_tasks, read_pages_threaded
from pipeline.policy import load_policy
from pipeline.settings import Settings


def _match(code, doc_type, items) -> bool:
    return any(t.code == code and (t.doc_type is None or t.doc_type == doc_type) for t in items)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warm", action="store_true",
                    help="keep the page cache (shared with bench_extract): accuracy only, the "
                         "page timings are then of the cache")
    ap.add_argument("--wrong", action="store_true",
                    help="list every false and missed finding, every document typed wrong and "
                         "every wrong verdict")
    args = ap.parse_args(argv if argv is not None else [])
    root, truths = corpus()
    if args.warm:  # the page cache bench_extract fills (keys are of content: the same pages)
        settings = Settings(data_dir=data_dir())
    else:
        cache = data_dir() / "pipeline-cache"
        shutil.rmtree(cache, ignore_errors=True)
        settings = Settings(data_dir=cache)
    policy = load_policy()
    from extractors.nlp import build_nlp

    nlp = build_nlp()

    seconds = defaultdict(list)
    doc_right, doc_total = Counter(), Counter()
    confusion = Counter()
    tp = fp = fn = forbidden_hits = 0
    verdict_right = false_passes = 0
    per_code = defaultdict(Counter)
    wall = time.perf_counter()
    pages_total = 0
    wrong: list[str] = []
    for truth in truths:
        sub = ingest(root / truth.case_id, settings)
        results = read_pages_threaded(sub, page_tasks(sub), settings)
        pages_total += len(results)
        for r in results:
            if r.page.error is None:
                seconds[r.page.source].append(r.seconds)
        report = assemble_report(sub, results, policy=policy, as_of=truth.as_of, settings=settings, nlp=nlp)

        predicted = {(d.file, tuple(d.pages)): d.doc_type for d in report.documents}
        for doc in truth.documents:
            if doc.file is None:
                continue
            doc_total[doc.doc_type] += 1
            got = predicted.get((doc.file, tuple(doc.pages)))
            if got == doc.doc_type:
                doc_right[doc.doc_type] += 1
            else:
                confusion[(doc.doc_type, got or "split/merged")] += 1
                if args.wrong:
                    wrong.append(f"{truth.case_id} class  {doc.file} p{','.join(map(str, doc.pages))}: "
                                 f"{doc.doc_type} read as {got or 'split/merged'}")

        raised = {(f.code, f.doc_type) for f in report.findings}
        for exp in truth.expected_findings:
            hit = any(code == exp.code and (exp.doc_type is None or dt == exp.doc_type)
                      for code, dt in raised)
            tp += hit
            fn += not hit
            per_code[exp.code]["tp" if hit else "fn"] += 1
            if args.wrong and not hit:
                wrong.append(f"{truth.case_id} missed {exp.code} {exp.doc_type or ''}")
        for code, dt in raised:
            if _match(code, dt, truth.expected_findings) or _match(code, dt, truth.tolerated_findings):
                continue
            fp += 1
            per_code[code]["fp"] += 1
            if args.wrong:
                wrong.extend(f"{truth.case_id} false  {f.code} {f.doc_type or ''}: {f.message}"
                             for f in report.findings if (f.code, f.doc_type) == (code, dt))
            forbidden_hits += _match(code, dt, truth.forbidden_findings)
        verdict_right += report.verdict == truth.expected_verdict
        if args.wrong and report.verdict != truth.expected_verdict:
            wrong.append(f"{truth.case_id} verdict {report.verdict}, expected {truth.expected_verdict}")
        has_error = any(policy.severity(f.code) == "error" for f in truth.expected_findings)
        false_passes += has_error and report.verdict == "pass"
    wall = time.perf_counter() - wall

    for line in wrong:
        print(line)
    if args.warm:
        print("(--warm: pages came from the page cache where present; timings are not of reading)")
    print(f"corpus: {len(truths)} cases, {pages_total} pages, {wall:.1f} s wall "
          f"({wall / max(1, pages_total):.2f} s/page with {settings.workers} workers)")
    print("\nseconds per page (one page, one worker):")
    for source, values in sorted(seconds.items()):
        print(f"  {source:10} n={len(values):4}  median {statistics.median(values):.2f}  "
              f"mean {statistics.fmean(values):.2f}  max {max(values):.2f}")
    print("\nclassification accuracy per doc_type:")
    for doc_type in sorted(doc_total):
        print(f"  {doc_type:24} {doc_right[doc_type]:3}/{doc_total[doc_type]:<3} "
              f"{doc_right[doc_type] / doc_total[doc_type]:.3f}")
    total_right, total = sum(doc_right.values()), sum(doc_total.values())
    print(f"  {'ALL':24} {total_right:3}/{total:<3} {total_right / max(1, total):.3f}")
    if confusion:
        print("  most common errors: " + "; ".join(f"{a}→{b} ×{n}" for (a, b), n in confusion.most_common(6)))
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    print(f"\nfindings end to end: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
          f"(tp {tp}, fp {fp}, fn {fn}; forbidden raised {forbidden_hits})")
    print(f"verdicts right: {verdict_right}/{len(truths)}   false passes: {false_passes}")
    print("per code (tp/fn/fp): " + ", ".join(
        f"{code} {c['tp']}/{c['fn']}/{c['fp']}" for code, c in sorted(per_code.items())))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
