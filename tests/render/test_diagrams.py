"""Diagrams: structure, numbers (from the ledger), golden DOT sources, SVG rendering, diffs, the theme."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import graphviz
import pytest
import torch
from torch import nn

from cnnviz import models
from cnnviz.analysis.diff import layer_diff
from cnnviz.analysis.graph import DEFAULT_MAX_NODES, LEVELS, NetworkGraph, module_graphs, network_graph
from cnnviz.analysis.ledger import ledger
from cnnviz.format import compact_count
from cnnviz.models.densenet import DenseBlock, Transition
from cnnviz.models.figures import ConvStack, NaiveInception, figure_parts
from cnnviz.models.fractalnet import FractalBlock
from cnnviz.models.googlenet import InceptionModule, InceptionSpec
from cnnviz.models.nin import CIFAR_BLOCKS, Mlpconv
from cnnviz.models.resnet import BasicBlock, Bottleneck
from cnnviz.models.resnext import AggregatedBottleneck
from cnnviz.models.squeezenet import Fire
from cnnviz.models.stochastic_depth import StochasticDepthBlock
from cnnviz.render import diagrams, theme
from cnnviz.render.diagrams import (
    MODULE_KINDS,
    GraphvizNotFoundError,
    diff_diagram,
    module_diagram,
    network_diagram,
    save_svg,
)

GOLDEN_DOT = Path(__file__).parent / "golden_dot"
HAS_DOT = shutil.which("dot") is not None


@pytest.fixture
def golden_dot(golden):
    """``golden_dot(name, source)``: compare with tests/render/golden_dot/NAME.dot, or rewrite it."""
    return lambda name, source: golden(GOLDEN_DOT / f"{name}.dot", source)


def caption_of(source: str) -> str:
    """A diagram's caption as one line: the label's caption cells (wrapped on the drawing) joined."""
    return " ".join(re.findall(r'<TD COLSPAN="\d+" BORDER="0">([^<]*)</TD>', source))


# --- small networks defined here ---------------------------------------------------------------------


class TinyBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.shortcut = (
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            if stride != 1 or cin != cout
            else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        return self.relu(self.conv2(self.relu(self.bn1(self.conv1(x)))) + identity)


class TinyNet(nn.Module):
    """stem, a stage of 3 residual blocks (the first with a projection), a concat, a classifier."""

    def __init__(self, kernel: int = 3, extra: bool = False) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, kernel, padding=kernel // 2)
        self.stage = nn.Sequential(TinyBlock(8, 16, 2), TinyBlock(16, 16, 1), TinyBlock(16, 16, 1))
        self.side = nn.Conv2d(16, 4, 1)
        self.extra = nn.ReLU() if extra else None
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(20, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stage(self.stem(x))  # (N, 16, 8, 8)
        x = torch.cat([x, self.side(x)], dim=1)  # (N, 20, 8, 8)
        if self.extra is not None:
            x = self.extra(x)
        return self.fc(self.flatten(self.pool(x)))


SIZE = (3, 16, 16)


# --- structure and numbers ------------------------------------------------------------------------


def test_network_level_collapses_stages_and_numbers_come_from_the_ledger():
    g = network_graph(TinyNet(), "network", SIZE)
    stage = g.node("stage")
    assert (stage.kind, stage.detail, stage.output_shape) == ("stage", "TinyBlock ×3", (16, 8, 8))
    table = ledger(TinyNet(), SIZE)
    assert stage.params == next(r for r in table.rows if r.name == "stage").params
    assert [n.name for n in g.nodes] == ["input", "stem", "stage", "side", "cat", "pool", "flatten", "fc"]
    assert g.node("cat").output_shape == (20, 8, 8)
    assert ("stage", "cat") in {(e.src, e.dst) for e in g.edges} and ("side", "cat") in {
        (e.src, e.dst) for e in g.edges
    }
    assert (
        sum(n.params for n in g.nodes) == table.total_params == sum(p.numel() for p in TinyNet().parameters())
    )


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_accounts_for_every_parameter_and_mac(level):
    net = TinyNet()
    table = ledger(net, SIZE)
    g = network_graph(net, level, SIZE)
    assert sum(n.params for n in g.nodes) == table.total_params
    assert sum(n.macs for n in g.nodes) == table.total_macs
    assert g.total_params == table.total_params


def test_block_level_draws_the_residual_branch_the_projection_and_the_shortcut_edges():
    g = network_graph(TinyNet(), "block", SIZE)
    names = [n.name for n in g.nodes]
    assert names[:8] == [
        "input",
        "stem",
        "stage.0.shortcut",
        "stage.0",
        "stage.0.add",
        "stage.1",
        "stage.1.add",
        "stage.2",
    ]
    assert g.node("stage.0.shortcut").detail == "shortcut: 1×1 conv, 16, /2 + batch norm"
    assert g.node("stage.0.add").detail == "add + ReLU"
    skips = {(e.src, e.dst) for e in g.edges if e.skip}
    assert skips == {
        ("stage.0.shortcut", "stage.0.add"),
        ("stage.0.add", "stage.1.add"),
        ("stage.1.add", "stage.2.add"),
    }
    # the projection's parameters moved out of the block node, none lost
    table = {r.name: r for r in ledger(TinyNet(), SIZE).rows}
    assert g.node("stage.0").params + g.node("stage.0.shortcut").params == table["stage.0"].params


def test_layer_level_has_clusters_per_block_and_explicit_adds():
    g = network_graph(TinyNet(), "layer", SIZE)
    add = g.node("stage.1.add")
    assert add.clusters == ("stage", "stage.1") and add.kind == "merge"
    assert g.node("stage.0.shortcut.0").detail == "1×1 conv, 16, /2"
    assert g.cluster_labels["stage"] == "stage: TinyBlock ×3"
    assert g.cluster_labels["stage.0"] == "stage.0: TinyBlock"
    edges = {(e.src, e.dst): e.skip for e in g.edges}
    assert edges[("stage.0.shortcut.1", "stage.0.add")] is True  # projection (conv, BN) into the add
    assert edges[("stage.0.conv2", "stage.0.add")] is False
    assert edges[("stage.0.relu_1", "stage.1.add")] is True  # the reused ReLU's second call feeds the skip
    # a module called twice (the block's ReLU) is drawn once per call, each with its own shape
    assert g.node("stage.0.relu").output_shape == (16, 8, 8)


def test_resnet20_stages_block_skips_and_layer_adds():
    g = network_graph("resnet20", "network")
    stages = {n.name: (n.detail, n.output_shape) for n in g.nodes if n.kind == "stage"}
    assert stages == {
        "layer1": ("BasicBlock ×3", (16, 32, 32)),
        "layer2": ("BasicBlock ×3", (32, 16, 16)),
        "layer3": ("BasicBlock ×3", (64, 8, 8)),
    }
    block = network_graph("resnet20", "block")
    assert sum(e.skip for e in block.edges) == 9
    assert block.node("layer2.0.downsample").detail == "shortcut: ZeroPadShortcut"
    assert block.node("layer2.0.downsample").output_shape == (32, 16, 16)  # zero-padded channels
    layer = network_graph("resnet20", "layer")
    assert sum(n.detail == "add" for n in layer.nodes) == 9
    assert sum(n.params for n in layer.nodes) == 269_722 == layer.total_params


def test_long_stages_are_collapsed_and_the_record_says_so():
    g = network_graph("resnet110", "layer", max_nodes=120, max_repeats=None)
    assert [(c.stage, c.start, c.stop, c.of, c.why, c.limit) for c in g.collapsed] == [
        (f"layer{i}", 1, 17, 18, "max_nodes", 120) for i in (1, 2, 3)
    ]
    groups = [n for n in g.nodes if n.detail.endswith("(collapsed)")]
    assert [n.name for n in groups] == ["layer1.1..16", "layer2.1..16", "layer3.1..16"] == [c.node for c in g.collapsed]
    assert groups[0].detail == "BasicBlock ×16 (collapsed)"
    assert sum(n.params for n in g.nodes) == g.total_params
    assert network_graph("resnet110", "layer", max_nodes=None, max_repeats=None).collapsed == ()
    caption = diagrams.draw_network(g).caption
    assert "drawn as one node each: layer1 blocks 2–17 of 18, layer2 blocks 2–17 of 18" in caption
    assert "(to stay under 120 blocks and layers)" in caption


def test_activation_folding_and_its_switch():
    g = network_graph("alexnet", "network", fold_activations=True)
    assert g.node("features.conv1").detail == "11×11 conv, 96, /4 + ReLU"
    assert "features.relu1" not in [n.name for n in g.nodes]
    assert "features.relu1" in g.node("features.conv1").members
    g = network_graph("alexnet", "network", fold_activations=False)
    assert g.node("features.relu1").kind == "activation"


# --- drawing --------------------------------------------------------------------------------------


def test_dot_source_is_deterministic_and_themed():
    a = network_diagram(TinyNet(), "block", SIZE, rankdir="LR").source
    b = network_diagram(TinyNet(), "block", SIZE, rankdir="LR").source
    assert a == b
    assert "rankdir=LR" in a and f'bgcolor="{theme.PAPER}"' in a
    assert f'fillcolor="{theme.FILL["conv"]}" id=stem' in a
    assert f'"stage.0.shortcut" -> "stage.0.add" [color="{theme.SKIP}" penwidth=1.6 style=dashed]' in a
    assert "0x" not in a  # no object ids


def test_labels_show_name_kind_shape_params_and_optional_macs():
    src = network_diagram("resnet20", "network", show_macs=True).source
    assert 'layer1 [label="layer1: BasicBlock ×3\\n32×32×16\\n14K params · 14.2M MACs"' in src
    assert "peripheries=2" in src  # stages are drawn doubled
    assert 'id=layer1 peripheries=2 tooltip="layer1 (BasicBlock ×3)"' in src
    assert "resnet20 · network level · input 32×32×3 · 270K params · 40.6M MACs" in caption_of(src)


def test_receptive_field_on_nodes():
    three = nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))
    g = network_graph(three, "layer", (1, 16, 16), show_rf=True)
    assert [n.rf for n in g.nodes if n.kind == "conv"] == [3, 5, 7]


def test_golden_dot_sources(golden_dot):
    golden_dot("tiny_block", network_diagram(TinyNet(), "block", SIZE).source)
    golden_dot("tiny_layer", network_diagram(TinyNet(), "layer", SIZE, rankdir="LR").source)
    golden_dot("resnet20_network", network_diagram("resnet20", "network", show_macs=True).source)
    golden_dot("inception_naive", module_diagram("inception_naive").source)
    golden_dot("fractal_c3", module_diagram("fractal", columns=3).source)
    golden_dot("tiny_diff", diff_diagram(TinyNet(), TinyNet(kernel=5, extra=True), "layer", SIZE).source)


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz 'dot' is not installed")
def test_renders_to_svg_with_layer_names_as_titles(tmp_path):
    path = save_svg(network_diagram(TinyNet(), "layer", SIZE), tmp_path / "sub" / "tiny.svg")
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "<title>stage.0.conv1</title>" in svg and "<title>stage.1.add</title>" in svg
    assert 'id="stage.0.conv1"' in svg and 'id="cluster_stage.0"' in svg


def test_missing_graphviz_gives_install_instructions(monkeypatch, tmp_path):
    diagram = network_diagram(TinyNet(), "network", SIZE)
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as info:
        save_svg(diagram, tmp_path / "x.svg")
    assert "conda install -c conda-forge graphviz" in str(info.value)
    assert not isinstance(info.value, graphviz.ExecutableNotFound)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        diagram._repr_mimebundle_()  # what Jupyter calls to show it inline
    assert not (tmp_path / "x.svg").exists()


# --- module diagrams -------------------------------------------------------------------------------


def _module_graph(kind: str, **spec) -> NetworkGraph:
    return module_graphs(kind, **spec)[0].graph


def test_inception_modules_match_the_lecture():
    naive = _module_graph("inception_naive")
    assert naive.node("cat").output_shape == (672, 28, 28)  # 128 + 192 + 96 + 256
    assert naive.total_macs == 28 * 28 * 256 * (128 * 1 + 192 * 9 + 96 * 25) == 854_196_224  # "854M ops"
    reduced = _module_graph("inception_reduced")
    assert reduced.node("cat").output_shape == (480, 28, 28)  # 128 + 192 + 96 + 64
    # The lecture's list of convolutions sums to 271M; its "358M ops" total does not follow from its list.
    ops = 28 * 28 * (64 * 256 + 64 * 256 + 128 * 256 + 192 * 9 * 64 + 96 * 25 * 64 + 64 * 256)
    assert reduced.total_macs == ops == 271_351_808
    src = module_diagram("inception_naive").source
    assert 'label="1×1 conv, 128 + ReLU\\n28×28×128\\n32.9K params · 25.7M MACs"' in src
    assert "Naive inception module · 28×28×256 → 28×28×672" in caption_of(src)
    assert module_diagram("inception_naive", c3x3=64).source.count("28×28×544") == 2  # node and caption


def test_residual_resnext_and_dense_blocks():
    assert _module_graph("basic_block").total_params == 2 * (9 * 64 * 64 + 2 * 64)
    projected = _module_graph("basic_block", stride=2)
    assert projected.node("downsample.0").detail == "1×1 conv, 64, /2"
    assert _module_graph("bottleneck").total_params == 256 * 64 + 9 * 64 * 64 + 64 * 256 + 2 * (64 + 64 + 256)
    (paths,), (grouped,) = module_graphs("resnext_paths"), module_graphs("resnext_grouped")
    # the paper's Table 2 counts the convolution weights (70,144); the zoo's block adds batch norm
    conv_weights = 32 * (256 * 4 + 9 * 4 * 4 + 4 * 256)
    assert paths.conv_weights == grouped.conv_weights == conv_weights == 70_144
    batch_norm = 32 * 2 * (2 * 4) + 2 * 256  # bn1, bn2 of every path (grouped: of 128 channels), bn3
    assert paths.graph.total_params == grouped.graph.total_params == conv_weights + batch_norm == 71_168
    caption = "convolution weights only, without batch norm: 70,144 of the 71,168"
    assert caption in caption_of(module_diagram("resnext_grouped").source)
    collapsed = [n for n in paths.graph.nodes if n.kind == "stage"]
    assert [(n.detail, n.params) for n in collapsed] == [("ResNeXtPath ×28 (collapsed)", 28 * 2208)]
    # the running sum over the paths is one node; only the block's own add takes the shortcut
    total = paths.graph.node("add")
    assert (total.kind, total.detail) == ("merge", "sum")
    assert sum(e.dst == "add" for e in paths.graph.edges) == 5  # paths 0, 1, 2, the collapsed 28, path 31
    assert [(e.src, e.dst) for e in paths.graph.edges if e.skip] == [("input", "add_31")]
    assert grouped.graph.node("conv2").detail == "3×3 conv, 128, groups 32"
    dense = _module_graph("dense_block", k0=64, k=32, layers=4)
    concats = [n.output_shape[0] for n in dense.nodes if n.detail == "concat"]
    assert concats == [64, 96, 128, 160, 192]  # k0 + i·k; the zoo's block concatenates the input alone first
    assert _module_graph("transition").nodes[-1].output_shape == (128, 28, 28)


def test_fire_mlpconv_fractal_stochastic_depth_and_stack_vs_large():
    fire = _module_graph("fire")
    assert fire.node("cat").output_shape == (128, 55, 55)
    assert fire.total_params == (96 * 16 + 16) + (16 * 64 + 64) + (16 * 9 * 64 + 64)
    assert _module_graph("mlpconv").nodes[-1].output_shape == (96, 32, 32)
    for c in (1, 2, 3, 4):
        g = _module_graph("fractal", columns=c)
        assert sum(n.kind == "conv" for n in g.nodes) == 2**c - 1
        assert sum(n.kind == "merge" for n in g.nodes) == (2 ** (c - 2) if c > 1 else 0)
    joins = [len([e for e in g.edges if e.dst == n.name]) for n in g.nodes if n.kind == "merge"]  # g: C = 4
    assert joins == [2, 3, 2, 4]  # the paper's Fig. 1 for C = 4
    sd = module_diagram("stochastic_depth_block", survival=0.8).source
    assert 'mul [label="× 0.8\\n32×32×16"' in sd and "at test time, survival probability p = 0.8" in sd
    src = module_diagram("stack_vs_large", n=3, channels=64).source
    assert "3 × 3×3 conv: 27C² params = 110,592" in src and "one 7×7 conv: 49C² params = 200,704" in src
    assert src.count("RF 7") == 2


# Each module diagram's block, built here from the zoo with the lecture's sizes (the diagrams' defaults).
ZOO_BLOCKS = {
    "inception_naive": lambda: [NaiveInception(256, 128, 192, 96)],
    "inception_reduced": lambda: [InceptionModule(InceptionSpec(256, 128, 64, 192, 64, 96, 64))],
    "basic_block": lambda: [BasicBlock(64, 64)],
    "bottleneck": lambda: [Bottleneck(256, 256, width=64)],
    "resnext_paths": lambda: [AggregatedBottleneck(256, 256, width=128, groups=32)],
    "resnext_grouped": lambda: [Bottleneck(256, 256, width=128, groups=32)],
    "dense_block": lambda: [DenseBlock(64, 4, 32, bottleneck=False)],
    "transition": lambda: [Transition(256, 128)],
    "fire": lambda: [Fire(96, 16, 64, 64)],
    "mlpconv": lambda: [Mlpconv(3, CIFAR_BLOCKS[0])],
    "fractal": lambda: [FractalBlock(64, 64, 4, local_drop=0.15, dropout=0.0)],
    "stochastic_depth_block": lambda: [StochasticDepthBlock(16, 16, survival_prob=0.5)],
    "stack_vs_large": lambda: [ConvStack(64, 3), ConvStack(64, 1, kernel=7)],
}


@pytest.mark.parametrize("kind", MODULE_KINDS)
def test_every_module_diagram_draws_the_zoo_block_and_shows_its_parameter_count(kind):
    assert set(ZOO_BLOCKS) == set(MODULE_KINDS)
    blocks = ZOO_BLOCKS[kind]()
    figures = module_graphs(kind)
    source = module_diagram(kind).source
    assert len(figures) == len(blocks)
    for figure, block in zip(figures, blocks, strict=True):
        total = sum(p.numel() for p in block.parameters())
        assert figure.graph.model == type(block).__name__  # the zoo's class, not a look-alike
        assert figure.graph.total_params == figure.block_params == total
        assert sum(n.params for n in figure.graph.nodes) == total
        shown = f"{compact_count(total)} params" if len(blocks) == 1 else f"= {total:,} ·"
        assert shown in source


def test_every_module_kind_draws():
    for kind in MODULE_KINDS:
        assert module_diagram(kind).source.startswith(f"digraph {kind} {{")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: module_diagram("inception"), "unknown kind 'inception'; valid kinds: inception_naive"),
        (lambda: module_diagram("fire", s3x3=1), "unknown parameter 's3x3'; valid parameters: in_channels"),
        (lambda: module_diagram("fire", s1x1=0), "s1x1 must be a positive integer, got 0"),
        (lambda: module_diagram("fractal", columns=9), "columns must be an integer from 1 to 6"),
        (
            lambda: module_diagram("stochastic_depth_block", survival=1.5),
            r"survival must be a number in \(0, 1\]",
        ),
        (
            lambda: network_diagram("resnet20", "stage"),
            "level must be one of network, block, layer, got 'stage'",
        ),
        (
            lambda: network_diagram("resnet20", rankdir="UP"),
            "rankdir must be one of TB, LR, BT, RL, got 'UP'",
        ),
        (lambda: network_diagram(TinyNet()), "input_size is required for an nn.Module"),
        (
            lambda: network_diagram("resnet20", "layer", max_nodes=0),
            "max_nodes must be a positive integer or None",
        ),
        (
            lambda: network_diagram("resnet20", "block", max_repeats=True),
            "max_repeats must be a positive integer or None",
        ),
    ],
)
def test_errors_name_the_parameter_and_what_is_valid(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- differences ------------------------------------------------------------------------------------


def test_layer_diff_of_small_networks():
    changes = layer_diff(TinyNet(), TinyNet(kernel=5, extra=True), SIZE)
    assert [(c.change, c.a, c.b, c.type) for c in changes] == [
        ("changed", "stem", "stem", "Conv2d"),
        ("added", None, "extra", "ReLU"),
    ]
    assert changes[0].fields == (
        ("kernel", (3, 3), (5, 5)),
        ("padding", (1, 1), (2, 2)),
        ("params", 224, 608),
    )
    assert (
        str(changes[0])
        == "changed stem (Conv2d): kernel (3, 3) → (5, 5), padding (1, 1) → (2, 2), params 224 → 608"
    )
    assert layer_diff(TinyNet(), TinyNet(), SIZE) == ()


def test_plain_to_residual_adds_exactly_the_shortcuts():
    changes = layer_diff("plain20", "resnet20")
    assert {c.change for c in changes} == {"added"}
    assert Counter(c.type for c in changes) == {"add": 9, "AvgPool2d": 2, "pad": 2}  # option A shortcuts
    src = diff_diagram("plain20", "resnet20", "network").source
    assert src.count('label="+ layer') == 3 and '"a/layer1" [label="layer1: BasicBlock ×3' in src
    caption = "plain20 → resnet20 · network level · 0 changed (Δ), 13 added (+), 0 removed (−) layers"
    assert caption in caption_of(src)


@pytest.mark.slow
def test_lecture_diffs():
    changes = layer_diff("alexnet", "zfnet")
    changed = {c.a: dict((f, (x, y)) for f, x, y in c.fields) for c in changes if c.change == "changed"}
    assert set(changed) == {"features.conv1", "features.conv2", "features.conv4", "features.conv5"}
    assert changed["features.conv1"]["kernel"] == ((11, 11), (7, 7))
    assert changed["features.conv1"]["stride"] == ((4, 4), (2, 2))
    moved = sorted((c.change, c.a or c.b) for c in changes if c.change != "changed")
    assert moved == [
        ("added", "features.pool1"),
        ("added", "features.pool2"),
        ("removed", "features.pool1"),
        ("removed", "features.pool2"),
    ]
    vgg = layer_diff("vgg16", "vgg19")
    assert Counter((c.change, c.type) for c in vgg) == {("added", "Conv2d"): 3, ("added", "ReLU"): 3}
    rx = layer_diff("resnet50", "resnext50_32x4d")
    assert {c.change for c in rx} == {"changed"}
    assert sum(c.type == "Conv2d" and ("groups", 1, 32) in c.fields for c in rx) == 16
    wide = layer_diff("resnext50_32x4d", "wide_resnet50_2")
    assert [c.a.rsplit(".", 1)[1] for c in wide] == ["conv2"] * 16


# --- every registry model -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", models.names())
def test_every_registry_model_draws_at_every_level(name):
    for level in LEVELS:
        g = network_graph(name, level)  # its collapse records are checked against its nodes when built
        assert sum(n.params for n in g.nodes) == g.total_params, level
        assert len(g.nodes) <= DEFAULT_MAX_NODES + 150, level
        for s in (n for n in g.nodes if n.detail.startswith("shortcut")):  # beside its block, not after it
            block = s.name.rpartition(".")[0]
            assert block not in {e.src for e in g.edges if e.dst == s.name}, (level, s.name)
        diagram = diagrams.draw_network(g)
        assert diagram.source.count(" -> ") == len(g.edges) and diagram.source.count("label=") >= len(g.nodes)
        if HAS_DOT:
            assert diagram.pipe(format="svg").count(b"<title>") >= len(g.nodes) + len(g.edges)


def test_theme_fills_are_legible_with_dark_text():
    for kind, colour in theme.FILL.items():
        assert theme.contrast_ratio(colour, theme.TEXT) >= 4.5, kind
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)


def test_drawing_leaves_no_trace_on_the_model():
    net = TinyNet().train()
    net.stage[1].eval()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    network_graph(net, "block", SIZE)
    assert net.training and not net.stage[1].training and net.stage[0].training
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # BN running stats untouched


def test_dense_connectivity_falls_back_to_a_running_concatenation_when_large():
    (part,) = figure_parts("dense_block", k0=8, k=4, layers=6, hw=8)
    full = network_graph(part.module, "block", part.input_size, max_nodes=None)
    cats = [n.name for n in full.nodes if n.detail == "concat"]
    assert [sum(e.dst == c for e in full.edges) for c in cats] == [1, 2, 3, 4, 5, 6, 7]
    small = network_graph(part.module, "block", part.input_size, max_nodes=10)
    assert small.running_concat and not full.running_concat
    assert "each concat drawn from the previous concat" in diagrams.draw_network(small).caption
    assert [sum(e.dst == c for e in small.edges) for c in cats] == [1, 2, 2, 2, 2, 2, 2]
    assert {(e.src, e.dst) for e in small.edges} >= {(cats[1], cats[2]), (cats[5], cats[6])}
    assert [n.output_shape for n in small.nodes] == [n.output_shape for n in full.nodes]


def test_inception_branches_are_drawn_as_their_layers():
    """At the network level each Inception branch shows its layers (1×1 reduction, then the 3×3 or 5×5),
    never a collapsed "ConvReLU ×2"; the diagram carries a colour key of the kinds it draws."""
    src = network_diagram("googlenet", "network").source
    assert "ConvReLU" not in src
    assert '"inception3a.branch2.0" -> "inception3a.branch2.1"' in src
    assert "1×1 conv, 96 + ReLU" in src and "3×3 conv, 128 + ReLU" in src and "5×5 conv, 32 + ReLU" in src
    assert "colour key" in src and theme.FILL["pool"] in src


def test_colour_key_lists_the_kinds_drawn():
    label = diagrams.colour_key({"conv", "pool"}, "caption & <more>")
    assert label.startswith("<<TABLE") and label.endswith("</TABLE>>")
    assert "caption &amp; &lt;more&gt;" in label
    assert label.index("convolution") < label.index("pooling")
    assert f'BGCOLOR="{theme.FILL["conv"]}"' in label and "fully connected" not in label
