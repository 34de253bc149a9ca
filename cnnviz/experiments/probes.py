"""Probe grids: short training runs whose settings, and the rule that picks among them, are written down first.

A grid is a JSON file (e.g. ``cnnviz/experiments/runs/degradation-probes/grid.json``)::

    {
      "name": ..., "purpose": ..., "seed": 0, "dataset": "synthetic",
      "base": {...TrainConfig fields shared by every probe...},
      "probes": [{"id": "a", "network": "plain56", ...TrainConfig fields...}, ...],
      "reference": "plain20",
      "rule": {"text": "...", "max_train_loss": 1.6, "max_train_error": 0.6}
    }

:func:`run_grid` trains the probes in the listed order, one network at a time, writing each log to
``<grid folder>/<probe id>/<network>-seed<seed>.json`` as soon as it finishes (a probe already logged is
not run again), and after each one writes ``outcomes.json`` beside the grid: every probe's final numbers
and what the rule makes of them. The rule (:func:`judge`): a probe *learns* when its network's final
training loss and error, measured in eval mode on the fixed training subset, are at most ``max_train_loss``
and ``max_train_error``; a learning probe then trains the ``reference`` network with the same settings and
*passes* when the reference ends with a lower training error. The first passing probe is picked and the
probes after it are not run. If none passes, nothing is picked and ``outcomes.json`` says so.
Milestones are always at 1/2 and 3/4 of a probe's iterations (the paper's 32k and 48k of 64k).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from cnnviz.experiments.data import synthetic_shapes
from cnnviz.experiments.logs import RunLog, load_log, portable_command, save_log
from cnnviz.experiments.train import TrainConfig, train

__all__ = ["ProbeOutcome", "config_of", "judge", "load_grid", "read_spec", "run_grid", "schedule_milestones"]

_GRID_KEYS = ("name", "purpose", "seed", "dataset", "base", "probes", "reference", "rule")


def read_spec(path: Path, what: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """A probe grid's or a sweep's JSON file, with its required keys and the synthetic dataset checked."""
    if not path.is_file():
        raise FileNotFoundError(f"{what} {path} does not exist")
    spec = json.loads(path.read_text())
    missing = [key for key in keys if key not in spec]
    if missing:
        raise ValueError(f"{path}: missing key(s) {', '.join(missing)}; required: {', '.join(keys)}")
    if spec["dataset"] != "synthetic":
        raise ValueError(f"{path}: dataset must be 'synthetic' (runs written down here never read CIFAR), "
                         f"got {spec['dataset']!r}")
    return spec


def schedule_milestones(iterations: int) -> tuple[int, int]:
    """The learning-rate drops at 1/2 and 3/4 of the iterations, as the paper's 32k and 48k of 64k."""
    return iterations // 2, iterations * 3 // 4


def load_grid(path: str | Path) -> dict[str, Any]:
    """Read and check a grid file; ValueError naming the missing key or the bad probe."""
    path = Path(path)
    grid = read_spec(path, "probe grid", _GRID_KEYS)
    ids = [probe.get("id") for probe in grid["probes"]]
    if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
        raise ValueError(f"{path}: every probe needs a unique non-empty 'id', got {ids}")
    for probe in grid["probes"]:
        config_of(grid, probe)  # every probe's settings make a valid TrainConfig
    return grid


def config_of(grid: dict[str, Any], probe: dict[str, Any]) -> TrainConfig:
    """The probe's TrainConfig: the grid's base, the probe's settings, milestones at 1/2 and 3/4, the seed."""
    settings = {**grid["base"], **{k: v for k, v in probe.items() if k not in ("id", "network")}}
    iterations = settings["iterations"]
    settings["milestones"] = schedule_milestones(iterations)
    settings["seed"] = grid["seed"]
    unknown = set(settings) - set(TrainConfig.__dataclass_fields__)
    if unknown:
        raise ValueError(f"probe {probe.get('id')!r}: unknown setting(s) {', '.join(sorted(unknown))}")
    return TrainConfig(**settings)


