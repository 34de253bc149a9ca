"""The SqueezeNet chapter module: every paragraph renders, and a changed number fails the paragraph that cites it
(or changes its words) instead of leaving a false sentence."""

from __future__ import annotations

import dataclasses

import pytest

from cnnviz.analysis import fire_modules as fm
from cnnviz.analysis.claims import Verdict
from cnnviz.analysis.ledger import ledger
from cnnviz.chapters import squeezenet as chapter
from cnnviz.chapters.page import CheckFailed


@pytest.fixture(scope="module")
def facts() -> chapter.Facts:
    return chapter.facts()  # computed once for the module (and the process)


def _text(name: str, facts: chapter.Facts | None = None) -> str:
    return " ".join(chapter.paragraph(name, facts).markdown.split())


def _page() -> str:
    return " ".join(" ".join(p.markdown.split()) for p in chapter.page.all().values())


def _with_net(facts: chapter.Facts, name: str, **changes) -> chapter.Facts:
    nets = tuple(dataclasses.replace(s, **changes) if s.name == name else s for s in facts.nets)
    return dataclasses.replace(facts, nets=nets)


def _with_point(facts: chapter.Facts, panel: str, sr: float, pct3x3: float, **changes) -> chapter.Facts:
    def change(p: chapter.DesignPoint) -> chapter.DesignPoint:
        r = p.reported
        if (r.panel, r.squeeze_ratio, r.pct3x3) != (panel, sr, pct3x3):
            return p
        return dataclasses.replace(p, reported=dataclasses.replace(r, **changes))

    return dataclasses.replace(facts, design=tuple(change(p) for p in facts.design))

# --- the facts against the zoo's networks --------------------------------------------------------


def test_the_facts_are_the_ledgers(facts: chapter.Facts):
    s10 = ledger("squeezenet1_0")
    assert facts.net("squeezenet1_0").params == s10.total_params
    assert (facts.late.activations, facts.late.macs) == (s10.total_activations, s10.total_macs)
    fire9 = next(r for r in s10.rows if r.name == "features.12")  # fire9, Table 1's 197,184 parameters
    assert facts.fire9_params == fire9.params and facts.fire9_in == fire9.input_shape[0]
    assert (
        facts.plain_3x3_params == 9 * facts.fire9_in**2 + facts.fire9_in
    )  # one 3×3 convolution, with biases
    assert facts.late.pools_after == ("conv1", "fire4", "fire8") and facts.early.pools_after == (
        "conv1",
        "fire3",
        "fire5",
    )
    assert facts.fire2_side == {"squeezenet1_0": 54, "squeezenet1_1": 55} and facts.fire2_side_227 == 55


def test_strategy_3_moves_only_the_pools(facts: chapter.Facts):
    """The early-pooled network is SqueezeNet 1.0 with 1.1's pools: 1.0's parameters and conv1, 1.1's map sizes
    from fire4 on; 1.1 itself changes conv1 too, so it is cheaper still."""
    assert facts.early.sides[2:] == facts.v11.sides[2:] and facts.early.sides[:2] == facts.late.sides[:2]
    early = ledger(fm.early_pools_network(), (3, 224, 224))
    assert early.total_params == facts.net("squeezenet1_0").params
    assert next(r for r in early.rows if r.name == "features.0").kernel == (7, 7)
    assert facts.v11.macs < facts.early.macs < facts.late.macs


def test_the_design_points_reproduce_the_papers_model_sizes(facts: chapter.Facts):
    """The zoo's design space (Section 5.1's formulas, rounded to whole filters) gives the model sizes on the
    axis of the paper's Fig. 3 ("MB of weights", binary megabytes) to within 1 MB at every point."""
    assert len(facts.design) == len(fm.DESIGN_ACCURACY) == 14
    for p in facts.design:
        assert abs(p.mib - p.reported.size_mb) < 1, p
    sq = next(p for p in facts.design if (p.reported.squeeze_ratio, p.reported.pct3x3) == (0.125, 0.5))
    assert sq.params == ledger("squeezenet1_0").total_params


# --- the review's findings -------------------------------------------------------------------------


def test_one_input_size_and_why_table_1_differs(facts: chapter.Facts):
    networks = _text("networks")
    assert "The book counts SqueezeNet at 224×224, the input the paper's Table 1 lists" in networks
    assert "227×227 input of the authors' Caffe model, where fire2 runs on 55×55" in networks
    assert "(224 − 7)/2 + 1 = 109 pixels a side, and fire2 runs on 54×54" in networks
    # 1.1 pools earlier yet its first Fire modules run on larger maps: its conv1 explains it
    assert "(224 − 3)/2 + 1 = 111 pixels a side)" in networks
    caption = chapter.caption("fire", type("D", (), {"caption": "every layer drawn"})()).markdown
    assert "224×224" in caption and "54×54" in caption and "227" not in caption


