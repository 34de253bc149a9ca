"""Benchmarks of the book and the package; writes a Markdown report, and the CPU times of the book's
networks that the comparison chapter shows (cnnviz/analysis/zoo_times.json, package data).

Each measurement is repeated and its median reported, with the ratios that matter computed within this
one run (never compare absolute times across machines). Run with `make bench` on an idle machine; only the
networks' times: `python -m scripts.bench --only zoo`.
"""

from __future__ import annotations

import argparse
import os
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

from scripts.execute_notebook import KERNEL_BUDGET_MIB

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
ZOO_TIMES = ROOT / "cnnviz" / "analysis" / "zoo_times.json"  # read by cnnviz.analysis.compare.measured_times


@dataclass(frozen=True)
class Timing:
    label: str
    median_s: float
    runs: int
    peak_mb: float | None = None
    kernel_peak_mb: float | None = None  # the kernel's own high-water mark (VmHWM), chapters only


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


def run_measured(
    cmd: list[str], runs: int, before: Callable[[], None] | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, list[str]]:
    """Median wall time, the largest peak memory and the standard output of each run of a command."""
    times, peaks, outs = [], [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=None if env is None else {**os.environ, **env})  # fmt: skip
        with PeakMemory(proc.pid) as memory:
            out, err = proc.communicate()
        times.append(time.perf_counter() - start)
        peaks.append(memory.peak_mb)
        outs.append(out)
        if proc.returncode != 0:
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{err[-2000:]}")
    return statistics.median(times), max(peaks), outs


def bench_book_build(runs: int) -> Timing:
    def cold() -> None:
        shutil.rmtree(ROOT / "_build" / "html", ignore_errors=True)
        shutil.rmtree(ROOT / "_build" / ".doctrees", ignore_errors=True)
        shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)

    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
    median, peak, _ = run_measured(cmd, runs, before=cold, env={"CNNVIZ_BOOK": "1"})  # as `make site`
    return Timing("cold book build (every chapter executed)", median, runs, peak)


def bench_chapters(runs: int) -> list[Timing]:
    timings = []
    for notebook in sorted(BOOK.glob("*.ipynb")):
        cmd = [sys.executable, "-m", "scripts.execute_notebook", str(notebook)]
        median, peak, outs = run_measured(cmd, runs)
        kernel = max(float(out.rsplit("peak_kernel_mib=", 1)[1]) for out in outs)
        label = f"chapter `{notebook.name}` (fresh kernel, start to end)"
        timings.append(Timing(label, median, runs, peak, kernel))
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
        "- peak kernel memory: the chapter's kernel's own high-water mark (`VmHWM`, the largest of the runs),",
        f"  against the budget of 1.5 GB ({KERNEL_BUDGET_MIB:.0f} MiB; Binder gives 2 GB to server and kernel together).",
        "",
    ]
    for title, timings in sections.items():
        kernels = any(t.kernel_peak_mb is not None for t in timings)
        head = "| what | median (s) | runs | peak memory (MiB) |" + (" peak kernel memory (MiB) |" if kernels else "")
        lines += [f"## {title}", "", head, "|---|---:|---:|---:|" + ("---:|" if kernels else "")]
        for t in timings:
            peak = f"{t.peak_mb:.0f}" if t.peak_mb is not None else "–"
            row = f"| {t.label} | {t.median_s:.3f} | {t.runs} | {peak} |"
            if kernels:
                over = " **over budget**" if t.kernel_peak_mb > KERNEL_BUDGET_MIB else ""
                row += f" {t.kernel_peak_mb:.0f}{over} |"
            lines.append(row)
        lines.append("")
    return "\n".join(lines + extra) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench" / "report.md")
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument("--chapter-runs", type=int, default=3)
    parser.add_argument("--call-runs", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true", help="skip the (slow) cold book builds")
    parser.add_argument("--only", choices=("zoo",), default=None,
                        help="zoo: only the CPU times of the book's networks (the comparison chapter's file)")
    parser.add_argument("--zoo-out", type=Path, default=ZOO_TIMES,
                        help="where the zoo's times go (default: the package file the comparison chapter reads)")
    parser.add_argument("--zoo-rounds", type=int, default=5, help="interleaved rounds (at least 5)")
    parser.add_argument("--zoo-batch", type=int, default=32, help="images per timed training step")
    parser.add_argument("--zoo-networks", default=None, metavar="NAME,...", help="only these networks (a trial)")
    parser.add_argument("--zoo-note", default="", help="a note shown with the times wherever they appear")
    args = parser.parse_args()
    if args.zoo_out.resolve() == ZOO_TIMES.resolve() and (args.zoo_rounds < 5 or args.zoo_networks):
        parser.error("the package's file needs every network of the comparison and --zoo-rounds of at least 5; "
                     "write a trial elsewhere with --zoo-out")
    if args.zoo_rounds < 1 or args.zoo_batch < 1:
        parser.error("--zoo-rounds and --zoo-batch must be positive integers")

    from scripts import bench_package

    sections: dict[str, list[Timing]] = {}
    extra: list[str] = []
    if args.only is None:
        sections["Chapters"] = bench_chapters(args.chapter_runs)
        rows, extra = bench_package.run(args.call_runs)
        sections["Package"] = [Timing(label, median, runs) for label, median, runs in rows]
    networks = None if args.zoo_networks is None else tuple(n.strip() for n in args.zoo_networks.split(",") if n.strip())
    rows, lines = bench_package.zoo(args.zoo_out, rounds=args.zoo_rounds, train_batch=args.zoo_batch,
                                    note=args.zoo_note, networks=networks)  # fmt: skip
    sections["Zoo (seconds per image)"] = [Timing(label, median, runs) for label, median, runs in rows]
    extra += lines
    if args.only is None and not args.skip_build:
        sections["Book"] = [bench_book_build(args.build_runs)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(sections, extra))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
