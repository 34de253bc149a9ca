"""``python -m cnnviz.experiments degradation``: regenerate the run logs of the degradation experiment.

    python -m cnnviz.experiments degradation --preset paper|cpu|quick
        [--models plain20,plain32,plain44,plain56,resnet20,resnet32,resnet44,resnet56]
        [--out cnnviz/experiments/runs/degradation-cpu] [--dataset synthetic|cifar10] [--cifar-dir DIR]
        [--device cpu|cuda] [--compile] [--jobs N] [--runs runs/degradation] [--seed 0]
        [--iterations N] [--threads N] [--no-progress]
        [--lr X] [--batch-size N] [--input-size 32|16|8] [--width N] [--warmup] [--log-every N]
        [--save-weights DIR]
    python -m cnnviz.experiments probe GRID.json [--only ID,...] [--threads 1]
    python -m cnnviz.experiments sweep SWEEP.json [--threads 1] [--runs runs]

Each network's log goes to ``OUT/<model>-seed<seed>.json`` (format: ``cnnviz.experiments.logs``); its
checkpoints go to ``RUNS/<preset>-<dataset>-<settings hash>-seed<seed>/<model>/``, so rerunning an
interrupted command resumes every network where it stopped, and a run with other settings never resumes
from it. ``probe`` runs a probe grid written down before it runs (see :mod:`cnnviz.experiments.probes`); ``sweep``
runs the fresh-seed runs a sweep file lists (see :mod:`cnnviz.experiments.sweeps`). ``--jobs N`` trains N networks at once, one process each (for a GPU, which one
small CIFAR network cannot fill). The book's logs: on a GPU machine,

    python -m cnnviz.experiments degradation --preset paper --device cuda --jobs 8 --compile

The book's CPU-scale logs: ``cnnviz degradation --preset cpu --jobs 2 --threads 1`` (the ``cnnviz`` command
mounts the same subcommand through ``add_degradation_arguments`` and ``run_degradation``).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from cnnviz.experiments.data import ImageDataset, load_cifar10, synthetic_shapes
from cnnviz.experiments.logs import portable_command, save_log
from cnnviz.experiments.train import PRESETS, TrainConfig, train

DEFAULT_MODELS = ("plain20", "plain32", "plain44", "plain56", "resnet20", "resnet32", "resnet44", "resnet56")


def add_degradation_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``degradation`` subcommand's options, on ``parser``."""
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick",
                        help="paper: the full 64k-iteration schedule; cpu: the book's CPU-scale run (about an hour "
                             "on two cores); quick: a smoke test of a few minutes")
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS),
                        help="comma-separated registry names (default: the eight of Fig. 6)")
    parser.add_argument("--out", default="cnnviz/experiments/runs/degradation-cpu", help="folder for the JSON logs")
    parser.add_argument("--dataset", choices=("synthetic", "cifar10"), default="synthetic")
    parser.add_argument("--cifar-dir",
                        help="the extracted cifar-10-batches-py folder (with --dataset cifar10)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default=None,
                        help="default: cuda if available, else cpu")
    parser.add_argument("--compile", action="store_true", help="torch.compile the model (GPU runs)")
    parser.add_argument("--jobs", type=int, default=1, help="networks trained at once, one process each")
    parser.add_argument("--runs", default="runs/degradation", help="folder for checkpoints")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iterations", type=int, default=None,
                        help="override the preset's iterations (milestones scaled in proportion)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument("--lr", type=float, default=None, help="override the preset's learning rate")
    parser.add_argument("--batch-size", type=int, default=None, help="override the preset's batch size")
    parser.add_argument("--input-size", type=int, default=None,
                        help="side of the images the network sees (32; 16 = average-pooled 2x2)")
    parser.add_argument("--width", type=int, default=None, help="first-stage filters (the paper's 16)")
    parser.add_argument("--warmup", action="store_true",
                        help="the paper's warm-up: lr / 10 until the training error is below 80%%")
    parser.add_argument("--log-every", type=int, default=None, help="iterations between log points")
    parser.add_argument("--no-batch-norm", action="store_true",
                        help="the BatchNorm ablation: every batch norm of the network an identity")
    parser.add_argument("--save-weights", metavar="DIR", default=None,
                        help="write each finished network's weights (float16) to DIR/<model>-seed<seed>.pt")
    return parser


def config_for(args: argparse.Namespace) -> TrainConfig:
    """The preset, with the seed and (optionally) the number of iterations overridden."""
    config = PRESETS[args.preset]
    changes: dict = {"seed": args.seed}
    if args.iterations is not None:
        if args.iterations <= 0:
            raise ValueError(f"--iterations must be a positive integer, got {args.iterations}")
        scale = args.iterations / config.iterations
        milestones = sorted({max(1, round(m * scale)) for m in config.milestones} - {args.iterations})
        changes.update(iterations=args.iterations,
                       milestones=tuple(m for m in milestones if m < args.iterations),
                       log_every=min(config.log_every, args.iterations),
                       checkpoint_every=min(config.checkpoint_every, args.iterations))
    overrides = {"lr": args.lr, "batch_size": args.batch_size, "input_size": args.input_size,
                 "width": args.width, "log_every": args.log_every}
    changes.update({key: value for key, value in overrides.items() if value is not None})
    if args.warmup:
        changes["warmup"] = True
    if args.no_batch_norm:
        changes["batch_norm"] = False
    if args.lr is not None and not args.lr > 0:
        raise ValueError(f"--lr must be a positive number, got {args.lr}")
    return TrainConfig(**{**config.__dict__, **changes})


