"""GoogLeNet / Inception v1 (Szegedy et al. 2014), Table 1."""

from __future__ import annotations

import math

import pytest
import torch
import torch.fx
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.analysis.resolve import check_input_fits
from cnnviz.models import googlenet as googlenet_module
from cnnviz.models.googlenet import INCEPTION_SPECS, GoogLeNetOutputs, InceptionSpec
from tests.models.helpers import n_params, output_shapes


@pytest.fixture(scope="module")
def net() -> nn.Module:
    torch.manual_seed(0)
    return models.get("googlenet").eval()


@pytest.fixture(scope="module")
def with_aux() -> nn.Module:
    torch.manual_seed(0)
    return models.get("googlenet", aux_logits=True).eval()


@pytest.fixture(scope="module")
def image() -> torch.Tensor:
    return torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))


# --- Table 1 as data -----------------------------------------------------------------------------------


def test_inception_specs_are_table_1():
    table = {  # #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj
        "3a": (64, 96, 128, 16, 32, 32),
        "3b": (128, 128, 192, 32, 96, 64),
        "4a": (192, 96, 208, 16, 48, 64),
        "4b": (160, 112, 224, 24, 64, 64),
        "4c": (128, 128, 256, 24, 64, 64),
        "4d": (112, 144, 288, 32, 64, 64),
        "4e": (256, 160, 320, 32, 128, 128),
        "5a": (256, 160, 320, 32, 128, 128),
        "5b": (384, 192, 384, 48, 128, 128),
    }
    assert {
        name: (s.n1x1, s.n3x3_reduce, s.n3x3, s.n5x5_reduce, s.n5x5, s.pool_proj)
        for name, s in INCEPTION_SPECS.items()
    } == table
    # Table 1's output depths, and each module's input is the previous one's output.
    outs = [s.out_channels for s in INCEPTION_SPECS.values()]
    assert outs == [256, 480, 512, 512, 512, 528, 832, 832, 1024]
    assert [s.in_channels for s in INCEPTION_SPECS.values()] == [192, *outs[:-1]]
    assert isinstance(INCEPTION_SPECS["3a"], InceptionSpec)


# --- parameter counts ----------------------------------------------------------------------------------


def test_parameter_count(net):
    # Table 1's params column: about 6.8M (weights only). torchvision googlenet (aux off): 6,624,904.
    assert n_params(net) == 6_998_552
    weights = sum(p.numel() for name, p in net.named_parameters() if name.endswith("weight"))
    assert weights == 6_990_272 and n_params(net) - weights == 8_280


def test_torchvision_count_is_explained_by_its_3x3_branch_and_batch_norm():
    # torchvision: 3×3 instead of 5×5 in the "5×5" branch, BN (2 vectors) instead of conv biases.
    def conv_bn(c_in: int, c_out: int, k: int) -> int:
        return c_in * c_out * k * k + 2 * c_out

    total = conv_bn(3, 64, 7) + conv_bn(64, 64, 1) + conv_bn(64, 192, 3) + 1024 * 1000 + 1000
    for s in INCEPTION_SPECS.values():
        c = s.in_channels
        total += conv_bn(c, s.n1x1, 1) + conv_bn(c, s.n3x3_reduce, 1) + conv_bn(s.n3x3_reduce, s.n3x3, 3)
        total += conv_bn(c, s.n5x5_reduce, 1) + conv_bn(s.n5x5_reduce, s.n5x5, 3) + conv_bn(c, s.pool_proj, 1)
    assert total == 6_624_904


def test_aux_classifier_parameters(with_aux):
    # avg pool, 1×1 conv 128, FC 2048→1024, linear 1024→1000
    assert n_params(with_aux.aux1) == 512 * 128 + 128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000 == 3_188_840
    assert n_params(with_aux.aux2) == 3_190_888
    assert n_params(with_aux) == 13_378_280


def test_inception_3a_parameters_and_true_5x5():
    module = googlenet_module.InceptionModule(INCEPTION_SPECS["3a"])
    weights = sum(p.numel() for name, p in module.named_parameters() if name.endswith("weight"))
    assert weights == 192 * 64 + 192 * 96 + 96 * 128 * 9 + 192 * 16 + 16 * 32 * 25 + 192 * 32 == 163_328
    assert module.branch3[1].conv.kernel_size == (5, 5) and module.branch3[1].conv.padding == (2, 2)


def test_no_batch_norm_and_relu_everywhere(net):
    assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())
    convs = [m for m in net.modules() if isinstance(m, googlenet_module.ConvReLU)]
    assert len(convs) == 3 + 9 * 6  # the stem and six convolutions per Inception module
    assert all(isinstance(m.relu, nn.ReLU) and m.conv.bias is not None for m in convs)


# --- shapes --------------------------------------------------------------------------------------------


def test_table_1_shapes(net, image):
    names = ["conv1", "maxpool1", "lrn1", "conv3", "maxpool2", "inception3a", "inception3b", "maxpool3",
             "inception4a", "inception4b", "inception4c", "inception4d", "inception4e", "maxpool4",
             "inception5a", "inception5b", "avgpool", "fc"]
    assert output_shapes(net, image, names) == {
        "conv1": (64, 112, 112),
        "maxpool1": (64, 56, 56),
        "lrn1": (64, 56, 56),
        "conv3": (192, 56, 56),
        "maxpool2": (192, 28, 28),
        "inception3a": (256, 28, 28),
        "inception3b": (480, 28, 28),
        "maxpool3": (480, 14, 14),
        "inception4a": (512, 14, 14),
        "inception4b": (512, 14, 14),
        "inception4c": (512, 14, 14),
        "inception4d": (528, 14, 14),
        "inception4e": (832, 14, 14),
        "maxpool4": (832, 7, 7),
        "inception5a": (832, 7, 7),
        "inception5b": (1024, 7, 7),
        "avgpool": (1024, 1, 1),
        "fc": (1000,),
    }


