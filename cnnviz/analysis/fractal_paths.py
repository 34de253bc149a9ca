"""FractalNet's fractal block, counted: its paths, their lengths, and the sub-network a drop-path
sample keeps (the zoo's own random draws, see :func:`drop_path_sample`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from cnnviz.validate import integer, positive_int

__all__ = ['FractalCount', 'fractal_block_count', 'DropPathSample', 'drop_path_sample']


@dataclass(frozen=True)
class FractalCount:
    """One fractal block f_C, counted on its unrolled structure (conv units and joins)."""

    columns: int
    convs: int  # conv units in the block: 2^C - 1
    joins: int  # join layers (nested joins at one depth are one join)
    paths: int  # distinct paths from the block's input to its output
    longest: int  # conv units on the longest path: 2^(C-1)
    shortest: int  # conv units on the shortest path: 1
    path_lengths: tuple[tuple[int, int], ...]  # (conv units on a path, how many paths), shortest first


def _fractal_graph(columns: int, kept: dict[int, tuple[int, ...]] | None = None, only_column: int | None = None
                   ) -> tuple[dict[str, list[str]], str]:  # fmt: skip
    """The block as a graph of diagram node names: edges head -> tails, and the output node.

    Units are ``column{j}.{k}.conv`` -> ``column{j}.{k}.norm`` (the names of the zoo's modules, as
    :func:`cnnviz.render.diagrams.module_diagram` draws them), joins ``join{step}``. ``kept`` (step -> the
    columns a join keeps) drops join inputs; ``only_column`` keeps one column and no join (global drop-path).
    """
    from cnnviz.models.fractalnet import column_depth, column_has_unit, fractal_joins

    into: dict[str, list[str]] = {}
    current = ["input"] * columns
    joins = fractal_joins(columns)
    for step in range(1, column_depth(columns) + 1):
        for j in range(1, columns + 1):
            if column_has_unit(j, step, columns) and only_column in (None, j):
                unit = f"column{j}.{step // 2 ** (columns - j) - 1}"
                into[f"{unit}.conv"] = [current[j - 1]]
                into[f"{unit}.norm"] = [f"{unit}.conv"]
                current[j - 1] = f"{unit}.norm"
        if step in joins and only_column is None:
            joined = joins[step]
            keep = joined if kept is None else kept[step]
            into[f"join{step}"] = [current[j - 1] for j in joined if j in keep]
            for j in joined:
                current[j - 1] = f"join{step}"
    return into, current[-1 if only_column is None else only_column - 1]


def _path_lengths(into: dict[str, list[str]], output: str) -> dict[int, int]:
    """conv units on a path -> number of input->output paths, by dynamic programming over the graph."""
    memo: dict[str, dict[int, int]] = {"input": {0: 1}}

    def lengths(node: str) -> dict[int, int]:
        if node not in memo:
            out: dict[int, int] = {}
            for tail in into[node]:
                for n, ways in lengths(tail).items():
                    n += node.endswith(".conv")
                    out[n] = out.get(n, 0) + ways
            memo[node] = out
        return memo[node]

    return lengths(output)


def _live(into: dict[str, list[str]], output: str) -> set[str]:
    """The nodes from which the output is reached along the graph's edges (the surviving sub-network)."""
    live, todo = set(), [output]
    while todo:
        node = todo.pop()
        if node not in live:
            live.add(node)
            todo.extend(into.get(node, []))
    return live


def fractal_block_count(columns: int) -> FractalCount:
    """Count one C-column fractal block of the zoo (:class:`cnnviz.models.fractalnet.FractalBlock`): its conv
    units, joins, input->output paths and the lengths of those paths, walked on the unrolled block
    (:func:`cnnviz.models.fractalnet.fractal_joins`). The expansion rule f_{C+1} = join(f_C ∘ f_C, conv)
    gives paths(C+1) = paths(C)² + 1; the tests check both against each other and the built block."""
    from cnnviz.models.fractalnet import fractal_joins

    positive_int("fractal_block_count", "columns", columns)
    into, output = _fractal_graph(columns)
    lengths = _path_lengths(into, output)
    return FractalCount(
        columns=columns,
        convs=sum(name.endswith(".conv") for name in into),
        joins=len(fractal_joins(columns)),
        paths=sum(lengths.values()),
        longest=max(lengths),
        shortest=min(lengths),
        path_lengths=tuple(sorted(lengths.items())),
    )


