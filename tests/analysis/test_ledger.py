"""The layer ledger: shapes, parameters, MACs and activations, checked by hand and over the registry."""

from __future__ import annotations

import pytest
import torch
import torchinfo
from torch import nn

from cnnviz import models
from cnnviz.analysis.ledger import LayerRecord, Ledger, ledger


class Shared(nn.Module):
    """A module run twice, a tied weight, a branch never run in eval mode and a root-level parameter."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2))
        self.shared = nn.Conv2d(8, 8, 3, padding=1)
        self.aux = nn.Sequential(nn.Linear(8, 4))  # never called
        self.head = nn.Linear(8 * 4 * 4, 10)
        self.tied = nn.Linear(8 * 4 * 4, 10)
        self.tied.weight = self.head.weight
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (N, 8, 4, 4)
        x = self.shared(self.shared(x))  # (N, 8, 4, 4)
        x = torch.flatten(x, 1)  # (N, 128)
        return self.head(x) + self.tied(x) * self.scale


@pytest.fixture(scope="module")
def shared_ledger() -> Ledger:
    return ledger(Shared(), (3, 8, 8))


def test_rows_of_a_small_model(shared_ledger: Ledger) -> None:
    rows = {(r.name, r.output_shape): r for r in shared_ledger.rows}
    conv = rows[("features.0", (8, 8, 8))]
    assert (conv.type, conv.depth, conv.is_leaf) == ("Conv2d", 2, True)
    assert (conv.kernel, conv.stride, conv.padding, conv.groups) == ((3, 3), (1, 1), (1, 1), 1)
    assert (conv.input_shape, conv.weights, conv.biases, conv.params) == ((3, 8, 8), 216, 8, 224)
    assert conv.macs == 8 * 8 * 8 * 3 * 9  # out_H*out_W*out_C*in_C*kH*kW, bias adds not counted
    assert (conv.activations, conv.activation_bytes) == (512, 2048)
    pool = rows[("features.2", (8, 4, 4))]
    assert (pool.kernel, pool.stride, pool.padding) == ((2, 2), (2, 2), (0, 0))
    assert (pool.groups, pool.macs) == (None, 0)
    features = rows[("features", (8, 4, 4))]
    assert (features.is_leaf, features.depth, features.params, features.macs) == (False, 1, 224, conv.macs)
    assert [r.name for r in shared_ledger.rows] == [
        "features", "features.0", "features.1", "features.2",
        "shared", "shared", "head", "tied", "aux", "aux.0",
    ]


def test_shared_module_and_tied_weight_counted_once(shared_ledger: Ledger) -> None:
    first, second = [r for r in shared_ledger.rows if r.name == "shared"]
    assert (first.params, second.params) == (8 * 8 * 9 + 8, 0)
    assert first.macs == second.macs == 4 * 4 * 8 * 8 * 9  # the work is done twice
    head, tied = [r for r in shared_ledger.rows if r.name in ("head", "tied")]
    assert (head.weights, head.biases, tied.weights, tied.biases) == (1280, 10, 0, 10)
    assert shared_ledger.total_params == sum(p.numel() for p in Shared().parameters()) == 2145


def test_unexecuted_module_listed_for_its_parameters(shared_ledger: Ledger) -> None:
    aux = [r for r in shared_ledger.rows if r.name.startswith("aux")]
    assert [(r.name, r.params, r.output_shape, r.macs, r.executed) for r in aux] == [
        ("aux", 36, (), 0, False),
        ("aux.0", 36, (), 0, False),
    ]


def test_totals_are_leaf_sums(shared_ledger: Ledger) -> None:
    leaves = shared_ledger.leaves()
    assert shared_ledger.total_macs == sum(r.macs for r in leaves) == 13824 + 2 * 9216 + 2 * 1280
    assert shared_ledger.total_activations == 512 + 512 + 128 + 128 + 128 + 10 + 10
    # every parameter but the root's own `scale` has a row
    assert sum(r.params for r in shared_ledger.at_depth(1)) == shared_ledger.total_params - 1


def test_at_depth_collapses(shared_ledger: Ledger) -> None:
    names = [r.name for r in shared_ledger.at_depth(1)]
    assert names == ["features", "shared", "shared", "head", "tied", "aux"]
    assert [r.name for r in shared_ledger.at_depth(2)] == [
        "features.0", "features.1", "features.2", "shared", "shared", "head", "tied", "aux.0",
    ]
    with pytest.raises(ValueError, match="depth must be a positive integer, got 0"):
        shared_ledger.at_depth(0)


def test_records_are_frozen(shared_ledger: Ledger) -> None:
    with pytest.raises(AttributeError):
        shared_ledger.rows[0].macs = 1  # type: ignore[misc]
    assert isinstance(shared_ledger.rows[0], LayerRecord)


def test_a_bare_leaf_module() -> None:
    led = ledger(nn.Conv2d(6, 4, (3, 5), stride=2, groups=2, bias=False), (6, 9, 11))
    (row,) = led.rows
    assert (row.name, row.depth, row.kernel, row.stride, row.groups) == ("Conv2d", 1, (3, 5), (2, 2), 2)
    assert row.output_shape == (4, 4, 4)
    assert row.macs == 4 * 4 * 4 * (6 // 2) * 3 * 5
    assert (row.weights, row.biases) == (4 * 3 * 15, 0)


def test_linear_macs_and_torchinfo_difference() -> None:
    """torchinfo adds bias additions (conv: out_C*H*W; linear: out) and counts BN; we do not."""
    model = nn.Sequential(nn.Conv2d(3, 16, 3), nn.BatchNorm2d(16), nn.Flatten(), nn.Linear(16 * 6 * 6, 10))
    led = ledger(model, (3, 8, 8))
    conv, bn, _, fc = led.leaves()
    assert conv.macs == 6 * 6 * 16 * 3 * 9 and fc.macs == 576 * 10 and bn.macs == 0
    assert (bn.weights, bn.biases) == (16, 16)
    stats = torchinfo.summary(model, input_size=(1, 3, 8, 8), verbose=0)
    theirs = [layer.macs for layer in stats.summary_list if layer.is_leaf_layer]
    assert theirs == [conv.macs + 16 * 6 * 6, 32, 0, fc.macs + 10]


def test_leaves_no_trace() -> None:
    model = Shared()
    model.train()
    model.features[1].eval()  # a mixed-mode model must come back mixed
    rng = torch.random.get_rng_state()
    ledger(model, (3, 8, 8))
    assert model.training and not model.features[1].training and model.features[0].training
    for m in model.modules():
        assert not m._forward_hooks and not m._forward_pre_hooks
    assert all(p.grad is None for p in model.parameters())
    assert torch.equal(torch.random.get_rng_state(), rng)
    assert "Shared" not in torchinfo.torchinfo._cached_forward_pass


def test_registry_name_leaves_rng_alone() -> None:
    rng = torch.random.get_rng_state()
    led = ledger("resnet20")
    assert torch.equal(torch.random.get_rng_state(), rng)
    assert led.model == "resnet20" and led.input_size == (3, 32, 32)


@pytest.mark.parametrize(
    "size, shown",
    [
        ((3, 224), "(3, 224)"),
        ((3, 0, 32), "(3, 0, 32)"),
        ("3,32,32", "'3,32,32'"),
        ((3, 32.0, 32), "(3, 32.0, 32)"),
    ],
)
def test_bad_input_size(size: object, shown: str) -> None:
    with pytest.raises(ValueError, match=r"input_size must be \(C, H, W\), three positive integers") as info:
        ledger(nn.Conv2d(3, 4, 3), size)  # type: ignore[arg-type]
    assert shown in str(info.value)


def test_module_needs_input_size_and_no_kwargs() -> None:
    with pytest.raises(ValueError, match="input_size is required for an nn.Module"):
        ledger(nn.Conv2d(3, 4, 3))
    with pytest.raises(ValueError, match=r"keyword arguments \['depth'\] only apply to a registry model"):
        ledger(nn.Conv2d(3, 4, 3), (3, 8, 8), depth=3)


def test_unknown_name_and_kwargs() -> None:
    with pytest.raises(KeyError, match="unknown model name 'resnet21'"):
        ledger("resnet21")
    with pytest.raises(ValueError, match="unknown keyword argument 'nonsense'"):
        ledger("resnet20", nonsense=1)


def test_too_small_input_raises_the_models_own_error() -> None:
    with pytest.raises(ValueError, match="too small"):
        ledger("vgg11", (3, 16, 16))


def test_model_kwargs_reach_the_builder() -> None:
    led = ledger("resnet20", num_classes=7)
    assert led.leaves()[-1].output_shape == (7,)


def test_vgg16_lecture_numbers() -> None:
    led = ledger("vgg16")
    assert led.total_params == 138_357_544  # 138M, lecture and paper
    convs = [r for r in led.leaves() if r.type == "Conv2d"]
    assert [r.weights for r in convs[:3]] == [1_728, 36_864, 73_728]
    fcs = [r for r in led.leaves() if r.type == "Linear"]
    assert [r.weights for r in fcs] == [102_760_448, 16_777_216, 4_096_000]
    assert led.total_macs == 15_470_264_320  # 15.5 GMACs, the usual figure for VGG16 at 224x224


# --- every registry model: totals equal the model's own parameter count ---------------------------


# The three largest forward passes (together about as long as all the others) are marked slow; their
# totals were checked too (see the report) and their families are covered by smaller members.
_SLOW = {"resnet1202", "densenet264", "vgg19"}


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in _SLOW else n for n in models.names()]
)
def test_registry_params_total(name: str) -> None:
    with torch.random.fork_rng(devices=[]):
        model = models.get(name)
    size = models.info(name).input_size
    led = ledger(model, size)
    assert led.total_params == sum(p.numel() for p in model.parameters())
    assert sum(r.params for r in led.at_depth(1)) == led.total_params  # zoo models keep no root params
    assert led.total_macs > 0 and led.total_activations > 0
    assert all(r.name for r in led.rows)
    for m in model.modules():
        assert not m._forward_hooks and not m._forward_pre_hooks
