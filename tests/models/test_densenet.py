"""DenseNet (Huang et al. 2017): parameter counts, the paper's shapes, channel growth, torchvision weights."""

from __future__ import annotations

import functools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import models
from cnnviz.analysis.resolve import check_input_fits
from cnnviz.models.densenet import (
    BottleneckLayer,
    DenseBlock,
    DenseLayer,
    Transition,
    cifar_densenet,
    dense_channels,
    densenet,
)
from tests.models.helpers import n_params

# name: (our count, what the paper / torchvision say)
PARAMS = {
    "densenet121": 7_978_856,  # torchvision 7,978,856; paper: not stated
    "densenet169": 14_149_480,  # torchvision 14,149,480
    "densenet201": 20_013_928,  # torchvision 20,013,928
    "densenet161": 28_681_000,  # torchvision 28,681,000
    "densenet264": 33_337_704,  # not in torchvision; paper: not stated
    "densenet40_12": 1_019_722,  # paper Table 2: 1.0M
    "densenet_bc_100_12": 769_162,  # paper Table 2: 0.8M
}
IMAGENET = ["densenet121", "densenet169", "densenet201", "densenet161", "densenet264"]
CIFAR = ["densenet40_12", "densenet_bc_100_12"]


@functools.cache
def built(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return models.get(name).eval()



@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count(name):
    assert n_params(built(name)) == PARAMS[name]


@pytest.mark.parametrize("name", list(PARAMS))
def test_registry_metadata(name):
    info = models.info(name)
    assert info.family == "DenseNet"
    assert info.paper.arxiv == "1608.06993" and info.paper.bibkey == "huang2017densely"
    assert info.input_size == ((3, 224, 224) if name in IMAGENET else (3, 32, 32))
    assert built(name).model_name == name


def test_reported_errors():
    assert models.info("densenet121").reported_error == pytest.approx(0.2502)
    assert models.info("densenet_bc_100_12").reported_error == pytest.approx(0.0451)
    assert models.info("densenet40_12").error_metric.startswith("CIFAR-10+")


def run_with_hooks(model: torch.nn.Module, x: torch.Tensor, names: list[str]) -> dict[str, tuple]:
    shapes: dict[str, tuple] = {}
    modules = dict(model.named_modules())
    handles = [
        modules[n].register_forward_hook(lambda m, i, o, n=n: shapes.__setitem__(n, tuple(o.shape)))
        for n in names
    ]
    try:
        with torch.no_grad():
            shapes["output"] = tuple(model(x).shape)
    finally:
        for h in handles:
            h.remove()
    return shapes


def test_densenet121_table1_shapes():
    # The paper's Table 1 output sizes 112, 56, 56→28, 28→14, 14→7, 7→1 with k=32 channel counts.
    shapes = run_with_hooks(
        built("densenet121"),
        torch.randn(1, 3, 224, 224),
        ["features.relu0", "features.pool0", "features.denseblock1", "features.transition1",
         "features.denseblock2", "features.transition2", "features.denseblock3", "features.transition3",
         "features.denseblock4", "avgpool"],
    )
    assert shapes == {
        "features.relu0": (1, 64, 112, 112),
        "features.pool0": (1, 64, 56, 56),
        "features.denseblock1": (1, 64 + 6 * 32, 56, 56),
        "features.transition1": (1, 128, 28, 28),
        "features.denseblock2": (1, 128 + 12 * 32, 28, 28),
        "features.transition2": (1, 256, 14, 14),
        "features.denseblock3": (1, 256 + 24 * 32, 14, 14),
        "features.transition3": (1, 512, 7, 7),
        "features.denseblock4": (1, 512 + 16 * 32, 7, 7),
        "avgpool": (1, 1024, 1, 1),
        "output": (1, 1000),
    }


@pytest.mark.parametrize(
    "name, final",
    [("densenet169", 1664), ("densenet201", 1920), ("densenet161", 2208), ("densenet264", 2688)],
)
def test_imagenet_final_width_and_output(name, final):
    # Nominal 224 input costs seconds per model on CPU: the slow test below runs it; here 32×32 (7×7 → 1×1).
    model = built(name)
    assert model.classifier.in_features == final
    shapes = run_with_hooks(model, torch.randn(1, 3, 32, 32), ["features"])
    assert shapes == {"features": (1, final, 1, 1), "output": (1, 1000)}


@pytest.mark.slow
@pytest.mark.parametrize("name", IMAGENET)
def test_imagenet_nominal_output(name):
    with torch.no_grad():
        assert built(name)(torch.randn(1, 3, 224, 224)).shape == (1, 1000)


@pytest.mark.parametrize(
    "name, widths", [("densenet40_12", (16, 160, 304, 448)), ("densenet_bc_100_12", (24, 108, 150, 342))]
)
def test_cifar_shapes(name, widths):
    # Basic: 16 → +12·12 = 160 (no compression) → 304 → 448. BC: 24 → 216 → ⌊216/2⌋=108 → 300 → 150 → 342.
    c0, t1, t2, final = widths
    shapes = run_with_hooks(
        built(name), torch.randn(1, 3, 32, 32),
        ["features.conv0", "features.transition1", "features.transition2", "features.denseblock3"],
    )
    assert shapes == {
        "features.conv0": (1, c0, 32, 32),
        "features.transition1": (1, t1, 16, 16),
        "features.transition2": (1, t2, 8, 8),
        "features.denseblock3": (1, final, 8, 8),
        "output": (1, 10),
    }


def test_channel_growth_is_exposed():
    blocks = built("densenet121").channels
    assert [b.in_channels for b in blocks] == [64, 128, 256, 512]
    assert blocks[0].layer_inputs == (64, 96, 128, 160, 192, 224)
    assert [b.out_channels for b in blocks] == [256, 512, 1024, 1024]
    assert [b.transition_out for b in blocks] == [128, 256, 512, None]
    # θ = 0.3 floors: ⌊0.3·(10+2·4)⌋ = ⌊5.4⌋ = 5
    assert dense_channels(10, (2, 2), 4, 0.3)[0].transition_out == 5


def test_layer_kinds_and_torchvision_names():
    bc, basic = built("densenet_bc_100_12"), built("densenet40_12")
    layer = bc.features.denseblock1.denselayer1
    assert isinstance(layer, BottleneckLayer) and isinstance(bc.features.denseblock1, DenseBlock)
    assert layer.conv1.weight.shape == (48, 24, 1, 1) and layer.conv2.weight.shape == (12, 48, 3, 3)
    assert isinstance(basic.features.denseblock1.denselayer12, DenseLayer)
    assert basic.features.denseblock1.denselayer12.conv.weight.shape == (12, 16 + 11 * 12, 3, 3)
    assert isinstance(basic.features.transition2, Transition)
    assert basic.features.transition2.conv.weight.shape == (304, 304, 1, 1)  # θ = 1: no compression
    assert not any(isinstance(m, torch.nn.MaxPool2d) for m in basic.modules())  # CIFAR stem: a 3×3 conv only


def test_dense_connectivity_by_hand():
    # Layer 2 sees [x, layer1(x)]; the block returns [x, h1, h2] concatenated.
    torch.manual_seed(1)
    block = DenseBlock(3, 2, growth_rate=2, bottleneck=False).eval()
    x = torch.randn(1, 3, 5, 5)
    with torch.no_grad():
        h1 = block.denselayer1(x)
        h2 = block.denselayer2(torch.cat([x, h1], 1))
        torch.testing.assert_close(block(x), torch.cat([x, h1, h2], 1))


def test_fx_traceable():
    model = built("densenet_bc_100_12")
    graph = torch.fx.symbolic_trace(model)
    targets = {n.target for n in graph.graph.nodes if n.op == "call_module"}
    assert "features.denseblock3.denselayer16.conv2" in targets and "classifier" in targets
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(graph(x), model(x))


def test_train_eval_and_determinism():
    x = torch.randn(2, 3, 32, 32)
    torch.manual_seed(3)
    a = cifar_densenet(depth=40, bottleneck=False, compression=1.0)
    torch.manual_seed(3)
    b = cifar_densenet(depth=40, bottleneck=False, compression=1.0)
    with torch.no_grad():
        torch.testing.assert_close(a(x), b(x))  # same seed, same weights: train mode (batch statistics)
        train_out = a(x)
        a.eval()
        assert not torch.allclose(a(x), train_out)  # eval uses running statistics


# --- torchvision weights --------------------------------------------------------------------------

def torchvision_keys(growth: int, init: int, blocks: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """torchvision's DenseNet state-dict keys and shapes, written from its naming rules."""
    keys: dict[str, tuple[int, ...]] = {}

    def bn(prefix: str, c: int) -> None:
        for p in ("weight", "bias", "running_mean", "running_var"):
            keys[f"{prefix}.{p}"] = (c,)
        keys[f"{prefix}.num_batches_tracked"] = ()

    keys["features.conv0.weight"] = (init, 3, 7, 7)
    bn("features.norm0", init)
    c = init
    for b, n in enumerate(blocks, start=1):
        for i in range(1, n + 1):
            p = f"features.denseblock{b}.denselayer{i}"
            bn(f"{p}.norm1", c)
            keys[f"{p}.conv1.weight"] = (4 * growth, c, 1, 1)
            bn(f"{p}.norm2", 4 * growth)
            keys[f"{p}.conv2.weight"] = (growth, 4 * growth, 3, 3)
            c += growth
        if b < len(blocks):
            bn(f"features.transition{b}.norm", c)
            keys[f"features.transition{b}.conv.weight"] = (c // 2, c, 1, 1)
            c //= 2
    bn("features.norm5", c)
    keys["classifier.weight"] = (1000, c)
    keys["classifier.bias"] = (1000,)
    return keys


TV = {  # torchvision name: (k, init, blocks, number of state-dict keys)
    "densenet121": (32, 64, (6, 12, 24, 16), 727),
    "densenet161": (48, 96, (6, 12, 36, 24), 967),
    "densenet169": (32, 64, (6, 12, 32, 32), 1015),
    "densenet201": (32, 64, (6, 12, 48, 32), 1207),
}


def random_state(keys: dict[str, tuple[int, ...]]) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return {
        k: torch.randint(0, 5, shape) if k.endswith("num_batches_tracked") else torch.rand(shape, generator=g)
        for k, shape in keys.items()
    }


@pytest.mark.parametrize("tv_name", list(TV))
def test_from_torchvision(tv_name):
    k, init, blocks, n_keys = TV[tv_name]
    keys = torchvision_keys(k, init, blocks)
    assert len(keys) == n_keys
    assert keys["features.denseblock1.denselayer1.conv1.weight"] == (4 * k, init, 1, 1)
    state = random_state(keys)
    model = models.from_torchvision(tv_name, state)
    own = model.state_dict()
    assert set(own) == set(state)
    for key, value in state.items():
        assert torch.equal(own[key], value), key


def test_from_torchvision_old_checkpoint_keys():
    # torchvision's original checkpoints say "denselayer1.norm.1.weight" where state_dict() now says "norm1".
    state = random_state(torchvision_keys(*TV["densenet121"][:3]))
    old = {k.replace(".norm1.", ".norm.1.").replace(".conv2.", ".conv.2."): v for k, v in state.items()}
    assert "features.denseblock1.denselayer1.norm.1.weight" in old
    model = models.from_torchvision("densenet121", old)
    torch.testing.assert_close(model.features.denseblock1.denselayer1.norm1.weight,
                               state["features.denseblock1.denselayer1.norm1.weight"])


def test_from_torchvision_rejects_mismatch():
    state = random_state(torchvision_keys(*TV["densenet121"][:3]))
    state["classifier.weight"] = torch.zeros(10, 1024)
    with pytest.raises(ValueError, match=r"wrong shape keys: classifier.weight: expected \(1000, 1024\)"):
        models.from_torchvision("densenet121", state)


# --- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(growth_rate=0), r"densenet: growth_rate must be a positive integer, got 0"),
        (dict(compression=0), r"densenet: compression must be a number in \(0, 1\], got 0"),
        (dict(compression=1.5), r"compression must be a number in \(0, 1\], got 1.5"),
        (dict(block_config=()), r"block_config must be a non-empty sequence .* got \(\)"),
        (dict(block_config=(6, 0)), r"block_config .* got \(6, 0\)"),
        (dict(bottleneck=1), r"bottleneck must be True or False, got 1"),
        (dict(num_classes=0), r"num_classes must be a positive integer, got 0"),
        (
            dict(growth_rate=1, compression=0.01, block_config=(2, 2)),
            r"leaves ⌊θ·4⌋ = 0 channels after dense block 1",
        ),
    ],
)
def test_builder_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        densenet(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(depth=41, bottleneck=False),
            r"cifar_densenet\(depth=41\): for a DenseNet without bottleneck the depth must be 3n\+4 "
            r".* e\.g\. 7, 10, 13, 16",
        ),
        (dict(depth=50, bottleneck=True), r"for DenseNet-BC \(bottleneck=True\) the depth must be 6n\+4"),
        (dict(depth=4), r"depth must be 6n\+4"),
    ],
)
def test_cifar_depth_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cifar_densenet(**kwargs)


