"""Tables of a :class:`~cnnviz.analysis.ledger.Ledger`: the lecture's formats, text, Markdown, CSV, JSON
and a pandas DataFrame. Formatting only: every number comes from the ledger.

``depth``: ``None`` lists every leaf layer (fully expanded); an integer ``d`` collapses the network to the
rows at depth ``d`` plus shallower leaves (``Ledger.at_depth``), containers shown with their subtotals.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cnnviz.analysis.lecture import CONV_TYPES as _CONV
from cnnviz.analysis.lecture import NORM_TYPES as _NORM
from cnnviz.analysis.lecture import POOL_TYPES as _POOL
from cnnviz.analysis.lecture import lecture_rows
from cnnviz.analysis.ledger import LayerRecord, Ledger
from cnnviz.format import chw, count, hwc, lecture_bytes, lecture_memory, pair, short_count

if TYPE_CHECKING:
    import pandas

    from cnnviz.analysis.memory import MemoryReport

__all__ = [
    "torchinfo_text",
    "markdown_rows",
    "network_summary_table",
    "select_rows",
    "lecture_table",
    "text_table",
    "markdown_table",
    "csv_table",
    "to_dict",
    "json_table",
    "to_dataframe",
    "rf_to_dict",
    "rf_text_table",
    "rf_markdown_table",
    "rf_comparison_table",
    "memory_table",
    "training_memory_table",
    "summary_table",
    "compare_layers_table",
    "diff_table",
    "inception_table",
    "inception_cost_text",
    "vgg_config_html",
]


def select_rows(ledger: Ledger, depth: int | None = None) -> tuple[LayerRecord, ...]:
    """The rows a table shows: every leaf (``depth=None``) or the collapsed view at ``depth``."""
    return ledger.leaves() if depth is None else ledger.at_depth(depth)










# --- the lecture's formats ------------------------------------------------------------------------


def _vgg_label(row: LayerRecord) -> str:
    if row.type in _CONV:
        return f"CONV{pair(row.kernel)}-{row.output_shape[0]}"
    if row.type in _POOL:
        prefix = "AVGPOOL" if "Avg" in row.type else "POOL"
        return f"{prefix}{pair(row.kernel)}" if row.kernel else prefix
    if row.type in _NORM:
        return "NORM"
    return "FC"


def _vgg_params(row: LayerRecord, previous_shape: tuple[int, ...]) -> str:
    if row.type in _CONV:
        kh, kw = row.kernel or (1, 1)
        cin = row.input_shape[0] // (row.groups or 1)
        return f"({kh}*{kw}*{cin})*{row.output_shape[0]} = {row.weights:,}"
    if row.type == "Linear":
        n_in = row.input_shape[-1]
        if len(previous_shape) == 3 and previous_shape[0] * previous_shape[1] * previous_shape[2] == n_in:
            c, h, w = previous_shape  # the flattened feature map, written as the lecture does: 7*7*512
            fan_in = f"{h}*{w}*{c}"
        else:
            fan_in = str(n_in)
        return f"{fan_in}*{row.output_shape[-1]} = {row.weights:,}"
    return "0"




def _aligned(cells: list[list[str]], gap: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return [gap.join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]


def lecture_table(ledger: Ledger, style: str = "vgg") -> str:
    """The ledger in the lecture's notation.

    ``style="vgg"`` (the lecture's VGG16 table; weights only, "not counting biases")::

        INPUT: [224x224x3]       memory: 224*224*3=150K   params: 0  (not counting biases)
        CONV3-64: [224x224x64]   memory: 224*224*64=3.2M  params: (3*3*3)*64 = 1,728
        ...
        TOTAL memory: 15M * 4 bytes ~ 61MB / image (only forward! ~*2 for bwd)
        TOTAL params: 138M parameters

    ``style="alexnet"`` (the lecture's AlexNet list)::

        [227x227x3] INPUT
        [55x55x96] CONV1: 96 11x11 filters at stride 4, pad 0

    Listed: convolutions, pooling (except pools that leave the shape unchanged, such as VGG's 7x7
    adaptive pool on a 7x7 map), fully connected layers, and in the AlexNet style normalization layers;
    ReLU, dropout, flatten and batch norm are not, as in the lecture. TOTAL memory sums the listed
    outputs and the input, the lecture's own convention.
    """
    if style == "vgg":
        return _lecture_vgg(ledger)
    if style == "alexnet":
        return _lecture_alexnet(ledger)
    raise ValueError(f"lecture_table: style must be 'vgg' or 'alexnet', got {style!r}")


def _lecture_vgg(ledger: Ledger) -> str:
    c, h, w = ledger.input_size
    inputs = c * h * w
    cells = [
        [f"INPUT: [{h}x{w}x{c}]", f"memory: {lecture_memory((c, h, w), inputs)}", "params: 0  (not counting biases)"]
    ]
    total = inputs
    bytes_per = 4
    previous: tuple[int, ...] = (c, h, w)
    for row in lecture_rows(ledger):
        cells.append(
            [
                f"{_vgg_label(row)}: [{hwc(row.output_shape, vector_as_volume=True)}]",
                f"memory: {lecture_memory(row.output_shape, row.activations)}",
                f"params: {_vgg_params(row, previous)}",
            ]
        )
        total += row.activations
        bytes_per = row.activation_bytes // row.activations if row.activations else bytes_per
        previous = row.output_shape
    lines = _aligned(cells)
    lines.append("")
    lines.append(
        f"TOTAL memory: {short_count(total)} * {bytes_per} bytes ~ {lecture_bytes(total * bytes_per)} / image "
        f"(only forward! ~*2 for bwd)"
    )
    lines.append(f"TOTAL params: {short_count(ledger.total_params)} parameters")
    return "\n".join(lines) + "\n"




def _lecture_alexnet(ledger: Ledger) -> str:
    c, h, w = ledger.input_size
    lines = [f"[{h}x{w}x{c}] INPUT"]
    rows = lecture_rows(ledger, norms=True)
    n_conv = sum(r.type in _CONV for r in rows)
    last_fc = max((i for i, r in enumerate(rows) if r.type == "Linear"), default=-1)
    counts = {"conv": 0, "pool": 0, "norm": 0, "fc": 0}
    for i, row in enumerate(rows):
        shape = f"[{hwc(row.output_shape)}]"
        if row.type in _CONV:
            counts["conv"] += 1
            kh, kw = row.kernel or (1, 1)
            stride, pad = pair(row.stride), pair(row.padding)
            text = (
                f"CONV{counts['conv']}: {row.output_shape[0]} {kh}x{kw} filters at stride {stride}, pad {pad}"
            )
            if row.groups and row.groups > 1:
                text += f", {row.groups} groups"
        elif row.type in _POOL:
            counts["pool"] += 1
            kind = "AVG POOL" if "Avg" in row.type else "MAX POOL"
            if row.kernel is None:
                text = f"{kind}{counts['pool']}: global, to {pair(row.output_shape[1:3])}"  # adaptive
            else:
                kh, kw = row.kernel
                text = f"{kind}{counts['pool']}: {kh}x{kw} filters at stride {pair(row.stride)}"
                if row.padding and any(row.padding):
                    text += f", pad {pair(row.padding)}"
        elif row.type in _NORM:
            counts["norm"] += 1
            text = f"NORM{counts['norm']}: Normalization layer"
        else:
            counts["fc"] += 1
            text = f"FC{n_conv + counts['fc']}: {row.output_shape[-1]} neurons"
            if i == last_fc:
                text += " (class scores)"
        lines.append(f"{shape} {text}")
    return "\n".join(lines) + "\n"


# --- plain tables ---------------------------------------------------------------------------------

_HEADER = ("Layer", "Type", "Kernel/stride", "Output", "Activations", "Params", "MACs")


def _cells(ledger: Ledger, depth: int | None) -> list[list[str]]:
    out = []
    for row in select_rows(ledger, depth):
        indent = "" if depth is None else "  " * (row.depth - 1)
        geometry = f"{row.kernel[0]}x{row.kernel[1]}/{pair(row.stride)}" if row.kernel else ""
        out.append(
            [
                indent + row.name,
                row.type,
                geometry,
                (chw(row.output_shape) or "-"),
                f"{row.activations:,}",
                f"{row.params:,}",
                f"{row.macs:,}",
            ]
        )
    return out


def _total_cells(ledger: Ledger) -> list[str]:
    return [
        "Total",
        "",
        "",
        (chw(ledger.input_size) or "-") + " in",
        f"{ledger.total_activations:,}",
        f"{ledger.total_params:,}",
        f"{ledger.total_macs:,}",
    ]


def text_table(ledger: Ledger, depth: int | None = None) -> str:
    """Aligned columns, numbers right-aligned, a totals line; title line names model and input."""
    body = _cells(ledger, depth)
    cells = [list(_HEADER), *body, _total_cells(ledger)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(_HEADER))]
    numeric = {4, 5, 6}

    def line(r: list[str]) -> str:
        pairs = enumerate(zip(r, widths, strict=True))
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in pairs)

    rule = "-" * len(line(cells[0]))
    title = f"{ledger.model}, input {chw(ledger.input_size)} (C x H x W), per image; MACs exclude bias adds"
    lines = [title, line(cells[0]).rstrip(), rule, *(line(r).rstrip() for r in body), rule]
    lines.append(line(cells[-1]).rstrip())
    return "\n".join(lines) + "\n"


def markdown_table(ledger: Ledger, depth: int | None = None) -> str:
    """A GitHub-flavoured Markdown table, numbers right-aligned, totals in bold."""
    body = _cells(ledger, depth)
    cells = [*body, [f"**{c}**" if c else "" for c in _total_cells(ledger)]]

    def escape(text: str) -> str:
        lead = len(text) - len(text.lstrip(" "))  # keep the nesting indent visible
        return "&nbsp;" * lead + text.lstrip(" ").replace("|", "\\|")

    lines = [
        "| " + " | ".join(_HEADER) + " |",
        "|" + "|".join(":---" if i < 4 else "---:" for i in range(len(_HEADER))) + "|",
    ]
    lines += ["| " + " | ".join(escape(c) for c in r) + " |" for r in cells]
    return "\n".join(lines) + "\n"


_CSV_FIELDS = (
    "name", "type", "depth", "is_leaf", "kernel", "stride", "padding", "groups",
    "input_shape", "output_shape",
    "activations", "activation_bytes", "weights", "biases", "params", "macs",
)


def csv_table(ledger: Ledger, depth: int | None = None) -> str:
    """One line per row, raw numbers; shapes and pairs written as 64x56x56 / 3x3; no totals line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_FIELDS)
    for row in select_rows(ledger, depth):
        values: dict[str, Any] = {f: getattr(row, f) for f in _CSV_FIELDS}
        for key in ("kernel", "stride", "padding", "input_shape", "output_shape"):
            values[key] = "x".join(map(str, values[key])) if values[key] else ""
        values["groups"] = "" if values["groups"] is None else values["groups"]
        writer.writerow([values[f] for f in _CSV_FIELDS])
    return buffer.getvalue()


def to_dict(ledger: Ledger, depth: int | None = None) -> dict[str, Any]:
    """The CLI's JSON: ``{"model", "input", "rows": [{name, type, output_shape, activations, weights,
    biases, params, macs}], "total": {params, macs, activations}}``."""
    return {
        "model": ledger.model,
        "input": list(ledger.input_size),
        "rows": [
            {
                "name": r.name,
                "type": r.type,
                "output_shape": list(r.output_shape),
                "activations": r.activations,
                "weights": r.weights,
                "biases": r.biases,
                "params": r.params,
                "macs": r.macs,
            }
            for r in select_rows(ledger, depth)
        ],
        "total": {
            "params": ledger.total_params,
            "macs": ledger.total_macs,
            "activations": ledger.total_activations,
        },
    }


def json_table(ledger: Ledger, depth: int | None = None, indent: int | None = 2) -> str:
    return json.dumps(to_dict(ledger, depth), indent=indent) + "\n"


def to_dataframe(ledger: Ledger, depth: int | None = None) -> pandas.DataFrame:
    """One DataFrame row per ledger row, every LayerRecord field plus ``params`` (pandas imported lazily)."""
    import pandas as pd

    rows = select_rows(ledger, depth)
    fields = list(_CSV_FIELDS)
    return pd.DataFrame([{f: getattr(r, f) for f in fields} for r in rows], columns=fields)


# --- receptive-field reports (duck-typed: anything with RFReport's fields) -------------------------


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def rf_to_dict(report: Any) -> dict[str, Any]:
    """The CLI's JSON for a receptive-field report: ``{"model", "rows": [{name, rf, stride, padding}],
    "output": {rf, stride, padding}}``."""

    def entry(r: Any) -> dict[str, Any]:
        return {"rf": int(r.rf), "stride": int(r.stride), "padding": _number(r.padding)}

    return {
        "model": report.model,
        "rows": [{"name": r.name, **entry(r)} for r in report.rows],
        "output": entry(report.output),
    }


def rf_text_table(report: Any) -> str:
    """Aligned columns: layer, type, receptive field, effective stride and padding, output size."""
    header = ["Layer", "Type", "RF", "Stride", "Padding", "Output"]
    cells = [header]
    for r in report.rows:
        hw = "x".join(map(str, r.output_hw)) if r.output_hw else "-"
        cells.append([r.name, r.type, str(r.rf), str(r.stride), str(_number(r.padding)), hw])
    c, h, w = report.input_size
    lines = [f"{report.model}, input {c}x{h}x{w}: receptive field of each layer, in input pixels"]
    lines += _aligned(cells)
    out = report.output
    lines.append(f"Output ({out.name}): RF {out.rf}, stride {out.stride}, padding {_number(out.padding)}")
    lines += [f"warning: {text}" for text in report.warnings]
    return "\n".join(lines) + "\n"


# --- the chapters' tables: memory, comparisons, configurations ----------------------------------------


def _mb(n: int, digits: int) -> str:
    return f"{n / 1e6:,.{digits}f}"


_OPTIMIZER_ROWS = {"momentum": "momentum buffers", "adam": "Adam moments"}


def memory_table(report: MemoryReport, digits: int = 1) -> str:
    """What one report holds, in elements and in MB (decimal) of its dtype, as Markdown: the input, the
    forward activations, the parameters, their gradients and the optimizer's state (none for plain SGD).
    Each row's MB are its own elements times the dtype's size (the input has a row of its own)."""
    who = "one image" if report.batch_size == 1 else f"batch of {report.batch_size}"
    n_input = report.batch_size * report.input_elements
    n_forward = report.batch_size * report.forward_activations
    rows = [
        (f"input, {who}", n_input, n_input * report.bytes_per_element),
        (f"forward activations, {who}", n_forward, n_forward * report.bytes_per_element),
        ("parameters", report.params, report.param_bytes),
        ("gradients", report.gradients, report.gradient_bytes),
    ]
    if report.optimizer in _OPTIMIZER_ROWS:
        rows.append((_OPTIMIZER_ROWS[report.optimizer], report.optimizer_state, report.optimizer_bytes))
    lines = [f"| | elements | {report.dtype} |", "|---|---:|---:|"]
    lines += [f"| {label} | {n:,} | {_mb(b, digits)} MB |" for label, n, b in rows]
    return "\n".join(lines) + "\n"


def training_memory_table(
    reports: Mapping[str, MemoryReport], lecture: Mapping[str, MemoryReport], digits: int = 0
) -> str:
    """MB (decimal) a training step needs, one column per report (e.g. per batch size), as Markdown.

    ``lecture`` holds the same columns counted by the lecture's convention (``lecture_convention=True``):
    its forward bytes are the first row, the lecture table's own count.
    """
    if set(reports) != set(lecture):
        raise ValueError(
            f"training_memory_table: lecture must have the columns of reports ({', '.join(reports)}), "
            f"got {', '.join(lecture)}"
        )
    dtype = next(iter(reports.values())).dtype
    optimizer = _OPTIMIZER_ROWS.get(next(iter(reports.values())).optimizer, "optimizer state")
    rows: list[tuple[str, Callable[[str], int]]] = [
        ("forward activations (the table's rows)", lambda k: lecture[k].forward_bytes),
        ("forward activations (every layer output)", lambda k: reports[k].forward_bytes),
        ("kept for the backward pass", lambda k: reports[k].backward_saved_bytes),
        ("parameters", lambda k: reports[k].param_bytes),
        ("gradients", lambda k: reports[k].gradient_bytes),
        (optimizer, lambda k: reports[k].optimizer_bytes),
        (f"training total (params, grads, {optimizer.split()[0]}, kept)", lambda k: reports[k].training_bytes),
    ]
    lines = [f"| {dtype}, MB | " + " | ".join(reports) + " |", "|:---|" + "---:|" * len(reports)]
    lines += [f"| {label} | " + " | ".join(_mb(get(k), digits) for k in reports) + " |" for label, get in rows]
    return "\n".join(lines) + "\n"


def summary_table(ledgers: Mapping[str, Ledger]) -> str:
    """One line per network: input, convolution widths, normalisation layers, parameters, multiply-adds."""
    cells = [["network", "input", "conv widths", "LRN layers", "params", "MACs"]]
    for label, led in ledgers.items():
        leaves = led.leaves()
        widths = [r.output_shape[0] for r in leaves if r.type in _CONV]
        norms = sum(r.type in _NORM for r in leaves)
        _, h, w = led.input_size
        cells.append([label, f"{h}x{w}", str(widths), str(norms), f"{led.total_params:,}", f"{led.total_macs:,}"])
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    right = {3, 4, 5}
    return "\n".join(
        "  ".join(c.rjust(wd) if i in right else c.ljust(wd) for i, (c, wd) in enumerate(zip(row, widths, strict=True)))
        .rstrip()
        for row in cells
    ) + "\n"


def compare_layers_table(
    a: Ledger, b: Ledger, layers: Sequence[str], labels: tuple[str, str], difference: str = "difference"
) -> str:
    """Parameters of the same layers in two ledgers (e.g. two towers against one), the groups of ``a``'s
    layer and the difference ``b - a`` (headed ``difference``), then the totals; aligned text."""
    rows_a, rows_b = {r.name: r for r in a.rows}, {r.name: r for r in b.rows}
    missing = [n for n in layers if n not in rows_a or n not in rows_b]
    if missing:
        raise ValueError(f"compare_layers_table: layers {missing} are not in both ledgers ({a.model}, {b.model})")
    cells = [["layer", "groups", *labels, difference]]
    for name in layers:
        ra, rb = rows_a[name], rows_b[name]
        cells.append([name.split(".")[-1], str(ra.groups or 1), f"{ra.params:,}", f"{rb.params:,}",
                      f"{rb.params - ra.params:,}"])  # fmt: skip
    cells.append(["total", "", f"{a.total_params:,}", f"{b.total_params:,}", f"{b.total_params - a.total_params:,}"])
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join(
        "  ".join(c.ljust(wd) if i == 0 else c.rjust(wd) for i, (c, wd) in enumerate(zip(row, widths, strict=True)))
        .rstrip()
        for row in cells
    ) + "\n"


def diff_table(changes: Iterable[Any], a: Ledger, b: Ledger, labels: tuple[str, str]) -> str:
    """The layers that differ between two networks (``layer_diff`` records: ``change``, ``a``, ``b``,
    ``type``, ``fields``) as Markdown, with each layer's output volume and parameters from its ledger."""
    rows_a, rows_b = {r.name: r for r in a.rows}, {r.name: r for r in b.rows}
    lines = [f"| layer | change | {labels[0]} | {labels[1]} |", "|---|---|---|---|"]
    for c in changes:
        name = (c.a or c.b).split(".")[-1]
        if c.change == "changed":
            what = "; ".join(f"{f}: {x} → {y}" for f, x, y in c.fields if f != "params")
            ra, rb = rows_a[c.a], rows_b[c.b]
            lines.append(f"| {name} | {what} | {hwc(ra.output_shape, '×', vector_as_volume=True)}, {ra.params:,} params "
                         f"| {hwc(rb.output_shape, '×', vector_as_volume=True)}, {rb.params:,} params |")  # fmt: skip
        else:
            where = labels[0] if c.change == "removed" else labels[1]
            shape = hwc((rows_a[c.a] if c.a else rows_b[c.b]).output_shape, "×", vector_as_volume=True)
            cells = f"{shape} |  |" if c.a else f" | {shape} |"
            lines.append(f"| {name} ({c.type}) | {c.change}: position in {where} | {cells}")
    return "\n".join(lines) + "\n"


def inception_table(ledger: Ledger, specs: Mapping[str, Any]) -> str:
    """GoogLeNet layer by layer in the layout of the paper's Table 1, as Markdown: the top-level layers
    (ReLUs, LRN, dropout and flatten omitted), patch size and stride, output size, each Inception module's
    filter counts (``specs``: ``InceptionSpec`` by module suffix, "3a"), parameters and multiply-adds."""
    fields = ("n1x1", "n3x3_reduce", "n3x3", "n5x5_reduce", "n5x5", "pool_proj")
    kinds = {"InceptionModule": "inception", "ConvReLU": "convolution", "MaxPool2d": "max pool",
             "AdaptiveAvgPool2d": "avg pool", "Linear": "linear"}  # fmt: skip
    rows = {r.name: r for r in ledger.rows}
    lines = [
        "| layer | type | patch / stride | output size | #1×1 | #3×3 reduce | #3×3 | #5×5 reduce | #5×5 | pool proj "
        "| params | MACs |",
        "|:---|:---|:---|:---|" + "---:|" * 8,
    ]
    for r in ledger.rows:
        if r.depth != 1 or r.type in ("Flatten", "Dropout", *_NORM):
            continue
        spec = specs.get(r.name.removeprefix("inception"))
        geometry = rows.get(f"{r.name}.conv") or r  # a ConvReLU's kernel is its conv's
        patch = f"{geometry.kernel[0]}×{geometry.kernel[1]}/{geometry.stride[0]}" if geometry.kernel else ""
        c, h, w = r.output_shape if len(r.output_shape) == 3 else (r.output_shape[0], 1, 1)
        filters = " | ".join(str(getattr(spec, f)) if spec else "" for f in fields)
        macs = short_count(r.macs) if r.macs else ""
        lines.append(f"| {r.name} | {kinds.get(r.type, r.type)} | {patch} | {h}×{w}×{c} | {filters} | {r.params:,} | {macs} |")
    lines.append(f"| **total** | | | | | | | | | | **{ledger.total_params:,}** | **{short_count(ledger.total_macs)}** |")
    return "\n".join(lines) + "\n"


def inception_cost_text(cost: Any) -> str:
    """An ``ops.InceptionCost`` the way the lecture writes it: one line per convolution with its product
    (``28x28x192x3x3x64``) and multiply-adds, the naive pool's pass-through, then the output and the total."""
    lines = []
    for branch in cost.branches:
        for conv in branch.layers:
            lines.append(f"[{conv.label:>14}]  {conv.expression:<22} = {conv.macs:>12,} multiply-adds")
        if not branch.layers:
            lines.append(f"[3x3 max pool  ]  keeps all {branch.out_channels} input channels")
    h, w, depth = cost.output_shape
    lines.append(f"output {h}x{w}x{depth}; total {cost.macs:,} multiply-adds")
    return "\n".join(lines) + "\n"


def vgg_config_html(configs: Sequence[Any], fc_layers: Sequence[str], input_text: str = "224 × 224 RGB image") -> str:
    """The VGG paper's Table 1 as HTML: one column per configuration (``VGGConfig`` records), its stages
    separated by the max pools, the shared FC layers, and the parameters of each built network."""
    span = len(configs) + 1
    full = f'<tr><td colspan="{span}" style="text-align:center">{{}}</td></tr>'
    head = "".join(
        f"<th>{c.letter}<br><small>{c.weight_layers} weight layers<br><code>{c.name}</code></small></th>"
        for c in configs
    )
    rows = [full.format(f"input ({input_text})")]
    for stage in range(len(configs[0].stages)):
        cells = "".join(f"<td>{'<br>'.join(c.stages[stage])}</td>" for c in configs)
        rows += [f"<tr><th>stage {stage + 1}</th>{cells}</tr>", full.format("maxpool")]
    rows += [full.format(fc) for fc in fc_layers] + [full.format("soft-max")]
    rows.append("<tr><th>parameters</th>" + "".join(f"<td>{c.params:,}</td>" for c in configs) + "</tr>")
    return (
        '<div style="overflow-x:auto"><table class="cnnviz-config" style="font-size:0.8em">'
        f"<tr><th>ConvNet configuration</th>{head}</tr>{''.join(rows)}</table></div>"
    )


# --- receptive fields as the chapters show them --------------------------------------------------


def rf_markdown_table(report: Any, names: Mapping[str, str]) -> str:
    """The rows of a receptive-field report named in ``names`` (module name -> the lecture's name, e.g.
    ``conv3_3``) as Markdown: receptive field, stride (jump) and output size."""
    lines = ["| layer | module | receptive field | stride (jump) | output |", "|:---|:---|---:|---:|:---|"]
    lines += [
        f"| {names[r.name]} | `{r.name}` | {r.rf}×{r.rf} | {r.stride} | {r.output_hw[0]}×{r.output_hw[1]} |"
        for r in report.rows
        if r.name in names
    ]
    return "\n".join(lines) + "\n"


def rf_comparison_table(reports: Mapping[str, Any]) -> str:
    """Layer by layer, the output size and the receptive field / jump of networks with the same layer names
    (the first report's rows), as Markdown."""
    labels = list(reports)
    header = "| layer | " + " | ".join(f"{x} output | {x} RF / jump" for x in labels) + " |"
    lines = [header, "|---|" + "---|---|" * len(labels)]
    for row in reports[labels[0]].rows:
        same = [reports[x].row(row.name) for x in labels]
        cells = " | ".join(f"{'×'.join(map(str, r.output_hw))} | {r.rf} / {r.stride}" for r in same)
        lines.append(f"| {row.name.split('.')[-1]} | {cells} |")
    return "\n".join(lines) + "\n"


def network_summary_table(
    summaries: Sequence[Any], extra: Mapping[str, Mapping[str, str]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Markdown, one row per :class:`cnnviz.analysis.summary.NetworkSummary`: weight layers, parameters,
    multiply-adds and receptive field. ``extra`` adds columns after the name ({title: {network: text}});
    ``labels`` renames networks (default: the registry name)."""
    extra, labels = extra or {}, labels or {}
    head = ["network", *extra, "weight layers", "parameters", "multiply-adds", "receptive field"]
    lines = ["| " + " | ".join(head) + " |", "|:---|" + ":---|" * len(extra) + "---:|---:|---:|---:|"]
    for s in summaries:
        cells = [labels.get(s.name, s.name), *(column.get(s.name, "") for column in extra.values()),
                 str(s.weight_layers), f"{s.params:,}", short_count(s.macs), f"{s.receptive_field}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table of plain rows: integers with thousands separators and right-aligned, text as given
    (left-aligned when the whole column is text)."""
    rows = [tuple(row) for row in rows]
    if any(len(row) != len(header) for row in rows):
        raise ValueError(f"markdown_rows: every row needs {len(header)} cells (one per header)")
    numeric = [all(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows) for i in
               range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(count(c) if isinstance(c, int) and not isinstance(c, bool) else str(c)
                                       for c in row) + " |")
    return "\n".join(lines) + "\n"


def torchinfo_text(stats: object) -> str:
    """torchinfo's summary as text, with its units readable: torchinfo 1.8 formats its ``Units`` enum with
    ``str()``, which on Python >= 3.11 prints "Total mult-adds (Units.MEGABYTES)" instead of "(M)"."""
    import re

    from torchinfo.enums import Units

    return re.sub(r"\(Units\.([A-Z]+)\)", lambda m: f"({Units[m.group(1)].value})", str(stats))
