"""The Wide ResNet chapter module: every paragraph renders, its facts agree with the zoo's networks, and a
changed number fails the paragraph that cites it (or changes its words) instead of leaving a false sentence."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
import torch

from cnnviz.analysis.claims import Verdict
from cnnviz.analysis.claims import wide_resnet as paper
from cnnviz.analysis.ops import wide_resnet_cost
from cnnviz.chapters import wide_resnet as chapter
from cnnviz.chapters.page import CheckFailed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def facts() -> chapter.Facts:
    return chapter.facts()  # computed once for the module (and the process)


def _text(name: str, facts: chapter.Facts | None = None) -> str:
    return " ".join(chapter.paragraph(name, facts).markdown.split())


def _page(facts: chapter.Facts) -> str:
    """Everything the chapter module writes: the paragraphs and the tables."""
    parts = [p.markdown for p in chapter.page.all().values()]
    parts += [chapter.table(name).markdown for name in chapter.TABLES]
    return " ".join(parts)

@pytest.mark.parametrize("name", chapter.TABLES)
def test_every_table_renders(facts: chapter.Facts, name: str):
    lines = chapter.table(name).markdown.strip().splitlines()
    assert len(lines) >= 4 and all(line.startswith("|") for line in lines)
    assert len({line.count("|") for line in lines}) == 1  # every row has the header's cells
    with pytest.raises(KeyError, match="tables: thin_vs_wide, networks, k_squared, imagenet"):
        chapter.table("ledger")

# --- the facts agree with the zoo's networks ---------------------------------------------------------


def test_the_facts_are_the_zoos_networks(facts: chapter.Facts):
    from cnnviz.analysis.ledger import ledger
    from cnnviz.models.wide_resnet import wide_resnet

    for s in facts.cifar + facts.imagenet:
        led = ledger(s.name)
        assert (s.params, s.macs) == (led.total_params, led.total_macs)
    for c in facts.k_costs:  # the k² table: the cost model against the built network
        with torch.device("meta"):
            net = wide_resnet(28, c.k)
        assert c.params == sum(p.numel() for p in net.parameters())
    with torch.device("meta"):
        conv = [m for m in wide_resnet(28, 1).modules() if isinstance(m, torch.nn.Conv2d)]
    assert facts.convolutions["wrn28_1"] == len(conv) == 28 - 1  # no projection where the width stays 16


def test_the_shortfall_parts_add_up_to_the_cost_model(facts: chapter.Facts):
    """The parameters short of k² = 100, found tensor by tensor on the modules, against ops' totals."""
    gap = 100 * wide_resnet_cost(28, 1).params - wide_resnet_cost(28, 10).params
    assert sum(facts.shortfall.values()) == gap and facts.shortfall_k2 == 0
    text = _text("k_squared")
    assert f"{gap:,} parameters short of 100 × WRN-28-1" in text
    for part in ("conv2_first", "batch_norm", "classifier", "stem"):
        assert f"{facts.shortfall[part]:,}" in text
    assert "classifier's bias do not grow" not in text  # the review's finding: not the stem and bias alone
    assert "first convolution of group conv2 reads the stem's 16 channels" in text


def test_the_block_is_drawn_with_its_projection_and_dropout(facts: chapter.Facts):
    assert facts.block_layers[:7] == ("bn1", "relu1", "conv1", "bn2", "relu2", "dropout", "conv2")
    assert "shortcut" in facts.block_layers and facts.dropout_params == 0


# --- the paper's figures ---------------------------------------------------------------------------


def test_the_registry_errors_are_table_5s():
    from cnnviz import models

    for r in paper.CIFAR_RESULTS:
        if r.table == 5:
            assert models.info(f"wrn{r.depth}_{r.k}").reported_error == pytest.approx(r.cifar10 / 100)


