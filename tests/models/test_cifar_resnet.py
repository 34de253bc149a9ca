"""CIFAR-10 ResNets and plain nets (He et al. 2016, section 4.2): 6n+2 layers, option A shortcuts."""

from __future__ import annotations

import pytest
import torch
import torch.fx
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.models import cifar_resnet as C
from cnnviz.models.resnet import BasicBlock, ZeroPadShortcut
from tests.models.helpers import build, n_params, output_shapes

# Exact counts; the paper (Table 6) rounds them: 0.27M, 0.46M, 0.66M, 0.85M, 1.7M, 19.4M.
# The plain twins have the same counts (option A shortcuts carry no parameters).
PARAMS = {
    20: 269_722,
    32: 464_154,
    44: 658_586,
    56: 853_018,
    110: 1_727_962,
    1202: 19_421_274,
}
PAPER_ERRORS = {20: 0.0875, 32: 0.0751, 44: 0.0717, 56: 0.0697, 110: 0.0643, 1202: 0.0793}





def weighted_layers(model: nn.Module) -> int:
    return sum(isinstance(m, nn.Conv2d | nn.Linear) for m in model.modules())


def expected_params(n: int, num_classes: int = 10) -> int:
    """Worked out by hand: stem conv + BN, 3n blocks of two 3x3 convs + two BNs, fc."""
    total = 3 * 16 * 9 + 2 * 16
    in_c = 16
    for c in (16, 32, 64):
        for _ in range(n):
            total += in_c * c * 9 + c * c * 9 + 4 * c
            in_c = c
    return total + 64 * num_classes + num_classes


@pytest.mark.parametrize("depth", list(PARAMS))
def test_resnet_counts_layers_and_output(depth: int) -> None:
    model = build(f"resnet{depth}")
    assert n_params(model) == PARAMS[depth] == expected_params((depth - 2) // 6)
    assert weighted_layers(model) == depth
    assert models.info(f"resnet{depth}").reported_error == PAPER_ERRORS[depth]
    with torch.no_grad():
        y = model(torch.randn(1, 3, 32, 32))
    assert y.shape == (1, 10)
    # Untrained, eval-mode BN is the identity (running mean 0, var 1), so each block adds a branch of
    # about its input's variance: the signal grows ~2x per block, 2**54 fits a float32, 2**600 does not.
    assert torch.isfinite(y).all() == (depth != 1202)


@pytest.mark.parametrize("depth", [20, 32, 44, 56, 110])
def test_plain_twins_have_identical_counts(depth: int) -> None:
    plain = build(f"plain{depth}")
    assert n_params(plain) == PARAMS[depth]
    assert weighted_layers(plain) == depth
    assert all(not b.residual and b.downsample is None for b in plain.blocks())
    assert all(b.residual for b in build(f"resnet{depth}").blocks())
    with torch.no_grad():
        assert plain(torch.randn(1, 3, 32, 32)).shape == (1, 10)


def test_stage_shapes() -> None:
    """Maps of 32x32, 16x16 and 8x8 with 16, 32 and 64 filters."""
    model = build("resnet20")
    expected = {"conv1": (16, 32, 32), "layer1": (16, 32, 32), "layer2": (32, 16, 16),
                "layer3": (64, 8, 8), "avgpool": (64, 1, 1), "fc": (10,)}
    assert output_shapes(model, torch.zeros(1, 3, 32, 32), list(expected)) == expected
    assert [len(s) for s in (model.layer1, model.layer2, model.layer3)] == [3, 3, 3]


def test_option_a_shortcut_subsamples_and_zero_pads() -> None:
    model = build("resnet20")
    shortcut = model.layer2[0].downsample
    assert isinstance(shortcut, ZeroPadShortcut) and n_params(shortcut) == 0
    assert model.layer2[1].downsample is None and model.layer1[0].downsample is None
    x = torch.randn(2, 16, 8, 8)
    y = shortcut(x)
    assert y.shape == (2, 32, 4, 4)
    assert torch.equal(y[:, :16], x[:, :, ::2, ::2])
    assert torch.equal(y[:, 16:], torch.zeros(2, 16, 4, 4))


def test_residual_and_plain_block_differ_only_by_the_shortcut() -> None:
    torch.manual_seed(0)
    residual = BasicBlock(16, 32, 2, shortcut="A").eval()
    plain = BasicBlock(16, 32, 2, shortcut=None).eval()
    plain.load_state_dict(residual.state_dict())
    x = torch.rand(1, 16, 8, 8)
    with torch.no_grad():
        f = residual.residual_branch(x)
        assert torch.allclose(plain(x), torch.relu(f))
        assert torch.allclose(residual(x), torch.relu(f + residual.downsample(x)))
        residual.bn2.weight.zero_()  # F = 0: a residual block passes (subsampled, padded) x through
        assert torch.equal(residual(x)[:, :16], x[:, :, ::2, ::2])


def test_bad_depth_names_the_nearest_valid_depths() -> None:
    msg = r"^cifar_resnet: depth must be 6n\+2 with n >= 1 \(8, 14, 20, 26, 32, \.\.\.\), got 21; " \
          r"nearest valid depths: 20 and 26$"
    with pytest.raises(ValueError, match=msg):
        C.cifar_resnet(21)
    with pytest.raises(ValueError, match=r"got 111; nearest valid depths: 110 and 116$"):
        C.cifar_resnet(111, residual=False)
    with pytest.raises(ValueError, match=r"got 4; nearest valid depth: 8$"):
        C.cifar_resnet(4)
    with pytest.raises(ValueError, match=r"depth must be an integer of the form 6n\+2 .*got 20\.0"):
        C.cifar_resnet(20.0)
    with pytest.raises(ValueError, match=r"resnet20: input has 1 channels"):
        build("resnet20")(torch.zeros(1, 1, 32, 32))
    with pytest.raises(ValueError, match=r"unknown keyword argument 'residual'"):
        models.get("resnet20", residual=False)


def test_fx_traceable() -> None:
    model = build("resnet20")
    traced = torch.fx.symbolic_trace(model)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(traced(x), model(x))


def test_deterministic_under_seed_and_train_differs_from_eval() -> None:
    torch.manual_seed(5)
    a = C.cifar_resnet(20)
    torch.manual_seed(5)
    b = C.cifar_resnet(20)
    x = torch.randn(4, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(a(x), b(x))  # train mode, same weights
        train_out = a(x)
        a.eval()
        assert not torch.allclose(a(x), train_out, atol=1e-3)  # BN: running vs batch statistics


def test_tiny_input_reaches_the_classifier() -> None:
    with torch.no_grad():
        assert build("resnet20")(torch.zeros(1, 3, 2, 2)).shape == (1, 10)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 4), residual=st.booleans(), num_classes=st.integers(1, 12))
