"""ImageNet ResNets (He et al. 2016, Table 1): counts, shapes, stride placement, torchvision weights."""

from __future__ import annotations

import pytest
import torch
import torch.fx
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.models import resnet as R
from tests.models.helpers import build, n_params

# name: (ours, torchvision's). The paper gives FLOPs, not parameter counts (Table 1).
PARAMS = {
    "resnet18": 11_689_512,  # torchvision 11,689,512
    "resnet34": 21_797_672,  # torchvision 21,797,672
    "resnet50": 25_557_032,  # torchvision 25,557,032
    "resnet101": 44_549_160,  # torchvision 44,549,160
    "resnet152": 60_192_808,  # torchvision 60,192,808
}
# len(torchvision.models.<name>().state_dict()): parameters + BN running stats + num_batches_tracked.
TORCHVISION_KEYS = {"resnet18": 122, "resnet34": 218, "resnet50": 320, "resnet101": 626, "resnet152": 932}




def torchvision_resnet_shapes(
    depths: tuple[int, ...], bottleneck: bool, width: int = 64, groups: int = 1, num_classes: int = 1000
) -> dict[str, tuple[int, ...]]:
    """The state-dict keys and shapes of torchvision's ResNet family, written from torchvision's naming.

    ``width`` is the bottleneck width of layer1 (torchvision: planes * base_width / 64 * groups).
    """
    shapes: dict[str, tuple[int, ...]] = {"conv1.weight": (64, 3, 7, 7)}

    def bn(prefix: str, c: int) -> None:
        for stat in ("weight", "bias", "running_mean", "running_var"):
            shapes[f"{prefix}.{stat}"] = (c,)
        shapes[f"{prefix}.num_batches_tracked"] = ()

    bn("bn1", 64)
    in_c = 64
    for i, blocks in enumerate(depths):
        planes, w = 64 * 2**i, width * 2**i
        out = planes * 4 if bottleneck else planes
        for j in range(blocks):
            p = f"layer{i + 1}.{j}"
            if bottleneck:
                shapes[f"{p}.conv1.weight"] = (w, in_c, 1, 1)
                bn(f"{p}.bn1", w)
                shapes[f"{p}.conv2.weight"] = (w, w // groups, 3, 3)
                bn(f"{p}.bn2", w)
                shapes[f"{p}.conv3.weight"] = (out, w, 1, 1)
                bn(f"{p}.bn3", out)
            else:
                shapes[f"{p}.conv1.weight"] = (planes, in_c, 3, 3)
                bn(f"{p}.bn1", planes)
                shapes[f"{p}.conv2.weight"] = (planes, planes, 3, 3)
                bn(f"{p}.bn2", planes)
            if j == 0 and (i > 0 or in_c != out):
                shapes[f"{p}.downsample.0.weight"] = (out, in_c, 1, 1)
                bn(f"{p}.downsample.1", out)
            in_c = out
    shapes["fc.weight"] = (num_classes, in_c)
    shapes["fc.bias"] = (num_classes,)
    return shapes


def random_state_dict(shapes: dict[str, tuple[int, ...]], seed: int = 1) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in shapes.items():
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(7)
        elif key.endswith("running_var"):
            sd[key] = torch.rand(shape, generator=gen) + 0.5
        else:
            sd[key] = torch.randn(shape, generator=gen) * 0.1
    return sd


def assert_loads_torchvision(tv_name: str, shapes: dict[str, tuple[int, ...]]) -> nn.Module:
    sd = random_state_dict(shapes)
    model = models.from_torchvision(tv_name, sd)
    own = model.state_dict()
    assert set(own) == set(sd)
    for key, value in sd.items():
        assert torch.equal(own[key], value), key
    return model


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count_and_output(name: str) -> None:
    model = build(name)
    assert n_params(model) == PARAMS[name]
    assert len(model.state_dict()) == TORCHVISION_KEYS[name]
    with torch.no_grad():
        y = model(torch.randn(1, 3, 224, 224))
    assert y.shape == (1, 1000)
    assert torch.isfinite(y).all()


def test_stage_shapes_table1() -> None:
    """Table 1: 112 after conv1, 56 after the max pool, then 56/28/14/7 for conv2_x..conv5_x."""
    expected = {
        "resnet18": {"conv1": (64, 112, 112), "maxpool": (64, 56, 56), "layer1": (64, 56, 56),
                     "layer2": (128, 28, 28), "layer3": (256, 14, 14), "layer4": (512, 7, 7),
                     "avgpool": (512, 1, 1)},
        "resnet50": {"conv1": (64, 112, 112), "maxpool": (64, 56, 56), "layer1": (256, 56, 56),
                     "layer2": (512, 28, 28), "layer3": (1024, 14, 14), "layer4": (2048, 7, 7),
                     "avgpool": (2048, 1, 1)},
    }
    for name, layers in expected.items():
        model = build(name)
        seen: dict[str, tuple[int, ...]] = {}
        handles = [
            getattr(model, layer).register_forward_hook(
                lambda m, i, o, layer=layer, seen=seen: seen.__setitem__(layer, tuple(o.shape[1:]))
            )
            for layer in layers
        ]
        try:
            with torch.no_grad():
                model(torch.zeros(1, 3, 224, 224))
        finally:
            for h in handles:
                h.remove()
        assert seen == layers, name


def test_blocks_per_stage_and_block_types() -> None:
    for depth, (kind, depths) in R.DEPTHS.items():
        model = R.resnet(depth, width=64)
        assert tuple(len(getattr(model, f"layer{i + 1}")) for i in range(4)) == depths
        cls = R.Bottleneck if kind == "bottleneck" else R.BasicBlock
        assert all(isinstance(b, cls) for b in model.layer3)
        # depth = stem conv + convs per block * blocks + fc
        convs_per_block = 3 if kind == "bottleneck" else 2
        assert 1 + convs_per_block * sum(depths) + 1 == depth


def test_stride_placement_v1_and_v1_5() -> None:
    v1 = build("resnet50")
    v15 = build("resnet50", stride_in_3x3=True)
    for model, s1x1, s3x3 in ((v1, (2, 2), (1, 1)), (v15, (1, 1), (2, 2))):
        for stage in ("layer2", "layer3", "layer4"):
            first = getattr(model, stage)[0]
            assert first.conv1.stride == s1x1 and first.conv2.stride == s3x3
            assert first.downsample[0].stride == (2, 2)
    assert n_params(v1) == n_params(v15) == PARAMS["resnet50"]
    # Both downsample 56 -> 28 but not identically: v1's strided 1x1 conv skips 3 of 4 pixels.
    with torch.no_grad():
        v15.load_state_dict(v1.state_dict())
        x = torch.randn(1, 3, 64, 64)
        assert not torch.allclose(v1(x), v15(x))


def test_shortcuts_identity_except_where_shape_changes() -> None:
    model = build("resnet34")
    with_projection = [name for name, m in model.named_modules() if name.endswith("downsample")]
    assert with_projection == ["layer2.0.downsample", "layer3.0.downsample", "layer4.0.downsample"]
    model50 = build("resnet50")
    assert model50.layer1[0].downsample[0].weight.shape == (256, 64, 1, 1)  # 64 -> 256 at stride 1
    assert model50.layer1[1].downsample is None


def test_block_is_relu_of_residual_plus_identity() -> None:
    block = R.BasicBlock(8, 8).eval()
    x = torch.randn(2, 8, 5, 5)
    with torch.no_grad():
        f = block.bn2(block.conv2(torch.relu(block.bn1(block.conv1(x)))))
        assert torch.allclose(block(x), torch.relu(f + x))
        block.bn2.weight.zero_()  # F(x) = 0: the block is ReLU(x)
        assert torch.equal(block(x), torch.relu(x))


def test_he_initialisation() -> None:
    model = build("resnet18")
    w = model.layer3[1].conv2.weight  # fan_out = 256 * 9
    assert abs(w.std().item() - (2 / (256 * 9)) ** 0.5) < 0.002
    assert torch.equal(model.bn1.weight, torch.ones(64)) and torch.equal(model.bn1.bias, torch.zeros(64))
    assert all(m.bias is None for m in model.modules() if isinstance(m, nn.Conv2d))


def test_metadata() -> None:
    info = models.info("resnet152")
    assert info.paper.arxiv == "1512.03385" and info.paper.bibkey == "he2016deep"
    assert info.reported_error == 0.0357 and info.input_size == (3, 224, 224)
    assert models.info("resnet50").reported_error == 0.0671


def test_fx_traceable() -> None:
    model = build("resnet18")
    traced = torch.fx.symbolic_trace(model)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(traced(x), model(x))
    assert "layer4.1.relu2" in {n.target for n in traced.graph.nodes if n.op == "call_module"}


def test_deterministic_under_seed() -> None:
    torch.manual_seed(3)
    a = R.resnet(18)
    torch.manual_seed(3)
    b = R.resnet(18)
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(va, vb), k


def test_train_and_eval_differ_by_batch_norm() -> None:
    model = build("resnet18")
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        alone = model(x[:1])
        assert torch.allclose(model(x)[:1], alone, atol=1e-5)  # eval: running statistics
        model.train()
        try:
            assert not torch.allclose(model(x)[:1], alone, atol=1e-3)  # train: batch statistics
        finally:
            model.eval()


def test_tiny_inputs_never_collapse() -> None:
    """Every conv and pool is padded and the pool is global, so even a 1x1 image reaches the fc."""
    model = build("resnet18")
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 1, 1)).shape == (1, 1000)


