"""What the instructors' page says about each chapter, computed from the chapter notebooks and the exercises.

Collect (read a chapter's notebook), compute (words, minutes, goals, exercises by kind), present
(:func:`overview_markdown`). The reading-time rule is stated where it is used: :data:`WORDS_PER_MINUTE` words of
prose per minute plus :data:`MINUTES_PER_CODE_CELL` per code cell run and read; exercise time adds
:data:`cnnviz.interact.exercises.MINUTES` per exercise by kind.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from cnnviz.interact import exercises

WORDS_PER_MINUTE = 200  # technical prose read with attention
MINUTES_PER_CODE_CELL = 0.5  # run a cell, look at its table or figure

# What a chapter builds on: chapters a reader needs, each earlier in the book's order (the lecture's), so that
# the book read in order meets every prerequisite first. GoogLeNet comes before NiN there and explains the 1×1
# convolutions it takes from NiN on its own page.
PREREQUISITES: dict[str, tuple[str, ...]] = {
    "alexnet": (),
    "zfnet": ("alexnet",),
    "vgg": ("alexnet",),
    "googlenet": ("alexnet",),
    "nin": ("alexnet",),
    "resnet": ("vgg",),
    "wide_resnet": ("resnet",),
    "resnext": ("resnet", "googlenet"),
    "stochastic_depth": ("resnet",),
    "fractalnet": ("resnet",),
    "densenet": ("resnet",),
    "squeezenet": ("alexnet", "nin"),
    "compare": ("alexnet", "vgg", "googlenet", "resnet", "densenet", "squeezenet"),  # the whole zoo, read first
}
COMMON_PREREQUISITES = ("convolution, pooling and fully-connected layers; ReLU; softmax classification; "
                        "SGD training; reading Python (PyTorch modules)")  # fmt: skip

_PROSE_CALL = re.compile(r'prose\(\s*(?:f|r)?"""(.*?)"""', re.S)


@dataclass(frozen=True)
class ChapterFacts:
    chapter: str
    title: str
    words: int
    code_cells: int
    goals: tuple[str, ...]
    exercises_by_kind: dict[str, tuple[str, ...]]
    homework: tuple[str, ...]
    in_class: tuple[str, ...]

    @property
    def reading_minutes(self) -> int:
        return math.ceil(self.words / WORDS_PER_MINUTE + self.code_cells * MINUTES_PER_CODE_CELL)

    @property
    def exercise_minutes(self) -> int:
        return sum(exercises.MINUTES[kind] * len(ids) for kind, ids in self.exercises_by_kind.items())


def _prose_texts(cells: list[dict]) -> list[str]:
    texts = []
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            texts.append(source)
        elif cell["cell_type"] == "code":
            texts += _PROSE_CALL.findall(source)
    return texts


def learning_goals(texts: list[str]) -> tuple[str, ...]:
    """The list items under the chapter's "Learning goals" (an HTML admonition or a bold lead-in)."""
    for text in texts:
        at = text.find("Learning goals")
        if at < 0:
            continue
        goals: list[str] = []
        for line in text[at:].splitlines()[1:]:
            if line.startswith("- "):
                goals.append(line[2:].strip())
            elif line.startswith("  ") and goals:
                goals[-1] += " " + line.strip()
            elif goals and line.strip():
                break
        return tuple(goals)
    return ()


def chapter_facts(path: Path) -> ChapterFacts:
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = notebook["cells"]
    chapter = Path(path).stem
    end = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                and "## Exercises" in "".join(c["source"])), len(cells))  # fmt: skip
    reading = cells[:end]  # the exercises are timed apart
    texts = _prose_texts(cells)
    title = next((line[2:].strip() for t in texts for line in t.splitlines() if line.startswith("# ")), chapter)
    words = sum(len(re.findall(r"[A-Za-z0-9][\w'’.,×-]*", t)) for t in _prose_texts(reading))
    code_cells = sum(1 for c in reading if c["cell_type"] == "code")
    listed = exercises.for_chapter(chapter) if chapter in exercises.chapters() else ()
    by_kind = {kind: tuple(e.id for e in listed if e.kind == kind) for kind in exercises.KINDS}
    return ChapterFacts(
        chapter, title, words, code_cells, learning_goals(texts), by_kind,
        homework=tuple(e.id for e in listed if e.where == "homework"),
        in_class=tuple(e.id for e in listed if e.where == "class"),
    )  # fmt: skip


def launch_links(repository_url: str, branch: str, chapter: str) -> dict[str, str]:
    """Binder and Colab links that open ``book/<chapter>.ipynb`` of the repository."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)/?", repository_url)
    if not match:
        raise ValueError(f"launch_links: repository_url must be https://github.com/OWNER/REPO, got {repository_url!r}")
    owner, repo = match.groups()
    return {
        "Binder": f"https://mybinder.org/v2/gh/{owner}/{repo}/{branch}?labpath=book/{chapter}.ipynb",
        "Colab": f"https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/book/{chapter}.ipynb",
    }


def overview_markdown(book: Path, chapters: list[str], repository_url: str, branch: str) -> str:
    """One section per chapter: prerequisites, times, goals, exercises by kind and setting, links."""
    parts = []
    for chapter in chapters:
        facts = chapter_facts(Path(book) / f"{chapter}.ipynb")
        prereq = ", ".join(f"[{chapter_facts(Path(book) / f'{p}.ipynb').title}]({p}.ipynb)"
                           for p in PREREQUISITES.get(chapter, ())) or "none beyond the basics"  # fmt: skip
        links = " · ".join(f"[{name}]({url})" for name, url in launch_links(repository_url, branch, chapter).items())
        kinds = "; ".join(f"{len(ids)} {kind}" for kind, ids in facts.exercises_by_kind.items() if ids)
        goals = "\n".join(f"  - {g}" for g in facts.goals) or "  - (none listed)"
        parts.append(
            f"**[{facts.title}]({chapter}.ipynb)**\n\n"
            f"- **Prerequisites:** {prereq}.\n"
            f"- **Reading:** about {facts.reading_minutes} min ({facts.words:,} words, {facts.code_cells} code "
            f"cells). **Exercises:** about {facts.exercise_minutes} min ({kinds}).\n"
            f"- **Learning goals:**\n{goals}\n"
            f"- **In class:** {', '.join(f'`{i}`' for i in facts.in_class) or '—'}.\n"
            f"- **Homework:** {', '.join(f'`{i}`' for i in facts.homework) or '—'}.\n"
            f"- **Hand it out:** {links}"
            + (f"; `cnnviz assignment {chapter} -o course/`.\n" if chapter in exercises.chapters()
               else " (no exercises, so no assignment).\n")
        )
    return "\n".join(parts)
