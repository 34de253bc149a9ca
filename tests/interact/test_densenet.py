"""The DenseNet chapter's code: the dense-block counts against the zoo, connectivity, the explorers (what k, the
layers, the bottleneck and the compression cost, and the paper's errors for what they buy), the exercises and
the claims."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnviz.analysis import dense_blocks
from cnnviz.analysis.claims.densenet import TABLE2, measured_connectivity, table2_row, weight_layer_paths
from cnnviz.analysis.ledger import ledger
from cnnviz.interact.static.densenet import (
    GROWTH_RATES,
    LAYERS,
    MEMORY,
    NONE,
    PANEL_WIDTH,
    PAPER_HEAD,
    READOUT_CHARS,
    densenet_figure,
    densenet_network,
    densenet_row,
    densenet_rows,
    paper_points,
    readout_text,
)
from cnnviz.interact.widgets import densenet_widget, render_densenet
from cnnviz.models.densenet import DenseBlock, cifar_densenet
from cnnviz.render.connectivity import plot_connectivity


@pytest.mark.parametrize(
    ("k0", "k", "layers", "hw", "bottleneck"),
    [(64, 32, 6, 14, True), (24, 12, 5, 8, True), (16, 12, 4, 8, False), (7, 3, 1, 5, False)],
)
def test_dense_block_cost_equals_the_ledger_and_the_forward(k0, k, layers, hw, bottleneck) -> None:
    cost = dense_blocks.dense_block_cost(k0, k, layers, hw, bottleneck=bottleneck)
    block = DenseBlock(k0, layers, k, bottleneck)
    counted = ledger(block, (k0, hw, hw))
    assert (cost.params, cost.macs) == (counted.total_params, counted.total_macs)
    assert cost.leaf_elements == sum(r.activations for r in counted.leaves())
    assert cost.layer_inputs == tuple(k0 + k * (i - 1) for i in range(1, layers + 1))
    made = []  # the concatenations the zoo's forward makes, counted on the real tensors
    real_cat = torch.cat

    def cat(tensors, dim=0):
        out = real_cat(tensors, dim=dim)
        made.append(out[0].numel())
        return out

    torch.cat = cat
    try:
        with torch.no_grad():
            out = block(torch.randn(1, k0, hw, hw))
    finally:
        torch.cat = real_cat
    assert sum(made) == cost.concat_elements and len(made) == layers + 1
    assert out.shape[1] == cost.out_channels and cost.shared_elements == out[0].numel()


def test_materialised_memory_grows_quadratically_and_shared_linearly() -> None:
    def mem(n: int) -> tuple[int, ...]:
        cost = dense_blocks.dense_block_cost(64, 32, n, 8, bottleneck=True)
        return (cost.materialised_elements, dense_blocks.autograd_saved_elements(cost),
                dense_blocks.memory_efficient_elements(cost), cost.shared_elements)  # fmt: skip

    for quadratic in (0, 1):  # every tensor created, what autograd keeps: second differences grow
        m1, m2, m4 = (mem(n)[quadratic] for n in (8, 16, 32))
        assert (m4 - m2) / (m2 - m1) > 3
    for linear in (2, 3):  # memory-efficient, stored once
        s1, s2, s4 = (mem(n)[linear] for n in (8, 16, 32))
        assert s4 - s2 == 2 * (s2 - s1)


# --- what autograd keeps, measured --------------------------------------------------------------------


def test_saved_for_backward_counts_each_storage_once_and_leaves_parameters_out() -> None:
    """By hand: exp keeps its 18-element result; pow keeps its input, a view of that result (the same
    storage, counted once); the weight, a parameter of the module, is left out."""
    from cnnviz.analysis.memory import saved_for_backward

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.nn.Parameter(torch.ones(1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = x.exp()  # (1, 2, 3, 3): saves y
            return (y[:, :1] ** 2) * self.weight  # pow saves y's view; mul saves the view's square and the weight

    x = torch.randn(1, 2, 3, 3, requires_grad=True)
    saved = saved_for_backward(Net(), x)
    # y's storage (18 floats) and the square (9 floats), each once; the weight left out
    assert (saved.activation_bytes, saved.other_bytes, saved.storages) == (4 * (18 + 9), 0, 2)
    assert saved.saved >= 4  # y, its view, the square and the weight were all packed
    assert saved_for_backward(Net(), x.detach()).total_bytes == 4 * 9  # the exp needs no grad: only the square
    with pytest.raises(TypeError, match="forward must be a module or a callable"):
        saved_for_backward(3, x)
    with pytest.raises(TypeError, match="exclude holds tensors or modules"):
        saved_for_backward(Net(), x, exclude=["weight"])
    with pytest.raises(ValueError, match="inputs must hold data"):
        saved_for_backward(Net(), torch.empty(1, 2, 3, 3, device="meta"))


def test_what_autograd_keeps_of_the_zoos_block_is_the_hand_count() -> None:
    """A bottleneck block of two layers (k₀ = 3, k = 2) on 4×4 maps, by hand: layer 1 keeps its input (3
    channels, batch norm 1) and ReLU 1's output (3), the 1×1's output and ReLU 2's output (4k = 8 each);
    layer 2 the same from 5 channels: (3 + 3 + 8 + 8) + (5 + 5 + 8 + 8) = 48 channels of 16 elements. Batch
    norm keeps its per-channel mean and inverse deviation besides: 2·(3 + 8 + 5 + 8) = 48 floats."""
    from cnnviz.analysis.memory import saved_for_backward

    torch.manual_seed(0)
    block = DenseBlock(3, 2, 2, bottleneck=True).train()
    saved = saved_for_backward(block, torch.randn(1, 3, 4, 4, requires_grad=True))
    assert (saved.activation_bytes, saved.other_bytes) == (4 * 48 * 16, 4 * 48)
    cost = dense_blocks.dense_block_cost(3, 2, 2, 4, bottleneck=True)
    assert dense_blocks.autograd_saved_elements(cost) == 48 * 16 < cost.materialised_elements


@pytest.mark.parametrize(
    ("k0", "k", "layers", "hw", "bottleneck"),
    [(64, 32, 3, 14, True), (24, 12, 5, 8, True), (16, 12, 4, 8, False), (7, 3, 1, 5, False)],
)
def test_autograd_saved_and_memory_efficient_counts_equal_measurements(k0, k, layers, hw, bottleneck) -> None:
    """The counts against the zoo's block, plain and with each layer's concatenation, first batch norm, ReLU
    and (with the bottleneck) 1×1 checkpointed as torchvision's ``memory_efficient`` does. The checkpointed
    block keeps the maps its layers read; the last layer's k maps are kept by whatever reads the block's
    output, which the count includes with the maps stored once."""
    from torch.utils.checkpoint import checkpoint

    from cnnviz.analysis.memory import saved_for_backward

    torch.manual_seed(0)
    block = DenseBlock(k0, layers, k, bottleneck).train()
    x = torch.randn(1, k0, hw, hw, requires_grad=True)
    cost = dense_blocks.dense_block_cost(k0, k, layers, hw, bottleneck=bottleneck)
    assert saved_for_backward(block, x).activation_bytes == 4 * dense_blocks.autograd_saved_elements(cost)

    def memory_efficient(x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in block.values():
            if bottleneck:
                def first(*f, layer=layer):
                    return layer.conv1(layer.relu1(layer.norm1(torch.cat(f, 1))))

                inner = checkpoint(first, *features, use_reentrant=True)
                features.append(layer.conv2(layer.relu2(layer.norm2(inner))))
            else:
                def whole(*f, layer=layer):
                    return layer.conv(layer.relu(layer.norm(torch.cat(f, 1))))

                features.append(checkpoint(whole, *features, use_reentrant=True))
        return torch.cat(features, 1)

    measured = saved_for_backward(memory_efficient, x, exclude=[block]).activation_bytes
    assert measured + 4 * k * hw * hw == 4 * dense_blocks.memory_efficient_elements(cost)


def test_densenet121_body_matches_its_ledger_rows() -> None:
    counted = {r.name: r for r in ledger("densenet121").rows}
    body = dense_blocks.densenet_blocks_cost(64, (6, 12, 24, 16), 32, 56)
    for i, block in enumerate(body.blocks, start=1):
        assert block.params == counted[f"features.denseblock{i}"].params
        assert block.macs == counted[f"features.denseblock{i}"].macs
    for i, trans in enumerate(body.transitions, start=1):
        assert (trans.params, trans.macs) == (
            counted[f"features.transition{i}"].params,
            counted[f"features.transition{i}"].macs,
        )
    with pytest.raises(ValueError, match="compression θ must be in"):
        dense_blocks.transition_cost(10, 4, 1.5)


@pytest.mark.parametrize(
    ("depth", "k", "bottleneck", "theta"),
    [
        (40, 12, False, 1.0),
        (100, 12, True, 0.5),
        (52, 8, True, 1.0),
        (31, 4, False, 0.5),
        (10, 48, True, 0.5),
    ],
)
def test_whole_cifar_network_cost_equals_the_zoos_ledger(depth, k, bottleneck, theta) -> None:
    with torch.device("meta"):
        net = cifar_densenet(depth=depth, growth_rate=k, bottleneck=bottleneck, compression=theta)
    first = net.channels[0]
    cost = dense_blocks.cifar_densenet_cost(first.in_channels, len(first.layer_inputs), k, bottleneck=bottleneck,
                                            compression=theta)  # fmt: skip
    counted = ledger(net, (3, 32, 32))
    assert (cost.params, cost.macs, cost.depth) == (counted.total_params, counted.total_macs, depth)
    with pytest.raises(ValueError, match="init_channels must be a positive integer"):
        dense_blocks.cifar_densenet_cost(0, 4, 12, bottleneck=True, compression=0.5)


def test_connectivity_is_lower_triangular_and_full() -> None:
    torch.manual_seed(0)
    block = DenseBlock(8, 5, 4, bottleneck=True).eval()
    matrix = measured_connectivity(block, torch.randn(1, 8, 6, 6))
    assert matrix.shape == (6, 6)
    assert np.array_equal(matrix, np.tril(np.ones((6, 6), dtype=bool)))
    figure = plot_connectivity(matrix, [8, 4, 4, 4, 4, 4])
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels[0] == "layer 1 (8)" and labels[-1] == "output (28)"


def test_the_connectivity_figure_keeps_its_labels_inside_the_figure() -> None:
    """The review: the title and the x-axis label were clipped at the figure's edge."""
    matrix = np.tril(np.ones((7, 7), dtype=bool))
    figure = plot_connectivity(
        matrix, [64] + [32] * 6, title="DenseNet-121, dense block 1: who receives whose output"
    )
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # lays the figure out (constrained layout), as saving it does
    renderer = canvas.get_renderer()
    box = figure.bbox
    ax = figure.axes[0]
    for text in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_yticklabels()):
        extent = text.get_window_extent(renderer)
        assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, text.get_text()


