"""VGG (Simonyan & Zisserman 2014): Table 1's configurations A, A-LRN, B, C, D, E."""

from __future__ import annotations

import pytest
import torch
import torch.fx
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnviz import models
from cnnviz.analysis.resolve import check_input_fits
from cnnviz.models import vgg as vgg_module
from tests.models.helpers import n_params

# Parameter counts: torchvision's vgg11/13/16/19 have exactly these; the paper's Table 2 rounds them
# to 133 (A, A-LRN), 133 (B), 134 (C), 138 (D) and 144 (E) million.
PARAMS = {
    "vgg11": 132_863_336,
    "vgg11_lrn": 132_863_336,
    "vgg13": 133_047_848,
    "vgg16_c": 133_638_952,
    "vgg16": 138_357_544,
    "vgg19": 143_667_240,
}


@pytest.fixture(scope="module")
def structure() -> dict[str, nn.Module]:
    """Each registered VGG built on the meta device: real modules and shapes, no memory, no init cost."""
    with torch.device("meta"):
        return {name: models.get(name) for name in PARAMS}


@pytest.fixture(scope="module")
def built() -> dict[str, nn.Module]:
    """The networks the forward tests run, built once for the whole file (130M+ parameters each)."""
    torch.manual_seed(0)
    return {name: models.get(name).eval() for name in ("vgg11", "vgg16")}


def test_registered_names():
    assert models.names(family="VGG") == list(PARAMS)
    assert {n: models.info(n).kwargs["config"] for n in PARAMS} == {
        "vgg11": "A",
        "vgg11_lrn": "A-LRN",
        "vgg13": "B",
        "vgg16_c": "C",
        "vgg16": "D",
        "vgg19": "E",
    }


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count(name, structure):
    assert n_params(structure[name]) == PARAMS[name]


def test_table_1_as_data():
    configs = vgg_module.CONFIGS
    assert {c: vgg_module.weight_layers(c) for c in configs} == {
        "A": 11,
        "A-LRN": 11,
        "B": 13,
        "C": 16,
        "D": 16,
        "E": 19,
    }
    assert all(cfg.count("maxpool") == 5 and cfg[-1] == "maxpool" for cfg in configs.values())
    assert configs["D"][:3] == ("conv3-64", "conv3-64", "maxpool")
    assert configs["C"][6:9] == ("conv3-256", "conv3-256", "conv1-256")
    assert configs["A-LRN"][:3] == ("conv3-64", "LRN", "maxpool")
    assert vgg_module.parse_conv("conv1-512") == (1, 512)
    assert vgg_module.FC_LAYERS == ("FC-4096", "FC-4096", "FC-1000")


def test_config_c_has_1x1_convolutions(structure):
    kernels = [m.kernel_size[0] for m in structure["vgg16_c"].features if isinstance(m, nn.Conv2d)]
    assert kernels == [3] * 6 + [1] + [3, 3, 1, 3, 3, 1]


def test_a_lrn_uses_krizhevskys_lrn(structure):
    lrn = structure["vgg11_lrn"].features[2]
    assert isinstance(lrn, nn.LocalResponseNorm)
    assert (lrn.size, lrn.alpha, lrn.beta, lrn.k) == (5, pytest.approx(5e-4), 0.75, 2.0)
    assert not any(isinstance(m, nn.LocalResponseNorm) for m in structure["vgg11"].modules())


def test_vgg16_shapes_at_224(built):
    model = built["vgg16"]
    x = torch.randn(1, 3, 224, 224)
    after_pool = []
    with torch.no_grad():
        h = x
        for layer in model.features:
            h = layer(h)
            if isinstance(layer, nn.MaxPool2d):
                after_pool.append(tuple(h.shape[1:]))
        pooled = model.avgpool(h)
        out = model.classifier(model.flatten(pooled))
    assert after_pool == [(64, 112, 112), (128, 56, 56), (256, 28, 28), (512, 14, 14), (512, 7, 7)]
    assert torch.equal(pooled, h)  # torchvision's AdaptiveAvgPool2d((7, 7)) is the identity at 224
    assert out.shape == (1, 1000)


def test_output_shape_on_nominal_input(built):
    with torch.no_grad():
        out = built["vgg11"](torch.randn(1, 3, 224, 224))
    assert out.shape == (1, 1000) and torch.isfinite(out).all()


def test_initialisation(built):
    model = built["vgg11"]
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    assert all(m.bias.abs().max().item() == 0.0 for m in layers)
    assert abs(model.classifier[0].weight.std().item() - 0.01) < 1e-4


def test_dropout_train_eval(built):
    classifier = built["vgg11"].classifier
    x = torch.rand(2, 25088)
    assert [type(m).__name__ for m in classifier] == [
        "Linear",
        "ReLU",
        "Dropout",
        "Linear",
        "ReLU",
        "Dropout",
        "Linear",
    ]
    try:
        classifier.train()
        torch.manual_seed(1)
        a = classifier(x)
        torch.manual_seed(1)
        b = classifier(x)
        torch.manual_seed(2)
        c = classifier(x)
    finally:
        classifier.eval()
    assert torch.equal(a, b) and not torch.equal(a, c)
    with torch.no_grad():
        assert torch.equal(classifier(x), classifier(x))