def test_ceil_mode_pooling_is_needed_for_table_1():
    pools = [nn.MaxPool2d(3, stride=2, ceil_mode=True), nn.MaxPool2d(3, stride=2)]
    assert [p(torch.zeros(1, 1, 112, 112)).shape[-1] for p in pools] == [56, 55]
    assert [p(torch.zeros(1, 1, 14, 14)).shape[-1] for p in pools] == [7, 6]


def test_adaptive_average_pool_equals_the_papers_7x7_pool(net):
    x = torch.randn(1, 1024, 7, 7)
    torch.testing.assert_close(net.avgpool(x), nn.AvgPool2d(7, stride=1)(x))


# --- behaviour -----------------------------------------------------------------------------------------


def test_eval_output_is_logits_and_deterministic(net, image):
    with torch.no_grad():
        a, b = net(image), net(image)
    assert isinstance(a, torch.Tensor) and a.shape == (1, 1000) and torch.equal(a, b)


def test_aux_classifiers_in_training_mode_only(with_aux, image):
    try:
        with_aux.train()
        torch.manual_seed(0)
        with torch.no_grad():
            out = with_aux(image)
    finally:
        with_aux.eval()
    assert isinstance(out, GoogLeNetOutputs)
    assert [tuple(t.shape) for t in out] == [(1, 1000)] * 3
    with torch.no_grad():
        assert isinstance(with_aux(image), torch.Tensor)
    head = with_aux.aux1
    assert (head.avgpool.kernel_size, head.avgpool.stride, head.dropout.p) == (5, 3, 0.7)


def test_dropout_is_seeded(net):
    features = torch.rand(2, 1024)
    try:
        net.dropout.train()
        torch.manual_seed(9)
        a = net.fc(net.dropout(features))
        torch.manual_seed(9)
        b = net.fc(net.dropout(features))
        torch.manual_seed(10)
        c = net.fc(net.dropout(features))
    finally:
        net.dropout.eval()
    assert net.dropout.p == 0.4
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_construction_is_deterministic_under_manual_seed():
    torch.manual_seed(2)
    first = googlenet_module.googlenet(num_classes=10).state_dict()
    torch.manual_seed(2)
    second = googlenet_module.googlenet(num_classes=10).state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_initialisation_follows_the_bvlc_model(with_aux):
    conv = with_aux.inception5b.branch2[1].conv  # fan_in 192·9
    assert conv.weight.abs().max().item() <= math.sqrt(3 / (192 * 9))
    assert conv.weight.abs().max().item() > 0.9 * math.sqrt(3 / (192 * 9))
    assert conv.bias.unique().tolist() == [pytest.approx(0.2)]
    assert with_aux.fc.bias.abs().max().item() == 0.0
    assert with_aux.aux1.fc2.bias.abs().max().item() == 0.0
    assert with_aux.aux1.fc1.bias.unique().tolist() == [pytest.approx(0.2)]


@pytest.mark.parametrize("aux", [False, True])
def test_fx_traceable_in_eval(aux, net, with_aux, image):
    model = with_aux if aux else net
    graph = torch.fx.symbolic_trace(model)
    modules = {n.target for n in graph.graph.nodes if n.op == "call_module"}
    assert "inception3a.branch3.1.conv" in modules and not any(str(m).startswith("aux") for m in modules)
    with torch.no_grad():
        torch.testing.assert_close(graph(image), model(image))


# --- errors --------------------------------------------------------------------------------------------


def test_too_small_input_is_diagnosed(net):
    with pytest.raises(ValueError, match=r"googlenet: input of spatial size 8x8 is too small.*31x31"):
        check_input_fits(net, (3, 8, 8))


def test_wrong_channels(net):
    with pytest.raises(ValueError, match=r"googlenet: input has 1 channels.*in_channels=3"):
        net(torch.zeros(1, 1, 64, 64))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"aux_logits": 1}, r"googlenet: aux_logits must be True or False, got 1"),
        ({"dropout": 1.1}, r"googlenet: dropout must be a number in \[0, 1\], got 1.1"),
        ({"num_classes": 2.5}, r"googlenet: num_classes must be a positive integer, got 2.5"),
        ({"transform_input": True}, r"googlenet: unknown keyword argument 'transform_input'"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.get("googlenet", **kwargs)


def test_metadata():
    info = models.info("googlenet")
    assert info.paper.arxiv == "1409.4842" and info.paper.bibkey == "szegedy2015going"
    assert info.reported_error == 0.0667 and info.input_size == (3, 224, 224)
    assert "googlenet" not in models.torchvision_names()


# --- properties ----------------------------------------------------------------------------------------


@settings(max_examples=8, deadline=None)
@given(in_channels=st.integers(1, 4), num_classes=st.integers(1, 20), size=st.integers(31, 72))
def test_property_valid_configurations(in_channels, num_classes, size):
    model = googlenet_module.googlenet(in_channels=in_channels, num_classes=num_classes).eval()
    stem_change = (in_channels - 3) * 64 * 49
    head_change = (num_classes - 1000) * (1024 + 1)
    assert n_params(model) == 6_998_552 + stem_change + head_change
    with torch.no_grad():
        out = model(torch.randn(1, in_channels, size, size))
    assert out.shape == (1, num_classes) and torch.isfinite(out).all()