def test_shortest_and_longest_weight_paths() -> None:
    assert weight_layer_paths("densenet121") == (5, 121)
    assert weight_layer_paths("densenet_bc_100_12") == (4, 100)


# --- the kernel-free explorer ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return densenet_rows()


def test_rows_cover_the_slider_grid_and_count_the_zoos_network(rows) -> None:
    assert len(rows) == len(GROWTH_RATES) * len(LAYERS) * 4
    for k, layers, bottleneck, compression in (
        (12, 16, True, True),
        (12, 12, False, False),
        (40, 31, True, True),
        (8, 5, True, False),
        (48, 3, False, True),
    ):
        row = densenet_row(k, layers, bottleneck, compression)
        depth = (6 if bottleneck else 3) * layers + 4
        with torch.device("meta"):
            net = cifar_densenet(depth=depth, growth_rate=k, bottleneck=bottleneck,
                                 compression=0.5 if compression else 1.0)  # fmt: skip
        counted = ledger(net, (3, 32, 32))
        assert (row["params"], row["macs"], row["depth"]) == (counted.total_params, counted.total_macs, depth)
        body = densenet_network(k, layers, bottleneck, compression).body
        assert row["channels"].split(" → ")[-1] == str(net.channels[-1].out_channels)
        kept = sum(dense_blocks.autograd_saved_elements(b) for b in body.blocks)
        assert row["kept_mb"] == round(kept * 4 / 1e6, 1) and row["once_mb"] == round(body.shared_elements * 4 / 1e6, 1)


