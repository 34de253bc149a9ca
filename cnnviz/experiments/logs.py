"""Run logs of the degradation experiment: one JSON file per network and seed (``plain56-seed1.json``).

    {
      "model": "plain56",
      "iterations": [500, 1000, ...],          # the log points
      "train_error": [0.62, 0.48, ...],        # fraction wrong on the training batches since the last point
      "test_error": [0.58, 0.45, ...],         # fraction wrong on the whole test set at that iteration
      "train_loss": [1.71, 1.32, ...],         # optional: mean cross-entropy over the same batches
      "train_eval_error": [...], "train_eval_loss": [...], "test_loss": [...], "lr": [...],
                                               # optional, per log point: a fixed subset of the training
                                               # images in eval mode, the test loss, the learning rate
      "grad_norm": {"conv1": [...], "layer1": [...], ...},      # optional, per log point (see recorders)
      "grad_mean_abs": {"conv1": [...], ...},
      "responses": {"layers": [...], "std": [...]},              # optional, at the end (Fig. 7)
      "meta": {"command": ..., "git_commit": ..., "hardware": ..., "wall_time_s": ..., "seed": ...,
               "dataset": ..., "preset": ..., "images_per_second": ..., ...}
    }

Errors are fractions in [0, 1], iterations strictly increasing, every per-log-point list as long as
``iterations``. ``meta`` may hold more keys (the training configuration, torch version, device, threads,
load average); those listed above are required. A log's file name holds the network and the seed, so the
runs of several seeds share a folder: :func:`load_runs` reads them all, :func:`load_logs` one per network.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "REQUIRED_META", "DegradationStory", "FinalError", "RunLog", "degradation_story", "load_log", "load_logs",
    "load_runs", "portable_command", "save_log", "shipped_runs", "summarize", "validate",
]

REQUIRED_META = (
    "command", "git_commit", "hardware", "wall_time_s", "seed", "dataset", "preset", "images_per_second",
)
_SERIES = ("iterations", "train_error", "test_error")
ERROR_SERIES = ("train_eval_error",)  # optional per-log-point fractions
VALUE_SERIES = ("train_eval_loss", "test_loss", "lr")  # optional per-log-point non-negative numbers
GRADIENTS = ("grad_norm", "grad_mean_abs")


@dataclass(frozen=True)
class RunLog:
    """One network's training curve and how it was made."""

    model: str
    iterations: tuple[int, ...]
    train_error: tuple[float, ...]
    test_error: tuple[float, ...]
    meta: dict[str, Any] = field(default_factory=dict)
    train_loss: tuple[float, ...] | None = None
    series: dict[str, tuple[float, ...]] = field(default_factory=dict)  # ERROR_SERIES and VALUE_SERIES
    gradients: dict[str, dict[str, tuple[float, ...]]] = field(default_factory=dict)  # GRADIENTS -> group -> values
    responses: dict[str, list] | None = None  # {"layers": [...], "std": [...]}

    @property
    def seed(self) -> int:
        return int(self.meta["seed"])

    @property
    def file_name(self) -> str:
        """``<model>-seed<seed>.json``: one file per network and seed."""
        return f"{self.model}-seed{self.seed}.json"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": self.model,
            "iterations": list(self.iterations),
            "train_error": list(self.train_error),
            "test_error": list(self.test_error),
        }
        if self.train_loss is not None:
            data["train_loss"] = list(self.train_loss)
        data.update({key: list(values) for key, values in self.series.items()})
        data.update({kind: {name: list(v) for name, v in groups.items()} for kind, groups in self.gradients.items()})
        if self.responses is not None:
            data["responses"] = self.responses
        data["meta"] = self.meta
        return data


@dataclass(frozen=True)
class FinalError:
    """The last logged errors of one network: a row of the chapter's table."""

    model: str
    iterations: int
    train_error: float
    test_error: float


