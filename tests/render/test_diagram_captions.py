"""A diagram's caption says what its drawing call did, worded from the graph's records: which blocks were
drawn as one node (or that none were), what is dashed, what is dimmed. A record that its nodes contradict is
refused when the graph is built, so a caption cannot say "collapsed" of a drawing that collapsed nothing.
Also here: a projection shortcut is drawn beside its block, never after it."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import graphviz
import pytest

from cnnviz.analysis.graph import DEFAULT_MAX_REPEATS, Collapsed, collapse_problems, network_graph
from cnnviz.analysis.ledger import ledger
from cnnviz.render import diagrams, theme
from cnnviz.render.diagrams import CAPTION_WIDTH, caption_facts, module_diagram, network_diagram


def _label_lines(source: str) -> list[str]:
    """The caption lines of a diagram's DOT source (the cells of its label table without a border)."""
    return re.findall(r'<TD COLSPAN="\d+" BORDER="0">([^<]*)</TD>', source)


# --- what was collapsed, from the call ----------------------------------------------------------------


def test_a_call_that_collapses_names_what_it_collapsed():
    diagram = network_diagram("resnet101", "block")
    g = network_graph("resnet101", "block")
    (record,) = g.collapsed
    assert (record.stage, record.start, record.stop, record.of, record.why) == (
        "layer3",
        1,
        22,
        23,
        "max_repeats",
    )
    assert record.limit == DEFAULT_MAX_REPEATS and record.node == "layer3.1..21"
    assert g.node("layer3.1..21").detail == "Bottleneck ×21 (collapsed)"
    fact = "layer3: blocks 2–22 of 23 drawn as one node"
    assert diagram.caption.startswith(fact)
    assert any(line.startswith(fact) for line in _label_lines(diagram.source))  # on the drawing too
    assert sum(n.params for n in g.nodes) == ledger("resnet101").total_params  # nothing lost by collapsing


def test_a_call_that_collapses_nothing_says_so():
    for name, level in (("resnet50", "block"), ("wrn16_8", "block"), ("resnet20", "layer")):
        g = network_graph(name, level)
        assert g.collapsed == () and not any(n.kind == "stage" for n in g.nodes)
        caption = diagrams.draw_network(g).caption
        unit = "layer" if level == "layer" else "block"
        assert caption.startswith(f"every {unit} drawn (none collapsed)"), caption
        assert "drawn as one node" not in caption
    # the call decides: the same network with a smaller max_repeats collapses, and says so
    caption = network_diagram("resnet50", "block", max_repeats=4).caption
    assert caption.startswith("layer3: blocks 2–5 of 6 drawn as one node (stages of more than 4 blocks keep")


def test_the_network_level_says_each_stage_is_one_node():
    assert network_diagram("resnet50").caption.startswith(
        "each stage drawn as one node: layer1 (3 blocks), layer2 (4 blocks), layer3 (6 blocks), layer4 (3 blocks)"
    )
    assert network_diagram("alexnet").caption.startswith("no stage of repeated blocks (none collapsed)")
    # stages of blocks keep the stage's entry in the colour key
    assert "stage (repeated blocks)" in network_diagram("resnet50").source


def test_a_requested_collapse_in_a_module_diagram():
    caption = module_diagram("resnext_paths").caption
    # the collapsed units are paths of one block, and the caption and colour key name them so
    assert caption.startswith("paths 4–31 of 32 drawn as one node;")  # paths 1-3 and 32 drawn
    assert "block" not in caption.split(";")[0]
    source = module_diagram("resnext_paths", max_paths=2).source
    assert "collapsed paths" in source and "repeated blocks" not in source
    assert module_diagram("resnext_paths", cardinality=4).caption.startswith(
        "every layer drawn (none collapsed)"
    )


