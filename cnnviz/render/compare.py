"""The comparison of the book's networks (:mod:`cnnviz.analysis.compare`) as text, Markdown, CSV and JSON.
Formatting only: every number comes from the :class:`~cnnviz.analysis.compare.Comparison`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from cnnviz.analysis.compare import CIFAR10_TRAIN_IMAGES, Comparison, ComparisonRow
from cnnviz.format import chw, compact_count, count, megabytes, percent

__all__ = ["FORMATS", "COLUMNS", "comparison_records", "comparison_text", "comparison_markdown",
           "comparison_csv", "comparison_json", "render_comparison", "machine_line", "memory_markdown",
           "breakdown_markdown", "inference_times_markdown", "training_times_markdown"]  # fmt: skip

COLUMNS = ("network", "year", "dataset", "top-1 error", "top-5 error", "protocol", "source", "parameters",
           "multiply-adds", "produced by forward", "saved for backward", "training (batch 1)", "depth",
           "receptive field", "CPU time", "reported as")  # the last: protocol and source in one cell
_LONG = ("protocol", "source", "reported as")  # text columns the text table leaves out unless asked


def _error(value: float | None) -> str:
    return "—" if value is None else percent(value)


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{1000 * seconds:.1f} ms"


def _load(values: Sequence[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def machine_line(comp: Comparison) -> str:
    """Where and how the times were measured: a benchmark run (its machine, load and rounds), a live run of
    this machine, or none."""
    times = comp.times
    if times is not None:
        reference = comp.row(comp.reference).seconds if any(r.name == comp.reference for r in comp.rows) else None
        ref = f" ({_ms(reference)})" if reference else ""
        note = f" Note: {times.note}." if times.note else ""
        return (
            f"CPU time: one image, forward pass, the median of {times.rounds} interleaved rounds of `make bench` "
            f"({times.date}), as a multiple of {comp.reference}'s{ref}, on {times.machine.description}; load "
            f"average (1, 5, 15 min) {_load(times.load.before)} before and {_load(times.load.after)} after, "
            f"{times.load.busy_before} other busy process(es) before and {times.load.busy_after} after.{note}"
        )
    if not comp.repeats:
        return "CPU times: not measured."
    return (
        f"CPU time: one image, best of {comp.repeats} run(s) after a warm-up, measured now on this machine, as a "
        f"multiple of {comp.reference}'s ({_ms(comp.row(comp.reference).seconds)}), on {comp.machine.description}."
    )


def _cells(comp: Comparison, row: ComparisonRow) -> list[str]:
    rep = row.reported
    ratio = comp.time_ratio(row.name)
    return [
        row.name, "" if row.year is None else str(row.year), row.dataset or chw(row.input_size),
        _error(rep.top1 if rep else None), _error(rep.top5 if rep else None),
        rep.protocol if rep else "", rep.source if rep else "",
        compact_count(row.params), compact_count(row.macs),
        megabytes(row.forward_bytes), megabytes(row.saved_bytes), megabytes(row.training_bytes),
        str(row.depth), str(row.receptive_field),
        "—" if ratio is None else f"{ratio:.2f}×",
        f"{rep.protocol} ({rep.source})" if rep else "",
    ]  # fmt: skip


def comparison_text(comp: Comparison, *, sources: bool = False) -> str:
    """Aligned columns; the protocol and source columns only with ``sources`` (they are long)."""
    keep = [i for i, c in enumerate(COLUMNS) if c != "reported as" and (sources or c not in _LONG)]
    rows = [[COLUMNS[i] for i in keep]] + [[cells[i] for i in keep] for cells in
                                           (_cells(comp, r) for r in comp.rows)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(keep))]
    text_cols = {0, 2} if not sources else {0, 2, keep.index(5), keep.index(6)}
    lines = [
        "  ".join(c.ljust(w) if i in text_cols else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        .rstrip()
        for r in rows
    ]
    return "\n".join(lines) + "\n\n" + machine_line(comp) + "\n"


def _link(row: ComparisonRow, links: bool) -> str:
    return f"[{row.name}]({row.chapter}.ipynb)" if links and row.chapter else row.name


def comparison_markdown(
    comp: Comparison, *, links: bool = False, columns: Sequence[str] = COLUMNS[:-1], machine: bool = True,
    datasets: Sequence[str] | None = None,
) -> str:  # fmt: skip
    """A Markdown table; ``links`` makes each network link to its chapter (``[resnet50](resnet.ipynb)``);
    ``columns`` (from :data:`COLUMNS`, "network" always first) keeps a table narrow; ``datasets`` keeps only
    the rows of those datasets (a reader's own network, with no dataset, is always kept); ``machine`` adds
    the line saying where the times were measured."""
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ValueError(f"comparison_markdown: unknown columns {unknown}; valid: {', '.join(COLUMNS)}")
    keep = [0] + [COLUMNS.index(c) for c in columns if c != "network"]
    header = [COLUMNS[i] for i in keep]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(":---" if c in ("network", "dataset", *_LONG) else "---:" for c in header) + "|"]
    for row in comp.rows:
        if datasets is not None and row.dataset and row.dataset not in datasets:
            continue
        cells = _cells(comp, row)
        cells[0] = _link(row, links)
        lines.append("| " + " | ".join(cells[i].replace("|", "\\|") for i in keep) + " |")
    return "\n".join(lines) + "\n" + ("\n" + machine_line(comp) + "\n" if machine else "")


def memory_markdown(comp: Comparison, *, links: bool = False, datasets: Sequence[str] | None = None) -> str:
    """Memory per image in MB: the activations a forward pass produces (each output as if kept), what the
    backward pass of a training step keeps (measured), the parameters with their gradients and momentum,
    and the training total at batch 1."""
    lines = ["| network | produced by a forward pass (ledger count) | saved for the backward pass | parameters, gradients, momentum "
             "| training total (batch 1) |", "|:---|---:|---:|---:|---:|"]  # fmt: skip
    for r in comp.rows:
        if datasets is not None and r.dataset and r.dataset not in datasets:
            continue
        lines.append(f"| {_link(r, links)} | {megabytes(r.forward_bytes)} | {megabytes(r.saved_bytes)} | "
                     f"{megabytes(r.state_bytes)} | {megabytes(r.training_bytes)} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def breakdown_markdown(rows: Sequence[ComparisonRow]) -> str:
    """Each row's forward count against what the backward pass saves, term by term, in MB: the storages the
    forward count has twice (in-place layers, views), the outputs the backward pass does not keep, and what it
    keeps that no layer outputs (max-pool indices, dropout masks, tensors made inside or between layers)."""
    lines = ["| network | produced by a forward pass (ledger count) | − one storage counted twice | − not needed by backward | "
             "+ indices, masks, intermediates | = saved |", "|:---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in rows:
        m = r.memory
        lines.append(f"| {r.name} | {megabytes(m.kept, 2)} | {megabytes(m.shared, 2)} | {megabytes(m.not_needed, 2)} "
                     f"| {megabytes(m.added, 2)} | {megabytes(m.saved, 2)} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def inference_times_markdown(comp: Comparison, *, links: bool = False) -> str:
    """The ImageNet networks' CPU time for one image: the median, the spread over the rounds, and the median
    as a multiple of the reference network's median."""
    times = comp.times
    if times is None:
        raise ValueError("inference_times_markdown: the comparison has no benchmark times (times=measured_times())")
    lines = ["| network | median | fastest – slowest round | × " + comp.reference + " |", "|:---|---:|---:|---:|"]
    for r in comp.rows:
        if r.name not in times.inference:
            continue
        s = times.inference[r.name]
        ratio = comp.time_ratio(r.name)
        lines.append(f"| {_link(r, links)} | {_ms(s.median)} | {_ms(s.low)} – {_ms(s.high)} | "
                     f"{'—' if ratio is None else f'{ratio:.2f}×'} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def training_times_markdown(comp: Comparison, *, links: bool = False, images: int = CIFAR10_TRAIN_IMAGES) -> str:
    """The CIFAR-10 networks' CPU time per image of a training step (median and spread) and the minutes of
    one epoch of ``images`` images at the median."""
    times = comp.times
    if times is None:
        raise ValueError("training_times_markdown: the comparison has no benchmark times (times=measured_times())")
    lines = ["| network | per image, median | fastest – slowest round | one epoch |", "|:---|---:|---:|---:|"]
    for r in comp.rows:
        if r.name not in times.training:
            continue
        s = times.training[r.name]
        lines.append(f"| {_link(r, links)} | {_ms(s.median)} | {_ms(s.low)} – {_ms(s.high)} | "
                     f"{s.median * images / 60:.1f} min |")  # fmt: skip
    return "\n".join(lines) + f"\n\n*One epoch: {count(images)} images at the median.*\n"


def comparison_records(comp: Comparison) -> list[dict[str, Any]]:
    """Plain numbers per network (errors as fractions, memory in bytes, time in seconds and as a ratio)."""
    records = []
    for row in comp.rows:
        rep = row.reported
        records.append({
            "network": row.name, "family": row.family, "chapter": row.chapter, "year": row.year,
            "dataset": row.dataset, "input_size": list(row.input_size),
            "top1_error": rep.top1 if rep else None, "top5_error": rep.top5 if rep else None,
            "split": rep.split if rep else "", "protocol": rep.protocol if rep else "",
            "source": rep.source if rep else "",
            "params": row.params, "macs": row.macs, "forward_bytes": row.forward_bytes,
            "saved_bytes": row.saved_bytes, "training_bytes": row.training_bytes, "depth": row.depth,
            "receptive_field": row.receptive_field, "seconds": row.seconds, "time_ratio": comp.time_ratio(row.name),
            "train_seconds": row.train_seconds, "epoch_minutes": comp.epoch_minutes(row.name),
        })  # fmt: skip
    return records


def comparison_csv(comp: Comparison) -> str:
    records = comparison_records(comp)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else [], lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "x".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                         for k, v in record.items()})
    return out.getvalue()


def comparison_json(comp: Comparison, indent: int | None = 2) -> str:
    machine = comp.machine
    payload = {
        "reference": comp.reference, "repeats": comp.repeats,
        "machine": {"system": machine.system, "processor": machine.processor,
                    "torch": machine.torch_version, "threads": machine.threads, "cores": machine.cores},
        "timing": machine_line(comp),
        "networks": comparison_records(comp),
    }  # fmt: skip
    return json.dumps(payload, indent=indent) + "\n"


FORMATS: dict[str, Callable[[Comparison], str]] = {
    "text": comparison_text, "markdown": comparison_markdown, "csv": comparison_csv, "json": comparison_json,
}


def render_comparison(comp: Comparison, fmt: str = "text") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"render_comparison: fmt must be one of {', '.join(map(repr, FORMATS))}, got {fmt!r}")
    return FORMATS[fmt](comp)