def validate(data: object, source: str = "run log") -> RunLog:
    """Check a decoded JSON object against the format above; ValueError naming the key and the problem."""
    if not isinstance(data, dict):
        raise ValueError(f"{source}: expected a JSON object, got {type(data).__name__}")
    missing = [key for key in ("model", *_SERIES, "meta") if key not in data]
    if missing:
        raise ValueError(f"{source}: missing key(s) {', '.join(missing)}; required: model, "
                         f"{', '.join(_SERIES)}, meta")
    model = data["model"]
    if not isinstance(model, str) or not model:
        raise ValueError(f"{source}: 'model' must be a non-empty string, got {model!r}")
    series = (*_SERIES, "train_loss") if "train_loss" in data else _SERIES
    for key in series:
        if not isinstance(data[key], list):
            raise ValueError(f"{source}: {key!r} must be a list, got {type(data[key]).__name__}")
    lengths = {key: len(data[key]) for key in series}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"{source}: the lists must have equal lengths, got {lengths}")
    iterations = data["iterations"]
    for i, it in enumerate(iterations):
        if isinstance(it, bool) or not isinstance(it, int) or it < 0:
            raise ValueError(f"{source}: iterations[{i}] must be a non-negative integer, got {it!r}")
        if i and it <= iterations[i - 1]:
            raise ValueError(
                f"{source}: iterations must increase strictly, got {iterations[i - 1]} then {it}"
            )
    for key in ("train_error", "test_error"):
        for i, value in enumerate(data[key]):
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{source}: {key}[{i}] must be a fraction in [0, 1], got {value!r}")
    n = len(iterations)
    series = {key: data[key] for key in (*ERROR_SERIES, *VALUE_SERIES) if key in data}
    for key in ("train_loss", *series):
        values = data.get(key)
        if values is None:
            continue
        _check_numbers(source, key, values, n, fraction=key in ERROR_SERIES)
    gradients = {kind: data[kind] for kind in GRADIENTS if kind in data}
    for kind, groups in gradients.items():
        if not isinstance(groups, dict) or not groups:
            raise ValueError(f"{source}: {kind!r} must be an object of per-group lists")
        for name, values in groups.items():
            _check_numbers(source, f"{kind}[{name!r}]", values, n, fraction=False)
    responses = data.get("responses")
    if responses is not None:
        ok = isinstance(responses, dict) and isinstance(responses.get("layers"), list) and isinstance(
            responses.get("std"), list) and len(responses["layers"]) == len(responses["std"]) > 0
        if not ok:
            raise ValueError(f"{source}: 'responses' must be {{'layers': [...], 'std': [...]}} of equal length")
        _check_numbers(source, "responses['std']", responses["std"], len(responses["std"]), fraction=False)
    meta = data["meta"]
    if not isinstance(meta, dict):
        raise ValueError(f"{source}: 'meta' must be an object, got {type(meta).__name__}")
    missing = [key for key in REQUIRED_META if key not in meta]
    if missing:
        raise ValueError(f"{source}: meta lacks {', '.join(missing)}; required: {', '.join(REQUIRED_META)}")
    if "seed" in meta and (isinstance(meta["seed"], bool) or not isinstance(meta["seed"], int)):
        raise ValueError(f"{source}: meta['seed'] must be an integer, got {meta['seed']!r}")
    return RunLog(
        model, tuple(iterations), tuple(float(e) for e in data["train_error"]),
        tuple(float(e) for e in data["test_error"]), dict(meta),
        tuple(float(x) for x in data["train_loss"]) if "train_loss" in data else None,
        series={key: tuple(float(x) for x in values) for key, values in series.items()},
        gradients={kind: {name: tuple(float(x) for x in v) for name, v in groups.items()}
                   for kind, groups in gradients.items()},
        responses=responses,
    )


def _check_numbers(source: str, key: str, values: object, n: int, *, fraction: bool) -> None:
    if not isinstance(values, list) or len(values) != n:
        raise ValueError(f"{source}: {key} must be a list of {n} numbers (one per log point)")
    for i, value in enumerate(values):
        bad = isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0
        if bad or (fraction and value > 1):
            kind = "a fraction in [0, 1]" if fraction else "a non-negative number"
            raise ValueError(f"{source}: {key}[{i}] must be {kind}, got {value!r}")


def save_log(log: RunLog, folder: str | Path) -> Path:
    """Write ``folder/<model>-seed<seed>.json`` (validated first; another seed's file is left alone)."""
    data = log.to_json()
    validate(data, f"run log of {log.model}")
    path = Path(folder) / log.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(path)
    return path


def load_log(path: str | Path) -> RunLog:
    """Read and validate one run log."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"run log {path} does not exist")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    return validate(data, str(path))


def _order(model: str) -> tuple[int, str, int]:
    # plain before resnet, then by depth: the order of the paper's figure
    match = re.fullmatch(r"([a-z_]+?)(\d+)", model)
    if not match:
        return (2, model, 0)
    return (0 if match[1] == "plain" else 1, match[1], int(match[2]))


def shipped_runs(name: str) -> Path:
    """The folder of a run set shipped inside the package (``cnnviz/experiments/runs/<name>``).

    The chapters read their logs through this, so they find them wherever cnnviz is installed (a checkout,
    Binder, or a plain ``pip install`` on Colab), not relative to the book's folder.
    """
    from importlib.resources import files

    root = Path(str(files("cnnviz.experiments") / "runs"))
    folder = root / name
    if not folder.is_dir():
        known = ", ".join(sorted(p.name for p in root.iterdir() if p.is_dir())) or "none"
        raise FileNotFoundError(f"shipped_runs: no run set {name!r}; shipped: {known}")
    return folder


def load_runs(folder: str | Path) -> dict[tuple[str, int], RunLog]:
    """All ``*.json`` run logs of a folder, keyed by (model, seed): plain nets first, then by depth and seed."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no run-log folder {folder}")
    logs = [load_log(path) for path in sorted(folder.glob("*.json"))]
    if not logs:
        raise FileNotFoundError(f"{folder} holds no *.json run logs")
    runs: dict[tuple[str, int], RunLog] = {}
    for log in sorted(logs, key=lambda log: (_order(log.model), log.seed)):
        key = (log.model, log.seed)
        if key in runs:
            raise ValueError(f"{folder}: two logs of {log.model} with seed {log.seed}")
        runs[key] = log
    return runs


