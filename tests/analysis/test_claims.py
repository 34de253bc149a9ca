"""The lecture notes' statements, checked: the parser, the verdicts, the claims the book must flag, and
every claim's bullet of the notes."""

from __future__ import annotations

import re

import pytest

from cnnviz.analysis import claims


@pytest.mark.parametrize(
    ("text", "value", "resolution"),
    [
        ("35k", 35_000, 1_000),
        ("800K", 800_000, 100_000),
        ("150K", 150_000, 10_000),
        ("3.2M", 3_200_000, 100_000),
        ("1,728", 1_728, 1),
        ("102,760,448", 102_760_448, 1),
        ("0", 0, 1),
        ("854M", 854_000_000, 1_000_000),
    ],
)
def test_parse_figure_reads_the_notes_precision(text, value, resolution):
    assert claims.parse_figure(text) == pytest.approx((value, resolution))


def test_parse_figure_rejects_what_is_not_a_figure():
    with pytest.raises(ValueError, match=r"parse_figure: cannot read 'about ten'"):
        claims.parse_figure("about ten")


@pytest.fixture(scope="module")
def every() -> tuple[claims.Claim, ...]:
    return claims.check_all()


@pytest.fixture(scope="module")
def by_id(every) -> dict[str, claims.Claim]:
    return {c.id: c for c in every}


def test_ids_are_unique_and_every_claim_says_where_it_comes_from(every):
    assert len({c.id for c in every}) == len(every)
    for claim in every:
        assert claim.source and claim.statement and claim.basis in {claims.COMPUTED, claims.PAPER}
        assert claim.chapter in claims.CHAPTERS


@pytest.mark.parametrize(
    ("claim_id", "actual"),
    [
        ("alexnet.conv1.params", 34_848),
        ("vgg16.total_params", 138_357_544),
        ("vgg.three_3x3_rf", 7),
        ("vgg.params_stack", 27),
        ("vgg.params_large", 49),
        ("googlenet.naive.depth", 672),
        ("googlenet.naive.ops", 854_196_224),
        ("googlenet.depth", 22),
        ("resnet.depth152", 152),
        ("resnet.block_convs", 2),
        ("resnet.double_filters", 2),
        ("resnet.stride2", 2),
        ("resnet.stem", 1),
        ("vgg16.row1.params", 1_728),
        ("vgg16.row19.params", 102_760_448),
    ],
)
def test_figures_that_hold(by_id, claim_id, actual):
    claim = by_id[claim_id]
    assert claim.actual_value == actual
    assert claim.holds and claim.verdict is claims.Verdict.HOLDS and claim.verdict_text == "holds"


@pytest.mark.parametrize(
    ("claim_id", "actual"),
    [
        # The six terms of the reduced Inception module sum to 271M multiply-adds, not 358M.
        ("googlenet.reduced.ops", 28 * 28 * (64 * 256 * 3 + 128 * 256 + 192 * 9 * 64 + 96 * 25 * 64)),
        # The VGG16 table's rows (input included) sum to 15.2M values, not 24M.
        ("vgg16.total_memory", 15_237_608),
        ("googlenet.fc_layers", 1),
        ("resnet.fc_layers", 1),
    ],
)
def test_figures_the_book_must_flag(by_id, claim_id, actual):
    claim = by_id[claim_id]
    assert claim.actual_value == actual
    assert not claim.holds and claim.verdict is claims.Verdict.OFF and claim.verdict_text.startswith("off: ")
    assert claim.note, f"{claim_id}: an off claim must say why"


def test_ratios(by_id):
    assert by_id["googlenet.vs_alexnet"].actual_value == pytest.approx(60_965_224 / 6_998_552)
    assert not by_id["googlenet.vs_alexnet"].holds  # about 8.7x, not 12x
    assert by_id["squeezenet.fewer_params"].holds  # 48.8x: "50x" at the notes' precision
    assert by_id["squeezenet.smaller_deep_compression"].holds  # 500x is the paper's 510x with Deep Compression


def test_paper_settings_that_the_notes_misquote(by_id):
    assert not by_id["resnet.weight_decay"].holds and by_id["resnet.weight_decay"].actual_value == 1e-4
    assert not by_id["resnet.init"].holds
    assert by_id["resnet.momentum"].holds and by_id["resnet.momentum"].verdict_text == "holds (paper)"


def test_the_norm_layers_follow_the_papers_order(by_id):
    # The paper normalises before pooling, so NORM1 sees conv1's 55x55 map; the notes pool first.
    assert by_id["alexnet.norm1.output"].actual == "55x55x96"
    assert by_id["alexnet.pool1.output"].actual == "27x27x96" and by_id["alexnet.pool1.output"].holds


def test_unknown_chapter():
    with pytest.raises(KeyError, match=r"unknown chapter 'lenet'"):
        claims.for_chapter("lenet")


def test_worst_ratio_finds_the_step_that_breaks_a_pattern():
    from cnnviz.analysis.claims.resnet import _worst_ratio

    assert _worst_ratio([2.0, 2.0, 2.0], 2) == 2.0
    assert _worst_ratio([2.0, 1.5, 2.0], 2) == 1.5


def test_each_chapter_is_a_module_of_the_package_and_claims_only_its_own():
    import importlib
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(claims.__path__)} - {"make"}
    assert modules == set(claims.CHAPTERS)
    for chapter in claims.CHAPTERS:
        found = claims.for_chapter(chapter)
        assert found and {c.chapter for c in found} == {chapter}
        assert callable(importlib.import_module(f"cnnviz.analysis.claims.{chapter}").claims)


