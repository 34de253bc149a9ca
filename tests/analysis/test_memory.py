"""Memory accounting: the lecture's VGG16 figures, the backward rule by hand, bytes for batches and dtypes."""

from __future__ import annotations

import pytest
from torch import nn

from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.memory import MemoryReport, memory_from_ledger, memory_report

# The lecture's VGG16 table, row by row (input, conv/pool/fc outputs), elements per image.
VGG16_TABLE = [
    224 * 224 * 3,
    224 * 224 * 64, 224 * 224 * 64, 112 * 112 * 64,
    112 * 112 * 128, 112 * 112 * 128, 56 * 56 * 128,
    56 * 56 * 256, 56 * 56 * 256, 56 * 56 * 256, 28 * 28 * 256,
    28 * 28 * 512, 28 * 28 * 512, 28 * 28 * 512, 14 * 14 * 512,
    14 * 14 * 512, 14 * 14 * 512, 14 * 14 * 512, 7 * 7 * 512,
    4096, 4096, 1000,
]


@pytest.fixture(scope="module")
def vgg16_ledger():
    return ledger("vgg16")


def test_vgg16_lecture_convention(vgg16_ledger) -> None:
    m = memory_from_ledger(vgg16_ledger, lecture_convention=True)
    assert m.forward_total == sum(VGG16_TABLE) == 15_237_608
    # The lecture states "24M * 4 bytes ~ 96MB"; its own rows sum to 15.2M, i.e. 61 MB in float32.
    assert m.forward_bytes == 60_950_432
    assert m.params == 138_357_544 and round(m.params / 1e6) == 138


def test_vgg16_full_count(vgg16_ledger) -> None:
    m = memory_from_ledger(vgg16_ledger)
    relus = 2 * 224 * 224 * 64 + 2 * 112 * 112 * 128 + 3 * 56 * 56 * 256
    relus += 3 * 28 * 28 * 512 + 3 * 14 * 14 * 512
    extra = relus + 7 * 7 * 512 * 2 + 4 * 4096  # + adaptive pool, flatten, 2 ReLU + 2 dropout on the FCs
    assert m.forward_activations == 15_237_608 - 150_528 + extra == 28_701_160
    conv_in = [3 * 224**2, 64 * 224**2, 64 * 112**2, 128 * 112**2, 128 * 56**2, 256 * 56**2, 256 * 56**2,
               256 * 28**2, 512 * 28**2, 512 * 28**2, 512 * 14**2, 512 * 14**2, 512 * 14**2]
    relu_out = relus + 2 * 4096  # every ReLU keeps its output
    pool_in = 64 * 224**2 + 128 * 112**2 + 256 * 56**2 + 512 * 28**2 + 512 * 14**2 + 512 * 7 * 7
    fc_in = 25088 + 4096 + 4096
    assert m.saved_for_backward == sum(conv_in) + relu_out + pool_in + fc_in == 28_817_408
    assert m.saved_indices == 64 * 112**2 + 128 * 56**2 + 256 * 28**2 + 512 * 14**2 + 512 * 7**2
    assert m.saved_masks == 2 * 4096
    # "~2 for bwd": what the backward pass keeps is about twice the lecture's forward count
    assert m.saved_for_backward / 15_237_608 == pytest.approx(1.89, abs=0.01)


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)  # keeps input 2*6*6
        self.bn = nn.BatchNorm2d(4)  # keeps input 4*6*6
        self.relu = nn.ReLU()  # keeps output 4*6*6
        self.pool = nn.MaxPool2d(2)  # keeps input 4*6*6 + indices 4*3*3
        self.flat = nn.Flatten()  # nothing
        self.drop = nn.Dropout()  # mask 36
        self.fc = nn.Linear(36, 5)  # keeps input 36

    def forward(self, x):
        return self.fc(self.drop(self.flat(self.pool(self.relu(self.bn(self.conv(x)))))))


def test_backward_rule_by_hand() -> None:
    m = memory_report(Tiny(), (2, 6, 6), batch_size=3, dtype="float16", optimizer="adam")
    assert m.saved_for_backward == 72 + 144 + 144 + 144 + 36
    assert (m.saved_indices, m.saved_masks) == (36, 36)
    assert m.input_elements == 72
    assert m.forward_activations == 144 * 3 + 36 * 3 + 5
    params = 2 * 4 * 9 + 4 + 8 + 36 * 5 + 5
    assert (m.params, m.gradients, m.optimizer_state) == (params, params, 2 * params)
    assert m.backward_saved_bytes == 3 * (540 * 2 + 36 * 8 + 36 * 1)
    assert m.forward_bytes == 3 * (72 + 545) * 2
    assert m.training_bytes == 4 * params * 2 + m.backward_saved_bytes
    assert m.inference_bytes == params * 2 + m.forward_bytes


def test_lecture_convention_skips_other_layers() -> None:
    m = memory_report(Tiny(), (2, 6, 6), lecture_convention=True)
    assert m.forward_activations == 144 + 36 + 5  # conv, pool, fc
    assert m.forward_total == 72 + 185


@pytest.mark.parametrize("optimizer, states", [("sgd", 0), ("momentum", 1), ("adam", 2)])
def test_optimizer_state(optimizer: str, states: int) -> None:
    m = memory_report(nn.Sequential(nn.Linear(3, 2)), (1, 1, 3), optimizer=optimizer)
    assert m.optimizer_state == states * 8 and m.optimizer_bytes == states * 8 * 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size must be a positive integer, got 0"),
        ({"dtype": "int8"}, "dtype must be one of float32, float16, bfloat16, float64, got 'int8'"),
        ({"optimizer": "rmsprop"}, "optimizer must be one of sgd, momentum, adam, got 'rmsprop'"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        memory_report(nn.Conv2d(1, 1, 1), (1, 2, 2), **kwargs)


def test_record_is_frozen() -> None:
    m = memory_report(nn.Conv2d(1, 1, 1), (1, 2, 2))
    assert isinstance(m, MemoryReport)
    with pytest.raises(AttributeError):
        m.params = 0  # type: ignore[misc]
