"""Effective receptive fields (Luo et al. 2016): exact maps of linear nets, growth with depth, bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from cnnviz.analysis.erf import effective_receptive_field, map_moments, mass_radius
from cnnviz.analysis.receptive_field import layer_geometry


def ones_stack(n: int, k: int = 3) -> nn.Sequential:
    """n unpadded k x k convs with all-ones weights and no bias: a linear net, its ERF is a box^n."""
    convs = [nn.Conv2d(1, 1, k, bias=False) for _ in range(n)]
    for conv in convs:
        nn.init.ones_(conv.weight)
    return nn.Sequential(*convs)


def relu_stack(n: int, channels: int = 4) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(1, channels, 3, padding=1), nn.ReLU()]
    for _ in range(n - 1):
        layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers)


def reinit(net: nn.Module) -> None:
    for module in net.modules():
        if isinstance(module, nn.Conv2d):
            module.reset_parameters()


# --- map statistics ------------------------------------------------------------------------------


def test_map_moments_and_mass_radius_by_hand() -> None:
    delta = np.zeros((5, 5))
    delta[2, 3] = 1.0
    assert map_moments(delta) == (2.0, 3.0, 0.0)
    assert mass_radius(delta) == 0.0
    box = np.zeros((7, 7))
    box[2:5, 2:5] = 1.0  # 3x3 flat: variance (3^2 - 1) / 12 = 2/3 per axis
    cy, cx, sd = map_moments(box)
    assert (cy, cx) == (3.0, 3.0) and sd == pytest.approx(math.sqrt(2 / 3))
    assert mass_radius(box, 0.95) == pytest.approx(math.sqrt(2))  # the corners are needed for 95%
    assert mass_radius(box, 5 / 9) == pytest.approx(1.0)  # centre + 4 edge pixels
    with pytest.raises(ValueError, match="no positive mass"):
        map_moments(np.zeros((3, 3)))


# --- exact maps --------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [3, 5])
def test_single_conv_of_ones_gives_a_flat_k_by_k_support(k: int) -> None:
    result = effective_receptive_field(ones_stack(1, k), "0", input_size=(1, 11, 11), n_inputs=2)
    # output is (11 - k + 1)^2; its centre unit sees input rows/cols c - k//2 .. c + k//2 around c = 5
    expected = np.zeros((11, 11))
    expected[5 - k // 2 : 5 + k // 2 + 1, 5 - k // 2 : 5 + k // 2 + 1] = 1.0
    np.testing.assert_array_equal(result.grad_map, expected)
    assert result.theoretical_rf == k
    assert result.radius_1sd == pytest.approx(math.sqrt((k * k - 1) / 12))
    assert result.rf_centre == (5.0, 5.0)


@pytest.mark.parametrize("n", [1, 2, 4, 8])
def test_stacked_linear_convs_support_and_sqrt_n_radius(n: int) -> None:
    size = 2 * n + 1  # unpadded: the output is a single unit that sees the whole input
    result = effective_receptive_field(ones_stack(n), str(n - 1), input_size=(1, size, size), n_inputs=1)
    assert result.theoretical_rf == size
    assert np.count_nonzero(result.grad_map) == size * size  # support (2n + 1)^2
    # the map is the n-fold convolution of a 3-box: variance n * 2/3 per axis, so sd = sqrt(2n/3)
    assert result.radius_1sd == pytest.approx(math.sqrt(2 * n / 3))
    if n > 1:  # peaked: rises strictly towards the centre (n = 1 is the flat box)
        assert np.all(np.diff(result.grad_map[n][: n + 1]) > 0)


def test_random_relu_stacks_grow_like_sqrt_n_not_n() -> None:
    results = {
        n: effective_receptive_field(
            relu_stack(n), str(2 * n - 1), (1, 41, 41), n_inputs=8, n_inits=3, init_fn=reinit, seed=1
        )
        for n in (2, 8)
    }
    for n, result in results.items():
        (top, bottom), (left, right) = (20 - n, 20 + n), (20 - n, 20 + n)
        support = np.argwhere(result.grad_map > 0)
        assert support.min(0).tolist() == [top, left] and support.max(0).tolist() == [bottom, right]
        assert np.count_nonzero(result.grad_map) == (2 * n + 1) ** 2
    ratio = results[8].radius_1sd / results[2].radius_1sd
    assert 1.4 < ratio < 2.8  # sqrt(4) = 2, far from the theoretical field's ratio 17/5 = 3.4
    # relative to the theoretical field, the ERF shrinks with depth: more centre-peaked
    relative = {n: r.radius_1sd / r.theoretical_rf for n, r in results.items()}
    assert relative[8] < relative[2]


@pytest.mark.parametrize("layer", ["layer1", "layer2.0", "layer2"])
def test_support_never_exceeds_the_theoretical_field(layer: str) -> None:
    result = effective_receptive_field("resnet20", layer, n_inputs=2)
    geometry, record, _ = layer_geometry("resnet20", layer)
    unit = (geometry.output_hw[0] // 2, geometry.output_hw[1] // 2)
    (top, bottom), (left, right) = geometry.box(*unit)
    assert result.theoretical_rf == record.rf
    inside = np.zeros_like(result.grad_map, dtype=bool)
    inside[max(0, int(top)) : int(bottom) + 1, max(0, int(left)) : int(right) + 1] = True
    assert np.count_nonzero(result.grad_map[~inside]) == 0
    assert result.grad_map.max() == 1.0
    assert result.radius_95 < record.rf / 2 * math.sqrt(2)


# --- randomness, modes, errors ------------------------------------------------------------------------


def test_deterministic_per_seed_and_global_rng_untouched() -> None:
    rng = torch.get_rng_state()
    a = effective_receptive_field("resnet20", "layer1.0", n_inputs=2, n_inits=2, seed=3)
    b = effective_receptive_field("resnet20", "layer1.0", n_inputs=2, n_inits=2, seed=3)
    c = effective_receptive_field("resnet20", "layer1.0", n_inputs=2, n_inits=2, seed=4)
    assert torch.equal(rng, torch.get_rng_state())
    np.testing.assert_array_equal(a.grad_map, b.grad_map)
    assert not np.array_equal(a.grad_map, c.grad_map)
    assert (a.n_inputs, a.n_inits, a.seed, a.input_size) == (2, 2, 3, (3, 32, 32))


def test_a_passed_module_keeps_its_weights_mode_and_no_grads() -> None:
    net = relu_stack(3)
    net.train()
    before = [p.detach().clone() for p in net.parameters()]
    own = effective_receptive_field(net, "4", input_size=(1, 15, 15), n_inputs=2)
    again = effective_receptive_field(net, "4", input_size=(1, 15, 15), n_inputs=2)
    np.testing.assert_array_equal(own.grad_map, again.grad_map)  # its current weights, every time
    effective_receptive_field(net, "4", input_size=(1, 15, 15), n_inputs=2, n_inits=2, init_fn=reinit)
    assert net.training and all(m.training for m in net.modules())
    assert all(p.grad is None for p in net.parameters())
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))


def test_errors() -> None:
    expected = r"unknown layer 'layer1\.0\.conv'\. Did you mean [^?]*'layer1\.0\.conv1'"
    with pytest.raises(ValueError, match=expected):
        effective_receptive_field("resnet20", "layer1.0.conv")
    with pytest.raises(ValueError, match="n_inits=2 needs new initialisations"):
        effective_receptive_field(relu_stack(1), "0", input_size=(1, 9, 9), n_inits=2)
    with pytest.raises(ValueError, match="n_inputs must be a positive integer, got 0"):
        effective_receptive_field("resnet20", "layer1", n_inputs=0)
    with pytest.raises(ValueError, match="'fc' has no spatial output"):
        effective_receptive_field("resnet20", "fc")


def test_an_overflowing_network_is_explained_not_measured():
    # Untrained ResNet-1202 in eval mode overflows float32 (pinned in test_cifar_resnet.py): the ERF says so.
    with pytest.raises(ValueError, match=r"resnet1202: the gradient of layer 'layer3.199.conv2' .* is not finite"):
        effective_receptive_field("resnet1202", "layer3.199.conv2", n_inputs=1)


# --- memory: inputs in chunks, weights without gradients --------------------------------------------


def test_chunked_inputs_give_the_map_of_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inputs go through PIXELS_PER_PASS at a time (the chapters' memory budget); the map is the same."""
    import cnnviz.analysis.erf as erf

    torch.manual_seed(0)
    net = relu_stack(3)
    net[2].weight.requires_grad_(False)  # a frozen layer stays frozen; the others get requires_grad back
    flags = [p.requires_grad for p in net.parameters()]
    monkeypatch.setattr(erf, "PIXELS_PER_PASS", 10**9)
    whole = effective_receptive_field(net, "5", input_size=(1, 16, 16), n_inputs=5)
    monkeypatch.setattr(erf, "PIXELS_PER_PASS", 2 * 16 * 16)  # chunks of 2, 2 and 1 images
    chunked = effective_receptive_field(net, "5", input_size=(1, 16, 16), n_inputs=5)
    np.testing.assert_allclose(chunked.grad_map, whole.grad_map, rtol=1e-6, atol=1e-12)
    assert chunked.radius_95 == pytest.approx(whole.radius_95, rel=1e-6)
    assert [p.requires_grad for p in net.parameters()] == flags and flags.count(False) == 1
