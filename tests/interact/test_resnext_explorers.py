"""The ResNeXt chapter's two kernel-free explorers: what a template costs and what it buys, readouts that fit a
phone's column, and the block sketch drawn to scale. Expected values come from the package's constants
(Table 2's templates, Table 3's errors) and from cnnviz's cost functions, never typed again here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from cnnviz.analysis import ops
from cnnviz.analysis.claims.resnext import TABLE3_TOP1_ERROR
from cnnviz.interact.static.base import StaticFigure
from cnnviz.interact.static.resnext import (
    PANEL_WIDTH,
    READOUT_CHARS,
    TABLE3_CITE,
    cardinality_figure,
    cardinality_rows,
    matched_rows,
    readout_text,
)
from cnnviz.models.lecture import RESNEXT_BLOCK, RESNEXT_TABLE2


@pytest.fixture(scope="module")
def matched() -> StaticFigure:
    return cardinality_figure(matched=True)


@pytest.fixture(scope="module")
def free() -> StaticFigure:
    return cardinality_figure()


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _title_lines(spec: dict[str, Any]) -> list[str]:
    lines = []
    for node in _walk(spec):
        title = node.get("title")
        if isinstance(title, dict):
            for key in ("text", "subtitle"):
                value = title.get(key, [])
                lines += [value] if isinstance(value, str) else list(value)
    return lines


def test_matched_explorer_holds_the_five_templates_with_their_table3_errors(matched: StaticFigure) -> None:
    rows = matched.datasets()["resnext_matched"]
    assert [(r["C"], r["d"]) for r in rows] == list(RESNEXT_TABLE2)
    assert {(r["C"], r["d"]): r["top1"] for r in rows} == {
        (C, d): TABLE3_TOP1_ERROR[(50, C, d)] for C, d in RESNEXT_TABLE2
    }
    (param,) = matched.spec["params"]
    assert param["bind"]["input"] == "radio" and param["value"] == RESNEXT_BLOCK.cardinality
    assert param["bind"]["options"] == [C for C, _ in RESNEXT_TABLE2]
    assert param["bind"]["labels"] == [f"{C}×{d}d" for C, d in RESNEXT_TABLE2]


def test_matched_explorer_shows_cost_and_error_and_cites_table3(matched: StaticFigure) -> None:
    cost, buys = matched.spec["vconcat"][1:3]
    assert {e["encoding"]["y"]["field"] for e in cost["layer"] if "y" in e.get("encoding", {})} == {"weights"}
    assert {e["encoding"]["y"]["field"] for e in buys["layer"]} == {"top1"}
    assert TABLE3_CITE == "Xie et al. 2017, Table 3" and TABLE3_CITE in _title_lines(matched.spec)
    assert "224×224 single crop" in json.dumps(buys["title"], ensure_ascii=False)


def test_free_explorer_marks_the_templates_and_their_errors(free: StaticFigure) -> None:
    marked = {(r["C"], r["d"]): r for r in free.datasets()["resnext_block"] if "top1" in r}
    assert {k: r["top1"] for k, r in marked.items()} == {
        k: TABLE3_TOP1_ERROR[(50, *k)] for k in RESNEXT_TABLE2
    }
    assert all(r["table2"] == f"{C}×{d}d" for (C, d), r in marked.items())


def test_readout_for_resnext50s_block() -> None:
    (row,) = matched_rows([32])
    cost = ops.bottleneck_block_cost(56, 256, 128, groups=32, out_channels=256)
    budget = ops.bottleneck_block_cost(56, 256, 64, out_channels=256)
    assert readout_text(row) == [
        "C = 32 paths of width d = 4 (C·d = 128)",
        f"{cost.params:,} convolution weights per block",
        f"{cost.params / budget.params:.2f}× the ResNet-50 bottleneck (1×64d)",
        f"{cost.macs:,} multiply-adds at 56×56",
        f"ResNeXt-50 top-1 error: {TABLE3_TOP1_ERROR[(50, 32, 4)]:.1f}% (Table 3)",
    ]


def test_readout_says_path_for_one_and_paths_for_more() -> None:
    one, two = matched_rows([1, 2])
    assert readout_text(one)[0] == "C = 1 path of width d = 64 (C·d = 64)"
    assert readout_text(two)[0] == "C = 2 paths of width d = 40 (C·d = 80)"
    (other,) = cardinality_rows([1], [7])
    assert readout_text(other)[0].startswith("C = 1 path of") and readout_text(other)[-1].startswith(
        "not a Table 2"
    )


@pytest.mark.parametrize("name", ["matched", "free"])
def test_readout_expressions_are_built_from_the_same_text(name: str, request: pytest.FixtureRequest) -> None:
    figure: StaticFigure = request.getfixturevalue(name)
    layers = figure.spec["vconcat"][0]["layer"]
    exprs = [next(t["calculate"] for t in layer["transform"] if t.get("as") == "text") for layer in layers]
    assert len(exprs) == len(readout_text(matched_rows([32])[0]))
    assert "((datum.C == 1) ? ' path' : ' paths')" in exprs[0]
    assert "' convolution weights per block'" in exprs[1]
    assert (
        "'ResNeXt-50 top-1 error: '" in exprs[4] and "'not a Table 2 template: no error reported'" in exprs[4]
    )


def test_every_readout_line_fits_a_phone_column() -> None:
    rows = cardinality_rows(range(1, 33), range(1, 65)) + matched_rows()
    longest = max((line for row in rows for line in readout_text(row)), key=len)
    assert len(longest) <= READOUT_CHARS, longest


@pytest.mark.parametrize("name", ["matched", "free"])
def test_views_and_titles_fit_a_phone_column(name: str, request: pytest.FixtureRequest) -> None:
    figure: StaticFigure = request.getfixturevalue(name)
    views = {k: v for k, v in figure.spec.items() if k != "datasets"}  # the rows have a "width" too: C·d
    widths = [node["width"] for node in _walk(views) if isinstance(node.get("width"), int | float)]
    assert widths and max(widths) <= PANEL_WIDTH < 300
    lines = _title_lines(figure.spec)
    assert lines and max(map(len, lines)) <= READOUT_CHARS, max(lines, key=len)


@pytest.mark.parametrize("name", ["matched", "free"])
def test_counts_are_named_convolution_weights(name: str, request: pytest.FixtureRequest) -> None:
    figure: StaticFigure = request.getfixturevalue(name)
    text = json.dumps(figure.spec, ensure_ascii=False) + figure.fallback + figure.alt
    assert "parameter" not in text.lower() and "convolution weights" in text


@pytest.mark.parametrize("name", ["matched", "free"])
def test_block_sketch_is_to_scale_and_labels_its_rows(name: str, request: pytest.FixtureRequest) -> None:
    figure: StaticFigure = request.getfixturevalue(name)
    sketch = figure.spec["vconcat"][-1]
    assert sketch["name"] == "block_sketch"
    text = json.dumps(sketch, ensure_ascii=False)
    labels = [v["text"] for node in _walk(sketch) for v in node.get("values", []) if "text" in v and "y" in v]
    assert labels[:3] == ["1×1", "3×3", "1×1"]
    # one x scale for the paths' boxes (d channels each) and the bars of the 256 channels in and out
    assert '"x1": 256' in text and "datum.D" in text and "max(256, " in text