def test_table_4_is_the_papers_ten_networks():
    rows = {(r.depth, r.k) for r in paper.CIFAR_RESULTS if r.table == 4}
    assert rows == {
        (40, 1),
        (40, 2),
        (40, 4),
        (40, 8),
        (28, 10),
        (28, 12),
        (22, 8),
        (22, 10),
        (16, 8),
        (16, 10),
    }
    assert paper.CIFAR_TABLES[4].runs == "" and paper.CIFAR_TABLES[4].preprocessing == "ZCA"
    assert paper.CIFAR_TABLES[5].runs == "median of 5 runs" and paper.CIFAR_TABLES[9].runs == "one run"


def test_the_depth_note_names_the_networks_of_table_4():
    """paper-figures.md: the note named a WRN-28-8 that Table 4 does not have."""
    note = next(c for c in paper.claims() if c.id == "wrn.residuals_not_depth").note
    assert "WRN-28-8" not in note and "WRN-40-8 4.66%" in note and "WRN-22-8 4.38%" in note


def test_the_imagenet_protocol_states_no_number_of_runs():
    """paper-figures.md: Table 8 does not say 'one run each'; Table 9 calls the WRN-50-2 result a single run."""
    assert "one run each" not in paper.IMAGENET_SOURCE and "Table 9" in paper.IMAGENET_SOURCE
    text = _text("imagenet")
    assert "no number of runs" in text and "one run of each" not in text


# --- what the review asked for ------------------------------------------------------------------------


def test_the_intro_says_lower_not_matches_and_cites_2016a_and_b(facts: chapter.Facts):
    text = _text("intro")
    assert "matches" not in text and "WRN-16-8, has a lower test error than the 1,001-layer one" in text
    assert "(He et al., 2016a)" in text and "(He et al., 2016b)" in text
    references = json.loads((ROOT / "book" / "wide_resnet.ipynb").read_text(encoding="utf-8"))["cells"][-1]
    source = "".join(references["source"])
    assert source.startswith("## References") and "(2016a)" in source and "(2016b)" in source


def test_dropout_acts_between_the_convolutions(facts: chapter.Facts):
    text = _text("dropout")
    assert "after the second batch norm and its ReLU" in text and "first convolution's output" not in text
    assert "4.00% to 3.89%" in text and "5.02% to 5.24%" in text  # Table 6, read from CIFAR_RESULTS


def test_outperforms_is_quantified(facts: chapter.Facts):
    text = _text("imagenet")
    assert re.search(r"\d+% fewer activations to keep", text) and re.search(
        r"time per batch is \d+% lower", text
    )
    assert "clear gain" not in text and "10-crop" in text


def test_the_hypothesis_is_labelled_and_not_tested(facts: chapter.Facts):
    assert f"WRN-{facts.thin_twin.depth}-1" in _text("why")  # the same budget spent on depth, counted by ops
    cells = json.loads((ROOT / "book" / "wide_resnet.ipynb").read_text(encoding="utf-8"))["cells"]
    markdown = " ".join(" ".join("".join(c["source"]).split()) for c in cells if c["cell_type"] == "markdown")
    assert "it is their hypothesis" in markdown and "it is not testable here" in markdown


def test_no_graded_value_is_printed_on_the_page(facts: chapter.Facts):
    """Principle 20: no computed exercise's answer (the book's or a variant's) in the prose or the tables."""
    from cnnviz.interact.exercises import for_chapter

    page = _page(facts)
    for exercise in for_chapter("wide_resnet"):
        if exercise.kind == "computed":
            for variant in range(len(exercise.variants) + 1):
                value = exercise.expected(variant)
                assert f"{value:,}" not in page and str(value) not in page, (exercise.id, value)