@dataclass(frozen=True)
class ProbeOutcome:
    """One probe's final numbers (eval-mode training loss and error) and the rule's verdict on them."""

    id: str
    network: str
    train_loss: float
    train_error: float
    learns: bool
    reference_error: float | None  # None: the reference was not trained (the network did not learn)
    passes: bool
    wall_time_s: float


def _final(log: RunLog) -> tuple[float, float]:
    return log.series["train_eval_loss"][-1], log.series["train_eval_error"][-1]


def judge(grid: dict[str, Any], probe: dict[str, Any], log: RunLog, reference: RunLog | None) -> ProbeOutcome:
    """The rule of the grid applied to one probe's log (and its reference's, once trained)."""
    rule = grid["rule"]
    loss, error = _final(log)
    learns = loss <= rule["max_train_loss"] and error <= rule["max_train_error"]
    reference_error = _final(reference)[1] if reference is not None else None
    passes = learns and reference_error is not None and reference_error < error
    wall = log.meta["wall_time_s"] + (reference.meta["wall_time_s"] if reference is not None else 0.0)
    return ProbeOutcome(probe["id"], log.model, loss, error, learns, reference_error, passes, wall)


def run_grid(path: str | Path, *, only: str | None = None, threads: int = 1, argv: list[str] | None = None) -> int:
    """Run the grid's probes in order until one passes (see the module notes); returns an exit status."""
    path = Path(path)
    grid = load_grid(path)
    folder = path.parent
    torch.set_num_threads(threads)  # this process only: the command owns it
    chosen = [p.strip() for p in only.split(",")] if only else None
    dataset = None
    outcomes: list[ProbeOutcome] = []
    command = portable_command("python -m cnnviz.experiments", argv or ["probe", str(path)])
    for probe in grid["probes"]:
        if chosen is not None and probe["id"] not in chosen:
            continue
        config = config_of(grid, probe)
        logs: dict[str, RunLog] = {}
        for network in (probe["network"], grid["reference"]):
            if network == grid["reference"]:
                first = judge(grid, probe, logs[probe["network"]], None)
                if not first.learns:
                    break
            log_path = folder / probe["id"] / f"{network}-seed{grid['seed']}.json"
            if log_path.is_file():
                logs[network] = load_log(log_path)
                continue
            if dataset is None:
                dataset = synthetic_shapes(config.n_train or 50_000, config.n_test or 10_000, seed=0)
            log = train(network, dataset, config, run_dir=Path("runs") / "probes" / grid["name"] / probe["id"] / network,
                        progress=False, meta={"command": command, "preset": f"probe {grid['name']}/{probe['id']}",
                                              "dataset": dataset.name, "jobs": 1})
            save_log(log, folder / probe["id"])
            logs[network] = log
            loss, error = _final(log)
            print(f"{probe['id']} {network}: train loss {loss:.3f}, train error {error:.3f}, "
                  f"test error {log.test_error[-1]:.3f}, {log.meta['wall_time_s']:.0f} s", flush=True)
        outcome = judge(grid, probe, logs[probe["network"]], logs.get(grid["reference"]))
        outcomes.append(outcome)
        _write_outcomes(folder, grid, outcomes)
        if outcome.passes:
            break
    return 0


def _write_outcomes(folder: Path, grid: dict[str, Any], outcomes: list[ProbeOutcome]) -> None:
    picked = next((o.id for o in outcomes if o.passes), None)
    ran = {o.id for o in outcomes}
    data = {
        "grid": grid["name"], "rule": grid["rule"]["text"], "picked": picked,
        "not_run": [p["id"] for p in grid["probes"] if p["id"] not in ran],
        "outcomes": [asdict(o) for o in outcomes],
    }
    tmp = folder / "outcomes.json.tmp"
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(folder / "outcomes.json")
