"""cnnviz: the classic CNN architectures, built from their papers, measured and drawn.

Layers, each importing only from the ones above it::

    models       one file per architecture family, architecture as data, a registry
    analysis     layer ledger, memory, op counts, receptive fields, claim checks
    render       diagrams (graphviz), plots (matplotlib), tables
    interact     widgets (kernel) and client-side sliders (static site)
    cli          the ``cnnviz`` command

Importing cnnviz changes no global state (no rcParams, seeds or print options).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cnnviz")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
