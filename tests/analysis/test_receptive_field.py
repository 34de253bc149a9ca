"""Theoretical receptive fields: hand-worked values, the published table, every registry model.

Published values: google-research/receptive_field, README.md and receptive_field/RECEPTIVE_FIELD_TABLE.md
(Araujo, Norris & Sim, Distill 2019), computed on the TF-Slim models. TF-Slim conventions that matter:
  * ``resnet_v1_50`` puts each stage's stride in the *last* unit of the stage (their FAQ), so its per-block
    strides (8, 16, 32, 32) differ from the paper's (4, 8, 16, 32); the receptive fields at the stage ends
    (35, 99, 291, 483) are the same as the paper's v1 layout because every 3x3 conv sees the same jump.
  * effective padding is TF 'SAME' padding, which is asymmetric for stride 2 on even sizes: 239 at
    224x224 and 241 at 321x321 for resnet_v1_50; PyTorch's symmetric padding gives 241 at any size.
  * ``alexnet_v2`` and ``vgg_16`` have no asymmetric padding: their paddings must match exactly.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnnviz import models
from cnnviz.analysis.receptive_field import RFReport, layer_geometry, receptive_field


def conv_stack(n: int, k: int = 3, padding: int = 1) -> nn.Sequential:
    return nn.Sequential(*[nn.Sequential(nn.Conv2d(1, 1, k, padding=padding), nn.ReLU()) for _ in range(n)])


def rfs(report: RFReport, types: tuple[str, ...] = ("Conv2d", "MaxPool2d")) -> list[tuple[int, int, float]]:
    return [(r.rf, r.stride, r.padding) for r in report.rows if r.type in types]


# --- worked by hand ------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "expected"), [(1, 3), (2, 5), (3, 7), (5, 11)])
def test_stacked_3x3_convs_grow_by_two(n: int, expected: int) -> None:
    # r_n = r_{n-1} + (3 - 1) * 1: the VGG argument (two 3x3 see 5x5, three see 7x7)
    report = receptive_field(conv_stack(n), input_size=(1, 32, 32))
    assert [r.rf for r in report.rows] == [2 * i + 3 for i in range(n)]
    assert report.output.rf == expected
    assert report.output.stride == 1
    assert report.output.padding == n  # P = sum of p * j = n * 1
    assert report.output.output_hw == (32, 32)
    assert report.warnings == ()


def test_stem_7x7_stride2_then_3x3_maxpool() -> None:
    # conv: r 7, j 2, P 3;  pool: r = 7 + 2*2 = 11, j = 4, P = 3 + 1*2 = 5
    stem = nn.Sequential(nn.Conv2d(3, 8, 7, 2, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
    report = receptive_field(stem, input_size=(3, 224, 224))
    assert rfs(report) == [(7, 2, 3.0), (11, 4, 5.0)]
    assert [r.output_hw for r in report.rows] == [(112, 112), (56, 56)]
    assert [r.name for r in report.rows] == ["0", "3"]  # BN and ReLU keep the field: no row


def test_dilation_and_ceil_mode() -> None:
    dilated = receptive_field(nn.Conv2d(1, 1, 3, dilation=2), input_size=(1, 9, 9))
    assert dilated.output.rf == 5  # (3 - 1) * 2 + 1
    floor = receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3), nn.MaxPool2d(3, 2)), input_size=(1, 10, 10))
    ceil = receptive_field(
        nn.Sequential(nn.Conv2d(1, 1, 3), nn.MaxPool2d(3, 2, ceil_mode=True)), input_size=(1, 10, 10)
    )
    # ceil_mode changes the output size only: 8 -> 3 (floor) or 4 (ceil); r = 3 + 2 = 5, j = 2 either way
    assert (floor.output.rf, floor.output.stride, floor.output.padding) == (5, 2, 0.0)
    assert (ceil.output.rf, ceil.output.stride, ceil.output.padding) == (5, 2, 0.0)
    assert (floor.output.output_hw, ceil.output.output_hw) == ((3, 3), (4, 4))


def test_adaptive_pooling_identity_divisible_global_and_uneven() -> None:
    def net(out: int) -> nn.Module:
        head = [nn.AdaptiveAvgPool2d(out), nn.Flatten(), nn.Linear(out**2, 2)]
        return nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), *head)

    same = receptive_field(net(12), input_size=(1, 12, 12))  # identity (AlexNet's 6x6 at 6x6)
    assert same.rows[-1].type == "AdaptiveAvgPool2d"
    assert (same.output.rf, same.output.stride) == (3, 1)
    half = receptive_field(net(6), input_size=(1, 12, 12))  # kernel 2, stride 2
    assert (half.output.rf, half.output.stride, half.output.output_hw) == (4, 2, (6, 6))
    pooled = receptive_field(net(1), input_size=(1, 12, 12))  # global: the output is the map before it
    assert (pooled.output.name, pooled.output.rf, pooled.output.output_hw) == ("0", 3, (12, 12))
    uneven = receptive_field(net(5), input_size=(1, 12, 12))  # windows of 3 or 4 pixels
    assert uneven.output.rf == 3 + 3  # the widest window (4) adds 3
    assert len(uneven.warnings) == 1 and "uneven" in uneven.warnings[0] and "1" in uneven.warnings[0]


def test_sees_whole_input() -> None:
    report = receptive_field(conv_stack(3), input_size=(1, 7, 7))  # rf 3, 5, 7
    assert [r.sees_whole_input for r in report.rows] == [False, False, True]
    assert report.first_seeing_whole_input() == report.rows[2]
    assert not receptive_field(conv_stack(3), input_size=(1, 7, 8)).output.sees_whole_input  # both axes


# --- joins ----------------------------------------------------------------------------------------


class Residual(nn.Module):
    """A downsampling residual block: 3x3/2 then 3x3 on one path, 1x1/2 projection on the other."""

    def __init__(self, channels: int = 4, option_a: bool = False) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 2, 1)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, 2 * channels, 3, 1, 1)
        self.option_a = option_a
        self.proj = nn.Conv2d(channels, 2 * channels, 1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(self.relu(self.conv1(x)))
        if self.option_a:  # CIFAR ResNet option A: subsample, zero-pad the channels
            shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 0, x.shape[1]))
        else:
            shortcut = self.proj(x)
        return self.relu(out + shortcut)


@pytest.mark.parametrize("option_a", [False, True])
def test_residual_join_takes_the_larger_branch(option_a: bool) -> None:
    # main path: 3x3/2 -> r 3, j 2, P 1; 3x3 -> r 3 + 2*2 = 7, P 1 + 1*2 = 3. Shortcut: r 1, j 2, P 0.
    # centres of unit 0: -3 + 3 = 0 and 0: aligned, so the join's field is the main path's.
    report = receptive_field(nn.Sequential(Residual(option_a=option_a)), input_size=(4, 16, 16))
    join = report.row("0:add")
    assert (join.rf, join.stride, join.padding, join.output_hw) == (7, 2, 3.0, (8, 8))
    assert report.warnings == ()
    assert report.output.rf == 7
    if option_a:
        assert report.row("0:slice").rf == 1 and report.row("0:slice").stride == 2


class Shifted(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shifted = F.pad(x[:, :, 1:, 1:], (0, 1, 0, 1))  # the same map, moved by one pixel
        return x + shifted


def test_misaligned_branches_warn_and_take_the_union() -> None:
    report = receptive_field(Shifted(), input_size=(1, 8, 8))
    join = report.row("add")
    assert (join.rf, join.stride, join.padding) == (2, 1, 0.0)  # pixels 0 and 1: union of two 1x1 fields
    (warning,) = report.warnings
    assert warning.startswith("add: misaligned branches")
    assert "input (stride 1, centre of unit 0 at 0)" in warning
    assert "pad (stride 1, centre of unit 0 at 1)" in warning  # the nearest layer on that branch


class Inception(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(2, 2, 1)
        self.b3 = nn.Conv2d(2, 2, 3, padding=1)
        self.b5 = nn.Conv2d(2, 2, 5, padding=2)
        self.pool = nn.MaxPool2d(3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.pool(x)], 1)


class Fractal(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.short = nn.Conv2d(2, 2, 3, padding=1)
        self.long = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([self.short(x), self.long(x)]).mean(0)  # FractalNet's mean join


def test_cat_and_stack_mean_joins() -> None:
    inception = receptive_field(Inception(), input_size=(2, 10, 10))
    assert (inception.row("cat").rf, inception.row("cat").padding) == (5, 2.0)
    assert inception.warnings == ()
    fractal = receptive_field(Fractal(), input_size=(2, 10, 10))
    assert fractal.row("stack").rf == 5 and fractal.output.rf == 5
    assert fractal.warnings == ()


class MeanHead(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.fc = nn.Linear(3, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x) * 0.5  # a constant factor: no join
        x = x.mean((2, 3))  # global average pooling written as a method
        return self.fc(x.view(x.size(0), -1))


def test_method_global_pool_ends_the_spatial_part() -> None:
    report = receptive_field(MeanHead(), input_size=(1, 9, 9))
    assert [r.name for r in report.rows] == ["conv"]
    assert (report.output.rf, report.output.output_hw) == (3, (7, 7))


class Gated(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        return x * torch.sigmoid(x.mean((2, 3), keepdim=True).flatten(1))[:, :, None, None]


def test_unknown_op_raises_naming_it() -> None:
    net = nn.Sequential(nn.Conv2d(1, 1, 3), nn.Upsample(scale_factor=2))
    with pytest.raises(NotImplementedError, match=r"Upsample module '1'.*fx node '_1'"):
        receptive_field(net, input_size=(1, 8, 8))
    with pytest.raises(NotImplementedError, match="NotImplemented|no receptive-field rule|globally pooled"):
        receptive_field(Gated(), input_size=(1, 8, 8))


def test_errors_speak_the_readers_language() -> None:
    with pytest.raises(ValueError, match=r"input_size must be \(C, H, W\).*got \(224, 224\)"):
        receptive_field(conv_stack(1), input_size=(224, 224))
    with pytest.raises(ValueError, match="input_size is required"):
        receptive_field(conv_stack(1))
    with pytest.raises(ValueError, match="apply to a registry model name"):
        receptive_field(conv_stack(1), input_size=(1, 8, 8), depth=3)
    with pytest.raises(KeyError, match="resnet50"):
        receptive_field("resnet5O")
    expected = r"unknown layer '0\.00'.*Did you mean '0\.0'.*Valid layers: 0, 0\.0, 0\.1, 1"
    with pytest.raises(ValueError, match=expected):
        layer_geometry(conv_stack(2), "0.00", input_size=(1, 8, 8))


def test_leaves_no_trace() -> None:
    net = conv_stack(2)
    net.train()
    net[1].eval()
    before = [p.detach().clone() for p in net.parameters()]
    rng = torch.get_rng_state()
    receptive_field(net, input_size=(1, 8, 8))
    assert net.training and net[0].training and not net[1].training and not net[1][0].training
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    assert all(p.grad is None for p in net.parameters())
    assert torch.equal(rng, torch.get_rng_state())


def test_layer_geometry_of_containers_and_boxes() -> None:
    net = nn.Sequential(Residual(4), Residual(8))
    geometry, record, calls = layer_geometry(net, "0", input_size=(4, 16, 16))
    assert (record.rf, geometry.jump, geometry.output_hw, calls) == (7, (2, 2), (8, 8), 1)
    assert geometry.box(0, 0) == ((-3, 3), (-3, 3))  # -P + i*j .. + r - 1
    assert geometry.centre(2, 3) == (4.0, 6.0)
    _, second, _ = layer_geometry(net, "1.conv2", input_size=(4, 16, 16))
    assert second.rf == 7 + 2 * 2 + 2 * 4  # 3x3 at jump 2, then 3x3 at jump 4


# --- the zoo, against hand computation and the published table -------------------------------------


def test_alexnet_matches_tf_slim_alexnet_v2() -> None:
    # conv1 11/4 (no padding), pool1 3/2, conv2 5 (p2), pool2 3/2, conv3-5 3 (p1), pool5 3/2:
    # r: 11, 11+2*4=19, 19+4*8=51, 51+2*8=67, 67+2*16=99, 131, 163, 163+2*16=195. Table: same r, j and P.
    report = receptive_field("alexnet")
    assert rfs(report) == [
        (11, 4, 0.0), (19, 8, 0.0), (51, 8, 16.0), (67, 16, 16.0),
        (99, 16, 32.0), (131, 16, 48.0), (163, 16, 64.0), (195, 32, 64.0),
    ]  # fmt: skip
    assert report.output.rf == 195 and report.output.output_hw == (6, 6)
    # torchvision's one-weird-trick AlexNet pads conv1 by 2: same fields, P two pixels larger
    owt = receptive_field("alexnet_owt")
    assert [(r, s, p - 2) for r, s, p in rfs(owt)] == rfs(report)


def test_vgg16_matches_tf_slim_vgg_16() -> None:
    report = receptive_field("vgg16")
    expected_rf = [3, 5, 6, 10, 14, 16, 24, 32, 40, 44, 60, 76, 92, 100, 132, 164, 196, 212]
    assert [r for r, _s, _p in rfs(report)] == expected_rf
    # TF table rows (conv1_1, pool1, conv2_1, pool2, conv3_1, conv3_2, pool3, conv4_1, conv4_2, pool4,
    # conv5_1, conv5_2, pool5): (rf, stride, padding)
    table = [(3, 1, 1), (6, 2, 2), (10, 2, 4), (16, 4, 6), (24, 4, 10), (32, 4, 14), (44, 8, 18), (60, 8, 26),
             (76, 8, 34), (100, 16, 42), (132, 16, 58), (164, 16, 74), (212, 32, 90)]  # fmt: skip
    assert set(table) <= set(rfs(report))
    assert (report.output.rf, report.output.stride, report.output.padding) == (212, 32, 90.0)
    assert not report.output.sees_whole_input  # 212 < 224


def test_resnet50_paper_v1_matches_published_483() -> None:
    # paper (stride in the first 1x1): stage ends 35, 99, 291, 483 (the table's block1..block4)
    stage_ends = [layer_geometry("resnet50", f"layer{i}")[1] for i in (1, 2, 3, 4)]
    assert [(r.rf, r.stride) for r in stage_ends] == [(35, 4), (99, 8), (291, 16), (483, 32)]
    report = receptive_field("resnet50")
    assert (report.output.rf, report.output.stride, report.output.padding) == (483, 32, 241.0)
    assert report.warnings == ()
    assert report.row("layer4.2:add").rf == 483


def test_resnet50_v15_stride_in_3x3_is_427() -> None:
    # torchvision's v1.5: the first 3x3 of stages 2-4 now runs at the *finer* jump (4, 8, 16 instead of
    # 8, 16, 32), losing 2*(8-4) + 2*(16-8) + 2*(32-16) = 56 pixels: 483 - 56 = 427
    report = receptive_field("resnet50", stride_in_3x3=True)
    assert (report.output.rf, report.output.stride, report.output.padding) == (427, 32, 213.0)


def test_resnet152_matches_published_1507() -> None:
    report = receptive_field("resnet152")
    # table: 1507, 32, and padding 753 at 321x321 (751 at 224 with TF's asymmetric 'SAME')
    assert (report.output.rf, report.output.stride, report.output.padding) == (1507, 32, 753.0)


def test_googlenet_inception5b() -> None:
    # stem 7/2, pool 3/2, 1x1, 3x3, pool 3/2 -> 27 at jump 8; each module adds 4*j (its 5x5 branch),
    # each max pool 2*j: 27+2*32=91, pool 107, 5 modules at j 16 -> 427, pool 459, 2 at j 32 -> 715.
    # (907, quoted in some notes, also counts the final 7x7 average pool as a layer: 715 + 6*32.)
    report = receptive_field("googlenet")
    assert (report.output.rf, report.output.stride, report.output.output_hw) == (715, 32, (7, 7))
    joins = [r.rf for r in report.rows if r.type == "cat"]
    assert joins == [59, 91, 171, 235, 299, 363, 427, 587, 715]
    assert report.warnings == ()


def test_stochastic_depth_average_pool_shortcut_is_misaligned() -> None:
    name = "stochastic_depth110"
    report = receptive_field(name)
    # its shortcut is a 2x2/2 average pool (Huang et al.'s code): centred half a pixel off the 3x3/2 conv
    assert len(report.warnings) == 2
    assert "layer2.0:add: misaligned branches" in report.warnings[0]
    assert "centre of unit 0 at 0.5" in report.warnings[0]


@pytest.mark.parametrize("name", models.names())
def test_every_registry_model(name: str) -> None:
    report = receptive_field(name)
    assert report.model == name
    assert report.input_size == models.info(name).input_size
    assert report.rows
    assert report.output.output_hw is not None
    # in eval mode every row feeds the output, and fields only grow along a path
    assert report.output.rf == max(r.rf for r in report.rows)