def test_registered_name_rejects_fixed_kwargs():
    with pytest.raises(ValueError, match=r"densenet121: unknown keyword argument 'block_config'"):
        models.get("densenet121", block_config=(1, 1))


def test_wrong_channels_and_small_input():
    with pytest.raises(ValueError, match=r"densenet121: input has 1 channels"):
        built("densenet121")(torch.zeros(1, 1, 64, 64))
    with pytest.raises(
        ValueError,
        match=r"densenet_bc_100_12: input of spatial size 2x2 is too small: it shrinks to 1x1 before layer "
        r"'features.transition2.pool' \(AvgPool2d\).* smallest square input that works is 4x4",
    ):
        check_input_fits(built("densenet_bc_100_12"), (3, 2, 2))


# --- properties over valid configurations ---------------------------------------------------------

def expected_params(
    init: int, blocks, k: int, bottleneck: bool, theta: float, classes: int, stem: int
) -> int:
    """Parameters from the paper's description, counted by hand."""
    total = 3 * init * stem * stem + (2 * init if stem == 7 else 0)
    for block in dense_channels(init, blocks, k, theta):
        for c in block.layer_inputs:
            total += 2 * c + (c * 4 * k + 2 * 4 * k + 4 * k * k * 9 if bottleneck else c * k * 9)
        if block.transition_out is not None:
            total += 2 * block.out_channels + block.out_channels * block.transition_out
    final = dense_channels(init, blocks, k, theta)[-1].out_channels
    return total + 2 * final + final * classes + classes


