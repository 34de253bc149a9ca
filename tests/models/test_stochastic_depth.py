"""Stochastic depth (Huang et al. 2016): linear decay of survival, dropped blocks, test-time scaling."""

from __future__ import annotations

import functools

import pytest
import torch
import torch.fx
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.models import stochastic_depth as S
from cnnviz.models.cifar_resnet import BasicBlock, cifar_resnet
from cnnviz.models.resnet import ZeroPadShortcut
from tests.models.helpers import n_params


@functools.cache
def build(**kwargs) -> S.StochasticDepthResNet:
    torch.manual_seed(0)
    return models.get("stochastic_depth110", **kwargs)


@pytest.fixture(autouse=True, scope="module")
def _free_cached_models():
    yield
    build.cache_clear()



def test_is_resnet110_with_the_same_parameters() -> None:
    model = build()
    assert isinstance(model.layer1[0], BasicBlock)  # the CIFAR ResNet block, subclassed
    assert n_params(model) == 1_727_962 == n_params(cifar_resnet(110))  # paper: 1.7M
    assert len(model.blocks()) == 54
    info = models.info("stochastic_depth110")
    assert info.reported_error == 0.0525 and info.paper.arxiv == "1603.09382"
    model.eval()
    with torch.no_grad():
        assert model(torch.randn(1, 3, 32, 32)).shape == (1, 10)


def test_linear_decay_of_survival_probabilities() -> None:
    probs = build().survival_probabilities()
    assert probs == [block.survival_prob for block in build().blocks()]
    assert probs[0] == pytest.approx(1 - 0.5 / 54) and probs[26] == pytest.approx(0.75)
    assert probs[-1] == 0.5
    steps = [a - b for a, b in zip(probs, probs[1:], strict=False)]
    assert steps == pytest.approx([0.5 / 54] * 53)
    assert build(p_last=0.8).survival_probabilities()[-1] == pytest.approx(0.8)
    assert S.linear_decay(4, 0.0) == [0.75, 0.5, 0.25, 0.0]


def test_transition_shortcut_is_average_pool_and_zero_padding() -> None:
    shortcut = build().layer2[0].downsample
    assert isinstance(shortcut, ZeroPadShortcut) and n_params(shortcut) == 0
    x = torch.randn(1, 16, 4, 4)
    y = shortcut(x)
    assert y.shape == (1, 32, 2, 2)
    assert torch.allclose(y[:, :16], nn.functional.avg_pool2d(x, 2))  # Huang et al.: 2x2 average
    assert torch.equal(y[:, 16:], torch.zeros(1, 16, 2, 2))


def test_seeded_training_forward_drops_the_expected_blocks() -> None:
    model = build().train()
    x = torch.randn(2, 3, 32, 32)
    probs = model.survival_probabilities()
    torch.manual_seed(123)
    expected = [i for i, p in enumerate(probs) if torch.rand(()).item() >= p]  # one draw per block, in order
    torch.manual_seed(123)
    with torch.no_grad():
        first = model(x)
    assert model.dropped_blocks() == expected and len(expected) > 0
    torch.manual_seed(123)
    with torch.no_grad():
        assert torch.equal(model(x), first)  # same seed, same blocks, same output
    torch.manual_seed(7)
    with torch.no_grad():
        model(x)
    assert model.dropped_blocks() != expected
    model.eval()
    with torch.no_grad():
        model(x)
    assert model.dropped_blocks() == []  # test time uses every block


def test_dropped_block_is_its_shortcut_and_kept_block_is_a_resnet_block() -> None:
    torch.manual_seed(0)
    block = S.StochasticDepthBlock(16, 32, 2).train()
    x = torch.rand(4, 16, 8, 8)  # non-negative, like a ReLU output
    reference = BasicBlock(16, 32, 2, shortcut="A").train()
    reference.load_state_dict(block.state_dict())
    reference.downsample = block.downsample
    with torch.no_grad():
        block.survival_prob = 0.0
        assert torch.equal(block(x), block.downsample(x)) and block.dropped
        block.survival_prob = 1.0
        assert torch.allclose(block(x), reference(x)) and not block.dropped


