"""Verdicts of three values (holds, off, not testable here), their validation, and the count of the notes'
bullets, on claims made by hand."""

from __future__ import annotations

import dataclasses

import pytest

from cnnviz.analysis.claims import COMPUTED, PAPER, Bullet, Claim, Verdict, tally
from cnnviz.analysis.claims.make import computed, not_testable, paper

TABLE = Bullet("demo.table", "[55x55x96] CONV1 … [1000] FC8")
ERROR = Bullet("demo.error", "Error: 16.4%")
GRADS = Bullet("demo.grads", "Reduce vanishing grads")


def claim(id: str, verdict: Verdict, bullet: Bullet | None = None, would_test: str = "", **fields) -> Claim:
    return Claim(id, "demo", f"statement {id}", "1", 1.0, 1.0, "1", COMPUTED, "by hand", verdict,
                 would_test=would_test, bullet=bullet, **fields)  # fmt: skip


def test_three_values_in_words():
    assert [v.value for v in Verdict] == ["holds", "off", "not testable here"]
    assert Verdict.of(True) is Verdict.HOLDS and Verdict.of(False) is Verdict.OFF


def test_holds_is_true_only_for_holds():
    assert claim("a", Verdict.HOLDS).holds
    assert not claim("b", Verdict.OFF).holds
    assert not claim("c", Verdict.NOT_TESTABLE, would_test="a trained network").holds


def test_holds_follows_the_verdict_when_it_is_replaced():
    holding = claim("a", Verdict.HOLDS)
    assert not dataclasses.replace(holding, verdict=Verdict.OFF).holds


def test_verdict_text():
    assert computed("v.ok", "demo", "TOTAL params: 138M", "138M", 138_357_544, "ledger").verdict_text == "holds"
    assert paper("v.p", "demo", "Batch: 256", "256", 256, 256, "256", "a paper").verdict_text == "holds (paper)"
    off = computed("v.off", "demo", "Total: 358M ops", "358M", 271_351_808, "ops")
    assert off.verdict is Verdict.OFF and off.verdict_text == "off: 271,351,808 (271.4M) (-24%)"
    untested = not_testable("v.nt", "demo", "Reduce vanishing grads", "ResNet-110 trained with and without it",
                            "huang2016deep, Fig. 7")  # fmt: skip
    assert untested.verdict_text == "not testable here: ResNet-110 trained with and without it"
    assert untested.stated == "—" and untested.basis == COMPUTED


def test_no_relative_error_on_a_qualitative_statement():
    qualitative = Claim("q", "demo", "Larger gradient", "larger", 1.0, 0.54, "0.54×", COMPUTED, "by hand",
                        Verdict.OFF)  # fmt: skip
    assert qualitative.verdict_text == "off: 0.54×"


def test_not_testable_without_what_would_test_it_is_refused():
    with pytest.raises(ValueError, match=r"claim 'demo.grads': a NOT_TESTABLE verdict needs would_test"):
        claim("demo.grads", Verdict.NOT_TESTABLE)
    with pytest.raises(ValueError, match=r"claim 'demo.blank': a NOT_TESTABLE verdict needs would_test"):
        claim("demo.blank", Verdict.NOT_TESTABLE, would_test="   ")


@pytest.mark.parametrize("verdict", [Verdict.HOLDS, Verdict.OFF])
def test_what_would_test_it_is_only_for_not_testable(verdict):
    with pytest.raises(ValueError, match=rf"claim 'demo.x': would_test is only for .*its verdict is {verdict.name}"):
        claim("demo.x", verdict, would_test="a trained network")


@pytest.mark.parametrize("verdict", [True, "holds", None])
def test_a_verdict_must_be_a_verdict(verdict):
    with pytest.raises(ValueError, match=r"claim 'demo.b': verdict must be a Verdict"):
        claim("demo.b", verdict)


def test_a_bullet_needs_its_text():
    with pytest.raises(ValueError, match=r"a bullet needs a key and its text"):
        Bullet("demo.empty", " ")


def test_holds_is_not_a_constructor_argument():
    with pytest.raises(TypeError):
        Claim("h", "demo", "s", "1", 1.0, 1.0, "1", PAPER, "src", Verdict.HOLDS, holds=True)  # type: ignore[call-arg]


# --- the bullet count -------------------------------------------------------------------------------------


def test_a_bullet_checked_as_two_statements_counts_once_and_is_off_if_one_is():
    made = [
        claim("t.conv1", Verdict.HOLDS, TABLE),
        claim("t.norm1", Verdict.OFF, TABLE),
        claim("e.error", Verdict.HOLDS, ERROR),
    ]
    counted = tally(made)
    assert (counted.bullets, counted.statements) == (2, 3)
    assert (counted.holds, counted.off, counted.not_testable) == (1, 1, 0)
    assert [c.bullet for c in counted.checks] == [TABLE, ERROR]  # in the order the claims come
    assert [c.verdict for c in counted.checks] == [Verdict.OFF, Verdict.HOLDS]
    assert counted.rows("demo.table") == tuple(made[:2])


def test_off_outranks_not_testable_which_outranks_holds():
    untested = claim("g.train", Verdict.NOT_TESTABLE, GRADS, would_test="trained networks")
    assert tally([claim("g.a", Verdict.HOLDS, GRADS), untested]).checks[0].verdict is Verdict.NOT_TESTABLE
    assert tally([untested, claim("g.b", Verdict.OFF, GRADS)]).checks[0].verdict is Verdict.OFF
    assert tally([claim("g.c", Verdict.HOLDS, GRADS)]).checks[0].verdict is Verdict.HOLDS


def test_statements_that_check_no_bullet_are_kept_apart():
    counted = tally([claim("p.params", Verdict.OFF), claim("e.error", Verdict.HOLDS, ERROR)])
    assert (counted.bullets, counted.statements, counted.holds, counted.off) == (1, 1, 1, 0)
    assert [c.id for c in counted.beyond_notes] == ["p.params"]


def test_a_bullet_key_with_two_texts_is_refused():
    other = Bullet("demo.error", "Error: 16.4% (2012)")
    with pytest.raises(ValueError, match=r"tally: bullet 'demo.error' has two texts"):
        tally([claim("a", Verdict.HOLDS, ERROR), claim("b", Verdict.HOLDS, other)])


def test_rows_of_an_unknown_bullet():
    with pytest.raises(KeyError, match=r"tally: no bullet 'demo.nothing'; bullets: demo.error"):
        tally([claim("e", Verdict.HOLDS, ERROR)]).rows("demo.nothing")


def test_an_empty_tally():
    counted = tally([])
    assert (counted.bullets, counted.statements, counted.holds, counted.off, counted.not_testable) == (0,) * 5
