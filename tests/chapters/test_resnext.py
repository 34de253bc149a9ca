"""The ResNeXt chapter module: every paragraph renders, and a changed number fails the paragraph that cites it
(or changes its words) instead of leaving a false sentence."""

from __future__ import annotations

import dataclasses

import pytest

from cnnviz.analysis.claims import Verdict
from cnnviz.analysis.claims.resnext import TABLE3_TOP1_ERROR
from cnnviz.chapters import resnext as chapter
from cnnviz.chapters.page import CheckFailed


@pytest.fixture(scope="module")
def facts() -> chapter.Facts:
    return chapter.facts()  # computed once for the module (and the process)


def _with_net(facts: chapter.Facts, name: str, **changes) -> chapter.Facts:
    imagenet = tuple(dataclasses.replace(s, **changes) if s.name == name else s for s in facts.imagenet)
    return dataclasses.replace(facts, imagenet=imagenet)

def test_the_numbers_the_review_asked_for(facts: chapter.Facts):
    networks = " ".join(chapter.paragraph("networks").markdown.split())
    assert "25.0M parameters, fewer than ResNet-50's 25.6M" in networks
    assert "528,128 fewer in all" in networks and "cannot change a parameter count" in networks
    # multiply-adds rounded as the summary table above the paragraph rounds them
    assert "4.2G multiply-adds, more than its 3.9G" in networks
    assert "(torchvision's placement, and the ResNeXt paper's), ResNet-50 needs 4.1G" in networks
    assert "41.9M activations per image" in networks and "more than ResNet-50's 30.5M" in networks
    # the activation gap split between where the stride sits and the wider inner layers
    assert "With its stride in the 3×3, ResNet-50 keeps 32.0M" in networks
    assert "where the stride sits explains part of the 11.4M gap (1.58M), and the wider inner layers most" in networks
    assert "footnote 5 names the same cause" in networks and "footnote to Table 1 says" not in networks
    cifar = " ".join(chapter.paragraph("cifar").markdown.split())
    assert "many times" not in cifar and "39 pixels is larger than the 32-pixel image" in cifar
    assert "about twice the 34.4M of 8×64d" in cifar


def test_why_cites_tables_3_and_4_and_labels_the_hypothesis(facts: chapter.Facts):
    markdown = chapter.paragraph("why_more_paths").markdown
    text = " ".join(markdown.split())
    assert "Table 3, the last two columns above" in text  # Table 3's errors are the templates table's: cited once
    for row in chapter.TABLE4_2X:  # Table 4 is a table of its own, flush left (not an indented code block)
        assert f"\n| {row.network} | {row.setting} | {row.grows} | {row.top1_error:.1f}% |" in markdown
    assert f"{TABLE3_TOP1_ERROR[(101, 1, 64)]:.1f}%" in text and f"{TABLE3_TOP1_ERROR[(101, 32, 4)]:.1f}%" in text
    assert "the authors' hypothesis" in text and "not testable here" in text
    # 21.2 against 21.3 is a match, not a win; 21.2 against 21.7 is lower
    assert "ends about the same as the wider network (21.3%) and lower than the deeper one (21.7%)" in text
    assert "beats" not in text.split("1× complexity")[1].split("*Why*")[0]


def test_table3_errors_are_not_repeated_in_prose(facts: chapter.Facts):
    """The templates table shows every Table 3 error; the prose cites the few it argues from, once each."""
    page = " ".join(" ".join(p.markdown.split()) for p in chapter.page.all().values())
    table4 = {f"{row.top1_error:.1f}%" for row in chapter.TABLE4_2X}  # ResNet-200's 21.7% is also 2×40d's
    for key in [(50, 2, 40), (50, 4, 24), (50, 8, 14), (101, 2, 40), (101, 4, 24), (101, 8, 14)]:
        shown = f"{TABLE3_TOP1_ERROR[key]:.1f}%"
        assert shown in table4 or shown not in page, key


def test_paths_are_not_called_identical(facts: chapter.Facts):
    page = " ".join(" ".join(p.markdown.split()) for p in chapter.page.all().values())
    assert "identical" not in page and "each with its own weights" in page
    assert "uses no path narrower than d = 4" in page


