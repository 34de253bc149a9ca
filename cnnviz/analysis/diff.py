"""What changed between two networks, layer by layer, as records (:func:`layer_diff`), and both networks'
graphs with the nodes that hold a changed layer (:func:`network_diff`, what ``diff_diagram`` draws).

Both networks are listed layer by layer in forward order (add and concatenation nodes included, so a new
shortcut shows as an added ``add``), aligned by layer type (difflib's longest matching runs), and aligned
layers are compared on kernel, stride, padding, groups, output channels and parameters.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from torch import nn

from cnnviz.analysis.graph import DEFAULT_MAX_NODES, LEVELS, GraphNode, NetworkGraph, build_graph
from cnnviz.analysis.ledger import LayerRecord, Ledger
from cnnviz.analysis.resolve import resolve_model

__all__ = ["CHANGES", "LayerChange", "NetworkDiff", "layer_diff", "network_diff"]

CHANGES = ("changed", "added", "removed")


@dataclass(frozen=True)
class LayerChange:
    """One layer that differs between network ``a`` and network ``b``."""

    change: str  # "changed" | "added" (only in b) | "removed" (only in a)
    a: str | None  # layer name in a (None if added)
    b: str | None  # layer name in b (None if removed)
    type: str  # layer type ("Conv2d", "add", ...)
    fields: tuple[tuple[str, object, object], ...] = ()  # (field, value in a, value in b) of a change

    def __str__(self) -> str:
        if self.change == "changed":
            what = ", ".join(f"{f} {x} → {y}" for f, x, y in self.fields)
            return f"changed {self.a} ({self.type}): {what}"
        return f"{self.change} {self.b if self.change == 'added' else self.a} ({self.type})"


@dataclass(frozen=True)
class NetworkDiff:
    """Networks ``a`` and ``b`` at one level, the layer changes, and which node of each graph holds a
    changed layer: node name -> "changed", "added" or "removed" ("changed" where a node holds several
    kinds of change)."""

    a: NetworkGraph
    b: NetworkGraph
    level: str
    changes: tuple[LayerChange, ...]
    marks_a: Mapping[str, str]
    marks_b: Mapping[str, str]

    def count(self, change: str) -> int:
        """How many layers are ``change`` ("changed", "added" or "removed")."""
        return sum(c.change == change for c in self.changes)


_COMPARED = ("kernel", "stride", "padding", "groups", "out_channels", "params")


def _signature(node: GraphNode, rows: Mapping[str, LayerRecord]) -> tuple[str, dict[str, object]]:
    """(type, compared fields) of a layer-level node."""
    row = rows.get(node.name)
    if row is None:  # a function node: add, concat, ...
        return node.detail.split(" ")[0], {}
    fields = {"kernel": row.kernel, "stride": row.stride, "padding": row.padding, "groups": row.groups}
    if row.params:
        fields["out_channels"] = row.output_shape[0] if row.output_shape else None
        fields["params"] = row.params
    return row.type, {k: v for k, v in fields.items() if v is not None}


def layer_diff(
    a: str | nn.Module,
    b: str | nn.Module,
    input_size: tuple[int, int, int] | None = None,
    *,
    a_kwargs: Mapping[str, object] | None = None,
    b_kwargs: Mapping[str, object] | None = None,
) -> tuple[LayerChange, ...]:
    """The layers that differ between ``a`` and ``b`` (registry names or nn.Modules), as records.

    A layer whose only difference is the size of its input is unchanged; a layer that moved (ZFNet's pool
    before its norm) is removed at one place and added at the other. Among identical layers (VGG16 →
    VGG19's extra 3×3 convs) the alignment decides which copy counts as added.
    """
    (ma, la, sa), (mb, lb, sb) = _resolve_pair(a, b, input_size, a_kwargs, b_kwargs, "layer_diff")
    return _diff(
        build_graph(ma, la, sa, "layer", max_nodes=None), build_graph(mb, lb, sb, "layer", max_nodes=None)
    )


def network_diff(
    a: str | nn.Module,
    b: str | nn.Module,
    level: str = "block",
    input_size: tuple[int, int, int] | None = None,
    *,
    a_kwargs: Mapping[str, object] | None = None,
    b_kwargs: Mapping[str, object] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    where: str = "network_diff",
) -> NetworkDiff:
    """:func:`layer_diff` of ``a`` and ``b``, with both networks' graphs at ``level`` and, for each graph,
    the nodes that hold a changed layer (at the block and network levels, a node holds a change if any
    layer inside it differs). Errors name ``where`` (the reader's call)."""
    if level not in LEVELS:
        raise ValueError(f"{where}: level must be one of {', '.join(LEVELS)}, got {level!r}")
    (ma, la, sa), (mb, lb, sb) = _resolve_pair(a, b, input_size, a_kwargs, b_kwargs, where)
    layer_a = build_graph(ma, la, sa, "layer", max_nodes=None)
    layer_b = build_graph(mb, lb, sb, "layer", max_nodes=None)
    changes = _diff(layer_a, layer_b)
    if level == "layer":
        ga, gb = layer_a[0], layer_b[0]
    else:  # the same ledgers: each network runs once
        ga = build_graph(ma, la, sa, level, max_nodes=max_nodes, table=layer_a[1])[0]
        gb = build_graph(mb, lb, sb, level, max_nodes=max_nodes, table=layer_b[1])[0]
    marks_a: dict[str, str] = {}
    marks_b: dict[str, str] = {}
    for c in changes:
        for side, g, marks in ((c.a, ga, marks_a), (c.b, gb, marks_b)):
            owner = g.owner(side) if side else None
            if owner is not None:
                marks[owner] = c.change if marks.get(owner, c.change) == c.change else "changed"
    return NetworkDiff(ga, gb, level, changes, marks_a, marks_b)


def _resolve_pair(
    a: str | nn.Module,
    b: str | nn.Module,
    input_size: tuple[int, int, int] | None,
    a_kwargs: Mapping[str, object] | None,
    b_kwargs: Mapping[str, object] | None,
    where: str,
) -> tuple[tuple[nn.Module, str, tuple[int, int, int]], ...]:
    # A registry name is built on the meta device (as the ledger does): a diff compares shapes and counts,
    # and two networks' weights at once would cost a chapter's kernel hundreds of MB for nothing.
    return tuple(
        resolve_model(m, input_size, dict(kw or {}), where=where, meta=isinstance(m, str))
        for m, kw in ((a, a_kwargs), (b, b_kwargs))
    )


def _first_rows(table: Ledger) -> dict[str, LayerRecord]:
    """Each layer's ledger row by name (its first call)."""
    rows: dict[str, LayerRecord] = {}
    for row in table.rows:
        rows.setdefault(row.name, row)
    return rows


def _diff(ga: tuple[NetworkGraph, Ledger], gb: tuple[NetworkGraph, Ledger]) -> tuple[LayerChange, ...]:
    (graph_a, table_a), (graph_b, table_b) = ga, gb
    rows_a, rows_b = _first_rows(table_a), _first_rows(table_b)
    na = [n for n in graph_a.nodes if n.kind != "input"]
    nb = [n for n in graph_b.nodes if n.kind != "input"]
    sa = [_signature(n, rows_a) for n in na]
    sb = [_signature(n, rows_b) for n in nb]
    changes: list[LayerChange] = []
    matcher = difflib.SequenceMatcher(a=[t for t, _ in sa], b=[t for t, _ in sb], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                fa, fb = sa[i][1], sb[j][1]
                diff = tuple((f, fa.get(f), fb.get(f)) for f in _COMPARED if fa.get(f) != fb.get(f))
                if diff:
                    changes.append(LayerChange("changed", na[i].name, nb[j].name, sa[i][0], diff))
            continue
        changes += [LayerChange("removed", na[i].name, None, sa[i][0]) for i in range(i1, i2)]
        changes += [LayerChange("added", None, nb[j].name, sb[j][0]) for j in range(j1, j2)]
    return tuple(changes)