def test_1_1s_saving_is_split_into_the_pools_and_conv1(facts: chapter.Facts):
    """Review: the larger 55×55 maps add work; the saving is the pools' and conv1's own cost, each counted."""
    from cnnviz.format import short_count

    networks = _text("networks")
    pools = facts.late.macs - facts.early.macs
    conv1 = facts.early.macs - facts.v11.macs
    own = facts.conv1_macs["squeezenet1_0"] - facts.conv1_macs["squeezenet1_1"]
    assert f"takes it from {short_count(facts.late.macs)} to {short_count(facts.early.macs)}" in networks
    assert f"{short_count(pools)} saved" in networks
    assert (
        f"conv1 itself needs {short_count(facts.conv1_macs['squeezenet1_0'])} multiply-adds in 1.0"
        in networks
    )
    assert "7·7·3·96 per pixel on 109×109" in networks and "3·3·3·64 per pixel on 111×111" in networks
    assert "1.1's first Fire modules run on 55×55 maps, not 54×54, which costs a little" in networks
    assert (
        f"they give {short_count(own - conv1)} back. Net, the new conv1 saves {short_count(conv1)}"
        in networks
    )
    # a planted conv1 whose change saves more than the pools fails the paragraph
    planted = dataclasses.replace(
        facts, v11=dataclasses.replace(facts.v11, macs=facts.early.macs - pools - 1)
    )
    with pytest.raises(CheckFailed, match="the pools save the larger part"):
        chapter.paragraph("networks", planted)
    # and one whose larger maps cost nothing fails the "cost a little"
    cheap = dataclasses.replace(facts, conv1_macs={**facts.conv1_macs, "squeezenet1_0": facts.conv1_macs[
        "squeezenet1_1"] + conv1})  # fmt: skip
    with pytest.raises(CheckFailed, match="conv1's multiply-adds|give a little back"):
        chapter.paragraph("networks", cheap)


def test_strategy_3_is_not_confounded_with_conv1(facts: chapter.Facts):
    strategies = _text("strategies")
    assert "pools after conv1, fire4 and fire8" in strategies
    assert "(after conv1, fire3 and fire5) and nothing else changed" in strategies
    assert "1.66× the multiply-adds of that network (819M against 494M)" in strategies
    assert "not testable here" in strategies and "He and Sun (2015)" in strategies
    assert "3. downsample late (multiply-adds)" in chapter.strategy_table(facts)


def test_the_design_space_formula_says_where_i_starts(facts: chapter.Facts):
    explore = _text("explore")
    assert (
        "from i = 0 (fire2) to i = 7 (fire9)" in explore
        and "128 for fire2 and fire3, 256 for fire4" in explore
    )
    assert "±0.5 percentage points" in explore and "reports no network there" in explore
    assert (
        "SR from 0.125 to 1 at pct3x3 = 50% (Fig. 3a), and pct3x3 from 1% to 99% at SR = 0.5 (Fig. 3b)"
        in explore
    )


def test_the_complex_bypass_is_on_the_page(facts: chapter.Facts):
    """The bypass exercise's model answer cites the paper's complex bypass: the page shows Table 3."""
    bypass = chapter.paragraph("bypass").markdown
    for row in chapter.TABLE3:
        assert f"| {row.architecture} | {row.top1:.1f}% | {row.top5:.1f}% | {row.size_mb:g} MiB |" in bypass
    assert "complex bypass" in bypass and "Neither is testable here" in " ".join(bypass.split())


def test_like_is_compared_with_like_in_the_networks_table(facts: chapter.Facts):
    """One protocol for every network: the paper's accuracies (Table 2's AlexNet baseline, not the 2012
    paper's ensemble error), top-1 and top-5 in one column, and 1.1's release-note bound."""
    table = chapter.networks_table(facts)
    assert "top-1 / top-5 (%)" in table
    assert "| AlexNet | 57.2 / 80.3 |" in table and "| 1.1 | — / ≥ 80.3 |" in table
    assert "16.4%" not in table and "error" not in table
    caption = _text("networks")
    assert (
        "the paper's AlexNet baseline from its Table 2" in caption
        and "lower bound of its release notes" in caption
    )


