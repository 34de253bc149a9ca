"""The comparison chapter's kernel-free figures: the readout fits a phone's column, and every axis the menus
offer is a number of the comparison's records."""

from __future__ import annotations

import json

import pytest

from cnnviz.analysis.compare import comparison
from cnnviz.interact.static.base import PHONE_READOUT_CHARS
from cnnviz.interact.static.compare import AXES, compare_figure, compare_rows


@pytest.fixture(scope="module")
def comp():
    return comparison(["alexnet", "squeezenet1_1", "resnet20"])


def test_each_readout_line_fits_a_phone(comp):
    for axis, title in AXES.items():
        for line in (f"x: {title}", f"y: {title}"):
            assert len(line) <= PHONE_READOUT_CHARS, (axis, line)
    spec = json.loads(compare_figure(comp, x="params", y="saved_mb").spec_json())
    readout = [v for v in spec["vconcat"] if v.get("name") == "readout_axes"]
    assert len(readout) == 1 and len(readout[0]["data"]["values"]) == 2  # one line per axis


def test_every_axis_is_a_field_of_the_rows(comp):
    rows = compare_rows(comp)
    for axis in AXES:
        assert all(axis in r for r in rows), axis
    r20 = next(r for r in rows if r["network"] == "resnet20")
    row = comp.row("resnet20")
    assert (r20["saved_mb"], r20["training_mb"]) == (round(row.saved_bytes / 1e6, 2), round(row.training_bytes / 1e6, 2))
    assert r20["epoch_min"] is None and r20["time_ratio"] is None  # no benchmark file given: no times
