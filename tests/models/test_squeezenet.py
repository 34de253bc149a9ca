"""SqueezeNet (Iandola et al. 2016): Table 1 shapes and parameters, Fire, bypass, torchvision weights."""

from __future__ import annotations

import functools

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import models
from cnnviz.analysis.resolve import check_input_fits
from cnnviz.models.squeezenet import CONFIGS, BypassFire, Fire, FireSpec, squeezenet
from tests.models.helpers import n_params

PARAMS = {
    "squeezenet1_0": 1_248_424,  # torchvision 1,248,424; paper Table 1 sums to 1,248,424
    "squeezenet1_1": 1_235_496,  # torchvision 1,235,496 (not in the paper)
    "squeezenet1_0_bypass": 1_248_424,  # simple bypass adds no parameters
}


@functools.cache
def built(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return models.get(name).eval()



def fire_params(c_in: int, s: int, e1: int, e3: int) -> int:
    return c_in * s + s + s * e1 + e1 + s * 9 * e3 + e3


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count_and_output(name):
    model = built(name)
    assert n_params(model) == PARAMS[name]
    with torch.no_grad():
        assert model(torch.randn(1, 3, 224, 224)).shape == (1, 1000)
    info = models.info(name)
    assert (info.family, info.input_size, info.paper.arxiv) == ("SqueezeNet", (3, 224, 224), "1602.07360")
    assert info.paper.bibkey == "iandola2016squeezenet" and model.model_name == name


def test_reported_errors():
    assert models.info("squeezenet1_0").reported_error == pytest.approx(0.197)  # 80.3% top-5
    assert models.info("squeezenet1_0_bypass").reported_error == pytest.approx(0.175)  # 82.5% top-5


def test_table1_parameters_per_layer():
    # The paper's Table 1, "# parameter before pruning" column.
    model = built("squeezenet1_0")
    per_layer = {f"features.{i}": n_params(model.features[i]) for i in (0, 3, 4, 5, 7, 8, 9, 10, 12)}
    assert per_layer == {
        "features.0": 14_208,  # conv1
        "features.3": 11_920,  # fire2
        "features.4": 12_432,  # fire3
        "features.5": 45_344,  # fire4
        "features.7": 49_440,  # fire5
        "features.8": 104_880,  # fire6
        "features.9": 111_024,  # fire7
        "features.10": 188_992,  # fire8
        "features.12": 197_184,  # fire9
    }
    assert n_params(model.classifier) == 513_000  # conv10
    assert per_layer["features.3"] == fire_params(96, 16, 64, 64)


def test_table1_shapes_at_227():
    # Table 1's output sizes come from the Caffe model's 227×227 input.
    model = built("squeezenet1_0")
    x = torch.randn(1, 3, 227, 227)
    shapes = []
    with torch.no_grad():
        for layer in model.features:
            x = layer(x)
            shapes.append(tuple(x.shape[1:]))
        conv10 = model.classifier[1](x)
    assert shapes == [
        (96, 111, 111), (96, 111, 111), (96, 55, 55),  # conv1, relu, maxpool1
        (128, 55, 55), (128, 55, 55), (256, 55, 55), (256, 27, 27),  # fire2-4, maxpool4
        (256, 27, 27), (384, 27, 27), (384, 27, 27), (512, 27, 27), (512, 13, 13),  # fire5-8, maxpool8
        (512, 13, 13),  # fire9
    ]
    assert conv10.shape == (1, 1000, 13, 13)


def test_fire_specs_are_table1_data():
    specs = built("squeezenet1_0").fire_specs
    assert [(s.name, s.s1x1, s.e1x1, s.e3x3) for s in specs][:3] == [
        ("fire2", 16, 64, 64), ("fire3", 16, 64, 64), ("fire4", 32, 128, 128)
    ]
    assert [s.out_channels for s in specs] == [128, 128, 256, 256, 384, 384, 512, 512]
    assert CONFIGS["1_1"]["conv1"] == (64, 3)


def test_fire_forward_by_hand():
    torch.manual_seed(0)
    fire = Fire(5, 2, 3, 4)
    x = torch.randn(1, 5, 6, 6)
    s = F.relu(F.conv2d(x, fire.squeeze.weight, fire.squeeze.bias))
    expected = torch.cat(
        [F.relu(F.conv2d(s, fire.expand1x1.weight, fire.expand1x1.bias)),
         F.relu(F.conv2d(s, fire.expand3x3.weight, fire.expand3x3.bias, padding=1))], 1
    )
    torch.testing.assert_close(fire(x), expected)


def test_simple_bypass():
    plain, bypass = built("squeezenet1_0"), built("squeezenet1_0_bypass")
    bypassed = [i for i, m in enumerate(bypass.features) if isinstance(m, BypassFire)]
    assert bypassed == [4, 7, 9, 12]  # fire3, fire5, fire7, fire9
    assert not any(isinstance(m, BypassFire) for m in plain.modules())
    bypass = squeezenet(bypass=True).eval()
    bypass.load_state_dict(plain.state_dict())  # same modules, same names
    x = torch.randn(1, 128, 9, 9)
    with torch.no_grad():
        torch.testing.assert_close(bypass.features[4](x), plain.features[4](x) + x)
        torch.testing.assert_close(bypass.features[3](x[:, :96]), plain.features[3](x[:, :96]))
    with pytest.raises(ValueError, match=r"BypassFire: an identity bypass needs in_channels == e1x1 \+ e3x3"):
        BypassFire(96, 16, 64, 64)


def test_no_fully_connected_layer():
    assert not any(isinstance(m, torch.nn.Linear) for m in built("squeezenet1_1").modules())


@pytest.mark.parametrize("name", list(PARAMS))
def test_fx_traceable(name):
    model = built(name)
    graph = torch.fx.symbolic_trace(model)
    targets = {n.target for n in graph.graph.nodes if n.op == "call_module"}
    assert {"features.3.squeeze", "features.12.expand3x3", "classifier.1"} <= targets
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(graph(x), model(x))


def test_dropout_train_eval_and_determinism():
    model = squeezenet(version="1_1")
    x = torch.randn(2, 3, 64, 64)
    torch.manual_seed(1)
    a = model.train()(x)
    torch.manual_seed(1)
    b = model(x)
    torch.testing.assert_close(a, b)
    with torch.no_grad():
        model.eval()
        assert not torch.allclose(model(x), a)
        torch.testing.assert_close(model(x), model(x))


# --- torchvision weights --------------------------------------------------------------------------

def torchvision_keys(version: str) -> dict[str, tuple[int, ...]]:
    """torchvision's SqueezeNet state-dict keys and shapes, from its module layout."""
    conv1, kernel = (96, 7) if version == "1_0" else (64, 3)
    fires = {  # features index: (in, s, e1, e3)
        "1_0": {3: (96, 16, 64, 64), 4: (128, 16, 64, 64), 5: (128, 32, 128, 128), 7: (256, 32, 128, 128),
                8: (256, 48, 192, 192), 9: (384, 48, 192, 192), 10: (384, 64, 256, 256),
                12: (512, 64, 256, 256)},
        "1_1": {3: (64, 16, 64, 64), 4: (128, 16, 64, 64), 6: (128, 32, 128, 128), 7: (256, 32, 128, 128),
                9: (256, 48, 192, 192), 10: (384, 48, 192, 192), 11: (384, 64, 256, 256),
                12: (512, 64, 256, 256)},
    }[version]
    keys = {"features.0.weight": (conv1, 3, kernel, kernel), "features.0.bias": (conv1,)}
    for i, (c, s, e1, e3) in fires.items():
        keys |= {
            f"features.{i}.squeeze.weight": (s, c, 1, 1), f"features.{i}.squeeze.bias": (s,),
            f"features.{i}.expand1x1.weight": (e1, s, 1, 1), f"features.{i}.expand1x1.bias": (e1,),
            f"features.{i}.expand3x3.weight": (e3, s, 3, 3), f"features.{i}.expand3x3.bias": (e3,),
        }
    keys |= {"classifier.1.weight": (1000, 512, 1, 1), "classifier.1.bias": (1000,)}
    return keys


@pytest.mark.parametrize("version", ["1_0", "1_1"])
def test_from_torchvision(version):
    keys = torchvision_keys(version)
    assert len(keys) == 52
    g = torch.Generator().manual_seed(0)
    state = {k: torch.randn(shape, generator=g) for k, shape in keys.items()}
    model = models.from_torchvision(f"squeezenet{version}", state).eval()
    own = model.state_dict()
    assert set(own) == set(state) and all(torch.equal(own[k], v) for k, v in state.items())
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        conv1 = F.relu(F.conv2d(x, state["features.0.weight"], state["features.0.bias"], stride=2))
        torch.testing.assert_close(model.features[1](model.features[0](x)), conv1)


# --- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(version="2_0"), r"squeezenet: version must be one of '1_0', '1_1', got '2_0'"),
        (dict(bypass="yes"), r"squeezenet1_0_bypass: bypass must be True or False, got 'yes'"),
        (dict(num_classes=-1), r"squeezenet1_0: num_classes must be a positive integer, got -1"),
        (dict(dropout=1.5), r"squeezenet1_0: dropout must be a number in \[0, 1\], got 1.5"),
    ],
)
def test_builder_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        squeezenet(**kwargs)


