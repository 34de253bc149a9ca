"""Prose: the chapters' sentences with their computed numbers, readable in any notebook front end."""

from __future__ import annotations

import pytest

from cnnviz.interact.prose import Prose, unresolved_markup
from cnnviz.models.resnet import BasicBlock


def test_a_paragraph_shows_the_numbers_it_cites():
    prose = Prose()
    prose.glue("macs", f"{1_234_567:,}")
    paragraph = prose("""
        The module costs {{macs}} multiply-adds ({{ macs }} again).
    """)
    assert paragraph.markdown == "The module costs 1,234,567 multiply-adds (1,234,567 again)."
    assert paragraph._repr_markdown_() == paragraph.markdown


def test_running_a_cell_again_replaces_a_number():
    prose = Prose()
    prose.glue("n", 1)
    prose.glue("n", 2)
    assert prose("{{n}}").markdown == "2"


def test_a_missing_number_is_an_error_that_names_it():
    prose = Prose()
    prose.glue("known", 1)
    with pytest.raises(KeyError, match="no number named unknown.*known"):
        prose("{{unknown}}")


@pytest.mark.parametrize("markup", ["{glue:text}`x`", "{cite:p}`he2016deep`", "{doc}`resnet`", "```{admonition} Note\nx\n```"])
def test_sphinx_markup_is_refused(markup: str):
    assert unresolved_markup(markup)
    with pytest.raises(ValueError, match="Sphinx markup"):
        Prose()(markup)


def test_math_links_and_html_admonitions_are_plain_markdown():
    text = '$\\frac{a}{b}$, [ResNet](resnet.ipynb), <div class="admonition tip">\n\n- x\n\n</div>, `code {x}`'
    assert unresolved_markup(text) == []
    assert Prose()(text).markdown == text


def test_a_bad_name_is_refused():
    with pytest.raises(ValueError, match="name='two words'"):
        Prose().glue("two words", 1)


def test_source_shows_the_code_that_runs():
    code = Prose.source(BasicBlock).markdown
    assert code.startswith("```python\nclass BasicBlock")
    assert "def forward" in code and code.endswith("```")


def test_source_keeps_a_span_of_a_module():
    from cnnviz.models import vgg

    code = Prose.source(vgg, start_at="# Table 1, column by column.", end_at="FC_LAYERS =").markdown
    lines = code.splitlines()
    assert "# Table 1, column by column." in lines[1] and "FC_LAYERS =" in lines[-2]


def test_source_errors_name_the_argument():
    from cnnviz.models import vgg

    with pytest.raises(ValueError, match="start_at='no such line'"):
        Prose.source(vgg, start_at="no such line")
    with pytest.raises(ValueError, match="obj=3"):
        Prose.source(3)
