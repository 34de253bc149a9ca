"""The theme's colours: every text colour legible on what it is drawn on, and the stylesheet in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnnviz.render import theme

CSS = Path(__file__).resolve().parents[2] / "book" / "_assets" / "cnnviz.css"


@pytest.mark.parametrize("colour", [theme.INK, theme.MUTED, theme.HOLDS, theme.OFF, theme.DIMMED])
def test_text_colours_are_legible_on_paper(colour):
    assert theme.contrast_ratio(colour, theme.PAPER) >= 4.5


@pytest.mark.parametrize("colour", [theme.HOLDS_ON_DARK, theme.OFF_ON_DARK])
def test_dark_page_verdict_colours_are_legible(colour):
    assert theme.contrast_ratio(colour, theme.DARK_PAGE) >= 4.5


def test_stylesheet_uses_the_themes_colours():
    css = CSS.read_text(encoding="utf-8").lower()
    for colour in (theme.HOLDS, theme.OFF, theme.HOLDS_ON_DARK, theme.OFF_ON_DARK, theme.PAPER, theme.INK):
        assert colour.lower() in css, colour


def test_node_fills_are_light_tints_under_dark_text():
    for kind, colour in theme.FILL.items():
        assert theme.contrast_ratio(colour, theme.TEXT) >= 7.0, kind  # well clear of 4.5: text on a light box


def test_tint():
    assert theme.tint("#000000", 0.5) == "#808080" and theme.tint("#D55E00", 0.0) == "#D55E00"
    with pytest.raises(ValueError, match="amount"):
        theme.tint("#000000", 1.5)
