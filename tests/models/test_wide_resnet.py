"""Wide ResNets (Zagoruyko & Komodakis 2016): WRN-d-k on CIFAR and WRN-50-2 on ImageNet."""

from __future__ import annotations

import pytest
import torch
import torch.fx
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.models import wide_resnet as W
from tests.models.helpers import build, n_params, output_shapes
from tests.models.test_resnet import assert_loads_torchvision, torchvision_resnet_shapes

PARAMS = {
    "wrn16_8": 10_961_370,  # paper 11.0M
    "wrn28_10": 36_479_194,  # paper 36.5M; the authors' code and common PyTorch ports: 36,479,194
    "wrn40_4": 8_949_210,  # paper 8.9M
    "wide_resnet50_2": 68_883_240,  # paper 68.9M; torchvision 68,883,240
}
PAPER_ERRORS = {"wrn16_8": 0.0427, "wrn28_10": 0.0400, "wrn40_4": 0.0453}





def expected_params(depth: int, k: int, num_classes: int = 10) -> int:
    """Worked out by hand from Table 1: stem conv, blocks (2 BNs + two 3x3 convs [+ 1x1]), BN, fc."""
    n = (depth - 4) // 6
    total = 3 * 16 * 9
    in_c = 16
    for c in (16 * k, 32 * k, 64 * k):
        for _ in range(n):
            total += 2 * in_c + in_c * c * 9 + 2 * c + c * c * 9
            if in_c != c:
                total += in_c * c
            in_c = c
    return total + 2 * in_c + in_c * num_classes + num_classes


@pytest.mark.parametrize("name", list(PAPER_ERRORS))
def test_cifar_counts_and_output(name: str) -> None:
    model = build(name)
    depth, k = (int(v) for v in name.removeprefix("wrn").split("_"))
    assert n_params(model) == PARAMS[name] == expected_params(depth, k)
    assert models.info(name).reported_error == PAPER_ERRORS[name]
    assert models.info(name).paper.arxiv == "1605.07146"
    # d = 6n + 4 counts every conv: the stem, 6n in the blocks and the three 1x1 shortcuts (not the fc)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == depth and sum(c.kernel_size == (1, 1) for c in convs) == 3
    with torch.no_grad():
        y = model(torch.randn(1, 3, 32, 32))
    assert y.shape == (1, 10) and torch.isfinite(y).all()


def test_group_shapes_table1() -> None:
    model = build("wrn16_8")
    expected = {"conv1": (16, 32, 32), "conv2": (128, 32, 32), "conv3": (256, 16, 16), "conv4": (512, 8, 8),
                "avgpool": (512, 1, 1), "fc": (10,)}
    assert output_shapes(model, torch.zeros(1, 3, 32, 32), list(expected)) == expected
    assert [len(g) for g in (model.conv2, model.conv3, model.conv4)] == [2, 2, 2]


def test_pre_activation_block_and_shortcuts() -> None:
    torch.manual_seed(0)
    block = W.WideBasicBlock(4, 8, 2).eval()
    x = torch.randn(2, 4, 6, 6)
    with torch.no_grad():
        pre = torch.relu(block.bn1(x))
        manual = block.conv2(torch.relu(block.bn2(block.conv1(pre)))) + block.shortcut(pre)
        assert torch.allclose(block(x), manual)
    assert block.shortcut.kernel_size == (1, 1) and block.shortcut.stride == (2, 2)
    narrow = W.wide_resnet(10, 1)
    assert narrow.conv2[0].shortcut is None  # 16 -> 16: identity
    assert build("wrn16_8").conv2[0].shortcut.weight.shape == (128, 16, 1, 1)  # 16 -> 16k


def test_dropout_between_the_convs() -> None:
    torch.manual_seed(0)
    model = W.wide_resnet(10, 2, dropout=0.3)
    assert [type(m).__name__ for m in model.conv2[0].children()] == [
        "BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d", "ReLU", "Dropout", "Conv2d", "Conv2d"]  # + shortcut
    assert model.conv2[0].dropout.p == 0.3
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        torch.manual_seed(1)
        a = model(x)
        torch.manual_seed(1)
        b = model(x)
        c = model(x)
        assert torch.equal(a, b) and not torch.allclose(a, c)  # seeded dropout masks
        reference = W.wide_resnet(10, 2).eval()
        reference.load_state_dict(model.state_dict())  # after the training forwards moved the BN statistics
        model.eval()
        assert torch.equal(model(x), reference(x))  # no dropout at test time


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"^wide_resnet: depth must be 6n\+4 with n >= 1 .*got 15$"):
        W.wide_resnet(15, 4)
    with pytest.raises(ValueError, match=r"^wide_resnet: k must be a positive integer, got 0$"):
        W.wide_resnet(16, 0)
    with pytest.raises(ValueError, match=r"^wrn16_8: dropout must be a number in \[0, 1\), got 1\.0$"):
        models.get("wrn16_8", dropout=1.0)
    with pytest.raises(ValueError, match=r"unknown keyword argument 'k'"):
        models.get("wrn16_8", k=4)
    with pytest.raises(ValueError, match=r"wrn16_8: input has 4 channels"):
        build("wrn16_8")(torch.zeros(1, 4, 32, 32))


def test_fx_traceable() -> None:
    model = W.wide_resnet(10, 2, dropout=0.3).eval()
    traced = torch.fx.symbolic_trace(model)
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(traced(x), model(x))


def test_wide_resnet50_2_is_resnet50_with_double_width() -> None:
    model = build("wide_resnet50_2")
    assert n_params(model) == PARAMS["wide_resnet50_2"]
    assert model.layer1[0].conv2.weight.shape == (128, 128, 3, 3)  # ResNet-50: (64, 64, 3, 3)
    assert model.layer4[0].conv3.weight.shape == (2048, 1024, 1, 1)  # same outputs as ResNet-50
    assert model.layer2[0].conv2.stride == (2, 2)  # stride in the 3x3 conv, as the authors' code
    assert models.get("wide_resnet50_2", stride_in_3x3=False).layer2[0].conv1.stride == (2, 2)
    with torch.no_grad():
        assert model(torch.randn(1, 3, 224, 224)).shape == (1, 1000)


def test_wide_resnet50_2_from_torchvision() -> None:
    shapes = torchvision_resnet_shapes((3, 4, 6, 3), bottleneck=True, width=128)
    assert len(shapes) == 320  # len(torchvision.models.wide_resnet50_2().state_dict())
    assert shapes["layer1.0.conv1.weight"] == (128, 64, 1, 1)
    assert shapes["layer3.5.conv2.weight"] == (512, 512, 3, 3)
    model = assert_loads_torchvision("wide_resnet50_2", shapes)
    assert model.model_name == "wide_resnet50_2"


def test_deterministic_under_seed() -> None:
    torch.manual_seed(2)
    a = W.wide_resnet(10, 1)
    torch.manual_seed(2)
    b = W.wide_resnet(10, 1)
    pairs = zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    assert all(torch.equal(x, y) for x, y in pairs)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 3), k=st.integers(1, 3), num_classes=st.integers(1, 12))
def test_any_depth_and_width(n: int, k: int, num_classes: int) -> None:
    depth = 6 * n + 4
    model = W.wide_resnet(depth, k, num_classes=num_classes).eval()
    assert model.model_name == f"wrn{depth}_{k}"
    assert n_params(model) == expected_params(depth, k, num_classes)
    assert model.conv4[-1].conv2.out_channels == 64 * k
    with torch.no_grad():
        assert model(torch.randn(1, 3, 16, 16)).shape == (1, num_classes)
