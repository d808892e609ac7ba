"""Run every benchmark module's ``main()`` in turn (or those named on the command line)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main(argv: list[str]) -> int:
    names = argv or sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)
                           if m.name.startswith("bench_"))
    failed = []
    for name in names:
        module_name = name if name.startswith("bench_") else f"bench_{name}"
        print(f"\n===== {module_name} =====", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"benchmarks.{module_name}").main()
        except Exception as exc:  # noqa: BLE001 - report and go on with the next bench
            failed.append(module_name)
            print(f"{module_name} FAILED: {type(exc).__name__}: {exc}", flush=True)
        print(f"({module_name}: {time.perf_counter() - started:.1f} s)", flush=True)
    if failed:
        print(f"\nfailed benchmarks: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
