"""The lecture notes' statements beside what cnnviz computes, one card per statement: the rows of
:func:`cnnviz.render.claims.claims_table` stacked, so that a phone's column shows every field (five columns
run off a 390 px screen).

A card gives the statement, its verdict, the figure the notes state and the one cnnviz computes (or the
paper reports), the note, and the source; the note and the source give the book's citation keys in words
("Huang et al. 2017", :func:`cnnviz.render.citations.readable`). As in the table, the statements that are off or not testable here
stay in view and those that hold are folded into a ``<details>`` block, and the verdicts carry the same
classes and light-page colours (the book's stylesheet recolours them on the dark page)::

    from cnnviz.render.claim_cards import claim_cards
    claim_cards(facts.claims)
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from cnnviz.analysis.claims import Claim
from cnnviz.render.citations import readable
from cnnviz.render.claims import folded_label, in_view_and_folded, verdict_mark, verdict_style

__all__ = ["ClaimCards", "claim_cards"]


@dataclass(frozen=True)
class ClaimCards:
    claims: tuple[Claim, ...]

    @staticmethod
    def _card(c: Claim) -> str:
        mark, kind, style = verdict_style(c)
        actual = "Actual" + (f" ({html.escape(c.basis_text)})" if c.basis_text else "")
        note = f"<p>{html.escape(readable(c.note))}</p>" if c.note else ""
        return (
            '<div class="cnnviz-claim" style="border-left:3px solid #8c8c8c;padding-left:0.7em;margin:0.9em 0">'
            f"<p><em>The notes say:</em> <strong>{html.escape(c.statement)}</strong></p>"
            f'<p class="{kind}" style="{style}">{mark} {html.escape(c.verdict_text)}</p>'
            f"<p><em>Stated:</em> {html.escape(c.stated)}<br><em>{actual}:</em> {html.escape(c.actual)}</p>"
            f"{note}<p><small>Source: {html.escape(readable(c.source))}</small></p></div>"
        )

    def _repr_html_(self) -> str:
        shown, holding = in_view_and_folded(self.claims)
        parts = ['<div class="cnnviz-claims">', *(self._card(c) for c in shown)]
        if holding:
            parts.append(f'<details class="cnnviz-claims-holding"><summary>{folded_label(len(holding))}</summary>'
                         f'{"".join(self._card(c) for c in holding)}</details>')  # fmt: skip
        return "".join([*parts, "</div>"])

    def __str__(self) -> str:
        return "\n".join(f"{c.statement}: {verdict_mark(c)}" for c in self.claims)


def claim_cards(claims: Iterable[Claim]) -> ClaimCards:
    """``claims`` as stacked cards, in the order given (:class:`ClaimCards`)."""
    return ClaimCards(tuple(claims))
