"""The GoogLeNet chapter module: every paragraph renders with the numbers cnnviz computes, and a changed number
fails the paragraph that cites it (or changes its words) instead of leaving a false sentence."""

from __future__ import annotations

import dataclasses
import re

import pytest

from cnnviz.analysis import ops
from cnnviz.analysis.claims import Verdict
from cnnviz.chapters import googlenet as chapter
from cnnviz.chapters.page import CheckFailed
from cnnviz.models.lecture import INCEPTION


@pytest.fixture(scope="module")
def facts() -> chapter.Facts:
    return chapter.facts()  # computed once for the module (and the process)


@pytest.fixture(scope="module")
def page(facts: chapter.Facts) -> dict[str, str]:
    return {name: " ".join(p.markdown.split()) for name, p in chapter.page.all().items()}


def _with_layer(facts: chapter.Facts, name: str, **changes) -> chapter.Facts:
    layers = tuple(dataclasses.replace(r, **changes) if r.name == name else r for r in facts.layers)
    return dataclasses.replace(facts, layers=layers)


# --- the facts are the zoo's and ops' numbers --------------------------------------------------------


def test_the_idea_is_the_lecture_module_computed_by_ops(facts: chapter.Facts):
    assert facts.naive == ops.inception_naive_cost(**INCEPTION.naive)
    assert facts.reduced == ops.inception_reduced_cost(**INCEPTION.reduced)


def test_the_layers_are_the_ledger_rows_and_add_up_to_the_network(facts: chapter.Facts):
    from cnnviz.analysis.ledger import ledger

    led = ledger("googlenet")
    assert sum(r.params for r in facts.layers) == facts.net.params == led.total_params
    assert sum(r.macs for r in facts.layers) == facts.net.macs == led.total_macs
    modules = facts.modules
    assert [r.name for r in modules] == [
        f"inception{k}" for k in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")
    ]
    for r in facts.layers:  # weights and biases: a ConvReLU or Linear has one bias per output channel
        assert r.params - r.weights in (0, r.channels) or r.type == "InceptionModule", r.name


def test_table1_data_names_the_zoos_layers(facts: chapter.Facts):
    assert set(chapter.TABLE1_PARAMS_K) == set(chapter.TABLE1_OPS_M)
    named = {n for key in chapter.TABLE1_PARAMS_K for n in chapter.TABLE1_PAIR.get(key, (key,))}
    assert named == {r.name for r in facts.layers if r.weights}, (
        "every layer with weights is one of Table 1's rows"
    )
    table = chapter.table1_columns(facts)
    assert f"| **total** | **{sum(chapter.TABLE1_PARAMS_K.values()):,.1f}K** |" in table
    assert f"{facts.net.macs:,}" in table and "| conv2 + conv3 |" in table


def test_the_aux_heads_are_measured_on_the_zoos_network(facts: chapter.Facts):
    import torch

    from cnnviz import models

    with torch.device("meta"):
        plain, net = models.get("googlenet"), models.get("googlenet", aux_logits=True)
    n = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    a = facts.aux
    assert a.params == n(net) - n(plain) == a.aux1 + a.aux2
    assert (a.in_side, a.pooled_side, a.conv_out, a.fc_units, a.dropout) == (
        14,
        4,
        128,
        1024,
        0.7,
    )  # Sec. 5's head


# --- the paragraphs say what the numbers say -----------------------------------------------------------


def test_the_idea_comes_with_its_reason(page: dict[str, str], facts: chapter.Facts):
    five = next(b for b in facts.naive.branches if b.name == "5x5")
    assert f"{five.macs:,}" in page["naive"] and "most of them in the 5×5 branch" in page["naive"]
    rule = page["cost_rule"]
    assert "H·W·C_out·k²·C_in" in rule and "shrinks by C_in / r" in rule
    assert (
        f"falls from {five.macs:,} to {five.layers[0].macs * INCEPTION.reduce5x5 // INCEPTION.in_channels:,}"
        in rule
    )
    reduced = page["reduced"]
    assert (
        f"{facts.reduced.macs:,} multiply-adds, {facts.naive.macs / facts.reduced.macs:.2f}× less work"
        in reduced
    )
    pool = facts.reduced.branches[-1]
    row = f"| pool → 1×1 | 0 | {INCEPTION.in_channels} | {pool.macs:,} | {pool.out_channels} |"
    assert row in chapter.paragraph("reduced").markdown