def test_every_table2_network_is_on_the_sliders_and_its_readout_gives_its_errors(rows) -> None:
    """The other axis: every DenseNet of the paper's Table 2 is a slider setting, and its readout gives the
    table's errors (C10+, C100+, and without augmentation); every other setting says the paper has none."""
    by_key = {(r["k"], r["layers"], r["bottleneck"], r["compression"]): r for r in rows}
    reported = 0
    for paper in TABLE2:
        row = by_key[
            (paper.growth_rate, paper.layers_per_block, int(paper.bottleneck), int(paper.compression < 1))
        ]
        lines = readout_text(row)
        assert lines[0].endswith(f"L = {paper.depth}, k = {paper.growth_rate}, θ = {paper.compression:g}")
        assert lines[-3] == PAPER_HEAD and paper.params in lines[-2]
        assert f"C10+ {paper.c10_plus:.2f}%" in lines[-2] and f"C100+ {paper.c100_plus:.2f}%" in lines[-2]
        if paper.c10 is not None:  # trained without augmentation with dropout 0.2, as the readout says
            assert f"C10 {paper.c10:.2f}%" in lines[-1] and "dropout 0.2" in lines[-1]
        else:
            assert "not reported" in lines[-1]
    for row in rows:
        matched = table2_row(
            row["k"], row["layers"], bool(row["bottleneck"]), 0.5 if row["compression"] else 1.0
        )
        reported += matched is not None
        if matched is None:
            assert readout_text(row)[-2:] == (PAPER_HEAD, NONE[0])
    assert reported == len(TABLE2)


