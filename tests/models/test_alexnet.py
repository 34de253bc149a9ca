"""AlexNet (2012 paper) and torchvision's single-tower AlexNet ("one weird trick")."""

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
from cnnviz.models import alexnet as alexnet_module
from tests.models.helpers import n_params, output_shapes


@pytest.fixture(scope="module")
def paper_net() -> nn.Module:
    torch.manual_seed(0)
    return models.get("alexnet").eval()


@pytest.fixture(scope="module")
def owt_net() -> nn.Module:
    torch.manual_seed(0)
    return models.get("alexnet_owt").eval()


@pytest.fixture(scope="module")
def paper_input() -> torch.Tensor:
    return torch.randn(1, 3, 227, 227, generator=torch.Generator().manual_seed(1))


# --- parameter counts ----------------------------------------------------------------------------------


def test_paper_parameter_count(paper_net):
    # Paper: "60 million parameters". torchvision's alexnet (a different network): 61,100,840.
    assert n_params(paper_net) == 60_965_224


def test_two_tower_split_saves_the_dense_weights():
    # The dense single tower would have 62,378,344: conv2, conv4, conv5 see twice the input maps.
    dense = alexnet_module.AlexNet(towers=1)
    assert n_params(dense) == 62_378_344
    assert 62_378_344 - 60_965_224 == (96 * 256 * 25 + 384 * 384 * 9 + 384 * 256 * 9) // 2


def test_owt_parameter_count_equals_torchvision(owt_net):
    # torchvision.models.alexnet(): 61,100,840.
    assert n_params(owt_net) == 61_100_840


def test_grouped_convolutions_where_the_paper_splits(paper_net):
    convs = {name: m for name, m in paper_net.features.named_children() if isinstance(m, nn.Conv2d)}
    assert {name: m.groups for name, m in convs.items()} == {
        "conv1": 1, "conv2": 2, "conv3": 1, "conv4": 2, "conv5": 2,
    }
    assert tuple(convs["conv2"].weight.shape) == (256, 48, 5, 5)
    assert tuple(convs["conv3"].weight.shape) == (384, 256, 3, 3)
    assert tuple(convs["conv5"].weight.shape) == (256, 192, 3, 3)


def test_each_tower_of_conv2_sees_only_its_own_maps(paper_net):
    conv2 = paper_net.features.conv2
    x = torch.randn(1, 96, 27, 27)
    y = x.clone()
    y[:, 48:] += torch.randn(1, 48, 27, 27)  # change only tower 2's conv1 maps
    with torch.no_grad():
        a, b = conv2(x), conv2(y)
    assert torch.equal(a[:, :128], b[:, :128])  # tower 1 unaffected
    assert not torch.allclose(a[:, 128:], b[:, 128:])


# --- shapes --------------------------------------------------------------------------------------------


def test_paper_intermediate_shapes(paper_net, paper_input):
    names = ["features.conv1", "features.pool1", "features.conv2", "features.pool2", "features.conv3",
             "features.conv4", "features.conv5", "features.pool5", "classifier.fc6", "classifier.fc8"]
    assert output_shapes(paper_net, paper_input, names) == {
        "features.conv1": (96, 55, 55),
        "features.pool1": (96, 27, 27),
        "features.conv2": (256, 27, 27),
        "features.pool2": (256, 13, 13),
        "features.conv3": (384, 13, 13),
        "features.conv4": (384, 13, 13),
        "features.conv5": (256, 13, 13),
        "features.pool5": (256, 6, 6),
        "classifier.fc6": (4096,),
        "classifier.fc8": (1000,),
    }


def test_paper_layer_order_puts_lrn_before_pooling(paper_net):
    order = list(dict(paper_net.features.named_children()))
    assert order[:8] == ["conv1", "relu1", "norm1", "pool1", "conv2", "relu2", "norm2", "pool2"]
    assert [type(m).__name__ for m in paper_net.classifier] == [
        "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear",
    ]


def test_owt_output_and_intermediate_shapes(owt_net):
    x = torch.randn(1, 3, 224, 224)
    shapes = output_shapes(owt_net, x, ["features.0", "features.2", "features.5", "features.12", "avgpool"])
    assert shapes == {
        "features.0": (64, 55, 55),
        "features.2": (64, 27, 27),
        "features.5": (192, 13, 13),
        "features.12": (256, 6, 6),
        "avgpool": (256, 6, 6),
    }
    assert [type(m).__name__ for m in owt_net.classifier] == [
        "Dropout", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Linear",
    ]
    assert not any(isinstance(m, nn.LocalResponseNorm) for m in owt_net.modules())


# --- LRN and initialisation as in the paper ------------------------------------------------------------


