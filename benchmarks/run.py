"""Run every benchmark and print one table: `make bench`, or `benchmarks/run.py [name...]`.

Each ``benchmarks/bench_*.py`` module exposes ``run() -> list[Result]``. The run exits with 0 when
every target is met, 3 when every benchmark ran but some missed a target, and 1 when a benchmark
failed to run (a crash), so that CI can tell a slow result from a broken benchmark.
"""

from __future__ import annotations

import importlib
import math
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402
from benchmarks.common import Result  # noqa: E402

EXIT_MISSED_TARGET = 3
# Modules named bench_* that serve the benchmarks rather than being one.
SUPPORT_MODULES = {"bench_settings", "bench_urls"}
COLUMNS = ("benchmark", "subject", "baseline", "ratio", "target", "result", "note")


def discover(only: list[str]) -> list[str]:
    names = sorted(
        path.stem
        for path in (ROOT / "benchmarks").glob("bench_*.py")
        if path.stem not in SUPPORT_MODULES
    )
    if only:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in only}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))}")
        names = [name for name in names if name in wanted]
    return names


def run_module(name: str) -> list[Result]:
    module = importlib.import_module(f"benchmarks.{name}")
    run = getattr(module, "run", None)
    if not callable(run):
        raise TypeError(f"benchmarks/{name}.py has no run() function")
    results: list[Result] = run()
    return results


def error_result(name: str, exc: BaseException) -> Result:
    return Result(
        name=name.removeprefix("bench_"),
        subject="-",
        baseline="-",
        ratio=float("nan"),
        target="-",
        passed=False,
        # The first line only; the traceback above has the rest.
        note=f"ERROR {type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}",
        broken=True,
    )


def table(results: list[Result]) -> str:
    rows = [COLUMNS] + [
        (
            r.name,
            r.subject,
            r.baseline,
            "-" if math.isnan(r.ratio) else f"{r.ratio:.2f}x",
            r.target,
            "PASS" if r.passed else "FAIL",
            r.note,
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    names = discover(argv)
    environment = common.prepare()
    results: list[Result] = []
    try:
        common.setup()
        print(f"database: {common.database_label()}", flush=True)
        for name in names:
            module_started = time.perf_counter()
            print(f"running {name} ...", flush=True)
            try:
                results.extend(run_module(name))
            except Exception as exc:
                traceback.print_exc()
                results.append(error_result(name, exc))
            print(f"  {name} took {time.perf_counter() - module_started:.1f} s", flush=True)
        counts = common.row_counts()
    finally:
        common.teardown()
    print()
    print(table(results))
    print()
    print(
        f"database: {environment.vendor}; rows: "
        + ", ".join(f"{label} {count:,}" for label, count in counts.items())
    )
    failed = [r.name for r in results if not r.passed]
    errors = [r.name for r in results if r.broken]
    elapsed = time.perf_counter() - started
    if errors:
        print(f"BROKEN: {', '.join(errors)} did not run to the end (total {elapsed:.1f} s)")
        return 1
    if failed:
        print(f"MISSED TARGET: {', '.join(failed)} (total {elapsed:.1f} s)")
        return EXIT_MISSED_TARGET
    print(f"all {len(results)} benchmarks met their targets (total {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
