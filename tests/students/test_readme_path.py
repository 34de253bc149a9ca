"""The README's path without make, run as written.

The fenced block after the README's ``<!-- without-make: ... -->`` marker is what a student pastes into a
terminal in a clone of the repository. Here bash runs that block, its text unchanged, in a temporary copy of
the repository (the files git tracks and the new ones it does not ignore: what a clone of this working tree
holds). It must create a fresh virtual environment with a CPU torch, the pinned versions and cnnviz
installed from that copy; then one chapter executes there with that environment's kernel.

The block ends by launching JupyterLab, which would keep running: bash gets a ``jupyter`` function (a shell
function comes before the ``PATH``) that records where and how it was called and runs the environment's
``jupyter lab --version`` instead of the server (``tests/students/test_jupyterlab.py`` drives a real
JupyterLab of the same pins). The PyTorch index that the requirements name is not reachable from this machine,
whose pip finds the same CPU wheel locally: ``PIP_RETRIES=0`` makes each failed look-up there end at once
instead of being retried (about 8 s a package otherwise). pip keeps its cache (``~/.cache/pip``), so wheels it
downloaded before are reused.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from scripts.execute_notebook import execute

pytestmark = pytest.mark.students

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKER = "<!-- without-make:"
CHAPTER = "googlenet"  # the cheapest chapter to run here: ledgers, diagrams, a kernel-free figure, a live explorer


def readme_block(text: str) -> str:
    """The bash block right after the README's marker line."""
    at = text.find(MARKER)
    if at < 0:
        raise ValueError(f"README.md has no {MARKER!r} line before the block the test runs")
    match = re.compile(r"[^\n]*\n```bash\n(.*?)\n```", re.S).match(text, at)
    if match is None:
        raise ValueError("README.md: the line after the without-make marker does not open a ```bash block")
    return match[1] + "\n"


def test_readme_block_is_found_after_its_marker() -> None:
    block = readme_block(README.read_text(encoding="utf-8"))
    assert "binder/requirements.txt" in block and "jupyter lab" in block, block
    with pytest.raises(ValueError, match="marker"):
        readme_block(f"{MARKER} -->\n\ntext\n```bash\nls\n```\n")  # not the next line: not the block


def _clone(dest: Path) -> None:
    """What a clone of this working tree holds: tracked files and untracked ones git does not ignore."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree is still listed by --cached
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


@pytest.mark.first
def test_the_readme_block_sets_up_a_student_and_a_chapter_runs(tmp_path: Path) -> None:
    block = readme_block(README.read_text(encoding="utf-8"))
    repo = tmp_path / "cnnviz"
    _clone(repo)
    assert (repo / "binder" / "requirements.txt").is_file() and not (repo / ".venv").exists()
    launch = tmp_path / "launched"
    stand_in = (f'jupyter() {{ printf "%s\\n" "$PWD" "$*" > {launch}; command jupyter "$1" --version; }}\n'
                "set -e\n")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PIP_RETRIES"] = "0"
    start = time.monotonic()
    done = subprocess.run(["bash", "-c", stand_in + block], cwd=repo, env=env, capture_output=True, text=True)
    print(f"README block: {time.monotonic() - start:.0f} s", end="; ")
    assert done.returncode == 0, f"the README's block failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    venv = repo / ".venv"
    where, args = launch.read_text().splitlines()
    assert (Path(where), args) == (repo, "lab book/"), "the block launches JupyterLab on book/ from the clone"
    pins = dict(line.split("==") for line in (repo / "binder" / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))  # fmt: skip
    assert done.stdout.split()[-1] == pins["jupyterlab"], f"jupyter lab --version said {done.stdout[-200:]!r}"

    probe = ("import cnnviz, torch, ipywidgets; "
             "print(cnnviz.__file__, torch.__version__, torch.version.cuda, ipywidgets.__version__)")  # fmt: skip
    elsewhere = tmp_path / "elsewhere"  # python -c imports from its working folder first: not the clone's parent
    elsewhere.mkdir()
    facts = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=elsewhere, capture_output=True,
                           text=True, check=True).stdout.split()  # fmt: skip
    assert Path(facts[0]).is_relative_to(repo), f"cnnviz is imported from {facts[0]}, not the clone"
    assert facts[1].split("+")[0] == pins["torch"] and facts[2] == "None", f"torch {facts[1]}, CUDA {facts[2]}"
    assert facts[3] == pins["ipywidgets"]

    start = time.monotonic()
    notebook, _ = execute(repo / "book" / f"{CHAPTER}.ipynb", python=str(venv / "bin" / "python"), timeout=300)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], f"{CHAPTER}: {errors}"
    print(f"{CHAPTER}: {time.monotonic() - start:.0f} s")
