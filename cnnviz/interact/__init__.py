"""Interact: sliders over the book's numbers, live in a kernel and on the static site.

* :mod:`cnnviz.interact.static`: kernel-free figures (Vega-Lite specs over data precomputed by cnnviz);
  the sliders respond on the published page.
* :mod:`cnnviz.interact.widgets`: ipywidgets explorers for a live kernel (Jupyter, Binder, Colab) that
  rebuild the module and re-render its table and diagram.

Widgets are thin: a ``render_*`` function computes what to show, the widget only wires sliders to it.
Import the submodules directly; this package imports nothing eagerly (neither altair nor ipywidgets).
"""
