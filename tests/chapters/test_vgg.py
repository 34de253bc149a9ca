"""The VGG chapter module: every paragraph renders, its facts agree with the zoo's networks, and a changed
number fails the paragraph that cites it (or changes its words) instead of leaving a false sentence."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import pytest
from torch import nn

from cnnviz import models
from cnnviz.analysis.claims import Verdict
from cnnviz.chapters import vgg as chapter
from cnnviz.chapters.page import CheckFailed
from cnnviz.format import percent
from cnnviz.models import vgg as vgg_models


@pytest.fixture(scope="module")
def facts() -> chapter.Facts:
    return chapter.facts()  # computed once for the module (and the process)


def _text(name: str, facts: chapter.Facts | None = None) -> str:
    return " ".join(chapter.paragraph(name, facts).markdown.split())


def _page() -> str:
    return " ".join(" ".join(p.markdown.split()) for p in chapter.page.all().values())


def _with_config(facts: chapter.Facts, letter: str, **changes) -> chapter.Facts:
    configs = tuple(dataclasses.replace(c, **changes) if c.letter == letter else c for c in facts.configs)
    return dataclasses.replace(facts, configs=configs)

# --- the facts against the zoo's networks -------------------------------------------------------------


def test_the_configurations_are_the_zoos_networks(facts: chapter.Facts):
    from cnnviz.analysis.configs import param_count

    assert [c.letter for c in facts.configs] == list(vgg_models.CONFIGS)
    for c in facts.configs:
        assert c.params == param_count(c.name) and c.weight_layers == vgg_models.weight_layers(c.letter)
        assert c.convs == sum(layer.startswith("conv") for layer in vgg_models.CONFIGS[c.letter])
        assert (c.top1, c.top5) == vgg_models.SINGLE_SCALE_ERRORS[(c.letter, "256", "256")]
    assert facts.config("D").name == "vgg16" and facts.total_params == param_count("vgg16")
    assert facts.vgg19_params == param_count("vgg19")


def test_the_5x5_twin_of_b_is_counted_on_built_layers(facts: chapter.Facts):
    """B's 3×3 convolutions, and the paper's shallow net that makes each pair one 5×5, built as layers here."""
    with_b = vgg_models.make_features("B", 3)
    b_weights = sum(m.weight.numel() for m in with_b if isinstance(m, nn.Conv2d))
    stages, current = [], []
    for layer in with_b:
        if isinstance(layer, nn.Conv2d):
            current.append(layer)
        elif isinstance(layer, nn.MaxPool2d):
            stages.append(current)
            current = []
    assert [len(stage) for stage in stages] == [2] * 5  # B: two 3×3 convolutions per stage
    pairs = [nn.Conv2d(first.in_channels, last.out_channels, kernel_size=5, padding=2, bias=False)
             for first, last in stages]  # fmt: skip
    shallow_weights = sum(m.weight.numel() for m in pairs)
    assert (facts.b_conv_weights, facts.b_convs) == (b_weights, 10)
    assert (facts.shallow_conv_weights, facts.shallow_convs) == (shallow_weights, 5)
    assert facts.shallow_higher == vgg_models.SHALLOW_5X5_TOP1_HIGHER


def test_stage5_is_three_512_channel_convolutions_on_14x14(facts: chapter.Facts):
    from cnnviz.analysis.ledger import ledger

    convs = [r for r in ledger("vgg16").leaves() if r.type == "Conv2d"][-3:]
    assert facts.stage5 == (3, convs[0].output_shape[0], convs[-1].output_shape[0], convs[-1].output_shape[1])


def test_the_rf_steps_follow_the_network(facts: chapter.Facts):
    from cnnviz.analysis.receptive_field import receptive_field

    report = receptive_field("vgg16")
    assert [s.rf for s in facts.rf_steps] == [r.rf for r in report.rows if r.type in ("Conv2d", "MaxPool2d")]
    assert facts.rf("conv1_1").rf == 3 and facts.rf("conv5_3").rf == report.row("features.28").rf


def test_table7_and_the_registry_agree():
    submission = chapter.TABLE7[chapter.SUBMISSION]
    assert submission[2] == vgg_models.SUBMISSION_TOP5_TEST == 100 * models.info("vgg16").reported_error
    assert all(top1 > top5_val for top1, top5_val, _ in chapter.TABLE7.values())


# --- what the reviews asked for ------------------------------------------------------------------------


def test_the_review_findings_are_gone(facts: chapter.Facts):
    page = _page()
    # the diagram is drawn at VGG16's stage 5 and says so (not "VGG's first stage (56×56×64 here)")
    assert "first stage" not in page and "56×56×64" not in page
    stack = " ".join(chapter.caption("stack", SimpleNamespace(caption="every layer drawn")).markdown.split())
    assert "VGG16's stage 5 (14×14, 512 channels in and out)" in stack
    # the jump is defined, and the pool's step explained, before the receptive-field table
    rule = _text("rf_rule")
    assert "Call the **jump** of a layer" in rule and "a 2×2 pool 1 jump" in rule
    assert "adds 2, 4, 8, 16 and 32 pixels" in rule
    # the training rows: why "kept" exceeds "every layer output", with the double count computed
    training = _text("training")
    assert "counted by both layers" in training and "8-byte integers" in training
    # the ERF is at initialisation, and what training does is not testable here
    erf = _text("erf") + _text("erf_intro")
    assert "randomly initialised" in erf and "not testable here" in erf and "far inside" not in erf
    # which VGG19 convolution is the extra one
    vgg19 = _text("vgg19")
    assert "the question has no answer" in vgg19 and "conv3_4, conv4_4 and conv5_1 as added" in vgg19
    # no tool names used as nouns in the prose
    for noun in ("`ops.", "`memory_report`", "`cnnviz.analysis", "`lecture_table`"):
        assert noun not in page, noun
    # claims counted by bullets, not table rows
    claims = _text("claims") + _text("claims_intro")
    assert "6 of the 7 bullets hold" in claims and "7 bullets with numbers on VGG" in claims


def test_the_second_review_findings_are_gone(facts: chapter.Facts):
    page = _page()
    # H1: the kept floats match every output because the double count and the unkept conv outputs cancel;
    # the pool indices alone make the gap
    t1, t32 = facts.train1, facts.train32
    training = " ".join(_text("training").split())
    floats = t1.saved_for_backward * t1.bytes_per_element
    assert round(floats / 1e6) == round(t1.forward_bytes / 1e6)
    assert facts.relu_kept_twice == facts.conv_outputs
    assert "two differences cancel" in training and "for two reasons" not in training
    # H2: the totals counted once, beside the table's upper bound
    once = t1.backward_saved_bytes - facts.relu_kept_twice * t1.bytes_per_element
    state = t1.param_bytes + t1.gradient_bytes + t1.optimizer_bytes
    assert f"the whole step to about {chapter._gb(state + 32 * once)}" in training
    assert f"upper bound: {chapter._gb(t32.training_bytes)}" in training
    # H3: what Table 3 separates, and what it does not test
    evidence = " ".join(_text("evidence").split())
    assert "separates the extra non-linearity from the wider view" in evidence
    assert "is not tested on its own" in evidence and "the two reasons" not in evidence
    assert "half the convolutional ReLUs" in evidence  # L1
    assert evidence.index("shorter side is 256 pixels") < evidence.index("S = Q = 256")  # L13
    # H4, L7: the stem leaves small maps; He et al. is cited
    where = " ".join(_text("where").split())
    assert "the many channels run on small maps" in where and "(He et al., 2016)" in where
    # M3: the extra multiply-adds as a share of VGG16's
    extra = percent(facts.vgg19_macs / facts.config("D").macs - 1, 0)
    assert f"{extra} more multiply-adds" in " ".join(_text("vgg19").split())
    # M4: no library names as nouns
    assert "zoo" not in page and "The diff lines" not in page
    # M1, M5: short box headers that count the ReLUs
    stack, large = chapter.stack_titles(facts)
    assert "3 ReLUs" in stack and "1 ReLU" in large and max(len(stack), len(large)) < 40
    # L9: the paper's note on Glorot initialisation
    assert "Glorot and Bengio (2010)" in _text("catch")
    # M2: the stage table puts the added layers first
    table = chapter.stage_table(facts)
    assert all(f"+1 ({name}," in table for name, _, _ in facts.added)


def test_the_paper_figures_are_cited_with_their_protocol(facts: chapter.Facts):
    evidence = _text("evidence")
    assert (
        '"7% higher than that of B"' in evidence and "one centre crop" in evidence and "Sec. 4.1" in evidence
    )
    assert "28.7% (B) to 28.1% (C) to 27.0% (D)" in evidence and "S = Q = 256" in evidence
    table = _text("configs_table")
    assert "Table 3, Q = 256" in table and "Table 4, Q = 224, 256 and 288" in table
    vgg19 = _text("vgg19")
    assert "25.5% against 25.6% top-1" in vgg19 and "Table 4: 24.8% / 7.5% for both" in vgg19
    notes = _text("notes")
    assert "three of configuration D, two of C and two of E" in notes and "Tables 6 and 7" in notes


def test_the_config_table_prints_each_configs_cost_and_errors(facts: chapter.Facts):
    table = chapter.config_table(facts)
    assert table.count("\n") == 2 + len(facts.configs)
    assert "| A | 11 | 7.6G | 29.6/10.4 | – |" in table
    assert "| E | 19 | 19.6G | 27.3/9.0 | 26.9/8.7 |" in table
    caption = _text("configs_table")
    assert "(A is `vgg11`, A-LRN `vgg11_lrn`, B `vgg13`, C `vgg16_c`, D `vgg16`, E `vgg19`)" in caption


def test_no_graded_value_is_printed_on_the_page(facts: chapter.Facts):
    """Principle 20: the computed exercises' answers are not in the prose, the tables or the explorers."""
    from cnnviz.interact.exercises import for_chapter
    from cnnviz.interact.static.vgg import configuration_rows, stack_vs_large_rows

    page = _page() + chapter.config_table(facts)
    explorer = stack_vs_large_rows(range(16, 513, 16), range(1, 6))
    # the counts the explorers print, and the saving one subtraction away from a stack row's two counts
    # (another exercise's value may coincide with an unrelated count there: only the stack's is checked)
    counts = ("params", "params_stack", "params_large", "macs")
    shown = {str(row[k]) for row in explorer + configuration_rows() for k in counts if k in row}
    shown |= {str(row["params_large"] - row["params_stack"]) for row in explorer}
    for exercise in for_chapter("vgg"):
        if exercise.kind != "computed":
            continue
        for variant in range(len(exercise.variants) + 1):
            value = exercise.expected(variant)
            alone = re.compile(
                rf"(?<![\d,.]){re.escape(f'{value:,}')}(?![\d,])"
            )  # the number, not a digit run
            assert not alone.search(page), (exercise.id, value)
            if exercise.id == "vgg.stack_saving":  # the explorer that prints stacks' weight counts
                assert str(value) not in shown, (exercise.id, value)
    # the stack exercise asks at channel counts that are not slider positions
    saving = next(e for e in for_chapter("vgg") if e.id == "vgg.stack_saving")
    for params in (saving.params, *saving.variants):
        assert params["channels"] not in range(16, 513, 16)