@settings(max_examples=15, deadline=None)
@given(
    blocks=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
    k=st.integers(1, 6),
    bottleneck=st.booleans(),
    theta=st.sampled_from([0.5, 0.75, 1.0]),
    classes=st.integers(1, 7),
)
def test_property_densenet(blocks, k, bottleneck, theta, classes):
    model = densenet(block_config=blocks, growth_rate=k, bottleneck=bottleneck, compression=theta,
                     num_classes=classes).eval()
    assert n_params(model) == expected_params(2 * k, blocks, k, bottleneck, theta, classes, stem=7)
    with torch.no_grad():
        assert model(torch.randn(1, 3, 32, 32)).shape == (1, classes)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 3), k=st.integers(1, 6), bottleneck=st.booleans(), theta=st.sampled_from([0.5, 1.0]))
def test_property_cifar_densenet(n, k, bottleneck, theta):
    depth = (6 if bottleneck else 3) * n + 4
    model = cifar_densenet(depth=depth, growth_rate=k, bottleneck=bottleneck, compression=theta).eval()
    init = 2 * k if bottleneck else 16
    assert n_params(model) == expected_params(init, (n, n, n), k, bottleneck, theta, 10, stem=3)
    assert [len(b.layer_inputs) for b in model.channels] == [n, n, n]
    with torch.no_grad():
        assert model(torch.randn(1, 3, 8, 8)).shape == (1, 10)