def test_bad_inputs() -> None:
    model = build("resnet18")
    msg = r"resnet18: input has 1 channels, but the network was built with in_channels=3"
    with pytest.raises(ValueError, match=msg):
        model(torch.zeros(1, 1, 224, 224))
    with pytest.raises(ValueError, match=r"resnet42: depth must be one of 18, 34, 50, 101, 152"):
        R.resnet(42)
    with pytest.raises(ValueError, match=r"resnet18: width and groups apply to bottleneck blocks"):
        models.get("resnet18", width=128)
    with pytest.raises(ValueError, match=r"resnet50\(groups=5\): width 64 is not divisible by 5; "
                                         r"valid groups: 1, 2, 4, 8, 16, 32, 64$"):
        models.get("resnet50", groups=5)
    with pytest.raises(ValueError, match=r"resnet50: num_classes must be a positive integer, got 0"):
        models.get("resnet50", num_classes=0)
    with pytest.raises(ValueError, match=r"unknown keyword argument 'depth'"):
        models.get("resnet50", depth=101)
    gray = models.get("resnet18", in_channels=1, num_classes=5).eval()
    assert gray(torch.zeros(1, 1, 32, 32)).shape == (1, 5)


def test_torchvision_shapes_pinned() -> None:
    shapes = torchvision_resnet_shapes((3, 4, 6, 3), bottleneck=True)
    assert len(shapes) == TORCHVISION_KEYS["resnet50"]
    assert shapes["layer1.0.downsample.0.weight"] == (256, 64, 1, 1)
    assert shapes["layer4.2.conv3.weight"] == (2048, 512, 1, 1)
    assert shapes["fc.weight"] == (1000, 2048)
    assert len(torchvision_resnet_shapes((2, 2, 2, 2), bottleneck=False)) == TORCHVISION_KEYS["resnet18"]