def test_lrn_uses_the_papers_formula(paper_net):
    a = 20 * torch.randn(1, 96, 2, 3)
    k, n, alpha, beta = 2.0, 5, 1e-4, 0.75
    expected = torch.empty_like(a)
    for i in range(96):  # b_i = a_i / (k + α Σ_{j=max(0,i-n/2)}^{min(N-1,i+n/2)} a_j²)^β
        window = a[:, max(0, i - n // 2) : min(95, i + n // 2) + 1]
        expected[:, i] = a[:, i] / (k + alpha * (window**2).sum(dim=1)) ** beta
    torch.testing.assert_close(paper_net.features.norm1(a), expected)
    assert isinstance(paper_net.features.norm2, nn.LocalResponseNorm)


def test_paper_initialisation(paper_net):
    biases = {
        name: float(m.bias.unique().item())
        for name, m in [*paper_net.features.named_children(), *paper_net.classifier.named_children()]
        if isinstance(m, nn.Conv2d | nn.Linear)
    }
    assert biases == {"conv1": 0.0, "conv2": 1.0, "conv3": 0.0, "conv4": 1.0, "conv5": 1.0,
                      "fc6": 1.0, "fc7": 1.0, "fc8": 0.0}
    fc6 = paper_net.classifier.fc6.weight
    assert abs(fc6.std().item() - 0.01) < 1e-4 and abs(fc6.mean().item()) < 1e-4


# --- behaviour -----------------------------------------------------------------------------------------


def test_output_shape_and_eval_is_deterministic(paper_net, paper_input):
    with torch.no_grad():
        first, second = paper_net(paper_input), paper_net(paper_input)
    assert first.shape == (1, 1000)
    assert torch.equal(first, second)


def test_dropout_acts_in_training_mode_only(paper_net):
    features = torch.rand(2, 9216)
    classifier = paper_net.classifier
    try:
        classifier.train()
        torch.manual_seed(3)
        a = classifier(features)
        torch.manual_seed(3)
        b = classifier(features)
        torch.manual_seed(4)
        c = classifier(features)
    finally:
        classifier.eval()
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    with torch.no_grad():
        assert torch.equal(classifier(features), classifier(features))


def test_construction_is_deterministic_under_manual_seed():
    torch.manual_seed(7)
    first = alexnet_module.AlexNetOWT(num_classes=10).state_dict()
    torch.manual_seed(7)
    second = alexnet_module.AlexNetOWT(num_classes=10).state_dict()
    assert first.keys() == second.keys()
    assert all(torch.equal(first[k], second[k]) for k in first)


@pytest.mark.parametrize("name", ["alexnet", "alexnet_owt"])
def test_fx_traceable(name, paper_net, owt_net, paper_input):
    model = paper_net if name == "alexnet" else owt_net
    x = paper_input if name == "alexnet" else torch.randn(1, 3, 224, 224)
    graph = torch.fx.symbolic_trace(model)
    targets = {node.target for node in graph.graph.nodes if node.op == "call_module"}
    assert ("features.norm1" in targets) if name == "alexnet" else ("features.0" in targets)
    with torch.no_grad():
        torch.testing.assert_close(graph(x), model(x))


# --- errors --------------------------------------------------------------------------------------------


def test_paper_net_rejects_other_sizes(paper_net):
    with pytest.raises(ValueError, match=r"alexnet: the paper's network takes 227x227 images .* got 224x224"):
        paper_net(torch.zeros(1, 3, 224, 224))


def test_wrong_channel_count(paper_net):
    with pytest.raises(ValueError, match=r"alexnet: input has 1 channels.*in_channels=3"):
        paper_net(torch.zeros(1, 1, 227, 227))


def test_too_small_input_is_diagnosed(owt_net):
    with pytest.raises(ValueError, match=r"alexnet_owt: input of spatial size 32x32 is too small.*63x63"):
        check_input_fits(owt_net, (3, 32, 32))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"towers": 3}, r"alexnet: towers=3 does not divide .* valid towers: 1, 2, 4, 8, 16, 32"),
        ({"towers": 0}, r"alexnet: towers must be a positive integer, got 0"),
        ({"dropout": 1.5}, r"alexnet: dropout must be a number in \[0, 1\], got 1.5"),
        ({"num_classes": 0}, r"alexnet: num_classes must be a positive integer, got 0"),
        ({"groups": 2}, r"alexnet: unknown keyword argument 'groups'; valid keyword arguments: "
                        r"num_classes, in_channels, towers, dropout"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.get("alexnet", **kwargs)


# --- metadata ------------------------------------------------------------------------------------------


def test_metadata():
    paper = models.info("alexnet")
    assert paper.paper.bibkey == "krizhevsky2012imagenet" and paper.paper.arxiv is None
    assert paper.paper.year == 2012 and paper.input_size == (3, 227, 227)
    assert paper.reported_error == 0.164 and "top-5" in paper.error_metric
    owt = models.info("alexnet_owt")
    assert owt.paper.arxiv == "1404.5997" and owt.input_size == (3, 224, 224)
    assert owt.dataset == paper.dataset == "ImageNet"


# --- torchvision weights -------------------------------------------------------------------------------

# torchvision.models.alexnet().state_dict(): 16 keys.
TORCHVISION_ALEXNET = {
    "features.0.weight": (64, 3, 11, 11), "features.0.bias": (64,),
    "features.3.weight": (192, 64, 5, 5), "features.3.bias": (192,),
    "features.6.weight": (384, 192, 3, 3), "features.6.bias": (384,),
    "features.8.weight": (256, 384, 3, 3), "features.8.bias": (256,),
    "features.10.weight": (256, 256, 3, 3), "features.10.bias": (256,),
    "classifier.1.weight": (4096, 9216), "classifier.1.bias": (4096,),
    "classifier.4.weight": (4096, 4096), "classifier.4.bias": (4096,),
    "classifier.6.weight": (1000, 4096), "classifier.6.bias": (1000,),
}


def test_from_torchvision_loads_alexnet_and_computes_torchvisions_function():
    assert len(TORCHVISION_ALEXNET) == 16
    gen = torch.Generator().manual_seed(0)
    sd = {k: 0.02 * torch.randn(shape, generator=gen) for k, shape in TORCHVISION_ALEXNET.items()}
    model = models.from_torchvision("alexnet", sd).eval()
    own = model.state_dict()
    assert own.keys() == sd.keys() and all(torch.equal(own[k], sd[k]) for k in sd)

    x = torch.randn(1, 3, 224, 224, generator=gen)
    h = F.max_pool2d(F.relu(F.conv2d(x, sd["features.0.weight"], sd["features.0.bias"], 4, 2)), 3, 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, sd["features.3.weight"], sd["features.3.bias"], 1, 2)), 3, 2)
    h = F.relu(F.conv2d(h, sd["features.6.weight"], sd["features.6.bias"], 1, 1))
    h = F.relu(F.conv2d(h, sd["features.8.weight"], sd["features.8.bias"], 1, 1))
    h = F.max_pool2d(F.relu(F.conv2d(h, sd["features.10.weight"], sd["features.10.bias"], 1, 1)), 3, 2)
    h = F.relu(F.linear(h.flatten(1), sd["classifier.1.weight"], sd["classifier.1.bias"]))
    h = F.relu(F.linear(h, sd["classifier.4.weight"], sd["classifier.4.bias"]))
    expected = F.linear(h, sd["classifier.6.weight"], sd["classifier.6.bias"])
    with torch.no_grad():
        torch.testing.assert_close(model(x), expected)