# --- captions and folds ---------------------------------------------------------------------------

def test_the_captions_of_the_real_diagrams():
    pytest.importorskip("graphviz")
    from cnnviz.render.diagrams import diff_diagram, module_diagram

    stack = chapter.caption("stack", module_diagram("stack_vs_large", n=3, channels=512, hw=14)).markdown
    assert "none collapsed" in stack
    diff = chapter.caption(
        "vgg16_vs_vgg19", diff_diagram("vgg16", "vgg19", input_size=(3, 224, 224))
    ).markdown
    assert "VGG16 (left) and VGG19 (right)" in diff and "drawn" in diff


def test_folded_wraps_markdown_in_a_collapsed_details_block():
    from cnnviz.interact.prose import Paragraph

    text = chapter.folded("The code <of> it", Paragraph("```python\nx = 1\n```")).markdown
    assert text.startswith(
        '<details class="cnnviz-fold">\n<summary>The code &lt;of&gt; it</summary>\n\n```python'
    )
    assert text.endswith("```\n\n</details>")
    with pytest.raises(TypeError, match="Markdown text"):
        chapter.folded("t", 3)


# --- a planted change fails the paragraph that cites the number -----------------------------------


def test_a_stack_that_sees_more_fails_the_idea(facts: chapter.Facts):
    with pytest.raises(
        CheckFailed, match=r"vgg, paragraph 'idea': the text says one, two and three 3×3 layers"
    ):
        chapter.paragraph("idea", dataclasses.replace(facts, stack_rf=(3, 5, 9)))


