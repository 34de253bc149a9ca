"""One way from (name or module, input size) to a module to measure, shared by every analysis."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnviz import models
from cnnviz.analysis.resolve import build, check_input_fits, check_input_size, resolve_model, shapes_only
from cnnviz.analysis.tracing import eval_mode


def test_a_zoo_network_passed_as_a_module_knows_its_input_size():
    net = models.get("resnet20")
    assert resolve_model(net, None, {}) == (net, "resnet20", (3, 32, 32))


def test_a_foreign_module_needs_an_input_size():
    with pytest.raises(ValueError, match=r"rf: input_size is required for an nn.Module"):
        resolve_model(nn.Conv2d(3, 8, 3), None, {}, "rf")
    assert resolve_model(nn.Conv2d(3, 8, 3), (3, 9, 9), {}, "rf")[2] == (3, 9, 9)


@pytest.mark.parametrize("bad", [(3, 32), (3, 0, 32), "3,32,32", (3.0, 32, 32), (True, 32, 32)])
def test_bad_input_sizes_are_named(bad):
    with pytest.raises(ValueError, match=r"ledger: input_size must be \(C, H, W\)"):
        check_input_size(bad)


def test_building_leaves_the_readers_random_state_alone():
    state = torch.random.get_rng_state()
    build("resnet20")
    meta = build("resnet20", meta=True)
    assert torch.equal(state, torch.random.get_rng_state())
    assert all(p.device.type == "meta" for p in meta.parameters())


# --- an input too small for the network ---------------------------------------------------------------


def test_a_too_small_input_is_caught_when_the_size_is_resolved():
    assert resolve_model("resnet50", (3, 16, 16), {}, meta=True)[2] == (3, 16, 16)  # padded: never collapses
    with pytest.raises(
        ValueError,
        match=r"^squeezenet1_1: input of spatial size 16x16 is too small: it shrinks to 1x1 before layer "
        r"'features.8' \(MaxPool2d\), which cannot process it. The smallest square input that works is 17x17\.$",
    ):
        resolve_model("squeezenet1_1", (3, 16, 16), {}, meta=True)


def test_the_check_follows_the_readers_model_kwargs():
    # fractalnet with 7 blocks halves 32x32 seven times: it collapses where the registered 5 blocks do not
    with pytest.raises(ValueError, match=r"fractalnet: input of spatial size 32x32 is too small.* 128x128\.$"):
        resolve_model("fractalnet", None, {"blocks": 7, "dropout": False}, meta=True)


def test_a_non_square_input_reports_the_side_that_collapses():
    with pytest.raises(ValueError, match=r"vgg11: input of spatial size 16x224 is too small: it shrinks to 1x14 "
                                         r"before layer 'features.20' .* 32x32\.$"):
        check_input_fits(models.get("vgg11"), (3, 16, 224))


def test_a_failure_that_is_not_about_size_is_left_to_the_analysis():
    check_input_fits(nn.Conv2d(3, 8, 3), (4, 9, 9))  # a channel mismatch no size fixes: no diagnosis
    with pytest.raises(ValueError, match=r"resnet20: input has 1 channels"):  # the model's own check
        check_input_fits(models.get("resnet20"), (1, 32, 32))


def test_the_check_restores_every_submodules_own_mode_and_copies_no_weights():
    net = models.get("resnet20").train()
    net.layer2.eval()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    check_input_fits(net, (3, 32, 32))
    assert net.training and not net.layer2.training and not net.layer2[0].bn1.training and net.layer3.training
    assert all(torch.equal(before[k], v) and v.device.type == "cpu" for k, v in net.state_dict().items())


def test_eval_mode_restores_mixed_modes_even_on_error():
    net = nn.Sequential(nn.Dropout(), nn.Sequential(nn.BatchNorm2d(3), nn.Dropout()))
    net[1][0].eval()
    with pytest.raises(RuntimeError), eval_mode(net):
        assert not any(m.training for m in net.modules())
        raise RuntimeError("boom")
    assert [m.training for m in net.modules()] == [True, True, True, False, True]


def test_shapes_only_builds_on_meta_with_the_networks_shapes() -> None:
    with shapes_only():
        net = models.get("resnet20")
        block = nn.Conv2d(3, 8, 3)
    assert {p.device.type for p in [*net.parameters(), *block.parameters()]} == {"meta"}
    built = models.get("resnet20")
    assert [p.shape for p in net.parameters()] == [p.shape for p in built.parameters()]
    assert torch.empty(1).device.type == "cpu"  # the context leaves nothing behind
