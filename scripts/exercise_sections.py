"""Rewrite each chapter's "## Exercises" section from its exercise module (nbformat; outputs stay stripped).

    python -m scripts.exercise_sections [CHAPTER ...]

Per exercise: a card cell (``show``: question, hint, collapsed answer; on the site also an answer box) and,
for computed questions and tasks, a self-check cell for Jupyter, tagged ``remove-cell`` so that the site,
which has the answer box and no kernel, does not show an unanswered check; both are collapsed in Jupyter and
Colab too (``scripts.notebook_visibility``). Cell ids are derived from the exercise ids, so rerunning the
script changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from cnnviz.interact import exercises
from scripts.notebook_visibility import fix_cell

BOOK = Path(__file__).resolve().parents[1] / "book"
INTRO = (
    "## Exercises\n\n"
    "Three kinds: **compute** a number the page does not show (other inputs, other filter counts, other "
    "networks of the zoo), **reason** about a design choice, and **change the network**. Each has a hint and "
    "an answer to reveal. On the book's site, type a number into the answer box; in Jupyter, replace the `...` "
    "in the check cell and run it: `cnnviz` computes the answer when you check (for a task, it builds your "
    "network and measures it)."
)


def _cell_id(exercise: exercises.Exercise, part: str) -> str:
    return f"ex-{exercise.name.replace('_', '-')}-{part}"[:64]


def section(chapter: str) -> list[nbformat.NotebookNode]:
    cells = [nbformat.v4.new_markdown_cell(INTRO)]
    cells[0]["id"] = f"ex-{chapter.replace('_', '-')}-intro"
    first = True
    for exercise in exercises.for_chapter(chapter):
        show = f'show("{exercise.id}")'
        if first:
            show, first = f"from cnnviz.interact.exercises import check, show\n\n{show}", False
        card = nbformat.v4.new_code_cell(show, metadata={"tags": ["remove-input"]})
        card["id"] = _cell_id(exercise, "show")
        cells.append(card)
        if exercise.kind == exercises.REASONING:
            continue
        if exercise.kind == exercises.TASK:
            source = ("from torch import nn\n\n\ndef build() -> nn.Module:\n    ...  # your network\n\n\n"
                      f'check("{exercise.id}", build)')  # fmt: skip
        else:
            source = f'check("{exercise.id}", ...)'
        check = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell"]})
        check["id"] = _cell_id(exercise, "check")
        cells.append(check)
    for cell in cells:  # hidden in Jupyter and Colab as on the site (a titled Colab form)
        fix_cell(cell)
    return cells


def rewrite(chapter: str) -> None:
    path = BOOK / f"{chapter}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    start = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and "## Exercises" in c.source)
    end = next((i for i in range(start + 1, len(cells))
                if cells[i].cell_type == "markdown" and cells[i].source.startswith("## ")), len(cells))  # fmt: skip
    before, _, _ = cells[start].source.partition("## Exercises")
    kept = []
    if before.strip():  # the section began inside another section's cell: keep that part
        cells[start].source = before.rstrip()
        kept = [cells[start]]
    notebook.cells = cells[:start] + kept + section(chapter) + cells[end:]
    nbformat.write(notebook, path)


if __name__ == "__main__":
    # By default every chapter that has both exercises and a notebook.
    for name in sys.argv[1:] or [c for c in exercises.chapters() if (BOOK / f"{c}.ipynb").is_file()]:
        rewrite(name)
