"""``jupyter-book build`` with Sphinx's parallel reading, which executes the chapters on several cores.

Usage: ``python -m scripts.build_site [--jobs N] <jupyter-book build's arguments>`` (``make site`` passes
the strict flags). Jupyter Book 1.x passes ``jobs`` to Sphinx but its command line has no option for it: this
runs that command line with ``jobs`` set. Sphinx reads in parallel only when every extension declares itself
safe for it, and warns otherwise (an error under ``-W``): ``_config.yml`` leaves out the LaTeX extension, and
the book's own extension (``book/_ext/cnnviz_site.py``) declares the one that Jupyter Book's table of contents
loads (``tests/test_build_site.py``).
"""

from __future__ import annotations

import argparse
import functools
import inspect
import sys

from jupyter_book import sphinx
from jupyter_book.cli.main import main as jupyter_book


def with_jobs(jobs: int) -> None:
    """Make ``jupyter-book build`` run Sphinx with ``jobs`` processes (its CLI imports ``build_sphinx`` from
    :mod:`jupyter_book.sphinx` when it builds, so the module's function is the one to wrap)."""
    if jobs < 1:
        raise ValueError(f"--jobs {jobs}: give 1 or more processes")
    if "jobs" not in inspect.signature(sphinx.build_sphinx).parameters:
        raise RuntimeError("this jupyter-book's build_sphinx takes no `jobs`: requirements.txt pins one that does")
    sphinx.build_sphinx = functools.partial(sphinx.build_sphinx, jobs=jobs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="Sphinx processes (default 2)")
    args, rest = parser.parse_known_args(argv)
    with_jobs(args.jobs)
    jupyter_book(["build", *rest])  # click exits with the build's status


if __name__ == "__main__":
    main(sys.argv[1:])
