"""`make bench`'s part for the comparison chapter: it writes the file the chapter reads, with the machine
and the load, and refuses to write the package's file from a trial run. (The times themselves are
measurements of whatever machine runs this: only their shape is checked.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cnnviz.analysis.compare import measured_times
from scripts import bench, bench_package

ROOT = Path(__file__).resolve().parents[1]


def test_the_zoo_bench_writes_the_file_the_chapter_reads(tmp_path):
    out = tmp_path / "zoo_times.json"
    rows, lines = bench_package.zoo(out, rounds=2, train_batch=2, note="a trial",
                                    networks=("squeezenet1_1", "resnet20"), progress=lambda _text: None)  # fmt: skip
    times = measured_times(out)
    assert set(times.inference) == {"squeezenet1_1"} and set(times.training) == {"resnet20"}
    assert (times.rounds, times.train_batch, times.note) == (2, 2, "a trial")
    assert times.machine.threads >= 1 and times.machine.cores and times.machine.processor
    assert len(times.load.before) == 3 and times.load.busy_before >= 0
    assert [label for label, _, _ in rows] == ["inference, one image: `squeezenet1_1`",
                                              "training step at batch 2, per image: `resnet20`"]  # fmt: skip
    assert any("load average before" in line for line in lines)


def test_the_package_file_needs_every_network_and_five_rounds():
    assert bench.ZOO_TIMES == ROOT / "cnnviz" / "analysis" / "zoo_times.json"
    for args in (["--zoo-rounds", "3"], ["--zoo-networks", "alexnet"]):
        proc = subprocess.run([sys.executable, "-m", "scripts.bench", "--only", "zoo", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert proc.returncode == 2 and "the package's file needs every network" in proc.stderr, proc.stderr
