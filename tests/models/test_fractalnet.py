"""FractalNet (Larsson et al. 2017): expansion rule, joins, drop-path (local and global), parameter count."""

from __future__ import annotations

import functools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import models
from cnnviz.analysis.resolve import check_input_fits
from cnnviz.models.fractalnet import (
    ConvUnit,
    FractalBlock,
    Join,
    column_depth,
    default_channels,
    fractal_joins,
    fractalnet,
)
from tests.models.helpers import n_params

# Paper Table 1: "FractalNet (20 layers, 38.6M params)"; the architecture it describes (B=5, C=3, widths
# 64-128-256-512-512, conv-BN-ReLU, one FC layer) has 33.7M, as the authors' Caffe generator (no torchvision).
FRACTALNET20_PARAMS = 33_724_618


@functools.cache
def fractalnet20() -> torch.nn.Module:
    torch.manual_seed(0)
    return models.get("fractalnet20").eval()


def tiny(**kwargs) -> torch.nn.Module:
    defaults = dict(columns=3, blocks=2, channels=(4, 6))
    return fractalnet(**{**defaults, **kwargs})



def expected_params(columns: int, channels, classes: int, in_channels: int = 3) -> int:
    total, previous = 0, in_channels
    for width in channels:
        first, rest = columns, 2**columns - 1 - columns  # each column's first conv sees the block input
        total += first * 9 * previous * width + rest * 9 * width * width + (2**columns - 1) * 2 * width
        previous = width
    return total + previous * classes + classes


def test_parameter_count():
    model = fractalnet20()
    assert n_params(model) == FRACTALNET20_PARAMS == expected_params(3, (64, 128, 256, 512, 512), 10)
    assert n_params(fractalnet(dropout=False)) == FRACTALNET20_PARAMS  # dropout has no parameters
    assert n_params(fractalnet(num_classes=100)) == FRACTALNET20_PARAMS + 90 * 512 + 90


def test_registry_metadata():
    info = models.info("fractalnet20")
    assert (info.family, info.dataset, info.input_size) == ("FractalNet", "CIFAR-10", (3, 32, 32))
    assert info.paper.arxiv == "1605.07648" and info.paper.bibkey == "larsson2017fractalnet"
    assert info.reported_error == pytest.approx(0.046)
    assert fractalnet20().model_name == "fractalnet20"


