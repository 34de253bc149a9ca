"""The DenseNet chapter module: every paragraph renders, its numbers are the zoo's and the paper's, and a changed
number fails the paragraph that cites it (or changes its words) instead of leaving a false sentence."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from cnnviz.analysis.claims import Verdict
from cnnviz.analysis.claims.densenet import PREACT_RESNET_1001, TABLE2
from cnnviz.chapters import densenet as chapter
from cnnviz.chapters.page import CheckFailed


@pytest.fixture(scope="module")
def facts() -> chapter.Facts:
    return chapter.facts()  # computed once for the module (and the process)


def _text(name: str, facts: chapter.Facts | None = None) -> str:
    return " ".join(chapter.paragraph(name, facts).markdown.split())


def _with_net(facts: chapter.Facts, name: str, **changes) -> chapter.Facts:
    if name == "resnet50":
        return dataclasses.replace(facts, resnet50=dataclasses.replace(facts.resnet50, **changes))
    nets = {"imagenet": facts.imagenet, "cifar": facts.cifar}
    group = next(g for g, summaries in nets.items() if any(s.name == name for s in summaries))
    changed = tuple(dataclasses.replace(s, **changes) if s.name == name else s for s in nets[group])
    return dataclasses.replace(facts, **{group: changed})


# --- the numbers, as the page prints them --------------------------------------------------------------


def test_the_idea_gives_the_drawn_blocks_channels_and_the_papers_argument_as_the_papers(facts):
    idea = _text("idea")
    assert "(24, 36, 48) and the block ends with k₀ + k·L = 60" in idea
    assert "reads 992 channels and writes k = 32" in idea
    assert "8.0M parameters, fewer than ResNet-50's 25.6M" in idea
    assert "passes 5 weight layers, the longest 121" in idea
    assert "the paper's argument" in idea and "cannot test without trained networks" in idea


def test_the_evidence_is_table2_and_sec_4_4_with_its_protocol(facts):
    evidence = _text("evidence")
    bc = next(r for r in TABLE2 if (r.depth, r.growth_rate, r.bottleneck) == (100, 12, True))
    assert (
        f"a test error of {bc.c10_plus:.2f}%, about the same as the {PREACT_RESNET_1001['c10_plus']:.2f}%"
        in evidence
    )
    assert "(0.8M parameters; the zoo's network has 769,162)" in evidence
    assert "which has 13× the parameters (10.2M)" in evidence
    assert "(the zoo's counts: 20.0M and 44.5M)" in evidence and "evaluated once" in evidence


def test_feature_reuse_is_the_papers_figure_and_not_testable_here_yet(facts):
    """The brief: Fig. 5 is a claim about trained networks; the page says it is the paper's figure and marks
    the book's own check not testable here (yet), and never argues it from untrained weights."""
    reuse = _text("reuse")
    assert "That is the paper's figure and the paper's reading" in reuse
    assert "*not testable here (yet)*" in reuse and "measured with random weights" in reuse
    assert facts.claim("densenet.feature_reuse").verdict is Verdict.NOT_TESTABLE
    claims = _text("claims")
    assert '**"Encourages feature reuse"** is the paper\'s reading of trained weights' in claims
    assert "not testable here (yet)" in claims


def test_the_memory_counts_agree_with_the_ledger_and_name_no_tool_as_a_concept(facts):
    table = chapter.memory_table()
    header = table.splitlines()[0]
    assert "ledger" not in header and "naive: every concatenation kept" in header
    assert "| all four blocks | 171.0 MB | 128.9 MB | 5.8 MB |" in table
    memory = _text("memory")
    assert "67.0 MB with 6 layers, 176.6 MB with 12 and 525.8 MB with 24" in memory
    assert "(most of the 154.5 MB the ledger counts for the whole network)" in memory


def test_densenet121_is_not_set_beside_resnet50s_error_of_another_protocol(facts):
    """The review: a 25.02% top-1 one-crop error sat beside ResNet-50's 6.71% top-5 ten-crop error."""
    text = _text("versus_resnet")
    assert "%" not in text and "does not set it beside DenseNet-121's" in text
    assert "ResNet-50 has 3.2× the parameters of DenseNet-121 and 1.4× its multiply-adds" in text
    assert (
        "38.6M activations per image, more than ResNet-50's 30.5M, before the 10.5M of its concatenations"
        in text
    )
    reported = chapter.reported_table()
    assert (
        "resnet" not in reported
        and "| DenseNet-121 | 25.02% | ImageNet val, top-1, one crop | Table 3 |" in reported
    )
    assert "| DenseNet-161 | 22.2% |" in reported and "| DenseNet-BC-100 | 4.51% | CIFAR-10 test" in reported


