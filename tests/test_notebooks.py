"""Every chapter executes top to bottom in a fresh kernel, as a student would run it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from scripts.execute_notebook import KERNEL_BUDGET_MIB, execute

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("*.ipynb"))


def test_the_book_has_chapters():
    assert CHAPTERS, f"no notebooks found in {BOOK}"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_executes_within_the_memory_budget(path: Path):
    for cell in nbformat.read(path, as_version=4).cells:
        assert not cell.get("outputs"), f"{path.name}: commit notebooks with outputs stripped"
    notebook, peak_mib = execute(path, timeout=300)  # raises CellExecutionError naming the cell and its traceback
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    assert peak_mib <= KERNEL_BUDGET_MIB, (
        f"{path.name}: the kernel peaked at {peak_mib:.0f} MiB, over the budget of 1.5 GB ({KERNEL_BUDGET_MIB:.0f} "
        "MiB) that leaves Binder's Jupyter server room within the session's 2 GB"
    )


def _literalincludes(path: Path) -> list[tuple[str, str]]:
    """(argument, options block) of every ```{literalinclude} fence in the chapter's Markdown cells."""
    import re

    notebook = nbformat.read(path, as_version=4)
    fence = re.compile(r"```\{literalinclude\} (\S+)\n((?::[^\n]*\n)*)```")
    return [m.groups() for c in notebook.cells if c.cell_type == "markdown" for m in fence.finditer(c.source + "\n")]


def test_the_chapters_show_the_code_they_measure():
    """Each written chapter includes the zoo's code it measures, and every include resolves as the book's
    build reads it (MyST options, Sphinx's literalinclude reader), so ``-W`` cannot fail on one."""
    pytest.importorskip("sphinx")
    options_to_items = pytest.importorskip("myst_parser.parsers.options").options_to_items
    from sphinx.config import Config
    from sphinx.directives.code import LiteralInclude, LiteralIncludeReader

    expected = {"alexnet": {"AlexNet"}, "zfnet": {"ZFNet"}, "vgg": {"VGG", "make_features"},
                "googlenet": {"InceptionModule"}, "nin": {"Mlpconv", "MlpconvSpec"},
                "resnet": {"BasicBlock", "Bottleneck"}, "wide_resnet": {"WideBasicBlock"},
                "resnext": {"AggregatedBottleneck"}, "stochastic_depth": {"StochasticDepthBlock"},
                "fractalnet": {"FractalBlock", "Join"}, "densenet": {"DenseBlock", "BottleneckLayer", "Transition"}}  # fmt: skip
    config = Config()
    config.source_encoding = "utf-8"
    for chapter, objects in expected.items():
        includes = _literalincludes(BOOK / f"{chapter}.ipynb")
        shown = set()
        for argument, block in includes:
            options, state = options_to_items("\n".join(line[1:] for line in block.splitlines()))
            assert not state.has_comments, f"{chapter}: a '#' in an option must be quoted: {block}"
            options = {key: LiteralInclude.option_spec[key](value) for key, value in options}  # as the build
            text, lines = LiteralIncludeReader(str(BOOK / argument), options, config).read()
            assert lines > 3 and text.strip(), f"{chapter}: {argument} {options} includes nothing"
            shown.add(options.get("pyobject"))
        assert objects <= shown, f"{chapter} should show {objects}, shows {shown}"