def test_the_notes_total_is_the_3x3_term_counted_twice(page: dict[str, str], facts: chapter.Facts):
    three = facts.reduced.branches[1].layers[1]
    box = page["notes_total"]
    assert (
        f"({three.expression} = {three.macs:,}) is counted twice: {facts.reduced.macs + three.macs:,}" in box
    )
    assert box.startswith('<div class="admonition warning">')


def test_the_paper_reports_no_accuracy_for_a_filter_count(page: dict[str, str]):
    assert "reports no accuracy for the reductions themselves" in page["paper_idea"]
    explore = page["explore"]
    assert "the paper does not report" in explore and "relatively minor" in explore and "Table 3" in explore


def test_claims_are_counted_by_the_notes_points(page: dict[str, str], facts: chapter.Facts):
    assert "4 of the 8 points hold, 3 are off and 1 is not testable here" in page["claims"]
    aux = next(c for c in facts.claims if c.id == "googlenet.aux_grads")
    assert aux.verdict is Verdict.NOT_TESTABLE and "trained" in aux.would_test
    assert "not testable here" in page["aux_evidence"] and "szegedy2016rethinking" in aux.source


def test_table3_rows_and_their_cost(page: dict[str, str], facts: chapter.Facts):
    markdown = chapter.paragraph("results").markdown
    for row in chapter.TABLE3:
        passes = row.models * row.crops
        assert f"| {row.models} | {row.crops} | {row.top5_error:.2f}% | {passes:,} |" in markdown
    assert "8.09%, lower than one model on ten crops (9.15%) for less than their cost" in page["results"]
    best = min(chapter.TABLE3, key=lambda r: r.top5_error)
    assert best.top5_error == pytest.approx(100 * 0.0667)  # the registry's ILSVRC result, Table 2


def test_table1_k_is_computed_from_the_rows_exact_in_it(facts: chapter.Facts):
    """Table 1's K is read off the rows whose weights are a whole number of it: conv2 + conv3 and fc."""
    k = chapter.table1_k(facts)
    exact = {key: facts.table1_row(key)[0] / chapter.TABLE1_PARAMS_K[key] for key in ("conv3", "fc")}
    assert set(exact.values()) == {k}
    others = [key for key in chapter.TABLE1_PARAMS_K if key not in exact]
    assert all(facts.table1_row(key)[0] != chapter.TABLE1_PARAMS_K[key] * k for key in others)


def test_table1_columns_name_the_rows_that_disagree(page: dict[str, str], facts: chapter.Facts):
    k = chapter.table1_k(facts)

    def off(key: str, column: int, paper: float) -> str:
        return f"{key} ({paper / facts.table1_row(key)[column] - 1:+.1%})".replace("-", "−")

    text = page["table1_columns"]
    ops_ = [off(key, 1, chapter.TABLE1_OPS_M[key] * 1e6) for key in ("conv1", "inception5a")]
    params = [
        off(key, 0, chapter.TABLE1_PARAMS_K[key] * k) for key in ("conv1", "inception4c", "inception5a")
    ]
    assert f"except {ops_[0]} and {ops_[1]}" in text
    assert f"except {params[0]}, {params[1]} and {params[2]}" in text
    total = sum(chapter.TABLE1_PARAMS_K.values())
    weights = sum(facts.table1_row(key)[0] for key in chapter.TABLE1_PARAMS_K)
    assert (
        f"adds up to {total:,.1f}K = {round(total * k):,} weights, {1 - round(total * k) / weights:.1%} below the {weights:,}"
        in text
    )
    assert f"The K of its params column is {k:,}" in text
    w3, wfc = facts.table1_row("conv3")[0], facts.table1_row("fc")[0]
    assert (
        f"({chapter.TABLE1_PARAMS_K['conv3']:g}K: {w3:,} = {chapter.TABLE1_PARAMS_K['conv3']:g} × {k:,} weights)"
        in text
    )
    assert f"{wfc:,} = " in text
    conv1 = facts.layer("conv1")
    assert f"a {conv1.kernel}×{conv1.kernel}/{conv1.stride} convolution from an RGB image" in text
    assert f"has {conv1.kernel**2 * 3 * conv1.channels:,} weights" in text
    assert "So the 2.7K entry, and the 34M that follows from it, is the inconsistent one" in text