def test_input_errors():
    model = built("squeezenet1_0")
    with pytest.raises(ValueError, match=r"squeezenet1_0: input has 1 channels"):
        model(torch.zeros(1, 1, 224, 224))
    with pytest.raises(
        ValueError,
        match=r"squeezenet1_0: input of spatial size 16x16 is too small: it shrinks to 1x1 before layer "
        r"'features.11' \(MaxPool2d\).* smallest square input that works is 21x21",
    ):
        check_input_fits(model, (3, 16, 16))


# --- properties -----------------------------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(c_in=st.integers(1, 8), s=st.integers(1, 4), e1=st.integers(1, 6), e3=st.integers(1, 6),
       hw=st.integers(1, 7))
def test_property_fire(c_in, s, e1, e3, hw):
    fire = Fire(c_in, s, e1, e3)
    assert n_params(fire) == fire_params(c_in, s, e1, e3)
    assert fire(torch.randn(1, c_in, hw, hw)).shape == (1, e1 + e3, hw, hw)
    spec = FireSpec("fire", s, e1, e3)
    assert spec.out_channels == e1 + e3


@settings(max_examples=15, deadline=None)
@given(version=st.sampled_from(["1_0", "1_1"]), bypass=st.booleans(), classes=st.integers(1, 20),
       in_channels=st.integers(1, 4))
