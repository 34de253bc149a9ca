"""``cnnviz assignment``: nbgrader source notebooks and answer keys, and nbgrader itself run on them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cnnviz.cli import main
from cnnviz.interact import exercises
from cnnviz.interact.assignment import answer_key, load_rubrics, source_notebook, variant_of

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("chapter", exercises.chapters())
def test_every_reasoning_question_has_a_rubric_and_the_notebook_is_graded(chapter):
    rubrics = load_rubrics(chapter)
    notebook = source_notebook(chapter, rubrics=rubrics)
    ids = {_nbgrader(c)["grade_id"] for c in notebook.cells}
    for exercise in exercises.for_chapter(chapter):
        gid = exercise.id.replace(".", "-")
        assert f"{gid}-answer" in ids, exercise.id
        if exercise.kind == exercises.REASONING:
            assert sum(c.points for c in rubrics[exercise.id]) > 0
        else:
            test = next(c for c in notebook.cells if _nbgrader(c)["grade_id"] == f"{gid}-test")
            assert _nbgrader(test)["grade"] and _nbgrader(test)["points"] > 0
            assert "### BEGIN HIDDEN TESTS" in test.source
    for cell in notebook.cells:
        meta = _nbgrader(cell)
        assert meta["schema_version"] == 3 and re.fullmatch(r"[A-Za-z0-9_\-]+", meta["grade_id"])
        if meta["solution"] and cell.cell_type == "code":
            assert SOLUTION.search(cell.source), meta["grade_id"]


def test_an_assignment_asks_the_variants_not_the_books_numbers():
    asked = [e for c in exercises.chapters() for e in exercises.for_chapter(c) if variant_of(e, 1) == 1]
    assert len(asked) >= len(exercises.chapters())  # at least one per chapter
    for exercise in asked:
        assert exercise.text(1) != exercise.text(0)
    key = answer_key("zfnet")
    assert "**Model answer:**" in key and "**Rubric" in key and "variant 1" in key


def test_cli_writes_a_course_directory(tmp_path, capsys):
    assert main(["assignment", "alexnet", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "source/alexnet/alexnet.ipynb").is_file()
    assert (tmp_path / "answer-key/alexnet.md").is_file()
    assert (tmp_path / "nbgrader_config.py").is_file()
    assert main(["assignment", "lenet", "-o", str(tmp_path)]) == 2
    assert "no exercises for chapter 'lenet'" in capsys.readouterr().err


def test_rubrics_and_answers_are_outside_the_package():
    """The rubrics are not in the importable package; the source notebook is what carries the answers."""
    assert not list((ROOT / "cnnviz").rglob("*.toml"))
    assert (ROOT / "instructors" / "rubrics" / "alexnet.toml").is_file()
    assert not (ROOT / "instructors" / "__init__.py").exists()


def _fill(release: nbformat.NotebookNode, source: nbformat.NotebookNode, wrong: bool) -> nbformat.NotebookNode:
    """A student's submission: the release copy with answers written in. ``wrong``: the first computed answer
    right, every other one off by one, the task left undone, the reasoning answers left empty."""
    answers = {_nbgrader(c)["grade_id"]: c for c in source.cells if _nbgrader(c).get("solution")}
    seen_computed = 0
    for cell in release.cells:
        meta = _nbgrader(cell)
        if not meta.get("solution"):
            continue
        reference = answers[meta["grade_id"]]
        if cell.cell_type == "markdown":
            cell.source = "" if wrong else reference.source
            continue
        body = SOLUTION.search(reference.source).group(1)
        is_value = re.fullmatch(r"answer_\w+ = \S+\n", body) is not None
        if wrong and is_value:
            seen_computed += 1
            if seen_computed > 1:
                name, value = body.strip().split(" = ")
                body = f"{name} = {value} + 1\n"
        elif wrong:
            continue  # the task: left as released (raises NotImplementedError)
        cell.source = body
    return release


@pytest.mark.first
@pytest.mark.slow
def test_nbgrader_grades_a_right_and_a_wrong_submission(tmp_path):
    """generate_assignment strips the answers; autograde gives the right submission every autograded point
    and the wrong one fewer."""
    try:
        from nbgrader.api import Gradebook
    except ImportError:  # requirements.txt pins it: `make setup` installs it
        pytest.fail("nbgrader is not installed: run `make setup` (requirements.txt pins it)")

    chapter = "alexnet"
    assert main(["assignment", chapter, "-o", str(tmp_path)]) == 0
    bin_dir = Path(sys.executable).parent  # nbgrader runs alembic from the environment's scripts
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
                        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}  # fmt: skip
    nbgrader = [str(bin_dir / "nbgrader")] if (bin_dir / "nbgrader").exists() else [shutil.which("nbgrader")]

    def run(*args: str) -> None:
        done = subprocess.run([*nbgrader, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr

    run("generate_assignment", chapter, "--force")
    release = tmp_path / "release" / chapter / f"{chapter}.ipynb"
    released = "\n".join(c.source for c in nbformat.read(release, as_version=4).cells)
    source = nbformat.read(tmp_path / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    for exercise in exercises.for_chapter(chapter):  # nothing of the answers reaches the students' copy
        if exercise.kind == exercises.COMPUTED:
            assert not re.search(rf"\b{exercise.expected(variant_of(exercise, 1))!r}\b", released), exercise.id
    assert "BEGIN HIDDEN TESTS" not in released and "BEGIN SOLUTION" not in released

    for student, wrong in (("right", False), ("wrong", True)):
        folder = tmp_path / "submitted" / student / chapter
        folder.mkdir(parents=True)
        notebook = _fill(nbformat.read(release, as_version=4), source, wrong)
        nbformat.write(notebook, folder / f"{chapter}.ipynb")
    run("autograde", chapter, "--create", "--force")

    autograded_points = sum(_nbgrader(c)["points"] for c in source.cells if _nbgrader(c).get("grade")
                            and c.cell_type == "code")  # fmt: skip
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        right = gradebook.find_submission(chapter, "right")
        wrong = gradebook.find_submission(chapter, "wrong")
        scores = {"right": right.code_score, "wrong": wrong.code_score, "max": right.max_code_score}
    print(f"nbgrader autograde scores ({chapter}): {scores}")
    assert scores["max"] == autograded_points > 0
    assert scores["right"] == scores["max"]
    assert 0 < scores["wrong"] < scores["max"]
