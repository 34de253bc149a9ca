"""The files the students' paths are built from: binder/, the Colab install cell, the package's dependencies.

Fast checks of what the slow tests (``test_environments.py``, ``test_jupyterlab.py``) then run for real.
The repository URL lives in ``_config.yml`` (``repository.url``: Jupyter Book's launch buttons read it
there); each chapter's Colab cell must carry the same URL, checked here, since on Colab the cell runs before
the repository exists on the machine and so cannot read any file of it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
BOOK_TOOLS = {"jupyter-book", "myst-nb", "myst-parser", "sphinx", "sphinx-book-theme", "sphinxcontrib-bibtex",
              "pytest", "playwright", "ruff", "hypothesis"}  # fmt: skip


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "-")):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{path.name}: {line} is not pinned exactly"
            pins[_name(requirement.name)] = spec.version
    return pins


def test_binder_folder_is_what_repo2docker_reads() -> None:
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"  # the local torch wheel's Python
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild only when it is executable"
    assert "pip install --no-cache-dir --no-deps -e ." in post_build.read_text()
    assert not (ROOT / "apt.txt").exists(), "binder/ makes repo2docker ignore the root's files: one apt.txt"


def test_binder_requirements_are_the_runtime_subset_at_the_same_versions() -> None:
    binder, root = _pins(BINDER / "requirements.txt"), _pins(ROOT / "requirements.txt")
    assert {k: root.get(k) for k in binder} == binder, "binder/requirements.txt and requirements.txt disagree"
    assert not BOOK_TOOLS & set(binder), f"book or test tools on Binder: {sorted(BOOK_TOOLS & set(binder))}"
    runtime = [_name(Requirement(d).name) for d in _pyproject()["project"]["dependencies"]]
    assert set(runtime) | {"ipykernel", "jupyterlab"} <= set(binder)
    assert binder["torch"] == root["torch"]
    indexes = [line for line in (BINDER / "requirements.txt").read_text().splitlines() if line.startswith("--")]
    assert indexes == ["--extra-index-url https://download.pytorch.org/whl/cpu"]  # the CPU wheel, not CUDA's


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.mark.parametrize(("package", "colab_version"), [("ipywidgets", "7.7.1"), ("altair", "5.5.0"),
                                                         ("graphviz", "0.21")])  # fmt: skip
def test_the_package_admits_colabs_stack(package: str, colab_version: str) -> None:
    """pip keeps Colab's own packages when it installs cnnviz only if cnnviz's requirements admit them."""
    requirements = {_name(Requirement(d).name): Requirement(d) for d in _pyproject()["project"]["dependencies"]}
    assert requirements[package].specifier.contains(colab_version, prereleases=False)
    assert not requirements["torch"].specifier  # whichever CPU torch Colab has: never replaced by a CUDA one
    assert not {_name(n) for n in requirements} & BOOK_TOOLS
    assert _pyproject()["project"]["requires-python"] == ">=3.11"  # Colab's 3.13 included


def _colab_cell(url: str) -> str:
    return (
        "#@title Install cnnviz on Colab\n"  # a Colab form: hidden there, as on the site (notebook_visibility)
        "# On Colab, install cnnviz first (Binder and `make lab` already have it).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "cnnviz @ git+{url}"'
    )


# The instructors' page reads the repository's _config.yml and _toc.yml: it is read on the site or in a
# checkout, never opened on Colab, so it has no install cell.
STUDENT_CHAPTERS = [p for p in CHAPTERS if p.stem != "instructors"]


@pytest.mark.parametrize("path", STUDENT_CHAPTERS, ids=[p.stem for p in STUDENT_CHAPTERS])
def test_the_colab_cell_installs_cnnviz_from_the_launch_buttons_repository(path: Path) -> None:
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert url.startswith("https://github.com/")
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert code[0].source == _colab_cell(url), f"{path.name}: the first code cell is not the Colab install cell"
    assert "remove-cell" in code[0].metadata.get("tags", [])
    assert sum("google.colab" in c.source for c in code) == 1


# A chapter reads no file by a path: on Colab its folder holds only the notebook and there is no repository
# around it. Its data is package data, found through cnnviz.experiments.logs.shipped_runs (the instructors'
# page, read in a checkout, is the one page that reads the book's files).
_PATH_CALLS = {"open", "Path", "PurePath", "listdir", "scandir", "getcwd", "chdir", "walk", "glob", "rglob",
               "iterdir", "read_text", "read_bytes", "loadtxt", "genfromtxt", "read_csv", "imread"}  # fmt: skip
_PATH_LOADERS = {("torch", "load"), ("np", "load"), ("numpy", "load"), ("pickle", "load")}
_LOG_READERS = {"load_log", "load_logs", "load_runs", "load_grid", "summarize"}


def _file_reads(source: str) -> list[str]:
    """The calls in ``source`` (a code cell, IPython magics allowed) that read a file by a path."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    found = []
    for node in ast.walk(ast.parse(TransformerManager().transform_cell(source))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        shipped = [a for a in node.args if isinstance(a, ast.Call) and getattr(a.func, "id", "") == "shipped_runs"]
        if (name in _PATH_CALLS or (owner, name) in _PATH_LOADERS
                or (name in _LOG_READERS and node.args and not shipped
                    and isinstance(node.args[0], ast.Constant | ast.Call))):  # fmt: skip
            found.append(ast.unparse(node))
    return found


def test_the_file_read_check_finds_reads_by_path() -> None:
    cell = ('%pip install x\nfrom pathlib import Path\nc = Path("../_config.yml").read_text()\n'
            'w = {p.stem for p in Path(".").glob("*.ipynb")}\nlogs = load_logs("data/degradation")\n'
            'ok = load_logs(shipped_runs("degradation-cpu"))\nm = models.get("vgg16")')  # fmt: skip
    reads = _file_reads(cell)
    assert any("_config.yml" in r for r in reads) and any(".glob(" in r for r in reads)
    assert "load_logs('data/degradation')" in reads
    assert not any("shipped_runs" in r or "vgg16" in r for r in reads), reads


@pytest.mark.parametrize("path", STUDENT_CHAPTERS, ids=[p.stem for p in STUDENT_CHAPTERS])
def test_no_chapter_reads_a_file_by_path(path: Path) -> None:
    reads = {i: _file_reads(c.source) for i, c in enumerate(nbformat.read(path, as_version=4).cells)
             if c.cell_type == "code"}  # fmt: skip
    reads = {i: r for i, r in reads.items() if r}
    assert reads == {}, (f"{path.name} reads files by path (cell: calls); on Colab the chapter's folder holds "
                         f"only the notebook: ship the data with cnnviz and find it with shipped_runs: {reads}")
