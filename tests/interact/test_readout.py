"""The readout spec: one tuple of parts per line, rendered as text and as a Vega expression."""

from __future__ import annotations

import altair as alt
import pytest

from cnnviz.interact.static import readout
from cnnviz.interact.static.readout import Either, Field, When, optional, plural

LINE = ("C = ", Field("C"), plural("C", " path", " paths"), ", ", Field("weights", ","), " weights")


def test_text_formats_fields_and_picks_the_branch_the_row_meets():
    assert readout.text(LINE, {"C": 1, "weights": 12345}) == "C = 1 path, 12,345 weights"
    assert readout.text(LINE, {"C": 32, "weights": 7}) == "C = 32 paths, 7 weights"
    more = (When(lambda row: row["n"] > 1, "datum.n > 1", ("ratio ", Field("r", ".2f")), ("one layer",)),)
    assert readout.text(more, {"n": 3, "r": 0.7777}) == "ratio 0.78"
    assert readout.text(more, {"n": 1, "r": 1.0}) == "one layer"


def test_either_and_optional_read_the_field_or_fall_back():
    line = (Either("paper", ("none for ", Field("d"))),)
    assert readout.text(line, {"paper": "3.89%", "d": 28}) == "3.89%"
    assert readout.text(line, {"d": 40}) == "none for 40"
    assert readout.text((optional("note"),), {}) == ""


def test_expr_is_the_same_line_in_vega():
    assert readout.expr(LINE) == (
        "'C = ' + ('' + datum.C) + ((datum.C == 1) ? ' path' : ' paths') + ', ' + format(datum.weights, ',')"
        " + ' weights'"
    )
    assert readout.expr((Either("paper", ("none",)),)) == "(isValid(datum.paper) ? datum.paper : 'none')"
    assert readout.expr((optional("note"),)) == "(isValid(datum.note) ? datum.note : '')"
    assert readout.expr(()) == "''"


def test_quote_escapes_what_would_end_a_vega_string():
    assert readout.quote("it's a\\b") == "'it\\'s a\\\\b'"


def test_a_part_of_another_kind_is_refused_by_name():
    with pytest.raises(TypeError, match="Field, When or Either, not 3"):
        readout.text(("a", 3), {})
    with pytest.raises(TypeError, match="not 3"):
        readout.expr(("a", 3))


def test_layer_names_every_line_and_refuses_a_missing_name():
    current = alt.Chart(alt.Data(values=[{"C": 2, "weights": 10}]))
    chart = readout.layer(alt, current, [readout.expr(LINE), "'second'"], 200, ["first", "second"])
    assert [view.name for view in chart.layer] == ["first", "second"]
    with pytest.raises(ValueError, match="2 expressions but 1 names"):
        readout.layer(alt, current, [readout.expr(LINE), "'second'"], 200, ["first"])
