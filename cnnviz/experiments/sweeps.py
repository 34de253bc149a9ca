"""Sweeps: the runs of an experiment on fresh seeds, written down before they run, and what they show.

A sweep is a JSON file (e.g. ``cnnviz/experiments/runs/degradation-sweep/sweep.json``)::

    {
      "name": ..., "written": ..., "purpose": ..., "dataset": "synthetic",
      "settings": {...TrainConfig fields but seed and milestones...},
      "variants": {"lr-half": {"lr": 0.01}, ...},   # settings that differ in a variant; "main" has none
      "runs": [{"network": "plain56", "seed": 1}, {"network": "plain20", "seed": 1, "variant": "lr-half"}, ...]
    }

:func:`run_sweep` trains the runs in the listed order, one at a time (a sweep may outlast one sitting: a
run already logged is skipped, and one cut off resumes from its checkpoint), and writes each log to
``<sweep folder>/<variant>/<network>-seed<seed>.json`` as soon as it finishes. Milestones are at 1/2 and 3/4
of the iterations, as in the probes.

:func:`final_numbers` and :func:`degradation_test` read the logs of a variant: the mean over seeds of each
network's final eval-mode training loss and error and its test error, with the spread (lowest and highest
seed), and the degradation issue's criteria, each reported on its own so that a page can say which held.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from cnnviz.experiments.data import synthetic_shapes
from cnnviz.experiments.logs import RunLog, load_runs, portable_command, save_log
from cnnviz.experiments.probes import read_spec, schedule_milestones
from cnnviz.experiments.train import TrainConfig, train

__all__ = [
    "Criterion", "DegradationTest", "Final", "config_of_run", "degradation_test", "final_numbers", "load_sweep",
    "run_sweep",
]  # fmt: skip

_SWEEP_KEYS = ("name", "written", "purpose", "dataset", "settings", "variants", "runs")
MAIN = "main"


def load_sweep(path: str | Path) -> dict[str, Any]:
    """Read and check a sweep file; ValueError naming the missing key, the bad run or the unknown setting."""
    path = Path(path)
    sweep = read_spec(path, "sweep", _SWEEP_KEYS)
    if MAIN in sweep["variants"]:
        raise ValueError(f"{path}: variant {MAIN!r} is the sweep's own settings; name the others differently")
    seen = set()
    for run in sweep["runs"]:
        key = (run.get("network"), run.get("seed"), run.get("variant", MAIN))
        if not isinstance(key[0], str) or not isinstance(key[1], int):
            raise ValueError(f"{path}: each run needs a 'network' (a name) and a 'seed' (an integer), got {run}")
        if key[2] != MAIN and key[2] not in sweep["variants"]:
            raise ValueError(f"{path}: run {run} names variant {key[2]!r}; variants: {', '.join(sweep['variants'])}")
        if key in seen:
            raise ValueError(f"{path}: run {run} is listed twice")
        seen.add(key)
        config_of_run(sweep, run)  # every run's settings make a valid TrainConfig
    return sweep


def config_of_run(sweep: dict[str, Any], run: dict[str, Any]) -> TrainConfig:
    """The run's TrainConfig: the sweep's settings, its variant's, milestones at 1/2 and 3/4, its seed."""
    variant = run.get("variant", MAIN)
    settings = {**sweep["settings"], **(sweep["variants"].get(variant, {}) if variant != MAIN else {})}
    unknown = set(settings) - set(TrainConfig.__dataclass_fields__) | ({"seed", "milestones"} & set(settings))
    if unknown:
        raise ValueError(f"sweep {sweep.get('name')!r}, run {run}: unknown or fixed setting(s) "
                         f"{', '.join(sorted(unknown))} (the seed comes from the run, milestones from iterations)")
    iterations = settings["iterations"]
    return TrainConfig(**settings, milestones=schedule_milestones(iterations), seed=run["seed"])


