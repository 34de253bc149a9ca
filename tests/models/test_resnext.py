"""ResNeXt (Xie et al. 2017): counts, the paths and grouped forms, their equivalence, torchvision weights."""

from __future__ import annotations

import pytest
import torch
import torch.fx
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.models import resnext as X
from cnnviz.models.resnet import Bottleneck
from tests.models.helpers import build, n_params, output_shapes
from tests.models.test_resnet import (
    assert_loads_torchvision,
    bottleneck_resnet_params,
    torchvision_resnet_shapes,
)

PARAMS = {
    "resnext50_32x4d": 25_028_904,  # paper 25.0M; torchvision 25,028,904
    "resnext101_32x4d": 44_177_704,  # timm 44,177,704 (the paper tabulates only the 50-layer counts)
    "resnext29_8x64d": 34_426_698,  # paper 34.4M
    "resnext29_16x64d": 68_155_210,  # paper 68.1M (truncated: 68.16M)
}
PAPER_ERRORS = {"resnext50_32x4d": 0.222, "resnext101_32x4d": 0.212, "resnext29_8x64d": 0.0365,
                "resnext29_16x64d": 0.0358}





def randomise_batch_norm(model: nn.Module, seed: int = 0) -> None:
    """Non-trivial BN statistics and affine parameters, so the equivalence tests test something."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=gen) * 0.1)


def cifar_params(cardinality: int, d: int, n: int = 3, num_classes: int = 10) -> int:
    """Worked out by hand: 3x3 stem 64 + BN, 3 stages of n bottlenecks (widths C*d*2^i), fc."""
    total = 3 * 64 * 9 + 2 * 64
    in_c = 64
    for i, out in enumerate((256, 512, 1024)):
        w = cardinality * d * 2**i
        for j in range(n):
            total += in_c * w + 2 * w + w * d * 2**i * 9 + 2 * w + w * out + 2 * out
            if j == 0:
                total += in_c * out + 2 * out
            in_c = out
    return total + in_c * num_classes + num_classes


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_counts(name: str) -> None:
    model = build(name)
    assert n_params(model) == PARAMS[name]
    assert models.info(name).reported_error == PAPER_ERRORS[name]
    assert models.info(name).paper.bibkey == "xie2017aggregated"
    assert model.model_name == name


def test_counts_from_formulas() -> None:
    assert bottleneck_resnet_params((3, 4, 6, 3), 128, 32, 1000) == PARAMS["resnext50_32x4d"]
    assert bottleneck_resnet_params((3, 4, 23, 3), 128, 32, 1000) == PARAMS["resnext101_32x4d"]
    assert cifar_params(8, 64) == PARAMS["resnext29_8x64d"]
    assert cifar_params(16, 64) == PARAMS["resnext29_16x64d"]


@pytest.mark.parametrize("name", ["resnext50_32x4d", "resnext29_8x64d"])
def test_output_on_nominal_input(name: str) -> None:
    size = models.info(name).input_size
    with torch.no_grad():
        y = build(name)(torch.randn(1, *size))
    assert y.shape == (1, 1000 if size[1] == 224 else 10) and torch.isfinite(y).all()


def test_imagenet_block_structure() -> None:
    model = build("resnext50_32x4d")
    block = model.layer1[0]
    assert isinstance(block, Bottleneck)
    assert block.conv2.groups == 32 and block.conv2.weight.shape == (128, 4, 3, 3)  # 32 groups of d = 4
    assert model.layer4[0].conv2.weight.shape == (1024, 32, 3, 3)  # d doubles: 32 x 32d at conv5_x
    assert model.layer2[0].conv2.stride == (2, 2) and model.layer2[0].conv1.stride == (1, 1)
    assert model.form == "grouped"


def test_cifar_stage_shapes_and_widths() -> None:
    model = X.resnext29_8x64d(cardinality=2, bottleneck_width=4).eval()  # small twin, same layout
    assert model.widths == (8, 16, 32)
    assert build("resnext29_8x64d").widths == (512, 1024, 2048)
    expected = {"conv1": (64, 32, 32), "layer1": (256, 32, 32), "layer2": (512, 16, 16),
                "layer3": (1024, 8, 8), "avgpool": (1024, 1, 1), "fc": (10,)}
    assert output_shapes(model, torch.zeros(1, 3, 32, 32), list(expected)) == expected
    assert [len(s) for s in (model.layer1, model.layer2, model.layer3)] == [3, 3, 3]


def test_paths_form_structure() -> None:
    model = X.resnext29_8x64d(cardinality=4, bottleneck_width=2, form="paths")
    block = model.layer2[0]
    assert isinstance(block, X.AggregatedBottleneck) and len(block.paths) == 4
    path = block.paths[1]
    assert (path.conv1.out_channels, path.conv2.out_channels, path.conv3.out_channels) == (4, 4, 512)
    assert path.conv2.stride == (2, 2) and path.conv2.groups == 1
    grouped = X.resnext29_8x64d(cardinality=4, bottleneck_width=2)
    assert n_params(model) == n_params(grouped) == cifar_params(4, 2)
    assert model.form == "paths"


def test_paths_and_grouped_forms_are_equivalent() -> None:
    torch.manual_seed(0)
    grouped = X.resnext29_8x64d(cardinality=4, bottleneck_width=2)
    randomise_batch_norm(grouped)
    grouped.eval()
    paths = X.convert_form(grouped, "paths")
    back = X.convert_form(paths, "grouped")
    assert isinstance(paths.layer3[2], X.AggregatedBottleneck) and isinstance(back.layer3[2], Bottleneck)
    assert not paths.training and grouped.form == "grouped" and paths.form == "paths"
    # Path i's 3x3 conv is group i of the grouped conv; its 1x1 expansion reads channels 2i..2i+1.
    assert torch.equal(paths.layer1[0].paths[3].conv2.weight, grouped.layer1[0].conv2.weight[6:8])
    assert torch.equal(paths.layer1[0].paths[3].conv3.weight, grouped.layer1[0].conv3.weight[:, 6:8])
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        y = grouped(x)
        assert torch.allclose(paths(x), y, atol=1e-5)
        assert torch.equal(back(x), y)  # the round trip restores the very same weights
        # Batch statistics are per channel, so the forms also agree in training mode.
        grouped.train(), paths.train()
        assert torch.allclose(paths(x), grouped(x), atol=1e-4)


def test_imagenet_paths_form_equivalent() -> None:
    torch.manual_seed(0)
    paths = X.resnext(50, 4, 2, form="paths")
    randomise_batch_norm(paths, seed=1)
    paths.eval()
    grouped = X.convert_form(paths, "grouped")
    assert n_params(paths) == n_params(grouped) == bottleneck_resnet_params((3, 4, 6, 3), 8, 4, 1000)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        y = grouped(x)  # large values: 16 blocks with random BN scales, so compare relative to them
        torch.testing.assert_close(paths(x), y, rtol=1e-4, atol=1e-5 * y.abs().max().item())


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"^resnext\(cardinality=5\): width 128 is not divisible by 5; "
                                         r"valid cardinalities: 1, 2, 4, 8, 16, 32, 64, 128$"):
        X.resnext(50, 5, width=128)
    with pytest.raises(ValueError, match=r"^cifar_resnext\(cardinality=3\): width 512 is not divisible by 3"):
        X.cifar_resnext(29, 3, width=512)
    with pytest.raises(ValueError, match=r"give exactly one of bottleneck_width \(d\) and width \(C\*d\)"):
        X.resnext(50, 32, 4, width=128)
    with pytest.raises(ValueError, match=r"resnext: depth must be 50, 101 or 152 .*, got 34$"):
        X.resnext(34, 32, 4)
    with pytest.raises(ValueError, match=r"cifar_resnext: depth must be 9n\+2 with n >= 1 .*got 30"):
        X.cifar_resnext(30, 8, 64)
    with pytest.raises(ValueError, match=r"resnext: form must be one of 'grouped', 'paths', got 'split'"):
        models.get("resnext50_32x4d", form="split")
    with pytest.raises(ValueError, match=r"resnext: cardinality must be a positive integer, got 0"):
        models.get("resnext50_32x4d", cardinality=0)
    with pytest.raises(ValueError, match=r"convert_form: form must be one of 'grouped', 'paths', got 'c'"):
        X.convert_form(nn.Sequential(), "c")
    with pytest.raises(ValueError, match=r"resnext29_8x64d: input has 1 channels"):
        build("resnext29_8x64d")(torch.zeros(1, 1, 32, 32))


def test_width_split_into_more_paths() -> None:
    """The same 128-wide block as 32x4d, 8x16d or 1x128d: fewer paths, bigger 3x3 weights."""
    three_by_three = {c: X.resnext(50, c, width=128).layer1[0].conv2.weight.numel() for c in (1, 8, 32)}
    assert three_by_three == {1: 128 * 128 * 9, 8: 128 * 16 * 9, 32: 128 * 4 * 9}
    assert X.resnext(50, 8, width=128).model_name == "resnext50_8x16d"


def test_resnext50_from_torchvision() -> None:
    shapes = torchvision_resnet_shapes((3, 4, 6, 3), bottleneck=True, width=128, groups=32)
    assert len(shapes) == 320  # len(torchvision.models.resnext50_32x4d().state_dict())
    assert shapes["layer1.0.conv2.weight"] == (128, 4, 3, 3)
    assert shapes["layer4.0.conv2.weight"] == (1024, 32, 3, 3)
    model = assert_loads_torchvision("resnext50_32x4d", shapes)
    assert model.form == "grouped"


@pytest.mark.parametrize("form", X.FORMS)
def test_fx_traceable(form: str) -> None:
    model = X.resnext29_8x64d(cardinality=2, bottleneck_width=2, form=form).eval()
    traced = torch.fx.symbolic_trace(model)
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(traced(x), model(x))


def test_deterministic_under_seed() -> None:
    torch.manual_seed(4)
    a = X.resnext29_8x64d(cardinality=2, bottleneck_width=2, form="paths")
    torch.manual_seed(4)
    b = X.resnext29_8x64d(cardinality=2, bottleneck_width=2, form="paths")
    pairs = zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    assert all(torch.equal(u, v) for u, v in pairs)


@settings(max_examples=10, deadline=None)
@given(cardinality=st.sampled_from([1, 2, 3, 4]), d=st.integers(1, 3), num_classes=st.integers(1, 10))
def test_forms_agree_for_any_cardinality(cardinality: int, d: int, num_classes: int) -> None:
    torch.manual_seed(cardinality * 10 + d)
    grouped = X.cifar_resnext(11, cardinality, d, num_classes=num_classes)
    randomise_batch_norm(grouped, seed=d)
    grouped.eval()
    paths = X.convert_form(grouped, "paths")
    assert n_params(grouped) == n_params(paths) == cifar_params(cardinality, d, n=1, num_classes=num_classes)
    assert grouped.model_name == f"resnext11_{cardinality}x{d}d"
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        y = grouped(x)
        assert y.shape == (1, num_classes)
        assert torch.allclose(paths(x), y, atol=1e-5)