def test_the_drawn_block_is_not_an_exercise(facts: chapter.Facts):
    """The page draws one block with its multiply-adds (the caption gives the total): no exercise asks for
    them, or for its parameters."""
    from cnnviz.analysis.ledger import ledger
    from cnnviz.interact.exercises import for_chapter
    from cnnviz.models.wide_resnet import WideBasicBlock

    b = chapter.BLOCK
    drawn = ledger(WideBasicBlock(b["in_channels"], b["out_channels"], b["stride"], dropout=b["dropout"]),
                   (b["in_channels"], b["in_hw"], b["in_hw"]))  # fmt: skip
    answers = {e.expected(v) for e in for_chapter("wide_resnet") if e.kind == "computed"
               for v in range(len(e.variants) + 1)}  # fmt: skip
    assert drawn.total_macs not in answers and drawn.total_params not in answers
    assert not {r.macs for r in drawn.leaves()} & answers


def test_the_stage_table_prints_no_multiply_adds():
    from cnnviz.analysis.ledger import ledger

    led = ledger("wrn28_10")
    table = chapter.stage_table(led)
    assert "multiply" not in table.splitlines()[0].lower()
    for row in led.at_depth(1):
        if row.macs:
            assert f"{row.macs:,}" not in table
    assert f"{led.total_params:,}" in table


# --- captions and folds ---------------------------------------------------------------------------

def test_the_captions_of_the_real_diagrams():
    pytest.importorskip("graphviz")
    from cnnviz.models.wide_resnet import WideBasicBlock
    from cnnviz.render.diagrams import network_diagram

    b = chapter.BLOCK
    block = WideBasicBlock(b["in_channels"], b["out_channels"], b["stride"], dropout=b["dropout"])
    text = chapter.caption(
        "block", network_diagram(block, level="layer", input_size=(b["in_channels"], b["in_hw"], b["in_hw"]))
    ).markdown
    assert "1×1 projection beside it" in text and "every layer drawn" in text
    network = chapter.caption("wrn28_10", network_diagram("wrn28_10")).markdown
    assert "each stage drawn as one node" in network and "repeated blocks" not in network


def test_folded_wraps_markdown_in_a_collapsed_details_block():
    text = chapter.folded("The code <of> it", "```python\nx = 1\n```").markdown
    assert text.startswith(
        '<details class="cnnviz-fold">\n<summary>The code &lt;of&gt; it</summary>\n\n```python'
    )
    with pytest.raises(TypeError, match="Markdown text"):
        chapter.folded("t", 3)


# --- a planted change fails the paragraph that cites the number -----------------------------------


def test_a_convolution_that_grows_slower_than_k2_fails_the_k_squared_paragraph(facts: chapter.Facts):
    planted = dataclasses.replace(facts, shortfall_k2=1)
    with pytest.raises(
        CheckFailed, match="paragraph 'k_squared': the text says every other convolution grows"
    ):
        chapter.paragraph("k_squared", planted)


def test_a_thin_wrn_with_three_projections_fails_the_networks_paragraph(facts: chapter.Facts):
    planted = dataclasses.replace(facts, convolutions={**facts.convolutions, "wrn28_1": 28})
    with pytest.raises(CheckFailed, match="paragraph 'networks': the text says WRN-28-1 has one projection"):
        chapter.paragraph("networks", planted)


def test_a_dropout_between_other_layers_fails(facts: chapter.Facts):
    order = ("bn1", "relu1", "conv1", "dropout", "bn2", "relu2", "conv2", "shortcut")
    with pytest.raises(CheckFailed, match="paragraph 'dropout': the text says dropout acts after bn2"):
        chapter.paragraph("dropout", dataclasses.replace(facts, block_layers=order))


def test_a_table_4_where_depth_40_wins_fails_the_evidence_paragraph(facts: chapter.Facts, monkeypatch):
    rows = tuple(dataclasses.replace(r, cifar10=4.0) if (r.depth, r.k, r.table) == (40, 8, 4) else r
                 for r in paper.CIFAR_RESULTS)  # fmt: skip
    monkeypatch.setattr(chapter, "CIFAR_RESULTS", rows)
    with pytest.raises(CheckFailed, match="paragraph 'evidence': the text says depth helps up to a point"):
        chapter.paragraph("evidence", facts)