def test_an_activation_gap_the_stride_does_not_split_fails(facts: chapter.Facts):
    acts = dict(facts.activations, resnet50_stride_3x3=facts.activations["resnet50"])
    with pytest.raises(CheckFailed, match="paragraph 'networks': the text splits the activation gap"):
        chapter.paragraph("networks", dataclasses.replace(facts, activations=acts))


def test_a_wider_network_that_loses_to_resnext101_changes_the_words(facts: chapter.Facts, monkeypatch):
    rows = tuple(dataclasses.replace(r, top1_error=21.6) if r.grows == "width" else r for r in chapter.TABLE4_2X)
    monkeypatch.setattr(chapter, "TABLE4_2X", rows)
    with pytest.raises(CheckFailed, match="matches the wider network"):
        chapter.paragraph("why_more_paths", facts)


def test_the_stage_table_prints_no_multiply_adds():
    """Principle 20: a stage's multiply-adds less its repeated blocks (the explorer prints one block's)
    would give away resnext.conv3_first_block_macs, so the folded stage table leaves them out."""
    from cnnviz.analysis.ledger import ledger
    from cnnviz.interact.exercises import get

    led = ledger("resnext50_32x4d")
    table = chapter.stage_table(led)
    header = table.splitlines()[0].lower()
    assert "mac" not in header and "multiply" not in header
    assert "kernel" not in header and "type" not in header  # narrow enough for the column at 1280
    for row in led.at_depth(1):
        if row.macs:
            assert f"{row.macs:,}" not in table
    assert f"{led.total_params:,}" in table and f"{led.total_activations:,}" in table
    assert f"{get('resnext.conv3_first_block_macs').expected():,}" not in table


def test_no_graded_value_is_printed_in_the_prose(facts: chapter.Facts):
    from cnnviz.interact.exercises import for_chapter

    page = " ".join(p.markdown for p in chapter.page.all().values())
    for exercise in for_chapter("resnext"):
        if exercise.kind == "computed":
            for variant in range(len(exercise.variants) + 1):
                value = exercise.expected(variant)
                if value >= 100:  # small values (d = 2) are everywhere as digits
                    assert f"{value:,}" not in page and str(value) not in page, exercise.id


def test_remember_and_explore_read_their_words_from_the_numbers(facts: chapter.Facts):
    remember = " ".join(chapter.paragraph("remember").markdown.split())
    assert "1×64d, 2×40d, 4×24d, 8×14d and 32×4d all cost about the same as the ResNet-50 bottleneck" in remember
    assert "a parameter count about the same as theirs, and more multiply-adds, most of the difference" in remember
    assert "authors' hypothesis" in remember
    explore = " ".join(chapter.paragraph("explore_matched").markdown.split())
    assert "Table 2's 1×64d, 2×40d, 4×24d, 8×14d and 32×4d" in explore and "1×1, 3×3 and 1×1" in explore
    far = max(facts.templates, key=lambda t: abs(t.weights / facts.budget - 1))
    off = (*[t for t in facts.templates if t is not far], dataclasses.replace(far, weights=facts.budget * 2))
    with pytest.raises(CheckFailed, match="paragraph 'remember': the text says every template costs about"):
        chapter.paragraph("remember", dataclasses.replace(facts, templates=off))


# --- captions and folds ---------------------------------------------------------------------------

def test_the_captions_of_the_real_diagrams_say_what_is_collapsed():
    pytest.importorskip("graphviz")
    from cnnviz.render.diagrams import module_diagram, network_diagram

    paths = chapter.caption("paths", module_diagram("resnext_paths", max_paths=2)).markdown
    assert "paths 2–31 of 32 drawn as one node" in paths and "AggregatedBottleneck" in paths
    assert "blocks 2–31" not in paths
    network = chapter.caption("resnext50", network_diagram("resnext50_32x4d")).markdown
    assert "each stage drawn as one node" in network and "drawn once with their count" not in network


def test_folded_wraps_markdown_in_a_collapsed_details_block():
    from cnnviz.interact.prose import Paragraph

    text = chapter.folded("The code <of> it", Paragraph("```python\nx = 1\n```")).markdown
    assert text.startswith('<details class="cnnviz-fold">\n<summary>The code &lt;of&gt; it</summary>\n\n```python')
    assert text.endswith("```\n\n</details>")  # blank lines: Markdown inside, HTML blocks around it
    assert chapter.folded("t", "| a |\n|---|\n").markdown.count("\n\n") == 2
    with pytest.raises(TypeError, match="Markdown text"):
        chapter.folded("t", 3)


