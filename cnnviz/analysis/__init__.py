"""Analysis: records computed from the models (ledger, memory, op counts, receptive fields, the network
graph and the layer diff).

Each submodule collects or computes frozen dataclasses of plain data; nothing here prints or draws. The
walkers of a model's data flow share :mod:`cnnviz.analysis.tracing` (the fx trace, the module of a node,
and ``eval_mode``, which gives every submodule its own mode back). Import the submodules directly
(``from cnnviz.analysis.ledger import ledger``); this package imports nothing eagerly, so that
``import cnnviz.analysis`` stays cheap.
"""
