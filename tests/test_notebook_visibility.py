"""What the site hides is hidden in Jupyter and Colab too, and nothing else (``scripts.notebook_visibility``).

What this cannot show: how Colab, VS Code or JupyterLab draw these cells. It checks the metadata and the title
line they read: ``jupyter.source_hidden`` (JupyterLab, Notebook 7, VS Code) and ``cellView: "form"`` with a
first line ``#@title ...`` (Colab).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import notebook_visibility as visibility

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_hidden_on_the_site_is_hidden_in_jupyter_and_colab(path: Path) -> None:
    notebook = _read(path)
    assert visibility.problems(notebook) == [], (
        f"run: python -m scripts.notebook_visibility {path.relative_to(ROOT)}"
    )
    for cell in notebook["cells"]:
        metadata = cell["metadata"]
        first = "".join(cell["source"]).split("\n", 1)[0]
        if visibility.HIDING_TAGS & set(metadata.get("tags", [])):
            assert metadata["jupyter"]["source_hidden"] is True, cell["id"]
            if cell["cell_type"] == "code":  # a Colab form; Markdown has none
                assert (
                    metadata["cellView"] == "form" and first.startswith("#@title ") and first[8:].strip()
                ), cell["id"]
        else:
            assert "source_hidden" not in metadata.get("jupyter", {}), cell["id"]
            assert "cellView" not in metadata and "@title" not in first, cell["id"]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_the_notebooks_are_written_as_the_script_writes_them(path: Path) -> None:
    """Running the script over the book changes nothing: same cells, same serialisation."""
    notebook = _read(path)
    assert visibility.fix_notebook(notebook) == 0
    assert visibility.dumps(notebook) == path.read_text(encoding="utf-8")


def _plant(tmp_path: Path) -> tuple[Path, str, str]:
    """A copy of a chapter: one tagged cell's source_hidden removed, cellView on one untagged code cell."""
    notebook = _read(ROOT / "book" / "resnext.ipynb")
    cells = notebook["cells"]
    tagged = next(c for c in cells if visibility.is_hidden_on_site(c))
    untagged = next(c for c in cells if c["cell_type"] == "code" and not visibility.is_hidden_on_site(c))
    del tagged["metadata"]["jupyter"]["source_hidden"]
    untagged["metadata"]["cellView"] = "form"
    path = tmp_path / "resnext.ipynb"
    path.write_text(visibility.dumps(notebook), encoding="utf-8")
    return path, tagged["id"], untagged["id"]


def test_the_check_names_each_planted_defect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, tagged, untagged = _plant(tmp_path)
    found = visibility.problems(_read(path))
    assert len(found) == 2, found
    assert any(tagged in p and "source_hidden" in p and "hidden on the site" in p for p in found), found
    assert any(untagged in p and "cellView" in p and "shown on the site" in p for p in found), found
    assert visibility.main(["--check", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.count(str(path)) == 2 and tagged in out and untagged in out


def test_writing_mode_repairs_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    path, _, _ = _plant(tmp_path)
    assert visibility.main([str(path)]) == 0
    repaired = path.read_text(encoding="utf-8")
    assert repaired == (ROOT / "book" / "resnext.ipynb").read_text(encoding="utf-8")
    assert visibility.main([str(path)]) == 0 and path.read_text(encoding="utf-8") == repaired
    assert visibility.main(["--check", str(path)]) == 0


def test_a_new_hidden_cell_gets_a_title_that_says_what_it_does() -> None:
    cell = {"cell_type": "code", "metadata": {"tags": ["remove-input"]}, "source": ['show("vgg.rf_layer")']}
    assert visibility.fix_cell(cell) and not visibility.fix_cell(cell)
    assert cell["source"] == ["#@title Exercise vgg.rf_layer\n", 'show("vgg.rf_layer")']
    assert cell["metadata"] == {
        "cellView": "form",
        "jupyter": {"source_hidden": True},
        "tags": ["remove-input"],
    }
    markdown = {"cell_type": "markdown", "metadata": {"tags": ["remove-cell"]}, "source": "Only on Jupyter."}
    visibility.fix_cell(markdown)  # no Colab form for Markdown: only collapsed, its text untouched
    assert markdown["source"] == "Only on Jupyter." and markdown["metadata"]["jupyter"] == {
        "source_hidden": True
    }


def test_a_cell_whose_tag_is_removed_is_shown_again() -> None:
    cell = {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": "x = 1\nx"}
    visibility.fix_cell(cell)
    assert visibility.problems({"cells": [cell]}) == []
    cell["metadata"]["tags"] = []
    assert len(visibility.problems({"cells": [cell]})) == 1
    assert visibility.fix_cell(cell) and cell == {
        "cell_type": "code",
        "metadata": {"tags": []},
        "source": "x = 1\nx",
    }
