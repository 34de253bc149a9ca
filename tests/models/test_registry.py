"""Properties every registered network has: it builds, runs on its nominal input, and is described."""

from __future__ import annotations

import pytest
import torch

from cnnviz import models
from cnnviz.analysis.resolve import resolve_model
from cnnviz.models import resnet as resnet_module
from cnnviz.models import vgg as vgg_module
from cnnviz.models.registry import register

NAMES = models.names()
REQUIRED = [
    "alexnet", "alexnet_owt", "zfnet", "vgg11", "vgg13", "vgg16", "vgg19", "googlenet",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "resnet1202",
    "plain20", "plain32", "plain44", "plain56", "plain110", "nin_cifar", "nin_imagenet",
    "wrn16_8", "wrn28_10", "wrn40_4", "wide_resnet50_2",
    "resnext50_32x4d", "resnext101_32x4d", "resnext29_8x64d", "resnext29_16x64d",
    "stochastic_depth110", "fractalnet",
    "densenet121", "densenet169", "densenet201", "densenet161", "densenet264", "densenet40_12",
    "densenet_bc_100_12", "squeezenet1_0", "squeezenet1_1",
]  # fmt: skip
TORCHVISION = [
    "alexnet", "vgg11", "vgg13", "vgg16", "vgg19", "resnet18", "resnet34", "resnet50", "resnet101",
    "resnet152", "resnext50_32x4d", "wide_resnet50_2", "densenet121", "densenet169", "densenet201",
    "densenet161", "squeezenet1_0", "squeezenet1_1",
]  # fmt: skip


def test_every_required_name_is_registered():
    missing = [n for n in REQUIRED if n not in NAMES]
    assert missing == []


def test_every_torchvision_equivalent_is_declared():
    assert sorted(models.torchvision_names()) == sorted(TORCHVISION)


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_complete(name):
    info = models.info(name)
    assert info.paper.title and info.paper.authors and 2009 <= info.paper.year <= 2017
    assert info.paper.bibkey, f"{name}: no bibkey"
    assert info.dataset in {"ImageNet", "CIFAR-10"}
    channels, height, width = info.input_size
    assert channels == 3 and height == width and height in {32, 224, 227}
    if info.reported_error is not None:
        assert 0 < info.reported_error < 0.5 and info.error_metric


@pytest.mark.parametrize("name", NAMES)
def test_forward_on_nominal_input(name):
    torch.manual_seed(0)
    net = models.get(name)
    info = models.info(name)
    classes = 1000 if info.dataset == "ImageNet" else 10
    x = torch.randn(2, *info.input_size)
    with torch.no_grad():
        y_train = net.train()(x)  # batch statistics: finite at initialisation for every network
        y = net.eval()(x)
        y0 = net(x[:1])
    assert y_train.shape == y.shape == (2, classes)
    assert torch.isfinite(y_train).all()
    if name == "resnet1202":
        # Untrained, in eval mode BN is the identity and 600 residual additions overflow float32: real
        # behaviour of the paper's initialisation, pinned in test_cifar_resnet.py.
        return
    assert torch.isfinite(y).all()
    # the two images of the batch are processed independently in eval mode
    scale = y.abs().max().item()
    torch.testing.assert_close(y0, y[:1], rtol=1e-4, atol=1e-5 * max(1.0, scale))


@pytest.mark.parametrize("name", ["resnet20", "plain20", "densenet40_12", "squeezenet1_1", "fractalnet"])
def test_construction_is_deterministic_given_the_seed(name):
    torch.manual_seed(3)
    a = models.get(name).state_dict()
    torch.manual_seed(3)
    b = models.get(name).state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(KeyError, match=r"unknown model name 'resnet5'\. Did you mean .*'resnet50'"):
        models.get("resnet5")


def test_unknown_keyword_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"resnet20: unknown keyword argument 'widht'; valid keyword arguments:"):
        models.get("resnet20", widht=2)


def test_wrong_channel_count_is_explained():
    net = models.get("resnet20")
    with pytest.raises(ValueError, match=r"resnet20: input has 1 channels, but the network was built with in_channels=3"):
        net(torch.zeros(1, 1, 32, 32))


def test_too_small_input_is_diagnosed_where_the_size_is_resolved():
    with pytest.raises(ValueError, match=r"vgg11: input of spatial size 16x16 is too small.*before layer "
                                         r"'features.20' .*The smallest square input that works is 32x32"):
        resolve_model("vgg11", (3, 16, 16), {})


def test_models_are_plain_modules():
    """No exception translator around forward: torch's own error reaches the caller unchanged."""
    net = models.get("vgg11").eval()
    assert type(net).__call__ is torch.nn.Module.__call__
    with pytest.raises(RuntimeError):
        net(torch.zeros(1, 3, 16, 16))


# --- filtering and registering ---------------------------------------------------------------------


def test_names_filter_by_family_and_dataset():
    assert models.names(family="VGG") == ["vgg11", "vgg11_lrn", "vgg13", "vgg16_c", "vgg16", "vgg19"]
    assert models.names(family="NiN", dataset="CIFAR-10") == ["nin_cifar"]
    cifar = models.names(dataset="CIFAR-10")
    assert cifar == [n for n in NAMES if models.info(n).input_size == (3, 32, 32)]
    assert len(cifar) + len(models.names(dataset="ImageNet")) == len(NAMES) == 49
    assert models.families()[:3] == ["AlexNet", "ZFNet", "VGG"] and models.datasets() == ["ImageNet", "CIFAR-10"]
    assert sum(len(models.names(family=f)) for f in models.families()) == len(NAMES)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"family": "vgg"}, r"models.names: unknown family 'vgg'; valid: 'AlexNet', 'ZFNet', 'VGG', "),
        ({"dataset": "CIFAR10"}, r"models.names: unknown dataset 'CIFAR10'; valid: 'ImageNet', 'CIFAR-10'$"),
    ],
)
def test_names_rejects_unknown_filters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.names(**kwargs)


def test_metadata_and_builder_arguments_are_apart():
    info = models.info("resnet50")
    assert info.kwargs == {"depth": 50} and info.builder is resnet_module.resnet
    assert "depth" not in models.kwargs_of("resnet50") and "width" in models.kwargs_of("resnet50")
    assert models.info("alexnet").kwargs == {}


def test_registered_builders_are_public():
    assert all(not models.info(n).builder.__name__.startswith("_") for n in NAMES)


def test_register_rejects_private_builders_and_unknown_arguments():
    common = dict(family="X", paper=models.info("vgg16").paper, input_size=(3, 32, 32), dataset="CIFAR-10")

    def _private() -> torch.nn.Module:
        return torch.nn.Identity()

    with pytest.raises(ValueError, match=r"register\('x'\): the builder _private must be public"):
        register("x", _private, **common)
    with pytest.raises(ValueError, match=r"register\('x'\): vgg takes no argument 'depth'; valid: config, "):
        register("x", vgg_module.vgg, **common, kwargs={"depth": 16})
    with pytest.raises(ValueError, match=r"model name 'vgg16' is registered twice"):
        register("vgg16", vgg_module.vgg, **common)
    assert "x" not in models.names()
