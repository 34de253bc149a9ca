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


def test_the_memory_table_fits_a_phone_and_labels_its_rows_by_what_they_hold(facts):
    """The review: four columns ran off a 390 px screen, and the middle one was named after the tool that
    counted it. Three columns now (block 1, all four), one row per count, the first split into what it holds."""
    from cnnviz.analysis import dense_blocks

    table = chapter.memory_table()
    assert all(line.count("|") == 4 for line in table.splitlines())  # three columns
    assert "ledger" not in table and "naive" not in table and "MB per image" in table.splitlines()[0]
    body, first = facts.body_121, facts.body_121.blocks[0]

    def mb(elements: int) -> str:
        return f"{4 * elements / 1e6:.1f}"

    def row(label: str, count) -> str:
        return f"| {label} | {mb(count(first))} | {mb(sum(count(b) for b in body.blocks))} |"

    assert row("– concatenated copies (each layer's input, the block's output)", lambda b: b.concat_elements) in table
    assert row("– first batch norm and ReLU outputs, as wide as the input", dense_blocks.full_width_elements) in table
    assert row("each map stored once: the floor", lambda b: b.shared_elements) in table
    measured = [s.activation_bytes // 4 for s in facts.saved_121]
    assert f"| what autograd keeps, measured | {mb(measured[0])} | {mb(sum(measured))} |" in table


def test_what_autograd_keeps_is_measured_and_the_memory_efficient_count_is_not_the_floor(facts):
    """The review: "naive" claimed 171.0 MB was what an implementation keeps for backward (autograd keeps
    less), and the memory-efficient scheme was said to come close to the maps stored once (it keeps each
    layer's 4k-wide tensors besides)."""
    from cnnviz.analysis import dense_blocks
    from cnnviz.format import megabytes, times

    body = facts.body_121
    kept = sum(s.activation_bytes for s in facts.saved_121)
    assert kept == 4 * sum(dense_blocks.autograd_saved_elements(b) for b in body.blocks)
    assert kept < 4 * body.materialised_elements  # what is saved is not every tensor created
    intro, memory = _text("memory_intro"), _text("memory")
    assert "comes close" not in intro and "floor" in intro and "Pleiss et al. (2017)" in intro
    efficient = sum(dense_blocks.memory_efficient_elements(b) for b in body.blocks)
    assert f"autograd keeps {megabytes(kept)}, {times(kept, 4 * body.shared_elements, 0)} the" in memory
    assert (f"keeps {megabytes(4 * efficient)}, {times(efficient, body.shared_elements, 1)} the floor"
            in memory)  # fmt: skip
    remember = _text("remember")
    assert "the maps themselves grow linearly" not in remember and "recomputes the concatenations" in remember


def test_the_memory_paragraph_names_the_l2_term_and_computes_it(facts):
    """The review: "the growth is quadratic" stood beside counts that grew 2.6× and 3.0× per doubling."""
    from cnnviz.analysis import dense_blocks

    memory = _text("memory")
    assert "k₀·L + k·L(L − 1)/2" in memory
    ratios = []
    for d in facts.doubling:
        square = d.growth_rate * d.layers * (d.layers - 1) // 2
        assert f"{square:,} of {sum(d.layer_inputs):,}" in memory
        ratios.append(dense_blocks.autograd_saved_elements(d) / d.shared_elements)
        assert f"{ratios[-1]:.1f}×" in memory
    assert f"multiplies that ratio by {ratios[1] / ratios[0]:.1f}, then {ratios[2] / ratios[1]:.1f}" in memory


def test_a_count_of_what_autograd_keeps_that_is_not_the_measured_one_fails(facts):
    first = facts.saved_121[0]
    planted = dataclasses.replace(facts, saved_121=(dataclasses.replace(first, activation_bytes=first.activation_bytes
                                                                        + 4), *facts.saved_121[1:]))  # fmt: skip
    with pytest.raises(CheckFailed, match="paragraph 'memory': the text's count of what autograd keeps is the measured"):
        chapter.paragraph("memory", planted)


def test_resnet_is_described_as_adding_its_input_and_the_4k_is_not_its_ratio(facts):
    """The review: "a ResNet block has two inputs", and "4k is the ratio of ResNet's bottleneck"."""
    from cnnviz.interact.exercises import get

    connectivity = _text("connectivity")
    assert "F(x) + x" in connectivity and "two inputs" not in connectivity
    intro = _text("bottleneck_intro")
    assert "ResNet" not in intro and "without giving a reason" in intro and "an exercise below" in intro
    assert f"inputs of up to {facts.widest_input_121:,} channels into {4 * facts.growth_rate_121}" in intro
    solution = get("densenet.bottleneck_compression").solution
    assert "ResNet" not in solution and "gives no reason" in solution


def test_densenet121_is_not_set_beside_resnet50s_error_of_another_protocol(facts):
    """The review: a 25.02% top-1 one-crop error sat beside ResNet-50's 6.71% top-5 ten-crop error."""
    text = _text("versus_resnet")
    assert "%" not in text and "does not set it beside DenseNet-121's" in text
    assert "ResNet-50 has 3.2× the parameters of DenseNet-121 and 1.4× its multiply-adds" in text
    assert (
        "38.6M activations per image, more than ResNet-50's 30.5M, before the 10.5M of its concatenated copies"
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


def _shown(value: int, text: str) -> bool:
    """Whether ``value`` is in ``text`` as a number of its own (with or without thousands separators), not
    inside a longer one."""
    return any(re.search(rf"(?<![\d,.]){re.escape(form)}(?![\d,]|\.\d)", text) for form in {f"{value:,}", str(value)})


def _page_sources(facts: chapter.Facts) -> str:
    """What the built page shows outside the exercise cards: the notebook's Markdown and code, every paragraph
    and caption, the tables, the claims, and what the code cells print."""
    import json
    from pathlib import Path

    from cnnviz.analysis.ledger import ledger
    from cnnviz.format import count
    from cnnviz.render.claim_cards import claim_cards
    from cnnviz.render.tables import network_summary_table

    notebook = json.loads((Path(__file__).resolve().parents[2] / "book" / "densenet.ipynb").read_text("utf-8"))
    parts = ["".join(c["source"]) for c in notebook["cells"]
             if "remove-cell" not in c.get("metadata", {}).get("tags", [])]  # fmt: skip
    parts += [p.markdown for p in chapter.page.all().values()]
    parts += [chapter.page.shows(name) for name in chapter.FIGURES]
    parts += [chapter.memory_table(), chapter.reported_table(), chapter.stage_table(ledger("densenet121"))]
    parts.append(network_summary_table((*facts.imagenet, *facts.cifar), chapter.network_columns(), chapter.LABELS))
    pair = [facts.net("densenet121"), facts.net("resnet50")]
    parts.append(network_summary_table(pair, {"activations per image": {s.name: count(facts.activations[s.name])
                                                                        for s in pair}}, chapter.LABELS))  # fmt: skip
    parts.append(claim_cards(facts.claims)._repr_html_())
    # the code cells' printouts: block 3's layer inputs, and block 3 with and without the bottleneck
    parts.append(", ".join(map(str, facts.block3_inputs)))
    parts += [f"{c.params:,} {c.macs:,}" for c in (facts.with_bottleneck, facts.without_bottleneck)]
    return "\n".join(parts)


def _computed():
    from cnnviz.interact.exercises import for_chapter

    return [e for e in for_chapter("densenet") if e.kind == "computed"]


def _cards() -> dict[str, str]:
    """Each exercise's card as the page shows it: question, hint and the revealed answer (the computed value
    and its working, the model answer, or the reference network)."""
    from cnnviz.interact.exercises import for_chapter
    from cnnviz.interact.exercises.page import card_html

    return {e.id: card_html(e) for e in for_chapter("densenet")}


def test_no_graded_value_is_printed_on_the_page(facts):
    """Principle 20 and the review (a variant's 256 was in the stage table and in another card's working): no
    exercise's answer, the page's question or a variant, in the prose, the tables, the notebook's cells, the
    explorer's readouts or another exercise's card; no variant's answer in its own card either."""
    from cnnviz.interact.static.densenet import densenet_rows, readout_text

    page = _page_sources(facts)
    readout = "\n".join({line for row in densenet_rows() for line in readout_text(row)})
    cards = _cards()
    for exercise in _computed():
        others = "\n".join(card for id_, card in cards.items() if id_ != exercise.id)
        for variant in range(len(exercise.variants) + 1):
            value = exercise.expected(variant)
            where = (exercise.id, variant, value)
            assert not _shown(value, page), where
            assert not _shown(value, others), where
            assert variant == 0 or not _shown(value, cards[exercise.id]), where
            # the readouts print CIFAR networks' channel counts: a small number there is another network's
            assert value < 10_000 or not _shown(value, readout), where


def test_no_graded_variant_is_one_step_from_a_revealed_answer():
    """The review: a variant of layer_inputs started from DenseNet-169's transition 3, the answer the
    transition question reveals. No variant's working may use a number that a card reveals as its answer."""
    revealed = {e.id: e.expected() for e in _computed()}
    for exercise in _computed():
        for variant in range(1, len(exercise.variants) + 1):
            working = exercise.worked(variant)
            used = [id_ for id_, value in revealed.items() if _shown(value, working)]
            assert not used, (exercise.id, variant, used)


def test_no_revealed_working_answers_the_bottleneck_question(facts):
    """The review: the revealed working of without_bottleneck_macs gave DenseNet-121's first block with and
    without the bottleneck and said which needs less, the answer of the bottleneck_compression question."""
    from cnnviz.interact.exercises import get

    with_bottleneck = facts.body_121.blocks[0].macs  # DenseNet-121's first block as the zoo builds it
    book = get("densenet.without_bottleneck_macs")
    assert book.params["block"] == 1 and book.expected() != with_bottleneck
    cards = _cards()
    shown = _page_sources(facts) + "\n".join(cards[e.id] for e in _computed())
    assert not _shown(with_bottleneck, shown)
    assert "With the bottleneck" not in book.worked()


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
        CheckFailed, match="paragraph 'memory': the caption says the layers' outputs agree with a module-by-module"
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