def test_a_5x5_twin_with_fewer_weights_fails_the_evidence(facts: chapter.Facts):
    planted = dataclasses.replace(facts, shallow_conv_weights=facts.b_conv_weights - 1)
    with pytest.raises(
        CheckFailed, match="paragraph 'evidence': the text says the 5×5 net has the more weights"
    ):
        chapter.paragraph("evidence", planted)


def test_an_lrn_that_helps_fails_the_configs_paragraph(facts: chapter.Facts):
    planted = _with_config(facts, "A-LRN", top1=facts.config("A").top1 - 1)
    with pytest.raises(CheckFailed, match="paragraph 'configs': the text says LRN did not improve on A"):
        chapter.paragraph("configs", planted)


def test_an_e_that_beats_d_fails_the_table_caption(facts: chapter.Facts):
    planted = _with_config(facts, "E", top1=facts.config("D").top1 - 1)
    with pytest.raises(CheckFailed, match="paragraph 'configs_table': the text says D has the lowest error"):
        chapter.paragraph("configs_table", planted)


def test_a_fourth_added_layer_fails_the_vgg19_paragraph(facts: chapter.Facts):
    planted = dataclasses.replace(facts, added=(*facts.added, ("conv2_3", 128, 128)))
    with pytest.raises(CheckFailed, match="paragraph 'vgg19': the text says each added layer"):
        chapter.paragraph("vgg19", planted)


