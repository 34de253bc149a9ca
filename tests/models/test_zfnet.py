"""ZFNet (Zeiler & Fergus 2013, Fig. 3) and its Table 2 "wide" variant."""

from __future__ import annotations

import pytest
import torch
import torch.fx
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.models import zfnet as zfnet_module
from tests.models.helpers import feature_shapes, n_params


@pytest.fixture(scope="module")
def net() -> nn.Module:
    torch.manual_seed(0)
    return models.get("zfnet").eval()


@pytest.fixture(scope="module")
def image() -> torch.Tensor:
    return torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))


def test_parameter_count(net):
    # No count in the paper; torchvision has no ZFNet. AlexNet's dense single tower at 227: 62,378,344.
    assert n_params(net) == 62_357_608


def test_wide_variant_parameter_count_and_widths():
    wide = zfnet_module.ZFNet(wide=True)
    assert n_params(wide) == 107_627_624
    widths = [m.out_channels for m in wide.features if isinstance(m, nn.Conv2d)]
    assert widths == [96, 256, 512, 1024, 512]
    assert wide.classifier.fc6.in_features == 512 * 6 * 6


def test_figure_3_sizes(net, image):
    shapes = feature_shapes(net, image)
    assert {k: shapes[k] for k in ["conv1", "pool1", "norm1", "conv2", "pool2", "conv3", "conv4", "conv5",
                                   "pool5"]} == {
        "conv1": (96, 110, 110),
        "pool1": (96, 55, 55),
        "norm1": (96, 55, 55),
        "conv2": (256, 26, 26),
        "pool2": (256, 13, 13),
        "conv3": (384, 13, 13),
        "conv4": (384, 13, 13),
        "conv5": (256, 13, 13),
        "pool5": (256, 6, 6),
    }


def test_layers_as_in_figure_3(net):
    f = net.features
    assert (f.conv1.kernel_size, f.conv1.stride, f.conv1.padding) == ((7, 7), (2, 2), (1, 1))
    assert (f.conv2.kernel_size, f.conv2.stride, f.conv2.padding) == ((5, 5), (2, 2), (0, 0))
    assert all(m.groups == 1 for m in f if isinstance(m, nn.Conv2d))  # one dense tower
    assert all(m.ceil_mode and m.kernel_size == 3 and m.stride == 2 for m in f if isinstance(m, nn.MaxPool2d))
    # pooling, then contrast normalisation, in layers 1 and 2
    assert list(dict(f.named_children()))[:8] == [
        "conv1", "relu1", "pool1", "norm1", "conv2", "relu2", "pool2", "norm2",
    ]


def test_floor_pooling_would_miss_the_figure(image):
    # Why ceil_mode: with floor rounding 110 -> 54, not the 55 of Fig. 3.
    floor_pool = nn.MaxPool2d(3, stride=2)
    assert floor_pool(torch.zeros(1, 1, 110, 110)).shape[-1] == 54


def test_initialisation(net):
    layers = [m for m in net.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    assert len(layers) == 8 and all(m.bias.abs().max().item() == 0.0 for m in layers)
    assert abs(net.classifier.fc6.weight.std().item() - 0.01) < 1e-4


def test_output_and_eval_determinism(net, image):
    with torch.no_grad():
        a, b = net(image), net(image)
    assert a.shape == (1, 1000) and torch.equal(a, b)


def test_dropout_in_training_mode_only(net):
    x = torch.rand(2, 9216)
    try:
        net.classifier.train()
        torch.manual_seed(5)
        a = net.classifier(x)
        torch.manual_seed(5)
        b = net.classifier(x)
        torch.manual_seed(6)
        c = net.classifier(x)
    finally:
        net.classifier.eval()
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert [type(m).__name__ for m in net.classifier] == [
        "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear",
    ]


def test_construction_is_deterministic_under_manual_seed():
    torch.manual_seed(11)
    first = zfnet_module.ZFNet(num_classes=5).features.state_dict()
    torch.manual_seed(11)
    second = zfnet_module.ZFNet(num_classes=5).features.state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_fx_traceable(net, image):
    graph = torch.fx.symbolic_trace(net)
    assert "features.norm2" in {n.target for n in graph.graph.nodes if n.op == "call_module"}
    with torch.no_grad():
        torch.testing.assert_close(graph(image), net(image))


def test_rejects_other_input_sizes(net):
    with pytest.raises(ValueError, match=r"zfnet: the paper's network takes 224x224 images .* got 227x227"):
        net(torch.zeros(1, 3, 227, 227))
    with pytest.raises(ValueError, match=r"zfnet: input has 4 channels"):
        net(torch.zeros(1, 4, 224, 224))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"wide": "yes"}, r"zfnet: wide must be True or False, got 'yes'"),
        ({"dropout": -0.1}, r"zfnet: dropout must be a number in \[0, 1\], got -0.1"),
        ({"in_channels": 0}, r"zfnet: in_channels must be a positive integer, got 0"),
        ({"towers": 2}, r"zfnet: unknown keyword argument 'towers'"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.get("zfnet", **kwargs)


def test_metadata():
    info = models.info("zfnet")
    assert info.paper.arxiv == "1311.2901" and info.paper.bibkey == "zeiler2014visualizing"
    assert info.reported_error == 0.117 and info.input_size == (3, 224, 224)
    assert info.family == "ZFNet" and info.dataset == "ImageNet"


def expected_params(wide: bool, in_channels: int, num_classes: int) -> int:
    c = [in_channels, 96, 256, *((512, 1024, 512) if wide else (384, 384, 256))]
    kernels = [7, 5, 3, 3, 3]
    convs = sum(c[i] * c[i + 1] * k * k + c[i + 1] for i, k in enumerate(kernels))
    return convs + c[5] * 36 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * num_classes + num_classes


@settings(max_examples=4, deadline=None)
@given(wide=st.booleans(), in_channels=st.integers(1, 4), num_classes=st.integers(1, 30))
def test_property_valid_configurations(wide, in_channels, num_classes):
    model = models.get("zfnet", wide=wide, in_channels=in_channels, num_classes=num_classes).eval()
    assert n_params(model) == expected_params(wide, in_channels, num_classes)
    with torch.no_grad():
        out = model(torch.randn(1, in_channels, 224, 224))
    assert out.shape == (1, num_classes) and torch.isfinite(out).all()