def settings_hash(config: TrainConfig) -> str:
    """Eight hex digits naming a configuration without its seed: the checkpoint folder of its runs."""
    settings = {k: v for k, v in dataclasses.asdict(config).items() if k != "seed"}
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=list).encode()).hexdigest()[:8]


def load_dataset(args: argparse.Namespace, config: TrainConfig) -> ImageDataset:
    if args.dataset == "cifar10":
        if not args.cifar_dir:
            raise ValueError(
                "--dataset cifar10 needs --cifar-dir DIR (the extracted cifar-10-batches-py folder)"
            )
        return load_cifar10(args.cifar_dir)
    return synthetic_shapes(config.n_train or 50_000, config.n_test or 10_000, seed=0)


def _parse_models(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise ValueError(f"--models must name at least one network, got {text!r}")
    return names


def _run_jobs(args: argparse.Namespace, names: list[str], argv: Sequence[str]) -> int:
    """One child process per network, ``args.jobs`` at a time; each child's output to RUNS/<model>.log."""
    base = [a for a in argv if a]  # the same options; --models and --jobs replaced below
    cleaned: list[str] = []
    skip = False
    for arg in base:
        if skip:
            skip = False
            continue
        if arg in ("--models", "--jobs"):
            skip = True
            continue
        if arg.startswith(("--models=", "--jobs=")):
            continue
        cleaned.append(arg)
    runs = Path(args.runs)
    runs.mkdir(parents=True, exist_ok=True)
    pending, running, failed = list(names), [], []
    while pending or running:
        while pending and len(running) < args.jobs:
            name = pending.pop(0)
            out = (runs / f"{name}.log").open("w")
            command = [sys.executable, "-m", "cnnviz.experiments", *cleaned, "--models", name,
                       "--no-progress"]
            running.append((name, subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT), out))
            print(f"started {name}: {runs / (name + '.log')}", flush=True)
        time.sleep(1)
        for job in list(running):
            name, process, out = job
            if process.poll() is not None:
                out.close()
                running.remove(job)
                print(f"{name}: {'done' if process.returncode == 0 else f'FAILED ({process.returncode})'}",
                      flush=True)
                if process.returncode:
                    failed.append(name)
    return 1 if failed else 0


def run_degradation(args: argparse.Namespace, argv: Sequence[str] | None = None) -> int:
    """Train the networks of ``args`` and write their logs; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    names = _parse_models(args.models)
    if args.jobs < 1:
        raise ValueError(f"--jobs must be a positive integer, got {args.jobs}")
    if args.jobs > 1 and len(names) > 1:
        return _run_jobs(args, names, argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)  # this process only: the command owns it
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    config = config_for(args)
    dataset = load_dataset(args, config)
    command = portable_command("python -m cnnviz.experiments", argv)
    for name in names:
        run_dir = Path(args.runs) / f"{args.preset}-{args.dataset}-{settings_hash(config)}-seed{args.seed}" / name
        weights = Path(args.save_weights) / f"{name}-seed{args.seed}.pt" if args.save_weights else None
        log = train(name, dataset, config, run_dir=run_dir, device=device, compile=args.compile,
                    progress=not args.no_progress, weights_path=weights,
                    meta={"command": command, "preset": args.preset, "dataset": dataset.name,
                          "jobs": args.jobs})
        path = save_log(log, args.out)
        print(f"{name}: train error {log.train_error[-1]:.4f}, test error {log.test_error[-1]:.4f}, "
              f"{log.meta['images_per_second']} images/s, {log.meta['wall_time_s']:.0f} s -> {path}",
              flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cnnviz.experiments", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="experiment", required=True)
    add_degradation_arguments(sub.add_parser("degradation", help="plain vs residual nets (He et al. 2016)"))
    probe = sub.add_parser("probe", help="run a probe grid (settings and selection rule fixed in its file)")
    probe.add_argument("grid", help="the grid's JSON file; logs go to the folder beside it")
    probe.add_argument("--only", default=None, help="comma-separated probe ids (default: all not yet run)")
    probe.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: one core)")
    sweep = sub.add_parser("sweep", help="run a sweep's runs not yet logged (settings fixed in its file)")
    sweep.add_argument("sweep", help="the sweep's JSON file; logs go to <its folder>/<variant>/")
    sweep.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: one core)")
    sweep.add_argument("--runs", default="runs", help="folder for checkpoints (RUNS/sweeps/<name>/...)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.experiment == "probe":
            from cnnviz.experiments.probes import run_grid

            return run_grid(args.grid, only=args.only, threads=args.threads, argv=argv)
        if args.experiment == "sweep":
            from cnnviz.experiments.sweeps import run_sweep

            return run_sweep(args.sweep, threads=args.threads, runs_dir=args.runs, argv=argv)
        return run_degradation(args, argv)
    except (ValueError, FileNotFoundError, KeyError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