def test_the_evidence_is_the_papers_and_labelled(facts: chapter.Facts):
    evidence = _text("evidence")
    assert "57.5% top-1 and 80.3% top-5 accuracy, against 57.2% and 80.3%" in evidence
    assert "Table 2" in evidence and "Fig. 3a, which plots top-5 accuracy, no top-1" in evidence
    assert "80.3% top-5 with a 4.8 MiB model; at SR = 0.75, 86.0% with 19 MiB" in evidence
    # one unit on the page, said once: the paper's MB is the binary megabyte
    assert "Every size on this page is in MiB, binary megabytes of 2²⁰ bytes" in evidence
    assert "4.8MB for SqueezeNet 1.0 is the 4,993,696 bytes of its float32 weights, 4.76 MiB" in evidence
    page = " ".join([_page(), chapter.size_table(facts), chapter.design_table(facts)])
    assert " MB" not in page.replace("decimal MB", "")
    assert "not testable here" in evidence


def test_the_claims_count_the_notes_bullets(facts: chapter.Facts):
    assert "The notes have 3 bullets on SqueezeNet" in _text("claims_intro")
    claims = _text("claims")
    assert "All three bullets hold" in claims and "with Deep Compression (the paper's 510×)" in claims


def test_the_sizes_keep_parameters_and_bytes_apart(facts: chapter.Facts):
    sizes = _text("sizes")
    assert "AlexNet has 48.8× the parameters of SqueezeNet 1.0" in sizes
    assert "1.19 MiB (195.3× below AlexNet in float32), in 6 bits 0.89 MiB (260.4×)" in sizes  # not 26×
    table = chapter.size_table(facts)
    assert "| 260.4× |" in table and "| 26× |" not in table
    # the counted AlexNet is a row, so the ratios of the counted rows are the text's
    alexnet = 4 * facts.net("alexnet").params
    assert f"| AlexNet, 32 bits (counted) | {alexnet / 2**20:.2f} | 1× |" in table
    assert "| 48.8× |" in table and "48.8×, the parameter ratio" in sizes
    assert "iandola2016" not in table


def test_no_graded_value_is_printed_on_the_page(facts: chapter.Facts):
    from cnnviz.interact.exercises import for_chapter

    page = " ".join([_page(), chapter.strategy_table(facts), chapter.networks_table(facts), chapter.size_table(facts),
                     chapter.design_table(facts)])  # fmt: skip
    for exercise in for_chapter("squeezenet"):
        if exercise.kind == "computed":
            for variant in range(len(exercise.variants) + 1):
                value = exercise.expected(variant)
                assert f"{value:,}" not in page and str(value) not in page, (exercise.id, variant)


# --- captions and folds ---------------------------------------------------------------------------

def test_the_captions_of_the_real_diagrams():
    pytest.importorskip("graphviz")
    from cnnviz.render.diagrams import module_diagram, network_diagram

    _, channels, side = fm.fire_positions("1_0")[0]
    fire = chapter.caption("fire", module_diagram("fire", in_channels=channels, hw=side)).markdown
    assert "every layer drawn" in fire and "`Fire`" in fire
    bypass = chapter.caption("bypass", network_diagram("squeezenet1_0_bypass", level="block")).markdown
    assert "shortcuts" in bypass and "every block drawn" in bypass


def test_folded_wraps_markdown_in_a_collapsed_details_block():
    text = chapter.folded("The <code>", "| a |\n|---|\n").markdown
    assert text.startswith('<details class="cnnviz-fold">\n<summary>The &lt;code&gt;</summary>\n\n| a |')
    assert text.endswith("\n\n</details>")
    with pytest.raises(TypeError, match="Markdown text"):
        chapter.folded("t", 3)


# --- a planted change fails the paragraph that cites the number -----------------------------------


def test_an_sr_of_1_that_buys_accuracy_fails_the_evidence(facts: chapter.Facts):
    planted = _with_point(facts, "3a", 1.0, 0.5, top5=88.0)
    with pytest.raises(CheckFailed, match="paragraph 'evidence': the text says SR = 1 buys nothing"):
        chapter.paragraph("evidence", planted)


def test_a_squeezenet_below_alexnet_fails_the_evidence(facts: chapter.Facts, monkeypatch):
    rows = tuple(dataclasses.replace(r, top5_accuracy=0.79) if (r.model, r.bits) == ("squeezenet1_0", "32") else r
                 for r in fm.DEEP_COMPRESSION)  # fmt: skip
    monkeypatch.setattr(chapter, "DEEP_COMPRESSION", rows)
    with pytest.raises(CheckFailed, match="the text says SqueezeNet meets AlexNet's accuracy"):
        chapter.paragraph("evidence", facts)