def test_construction_is_deterministic_under_manual_seed():
    torch.manual_seed(3)
    first = vgg_module.make_features("A", 3).state_dict()
    torch.manual_seed(3)
    second = vgg_module.make_features("A", 3).state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_fx_traceable(built):
    model = built["vgg11"]
    graph = torch.fx.symbolic_trace(model)
    assert {"features.0", "avgpool", "classifier.6"} <= {n.target for n in graph.graph.nodes}
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(graph(x), model(x))


def test_too_small_input_is_diagnosed(built):
    with pytest.raises(ValueError, match=r"vgg11: input of spatial size 16x16 is too small.*32x32"):
        check_input_fits(built["vgg11"], (3, 16, 16))


def test_wrong_channels(built):
    with pytest.raises(ValueError, match=r"vgg16: input has 1 channels"):
        built["vgg16"](torch.zeros(1, 1, 32, 32))


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("vgg16", {"config": "E"}, r"vgg16: unknown keyword argument 'config'"),
        ("vgg16", {"dropout": 2}, r"vgg16: dropout must be a number in \[0, 1\], got 2"),
        ("vgg19", {"num_classes": -1}, r"vgg19: num_classes must be a positive integer, got -1"),
    ],
)
def test_bad_arguments(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.get(name, **kwargs)


def test_unknown_config():
    message = r"vgg: config 'F' is not in Table 1; valid configs: A, A-LRN, B, C, D, E"
    with pytest.raises(ValueError, match=message):
        vgg_module.vgg(config="F")


def test_metadata():
    for name in PARAMS:
        info = models.info(name)
        assert info.paper.arxiv == "1409.1556" and info.paper.bibkey == "simonyan2015very"
        assert info.input_size == (3, 224, 224)
    assert models.info("vgg16").description == "VGG configuration D of Table 1 (16 weight layers)"


def test_each_config_carries_an_error_of_its_own():
    """The 7.3% of the ILSVRC-2014 submission belongs to the configurations in that ensemble (C, D, E:
    Table 6); A, A-LRN and B carry their own single-scale figure of Table 3, labelled as such."""
    submission = set(vgg_module.SUBMISSION_CONFIGS)
    assert submission == {"C", "D", "E"} and len(vgg_module.SUBMISSION_CONFIGS) == 7
    for name, config in vgg_module.NAMES.items():
        info = models.info(name)
        if config in submission:
            assert info.reported_error == vgg_module.SUBMISSION_TOP5_TEST / 100
            assert "7-net submission" in info.error_metric and "test" in info.error_metric
        else:
            top1, top5 = vgg_module.SINGLE_SCALE_ERRORS[(config, "256", "256")]
            assert info.reported_error == top5 / 100 and info.reported_error != 0.073
            assert "Table 3" in info.error_metric and "submission" not in info.error_metric
    with pytest.raises(
        ValueError, match=r"vgg.reported: config 'F' is not in Table 1; valid configs: A, A-LRN"
    ):
        vgg_module.reported("F")


def test_the_paper_tables_as_data():
    """Table 3 tests every column at S = Q = 256; Table 4 leaves out A and A-LRN; a top-1 error is always
    above its top-5, and every key names a configuration of Table 1."""
    single, multi = vgg_module.SINGLE_SCALE_ERRORS, vgg_module.MULTI_SCALE_ERRORS
    assert {c for c, s, q in single if s == q == "256"} == set(vgg_module.CONFIGS)
    assert {c for c, _, _ in multi} == {"B", "C", "D", "E"}
    for table in (single, multi):
        assert all(
            config in vgg_module.CONFIGS and top1 > top5 for (config, _, _), (top1, top5) in table.items()
        )
    # the best single networks: D and E at the jittered scale, tested at three scales (Table 4, in bold)
    best = min(multi.values())
    assert [k[0] for k, v in multi.items() if v == best] == ["D", "E"]


# --- torchvision weights -------------------------------------------------------------------------------

# Positions of the convolutions in torchvision's ``features`` (conv, ReLU pairs and max pools).
TORCHVISION_CONVS = {
    "vgg11": [0, 3, 6, 8, 11, 13, 16, 18],
    "vgg13": [0, 2, 5, 7, 10, 12, 15, 17, 20, 22],
    "vgg16": [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28],
    "vgg19": [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34],
}
TORCHVISION_WIDTHS = {
    "vgg11": [64, 128, 256, 256, 512, 512, 512, 512],
    "vgg13": [64, 64, 128, 128, 256, 256, 512, 512, 512, 512],
    "vgg16": [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512],
    "vgg19": [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512],
}
TORCHVISION_KEY_COUNTS = {"vgg11": 22, "vgg13": 26, "vgg16": 32, "vgg19": 38}


def torchvision_shapes(name: str) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    c_in = 3
    for index, c_out in zip(TORCHVISION_CONVS[name], TORCHVISION_WIDTHS[name], strict=True):
        shapes[f"features.{index}.weight"] = (c_out, c_in, 3, 3)
        shapes[f"features.{index}.bias"] = (c_out,)
        c_in = c_out
    for index, (i, o) in zip((0, 3, 6), ((25088, 4096), (4096, 4096), (4096, 1000)), strict=True):
        shapes[f"classifier.{index}.weight"] = (o, i)
        shapes[f"classifier.{index}.bias"] = (o,)
    return shapes


@pytest.mark.parametrize("name", list(TORCHVISION_CONVS))
def test_torchvision_key_names_and_shapes(name, structure):
    shapes = torchvision_shapes(name)
    assert len(shapes) == TORCHVISION_KEY_COUNTS[name]
    assert shapes["features.0.weight"] == (64, 3, 3, 3) and shapes["classifier.0.weight"] == (4096, 25088)
    assert {k: tuple(v.shape) for k, v in structure[name].state_dict().items()} == shapes


def test_from_torchvision_vgg16_puts_each_tensor_in_place():
    # Zeros are cheap for 138M values; a non-zero marker shows a tensor lands where torchvision has it.
    sd = {k: torch.zeros(shape) for k, shape in torchvision_shapes("vgg16").items()}
    sd["features.28.bias"] = torch.arange(512, dtype=torch.float32)
    model = models.from_torchvision("vgg16", sd)
    own = model.state_dict()
    assert own.keys() == sd.keys()
    assert torch.equal(model.features[28].bias, sd["features.28.bias"])
    assert all(not own[k].any() for k in own if k != "features.28.bias")


def test_from_torchvision_vgg11_computes_torchvisions_function():
    gen = torch.Generator().manual_seed(0)
    shapes = torchvision_shapes("vgg11")
    assert len(shapes) == 22
    # fan-in scaled values keep activations O(1) through the 11 layers
    sd = {k: torch.randn(s, generator=gen) / (s[1] if len(s) > 1 else 10) for k, s in shapes.items()}
    model = models.from_torchvision("vgg11", sd).eval()
    assert all(torch.equal(v, sd[k]) for k, v in model.state_dict().items())

    x = torch.randn(1, 3, 32, 32, generator=gen)
    h = x
    pools_after = {0, 3, 8, 13, 18}  # a max pool follows these convolutions
    for index in TORCHVISION_CONVS["vgg11"]:
        h = F.relu(F.conv2d(h, sd[f"features.{index}.weight"], sd[f"features.{index}.bias"], padding=1))
        if index in pools_after:
            h = F.max_pool2d(h, 2, 2)
    h = F.adaptive_avg_pool2d(h, (7, 7)).flatten(1)  # 1x1 -> 7x7 at a 32x32 input
    h = F.relu(F.linear(h, sd["classifier.0.weight"], sd["classifier.0.bias"]))
    h = F.relu(F.linear(h, sd["classifier.3.weight"], sd["classifier.3.bias"]))
    expected = F.linear(h, sd["classifier.6.weight"], sd["classifier.6.bias"])
    with torch.no_grad():
        torch.testing.assert_close(model(x), expected)


def test_only_torchvisions_configs_are_mapped():
    assert set(vgg_module.TORCHVISION_NAMES) <= set(models.torchvision_names())
    assert "vgg16_c" not in models.torchvision_names()


# --- properties ----------------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None)
@given(
    config=st.sampled_from(list(vgg_module.CONFIGS)),
    in_channels=st.integers(1, 4),
    size=st.integers(32, 80),
)
def test_property_features_of_any_config(config, in_channels, size):
    # The convolutional part (cheap to build) of every Table 1 column: 5 halvings, 512 maps.
    features = vgg_module.make_features(config, in_channels)
    expected = 0
    c_in = in_channels
    for layer in vgg_module.CONFIGS[config]:
        if layer.startswith("conv"):
            k, c_out = vgg_module.parse_conv(layer)
            expected += c_in * c_out * k * k + c_out
            c_in = c_out
    assert n_params(features) == expected
    with torch.no_grad():
        out = features(torch.randn(1, in_channels, size, size))
    assert out.shape == (1, 512, size // 32, size // 32)


@settings(max_examples=2, deadline=None)
@given(config=st.sampled_from(list(vgg_module.CONFIGS)), num_classes=st.integers(1, 50))
def test_property_whole_network(config, num_classes):
    model = vgg_module.vgg(config=config, num_classes=num_classes).eval()
    features = n_params(model.features)
    classifier = 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * num_classes + num_classes
    assert n_params(model) == features + classifier
    with torch.no_grad():
        assert model(torch.randn(1, 3, 40, 40)).shape == (1, num_classes)