def load_logs(folder: str | Path) -> dict[str, RunLog]:
    """The run logs of a folder holding one seed per network, keyed by model (plain nets first, by depth)."""
    runs = load_runs(folder)
    models = [model for model, _ in runs]
    repeated = sorted({m for m in models if models.count(m) > 1})
    if repeated:
        raise ValueError(f"{folder} holds several seeds of {', '.join(repeated)}; read it with load_runs")
    return {model: log for (model, _), log in runs.items()}


def summarize(logs: dict[str, RunLog] | str | Path) -> list[FinalError]:
    """The final (last logged) train and test error per model, in the order of ``load_logs``."""
    if not isinstance(logs, dict):
        logs = load_logs(logs)
    rows = []
    for log in logs.values():
        if not log.iterations:
            raise ValueError(f"run log of {log.model} has no log points")
        rows.append(FinalError(log.model, log.iterations[-1], log.train_error[-1], log.test_error[-1]))
    return rows


@dataclass(frozen=True)
class DegradationStory:
    """The four relations of the paper's Fig. 6, measured on a set of logs (errors are training errors).

    ``deep_plain_above``: the fraction of log points at which the deepest plain network's training error is
    above the shallowest one's (the degradation problem); ``residual_below_plain``: per depth, whether the
    residual network ends below its plain twin; ``deep_residual_not_worse``: whether the deepest residual
    network ends at or below the shallowest one (depth helps once the shortcuts are there).
    """

    shallow: int
    deep: int
    deep_plain_above: float
    residual_below_plain: dict[int, bool]
    deep_residual_not_worse: bool

    @property
    def holds(self) -> bool:
        """All four relations as the paper shows them (the plain gap through the whole run)."""
        return (self.deep_plain_above == 1.0 and all(self.residual_below_plain.values())
                and self.deep_residual_not_worse)


def degradation_story(logs: dict[str, RunLog]) -> DegradationStory:
    """Measure :class:`DegradationStory` on logs holding plain and resnet networks of the same depths."""
    depths: dict[str, dict[int, RunLog]] = {"plain": {}, "resnet": {}}
    for log in logs.values():
        match = re.fullmatch(r"(plain|resnet)(\d+)", log.model)
        if match:
            depths[match[1]][int(match[2])] = log
    common = sorted(set(depths["plain"]) & set(depths["resnet"]))
    if len(common) < 2:
        raise ValueError(
            "degradation_story: needs plain and resnet logs of at least two common depths, got "
            f"{sorted(logs)}"
        )
    shallow, deep = common[0], common[-1]
    low, high = depths["plain"][shallow], depths["plain"][deep]
    if low.iterations != high.iterations:
        raise ValueError(f"degradation_story: plain{shallow} and plain{deep} were logged at different iterations")
    above = sum(h > s for h, s in zip(high.train_error, low.train_error, strict=True)) / len(low.train_error)
    below = {d: depths["resnet"][d].train_error[-1] < depths["plain"][d].train_error[-1] for d in common}
    not_worse = depths["resnet"][deep].train_error[-1] <= depths["resnet"][shallow].train_error[-1]
    return DegradationStory(shallow, deep, above, below, not_worse)


def portable_command(program: str, argv: Sequence[str]) -> str:
    """``program`` and ``argv`` as one shell line for a log's ``meta``, without machine paths.

    An argument naming a path under the working directory becomes relative to it; any other absolute path
    (a temporary or home folder) is reduced to its last component.
    """
    cwd = Path.cwd()
    words = []
    for arg in argv:
        option, sep, value = arg.partition("=") if arg.startswith("--") else ("", "", arg)
        if value.startswith("/"):
            path = Path(value)
            value = path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else path.name
        words.append(option + sep + value)
    return " ".join([program, shlex.join(words)]) if words else program
