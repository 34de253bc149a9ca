"""Run in a student environment: build every live explorer, move its first control, report what changed.

Prints one JSON object: ipywidgets' version and, per ``*_widget`` function that needs no arguments, the
control moved, its old and new value, and whether the explorer's view (its numbers and table) changed.
"""

import contextlib
import inspect
import io
import json

import ipywidgets

from cnnviz.interact import widgets

report = {"ipywidgets": ipywidgets.__version__, "explorers": {}}
for name, function in sorted(vars(widgets).items()):
    if not (name.endswith("_widget") and inspect.isfunction(function)):
        continue
    required = [p for p in inspect.signature(function).parameters.values() if p.default is inspect.Parameter.empty]
    if required:
        continue  # degradation_widget needs training logs; its chapter builds it with them
    with contextlib.redirect_stdout(io.StringIO()):  # with no front end, display() prints the views
        box = function()
    state = box.explorer
    key, control = next(iter(state.controls.items()))
    def shown(view):  # what the reader reads: title, numbers, table rows, note (not the diagram object)
        return None if view is None else (view.title, repr(view.numbers), repr(view.rows), view.note)

    before, old = shown(state.view), control.value
    if hasattr(control, "options"):
        values = [v[1] if isinstance(v, tuple) else v for v in control.options]
        new = next(v for v in values if v != old)
    else:
        new = old + control.step if old + control.step <= control.max else old - control.step
    with contextlib.redirect_stdout(io.StringIO()):
        control.value = new
    report["explorers"][name] = {
        "control": key, "old": repr(old), "new": repr(control.value),
        "changed": before is not None and shown(state.view) not in (None, before),
        "readout": state.view.title if state.view is not None else None,
    }  # fmt: skip
print(json.dumps(report))