# --- a planted change fails the paragraph that cites the number -----------------------------------


def test_more_parameters_for_resnext_fail_the_networks_paragraph(facts: chapter.Facts):
    planted = _with_net(facts, "resnext50_32x4d", params=30_000_000)
    with pytest.raises(CheckFailed, match=r"resnext, paragraph 'networks': the text puts the whole parameter gap"):
        chapter.paragraph("networks", planted)


def test_a_receptive_field_that_stride_does_not_explain_fails(facts: chapter.Facts):
    planted = _with_net(facts, "resnext50_32x4d", receptive_field=facts.net("resnet50").receptive_field)
    with pytest.raises(CheckFailed, match="stride placement alone sets the receptive field"):
        chapter.paragraph("networks", planted)


def test_a_width_off_table2_fails_the_table2_paragraph(facts: chapter.Facts):
    templates = (dataclasses.replace(facts.templates[0], width=63), *facts.templates[1:])
    with pytest.raises(CheckFailed, match="paragraph 'table2': the caption says cnnviz finds Table 2's widths"):
        chapter.paragraph("table2", dataclasses.replace(facts, templates=templates))


def test_a_claim_that_is_off_fails_the_claims_paragraph(facts: chapter.Facts):
    claims = (dataclasses.replace(facts.claims[0], verdict=Verdict.OFF), *facts.claims[1:])
    with pytest.raises(CheckFailed, match="paragraph 'claims': the text says every statement holds"):
        chapter.paragraph("claims", dataclasses.replace(facts, claims=claims))


def test_a_table4_where_width_wins_fails_the_why_paragraph(facts: chapter.Facts, monkeypatch):
    rows = tuple(dataclasses.replace(r, top1_error=20.0) if r.grows == "width" else r for r in chapter.TABLE4_2X)
    monkeypatch.setattr(chapter, "TABLE4_2X", rows)
    with pytest.raises(CheckFailed, match="paragraph 'why_more_paths': the text says every network with more paths"):
        chapter.paragraph("why_more_paths", facts)


def test_a_table3_that_stops_falling_fails(facts: chapter.Facts, monkeypatch):
    monkeypatch.setitem(TABLE3_TOP1_ERROR, (50, 32, 4), 22.4)
    with pytest.raises(CheckFailed, match="falls at every step"):
        chapter.paragraph("table2", facts)
    with pytest.raises(CheckFailed, match="ResNeXt-50's error falls at every step of C"):
        chapter.paragraph("why_more_paths", facts)


def test_an_inception_branch_like_another_fails(facts: chapter.Facts):
    with pytest.raises(CheckFailed, match="four different Inception branches"):
        chapter.paragraph("inception", dataclasses.replace(facts, inception_kinds=3))


# --- or changes the words, where cnnviz.chapters.words picks them --------------------------------------------


def test_the_words_follow_the_numbers(facts: chapter.Facts, monkeypatch):
    c8, c16 = facts.cifar
    tripled = dataclasses.replace(facts, cifar=(c8, dataclasses.replace(c16, params=3 * c8.params)))
    assert "more than the" in chapter.paragraph("cifar", tripled).markdown
    wide_field = dataclasses.replace(facts, cifar=(dataclasses.replace(c8, receptive_field=200), c16))
    assert "many times the 32-pixel image" in " ".join(chapter.paragraph("cifar", wide_field).markdown.split())
    thin = (*facts.templates[:-1], dataclasses.replace(facts.templates[-1], width=24, width_paper=24))
    for depth in (50, 101):  # a Table 3 with a 32×24d column, as good as the 32×4d one
        monkeypatch.setitem(TABLE3_TOP1_ERROR, (depth, 32, 24), TABLE3_TOP1_ERROR[(depth, 32, 4)])
    text = " ".join(chapter.paragraph("table2", dataclasses.replace(facts, templates=thin)).markdown.split())
    assert "uses no path narrower than d = 24" in text  # the narrowest path read from the templates