def test_more_activations_for_wrn50_fail_the_imagenet_paragraph(facts: chapter.Facts):
    acts = {**facts.activations, "wide_resnet50_2": facts.activations["resnet152_stride_3x3"] + 1}
    with pytest.raises(
        CheckFailed, match="paragraph 'imagenet': the text: more parameters, fewer activations"
    ):
        chapter.paragraph("imagenet", dataclasses.replace(facts, activations=acts))


def test_a_claim_that_is_off_fails_the_claims_paragraph(facts: chapter.Facts):
    claims = (dataclasses.replace(facts.claims[0], verdict=Verdict.OFF), *facts.claims[1:])
    with pytest.raises(CheckFailed, match="paragraph 'claims': the text says every statement holds"):
        chapter.paragraph("claims", dataclasses.replace(facts, claims=claims))


def test_a_thin_twin_with_other_arithmetic_fails_the_why_paragraph(facts: chapter.Facts):
    twin = dataclasses.replace(facts.thin_twin, macs=3 * facts.thin_twin.macs)
    with pytest.raises(
        CheckFailed, match="paragraph 'why': the text says the thin network does about the same"
    ):
        chapter.paragraph("why", dataclasses.replace(facts, thin_twin=twin))


# --- or changes the words, where cnnviz.chapters.words picks them -----------------------------------------


def test_the_words_follow_the_numbers(facts: chapter.Facts):
    text = _text("evidence")
    assert "8.9M parameters, fewer than ResNet-1001's 10.2M" in text
    cifar = tuple(
        dataclasses.replace(s, params=12_000_000) if s.name == "wrn40_4" else s for s in facts.cifar
    )
    assert "12.0M parameters, more than ResNet-1001's" in _text(
        "evidence", dataclasses.replace(facts, cifar=cifar)
    )
    remember = _text("remember")
    assert "each with far more work than a thin network's" in remember
    twin = dataclasses.replace(facts.thin_twin, macs=facts.thin_twin.macs * 30)  # 30 times the work per layer
    assert "each with more work" in _text("remember", dataclasses.replace(facts, thin_twin=twin))


def test_he2016a_resnets_have_no_cifar100_and_the_merged_rows_are_named(facts: chapter.Facts):
    # He et al. (2016a) report no CIFAR-100; Table 5's 25.16/27.82 on those rows are 2016b's original-unit
    # ResNet-164 and ResNet-1001 (Table 4)
    rows = {line.split("|")[1].strip(): line for line in str(chapter.table("thin_vs_wide", facts)).splitlines()
            if line.startswith("|")}  # fmt: skip
    for name in ("ResNet-110", "ResNet-1202"):
        assert paper.reported(f"original {name}").cifar100 is None
        assert rows[name].rstrip(" |").endswith("–")
    text = str(chapter.paragraph("evidence", facts))
    for net, error in paper.ORIGINAL_UNIT_CIFAR100.items():
        assert f"{error:.2f}%" in text and net in text


def test_a_cifar100_error_on_resnet110_fails_the_evidence_paragraph(facts: chapter.Facts, monkeypatch):
    r110 = dataclasses.replace(paper.reported("original ResNet-110"), cifar100=25.16)
    monkeypatch.setattr(
        chapter, "reported", lambda label: r110 if label == r110.label else paper.reported(label)
    )
    with pytest.raises(CheckFailed, match="no CIFAR-100 errors for these two"):
        chapter.paragraph("evidence", facts)


def test_the_multiply_adds_claim_uses_table_8s_resnet152(facts: chapter.Facts):
    # the claims table and the ImageNet table compare WRN-50-2 with the same ResNet-152 (stride in the 3×3)
    (claim,) = [c for c in facts.claims if c.id == "wrn.outperforms"]
    ratio = facts.net("wide_resnet50_2").macs / facts.resnet152_stride_3x3.macs
    assert f"{ratio:.2f}× the multiply-adds of ResNet-152 with its stride in the 3×3" in claim.note
