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
