"""Constructors of claims, shared by the chapters' modules: a computed figure, a ratio, a paper's figure,
an output volume; and the ledgers they read, built once per process."""

from __future__ import annotations

import functools

from cnnviz.analysis.claims import COMPUTED, PAPER, Claim, parse_figure
from cnnviz.analysis.ledger import Ledger, ledger
from cnnviz.format import count, hwc, si_count


def _rounds_to(actual: float, stated: float, resolution: float) -> bool:
    return abs(actual - stated) <= resolution / 2 + 1e-9






def computed(
    id: str, chapter: str, statement: str, stated: str, actual: float, source: str, note: str = "",
    actual_text: str | None = None,
) -> Claim:  # fmt: skip
    """A figure cnnviz computes; it holds when it rounds to ``stated`` at the notes' precision."""
    value, resolution = parse_figure(stated)
    return Claim(
        id, chapter, statement, stated, value, float(actual),
        actual_text or f"{count(actual)} ({si_count(actual)})" if actual >= 1e4 else actual_text or count(actual),
        COMPUTED, source, _rounds_to(actual, value, resolution), note,
    )


def ratio(id: str, chapter: str, statement: str, stated: float, resolution: float, actual: float,
          source: str, note: str = "") -> Claim:  # fmt: skip
    """A computed ratio ("12× fewer"); it holds within ``resolution / 2`` of ``stated``."""
    return Claim(
        id, chapter, statement, f"{stated:g}×", stated, actual, f"{actual:.1f}×", COMPUTED, source,
        _rounds_to(actual, stated, resolution), note,
    )


def paper(id: str, chapter: str, statement: str, stated: str, stated_value: float, reported: float,
          reported_text: str, source: str, note: str = "", *, resolution: float = 0.0,
          credited: str = "") -> Claim:  # fmt: skip
    """A figure only the paper can give (a result, a training setting), with its citation in ``source``.

    It holds when the stated figure is the reported one, or, with ``resolution``, the reported one rounded
    to that resolution (the notes' "6.7%" for the paper's 6.67%). ``credited`` names the source when the
    figure is not the chapter's own paper's (e.g. a challenge's results table).
    """
    if resolution:
        holds = _rounds_to(reported, stated_value, resolution)
    else:
        holds = abs(stated_value - reported) <= 1e-9 * max(1.0, abs(reported))
    return Claim(
        id, chapter, statement, stated, stated_value, reported, reported_text, PAPER, source, holds, note,
        credited,
    )




def shape_claim(id: str, chapter: str, label: str, stated: str, led: Ledger, layer: str, note: str = "") -> Claim:
    """The output volume of ``layer`` against the notes' ``stated`` "HxWxC"."""
    row = next(r for r in led.rows if r.name == layer)
    actual = hwc(row.output_shape)
    return Claim(
        id, chapter, f"[{stated}] {label}", stated, 0.0, 0.0, actual, COMPUTED,
        f"ledger({led.model!r}), layer {layer!r}", actual == stated, note,
    )


@functools.cache
def cached_ledger(name: str) -> Ledger:
    """The ledger of a registry name, built once: several claims of several chapters read the same one."""
    return ledger(name)


def total_params(name: str) -> int:
    return cached_ledger(name).total_params