def test_any_6n_plus_2_depth(n: int, residual: bool, num_classes: int) -> None:
    depth = 6 * n + 2
    model = C.cifar_resnet(depth, residual, num_classes=num_classes).eval()
    assert model.model_name == (f"resnet{depth}" if residual else f"plain{depth}")
    assert n_params(model) == expected_params(n, num_classes)
    assert weighted_layers(model) == depth
    with torch.no_grad():
        assert model(torch.randn(1, 3, 16, 16)).shape == (1, num_classes)


@pytest.mark.parametrize("residual", [True, False])
def test_deepened_twin_computes_the_shallow_networks_function(residual: bool) -> None:
    torch.manual_seed(0)
    shallow = C.cifar_resnet(20, residual).eval()
    for bn in (m for m in shallow.modules() if isinstance(m, nn.BatchNorm2d)):  # as after training
        bn.running_mean.uniform_(-0.2, 0.2)
        bn.running_var.uniform_(0.5, 1.5)
        bn.weight.data.uniform_(0.5, 1.5)
        bn.bias.data.uniform_(-0.2, 0.2)
    deep = C.deepened(shallow, 56)
    assert deep.n == 9 and not deep.training and deep.model_name == ("resnet56" if residual else "plain56")
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(deep(x), shallow(x))
    extra = deep.layer2[5]
    if residual:
        assert not extra.bn2.weight.any()  # the identity is zero weights
    else:
        assert extra.conv1.weight.count_nonzero() == 32  # one 1 per filter: a Dirac kernel
    with pytest.raises(ValueError, match="at least the shallow network's 20 layers, got 14"):
        C.deepened(shallow, 14)
    with pytest.raises(ValueError, match="deepened: depth must be 6n\\+2"):
        C.deepened(shallow, 30)
