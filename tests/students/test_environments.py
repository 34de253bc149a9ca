"""What a student does on Binder and on Colab, done here in fresh environments (``scripts/student_env.py``).

Each environment executes every chapter top to bottom in its own kernel, live widget cells included, and
must stay within the memory budget; no book tooling (jupyter-book, myst-nb, Sphinx) is installed there.
Slow (every chapter twice): ``make test-students``.

Where a chapter's kernel starts is where the student's does:

- Binder checks the repository out and opens ``book/<chapter>.ipynb``, with cnnviz installed editable from
  that checkout: there the chapters run from ``book/`` of this repository.
- Colab opens one notebook alone, and its first cell ``pip install``s cnnviz: there each chapter runs from a
  folder that holds only its notebook, with cnnviz installed from a copy (not editable). A chapter that reads
  a file beside it, or one of the repository's, fails there; its data must be package data, found through
  ``cnnviz.experiments.logs.shipped_runs``.
- The instructors' page is read on the site or in a checkout, never on Colab (it has no install cell): it
  measures the chapters' notebooks and reads the book's configuration. It runs from a copy of exactly the
  files :data:`CHECKOUT_PAGES` lists for it, so whatever else of the repository it reads fails the test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

from scripts.execute_notebook import KERNEL_BUDGET_MIB, execute
from scripts.student_env import BINDER_REQUIREMENTS, ensure

pytestmark = pytest.mark.students

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
ENVS = ("binder", "colab")
# Pages opened in a checkout of the repository, with the files of it they read (globs, from the root).
CHECKOUT_PAGES = {"instructors": ("_config.yml", "_toc.yml", "book/*.ipynb")}


@pytest.fixture(scope="module", params=ENVS)
def env(request: pytest.FixtureRequest) -> tuple[str, Path]:
    return request.param, ensure(request.param)


def _run(venv: Path, code: str) -> str:
    """Run ``code`` with the environment's Python in an empty folder: ``python -c`` puts its working folder
    first on ``sys.path``, so in the checkout it would import the checkout's cnnviz (and list its egg-info)."""
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=empty)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _place(name: str, path: Path, tmp: Path) -> Path:
    """Where the student's copy of the notebook ``path`` lies in environment ``name`` (see the module's doc)."""
    if name == "binder":
        return path
    if path.stem in CHECKOUT_PAGES:
        for pattern in CHECKOUT_PAGES[path.stem]:
            for source in sorted(ROOT.glob(pattern)):
                (tmp / source.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, tmp / source.relative_to(ROOT))
        return tmp / path.relative_to(ROOT)
    shutil.copy(path, tmp / path.name)
    assert [p.name for p in tmp.iterdir()] == [path.name]  # the notebook alone, as Colab opens it
    return tmp / path.name


def _versions(venv: Path) -> dict[str, str]:
    out = _run(venv, "import json, importlib.metadata as m; "
                     "print(json.dumps({d.metadata['Name'].lower().replace('_', '-'): d.version for d in m.distributions()}))")  # fmt: skip
    return json.loads(out)


def test_the_environment_has_no_book_tooling(env: tuple[str, Path]) -> None:
    name, venv = env
    installed = _versions(venv)
    for tool in ("jupyter-book", "myst-nb", "myst-parser", "sphinx", "pytest", "playwright"):
        assert tool not in installed, f"{name}: {tool} is installed; a student's environment does not have it"
    assert installed["torch"].startswith("2.13.0") and "cnnviz" in installed


def test_binder_installs_exactly_its_pins() -> None:
    """Nothing unpinned slips in: every distribution pip installed from binder/requirements.txt is pinned there
    at the version installed (cnnviz itself comes from postBuild)."""
    pins = {}
    for line in BINDER_REQUIREMENTS.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    installed = {re.sub(r"[-_.]+", "-", k): v for k, v in _versions(ensure("binder")).items()}
    installed = {k: v.split("+")[0] for k, v in installed.items() if k not in ("cnnviz", "pip", "setuptools")}
    assert installed == pins


def test_colab_stack_is_left_as_colab_has_it() -> None:
    """The Colab cell's install of cnnviz (with dependencies) moves none of Colab's own packages."""
    installed = _versions(ensure("colab"))
    assert installed["ipywidgets"] == "7.7.1" and installed["altair"].startswith("5.5.")
    assert installed["torch"].startswith("2.13.0") and "torchinfo" in installed  # torchinfo came with cnnviz


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_chapter_runs_within_the_budget(env: tuple[str, Path], path: Path, tmp_path: Path) -> None:
    name, venv = env
    where = _place(name, path, tmp_path)
    notebook, peak_mib = execute(where, python=str(venv / "bin" / "python"), timeout=300, run_skipped=True)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], f"{name}: {path.name}: {errors}"
    assert peak_mib <= KERNEL_BUDGET_MIB, f"{name}: {path.name}: the kernel peaked at {peak_mib:.0f} MiB"
    figures = [o for c in notebook.cells for o in c.get("outputs", [])
               if "cnnviz-figure" in str(o.get("data", {}).get("text/html", ""))]  # fmt: skip
    kernel_free = sum("cnnviz.interact.static" in c.source for c in nbformat.read(path, 4).cells)
    assert bool(figures) == bool(kernel_free), f"{name}: {path.name}: a kernel-free figure without its renderer"


def test_the_colab_install_carries_every_file_of_the_package() -> None:
    """Installed from a copy, not editable, as the Colab cell installs it, cnnviz has every file of ``cnnviz/``:
    the logs, weights and data files its chapters read are package data (pyproject's package-data)."""
    venv = ensure("colab")
    installed = Path(_run(venv, "import cnnviz, pathlib; print(pathlib.Path(cnnviz.__file__).parent)").strip())
    assert installed.is_relative_to(venv), f"the Colab-like environment imports cnnviz from {installed}"

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}

    source = files(ROOT / "cnnviz")
    assert any(f.startswith("experiments/runs/") for f in source)  # the shipped run logs are in the tree
    missing = sorted(source - files(installed))
    assert missing == [], f"not installed with cnnviz (list them in pyproject's package-data): {missing}"


def test_live_explorers_respond_to_their_controls(env: tuple[str, Path]) -> None:
    """Every live explorer builds and recomputes when its first control moves, under ipywidgets 7 and 8."""
    name, venv = env
    report = json.loads(_run(venv, (ROOT / "tests" / "students" / "move_sliders.py").read_text()))
    assert report["ipywidgets"].startswith({"binder": "8.", "colab": "7.7.1"}[name])
    assert len(report["explorers"]) >= 8, report
    unchanged = {k: v for k, v in report["explorers"].items() if not v["changed"]}
    assert unchanged == {}, f"{name}: moving a control changed nothing: {unchanged}"
