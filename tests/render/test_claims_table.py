"""The claims table and its summary line: verdicts in words (holds, off, not testable here), and the count
of the notes' bullets, worded for its numbers."""

from __future__ import annotations

import html

import pytest

from cnnviz.analysis.claims import COMPUTED, Bullet, Claim, Verdict, tally
from cnnviz.analysis.claims.make import not_testable
from cnnviz.render import theme
from cnnviz.render.claims import bullet_summary, claims_table, summary, verdict_mark

TABLE = Bullet("demo.table", "[55x55x96] CONV1 … [1000] FC8")
ERROR = Bullet("demo.error", "Error: 16.4%")
GRADS = Bullet("demo.grads", "Reduce vanishing grads")
WOULD = "ResNet-110 trained with and without stochastic depth, recording the first layer's gradient"


def claim(id: str, verdict: Verdict, bullet: Bullet | None, statement: str = "") -> Claim:
    return Claim(id, "demo", statement or f"statement {id}", "1", 1.0, 2.0 if verdict is Verdict.OFF else 1.0,
                 "2" if verdict is Verdict.OFF else "1", COMPUTED, "by hand", verdict, bullet=bullet)  # fmt: skip


def untested(id: str = "g.train") -> Claim:
    return not_testable(id, "demo", "Reduce vanishing grads", WOULD, "huang2016deep, Fig. 7", bullet=GRADS)


@pytest.fixture
def mixed() -> list[Claim]:
    return [
        claim("t.conv1", Verdict.HOLDS, TABLE, "CONV1"),
        claim("t.norm1", Verdict.OFF, TABLE, "NORM1"),
        claim("e.error", Verdict.HOLDS, ERROR, "Error"),
        untested(),
    ]


def test_summary_counts_bullets_and_says_how_many_statements(mixed):
    assert bullet_summary(tally(mixed)) == (
        "3 bullets of the lecture checked: 1 holds, 1 off, 1 not testable here (checked as 4 statements)."
    )
    assert summary(mixed) == (
        "3 bullets of the lecture checked: 1 holds, 1 off, 1 not testable here (checked as 4 statements). "
        "Off: NORM1. Not testable here: Reduce vanishing grads."
    )


@pytest.mark.parametrize(
    ("made", "line"),
    [
        ([("a", Verdict.HOLDS, ERROR)], "1 bullet of the lecture checked: 1 holds (checked as 1 statement)."),
        ([("a", Verdict.HOLDS, ERROR), ("b", Verdict.HOLDS, TABLE), ("c", Verdict.HOLDS, TABLE)],
         "2 bullets of the lecture checked: 2 hold (checked as 3 statements)."),
        ([("a", Verdict.OFF, TABLE), ("b", Verdict.OFF, TABLE)],
         "1 bullet of the lecture checked: 1 off (checked as 2 statements)."),
        ([], "No bullet of the lecture checked."),
    ],
)  # fmt: skip
def test_summary_words_follow_the_numbers(made, line):
    assert bullet_summary(tally(claim(*m) for m in made)) == line


def test_statements_beyond_the_notes_are_counted_apart():
    made = [claim("e.error", Verdict.HOLDS, ERROR), claim("p.params", Verdict.OFF, None)]
    assert bullet_summary(tally(made)) == (
        "1 bullet of the lecture checked: 1 holds (checked as 1 statement). Beyond the notes, 1 statement: 1 off."
    )


def test_verdict_marks_and_words(mixed):
    assert [verdict_mark(c) for c in mixed] == ["✓ holds", "✗ off: 2 (+100%)", "✓ holds", f"? not testable here: {WOULD}"]


def test_markdown_and_text_show_what_would_test_it(mixed):
    markdown = claims_table(mixed)._repr_markdown_()
    assert f"| ? not testable here: {WOULD} |" in markdown and "| ✗ off: 2 (+100%) |" in markdown
    assert f"not testable here: {WOULD}" in str(claims_table(mixed))
    assert claims_table(mixed).rows()[3]["Verdict"] == f"not testable here: {WOULD}"


def test_html_shows_off_and_not_testable_and_folds_what_holds(mixed):
    page = claims_table(mixed)._repr_html_()
    shown, folded = page.split("<details", 1)
    assert "NORM1" in shown and "Reduce vanishing grads" in shown and "CONV1" not in shown
    assert shown.index("NORM1") < shown.index("Reduce vanishing grads")  # what is off first
    assert "2 statements that hold (✓): show" in folded and "CONV1" in folded and "Error" in folded
    assert f'class="verdict-off" style="color:{theme.OFF};font-weight:bold">✗ off' in shown
    # not testable keeps the page's text colour, legible in light and dark mode alike
    assert f'class="verdict-untested" style="font-weight:bold">? not testable here: {html.escape(WOULD)}' in shown


def test_html_of_claims_that_all_hold_is_folded():
    page = claims_table([claim("e.error", Verdict.HOLDS, ERROR)])._repr_html_()
    assert page.startswith("<details") and "1 statement that holds (✓): show" in page
