"""The lecture's rows of a ledger and its worked examples, against the numbers on the slides."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnviz.analysis import lecture, ops
from cnnviz.analysis.ledger import ledger
from cnnviz.models.lecture import INCEPTION, RESNEXT_BLOCK, RESNEXT_TABLE2, STACK_VS_LARGE, InceptionExample


def test_the_worked_examples_are_the_slides_numbers() -> None:
    assert INCEPTION == InceptionExample(28, 256, 128, 192, 96, 64, 64, 64)
    assert INCEPTION.naive == {"in_hw": 28, "in_channels": 256, "c1x1": 128, "c3x3": 192, "c5x5": 96}
    assert INCEPTION.filters == {
        "c1x1": 128, "c3x3": 192, "c5x5": 96, "reduce3x3": 64, "reduce5x5": 64, "pool_proj": 64,
    }  # fmt: skip
    assert ops.inception_naive_cost(**INCEPTION.naive).macs == 854_196_224  # "854M ops"
    assert ops.inception_reduced_cost(**INCEPTION.reduced).output_depth == 480
    s = ops.stack_vs_large(STACK_VS_LARGE.C, STACK_VS_LARGE.k_small, STACK_VS_LARGE.n)
    assert (s.params_stack, s.params_large) == (27 * 64**2, 49 * 64**2)
    block = RESNEXT_BLOCK
    assert (block.cardinality, block.bottleneck_width, block.channels, block.in_hw) == (32, 4, 256, 56)
    assert (block.cardinality, block.bottleneck_width) in RESNEXT_TABLE2
    assert (
        all(c * d <= 128 for c, d in RESNEXT_TABLE2)
        and (1, block.resnet_width) in RESNEXT_TABLE2
    )


class Net(nn.Module):
    """A conv, an LRN, a pool, a pool that keeps the shape, a ReLU, a flatten and a linear layer."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.relu = nn.ReLU()
        self.norm = nn.LocalResponseNorm(3)
        self.pool = nn.MaxPool2d(2)
        self.same = nn.AdaptiveAvgPool2d(3)  # 3x3 in, 3x3 out: not a row
        self.flat = nn.Flatten()
        self.fc = nn.Linear(36, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.flat(self.same(self.pool(self.norm(self.relu(self.conv(x)))))))


@pytest.mark.parametrize(
    ("norms", "names"), [(False, ["conv", "pool", "fc"]), (True, ["conv", "norm", "pool", "fc"])]
)
def test_lecture_rows(norms: bool, names: list[str]) -> None:
    led = ledger(Net(), (3, 8, 8))
    assert [r.name for r in lecture.lecture_rows(led, norms=norms)] == names


def test_vgg16_lecture_rows_are_the_slides_rows() -> None:
    rows = lecture.lecture_rows(ledger("vgg16"))
    assert len(rows) == 21  # 13 conv, 5 pool, 3 FC: VGG's 7x7 adaptive pool on a 7x7 map is not a row
    assert [r.type for r in rows].count("Conv2d") == 13 and rows[-1].output_shape == (1000,)


def test_stage_names_take_only_the_lecture_rows() -> None:
    led = ledger(Net(), (3, 8, 8))
    assert lecture.stage_names(lecture.lecture_rows(led)) == ("conv1_1", "pool1", "FC2")
    with pytest.raises(ValueError, match=r"stage_names: row 'norm' is a LocalResponseNorm"):
        lecture.stage_names(lecture.lecture_rows(led, norms=True))