def test_structure_depths_and_joins():
    s = fractalnet20().structure
    assert (s.columns, s.blocks, s.block_depth, s.depth, s.convs_per_block) == (3, 5, 4, 20, 7)
    assert len(s.conv_columns) == 35
    per_column = {j: sum(1 for _, b, c in s.conv_columns if b == 1 and c == j) for j in (1, 2, 3)}
    assert per_column == {1: 1, 2: 2, 3: 4}
    assert s.joins[:2] == (
        ("features.block1.join2", 1, 2, (2, 3)),
        ("features.block1.join4", 1, 4, (1, 2, 3)),
    )
    modules = dict(fractalnet20().named_modules())
    assert all(isinstance(modules[name], torch.nn.Conv2d) for name, _, _ in s.conv_columns)
    assert all(isinstance(modules[name], Join) for name, *_ in s.joins)
    # The paper's Figure 1 (C = 4): 40 layers, 2-, 3-, 2-, 4-way joins after depths 2, 4, 6, 8.
    assert fractal_joins(4) == {2: (3, 4), 4: (2, 3, 4), 6: (3, 4), 8: (1, 2, 3, 4)}
    assert fractal_joins(1) == {} and [column_depth(j) for j in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert default_channels(5) == (64, 128, 256, 512, 512) and default_channels(7)[-1] == 512


def test_units_are_conv_dropout_bn_relu():
    block = fractalnet20().features.block3
    unit = block.column3[2]
    assert isinstance(unit, ConvUnit)
    assert [type(m).__name__ for m in unit] == ["Conv2d", "Dropout", "BatchNorm2d", "ReLU"]
    assert unit.dropout.p == pytest.approx(0.2)  # block 3 of (0, 0.1, 0.2, 0.3, 0.4)
    assert not hasattr(fractalnet20().features.block1.column1[0], "dropout")  # rate 0 in block 1
    assert not hasattr(fractalnet(dropout=False).features.block5.column1[0], "dropout")


def test_expansion_rule_by_hand():
    # f_3(z) = join3( f_2-chain..., ): column 3 = u31,u32 | join2 with u21 | u33,u34; then join of 3 columns.
    torch.manual_seed(0)
    block = FractalBlock(2, 3, columns=3, local_drop=0.15, dropout=0.0).eval()
    z = torch.randn(1, 2, 4, 4)
    c1, c2, c3 = block.column1, block.column2, block.column3
    with torch.no_grad():
        j2 = (c3[1](c3[0](z)) + c2[0](z)) / 2
        expected = (c3[3](c3[2](j2)) + c2[1](j2) + c1[0](z)) / 3
        torch.testing.assert_close(block(z), expected)


def test_cifar_shapes():
    shapes = {}
    model = fractalnet20()
    names = [f"features.{kind}{b}" for b in range(1, 6) for kind in ("block", "pool")]
    modules = dict(model.named_modules())
    handles = [modules[n].register_forward_hook(lambda m, i, o, n=n: shapes.__setitem__(n, tuple(o.shape)))
               for n in names]
    try:
        with torch.no_grad():
            out = model(torch.randn(1, 3, 32, 32))
    finally:
        for h in handles:
            h.remove()
    assert out.shape == (1, 10)
    widths, size = (64, 128, 256, 512, 512), 32
    for b, width in enumerate(widths, start=1):
        assert shapes[f"features.block{b}"] == (1, width, size, size)
        size //= 2
        assert shapes[f"features.pool{b}"] == (1, width, size, size)


def fired_convs(model: torch.nn.Module, x: torch.Tensor) -> list[str]:
    fired: list[str] = []
    handles = [
        m.register_forward_hook(lambda mod, i, o, n=n: fired.append(n))
        for n, m in model.named_modules()
        if isinstance(m, torch.nn.Conv2d)
    ]
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return fired


def test_global_drop_path_uses_exactly_one_column():
    model = models.get("fractalnet20", global_drop_ratio=1.0, channels=(4, 4, 4, 4, 4)).train()
    column_of = {name: col for name, _, col in model.structure.conv_columns}
    seen = set()
    for seed in range(6):
        torch.manual_seed(seed)
        fired = fired_convs(model, torch.randn(2, 3, 32, 32))
        columns = {column_of[n] for n in fired}
        assert len(columns) == 1
        (column,) = columns
        assert len(fired) == 5 * column_depth(column)  # the column's whole chain through all five blocks
        seen.add(column)
    assert len(seen) > 1  # the column is drawn at random


def test_local_and_global_batches_mix():
    model = tiny(global_drop_ratio=0.5).train()
    kinds = []
    for seed in range(12):
        torch.manual_seed(seed)
        kinds.append(len(fired_convs(model, torch.randn(2, 3, 8, 8))))
    assert 2 * 7 in kinds  # a local-drop batch runs every conv (joins drop after computing)
    assert any(n < 14 for n in kinds)  # a global batch runs one column: 2, 4 or 8 convs
    assert set(kinds) <= {2, 4, 8, 14}


def test_join_local_drop():
    a, b, c = (torch.full((1, 1, 1, 1), v) for v in (0.0, 3.0, 6.0))
    join = Join(3, drop_prob=0.15)
    assert join.eval()(a, b, c).item() == pytest.approx(3.0)
    join_all = Join(3, drop_prob=1.0).train()  # every input dropped → exactly one is kept
    torch.manual_seed(0)
    assert {join_all(a, b, c).item() for _ in range(30)} == {0.0, 3.0, 6.0}
    # Two inputs, 15% drop each: both kept with probability 0.85² ≈ 0.72 (mean 1.5), never none.
    join2 = Join(2, drop_prob=0.15).train()
    torch.manual_seed(0)
    outs = [join2(a, b).item() for _ in range(400)]
    assert set(outs) <= {0.0, 1.5, 3.0}
    assert 0.64 < outs.count(1.5) / 400 < 0.80


def test_eval_runs_full_network_deterministically():
    model = tiny().eval()
    x = torch.randn(2, 3, 8, 8)
    assert len(fired_convs(model, x)) == 14
    with torch.no_grad():
        torch.testing.assert_close(model(x), model(x))


def test_seeded_training_forward_is_deterministic():
    x = torch.randn(2, 3, 8, 8)
    outs = []
    for _ in range(2):
        torch.manual_seed(5)
        model = tiny().train()
        outs.append([model(x) for _ in range(4)])
    for a, b in zip(*outs, strict=True):
        torch.testing.assert_close(a, b)


def test_column_forward_is_the_anytime_subnetwork():
    model = fractalnet20()
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        assert model.column_forward(x, 3).shape == (1, 10)
    assert len(fired_convs(_ColumnRunner(model, 1), x)) == 5
    with pytest.raises(ValueError, match=r"fractalnet20: column must be an integer in 1..3, got 4"):
        model.column_forward(x, 4)


class _ColumnRunner(torch.nn.Module):
    def __init__(self, model, column):
        super().__init__()
        self.model, self.column = model, column

    def forward(self, x):
        with torch.no_grad():
            return self.model.column_forward(x, self.column)


def test_fx_traceable_in_eval():
    model = tiny(columns=4).eval()
    graph = torch.fx.symbolic_trace(model)
    targets = {n.target for n in graph.graph.nodes if n.op == "call_module"}
    assert {"features.block2.column4.7.conv", "classifier"} <= targets
    stacks = [n for n in graph.graph.nodes if n.op == "call_function" and n.target is torch.stack]
    assert len(stacks) == 2 * len(fractal_joins(4))  # each join is traced into a stack and a mean
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(graph(x), model(x))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(columns=0), r"fractalnet: columns must be a positive integer, got 0"),
        (dict(blocks=2.0), r"fractalnet: blocks must be a positive integer, got 2.0"),
        (dict(local_drop=1.5), r"fractalnet: local_drop must be a number in \[0, 1\], got 1.5"),
        (dict(global_drop_ratio=-0.1), r"global_drop_ratio must be a number in \[0, 1\], got -0.1"),
        (dict(blocks=2, channels=(8,)), r"channels must list one positive width per block \(blocks=2\)"),
        (dict(blocks=11), r"dropout=True uses rates 0, 0.1, .* blocks=11; use blocks ≤ 10 or dropout=False"),
        (dict(dropout=0.2), r"dropout must be True or False, got 0.2"),
        (dict(num_classes=0), r"num_classes must be a positive integer"),
    ],
)
def test_builder_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fractalnet(**kwargs)