def test_the_networks_paragraph_counts_the_depth_in_the_name(facts):
    text = _text("networks")
    assert '"DenseNet-264" that gives 2·130 + 5 = 265, one over its name' in text
    assert "769,162 parameters, fewer than the shallower DenseNet-40's 1,019,722" in text


def test_the_stage_table_adds_up_and_prints_no_multiply_adds():
    from cnnviz.analysis.ledger import ledger

    led = ledger("densenet121")
    table = chapter.stage_table(led)
    header = table.splitlines()[0].lower()
    assert "mac" not in header and "multiply" not in header
    assert "| denseblock1 | 256×56×56 | 13,246,464 | 335,040 |" in table
    assert f"**{led.total_activations:,}**" in table and f"**{led.total_params:,}**" in table


def test_no_graded_value_is_printed_on_the_page(facts):
    """Principle 20: no exercise's answer (the page's question or a variant) in the prose, the tables or the
    explorer's readout."""
    from cnnviz.analysis.ledger import ledger
    from cnnviz.interact.exercises import for_chapter
    from cnnviz.interact.static.densenet import densenet_rows, readout_text

    printed = " ".join(p.markdown for p in chapter.page.all().values())
    printed += chapter.memory_table() + chapter.reported_table() + chapter.stage_table(ledger("densenet121"))
    readouts = {line for row in densenet_rows() for line in readout_text(row)}

    def shown(value: int, text: str) -> bool:  # as a number of its own, not inside a longer one
        return any(
            re.search(rf"(?<![\d,.]){re.escape(form)}(?![\d,]|\.\d)", text)
            for form in (f"{value:,}", str(value))
        )

    readout = "\n".join(readouts)
    for exercise in for_chapter("densenet"):
        if exercise.kind != "computed":
            continue
        for variant in range(len(exercise.variants) + 1):
            value = exercise.expected(variant)
            if value >= 1000:  # small values (a channel count) are everywhere as digits
                assert not shown(value, printed), (exercise.id, variant)
                assert not shown(value, readout) or value < 10_000, (
                    exercise.id,
                    variant,
                )  # a CIFAR channel count


def test_the_explorer_paragraph_names_the_default_and_the_table2_networks(facts):
    text = _text("explore")
    assert "16 channels into the first block, or 2k with the bottleneck" in text
    assert "the 6 networks of its Table 2 (3 DenseNets, 3 DenseNet-BCs)" in text
    assert "The default is DenseNet-BC with L = 100 and k = 12" in text and "L = 40" in text


# --- captions and folds ----------------------------------------------------------------------------------


def test_the_captions_of_the_real_diagrams_say_what_is_collapsed():
    pytest.importorskip("graphviz")
    from cnnviz.render.diagrams import module_diagram, network_diagram

    block = chapter.caption("dense_block", module_diagram("dense_block", **chapter.IDEA_BLOCK)).markdown
    assert "3 basic layers" in block and "32×32×24 input, growth rate k = 12" in block
    assert "every layer drawn (none collapsed)" in block
    network = chapter.caption("densenet121", network_diagram("densenet121")).markdown
    assert "dense blocks of 6, 12, 24 and 16 layers" in network and "each stage drawn as one node" in network
    transition = chapter.caption("transition", module_diagram("transition", **chapter.TRANSITION)).markdown
    assert "become ⌊0.5·256⌋ at 28×28" in transition


def test_the_diagram_the_page_leads_with_is_small_enough_to_read():
    """The reviews: a DenseNet-121 drawn block by block was about 7,000 px tall. The page draws one dense block
    of four layers and DenseNet-121 stage by stage, each a size a column can show."""
    pytest.importorskip("graphviz")
    import re

    from cnnviz.render.diagrams import module_diagram, network_diagram

    for diagram in (module_diagram("dense_block", **chapter.IDEA_BLOCK), network_diagram("densenet121")):
        svg = diagram.pipe(format="svg").decode()
        width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
        assert width <= 700 and height <= 1400, (diagram.name, width, height)


def test_folded_wraps_markdown_in_a_collapsed_details_block():
    text = chapter.folded("The code <of> it", "```python\nx = 1\n```").markdown
    assert text.startswith(
        '<details class="cnnviz-fold">\n<summary>The code &lt;of&gt; it</summary>\n\n```python'
    )
    assert text.endswith("```\n\n</details>")
    with pytest.raises(TypeError, match="Markdown text"):
        chapter.folded("t", 3)