def test_from_torchvision_rejects_a_mismatched_state_dict():
    sd = {k: torch.zeros(shape) for k, shape in TORCHVISION_ALEXNET.items()}
    sd["features.0.weight"] = torch.zeros(96, 3, 11, 11)  # the paper's conv1, not torchvision's
    with pytest.raises(ValueError, match=r"wrong shape keys: features.0.weight: expected \(64, 3, 11, 11\)"):
        models.from_torchvision("alexnet", sd)


# --- properties over the builder -----------------------------------------------------------------------


def expected_paper_params(towers: int, in_channels: int, num_classes: int) -> int:
    convs = [(in_channels, 96, 11, 1), (96, 256, 5, towers), (256, 384, 3, 1), (384, 384, 3, towers),
             (384, 256, 3, towers)]
    fcs = [(9216, 4096), (4096, 4096), (4096, num_classes)]
    return sum(c_in // g * c_out * k * k + c_out for c_in, c_out, k, g in convs) + sum(
        i * o + o for i, o in fcs
    )


@settings(max_examples=4, deadline=None)
@given(
    towers=st.sampled_from([1, 2, 4, 8, 16, 32]),
    in_channels=st.integers(1, 4),
    num_classes=st.integers(1, 20),
)
def test_property_any_valid_tower_count(towers, in_channels, num_classes):
    model = models.get("alexnet", towers=towers, in_channels=in_channels, num_classes=num_classes).eval()
    assert n_params(model) == expected_paper_params(towers, in_channels, num_classes)
    assert {m.groups for m in model.features if isinstance(m, nn.Conv2d)} == {1, towers}
    with torch.no_grad():
        out = model(torch.randn(1, in_channels, 227, 227))
    assert out.shape == (1, num_classes) and torch.isfinite(out).all()