def test_early_pools_that_cost_more_fail_the_strategies(facts: chapter.Facts):
    planted = dataclasses.replace(facts, early=dataclasses.replace(facts.early, macs=facts.late.macs + 1))
    with pytest.raises(CheckFailed, match="paragraph 'strategies': the text says downsampling late costs"):
        chapter.paragraph("strategies", planted)


def test_a_bypass_with_parameters_fails(facts: chapter.Facts):
    planted = _with_net(facts, "squeezenet1_0_bypass", params=facts.net("squeezenet1_0").params + 1)
    with pytest.raises(
        CheckFailed, match="paragraph 'bypass': the text says the simple bypass adds no parameters"
    ):
        chapter.paragraph("bypass", planted)
    with pytest.raises(
        CheckFailed, match="paragraph 'networks': the text says the bypass adds no parameters"
    ):
        chapter.paragraph("networks", planted)


def test_a_table3_where_the_complex_bypass_wins_fails(facts: chapter.Facts, monkeypatch):
    vanilla, simple, complex_ = chapter.TABLE3
    monkeypatch.setattr(chapter, "TABLE3", (vanilla, simple, dataclasses.replace(complex_, top1=61.0)))
    with pytest.raises(CheckFailed, match="the text ranks simple over complex over none"):
        chapter.paragraph("bypass", facts)


def test_a_conv1_at_another_stride_fails_the_networks(facts: chapter.Facts):
    planted = dataclasses.replace(facts, conv1_stride={**facts.conv1_stride, "squeezenet1_1": 1})
    with pytest.raises(CheckFailed, match="paragraph 'networks': the text says conv1 has stride 2"):
        chapter.paragraph("networks", planted)


def test_a_release_that_meets_24x_fails_the_networks(facts: chapter.Facts):
    planted = _with_net(facts, "squeezenet1_1", macs=facts.net("squeezenet1_0").macs // 3)
    with pytest.raises(CheckFailed, match="not quite 2.4×"):
        chapter.paragraph("networks", planted)


def test_a_claim_that_is_off_fails_the_claims(facts: chapter.Facts):
    claims = (dataclasses.replace(facts.claims[0], verdict=Verdict.OFF), *facts.claims[1:])
    with pytest.raises(CheckFailed, match="paragraph 'claims': the text says every statement holds"):
        chapter.paragraph("claims", dataclasses.replace(facts, claims=claims))


def test_a_design_space_off_the_papers_sizes_fails_the_explore(facts: chapter.Facts):
    first, *rest = facts.design
    planted = dataclasses.replace(facts, design=(dataclasses.replace(first, params=2 * first.params), *rest))
    with pytest.raises(CheckFailed, match="paragraph 'explore': the text says the counted sizes agree"):
        chapter.paragraph("explore", planted)


def test_an_uneven_expand_layer_fails_the_idea(facts: chapter.Facts):
    with pytest.raises(CheckFailed, match="paragraph 'idea': the sentence says SqueezeNet's expand layers"):
        chapter.paragraph("idea", dataclasses.replace(facts, even_split=False))


# --- or changes the words, where cnnviz.chapters.words picks them --------------------------------------------


def test_the_words_follow_the_numbers(facts: chapter.Facts):
    assert "a parameter count about the same as 1.0's" in _text("remember")
    assert "349M multiply-adds per image against 819M (2.3× less computation)" in _text("remember")
    assert "makes the receptive field larger than 1.0's" in _text("networks")
    close = _with_net(facts, "squeezenet1_0", receptive_field=facts.net("squeezenet1_1").receptive_field - 1)
    assert "makes the receptive field about the same as 1.0's" in _text("networks", close)
    narrow = _with_net(facts, "squeezenet1_1", receptive_field=100)
    with pytest.raises(CheckFailed, match="the pools widen the receptive field"):
        chapter.paragraph("networks", narrow)
    assert "saves most of the size" in _text("evidence")
    half = _with_point(facts, "3a", 0.75, 0.5, size_mb=9.0)
    assert "saves about half of the size" in _text("evidence", half)
    heavy = _with_net(facts, "squeezenet1_1", params=2 * facts.net("squeezenet1_0").params)
    with pytest.raises(CheckFailed, match="the text says 1.1 has about 1.0's parameters"):
        chapter.paragraph("remember", heavy)