@dataclass(frozen=True)
class DropPathSample:
    """One drop-path draw for one C-column block: what survives of it in that training step."""

    columns: int
    seed: int
    kind: str  # "global" (one column) or "local" (joins drop inputs)
    column: int | None  # the column of a global sample
    kept: tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...]  # (join step, its columns, the kept ones)
    live: frozenset[str]  # the diagram's node names that still reach the output
    live_edges: frozenset[tuple[str, str]]  # (tail, head) edges of the surviving sub-network
    convs: int  # conv units that survive
    paths: int  # input->output paths that survive
    longest: int
    shortest: int


@functools.cache
def _one_channel_block(columns: int, local_drop: float):
    """A one-channel FractalBlock in training mode, built once per setting: its joins hold no state, and
    :func:`drop_path_sample` seeds the draws after building it, so reusing it changes no sample."""
    from cnnviz.models.fractalnet import FractalBlock

    return FractalBlock(1, 1, columns, local_drop=local_drop, dropout=0.0).train()


def drop_path_sample(
    columns: int, seed: int, local_drop: float = 0.15, global_drop_ratio: float = 0.5
) -> DropPathSample:
    """Draw drop-path for one block with the zoo's own random calls, under ``torch.manual_seed(seed)``.

    The calls and their order are those of a one-block :class:`cnnviz.models.fractalnet.FractalNet`
    without dropout in training mode: first ``FractalNet.forward``'s coin (global with probability
    ``global_drop_ratio``, then a column drawn uniformly), else each join of the block in depth order runs
    the zoo's :class:`cnnviz.models.fractalnet.Join` (each input dropped with ``local_drop``, at least one
    kept); the join is called on one-hot inputs, so its output says which inputs it kept. The global random
    state is restored afterwards. The defaults are the zoo's (and the paper's) 0.15 and 0.5.
    """
    import torch

    func = "drop_path_sample"
    positive_int(func, "columns", columns)
    integer(func, "seed", seed, minimum=0)
    for name, p in (("local_drop", local_drop), ("global_drop_ratio", global_drop_ratio)):
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
            raise ValueError(f"{func}: {name} must be a probability in [0, 1], got {p!r}")
    kept: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
    column = None
    with torch.random.fork_rng(devices=[]):
        block = _one_channel_block(columns, local_drop)
        torch.manual_seed(seed)
        if global_drop_ratio > 0 and bool(torch.rand(()) < global_drop_ratio):
            column = int(torch.randint(1, columns + 1, ()))
        else:
            for step, joined in block.join_columns.items():
                n = len(joined)
                one_hot = torch.eye(n).view(n, 1, n, 1, 1)  # input i: (1, n, 1, 1), 1 in channel i
                weights = getattr(block, f"join{step}")(*one_hot).flatten()  # 1/kept for kept inputs, else 0
                kept.append((step, joined, tuple(j for j, w in zip(joined, weights.tolist(), strict=True) if w > 0)))
    into, output = _fractal_graph(columns, {s: k for s, _, k in kept}, column)
    live = _live(into, output)
    lengths = _path_lengths(into, output)
    return DropPathSample(
        columns=columns,
        seed=seed,
        kind="global" if column is not None else "local",
        column=column,
        kept=tuple(kept),
        live=frozenset(live),
        live_edges=frozenset((tail, head) for head in live for tail in into.get(head, [])),
        convs=sum(name.endswith(".conv") for name in live),
        paths=sum(lengths.values()),
        longest=max(lengths),
        shortest=min(lengths),
    )
