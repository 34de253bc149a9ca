"""Kernel-free interactive figures: sliders that respond on the published page, with no kernel.

Each explorer precomputes its numbers with :mod:`cnnviz.analysis.ops` for every slider position and
ships them inside a Vega-Lite spec (written with altair). In the browser, a slider only *filters* the
precomputed rows (and Vega sums the rows of one module's branches); no formula is re-derived in
JavaScript.

One object, two displays (:meth:`StaticFigure._repr_mimebundle_`):

- building the book (``CNNVIZ_BOOK=1``, set by ``make site``): the light
  ``<div class="cnnviz-vega" data-spec=...>``, which the site's script ``book/_assets/cnnviz-figures.js``
  embeds with the site's copy of the Vega bundles (loaded once per page);
- anywhere else (JupyterLab, Notebook 7, VS Code, Colab): HTML that carries its own renderer, the Vega,
  Vega-Lite and Vega-Embed bundles shipped in ``cnnviz/interact/static/vendor/`` (gzipped, about 370 kB
  per figure) and ``standalone.js``, so the figure draws offline in any front end that runs an output's
  scripts. No front end renders the Vega-Lite v6 MIME type itself (JupyterLab 4 stops at v5), so none is sent.

Every slider is a Vega-Lite parameter with a stable name; Vega renders it as
``<input type="range" name="{param}">``, which is how a browser test finds it. Each figure also shows its
current numbers as text marks (the "readout"), so a test can read them back.

altair is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from cnnviz.render import theme

if TYPE_CHECKING:
    import altair

__all__ = [
    "BOOK_ENV", "FONT", "GREY", "INK", "PHONE_PANEL_WIDTH", "PHONE_READOUT_CHARS", "StaticFigure", "on_slider_grid", "readout_lines", "slider_grid",
    "slider_param", "static_figure", "style_chart",
]

# A figure that fits a phone's 358-px column (the book at 390 px): no view wider, no readout, title or subtitle
# line longer (in characters of the figures' font).
PHONE_PANEL_WIDTH = 270  # px
PHONE_READOUT_CHARS = 45
BOOK_ENV = "CNNVIZ_BOOK"  # "1" while the book is built: figures leave the drawing to the site's script
VEGA_BUNDLES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")  # in load order
GREY = theme.MUTED  # axes, legends and secondary marks: 7:1 on the figure's paper
INK = theme.INK  # titles and readout text
FONT = "Helvetica, Arial, sans-serif"

@dataclass(frozen=True)
class StaticFigure:
    """A Vega-Lite spec with a text fallback, displayed as HTML that draws it (see the module's docstring).

    ``alt`` is the figure's accessible name (``aria-label``); ``fallback`` is the text shown until the
    chart renders (or without JavaScript), by default ``alt``.
    """

    spec: Mapping[str, Any]
    alt: str
    fallback: str = ""
    sliders: tuple[str, ...] = field(default=())  # names of the bound params, in display order

    def spec_json(self) -> str:
        """The spec as compact JSON with sorted keys: the same bytes on every build."""
        return json.dumps(self.spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def html(self) -> str:
        """``<div class="cnnviz-vega" role="figure" aria-label=... data-spec=...>fallback</div>``.

        The attribute is single-quoted, so the JSON's many double quotes need no escaping (that halves
        the page weight); ``&``, ``<``, ``>`` and ``'`` are escaped.
        """
        spec = self.spec_json()
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("'", "&#39;")):
            spec = spec.replace(char, entity)
        text = html.escape(self.fallback or self.alt)
        return (
            f'<div class="cnnviz-vega" role="figure" aria-label="{html.escape(self.alt)}" '
            f"data-spec='{spec}'>{text}</div>"
        )

    def datasets(self) -> dict[str, list[dict[str, Any]]]:
        """The precomputed rows the spec carries, by dataset name."""
        return {name: list(rows) for name, rows in self.spec.get("datasets", {}).items()}

    def standalone_html(self) -> str:
        """:meth:`html` plus its own renderer: draws in a notebook front end with no site around it, offline.

        ``<div class="cnnviz-figure">`` holds the figure's div, the Vega bundles (gzipped, base64) in a
        ``<script type="text/plain">`` and ``standalone.js``, which evaluates them once per page and embeds
        the spec.
        """
        return (
            f'<div class="cnnviz-figure">{self.html()}'
            f'<script type="text/plain" class="cnnviz-vega-bundle">{_vega_bundle_base64()}</script>'
            f"<script>{_standalone_js()}</script></div>"
        )

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        if os.environ.get(BOOK_ENV) == "1":
            return {"text/html": self.html()}
        return {"text/html": self.standalone_html(), "text/plain": self.fallback or self.alt}


def _vendor(name: str) -> bytes:
    return (resources.files("cnnviz.interact.static") / "vendor" / name).read_bytes()


@functools.cache
def _vega_bundle_base64() -> str:
    """The three bundles, concatenated in load order, gzipped (no timestamp: the same bytes every time)."""
    code = b"\n;\n".join(_vendor(name) for name in VEGA_BUNDLES)
    return base64.b64encode(gzip.compress(code, compresslevel=9, mtime=0)).decode("ascii")


@functools.cache
def _standalone_js() -> str:
    return (resources.files("cnnviz.interact.static") / "standalone.js").read_text(encoding="utf-8")


# --- helpers shared by the chapters' figures -------------------------------------------------------------------------------------


def slider_grid(func: str, name: str, minimum: int, maximum: int, step: int) -> list[int]:
    for key, value in (("minimum", minimum), ("maximum", maximum), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{func}: {name} slider {key} must be a positive integer, got {value!r}")
    if maximum < minimum:
        raise ValueError(f"{func}: {name} slider maximum {maximum} is below its minimum {minimum}")
    return list(range(minimum, maximum + 1, step))


def on_slider_grid(func: str, name: str, value: object, grid: Sequence[int]) -> int:
    if value not in grid or isinstance(value, bool):
        raise ValueError(
            f"{func}: {name}={value!r} is not a slider position; valid: {grid[0]} to {grid[-1]} in steps of "
            f"{grid[1] - grid[0] if len(grid) > 1 else 1}"
        )
    return value  # type: ignore[return-value]


def slider_param(alt: Any, name: str, value: int, grid: Sequence[int], label: str) -> altair.Parameter:
    step = grid[1] - grid[0] if len(grid) > 1 else 1
    bind = alt.binding_range(min=grid[0], max=grid[-1], step=step, name=f"{label} ")
    return alt.param(name=name, value=value, bind=bind)


def style_chart(chart: altair.TopLevelMixin) -> altair.TopLevelMixin:
    """The theme's opaque paper, dark text and axes, Okabe–Ito categories; legends above the chart.

    The paper is opaque (and the book's stylesheet gives the figure's sliders the same paper), so the
    text contrast is fixed in both of the site's modes and in JupyterLab's dark theme. Legends go on top,
    where they stay visible when a wide figure scrolls sideways on a phone.
    """
    return (
        chart.configure(background=theme.PAPER, font=FONT, padding=8)
        .configure_view(stroke=None)
        .configure_title(color=INK, subtitleColor=GREY, anchor="start", fontSize=14, subtitleFontSize=12)
        .configure_axis(
            labelColor=GREY, titleColor=INK, domainColor=GREY, tickColor=GREY, gridColor=GREY,
            gridOpacity=0.25,
        )
        .configure_legend(labelColor=INK, titleColor=INK, orient="top")
        .configure_header(labelColor=INK, titleColor=INK)
        .configure_text(color=INK, fontSize=12)
        .configure_range(category=list(theme.OKABE_ITO.values())[:7])
    )


def readout_lines(alt: Any, base: altair.Chart, lines: int, width: int, name: str) -> altair.Chart:
    """Text lines (field ``text``, ordered by ``line``): the figure's current numbers, as text."""
    return (
        base.mark_text(align="left", baseline="middle", fontSize=13)
        .encode(
            x=alt.value(0),
            y=alt.Y("line:O", axis=None, scale=alt.Scale(domain=list(range(lines)))),
            text="text:N",
        )
        .properties(width=width, height=20 * lines, name=name)
    )


def static_figure(
    chart: altair.TopLevelMixin, alt_text: str, fallback: str, sliders: Sequence[str]
) -> StaticFigure:
    spec = style_chart(chart).to_dict()  # altair validates against the Vega-Lite v6 schema here
    return StaticFigure(spec=spec, alt=alt_text, fallback=fallback, sliders=tuple(sliders))
