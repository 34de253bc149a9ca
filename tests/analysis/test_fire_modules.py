"""SqueezeNet counted: Fire modules, the design space, model size, the design strategies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnviz import models
from cnnviz.analysis import fire_modules as fm
from cnnviz.analysis.ledger import ledger
from cnnviz.models.squeezenet import Fire, FireSpec


def test_model_bytes_by_hand():
    assert fm.model_bytes(1_248_424, 32) == 4_993_696
    assert fm.model_bytes(1_248_424, 8) == 1_248_424
    assert fm.model_bytes(1_248_424, 6) == 936_318
    assert fm.model_bytes(3, 6) == 3  # 18 bits round up to 3 bytes
    with pytest.raises(ValueError, match=r"model_bytes: bits must be a positive integer, got 0"):
        fm.model_bytes(10, 0)


def test_fire_cost_matches_the_ledger_of_the_zoos_fire():
    spec = FireSpec("fire2", 16, 64, 64)
    cost = fm.fire_cost(96, 55, spec)
    led = ledger(Fire(96, 16, 64, 64), (96, 55, 55))
    assert (cost.params, cost.macs) == (led.total_params, led.total_macs) == (11_920, cost.macs)
    assert cost.expand3x3.macs == 55 * 55 * 64 * 16 * 9


@pytest.mark.parametrize("version", ["1_0", "1_1"])
def test_design_cost_at_the_papers_point_is_the_ledger(version):
    cost = fm.design_cost(version=version)
    led = ledger(f"squeezenet{version}")
    assert (cost.params, cost.macs) == (led.total_params, led.total_macs)
    assert cost.size_bytes(32) == 4 * led.total_params


@settings(max_examples=6, deadline=None)
@given(sr=st.sampled_from([0.125, 0.25, 0.5, 0.75, 1.0]), pct=st.sampled_from([0.01, 0.125, 0.5, 0.875, 0.99]),
       version=st.sampled_from(["1_0", "1_1"]))
def test_design_cost_matches_the_built_network(sr, pct, version):
    cost = fm.design_cost(sr, pct, version)
    led = ledger(models.get(f"squeezenet{version}", squeeze_ratio=sr, pct3x3=pct), (3, 224, 224))
    assert (cost.params, cost.macs) == (led.total_params, led.total_macs)


def test_design_cost_grows_with_sr_and_pct3x3():
    assert fm.design_cost(0.25).params > fm.design_cost(0.125).params
    assert fm.design_cost(0.125, 0.75).macs > fm.design_cost(0.125, 0.5).macs


def test_fire_positions():
    assert fm.fire_positions("1_0")[0] == ("fire2", 96, 54)  # 224×224 input: 54 (Table 1's 55 is at 227)
    assert [hw for _, _, hw in fm.fire_positions("1_1")] == [55, 55, 27, 27, 13, 13, 13, 13]
    with pytest.raises(ValueError, match=r"fire_positions: version must be one of '1_0', '1_1', got '2'"):
        fm.fire_positions("2")


def test_strategies():
    fires = sum(f.params for f in fm.design_cost().fires)
    assert fm.expand_all_3x3_params() > fires
    squeezed, unsqueezed = fm.no_squeeze_3x3_params()
    assert squeezed == sum(s * 9 * e3 for s, e3 in [(16, 64)] * 2 + [(32, 128)] * 2 + [(48, 192)] * 2 + [(64, 256)] * 2)
    assert unsqueezed == 9 * (96 * 64 + 128 * 64 + 128 * 128 + 256 * 128 + 256 * 192 + 384 * 192 + 384 * 256
                              + 512 * 256)


def test_deep_compression_figures_carry_their_source():
    for size in fm.DEEP_COMPRESSION:
        assert "Table 2" in size.source and size.size_mb > 0
    six = next(r for r in fm.DEEP_COMPRESSION if r.model == "squeezenet1_0" and r.bits == "6")
    assert (six.size_mb, six.ratio) == (0.47, 510)