def test_verdicts_name_whose_figure_they_are(by_id):
    zfnet = by_id["zfnet.error"]
    assert zfnet.holds and zfnet.verdict_text == "holds (ILSVRC-2013 results, not the ZFNet paper)"
    error = by_id["googlenet.error"]  # the paper's 6.67%, which the notes round to 6.7%
    assert error.holds and error.actual == "6.67%" and "6.67%" in error.note
    assert "5 million" in by_id["googlenet.vs_alexnet"].note


# --- verdicts of claims about training --------------------------------------------------------------


# Claims about training (vanishing gradients, what makes a deep network trainable): the book has no trained
# runs of these networks, and a measurement at initialisation or a network's structure cannot test them.
TRAINING_CLAIMS = ("sd.vanishing_gradients", "densenet.vanishing_gradients", "fractalnet.shallow_to_deep",
                   "googlenet.aux_grads")


@pytest.mark.parametrize("claim_id", TRAINING_CLAIMS)
def test_claims_about_training_are_not_testable_here(by_id, claim_id):
    claim = by_id[claim_id]
    assert claim.verdict is claims.Verdict.NOT_TESTABLE and not claim.holds
    assert claim.verdict_text == f"not testable here: {claim.would_test}"
    assert "trained" in claim.would_test  # what would test it: trained networks
    assert "initialisation" not in claim.actual  # no measurement at initialisation stands in for the answer


def test_no_computed_verdict_on_vanishing_gradients(every):
    """A computed check holds or is off only for what it can test: nothing judges vanishing gradients."""
    for claim in every:
        if "vanishing" in claim.statement.lower():
            assert claim.verdict is claims.Verdict.NOT_TESTABLE, claim.id


def test_stochastic_depth_names_the_papers_evidence(by_id):
    claim = by_id["sd.vanishing_gradients"]
    assert "huang2016deep" in claim.source and "Fig. 7" in claim.source
    assert "first convolutional layer" in claim.would_test and "with and without stochastic depth" in claim.would_test


def test_every_not_testable_claim_names_a_paper_of_the_book(every):
    from pathlib import Path

    bib = (Path(__file__).resolve().parents[2] / "cnnviz" / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))
    untestable = [c for c in every if c.verdict is claims.Verdict.NOT_TESTABLE]
    assert untestable
    for claim in untestable:
        assert any(key in claim.source for key in keys), f"{claim.id}: name the paper's own evidence"


# --- bullets of the notes ---------------------------------------------------------------------------------

# The one claim that checks no bullet: the FractalNet paper's Table 1 parameter count, which the notes omit.
BEYOND_NOTES = {"fractalnet.paper_params"}


def test_every_claim_checks_a_bullet_of_its_chapter(every):
    assert {c.id for c in every if c.bullet is None} == BEYOND_NOTES
    for claim in every:
        if claim.bullet is not None:
            assert claim.bullet.key.startswith(f"{claim.chapter}."), (claim.id, claim.bullet.key)
            assert claim.bullet.text.strip() == claim.bullet.text and claim.bullet.text


def test_one_text_per_bullet_and_one_bullet_per_text(every):
    texts: dict[str, str] = {}
    for claim in every:
        if claim.bullet is not None:
            assert texts.setdefault(claim.bullet.key, claim.bullet.text) == claim.bullet.text, claim.bullet.key
    by_text: dict[tuple[str, str], str] = {}
    for key, text in texts.items():
        chapter = key.split(".")[0]
        assert by_text.setdefault((chapter, text), key) == key, f"{key} and {by_text[(chapter, text)]}: one bullet"


def test_a_bullets_statements_are_shown_together_in_the_chapter(every):
    """The table lists a bullet's statements one after another (the VGG table row by row, for example)."""
    for chapter in claims.CHAPTERS:
        keys = [c.bullet.key for c in every if c.chapter == chapter and c.bullet is not None]
        runs = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
        assert len(runs) == len(set(runs)), f"{chapter}: a bullet's statements are split: {runs}"


@pytest.mark.parametrize(
    ("chapter", "bullets", "holds", "off", "not_testable", "statements"),
    [
        ("alexnet", 10, 9, 1, 0, 23),  # the layer table is one bullet (off: NORM1, NORM2), its 14 rows
        ("vgg", 7, 6, 1, 0, 52),  # the VGG16 table is one bullet of 43 statements
        ("googlenet", 8, 4, 3, 1, 8),  # the aux heads' bullet is about training: not testable here
        ("nin", 1, 1, 0, 0, 3),
        ("resnext", 2, 2, 0, 0, 4),  # "two things, checked as four statements"
        ("stochastic_depth", 4, 3, 0, 1, 4),
        ("fractalnet", 4, 3, 0, 1, 5),
        ("densenet", 2, 1, 0, 1, 4),
    ],
)
def test_chapters_count_bullets_not_rows(every, chapter, bullets, holds, off, not_testable, statements):
    shown = [c for c in every if c.chapter == chapter]
    tally = claims.tally(shown)
    assert (tally.bullets, tally.holds, tally.off, tally.not_testable, tally.statements) == (
        bullets, holds, off, not_testable, statements
    )  # fmt: skip
    assert tally.holds + tally.off + tally.not_testable == tally.bullets
    assert tally.statements + len(tally.beyond_notes) == len(shown)


def test_bullet_counts_tallies_a_chapters_claims():
    assert claims.bullet_counts("googlenet") == claims.tally(claims.for_chapter("googlenet"))
