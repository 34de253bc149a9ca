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


def test_the_papers_figure_3_as_its_text_states_it():
    """The printed labels of Fig. 3 against the paper's text: "from 80.3% (i.e. AlexNet-level) with a 4.8MB
    model to 86.0% with a 19MB model. Accuracy plateaus at 86.0% with SR=0.75" (Sec. 5.2); Fig. 3b's sweep
    is "SR = 0.500, and we vary pct3x3 from 1% to 99%" (Sec. 5.3); "the 13MB models in Figure 3(a) and
    Figure 3(b) are the same architecture"."""
    by = {(p.panel, p.squeeze_ratio, p.pct3x3): p for p in fm.DESIGN_ACCURACY}
    sq, plateau = by[("3a", 0.125, 0.5)], by[("3a", 0.75, 0.5)]
    assert (sq.top5, sq.size_mb, sq.printed) == (80.3, 4.8, True)
    assert (plateau.top5, plateau.size_mb, plateau.printed) == (86.0, 19, True)
    assert by[("3a", 1.0, 0.5)].top5 <= plateau.top5  # "SR=1.0 further increases model size without improving"
    same_a, same_b = by[("3a", 0.5, 0.5)], by[("3b", 0.5, 0.5)]
    assert (same_a.top5, same_a.size_mb) == (same_b.top5, same_b.size_mb) == (85.3, 13)
    assert {p.squeeze_ratio for p in fm.DESIGN_ACCURACY if p.panel == "3b"} == {0.5}
    assert {p.pct3x3 for p in fm.DESIGN_ACCURACY if p.panel == "3a"} == {0.5}
    b = sorted(p.pct3x3 for p in fm.DESIGN_ACCURACY if p.panel == "3b")
    assert (b[0], b[-1]) == (0.01, 0.99)
    # SqueezeNet's own point is Table 2's top-5
    table2 = next(r for r in fm.DEEP_COMPRESSION if (r.model, r.bits) == ("squeezenet1_0", "32"))
    assert sq.top5 == pytest.approx(100 * table2.top5_accuracy)


def test_read_off_points_say_so():
    for p in fm.DESIGN_ACCURACY:
        assert ("printed" in p.source) == p.printed and "iandola2016squeezenet, Fig. 3" in p.source
        if not p.printed:
            assert f"±{fm.READ_OFF_PRECISION:g} points" in p.source
    assert 0 < sum(p.printed for p in fm.DESIGN_ACCURACY) < len(fm.DESIGN_ACCURACY)


def test_design_accuracy_never_interpolates():
    assert fm.design_accuracy(0.375, 0.5) == ()  # between Fig. 3a's 0.25 and 0.5
    assert fm.design_accuracy(0.125, 0.25) == ()  # Fig. 3b's share, at another SR
    assert [p.panel for p in fm.design_accuracy(0.5, 0.5)] == ["3a", "3b"]


def test_early_pools_network_moves_only_the_pools():
    moved, built = fm.early_pools_network(), models.get("squeezenet1_0")
    assert sum(p.numel() for p in moved.parameters()) == sum(p.numel() for p in built.parameters())
    assert [type(m).__name__ for m in moved.features].index("MaxPool2d") == 2
    pools = [i for i, m in enumerate(moved.features) if type(m).__name__ == "MaxPool2d"]
    assert pools == [i for i, m in enumerate(models.get("squeezenet1_1").features) if type(m).__name__ == "MaxPool2d"]
    assert moved.features[0].kernel_size == built.features[0].kernel_size == (7, 7)
    with pytest.raises(ValueError, match=r"early_pools_network: num_classes must be a positive integer"):
        fm.early_pools_network(num_classes=0)