def test_an_erf_wider_than_its_square_fails(facts: chapter.Facts):
    erf = dataclasses.replace(facts.erf, radius_95=facts.erf.theoretical_rf)
    with pytest.raises(
        CheckFailed, match="paragraph 'erf': the text says the 95% disc fits inside the square"
    ):
        chapter.paragraph("erf", dataclasses.replace(facts, erf=erf))


def test_a_memory_total_that_holds_fails_the_claims_paragraph(facts: chapter.Facts):
    claims = tuple(dataclasses.replace(c, verdict=Verdict.HOLDS) for c in facts.claims)
    with pytest.raises(CheckFailed, match="paragraph 'claims': the text says only the memory total is off"):
        chapter.paragraph("claims", dataclasses.replace(facts, claims=claims))


def test_a_rule_that_misses_a_field_fails_the_rf_paragraph(facts: chapter.Facts):
    steps = list(facts.rf_steps)
    steps[4] = dataclasses.replace(steps[4], rf=steps[4].rf + 1)
    with pytest.raises(CheckFailed, match="paragraph 'rf_rule': the text says the rule gives every field"):
        chapter.paragraph("rf_rule", dataclasses.replace(facts, rf_steps=tuple(steps)))


def test_unkept_conv_outputs_that_differ_fail_the_training_paragraph(facts: chapter.Facts):
    planted = dataclasses.replace(facts, conv_outputs=facts.conv_outputs + 1)
    with pytest.raises(
        CheckFailed, match="paragraph 'training': the text says the double count and the unkept"
    ):
        chapter.paragraph("training", planted)


def test_an_added_layer_of_the_wrong_width_fails_the_stage_table(facts: chapter.Facts):
    name, c_in, c_out = facts.added[0]
    planted = dataclasses.replace(facts, added=((name, c_in * 2, c_out * 2), *facts.added[1:]))
    with pytest.raises(CheckFailed, match="the added conv is a 3×3 of the stage's width"):
        chapter.stage_table(planted)


def test_rows_that_reach_24m_fail_the_lecture_total(facts: chapter.Facts):
    lecture = dataclasses.replace(facts.lecture, forward_activations=int(facts.stated_total))
    with pytest.raises(CheckFailed, match="paragraph 'lecture_total': the text says the rows stay below 24M"):
        chapter.paragraph("lecture_total", dataclasses.replace(facts, lecture=lecture))


# --- or changes the words, where cnnviz.chapters.words picks them --------------------------------------------


def test_the_words_follow_the_numbers(facts: chapter.Facts, monkeypatch):
    assert "about the same as D's (25.5% against 25.6% top-1)" in _text("vgg19")
    jittered = dict(vgg_models.SINGLE_SCALE_ERRORS)
    jittered[("E", "[256;512]", "384")] = (24.9, 7.8)
    monkeypatch.setattr(vgg_models, "SINGLE_SCALE_ERRORS", jittered)
    assert "lower than D's (24.9% against 25.6% top-1)" in _text("vgg19", facts)
    assert "higher than D in both tables" in _text("configs_table")
    closer = _with_config(
        facts, "E", top1=facts.config("D").top1 + 0.1, top1_multi=facts.config("D").top1_multi + 0.1
    )
    assert "about the same as D in both tables" in _text("configs_table", closer)
    assert "143.7M parameters, 1.08× the 132.9M of A" in _text("configs")
    bigger = _with_config(facts, "E", params=3 * facts.config("A").params)
    assert "398.6M parameters, 3× the 132.9M of A" in _text("configs", bigger)