def test_the_readout_names_the_variant_and_fits_a_phone(rows) -> None:
    figure = densenet_figure()
    assert figure.sliders == ("k", "layers", "bottleneck", "compression")
    params = {p["name"]: p for p in figure.spec["params"]}
    assert (
        params["bottleneck"]["bind"]["input"] == "checkbox"
        and params["compression"]["bind"]["input"] == "checkbox"
    )
    assert params["layers"]["bind"]["step"] == 1 and params["k"]["bind"]["step"] == 4
    names = {(r["bottleneck"], r["compression"]): readout_text(r)[0].split(",")[0] for r in rows}
    assert names == {(0, 0): "DenseNet", (1, 0): "DenseNet-B", (0, 1): "DenseNet-C", (1, 1): "DenseNet-BC"}
    for row in rows:
        assert all(len(line) <= READOUT_CHARS for line in readout_text(row)), row
    title = figure.spec["title"]
    assert all(len(line) <= READOUT_CHARS for line in [*title["text"], *title["subtitle"]])

    def widths(spec, out):
        if isinstance(spec, dict):
            if isinstance(spec.get("width"), int):
                out.append(spec["width"])
            for value in spec.values():
                widths(value, out)
        elif isinstance(spec, list):
            for value in spec:
                widths(value, out)
        return out

    assert max(widths(figure.spec, [])) <= PANEL_WIDTH


def test_the_default_readout_is_densenet_bc_100_and_agrees_with_the_network_table(rows) -> None:
    """The review: the readout gave the body's 764,400 parameters beside the table's 769,162, unflagged."""
    figure = densenet_figure()
    row = densenet_row(12, 16, True, True)
    assert " ".join(readout_text(row)) == figure.fallback
    assert f"{ledger('densenet_bc_100_12').total_params:,} parameters, the whole network" in figure.fallback
    with pytest.raises(ValueError, match="layers=49 is not a slider position"):
        densenet_figure(layers=49)
    with pytest.raises(ValueError, match="bottleneck must be True or False"):
        densenet_figure(bottleneck=1)


def test_the_memory_axis_is_fixed_so_a_change_of_k_moves_the_curves() -> None:
    """The review: the y axis rescaled with every setting, so the curves never seemed to move."""
    spec = densenet_figure().spec
    memory = spec["vconcat"][0]["layer"]
    domains = {
        str(layer["encoding"]["y"]["scale"]["domain"])
        for layer in memory
        if "scale" in layer["encoding"]["y"]
    }
    assert len(domains) == 1 and all(
        layer["encoding"]["y"].get("scale", {}).get("type", "log") == "log"
        for layer in memory
        if "scale" in layer["encoding"]["y"]
    )


def test_the_error_panel_plots_table2_at_the_zoos_counts() -> None:
    points = paper_points()
    assert [p["network"] for p in points] == [r.name for r in TABLE2]
    for point, paper in zip(points, TABLE2, strict=True):
        assert f"{point['params'] / 1e6:.1f}M" == paper.params  # the zoo's count rounds to the table's