def test_drop_frequency_matches_survival_probability() -> None:
    block = S.StochasticDepthBlock(2, 2, survival_prob=0.3).train()
    torch.manual_seed(0)
    x = torch.rand(2, 2, 2, 2)
    with torch.no_grad():
        kept = sum(not (block(x), block.dropped)[1] for _ in range(600))
    assert 0.25 < kept / 600 < 0.35


def test_eval_output_is_the_scaled_formula() -> None:
    torch.manual_seed(0)
    model = S.stochastic_depth_resnet(20, p_last=0.5).eval()  # 9 blocks: p = 17/18, 16/18, ..., 9/18
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        state = torch.get_rng_state()
        out = model(x)
        assert torch.equal(torch.get_rng_state(), state)  # no randomness at test time
        h = torch.relu(model.bn1(model.conv1(x)))
        for block, p in zip(model.blocks(), S.linear_decay(9, 0.5), strict=True):
            f = block.bn2(block.conv2(torch.relu(block.bn1(block.conv1(h)))))
            h = torch.relu(p * f + block.shortcut(h))  # H_l = ReLU(p_l f_l(H_{l-1}) + id(H_{l-1}))
        expected = model.fc(torch.flatten(h.mean(dim=(2, 3), keepdim=True), 1))
    assert torch.allclose(out, expected, atol=1e-5)
    assert model.dropped_blocks() == []


def test_p_last_one_is_the_plain_resnet() -> None:
    torch.manual_seed(0)
    model = S.stochastic_depth_resnet(20, p_last=1.0).eval()
    resnet = cifar_resnet(20).eval()
    resnet.load_state_dict(model.state_dict())
    x = torch.randn(1, 3, 16, 16)
    with torch.no_grad():
        # identical except the transition shortcuts: 2x2 average (Huang) vs. subsampling (He)
        for block in resnet.blocks():
            if block.downsample is not None:
                block.downsample = ZeroPadShortcut(block.conv1.in_channels, block.conv1.out_channels, 2, 2)
        assert torch.allclose(model(x), resnet(x), atol=1e-5)


def test_bad_arguments() -> None:
    msg = r"^stochastic_depth110: p_last must be a number in \[0, 1\], got 1\.5$"
    with pytest.raises(ValueError, match=msg):
        models.get("stochastic_depth110", p_last=1.5)
    with pytest.raises(ValueError, match=r"^stochastic_depth: depth must be 6n\+2 .*got 111; "
                                         r"nearest valid depths: 110 and 116$"):
        S.stochastic_depth_resnet(111)
    with pytest.raises(ValueError, match=r"unknown keyword argument 'depth'"):
        models.get("stochastic_depth110", depth=56)
    with pytest.raises(ValueError, match=r"stochastic_depth110: input has 1 channels"):
        build().eval()(torch.zeros(1, 1, 32, 32))


def test_fx_traceable_in_eval_mode() -> None:
    torch.manual_seed(0)
    model = S.stochastic_depth_resnet(14).eval()
    traced = torch.fx.symbolic_trace(model)
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(traced(x), model(x))


def test_deterministic_under_seed() -> None:
    def run() -> torch.Tensor:
        torch.manual_seed(11)
        model = S.stochastic_depth_resnet(14).train()
        with torch.no_grad():
            return model(torch.randn(2, 3, 16, 16))

    assert torch.equal(run(), run())


@settings(max_examples=12, deadline=None)
@given(n=st.integers(1, 4), p_last=st.floats(0, 1))
def test_survival_probabilities_for_any_depth(n: int, p_last: float) -> None:
    depth = 6 * n + 2
    model = S.stochastic_depth_resnet(depth, p_last=p_last)
    probs = model.survival_probabilities()
    assert len(probs) == 3 * n
    assert probs[-1] == pytest.approx(p_last)
    assert all(p_last - 1e-12 <= p <= 1 for p in probs)
    assert all(a >= b for a, b in zip(probs, probs[1:], strict=False))
    assert n_params(model) == n_params(cifar_resnet(depth))
