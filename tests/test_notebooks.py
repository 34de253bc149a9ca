"""What every chapter's notebook holds, read without running it.

Where each chapter runs: the strict site build (``make test``) executes every chapter in this environment and
fails on a failing cell (``_config.yml``: ``raise_on_error``, ``allow_errors: false``); ``make test-students``
executes every chapter in Binder's and Colab's environments, within the kernel memory budget that Binder sets
(``tests/students/test_environments.py``). Running them here a third time would test nothing more.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from cnnviz.interact.prose import Prose, unresolved_markup

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("*.ipynb"))


def test_the_book_has_chapters():
    assert CHAPTERS, f"no notebooks found in {BOOK}"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_is_committed_with_outputs_stripped(path: Path):
    for cell in nbformat.read(path, as_version=4).cells:
        assert not cell.get("outputs"), f"{path.name}: commit notebooks with outputs stripped"
        assert cell.get("execution_count") is None, f"{path.name}: commit notebooks without execution counts"


def test_the_build_fails_on_a_failing_cell():
    """The site build is where this environment runs the chapters: it must stop on an error."""
    execute = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["execute"]
    assert execute["execute_notebooks"] == "force" and execute["raise_on_error"] is True
    assert execute["allow_errors"] is False


def _markdown(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def _code(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_a_plain_notebook_shows_no_build_markup(path: Path):
    """JupyterLab, Notebook 7, VS Code and Colab render Markdown cells as CommonMark: a Sphinx role or
    directive, or a placeholder, would reach a student verbatim. Numbers come from ``prose`` cells."""
    for source in _markdown(path):
        assert unresolved_markup(source) == [], f"{path.name}: Sphinx markup in a Markdown cell: {source[:200]}"
        assert "{{" not in source, f"{path.name}: a placeholder in a Markdown cell: {source[:200]}"
    for source in _code(path):
        assert "myst_nb" not in source, f"{path.name}: a chapter must run without myst-nb: {source[:200]}"
    for source in _markdown(path) + [s for s in _code(path) if "prose(" in s]:
        # CommonMark ends an HTML block only at a blank line: without one, the Markdown after a box is raw text
        assert not re.search(r"</div>\n[^\n]", source), f"{path.name}: no blank line after </div>: {source[:200]}"


def test_the_intro_lists_every_chapter_of_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    listed = re.findall(r"\]\((\w+)\.ipynb\)", "\n".join(_markdown(BOOK / "intro.ipynb")))
    chapters = [Path(c["file"]).name for part in toc["parts"] for c in part["chapters"]]
    assert [c for c in listed if c in chapters] == chapters


_SOURCE_CALL = re.compile(r"\b[Pp]rose\.source\((\w+)(?:, ([^)]*))?\)")  # also inside a call (a folded listing)


def _imported(path: Path, name: str) -> object:
    """The object ``name`` as the chapter imports it (``from cnnviz... import name``)."""
    for source in _code(path):
        python = re.sub(r"^(\s*)%.*$", r"\1pass", source, flags=re.M)  # IPython magics are not Python
        for node in ast.walk(ast.parse(python)):
            if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
                return getattr(importlib.import_module(node.module), name)
    raise AssertionError(f"{path.name}: prose.source({name}) but {name} is never imported")


def test_the_chapters_show_the_code_they_measure():
    """Each written chapter shows the zoo's code it measures (``prose.source``), read from the package."""
    expected = {"alexnet": {"AlexNet"}, "zfnet": {"ZFNet"}, "vgg": {"VGG", "make_features"},
                "googlenet": {"InceptionModule"}, "nin": {"Mlpconv", "MlpconvSpec"},
                "resnet": {"BasicBlock", "Bottleneck"}, "wide_resnet": {"WideBasicBlock"},
                "resnext": {"AggregatedBottleneck"}, "stochastic_depth": {"StochasticDepthBlock"},
                "fractalnet": {"FractalBlock", "Join"}, "densenet": {"DenseBlock", "BottleneckLayer", "Transition"},
                "squeezenet": {"Fire"}}  # fmt: skip
    for chapter, objects in expected.items():
        shown = set()
        path = BOOK / f"{chapter}.ipynb"
        for call in _SOURCE_CALL.finditer("\n".join(_code(path))):
            name, options = call.groups()
            obj = _imported(path, name)
            call_node = ast.parse(f"f({options or ''})").body[0].value
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call_node.keywords}  # the cell's own arguments
            code = Prose.source(obj, **kwargs).markdown
            assert code.count("\n") > 3, f"{chapter}: prose.source({name}) shows almost nothing"
            shown.add(name)
        assert objects <= shown, f"{chapter} should show {objects}, shows {shown}"