def test_a_table1_whose_exact_rows_disagree_fails(facts: chapter.Facts, monkeypatch):
    monkeypatch.setitem(chapter.TABLE1_PARAMS_K, "fc", 1024)  # fc's 1,024,000 weights are then 1,000 × K
    with pytest.raises(CheckFailed, match="K is not given exactly by two rows that agree"):
        chapter.table1_k(facts)


def test_a_table1_params_row_that_agrees_drops_from_the_list(facts: chapter.Facts, monkeypatch):
    k = chapter.table1_k(facts)
    # within the tolerance, and not a whole number of K (that would make it a third exact row)
    monkeypatch.setitem(
        chapter.TABLE1_PARAMS_K, "inception5a", round(facts.table1_row("inception5a")[0] / k) + 1
    )
    with pytest.raises(
        CheckFailed, match="paragraph 'table1_columns': the text names the params rows that disagree"
    ):
        chapter.paragraph("table1_columns", facts)


def test_no_fc_and_the_heads_take_their_words_from_the_numbers(page: dict[str, str], facts: chapter.Facts):
    from cnnviz.analysis.ledger import ledger

    hidden = {}
    for name in ("alexnet", "vgg16"):  # the hidden FC layers: every Linear layer but the classifier
        led = ledger(name)
        linear = [r for r in led.leaves() if r.type == "Linear"]
        assert linear[-1].output_shape == (1000,) and all(r.output_shape == (4096,) for r in linear[:-1])
        hidden[name] = f"{sum(r.params for r in linear[:-1]) / led.total_params:.0%}"
    assert (f"which hold most of AlexNet's parameters ({hidden['alexnet']}, its classifier left out) and of "
            f"VGG16's ({hidden['vgg16']})") in page["no_fc"]  # fmt: skip
    assert f"{facts.aux.params:,} parameters" in page["aux_heads"]
    assert "(about the same as the network itself)" in page["aux_heads"]
    heavy = dataclasses.replace(facts, aux=dataclasses.replace(facts.aux, params=2 * facts.net.params))
    assert "(more than the network itself)" in " ".join(
        chapter.paragraph("aux_heads", heavy).markdown.split()
    )


# --- a planted change fails the paragraph that cites the number -----------------------------------


def test_a_naive_module_whose_3x3_costs_most_fails(facts: chapter.Facts):
    naive = ops.inception_naive_cost(INCEPTION.in_hw, INCEPTION.in_channels, 128, 512, 16)
    with pytest.raises(
        CheckFailed, match="paragraph 'naive': the text puts the largest part of the work in the 5×5"
    ):
        chapter.paragraph("naive", dataclasses.replace(facts, naive=naive))


def test_a_busiest_layer_outside_the_stem_fails(facts: chapter.Facts):
    planted = _with_layer(facts, "inception3b", macs=10**9)
    with pytest.raises(
        CheckFailed, match="paragraph 'table1': the text says the busiest layer is in the stem"
    ):
        chapter.paragraph("table1", planted)


def test_a_table1_ops_row_that_disagrees_fails(facts: chapter.Facts, monkeypatch):
    monkeypatch.setitem(chapter.TABLE1_OPS_M, "inception4b", 120)
    with pytest.raises(
        CheckFailed, match="paragraph 'table1_columns': the text names the ops rows that disagree"
    ):
        chapter.paragraph("table1_columns", facts)


