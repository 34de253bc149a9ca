"""What a student does on Binder and on Colab, done here in fresh environments (``scripts/student_env.py``).

Each environment executes every chapter top to bottom in its own kernel, live widget cells included, and
must stay within the memory budget; no book tooling (jupyter-book, myst-nb, Sphinx) is installed there.
Slow (every chapter twice): ``make test-students``.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from scripts.execute_notebook import KERNEL_BUDGET_MIB, execute
from scripts.student_env import BINDER_REQUIREMENTS, ensure

pytestmark = pytest.mark.students

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
ENVS = ("binder", "colab")


@pytest.fixture(scope="module", params=ENVS)
def env(request: pytest.FixtureRequest) -> tuple[str, Path]:
    return request.param, ensure(request.param)


def _run(venv: Path, code: str) -> str:
    done = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


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
def test_every_chapter_runs_within_the_budget(env: tuple[str, Path], path: Path) -> None:
    name, venv = env
    notebook, peak_mib = execute(path, python=str(venv / "bin" / "python"), timeout=300, run_skipped=True)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], f"{name}: {path.name}: {errors}"
    assert peak_mib <= KERNEL_BUDGET_MIB, f"{name}: {path.name}: the kernel peaked at {peak_mib:.0f} MiB"
    figures = [o for c in notebook.cells for o in c.get("outputs", [])
               if "cnnviz-figure" in str(o.get("data", {}).get("text/html", ""))]  # fmt: skip
    kernel_free = sum("cnnviz.interact.static" in c.source for c in nbformat.read(path, 4).cells)
    assert bool(figures) == bool(kernel_free), f"{name}: {path.name}: a kernel-free figure without its renderer"


def test_live_explorers_respond_to_their_controls(env: tuple[str, Path]) -> None:
    """Every live explorer builds and recomputes when its first control moves, under ipywidgets 7 and 8."""
    name, venv = env
    report = json.loads(_run(venv, (ROOT / "tests" / "students" / "move_sliders.py").read_text()))
    assert report["ipywidgets"].startswith({"binder": "8.", "colab": "7.7.1"}[name])
    assert len(report["explorers"]) >= 8, report
    unchanged = {k: v for k, v in report["explorers"].items() if not v["changed"]}
    assert unchanged == {}, f"{name}: moving a control changed nothing: {unchanged}"
