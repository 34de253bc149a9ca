"""The chapter layer: one module per chapter, holding the chapter's numbers, its sentences and their checks.

The last layer of ``cnnviz``: a chapter module may import models, analysis, render, interact and
experiments, and nothing but the CLI imports it. ``cnnviz/chapters/<chapter>.py`` (the chapter's
notebook is ``book/<chapter>.ipynb``) computes the facts the chapter's prose cites, once per process, and
keeps each paragraph that cites them beside the checks that keep it true (:mod:`cnnviz.chapters.page`).
Comparison words come from :mod:`cnnviz.chapters.words`; :mod:`cnnviz.chapters.lint` fails on any other.

In the notebook, one hidden cell loads the chapter, and each ``remove-input`` cell shows one paragraph::

    # hidden cell (tagged remove-cell)
    from cnnviz.chapters import resnext as chapter

    # a cell tagged remove-input: the site shows the paragraph, Jupyter and Colab render it alike
    chapter.paragraph("cifar")

``chapter.facts()`` gives the numbers themselves (a frozen dataclass) to a code cell that needs them;
``chapter.PARAGRAPHS`` lists the paragraphs in page order. ``load("resnext")`` is the same module by name.

:data:`CHAPTER_MODULES` maps each chapter on this layer to its module; :data:`PENDING` lists the chapters
of ``_toc.yml`` that still compute their prose in the notebook. Together they cover the table of contents
(``tests/chapters/test_layer.py`` checks it), so moving a chapter means adding its module here and taking it
off :data:`PENDING`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["CHAPTER_MODULES", "PENDING", "load", "module_name"]

# Chapters on the layer: notebook stem -> module.
CHAPTER_MODULES: dict[str, str] = {
    "compare": "cnnviz.chapters.compare",
    "densenet": "cnnviz.chapters.densenet",
    "googlenet": "cnnviz.chapters.googlenet",
    "resnext": "cnnviz.chapters.resnext",
    "squeezenet": "cnnviz.chapters.squeezenet",
    "vgg": "cnnviz.chapters.vgg",
    "wide_resnet": "cnnviz.chapters.wide_resnet",
}

# Chapters of _toc.yml (root included) not yet on the layer: their notebooks still glue numbers themselves.
PENDING: tuple[str, ...] = (
    "intro", "tour", "instructors", "alexnet", "zfnet", "nin", "resnet",
    "stochastic_depth", "fractalnet",
)  # fmt: skip


def module_name(chapter: str) -> str:
    """The module of ``chapter`` (a notebook stem, "resnext"); a pending or unknown chapter is an error."""
    if chapter in CHAPTER_MODULES:
        return CHAPTER_MODULES[chapter]
    if chapter in PENDING:
        raise KeyError(f"chapters: {chapter!r} is not on the chapter layer yet (it is in PENDING)")
    raise KeyError(f"chapters: unknown chapter {chapter!r}; on the layer: {', '.join(CHAPTER_MODULES)}")


def load(chapter: str) -> ModuleType:
    """The chapter's module: ``load("resnext").paragraph("cifar")``."""
    return importlib.import_module(module_name(chapter))