# --- a planted change fails the paragraph that cites the number ------------------------------------------


def test_a_missing_connection_fails_the_connectivity_paragraph(facts):
    broken = dict(facts.connectivity)
    matrix = broken["features.denseblock2"].copy()
    matrix[5, 2] = False
    broken["features.denseblock2"] = matrix
    with pytest.raises(CheckFailed, match="paragraph 'connectivity': the text says the triangle is full"):
        chapter.paragraph("connectivity", dataclasses.replace(facts, connectivity=broken))
    assert np.array_equal(
        facts.connectivity["features.denseblock2"], np.tril(np.ones_like(matrix))
    )  # untouched


def test_a_ledger_that_disagrees_fails_the_memory_paragraph(facts):
    planted = dataclasses.replace(facts, ledger_blocks_121=(1, *facts.ledger_blocks_121[1:]))
    with pytest.raises(
        CheckFailed, match="paragraph 'memory': the caption says the layers' outputs are checked"
    ):
        chapter.paragraph("memory", planted)


def test_a_feature_reuse_verdict_from_untrained_weights_fails(facts):
    """Were the reuse claim given a verdict (say, from the measured triangle), the page would refuse it."""
    claims = tuple(dataclasses.replace(c, verdict=Verdict.HOLDS, would_test="") if c.id == "densenet.feature_reuse"
                   else c for c in facts.claims)  # fmt: skip
    planted = dataclasses.replace(facts, claims=claims)
    with pytest.raises(
        CheckFailed, match="paragraph 'reuse': the text marks the book's check of reuse not testable"
    ):
        chapter.paragraph("reuse", planted)
    with pytest.raises(CheckFailed, match="paragraph 'claims': the text gives each statement's verdict"):
        chapter.paragraph("claims", planted)


def test_a_densenet264_of_its_name_fails_the_networks_paragraph(facts):
    planted = _with_net(facts, "densenet264", weight_layers=264)
    with pytest.raises(CheckFailed, match="DenseNet-264's count is one over its name"):
        chapter.paragraph("networks", planted)


def test_a_bigger_densenet_bc_fails_the_networks_paragraph(facts):
    planted = _with_net(facts, "densenet_bc_100_12", params=2_000_000)
    with pytest.raises(CheckFailed, match="fewer parameters than DenseNet-40"):
        chapter.paragraph("networks", planted)


def test_a_bottleneck_that_costs_more_in_block3_fails(facts):
    planted = dataclasses.replace(facts, with_bottleneck=facts.without_bottleneck)
    with pytest.raises(CheckFailed, match="paragraph 'bottleneck': the text says the bottleneck saves work"):
        chapter.paragraph("bottleneck", planted)


def test_a_registry_error_that_is_not_table2s_fails(facts):
    planted = dataclasses.replace(facts, reported={**facts.reported, "densenet_bc_100_12": 0.0462})
    with pytest.raises(CheckFailed, match="the registry's densenet_bc_100_12 error is Table 2's"):
        chapter.paragraph("reported", planted)


# --- or changes the words, where cnnviz.chapters.words picks them ------------------------------------------


def test_the_words_follow_the_numbers(facts, monkeypatch):
    heavy = _with_net(facts, "densenet121", params=facts.resnet50.params * 2)
    with pytest.raises(CheckFailed, match="fewer parameters than ResNet-50"):
        chapter.paragraph("idea", heavy)
    with pytest.raises(CheckFailed, match="paragraph 'remember': .* fewer parameters than ResNet-50"):
        chapter.paragraph("remember", heavy)
    d40 = next(s for s in facts.cifar if s.name == "densenet40_12")
    double = _with_net(facts, "densenet40_12", params=2 * facts.net("densenet_bc_100_12").params)
    assert (
        "parameters, half the shallower DenseNet-40's" in _text("networks", double)
        and d40.params != 2 * 769_162
    )
    far = dataclasses.replace(
        facts, activations={**facts.activations, "densenet121": facts.activations["resnet50"] * 6}
    )
    assert "many times ResNet-50's" in _text("versus_resnet", far)
    # a Table 2 where DenseNet-BC-100 clearly beats the 1001-layer ResNet: the sentence would lose its "about
    # the same", so the paragraph stops
    rows = tuple(
        dataclasses.replace(r, c10_plus=3.0) if (r.depth, r.bottleneck) == (100, True) else r for r in TABLE2
    )
    monkeypatch.setattr(chapter, "TABLE2", rows)
    with pytest.raises(CheckFailed, match="calls the two C10\\+ errors about the same"):
        chapter.paragraph("evidence", facts)