def test_a_table3_where_crops_beat_models_fails(facts: chapter.Facts, monkeypatch):
    rows = tuple(dataclasses.replace(r, top5_error=8.0) if (r.models, r.crops) == (1, 10) else r
                 for r in chapter.TABLE3)  # fmt: skip
    monkeypatch.setattr(chapter, "TABLE3", rows)
    with pytest.raises(CheckFailed, match="seven models beat ten crops"):
        chapter.paragraph("results", facts)


def test_a_claim_that_turns_off_fails_the_claims_paragraph(facts: chapter.Facts):
    claims = tuple(dataclasses.replace(c, verdict=Verdict.OFF) if c.id == "googlenet.depth" else c
                   for c in facts.claims)  # fmt: skip
    with pytest.raises(
        CheckFailed, match="paragraph 'claims': the text explains exactly these three off rows"
    ):
        chapter.paragraph("claims", dataclasses.replace(facts, claims=claims))


def test_a_shallower_googlenet_fails_the_intro_and_the_depth(facts: chapter.Facts):
    shallow = dataclasses.replace(facts, net=dataclasses.replace(facts.net, weight_layers=16))
    with pytest.raises(CheckFailed, match="paragraph 'intro': the text calls GoogLeNet deeper than VGG16"):
        chapter.paragraph("intro", shallow)
    with pytest.raises(CheckFailed, match="paragraph 'depth': the text quotes the paper's 22 layers"):
        chapter.paragraph("depth", shallow)


# --- exercises: no graded value on the page --------------------------------------------------------


def test_no_graded_value_is_printed_on_the_page(facts: chapter.Facts):
    """Principle 20: no computed exercise's answer (any variant) in the prose, the tables, the captions or the
    explorer's precomputed rows and readout."""
    from cnnviz.analysis.ledger import ledger
    from cnnviz.interact.exercises import for_chapter
    from cnnviz.interact.static.googlenet import inception_cost_figure
    from cnnviz.models.googlenet import INCEPTION_SPECS
    from cnnviz.render.tables import inception_cost_text, inception_table

    shown = " ".join(p.markdown for p in chapter.page.all().values())
    shown += chapter.table1_columns(facts) + inception_table(ledger("googlenet"), INCEPTION_SPECS)
    shown += inception_cost_text(facts.naive) + inception_cost_text(facts.reduced)
    figure = inception_cost_figure()
    shown += figure.fallback
    in_rows = {
        v for rows in figure.datasets().values() for row in rows for v in row.values() if isinstance(v, int)
    }
    for exercise in for_chapter("googlenet"):
        if exercise.kind != "computed":
            continue
        for variant in range(len(exercise.variants) + 1):
            value = exercise.expected(variant)
            if value >= 100:  # small values (a side of 31 pixels) are everywhere as digits
                for text in {f"{value:,}", str(value)}:  # as a number of its own, not inside another
                    assert not re.search(rf"(?<![\d,.]){text}(?![\d,]|\.\d)", shown), (
                        exercise.id,
                        variant,
                        text,
                    )
                assert value not in in_rows, (exercise.id, variant)
            else:
                for text in (f"{value} pixels", f"{value}×{value} input", f"{value} px"):
                    assert not re.search(rf"(?<![\d,.]){text}", shown), (exercise.id, variant, text)


def test_every_computed_exercise_is_varied_and_shows_its_working():
    from cnnviz.interact.exercises import for_chapter

    for exercise in for_chapter("googlenet"):
        if exercise.kind != "computed":
            continue
        assert exercise.variants, (
            f"{exercise.id}: the page reveals the book's answer; an assignment needs others"
        )
        for variant in range(len(exercise.variants) + 1):
            worked = exercise.worked(variant)
            value = exercise.expected(variant)
            assert worked.endswith(f"**{value:,}**.") or f"**{value:,}**" in worked, (
                exercise.id,
                variant,
                worked,
            )


def test_the_exercise_on_inception4a_uses_its_map_size():
    from cnnviz.analysis.ledger import ledger
    from cnnviz.interact.exercises import googlenet as exercises

    row = next(r for r in ledger("googlenet").at_depth(1) if r.name == f"inception{exercises._4A}")
    assert row.output_shape[-1] == exercises._4A_HW


