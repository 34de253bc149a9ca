"""The lecture notes' figures beside what cnnviz computes: a table for a chapter, with each verdict.

In HTML the figures that are off stay in view and the ones that hold are folded into a ``<details>``
block (a reader looks for what is wrong first). Verdict colours come from the theme: ``verdict-holds`` /
``verdict-off`` classes, which the book's stylesheet recolours on the dark page, over inline light-page
colours for Jupyter.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from cnnviz.analysis.claims import Claim
from cnnviz.render import theme

HOLDS_COLOUR, OFF_COLOUR = theme.HOLDS, theme.OFF  # darkened Okabe–Ito green / vermillion: ≥ 4.5:1 on white


@dataclass(frozen=True)
class ClaimsTable:
    claims: tuple[Claim, ...]
    notes: bool = True  # show the note column (why a figure is off, or what to keep in mind)

    def rows(self) -> list[dict[str, str]]:
        return [
            {
                "The notes say": c.statement,
                "Stated": c.stated,
                "cnnviz" if c.basis == "computed" else "Paper": c.actual,
                "Verdict": c.verdict,
                "Why / source": (c.note + " " if self.notes and c.note else "") + f"({c.source})",
            }
            for c in self.claims
        ]

    def _row_html(self, c: Claim) -> str:
        colour, kind, mark = (HOLDS_COLOUR, "holds", "✓") if c.holds else (OFF_COLOUR, "off", "✗")
        why = (html.escape(c.note) + "<br>" if self.notes and c.note else "") + f"<small>{html.escape(c.source)}</small>"
        basis = f" <small>({html.escape(c.basis_text)})</small>" if c.basis_text else ""
        return (
            f"<tr><td>{html.escape(c.statement)}</td><td>{html.escape(c.stated)}</td>"
            f"<td>{html.escape(c.actual)}{basis}</td>"
            f'<td class="verdict-{kind}" style="color:{colour};font-weight:bold">{mark} {html.escape(c.verdict)}</td>'
            f"<td>{why}</td></tr>"
        )

    def _repr_html_(self) -> str:
        head = "<tr><th>The notes say</th><th>Stated</th><th>Actual</th><th>Verdict</th><th>Why / source</th></tr>"
        off = [c for c in self.claims if not c.holds]
        holding = [c for c in self.claims if c.holds]
        parts = []
        if off:
            parts.append(f'<table class="cnnviz-claims">{head}{"".join(self._row_html(c) for c in off)}</table>')
        if holding:
            n = len(holding)
            label = f"{n} figure{'s' if n != 1 else ''} that hold{'s' if n == 1 else ''} (✓): show"
            parts.append(
                f'<details class="cnnviz-claims-holding"><summary>{label}</summary>'
                f'<table class="cnnviz-claims">{head}{"".join(self._row_html(c) for c in holding)}</table></details>'
            )
        return "".join(parts)

    def _repr_markdown_(self) -> str:
        lines = ["| The notes say | Stated | Actual | Verdict | Why / source |", "|---|---|---|---|---|"]
        for c in self.claims:
            why = (c.note + " " if self.notes and c.note else "") + f"({c.source})"
            cells = [c.statement, c.stated, c.actual, ("✓ " if c.holds else "✗ ") + c.verdict, why]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        return "\n".join(lines)

    def __str__(self) -> str:
        width = max((len(c.statement) for c in self.claims), default=10)
        return "\n".join(f"{c.statement:<{width}}  {c.stated:>12}  {c.actual:>24}  {c.verdict}" for c in self.claims)


def claims_table(claims: Iterable[Claim], notes: bool = True) -> ClaimsTable:
    return ClaimsTable(tuple(claims), notes)


def summary(claims: Iterable[Claim]) -> str:
    """One line: how many figures hold and which are off."""
    claims = tuple(claims)
    off = [c for c in claims if not c.holds]
    text = f"{len(claims) - len(off)} of {len(claims)} figures hold"
    return text + (f"; off: {', '.join(c.statement for c in off)}." if off else ".")