@pytest.mark.parametrize("name", ["resnet18", "resnet50"])
def test_from_torchvision_round_trip(name: str) -> None:
    kind, depths = R.DEPTHS[int(name.removeprefix("resnet"))]
    model = assert_loads_torchvision(name, torchvision_resnet_shapes(depths, kind == "bottleneck"))
    if kind == "bottleneck":
        assert model.layer2[0].conv2.stride == (2, 2)  # torchvision is v1.5
    with torch.no_grad():
        assert torch.isfinite(model.eval()(torch.randn(1, 3, 32, 32))).all()


def test_from_torchvision_all_depths_registered() -> None:
    assert {f"resnet{d}" for d in R.DEPTHS} <= set(models.torchvision_names())
    for depth, (kind, depths) in R.DEPTHS.items():
        if depth in (101, 152):  # key sets only: building these twice is slow
            own = build(f"resnet{depth}").state_dict()
            shapes = torchvision_resnet_shapes(depths, kind == "bottleneck")
            assert {k: tuple(v.shape) for k, v in own.items()} == shapes


def test_from_torchvision_rejects_wrong_state_dict() -> None:
    shapes = torchvision_resnet_shapes((2, 2, 2, 2), bottleneck=False)
    sd = random_state_dict(shapes)
    del sd["fc.bias"]
    sd["fc.weight"] = torch.zeros(10, 512)
    with pytest.raises(ValueError, match=r"missing keys: fc\.bias; wrong shape keys: fc\.weight: expected"):
        models.from_torchvision("resnet18", sd)


def bottleneck_resnet_params(depths: tuple[int, ...], width: int, groups: int, num_classes: int) -> int:
    """Parameters of a bottleneck ResNet worked out from Table 1 (bias-free convs, BN: 2 per channel)."""
    total = 64 * 3 * 49 + 2 * 64
    in_c = 64
    for i, blocks in enumerate(depths):
        w, out = width * 2**i, 256 * 2**i
        for j in range(blocks):
            total += in_c * w + 2 * w + w * (w // groups) * 9 + 2 * w + w * out + 2 * out
            if j == 0:
                total += in_c * out + 2 * out
            in_c = out
    return total + in_c * num_classes + num_classes


@settings(max_examples=8, deadline=None)
@given(groups=st.sampled_from([1, 2, 4]), d=st.integers(1, 4), num_classes=st.integers(1, 20),
       stride_in_3x3=st.booleans())
def test_width_and_groups_property(groups: int, d: int, num_classes: int, stride_in_3x3: bool) -> None:
    width = groups * d
    model = R.resnet(50, width=width, groups=groups, num_classes=num_classes, stride_in_3x3=stride_in_3x3)
    model.eval()
    assert n_params(model) == bottleneck_resnet_params((3, 4, 6, 3), width, groups, num_classes)
    assert model.layer4[0].conv2.groups == groups and model.layer4[0].conv2.out_channels == 8 * width
    with torch.no_grad():
        assert model(torch.randn(1, 3, 32, 32)).shape == (1, num_classes)


def test_formula_matches_paper_networks() -> None:
    assert bottleneck_resnet_params((3, 4, 6, 3), 64, 1, 1000) == PARAMS["resnet50"]
    assert bottleneck_resnet_params((3, 8, 36, 3), 64, 1, 1000) == PARAMS["resnet152"]