def test_densenet_block_level_collapses_long_dense_blocks_with_their_concatenations():
    g = network_graph("densenet121", "block")
    assert [(c.stage.rpartition(".")[2], c.start + 1, c.stop, c.of) for c in g.collapsed] == [
        ("denseblock2", 2, 11, 12),
        ("denseblock3", 2, 23, 24),
        ("denseblock4", 2, 15, 16),
    ]
    group = g.node("features.denseblock3.denselayer2..denselayer23")
    # the concatenations that only the collapsed layers read are inside their node
    assert "features.denseblock3.cat_1" in group.members and "features.denseblock3.cat_22" in group.members
    assert "features.denseblock3.cat_23" not in group.members  # read by layer 24, which is drawn
    assert max(sum(e.dst == n.name for e in g.edges) for n in g.nodes) <= 7  # block 1: 6 layers + input
    assert len(g.nodes) < 50 and sum(n.params for n in g.nodes) == g.total_params
    assert network_diagram("densenet121", "block").caption.startswith(
        "drawn as one node each: features.denseblock2 blocks 2–11 of 12, features.denseblock3 blocks 2–23 of 24"
    )


# --- planted defects: a record its nodes contradict is refused ---------------------------------------


def test_a_record_claiming_a_collapse_that_did_not_happen_is_refused():
    g = network_graph("resnet50", "block")
    fake = Collapsed("layer3", 1, 5, 6, "Bottleneck", "layer3.1..4", ("layer3.1", "layer3.2", "layer3.3", "layer3.4"),
                     "max_repeats", 8)  # fmt: skip
    with pytest.raises(ValueError, match=r"layer3\.1\.\.4.*no such collapsed node"):
        replace(g, collapsed=(fake,))


def test_a_collapse_without_its_record_is_refused():
    g = network_graph("resnet101", "block")
    assert collapse_problems(g) == []
    with pytest.raises(ValueError, match=r"node 'layer3\.1\.\.21' .* no record says so"):
        replace(g, collapsed=())  # the caption would say "every block drawn (none collapsed)"
    with pytest.raises(ValueError, match="no record says so"):
        replace(network_graph("resnet50"), collapsed=())


def test_a_record_with_the_wrong_blocks_is_refused():
    g = network_graph("resnet101", "block")
    (record,) = g.collapsed
    wrong = replace(record, stop=record.stop + 1, blocks=(*record.blocks, "layer3.22"))  # one block too many
    with pytest.raises(ValueError, match=r"\(22 blocks\), but the node holds 21"):
        replace(g, collapsed=(wrong,))
    with pytest.raises(ValueError, match="reason 'level' at block level"):
        replace(g, collapsed=(replace(record, why="level"),))


def test_the_planted_defect_check_is_what_guards_the_caption(monkeypatch):
    """With the check switched off, the planted record goes through and the caption states the lie; the
    check is what stands between the two."""
    g = network_graph("resnet50", "block")
    fake = Collapsed("layer3", 1, 5, 6, "Bottleneck", "layer3.1..4", ("layer3.1",), "max_repeats", 8)
    monkeypatch.setattr("cnnviz.analysis.graph.collapse_problems", lambda graph: [])
    lie = replace(g, collapsed=(fake,))
    assert (
        caption_facts(lie)[0]
        == "layer3: blocks 2–5 of 6 drawn as one node (stages of more than 8 blocks keep only their first and last apart)"
    )
    monkeypatch.undo()
    with pytest.raises(ValueError):
        replace(g, collapsed=(fake,))


# --- what is dashed, what is dimmed --------------------------------------------------------------------


def test_dashed_and_dimmed_are_named_only_where_drawn():
    resnet = network_diagram("resnet20", "block").caption
    assert "dashed orange arrows: shortcuts" in resnet and "dashed boxes" in resnet
    plain = network_diagram("plain20", "block").caption
    assert "shortcut" not in plain  # no shortcut, no word about one
    assert "grey, dashed" not in module_diagram("fractal", columns=2).caption
    sample = module_diagram("fractal", columns=2, surviving=({"input", "conv"}, set()))
    assert "grey, dashed: the layers and arrows this sample drops" in sample.caption
    assert theme.DIMMED_NODE_ATTR["style"] in sample.source  # and something is drawn dimmed


