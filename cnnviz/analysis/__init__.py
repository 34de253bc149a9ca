"""Analysis: records computed from the models (ledger, memory, op counts, receptive fields).

Each submodule collects or computes frozen dataclasses of plain data; nothing here prints or draws.
Import the submodules directly (``from cnnviz.analysis.ledger import ledger``); this package
imports nothing eagerly, so that ``import cnnviz.analysis`` stays cheap.
"""
