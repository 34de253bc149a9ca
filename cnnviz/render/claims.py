"""The lecture notes' statements beside what cnnviz computes: a table for a chapter, with each verdict in
words (holds, off, not testable here), and a summary line that counts the notes' bullets, not table rows.

In HTML the statements that are off or not testable here stay in view and the ones that hold are folded
into a ``<details>`` block (a reader looks for what is wrong first). Verdict colours come from the theme:
``verdict-holds`` / ``verdict-off`` classes, which the book's stylesheet recolours on the dark page, over
inline light-page colours for Jupyter; ``verdict-untested`` keeps the text colour of the page, so it reads
in light and dark mode alike. :mod:`cnnviz.render.claim_cards` stacks the same rows as cards, for a phone's
column.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from cnnviz.analysis.claims import BulletTally, Claim, Verdict, tally
from cnnviz.render import theme

HOLDS_COLOUR, OFF_COLOUR = theme.HOLDS, theme.OFF  # darkened Okabe–Ito green / vermillion: ≥ 4.5:1 on white

# Per verdict: the mark before it, its CSS class, and its inline light-page colour ("" keeps the text colour).
_STYLE = {
    Verdict.HOLDS: ("✓", "verdict-holds", HOLDS_COLOUR),
    Verdict.OFF: ("✗", "verdict-off", OFF_COLOUR),
    Verdict.NOT_TESTABLE: ("?", "verdict-untested", ""),
}


def verdict_style(claim: Claim) -> tuple[str, str, str]:
    """The mark, the CSS class and the inline style of ``claim``'s verdict: ("✓", "verdict-holds",
    "color:#…;font-weight:bold"); a verdict without a colour of its own keeps the text colour."""
    mark, kind, colour = _STYLE[claim.verdict]
    return mark, kind, f"color:{colour};font-weight:bold" if colour else "font-weight:bold"


def in_view_and_folded(claims: Iterable[Claim]) -> tuple[list[Claim], list[Claim]]:
    """The claims a reader sees first, what is off and then what the book cannot test, and those folded away,
    what holds."""
    claims = tuple(claims)
    shown = [c for v in (Verdict.OFF, Verdict.NOT_TESTABLE) for c in claims if c.verdict is v]
    return shown, [c for c in claims if c.verdict is Verdict.HOLDS]


def folded_label(n: int) -> str:
    """The line that opens the folded claims: "2 statements that hold (✓): show"."""
    return f"{n} statement{'s' if n != 1 else ''} that hold{'s' if n == 1 else ''} (✓): show"


def verdict_mark(claim: Claim) -> str:
    """The verdict with its mark: "✓ holds (paper)", "✗ off: 8.7× (-27%)", "? not testable here: …"."""
    return f"{_STYLE[claim.verdict][0]} {claim.verdict_text}"


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
                "Verdict": c.verdict_text,
                "Why / source": self._why(c),
            }
            for c in self.claims
        ]

    def _why(self, c: Claim) -> str:
        return (c.note + " " if self.notes and c.note else "") + f"({c.source})"

    def _row_html(self, c: Claim) -> str:
        mark, kind, style = verdict_style(c)
        why = (html.escape(c.note) + "<br>" if self.notes and c.note else "") + f"<small>{html.escape(c.source)}</small>"
        basis = f" <small>({html.escape(c.basis_text)})</small>" if c.basis_text else ""
        return (
            f"<tr><td>{html.escape(c.statement)}</td><td>{html.escape(c.stated)}</td>"
            f"<td>{html.escape(c.actual)}{basis}</td>"
            f'<td class="{kind}" style="{style}">{mark} {html.escape(c.verdict_text)}</td>'
            f"<td>{why}</td></tr>"
        )

    def _repr_html_(self) -> str:
        head = "<tr><th>The notes say</th><th>Stated</th><th>Actual</th><th>Verdict</th><th>Why / source</th></tr>"
        shown, holding = in_view_and_folded(self.claims)
        parts = []
        if shown:
            parts.append(f'<table class="cnnviz-claims">{head}{"".join(self._row_html(c) for c in shown)}</table>')
        if holding:
            parts.append(
                f'<details class="cnnviz-claims-holding"><summary>{folded_label(len(holding))}</summary>'
                f'<table class="cnnviz-claims">{head}{"".join(self._row_html(c) for c in holding)}</table></details>'
            )
        return "".join(parts)

    def _repr_markdown_(self) -> str:
        lines = ["| The notes say | Stated | Actual | Verdict | Why / source |", "|---|---|---|---|---|"]
        for c in self.claims:
            cells = [c.statement, c.stated, c.actual, verdict_mark(c), self._why(c)]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        return "\n".join(lines)

    def __str__(self) -> str:
        width = max((len(c.statement) for c in self.claims), default=10)
        return "\n".join(f"{c.statement:<{width}}  {c.stated:>12}  {c.actual:>24}  {c.verdict_text}" for c in self.claims)


def claims_table(claims: Iterable[Claim], notes: bool = True) -> ClaimsTable:
    return ClaimsTable(tuple(claims), notes)


def _counted(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _verdict_counts(counts: dict[Verdict, int]) -> str:
    """ "3 hold, 1 off, 1 not testable here": the verdicts that occur, in that order, worded for their number."""
    words = {Verdict.HOLDS: ("holds", "hold"), Verdict.OFF: ("off", "off"),
             Verdict.NOT_TESTABLE: ("not testable here", "not testable here")}  # fmt: skip
    return ", ".join(_counted(counts[v], *words[v]) for v in Verdict if counts.get(v))


def bullet_summary(counted: BulletTally) -> str:
    """One line from a tally: "4 bullets of the lecture checked: 3 hold, 1 not testable here (checked as 5
    statements)." and, where some statements check no bullet of the notes, how those fare."""
    if not counted.bullets:
        text = "No bullet of the lecture checked."
    else:
        counts = {v: counted.count(v) for v in Verdict}
        text = (
            f"{_counted(counted.bullets, 'bullet', 'bullets')} of the lecture checked: {_verdict_counts(counts)} "
            f"(checked as {_counted(counted.statements, 'statement', 'statements')})."
        )
    if counted.beyond_notes:
        beyond = {v: sum(1 for c in counted.beyond_notes if c.verdict is v) for v in Verdict}
        n = len(counted.beyond_notes)
        text += f" Beyond the notes, {_counted(n, 'statement', 'statements')}: {_verdict_counts(beyond)}."
    return text


def summary(claims: Iterable[Claim]) -> str:
    """The bullet count of ``claims`` (:func:`bullet_summary`), then the statements that are off and those
    not testable here."""
    claims = tuple(claims)
    text = bullet_summary(tally(claims))
    for verdict, label in ((Verdict.OFF, "Off"), (Verdict.NOT_TESTABLE, "Not testable here")):
        listed = [c.statement for c in claims if c.verdict is verdict]
        if listed:
            text += f" {label}: {'; '.join(listed)}."
    return text