def run_sweep(path: str | Path, *, threads: int = 1, runs_dir: str | Path = "runs",
              argv: list[str] | None = None) -> int:
    """Train the sweep's runs not yet logged, in order, one at a time; returns an exit status."""
    path = Path(path)
    sweep = load_sweep(path)
    torch.set_num_threads(threads)  # this process only: the command owns it
    command = portable_command("python -m cnnviz.experiments", argv or ["sweep", str(path)])
    dataset = None
    for run in sweep["runs"]:
        variant = run.get("variant", MAIN)
        log_path = path.parent / variant / f"{run['network']}-seed{run['seed']}.json"
        if log_path.is_file():
            continue
        config = config_of_run(sweep, run)
        if dataset is None:
            dataset = synthetic_shapes(config.n_train or 50_000, config.n_test or 10_000, seed=0)
        log = train(run["network"], dataset, config,
                    run_dir=Path(runs_dir) / "sweeps" / sweep["name"] / variant / f"{run['network']}-seed{run['seed']}",
                    progress=False, meta={"command": command, "preset": f"sweep {sweep['name']}/{variant}",
                                          "dataset": dataset.name, "jobs": 1})
        save_log(log, log_path.parent)
        print(f"{variant} {run['network']} seed {run['seed']}: train loss {log.series['train_eval_loss'][-1]:.3f}, "
              f"train error {log.series['train_eval_error'][-1]:.3f}, test error {log.test_error[-1]:.3f}, "
              f"{log.meta['wall_time_s']:.0f} s", flush=True)
    return 0


@dataclass(frozen=True)
class Final:
    """One network's final numbers over the seeds of a variant: mean, lowest and highest."""

    network: str
    seeds: tuple[int, ...]
    train_loss: tuple[float, float, float]  # eval-mode, on the fixed training subset
    train_error: tuple[float, float, float]
    test_error: tuple[float, float, float]

    @property
    def spread(self) -> float:
        """Highest minus lowest final training error over the seeds (0 for one seed)."""
        return self.train_error[2] - self.train_error[1]


def _stats(values: list[float]) -> tuple[float, float, float]:
    return statistics.fmean(values), min(values), max(values)


def final_numbers(runs: dict[tuple[str, int], RunLog] | str | Path) -> dict[str, Final]:
    """Per network, the final eval-mode training loss and error and the test error over its seeds."""
    if not isinstance(runs, dict):
        runs = load_runs(runs)
    finals: dict[str, Final] = {}
    for network in dict.fromkeys(model for model, _ in runs):
        logs = [(seed, log) for (model, seed), log in runs.items() if model == network]
        for seed, log in logs:
            if "train_eval_error" not in log.series:
                raise ValueError(f"{network} seed {seed}: the log has no eval-mode training error "
                                 "(logs written before the recorders cannot be judged)")
        finals[network] = Final(
            network, tuple(seed for seed, _ in logs),
            _stats([log.series["train_eval_loss"][-1] for _, log in logs]),
            _stats([log.series["train_eval_error"][-1] for _, log in logs]),
            _stats([log.test_error[-1] for _, log in logs]),
        )
    return finals


@dataclass(frozen=True)
class Criterion:
    name: str  # what is tested, in words
    holds: bool


@dataclass(frozen=True)
class DegradationTest:
    """The degradation issue's criteria on the sweep's final numbers, each on its own."""

    criteria: tuple[Criterion, ...]

    @property
    def shown(self) -> bool:
        return all(c.holds for c in self.criteria)


def degradation_test(finals: dict[str, Final], *, max_loss: float = 1.6, max_error: float = 0.6,
                     plain: tuple[str, str] = ("plain20", "plain56"),
                     residual: tuple[str, str] = ("resnet20", "resnet56")) -> DegradationTest:
    """The phenomenon as the issue defines it, on means over seeds.

    The deeper plain network learns (loss ≤ ``max_loss``, error ≤ ``max_error``) and ends with a higher
    training error than the shallower one; the deeper residual network ends below the deeper plain one, and
    not above the shallower residual one beyond the spread: its lowest seed is not above the shallower one's
    highest.
    """
    missing = [n for n in (*plain, *residual) if n not in finals]
    if missing:
        raise ValueError(f"degradation_test: no runs of {', '.join(missing)}; have {', '.join(finals)}")
    shallow, deep = finals[plain[0]], finals[plain[1]]
    res_shallow, res_deep = finals[residual[0]], finals[residual[1]]
    return DegradationTest((
        Criterion(f"{deep.network} learns: mean training loss at most {max_loss}",
                  deep.train_loss[0] <= max_loss),
        Criterion(f"{deep.network} learns: mean training error at most {max_error:.0%}",
                  deep.train_error[0] <= max_error),
        Criterion(f"{deep.network} ends with a higher training error than {shallow.network}",
                  deep.train_error[0] > shallow.train_error[0]),
        Criterion(f"{res_deep.network} ends below {deep.network}", res_deep.train_error[0] < deep.train_error[0]),
        Criterion(f"{res_deep.network} is not above {res_shallow.network} beyond the spread",
                  res_deep.train_error[1] <= res_shallow.train_error[2]),
    ))
