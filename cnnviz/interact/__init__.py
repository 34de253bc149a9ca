"""Interact: sliders over the book's numbers, live in a kernel and on the static site.

* :mod:`cnnviz.interact.static`: ``*_figure`` functions return kernel-free figures (Vega-Lite specs over
  data precomputed by cnnviz); the sliders respond on the published page.
* :mod:`cnnviz.interact.widgets`: ``*_widget`` functions return live ipywidgets for a kernel (Jupyter,
  Binder, Colab) that rebuild the module and re-render its table and diagram.

The names say what comes back: ``stack_vs_large_figure`` (no kernel) and ``stack_vs_large_widget``
(a kernel) show the same numbers; no function of the two modules shares a name with another.

Widgets are thin: a ``render_*`` function computes what to show, the widget only wires sliders to it.
Import the submodules directly; this package imports nothing eagerly (neither altair nor ipywidgets).
"""
