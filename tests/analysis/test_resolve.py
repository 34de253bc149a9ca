"""One way from (name or module, input size) to a module to measure, shared by every analysis."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnviz import models
from cnnviz.analysis.resolve import build, check_input_size, resolve_model


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
