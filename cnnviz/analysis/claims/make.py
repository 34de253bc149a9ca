"""Constructors of claims, shared by the chapters' modules: a computed figure, a ratio, a paper's figure,
an output volume, a statement not testable here; and the ledgers they read, built once per process."""

from __future__ import annotations

import functools

from cnnviz.analysis.claims import COMPUTED, PAPER, Bullet, Claim, Verdict, parse_figure
from cnnviz.analysis.ledger import Ledger, ledger
from cnnviz.format import count, hwc, si_count

NO_FIGURE = "—"  # the "stated" of a statement the notes make without a figure


def _rounds_to(actual: float, stated: float, resolution: float) -> bool:
    return abs(actual - stated) <= resolution / 2 + 1e-9


def computed(
    id: str, chapter: str, statement: str, stated: str, actual: float, source: str, note: str = "",
    actual_text: str | None = None, *, bullet: Bullet | None = None,
) -> Claim:  # fmt: skip
    """A figure cnnviz computes; it holds when it rounds to ``stated`` at the notes' precision."""
    value, resolution = parse_figure(stated)
    return Claim(
        id, chapter, statement, stated, value, float(actual),
        actual_text or f"{count(actual)} ({si_count(actual)})" if actual >= 1e4 else actual_text or count(actual),
        COMPUTED, source, Verdict.of(_rounds_to(actual, value, resolution)), note, bullet=bullet,
    )


def ratio(id: str, chapter: str, statement: str, stated: float, resolution: float, actual: float,
          source: str, note: str = "", *, bullet: Bullet | None = None) -> Claim:  # fmt: skip
    """A computed ratio ("12× fewer"); it holds within ``resolution / 2`` of ``stated``."""
    return Claim(
        id, chapter, statement, f"{stated:g}×", stated, actual, f"{actual:.1f}×", COMPUTED, source,
        Verdict.of(_rounds_to(actual, stated, resolution)), note, bullet=bullet,
    )


def paper(id: str, chapter: str, statement: str, stated: str, stated_value: float, reported: float,
          reported_text: str, source: str, note: str = "", *, resolution: float = 0.0,
          credited: str = "", bullet: Bullet | None = None) -> Claim:  # fmt: skip
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
        id, chapter, statement, stated, stated_value, reported, reported_text, PAPER, source, Verdict.of(holds),
        note, credited, bullet=bullet,
    )


def not_testable(id: str, chapter: str, statement: str, would_test: str, source: str, note: str = "", *,
                 bullet: Bullet | None = None, stated: str = NO_FIGURE,
                 actual: str = "not measured: needs trained networks") -> Claim:  # fmt: skip
    """A statement nothing the book runs can test (a claim about training, without trained networks here).

    ``would_test`` says what would test it (the runs, what they record); ``source`` names the paper's own
    evidence, so the reader knows where the statement comes from and how the paper supports it.
    """
    return Claim(
        id, chapter, statement, stated, 0.0, 0.0, actual, COMPUTED, source, Verdict.NOT_TESTABLE, note,
        would_test=would_test, bullet=bullet,
    )


def shape_claim(id: str, chapter: str, label: str, stated: str, led: Ledger, layer: str, note: str = "", *,
                bullet: Bullet | None = None) -> Claim:  # fmt: skip
    """The output volume of ``layer`` against the notes' ``stated`` "HxWxC"."""
    row = next(r for r in led.rows if r.name == layer)
    actual = hwc(row.output_shape)
    return Claim(
        id, chapter, f"[{stated}] {label}", stated, 0.0, 0.0, actual, COMPUTED,
        f"ledger({led.model!r}), layer {layer!r}", Verdict.of(actual == stated), note, bullet=bullet,
    )


@functools.cache
def cached_ledger(name: str) -> Ledger:
    """The ledger of a registry name, built once: several claims of several chapters read the same one."""
    return ledger(name)


def total_params(name: str) -> int:
    return cached_ledger(name).total_params