# --- captions and folds ---------------------------------------------------------------------------


def test_the_captions_of_the_real_diagrams_say_what_was_drawn():
    pytest.importorskip("graphviz")
    from cnnviz.render.diagrams import module_diagram, network_diagram

    naive = chapter.caption("naive", module_diagram("inception_naive")).markdown
    depth = ops.inception_naive_cost(**INCEPTION.naive).output_depth
    assert f"concatenated to a depth of {depth}" in naive and naive.endswith(
        "every layer drawn (none collapsed).*"
    )
    reduced = chapter.caption("reduced", module_diagram("inception_reduced")).markdown
    assert f"output depth {ops.inception_reduced_cost(**INCEPTION.reduced).output_depth}" in reduced
    network = chapter.caption("googlenet", network_diagram("googlenet")).markdown
    assert "the nine Inception modules" in network and "dashed boxes" in network
    with pytest.raises(CheckFailed, match="caption 'naive'.*no Diagram.caption"):
        chapter.caption("naive", object())
    with pytest.raises(KeyError, match="figures: naive, reduced, modules, googlenet"):
        chapter.caption("inception", module_diagram("inception_naive"))


def test_the_module_diagram_draws_each_module_as_one_node_with_the_heads_beside():
    pytest.importorskip("graphviz")
    import re

    from cnnviz import models
    from cnnviz.models.googlenet import INCEPTION_SPECS
    from cnnviz.render.diagrams import network_diagram

    net = models.get("googlenet", aux_logits=True)
    view = chapter.module_view(net)
    assert view["merge"]["stem"] == ("conv1", "maxpool1", "lrn1", "conv2", "conv3", "lrn2", "maxpool2")
    assert view["columns"] == ["inception4a", "inception5a"] and view["heads"] == {
        "aux1": "inception4a",
        "aux2": "inception4d",
    }
    diagram = network_diagram(net, input_size=(3, 224, 224), **view)
    source = diagram.source
    modules = [f"inception{k}" for k in INCEPTION_SPECS]
    for name in (*modules, "stem", "fc", "aux1", "aux2", "maxpool3", "maxpool4", "avgpool"):
        assert re.search(rf"^\s*{name} \[", source, re.M), name  # one node each
    assert "branch1" not in source and "cluster_" not in source  # no module opened
    assert "inception4a -> aux1" in source and "inception4d -> aux2" in source
    for m in modules:  # each module's node has the module's own parameters
        n = sum(p.numel() for p in getattr(net, m).parameters())
        assert f"{m}\\n" in source and (
            f"{n / 1e3:.3g}K params" in source or f"{n / 1e6:.3g}M params" in source
        ), m
    caption = chapter.caption("modules", diagram).markdown
    assert "each InceptionModule drawn as one node (9, inception3a to inception5b)" in caption
    assert "stem: conv1 to maxpool2 drawn as one node" in caption
    assert "dashed: aux1 (reads inception4a) and aux2 (reads inception4d), run in training only" in caption
    assert "none collapsed" not in caption
    with pytest.raises(
        ValueError, match="module_view: model must be the zoo's GoogLeNet built with aux_logits=True"
    ):
        chapter.module_view(models.get("googlenet"))
    with pytest.raises(ValueError, match=r"merge\['stem'\]: no node of googlenet is 'conv9'"):
        network_diagram(net, input_size=(3, 224, 224), merge={"stem": ("conv1", "conv9")})
    with pytest.raises(ValueError, match="columns must be node names of the drawing"):
        network_diagram(net, input_size=(3, 224, 224), **(view | {"columns": ["inception9z"]}))


def test_folded_wraps_markdown_in_a_collapsed_details_block():
    from cnnviz.interact.prose import Paragraph

    text = chapter.folded("The code <of> it", Paragraph("```python\nx = 1\n```")).markdown
    assert text.startswith(
        '<details class="cnnviz-fold">\n<summary>The code &lt;of&gt; it</summary>\n\n```python'
    )
    assert text.endswith("```\n\n</details>")
    with pytest.raises(TypeError, match="Markdown text"):
        chapter.folded("t", 3)
