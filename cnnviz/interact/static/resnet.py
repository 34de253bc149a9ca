"""Kernel-free figure of the ResNet chapter: the degradation curves, one depth at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cnnviz.format import percent
from cnnviz.interact.static.base import StaticFigure, readout_lines, static_figure
from cnnviz.render import theme
from cnnviz.render.curves import curve_label, family_and_depth

__all__ = ["degradation_figure", "degradation_rows"]


def degradation_rows(curves: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per (network, log point, kind): the curves of plain and residual nets as percentages.

    ``curves`` maps a name (``plain20`` ... ``resnet56``) to a record with ``iterations``, ``train_error``
    and ``test_error`` (a :class:`cnnviz.experiments.logs.RunLog`).

    The readout's text is written here (``readout`` on the last training-error row of each network), so the
    page shows the percentages exactly as :func:`cnnviz.format.percent` writes them.
    """
    rows = []
    for name, curve in curves.items():
        family, depth = family_and_depth(name)
        label = curve_label(name)
        ends = (f"{label} ends at {percent(curve.train_error[-1], 1)} training and "
                f"{percent(curve.test_error[-1], 1)} test error")
        for kind, errors in (("training", curve.train_error), ("test", curve.test_error)):
            for iteration, error in zip(curve.iterations, errors, strict=True):
                row = {"network": label, "family": family, "depth": depth, "kind": kind, "iteration": iteration,
                       "error": round(100 * error, 2)}
                if kind == "training" and iteration == curve.iterations[-1]:
                    row["readout"] = ends
                rows.append(row)
    return rows


def degradation_figure(curves: Mapping[str, Any], depth: int | None = None) -> StaticFigure:
    """The training (dashed) and test (solid) error of plain-D and ResNet-D for one depth D at a time.

    One radio button per depth that has both a plain and a residual log (param ``depth``, default the
    deepest); the readout gives both networks' final errors. ``curves`` as in :func:`degradation_rows`.
    """
    import altair as alt

    func = "degradation_figure"
    by_family: dict[str, set[int]] = {"plain": set(), "resnet": set()}
    for name in curves:
        family, d = family_and_depth(name)
        by_family[family].add(d)
    depths = sorted(by_family["plain"] & by_family["resnet"])
    if not depths:
        raise ValueError(f"{func}: needs a plain and a residual log of the same depth, got {sorted(curves)}")
    depth = depths[-1] if depth is None else depth
    if depth not in depths:
        raise ValueError(f"{func}: depth={depth!r} has no pair of logs; valid depths: {depths}")
    rows = degradation_rows({n: c for n, c in curves.items() if family_and_depth(n)[1] in depths})

    pick = alt.param(name="depth", value=depth,
                     bind=alt.binding_radio(options=depths, labels=[f"{d} layers" for d in depths],
                                            name="depth "))
    data = alt.Data(name="degradation")
    base = alt.Chart(data).transform_filter("datum.depth == depth")
    colour = alt.Color("family:N", title=None, scale=alt.Scale(
        domain=["plain", "resnet"], range=[theme.OKABE_ITO["vermillion"], theme.OKABE_ITO["blue"]]),
        legend=alt.Legend(labelExpr="datum.label == 'plain' ? 'plain' : 'ResNet'", orient="top"))
    dash = alt.StrokeDash("kind:N", title=None, scale=alt.Scale(domain=["training", "test"],
                                                                range=[[5, 3], [1, 0]]),
                          legend=alt.Legend(orient="top"))
    lines = base.mark_line(strokeWidth=2).encode(
        x=alt.X("iteration:Q", title="iteration"),
        y=alt.Y("error:Q", title="error (%)", scale=alt.Scale(domain=[0, 100])),
        color=colour, strokeDash=dash, detail="network:N",
        tooltip=["network:N", "kind:N", "iteration:Q", alt.Tooltip("error:Q", format=".1f")],
    ).properties(width=460, height=260)
    final = base.transform_filter("isValid(datum.readout)")
    lines_text = [
        readout_lines(
            alt,
            final.transform_filter(f"datum.family == '{family}'").transform_calculate(
                line=str(line), text="datum.readout"
            ),
            2, 460, f"readout_{family}",
        )
        for line, family in enumerate(("plain", "resnet"))
    ]
    chart = alt.vconcat(alt.layer(*lines_text), lines, spacing=10).add_params(pick).properties(
        title=alt.Title("Plain vs residual network of one depth",
                        subtitle="Dashed: training error, solid: test error; pick a depth."),
        datasets={"degradation": rows},
    )
    fallback = "; ".join(
        f"{name}: {100 * c.train_error[-1]:.1f}% training, {100 * c.test_error[-1]:.1f}% test error"
        for name, c in curves.items()
    )
    alt_text = "Line chart of training and test error of the plain and residual network of a chosen depth"
    return static_figure(chart, alt_text, fallback, ["depth"])
