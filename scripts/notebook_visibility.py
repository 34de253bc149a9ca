"""Hide in Jupyter and Colab what the site hides: every cell tagged ``remove-cell``, ``remove-input`` or
``hide-input`` also collapses its source where students run the chapters.

    python -m scripts.notebook_visibility [--check] book/*.ipynb

Such a cell gets ``metadata.jupyter.source_hidden = true`` (JupyterLab, Notebook 7 and VS Code collapse its
source) and becomes a Colab form cell: ``metadata.cellView = "form"`` and a first source line
``#@title <what the cell does>`` (Colab then shows the title instead of the code). A cell without those tags
gets none of the three (writing mode removes them): a student sees the code they type. A Markdown cell has
no Colab form, so a tagged one only gets ``source_hidden``.

Writing mode fixes the notebooks in place and keeps an existing title, so rerunning it changes nothing; it
writes as nbformat does (one-space indent, sorted keys, UTF-8, a final newline), so a diff shows only the
metadata and the title lines. ``--check`` changes nothing, names each offending cell and exits 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HIDING_TAGS = frozenset({"remove-cell", "remove-input", "hide-input"})
TITLE = re.compile(r"#\s*@title\s+\S")  # Colab's form title, on the cell's first line

# Titles of the cells that show a renderer's output: the function called -> what the reader sees.
_RENDERED = {
    "claims_table": "Table: the lecture's figures checked",
    "markdown_table": "Table: the layer ledger",
    "memory_table": "Table: memory per image",
    "inception_table": "Table: the Inception modules",
    "diff_table": "Table: what changed",
    "rf_comparison_table": "Table: receptive fields compared",
    "vgg_config_html": "Table: the VGG configurations",
    "chapter_map_html": "Map of the chapters",
    "overview_markdown": "Overview of the chapters",
    "network_diagram": "Diagram of the network",
    "diff_diagram": "Diagram: what changed",
}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_hidden_on_site(cell: dict) -> bool:
    return bool(HIDING_TAGS & set(cell.get("metadata", {}).get("tags", [])))


def _has_title(cell: dict) -> bool:
    return bool(TITLE.match(_source(cell).split("\n", 1)[0]))


def _short(text: str, limit: int = 60) -> str:
    """The head of a caption: without its brackets, up to its first colon, comma or full stop, and within
    ``limit`` characters cut before a preposition or "and" (so that the title ends on a noun)."""
    text = re.sub(r"\s*\([^)]*\)", "", text.strip())
    head = re.split(r"[:.;,]", text, maxsplit=1)[0].strip()
    if len(head) > limit:
        cut = head[:limit]
        stops = [m.start() for m in re.finditer(r"\s(?:of|in|with|from|for|and|to)\s", cut)]
        head = cut[: stops[-1]] if stops else cut.rsplit(" ", 1)[0]
    return head


def title_for(source: str) -> str:
    """A short title that says what a hidden cell does, derived from its code."""
    if "google.colab" in source:
        return "Install cnnviz on Colab"
    if match := re.search(r'\bcheck\("([\w.]+)"', source):
        if "def build" in source:
            return f"Define build() for {match.group(1)} and check it"
        return f"Check your answer to {match.group(1)}"
    if match := re.search(r'\bshow\("([\w.]+)"\)', source):
        return f"Exercise {match.group(1)}"
    if match := re.search(r"\bprose\.source\((\w+)", source):
        return f"The code of {match.group(1)}, read from cnnviz"
    if (match := re.search(r"\*Figure: ([^*]+)", source)) and "display(" in source:
        head = _short(match.group(1))
        return f"Figure: {head}" if head and "{{" not in head else "Figure and caption"
    for name, title in _RENDERED.items():
        if re.search(rf"\b{name}\(", source):
            return title
    if re.search(r"(?<![.\w])prose\(", source):
        text = source.split('"""', 1)[-1].lstrip()
        if text.startswith("*Table"):
            return "Caption of the table above, with computed numbers"
        if text.startswith("*Figure"):
            return "Caption of the figure above, with computed numbers"
        return "Text with computed numbers"
    imports = len(re.findall(r"^(?:import |from \S+ import )", source, flags=re.M))
    glue = re.search(r"(?:\bprose\.glue|^g)\(", source, flags=re.M)
    if imports >= 3:
        return "Imports and the numbers of the page" if glue else "Imports and setup"
    if glue:
        return "Numbers for the text below"
    if "assert" in source:
        return "Check a statement of the text"
    return "Code behind the page"


def fix_cell(cell: dict) -> bool:
    """Give ``cell`` the visibility its tags ask for; returns whether anything changed."""
    metadata = cell.setdefault("metadata", {})
    before = json.dumps(cell, sort_keys=True)
    if is_hidden_on_site(cell):
        metadata.setdefault("jupyter", {})["source_hidden"] = True
        if cell.get("cell_type") == "code":
            metadata["cellView"] = "form"
            if not _has_title(cell):
                line = f"#@title {title_for(_source(cell))}\n"
                if isinstance(cell.get("source"), list):
                    cell["source"].insert(0, line)
                else:
                    cell["source"] = line + cell.get("source", "")
    else:
        jupyter = metadata.get("jupyter", {})
        jupyter.pop("source_hidden", None)
        if "jupyter" in metadata and not jupyter:
            del metadata["jupyter"]
        if metadata.get("cellView") == "form":
            del metadata["cellView"]
        if cell.get("cell_type") == "code" and _has_title(cell):  # a tag was removed: show the code as typed
            if isinstance(cell["source"], list):
                del cell["source"][0]
            else:
                cell["source"] = cell["source"].split("\n", 1)[1] if "\n" in cell["source"] else ""
    return json.dumps(cell, sort_keys=True) != before


def problems(notebook: dict) -> list[str]:
    """Each cell whose visibility in Jupyter and Colab disagrees with the site's, as ``cell N (id): what``."""
    found = []
    for index, cell in enumerate(notebook.get("cells", [])):
        metadata = cell.get("metadata", {})
        hidden = metadata.get("jupyter", {}).get("source_hidden") is True
        form = metadata.get("cellView") == "form"
        where = f"cell {index} ({cell.get('id', 'no id')})"
        if is_hidden_on_site(cell):
            wanted = [] if hidden else ["metadata.jupyter.source_hidden = true"]
            if cell.get("cell_type") == "code":
                wanted += [] if form else ['metadata.cellView = "form"']
                wanted += [] if _has_title(cell) else ["a first line #@title ..."]
            if wanted:
                found.append(f"{where} is hidden on the site but lacks {', '.join(wanted)}")
        else:
            extra = [name for name, present in (("source_hidden", hidden), ('cellView "form"', form),
                                                ("a #@title line", _has_title(cell))) if present]  # fmt: skip
            if extra:
                found.append(f"{where} is shown on the site but has {', '.join(extra)}: students must see it")
    return found


def dumps(notebook: dict) -> str:
    """The notebook as nbformat writes it (what the repository's notebooks are)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def fix_notebook(notebook: dict) -> int:
    """Fix every cell of ``notebook`` in place; returns how many changed."""
    return sum(fix_cell(cell) for cell in notebook.get("cells", []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="report, change nothing, exit 1 on any problem")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if args.check:
            for problem in problems(notebook):
                print(f"{path}: {problem}")
                status = 1
        elif changed := fix_notebook(notebook):
            path.write_text(dumps(notebook), encoding="utf-8")
            print(f"{path}: {changed} cell{'s' if changed != 1 else ''} fixed")
    return status


if __name__ == "__main__":
    sys.exit(main())