def test_caption_lines_are_wrapped_and_the_key_table_is_findable():
    source = module_diagram("stochastic_depth_block", channels=16, hw=32, survival=0.5).source
    assert all(len(line) <= CAPTION_WIDTH for line in _label_lines(source))
    assert f'BGCOLOR="{theme.PAPER}">' in source  # the key's box: the site keeps it in view


# --- topology: a projection runs beside the block ------------------------------------------------------


@pytest.mark.parametrize("name", ["wrn16_8", "resnet50", "resnext29_8x64d", "resnet20"])
def test_a_projection_shortcut_is_drawn_beside_its_block(name):
    g = network_graph(name, "block")
    shortcuts = [n for n in g.nodes if n.detail.startswith("shortcut")]
    assert shortcuts
    for s in shortcuts:
        block = s.name.rpartition(".")[0]
        into = [e.src for e in g.edges if e.dst == s.name]
        out = [e for e in g.edges if e.src == s.name]
        assert block not in into, f"{s.name} is drawn after its block {block}"
        assert len(out) == 1 and out[0].skip and out[0].dst.startswith(block + ".")  # dashed, into the add
        main = [e for e in g.edges if e.dst == out[0].dst and e.src != s.name]
        assert [e.skip for e in main] == [False]  # the block's own output is the solid arrow


def test_a_pre_activation_block_shares_its_bn_relu_between_both_branches():
    g = network_graph("wrn16_8", "block")
    pre = g.node("conv2.0.preact")
    assert pre.detail == "pre-activation: batch norm + ReLU" and pre.members == (
        "conv2.0.bn1",
        "conv2.0.relu1",
    )
    assert {e.dst for e in g.edges if e.src == pre.name} == {"conv2.0", "conv2.0.shortcut"}
    assert g.node("conv2.0.shortcut").detail == "shortcut: 1×1 conv, 128"
    table = {r.name: r for r in ledger("wrn16_8").rows}
    assert (
        pre.params + g.node("conv2.0").params + g.node("conv2.0.shortcut").params == table["conv2.0"].params
    )


# --- the site finds the caption and key in the drawing ---------------------------------------------------


def _site_extension():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "book" / "_ext" / "cnnviz_site.py"
    spec = importlib.util.spec_from_file_location("cnnviz_site", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_the_site_finds_the_caption_and_key_at_the_bottom_of_the_drawing():
    key_box = _site_extension().key_box
    svg = network_diagram("resnet50", "block").pipe(format="svg").decode()
    left, top, width, height = key_box(svg)
    assert 0 < left < 0.2 and 0.5 < width <= 1 and 0.8 < top < 1 and abs(top + height - 1) < 0.02
    tipped = network_diagram("resnet50", "block")
    tipped.attr(tooltip="a chapter's own tooltip")  # wraps the drawing in a link group
    assert key_box(tipped.pipe(format="svg").decode()) == pytest.approx((left, top, width, height))
    # a drawing whose label is plain text (not drawn by cnnviz) has no key to keep in view
    plain = graphviz.Digraph(graph_attr={"label": "just a title"})
    plain.edge("a", "b")
    assert key_box(plain.pipe(format="svg").decode()) is None


def test_retitling_a_diagram_keeps_what_the_call_did_and_the_key():
    """A chapter that sets the label (``diagram.attr(label=...)``) changes the title line only."""
    diagram = module_diagram("stack_vs_large")
    diagram.attr(
        label="Three 3×3 convolutions and one 7×7 convolution: the same 7×7 receptive field", labelloc="b"
    )
    label = diagram.source.rsplit("label=<<TABLE", 1)[1]  # the last label statement is the one drawn
    lines = _label_lines("<TABLE" + label)
    assert (
        lines[0].startswith("Three 3×3 convolutions and one 7×7")
        and "every layer drawn (none collapsed)" in lines
    )
    assert "colour key:" in label and all(len(line) <= CAPTION_WIDTH for line in lines)
    if shutil.which("dot"):
        assert _site_extension().key_box(diagram.pipe(format="svg").decode()) is not None
    diagram.attr(label="<<B>an HTML label</B>>")  # a chapter's own HTML label is its own business
    assert diagram.source.endswith("\tlabel=<<B>an HTML label</B>>\n}\n")
