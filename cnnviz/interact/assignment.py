"""Assignments for instructors: a chapter's exercises as an nbgrader *source* notebook, and a separate answer key.

``cnnviz assignment alexnet vgg -o course/`` writes, per chapter::

    course/source/<chapter>/<chapter>.ipynb   nbgrader source notebook (schema version 3)
    course/answer-key/<chapter>.md            model answers, rubrics, the expected values and networks
    course/nbgrader_config.py                 (if absent) makes ``course/`` an nbgrader course directory

In the notebook, a computed question is a solution cell (``### BEGIN SOLUTION`` ... ``### END SOLUTION``)
and an autograded test cell whose check of the value sits between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS``: nbgrader's ``generate_assignment`` strips both the solution and the hidden test
from the students' copy, and ``autograde`` puts the test back. A task ("change the network") is graded the
same way on :func:`cnnviz.interact.exercises.measure` of the student's ``build()``; a reasoning question is a
manually graded Markdown cell worth its rubric's points.

How the answer key is kept apart: computed questions are asked with their first *variant* (other inputs,
other filter counts than the book's page, which reveals its own answers); their values are computed here,
written only into the source notebook and the key, never stored in the package. The rubrics live in the
repository's ``instructors/rubrics/`` (one TOML file per chapter), outside the ``cnnviz`` package: not
importable from a student's notebook. What a determined student can still do: compute a variant's answer
with cnnviz (which is the exercise, done with the book's tool), read the book's model answers on its
site, and read the repository's rubric files.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cnnviz.interact import exercises
from cnnviz.interact.exercises import COMPUTED, TASK, Exercise
from cnnviz.interact.exercises.page import format_value

RUBRICS = Path(__file__).resolve().parents[2] / "instructors" / "rubrics"  # in a checkout of the repository
POINTS = {COMPUTED: 1, TASK: 2}  # reasoning: the sum of its rubric's points
NBGRADER_CONFIG = """# nbgrader course directory written by `cnnviz assignment`.
c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.root = "."
"""


@dataclass(frozen=True)
class Criterion:
    points: int
    text: str


def load_rubrics(chapter: str, directory: Path | None = None) -> dict[str, tuple[Criterion, ...]]:
    """The rubrics of a chapter's reasoning questions: ``instructors/rubrics/<chapter>.toml``."""
    directory = RUBRICS if directory is None else Path(directory)
    path = directory / f"{chapter}.toml"
    if not path.is_file():
        raise FileNotFoundError(
            f"assignment: no rubrics for chapter {chapter!r} at {path}; the rubrics are in the repository's "
            "instructors/rubrics/ (pass --rubrics DIR when cnnviz is installed elsewhere)"
        )
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: tuple(Criterion(int(p), str(t)) for p, t in value["criteria"]) for key, value in data.items()}


def variant_of(exercise: Exercise, variant: int) -> int:
    """The variant an assignment asks: ``variant`` where the exercise has it, else the book's own (0)."""
    return variant if exercise.kind == COMPUTED and variant <= len(exercise.variants) else 0


def _var(exercise: Exercise) -> str:
    return f"answer_{exercise.name}"


def _grade_id(dotted: str) -> str:
    """nbgrader ids allow letters, digits, '_' and '-': ``alexnet.pool5_size.test`` -> ``alexnet-pool5_size-test``."""
    return dotted.replace(".", "-")


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: int = 0) -> dict:  # fmt: skip
    meta = {"grade": grade, "grade_id": _grade_id(grade_id), "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}  # fmt: skip
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell(kind: str, source: str, grade_id: str, **flags) -> nbformat.NotebookNode:
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source, metadata=_meta(grade_id, **flags))
    cell["id"] = _grade_id(grade_id)[:64]
    return cell


def _value_test(exercise: Exercise, expected: float | int) -> str:
    name = _var(exercise)
    if exercise.rel_tol == 0:
        hidden = f"assert {name} == {expected!r}, 'not the expected value'"
    else:
        hidden = (f"assert math.isclose({name}, {expected!r}, rel_tol={exercise.rel_tol!r}), "
                  "'not the expected value'")  # fmt: skip
    return (
        f"assert isinstance({name}, (int, float)) and not isinstance({name}, bool), '{name} must be a number'\n"
        f"### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS"
    )


def _task_test(exercise: Exercise, expected: dict) -> str:
    return (
        "from cnnviz.interact.exercises import measure\n\n"
        f"measured = measure(build, {exercise.input_size!r})\n"
        "print(measured)\n"
        f"### BEGIN HIDDEN TESTS\nassert measured == {expected!r}, measured\n### END HIDDEN TESTS"
    )


