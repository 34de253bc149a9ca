"""In-process benchmarks of cnnviz's own functions (medians of repeated runs, ratios within one run)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch
import torchinfo

from cnnviz import models
from cnnviz.analysis.erf import effective_receptive_field
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.receptive_field import receptive_field
from cnnviz.render.diagrams import network_diagram


def _median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(runs: int) -> tuple[list[tuple[str, float, int]], list[str]]:
    """(label, median seconds, runs) rows and Markdown lines with the ratios and goals."""
    torch.manual_seed(0)
    built = {name: models.get(name).eval() for name in models.names()}
    sizes = {name: models.info(name).input_size for name in built}

    def ledgers() -> None:
        for name, net in built.items():
            ledger(net, sizes[name])

    def torchinfo_summaries() -> None:
        for name, net in built.items():
            torchinfo.summary(net, input_size=(1, *sizes[name]), verbose=0)

    def diagrams() -> None:
        for name in built:
            network_diagram(name, level="network").source  # noqa: B018 - building the DOT source is the work

    rows = [
        (f"ledger() of all {len(built)} registry models", _median_time(ledgers, runs), runs),
        (f"torchinfo.summary() of the same {len(built)} models", _median_time(torchinfo_summaries, runs), runs),
        ("receptive_field('resnet152')", _median_time(lambda: receptive_field("resnet152"), runs), runs),
        (
            "effective_receptive_field('resnet50', 'layer4') at 224x224 (defaults)",
            _median_time(lambda: effective_receptive_field("resnet50", "layer4"), runs),
            runs,
        ),
        (f"network_diagram() of all {len(built)} registry models", _median_time(diagrams, runs), runs),
    ]
    ratio = rows[0][1] / rows[1][1]
    lines = [
        "## Ratios and goals",
        "",
        f"- ledger / torchinfo.summary over every registry model: {ratio:.2f} (goal ≤ 1.2)",
        f"- receptive field of ResNet-152: {rows[2][1]:.2f} s (goal ≤ 1 s on 2 cores)",
        f"- ERF map of ResNet-50 at 224×224: {rows[3][1]:.2f} s (goal ≤ 3 s on 2 cores)",
        "",
    ]
    return rows, lines


# --- the zoo's CPU times: the file the comparison chapter reads ------------------------------------


def _busy_processes(interval: float = 1.0, threshold: float = 50.0) -> int:
    """Other processes that kept at least ``threshold`` % of a core busy over ``interval`` seconds."""
    import os
    import time as _time

    import psutil

    mine = {os.getpid(), *(c.pid for c in psutil.Process().children(recursive=True))}
    procs = [p for p in psutil.process_iter() if p.pid not in mine]
    for p in procs:
        try:
            p.cpu_percent(None)
        except psutil.Error:
            pass
    _time.sleep(interval)
    busy = 0
    for p in procs:
        try:
            busy += p.cpu_percent(None) >= threshold
        except psutil.Error:
            pass
    return busy


def zoo(out, *, rounds: int = 5, train_batch: int = 32, note: str = "", networks: tuple[str, ...] | None = None,
        progress=print) -> tuple[list[tuple[str, float, int]], list[str]]:  # fmt: skip
    """Time the comparison chapter's networks (:func:`cnnviz.analysis.compare.time_zoo`: inference for the
    ImageNet networks, a training step for the CIFAR-10 ones, in interleaved rounds), with the machine and
    the load it ran under, and write the file :func:`~cnnviz.analysis.compare.measured_times` reads to
    ``out``. Returns report rows (label, median seconds per image, rounds) and Markdown lines."""
    import os
    from pathlib import Path

    from cnnviz.analysis.compare import (
        BOOK_NETWORKS,
        TIMED_DATASET,
        TRAINED_DATASET,
        Load,
        ZooTimes,
        machine,
        time_zoo,
    )  # fmt: skip

    names = BOOK_NETWORKS if networks is None else networks
    inference = tuple(n for n in names if models.info(n).dataset == TIMED_DATASET)
    training = tuple(n for n in names if models.info(n).dataset == TRAINED_DATASET)
    before, busy_before = os.getloadavg(), _busy_processes()
    infer, train = time_zoo(inference, training, rounds=rounds, train_batch=train_batch, progress=progress)
    after, busy_after = os.getloadavg(), _busy_processes()
    times = ZooTimes(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), machine=machine(),
        load=Load(tuple(round(x, 2) for x in before), tuple(round(x, 2) for x in after), busy_before, busy_after),
        rounds=rounds, train_batch=train_batch, inference=infer, training=train, note=note,
    )  # fmt: skip
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(times.to_json(), encoding="utf-8")
    rows = [(f"inference, one image: `{n}`", s.median, rounds) for n, s in infer.items()]
    rows += [(f"training step at batch {train_batch}, per image: `{n}`", s.median, rounds) for n, s in train.items()]
    lines = [
        "## The zoo's CPU times",
        "",
        f"- written to `{out.name}` ({rounds} interleaved rounds; {times.machine.description})",
        f"- load average before {before[0]:.2f} / {before[1]:.2f} / {before[2]:.2f}, after "
        f"{after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}; other busy processes {busy_before} before, {busy_after} after",
        "",
    ]  # fmt: skip
    return rows, lines
