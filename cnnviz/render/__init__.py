"""Render: records from cnnviz.analysis turned into tables, diagrams and plots; nothing here computes, and
nothing here builds, traces or runs a model.

Import the submodules directly (``from cnnviz.render.tables import text_table``); this package imports
nothing eagerly, so that a table needs neither matplotlib nor graphviz.
"""