def test_small_input_is_diagnosed():
    with pytest.raises(
        ValueError,
        match=r"fractalnet: input of spatial size 2x2 is too small: it shrinks to 1x1 before layer "
        r"'features.pool2' \(MaxPool2d\).* smallest square input that works is 4x4",
    ):
        check_input_fits(tiny(), (3, 2, 2))


@settings(max_examples=15, deadline=None)
@given(
    columns=st.integers(1, 3),
    channels=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    classes=st.integers(1, 5),
    local_drop=st.sampled_from([0.0, 0.15, 1.0]),
    global_ratio=st.sampled_from([0.0, 0.5, 1.0]),
    seed=st.integers(0, 100),
)
def test_property_fractalnet(columns, channels, classes, local_drop, global_ratio, seed):
    torch.manual_seed(seed)
    model = fractalnet(columns=columns, blocks=len(channels), channels=channels, num_classes=classes,
                       local_drop=local_drop, global_drop_ratio=global_ratio)
    assert n_params(model) == expected_params(columns, channels, classes)
    assert model.structure.depth == len(channels) * 2 ** (columns - 1)
    x = torch.randn(2, 3, 8, 8)
    assert model.train()(x).shape == (2, classes)
    with torch.no_grad():
        assert model.eval()(x).shape == (2, classes)