def source_notebook(chapter: str, variant: int = 1, rubrics: dict | None = None) -> nbformat.NotebookNode:
    """The chapter's exercises as an nbgrader source notebook (answers in solution and hidden-test regions)."""
    rubrics = load_rubrics(chapter) if rubrics is None else rubrics
    cells = [
        _cell("markdown", f"# Exercises: {chapter.replace('_', ' ')}\n\n"
              "Answer each question in the cell below it. Computed questions: set the named variable to your "
              "number (you may compute it with `cnnviz`). Tasks: define `build()` returning your network; the "
              "test cell measures it. Reasoning questions: write your answer in the Markdown cell.",
              f"{chapter}.intro", locked=True),  # fmt: skip
        _cell("code", "import math\n\nimport torch\nfrom torch import nn\n\nfrom cnnviz import models",
              f"{chapter}.setup", locked=True),
    ]
    for exercise in exercises.for_chapter(chapter):
        gid = exercise.id
        v = variant_of(exercise, variant)
        text = exercise.text(v)
        if exercise.kind == COMPUTED:
            cells.append(_cell("markdown", f"## `{gid}`\n\n{text}\n\nSet `{_var(exercise)}`.", f"{gid}.q", locked=True))
            expected = exercise.expected(v)
            cells.append(_cell("code", f"### BEGIN SOLUTION\n{_var(exercise)} = {expected!r}\n### END SOLUTION",
                               f"{gid}.answer", solution=True))  # fmt: skip
            cells.append(_cell("code", _value_test(exercise, expected), f"{gid}.test", grade=True, locked=True,
                               points=POINTS[COMPUTED]))  # fmt: skip
        elif exercise.kind == TASK:
            cells.append(_cell("markdown", f"## `{gid}`\n\n{text}\n\nDefine `build()`.", f"{gid}.q", locked=True))
            cells.append(_cell("code", f"### BEGIN SOLUTION\n{exercise.solution.strip()}\n### END SOLUTION",
                               f"{gid}.answer", solution=True))  # fmt: skip
            cells.append(_cell("code", _task_test(exercise, exercise.expected()), f"{gid}.test", grade=True,
                               locked=True, points=POINTS[TASK]))  # fmt: skip
        else:
            if gid not in rubrics:
                raise KeyError(f"assignment: the rubrics of {chapter!r} have no entry for {gid!r}")
            cells.append(_cell("markdown", f"## `{gid}`\n\n{text}", f"{gid}.q", locked=True))
            cells.append(_cell("markdown", exercise.solution, f"{gid}.answer", grade=True, solution=True,
                               points=sum(c.points for c in rubrics[gid])))  # fmt: skip
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def answer_key(chapter: str, variant: int = 1, rubrics: dict | None = None) -> str:
    """The answer key (Markdown): per exercise, the question as asked, the answer, points and rubric."""
    rubrics = load_rubrics(chapter) if rubrics is None else rubrics
    lines = [f"# Answer key: {chapter.replace('_', ' ')}", "",
             "For instructors: keep this file from students. Values are computed by cnnviz for the questions "
             "as the assignment asks them.", ""]  # fmt: skip
    total = 0
    for exercise in exercises.for_chapter(chapter):
        v = variant_of(exercise, variant)
        asked = "the book's own question" if v == 0 else f"variant {v}"
        lines += [f"## `{exercise.id}` ({exercise.kind}; {asked})", "", exercise.text(v), ""]
        if exercise.kind == COMPUTED:
            tol = f" (accepted within {exercise.rel_tol:g} relative)" if exercise.rel_tol else ""
            lines += [f"**Answer:** {format_value(exercise.expected(v))}{tol}", "",
                      f"**Points:** {POINTS[COMPUTED]} (autograded)", ""]  # fmt: skip
            total += POINTS[COMPUTED]
        elif exercise.kind == TASK:
            measured = exercise.expected()
            lines += ["**Reference solution:**", "", "```python", exercise.solution.strip(), "```", "",
                      f"**Checked:** {measured['parameters']:,} parameters; output shape "
                      f"{measured['output shape']} for a {'×'.join(map(str, exercise.input_size))} input.", "",
                      f"**Points:** {POINTS[TASK]} (autograded)", ""]  # fmt: skip
            total += POINTS[TASK]
        else:
            criteria = rubrics[exercise.id]
            points = sum(c.points for c in criteria)
            total += points
            lines += ["**Model answer:**", "", exercise.solution, "", f"**Rubric ({points} points, graded by hand):**",
                      ""] + [f"- {c.points} pt: {c.text}" for c in criteria] + [""]  # fmt: skip
    lines += [f"**Total: {total} points.**", ""]
    return "\n".join(lines)


def write_assignments(chapters: list[str], out: Path, variant: int = 1, rubrics_dir: Path | None = None) -> list[Path]:
    """Write the source notebooks and answer keys of ``chapters`` into the course directory ``out``."""
    if isinstance(variant, bool) or not isinstance(variant, int) or variant < 0:
        raise ValueError(f"assignment: variant must be an integer >= 0 (0: the book's own questions), got {variant!r}")
    known = exercises.chapters()
    for chapter in chapters:
        if chapter not in known:
            raise KeyError(f"assignment: no exercises for chapter {chapter!r}; chapters: {', '.join(known)}")
    out = Path(out)
    written = []
    for chapter in chapters:
        rubrics = load_rubrics(chapter, rubrics_dir)
        notebook_path = out / "source" / chapter / f"{chapter}.ipynb"
        notebook_path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_notebook(chapter, variant, rubrics), notebook_path)
        key_path = out / "answer-key" / f"{chapter}.md"
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key_path.write_text(answer_key(chapter, variant, rubrics), encoding="utf-8")
        written += [notebook_path, key_path]
    config = out / "nbgrader_config.py"
    if not config.exists():
        config.write_text(NBGRADER_CONFIG, encoding="utf-8")
        written.append(config)
    return written


__all__ = ["Criterion", "answer_key", "load_rubrics", "source_notebook", "variant_of", "write_assignments"]
