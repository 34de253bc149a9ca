"""The environments a student runs the chapters in, rebuilt here as fresh virtual environments.

``python -m scripts.student_env binder colab`` creates (or reuses) them under ``.cache/student-venvs/`` and
prints their paths; ``make student-envs`` calls it, and the students' tests (``tests/students/``) use them.

- ``binder``: what repo2docker builds from ``binder/``: ``binder/requirements.txt`` (its PyTorch index line
  dropped: this machine's pip finds the CPU wheel of the pinned torch on its own), then ``binder/postBuild``
  run as repo2docker runs it (cnnviz from the checkout, editable). No jupyter-book, no myst-nb.
- ``colab``: Colab's stack where it matters to cnnviz (``tests/students/colab-stack.txt``: ipywidgets 7.7.1,
  altair 5.5, a CPU torch, no myst-nb), then cnnviz installed as the chapters' Colab cell installs it: with
  its dependencies, not editable (pip keeps what is already there). Colab runs Python 3.13; the pinned torch
  wheel on this machine is for 3.11, so this environment is 3.11.

An environment is keyed by a hash of the files it is built from and reused while they are unchanged;
``colab``'s non-editable cnnviz is reinstalled whenever the package's files change.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "student-venvs"
PYTHON = os.environ.get("PYTHON", "python3.11")
BINDER_REQUIREMENTS = ROOT / "binder" / "requirements.txt"
COLAB_STACK = ROOT / "tests" / "students" / "colab-stack.txt"
RECIPE = "r1"  # bump when ensure() builds an environment differently: cached ones are then rebuilt
ENVS = {
    "binder": [BINDER_REQUIREMENTS, ROOT / "binder" / "postBuild"],
    "colab": [COLAB_STACK],
}


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:12]


def _package_files() -> list[Path]:
    files = [ROOT / "pyproject.toml"]
    files += sorted(p for p in (ROOT / "cnnviz").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def _pip(venv: Path, *args: str) -> None:
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *args], check=True, cwd=ROOT)


def local_requirements(path: Path, dest: Path) -> Path:
    """``path`` without its index options: this machine reaches PyPI only, and finds torch's CPU wheel there."""
    lines = [line for line in path.read_text().splitlines() if not line.startswith(("--index-url", "--extra-index-url"))]
    dest.write_text("\n".join(lines) + "\n")
    return dest


def ensure(name: str) -> Path:
    """The environment ``name`` (``binder`` or ``colab``), created if missing; returns its directory."""
    if name not in ENVS:
        raise KeyError(f"student environment {name!r}: valid names are {', '.join(ENVS)}")
    venv = CACHE / f"{name}-{_digest(ENVS[name])}-{RECIPE}"
    ready = venv / ".ready"
    if not ready.exists():
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
        _pip(venv, "--upgrade", "pip")
        if name == "binder":
            _pip(venv, "-r", str(local_requirements(BINDER_REQUIREMENTS, venv / "requirements.txt")))
            env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
            subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], check=True, cwd=ROOT, env=env,
                           stdout=sys.stderr)  # stdout: only the environments' paths (make lab reads it)
        else:
            _pip(venv, "-r", str(COLAB_STACK))
        # ipykernel 7 warns on stderr about TCP transport on every kernel start; these kernels are local.
        (venv / "etc" / "ipython").mkdir(parents=True, exist_ok=True)
        (venv / "etc" / "ipython" / "ipython_kernel_config.py").write_text("c.IPKernelApp.log_level = 'ERROR'\n")
        ready.write_text("")
    if name == "colab":
        package = _digest(_package_files())
        stamp = venv / ".cnnviz"
        if not stamp.exists() or stamp.read_text() != package:
            with tempfile.TemporaryDirectory() as tmp:  # a copy: building in the checkout would leave build/
                source = Path(tmp) / "cnnviz"
                source.mkdir()
                for item in ("pyproject.toml", "README.md"):
                    shutil.copy(ROOT / item, source / item)
                shutil.copytree(ROOT / "cnnviz", source / "cnnviz", ignore=shutil.ignore_patterns("__pycache__"))
                if stamp.exists():  # a changed package: the same version number, so pip must be told
                    _pip(venv, "--force-reinstall", "--no-deps", str(source))
                else:  # as the Colab cell, `pip install "cnnviz @ git+URL"`: with its dependencies
                    _pip(venv, str(source))
            stamp.write_text(package)
    return venv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(ENVS), help=f"any of {', '.join(ENVS)} (default: all)")
    names = parser.parse_args().names
    # Side by side: an installation waits on downloads and the disk as much as on a core.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        for venv in pool.map(ensure, names):
            print(venv)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
