"""Benchmarks of the book and the package; writes a Markdown report.

Each measurement is repeated and its median reported, with the ratios that matter computed within this
one run (never compare absolute times across machines). Run with `make bench`.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


@dataclass(frozen=True)
class Timing:
    label: str
    median_s: float
    runs: int
    peak_mb: float | None = None


class PeakMemory:
    """Samples the resident memory of a process tree in a thread; `peak_mb` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak / 2**20


def run_measured(cmd: list[str], runs: int, before: Callable[[], None] | None = None) -> tuple[float, float]:
    """Median wall time and the largest peak memory of a command run `runs` times."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        with PeakMemory(proc.pid) as memory:
            _, err = proc.communicate()
        times.append(time.perf_counter() - start)
        peaks.append(memory.peak_mb)
        if proc.returncode != 0:
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{err[-2000:]}")
    return statistics.median(times), max(peaks)


def bench_book_build(runs: int) -> Timing:
    def cold() -> None:
        shutil.rmtree(ROOT / "_build" / "html", ignore_errors=True)
        shutil.rmtree(ROOT / "_build" / ".doctrees", ignore_errors=True)
        shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)

    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
    median, peak = run_measured(cmd, runs, before=cold)
    return Timing("cold book build (every chapter executed)", median, runs, peak)


def bench_chapters(runs: int) -> list[Timing]:
    timings = []
    for notebook in sorted(BOOK.glob("*.ipynb")):
        cmd = [sys.executable, "-m", "scripts.execute_notebook", str(notebook)]
        median, peak = run_measured(cmd, runs)
        timings.append(Timing(f"chapter `{notebook.name}` (fresh kernel, start to end)", median, runs, peak))
    return timings


def report(sections: dict[str, list[Timing]], extra: list[str]) -> str:
    lines = [
        "# cnnviz benchmark report",
        "",
        f"- machine: {platform.machine()}, {psutil.cpu_count(logical=True)} logical CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB memory; Python {platform.python_version()}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- medians of repeated runs within this one run; peak memory is the resident set of the whole process",
        "  tree (build or kernel included), sampled every 50 ms.",
        "",
    ]
    for title, timings in sections.items():
        lines += [f"## {title}", "", "| what | median (s) | runs | peak memory (MiB) |", "|---|---:|---:|---:|"]
        for t in timings:
            peak = f"{t.peak_mb:.0f}" if t.peak_mb is not None else "–"
            lines.append(f"| {t.label} | {t.median_s:.3f} | {t.runs} | {peak} |")
        lines.append("")
    return "\n".join(lines + extra) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench" / "report.md")
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument("--chapter-runs", type=int, default=3)
    parser.add_argument("--call-runs", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true", help="skip the (slow) cold book builds")
    args = parser.parse_args()

    sections: dict[str, list[Timing]] = {}
    extra: list[str] = []
    sections["Chapters"] = bench_chapters(args.chapter_runs)
    from scripts import bench_package

    rows, extra = bench_package.run(args.call_runs)
    sections["Package"] = [Timing(label, median, runs) for label, median, runs in rows]
    if not args.skip_build:
        sections["Book"] = [bench_book_build(args.build_runs)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(sections, extra))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
