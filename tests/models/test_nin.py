"""Network in Network (Lin et al. 2014): mlpconv blocks, global average pooling, Caffe model-zoo sizes."""

from __future__ import annotations

import functools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import models
from cnnviz.analysis.resolve import check_input_fits
from cnnviz.models.nin import CIFAR_BLOCKS, IMAGENET_BLOCKS, Mlpconv, MlpconvSpec, nin_cifar, nin_imagenet
from tests.models.helpers import feature_shapes, n_params

PARAMS = {
    "nin_cifar": 966_986,  # Caffe model zoo CIFAR-10 NiN (~0.97M); paper: not stated; no torchvision
    "nin_imagenet": 7_595_176,  # Caffe model zoo ImageNet NiN (~7.6M); paper: no ImageNet model
}


@functools.cache
def built(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return models.get(name).eval()



def expected_params(blocks, in_channels: int) -> int:
    total, c = 0, in_channels
    for spec in blocks:
        first, *rest = spec.channels
        total += c * first * spec.kernel**2 + first
        c = first
        for width in rest:
            total += c * width + width
            c = width
    return total


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count(name):
    blocks = CIFAR_BLOCKS if name == "nin_cifar" else IMAGENET_BLOCKS
    assert n_params(built(name)) == PARAMS[name] == expected_params(blocks, 3)


@pytest.mark.parametrize("name", list(PARAMS))
def test_registry_metadata(name):
    info = models.info(name)
    assert info.family == "NiN" and info.paper.arxiv == "1312.4400" and info.paper.bibkey == "lin2014network"
    assert info.input_size == ((3, 32, 32) if name == "nin_cifar" else (3, 224, 224))
    assert built(name).model_name == name
    if name == "nin_cifar":
        assert info.reported_error == pytest.approx(0.1041)



def test_cifar_shapes():
    assert feature_shapes(built("nin_cifar"), torch.randn(1, 3, 32, 32)) == {
        "mlpconv1": (96, 32, 32), "pool1": (96, 16, 16), "dropout1": (96, 16, 16),
        "mlpconv2": (192, 16, 16), "pool2": (192, 8, 8), "dropout2": (192, 8, 8),
        "mlpconv3": (10, 8, 8),
    }
    with torch.no_grad():
        assert built("nin_cifar")(torch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_imagenet_shapes():
    # 224 → 11×11/4 conv: 54 → 3×3/2 pools rounding up as Caffe: 27 → 13 → 6 → global average.
    shapes = feature_shapes(built("nin_imagenet"), torch.randn(1, 3, 224, 224))
    assert shapes == {
        "mlpconv1": (96, 54, 54), "pool1": (96, 27, 27),
        "mlpconv2": (256, 27, 27), "pool2": (256, 13, 13),
        "mlpconv3": (384, 13, 13), "pool3": (384, 6, 6), "dropout3": (384, 6, 6),
        "mlpconv4": (1000, 6, 6),
    }


def test_mlpconv_layout():
    block = built("nin_cifar").features.mlpconv1
    assert isinstance(block, Mlpconv)
    names = [n for n, _ in block.named_children()]
    assert names == ["conv", "relu", "cccp1", "relu_cccp1", "cccp2", "relu_cccp2"]
    assert block.conv.kernel_size == (5, 5) and block.cccp1.kernel_size == (1, 1)
    assert block.cccp2.weight.shape == (96, 160, 1, 1)
    assert [spec.channels for spec in CIFAR_BLOCKS] == [(192, 160, 96), (192, 192, 192), (192, 192, 10)]
    assert isinstance(built("nin_cifar").features.pool2, torch.nn.AvgPool2d)


def test_global_average_pooling_replaces_fc():
    model = built("nin_cifar")
    assert not any(isinstance(m, torch.nn.Linear) for m in model.modules())
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(model(x), model.features(x).mean(dim=(2, 3)))


@pytest.mark.parametrize("name", list(PARAMS))
def test_fx_traceable(name):
    model = built(name)
    graph = torch.fx.symbolic_trace(model)
    targets = {n.target for n in graph.graph.nodes if n.op == "call_module"}
    assert {"features.mlpconv1.cccp1", "global_pool"} <= targets
    x = torch.randn(1, 3, *models.info(name).input_size[1:])
    with torch.no_grad():
        torch.testing.assert_close(graph(x), model(x))


def test_dropout_train_eval_and_determinism():
    model = nin_cifar()
    x = torch.randn(2, 3, 32, 32)
    torch.manual_seed(2)
    a = model.train()(x)
    torch.manual_seed(2)
    torch.testing.assert_close(model(x), a)
    with torch.no_grad():
        model.eval()
        assert not torch.allclose(model(x), a)
        torch.testing.assert_close(model(x), model(x))
    assert nin_cifar(dropout=0.2).features.dropout1.p == pytest.approx(0.2)


@pytest.mark.parametrize(
    "builder, kwargs, message",
    [
        (nin_cifar, dict(num_classes=0), r"nin_cifar: num_classes must be a positive integer, got 0"),
        (nin_imagenet, dict(num_classes=2.5), r"nin_imagenet: num_classes must be a positive integer"),
        (nin_cifar, dict(dropout=2), r"nin_cifar: dropout must be a number in \[0, 1\], got 2"),
        (nin_cifar, dict(in_channels=0), r"nin_cifar: in_channels must be a positive integer, got 0"),
    ],
)
def test_builder_errors(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)


def test_input_errors():
    with pytest.raises(ValueError, match=r"nin_cifar: input has 1 channels, but the network was built with"):
        built("nin_cifar")(torch.zeros(1, 1, 32, 32))
    with pytest.raises(ValueError, match=r"nin_cifar: expected a batch of images of shape \(N, 3, H, W\)"):
        built("nin_cifar")(torch.zeros(3, 32, 32))
    with pytest.raises(
        ValueError,
        match=r"nin_imagenet: input of spatial size 32x32 is too small: it shrinks to 1x1 before layer "
        r"'features.pool3' \(MaxPool2d\).* smallest square input that works is 39x39",
    ):
        check_input_fits(built("nin_imagenet"), (3, 32, 32))


@settings(max_examples=15, deadline=None)
@given(classes=st.integers(1, 20), in_channels=st.integers(1, 4), size=st.integers(4, 40))
def test_property_nin_cifar(classes, in_channels, size):
    model = nin_cifar(num_classes=classes, in_channels=in_channels).eval()
    blocks = [*CIFAR_BLOCKS[:2], MlpconvSpec((192, 192, classes), kernel=3, padding=1)]
    assert n_params(model) == expected_params(blocks, in_channels)
    with torch.no_grad():
        assert model(torch.randn(1, in_channels, size, size)).shape == (1, classes)