def test_property_squeezenet(version, bypass, classes, in_channels):
    model = squeezenet(version=version, bypass=bypass, num_classes=classes, in_channels=in_channels).eval()
    base = PARAMS[f"squeezenet{version}"]
    conv1 = CONFIGS[version]["conv1"]
    expected = base - 513_000 + 512 * classes + classes - (3 - in_channels) * conv1[0] * conv1[1] ** 2
    assert n_params(model) == expected
    with torch.no_grad():
        assert model(torch.randn(1, in_channels, 48, 48)).shape == (1, classes)


# --- the paper's design space (Section 5) -----------------------------------------------------------

from cnnviz.models.squeezenet import SQUEEZENET_DESIGN, DesignSpace, design_fire_specs  # noqa: E402


@pytest.mark.parametrize("version", ["1_0", "1_1"])
def test_design_space_at_the_papers_point_is_table1(version):
    table1 = tuple(layer for layer in CONFIGS[version]["layers"] if isinstance(layer, FireSpec))
    assert design_fire_specs(SQUEEZENET_DESIGN) == table1
    assert (SQUEEZENET_DESIGN.squeeze_ratio, SQUEEZENET_DESIGN.pct3x3) == (0.125, 0.5)


def test_design_space_by_hand():
    # SR = 0.5, pct3x3 = 0.25: e_i = 128 + 128·⌊i/2⌋; s = e/2; e3x3 = e/4
    specs = design_fire_specs(DesignSpace(squeeze_ratio=0.5, pct3x3=0.25))
    assert [(s.s1x1, s.e1x1, s.e3x3) for s in specs[::2]] == [(64, 96, 32), (128, 192, 64), (192, 288, 96),
                                                              (256, 384, 128)]
    # the paper's 1% of 128 filters rounds to 1; 99% keeps one 1×1 filter
    assert design_fire_specs(DesignSpace(pct3x3=0.01))[0].e3x3 == 1
    assert design_fire_specs(DesignSpace(pct3x3=0.99))[0].e1x1 == 1


def test_design_space_builds_the_network():
    model = squeezenet(squeeze_ratio=0.25, pct3x3=0.75, bypass=True)
    fires = [m for m in model.features if isinstance(m, Fire)]
    assert [f.squeeze.out_channels for f in fires] == [32, 32, 64, 64, 96, 96, 128, 128]
    assert [f.expand3x3.out_channels for f in fires][:2] == [96, 96]
    assert sum(isinstance(m, BypassFire) for m in fires) == 4
    assert n_params(models.get("squeezenet1_1", squeeze_ratio=0.125, pct3x3=0.5)) == PARAMS["squeezenet1_1"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(squeeze_ratio=0), r"squeezenet design space: squeeze_ratio must be a number in \(0, 1\], got 0"),
        (dict(squeeze_ratio=1.5), r"squeeze_ratio must be a number in \(0, 1\], got 1.5"),
        (dict(pct3x3=1.0), r"pct3x3 must be a number in \(0, 1\), got 1.0"),
    ],
)
def test_design_space_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        squeezenet(**kwargs)
