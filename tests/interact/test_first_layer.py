"""The first-layer explorer of the AlexNet and ZFNet chapters: figure, rows and live widget, checked against
the zoo's networks (the ledger of the built model), not against typed numbers."""

from __future__ import annotations

import json

import pytest

from cnnviz.analysis.ledger import ledger
from cnnviz.interact.first_layer_widget import first_layer_widget, render_first_layer
from cnnviz.interact.static.alexnet import conv1_figure
from cnnviz.interact.static.first_layer import (
    KERNELS,
    STRIDES,
    first_layer,
    first_layer_cost,
    first_layer_rows,
)
from cnnviz.interact.static.zfnet import conv1_change_figure


@pytest.fixture(scope="module")
def conv1_rows():
    """The ledger's conv1 row of each network, as built."""
    return {name: next(r for r in ledger(name).rows if r.name == "features.conv1") for name in ("alexnet", "zfnet")}


@pytest.mark.parametrize("name", ["alexnet", "zfnet"])
def test_first_layer_is_read_from_the_built_network(name, conv1_rows):
    layer = first_layer(name)
    row = conv1_rows[name]
    assert (layer.kernel, layer.stride, layer.padding) == (row.kernel[0], row.stride[0], row.padding[0])
    assert layer.filters == row.output_shape[0] and layer.in_hw == row.input_shape[1]
    cost = first_layer_cost(layer)
    assert cost.out_hw == tuple(row.output_shape[1:]) and cost.params == row.params and cost.macs == row.macs


def test_rows_cover_every_slider_position_and_agree_with_ops():
    layer = first_layer("zfnet")
    rows = first_layer_rows(layer)
    assert len(rows) == len(KERNELS) * len(STRIDES)
    for row in rows:
        cost = first_layer_cost(layer, row["kernel"], row["stride"])
        assert row["values"] == cost.out_hw[0] * cost.out_hw[1] * layer.filters
        assert row["params"] == cost.params and row["macs"] == cost.macs
        assert f"{row['values']:,} values" in row["line1"] and f"{cost.macs:,} multiply-adds" in row["line2"]
    # a larger stride never gives a larger output
    for k in KERNELS:
        outs = [r["out"] for r in rows if r["kernel"] == k]
        assert outs == sorted(outs, reverse=True)


def test_alexnet_figure_starts_at_the_paper_and_has_two_sliders(conv1_rows):
    figure = conv1_figure()
    assert figure.sliders == ("kernel", "stride")
    row = conv1_rows["alexnet"]
    assert f"{row.macs:,} multiply-adds" in figure.fallback and "11×11 filters at stride 4" in figure.fallback
    params = {p["name"]: p for p in figure.spec["params"]}
    assert params["kernel"]["value"] == 11 and params["stride"]["value"] == 4
    with pytest.raises(ValueError, match="kernel=4 is not a slider position"):
        conv1_figure(kernel=4)


def test_zfnet_figure_compares_with_alexnets_conv1(conv1_rows):
    figure = conv1_change_figure()
    spec = json.dumps(figure.spec, ensure_ascii=False)
    alexnet = conv1_rows["alexnet"]
    assert "readout_alexnet" in spec and f"{alexnet.params:,} parameters" in spec
    assert "7×7 filters at stride 2" in figure.fallback


def test_render_first_layer_and_widget():
    view = render_first_layer("zfnet", kernel=11, stride=4, filters=96)
    alexnet_like = first_layer_cost(first_layer("zfnet"), 11, 4)
    assert view.numbers["macs"] == alexnet_like.macs and view.error is None
    assert view.rows[1][0].startswith("paper: 96 of 7×7, stride 2")
    bad = render_first_layer("zfnet", kernel=300, stride=1)
    assert bad.error is not None and "does not fit" in bad.error
    with pytest.raises(ValueError, match="stride"):
        render_first_layer("alexnet", stride=0)
    box = first_layer_widget("alexnet")
    state = box.explorer
    assert set(state.controls) == {"kernel", "stride", "filters"}
    state.controls["stride"].value = 2
    assert state.view is not None and state.view.numbers["out"] == first_layer_cost(first_layer("alexnet"), 11, 2).out_hw[0]
    with pytest.raises(ValueError, match="model"):
        first_layer_widget("vgg16")