def test_live_view_matches_the_figure_and_the_widget_wires_it() -> None:
    view = render_densenet(12, 16, True, 0.5)
    assert view.numbers["params"] == ledger("densenet_bc_100_12").total_params
    assert "C10+ 4.51%" in view.note and view.numbers["init_channels"] == 24
    row = densenet_row(24, 8, False, False)
    view = render_densenet(24, 8, False, 1.0)
    assert (view.numbers["params"], view.numbers["macs"]) == (row["params"], row["macs"])
    assert view.numbers["init_channels"] == 16 and NONE[0] in view.note
    assert render_densenet(0, 4).error.startswith("Not a valid setting")
    box = densenet_widget()
    assert box.explorer.controls["k"].value == 12
    box.explorer.controls["bottleneck"].value = False
    assert box.explorer.view.title.startswith("CIFAR DenseNet, k = 12, 16 basic layers")



@pytest.mark.parametrize(("k", "layers", "bottleneck", "c"), [(12, 16, True, True), (24, 8, False, False)])
def test_the_live_views_memory_columns_are_the_figures_counts_with_their_unit(k, layers, bottleneck, c):
    """The review: the live widget's memory columns ("naive: every concatenation kept", ...) said neither what
    they count nor in what unit; they are the chapter's three counts, as the kernel-free figure gives them."""
    view = render_densenet(k, layers, bottleneck, 0.5 if c else 1.0)
    row = densenet_row(k, layers, bottleneck, c)
    assert view.header[4] == "multiply-adds per image" and "float32" in view.note
    for column, (field, _, label) in enumerate(MEMORY, start=len(view.header) - len(MEMORY)):
        assert label in view.header[column] and "MB per image" in view.header[column]
        blocks = [float(r[column]) for r in view.rows]
        assert round(view.numbers[field.removesuffix("_mb")] * 4 / 1e6, 1) == row[field]
        assert sum(blocks) == pytest.approx(row[field], abs=0.05 * len(blocks))  # each rounded to 0.1 MB

# --- exercises and claims ------------------------------------------------------------------------------


def test_every_computed_exercise_shows_its_working_ending_in_its_answer() -> None:
    from cnnviz.interact.exercises import check, for_chapter

    for exercise in for_chapter("densenet"):
        if exercise.kind != "computed":
            continue
        assert exercise.variants, exercise.id  # an assignment asks a variant, not the page's question
        for variant in range(len(exercise.variants) + 1):
            assert f"**{exercise.expected(variant):,}**" in exercise.worked(variant), (exercise.id, variant)
        assert check(exercise.id, exercise.expected()).working == exercise.worked()


def test_exercise_answers_are_the_zoos() -> None:
    from cnnviz.interact.exercises import get

    assert (
        get("densenet.layer_inputs").expected() == 256 + 32 * 36
    )  # DenseNet-201: 256 into block 3, layer 37
    assert get("densenet.transition_out").expected() == 640
    inputs = sum(
        24 + 12 * i for i in range(16)
    )  # DenseNet-BC-100, block 1: 24 channels in, k = 12, 16 layers
    assert get("densenet.concat_inputs").expected() == inputs * 32 * 32
    block1 = ledger("densenet121")  # the bottleneck costs more than it saves in block 1 (inputs below 7.2k)
    with_b = next(r for r in block1.rows if r.name == "features.denseblock1").macs
    assert get("densenet.without_bottleneck_macs").expected() < with_b


def test_claims_verdicts() -> None:
    from cnnviz.analysis.claims import Verdict, for_chapter

    verdicts = {c.id: c.verdict for c in for_chapter("densenet")}
    assert verdicts == {
        "densenet.connected": Verdict.HOLDS,
        "densenet.vanishing_gradients": Verdict.NOT_TESTABLE,
        "densenet.feature_propagation": Verdict.HOLDS,
        "densenet.feature_reuse": Verdict.NOT_TESTABLE,
    }
    reuse = next(c for c in for_chapter("densenet") if c.id == "densenet.feature_reuse")
    assert "Fig. 5" in reuse.source and "trained" in reuse.would_test and "yet" in reuse.would_test
