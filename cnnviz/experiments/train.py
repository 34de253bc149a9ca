"""Training for the degradation experiment: the recipe of He et al. 2016, section 4.2, iteration by iteration.

    SGD, momentum 0.9, weight decay 1e-4, mini-batch 128, learning rate 0.1, divided by 10 at 32k and 48k
    iterations, stop at 64k; BN after every conv and He initialisation (both in the models); the paper's
    augmentation (4-px padding, random 32x32 crop, horizontal flip) on per-channel normalised images.

Every ``log_every`` iterations the log records the training error over the batches since the previous log
point (the paper's thin curves: augmented batches, train mode), the error and loss of a fixed subset of the
training images measured in eval mode (``train_eval_size``: what "training error" means when a network's
fit is judged), the error on the whole test set (bold curves), and the gradient norms of
:mod:`cnnviz.experiments.recorders`; at the end, the std of every 3×3 layer's response (the paper's Fig. 7).

Options that are not the paper's, each recorded in the log's ``differs_from_paper``: ``input_size`` (16
feeds each image average-pooled 2×2, and pads 2 px instead of 4 before the random crop), ``width`` (the
CIFAR networks' first-stage filters) and ``warmup`` (the paper's warm-up, which it uses for ResNet-110 only:
the learning rate divided by 10 until the training error of a log interval is below 80%). The paper adds
"(about 400 iterations)"; a network that never gets below 80% would stay at a tenth of the rate for the
whole run, so ``warmup_limit`` can also end the warm-up at a given iteration (a deviation, recorded). A preset fixes the schedule: ``paper`` is the above; ``quick`` is a scaled-down version (fewer
iterations, smaller batches and dataset, milestones at the same fractions 1/2 and 3/4) that trains all eight
networks on two CPU cores in minutes. It exercises the code path; its curves are far from converged.

Reproducible: all randomness of iteration ``i`` (which images, which crops and flips) comes from generators
seeded with ``(seed, epoch)`` and ``(seed, i)``, and the initial weights from ``seed``; torch's global random
state is forked and restored around a run. The same command gives the same curves on the same hardware; a
run resumed from a checkpoint redraws exactly what an uninterrupted run draws, so on CPU its log is
identical (tested). A checkpoint (``run_dir/checkpoint.pt``) holds the model, the optimizer (momentum
buffers), the log so far, the counters since the last log point, the timers and the global RNG states.

On a GPU (only when CUDA is available): the whole dataset lives on the GPU as uint8 and is normalised and
augmented there, the model runs channels_last under bf16 autocast, and ``compile=True`` wraps it in
``torch.compile``. Several networks can train at once, one process each (see ``cnnviz.experiments``' CLI,
``--jobs``): the CIFAR networks are far too small to fill a modern GPU alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import platform
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from cnnviz import models
from cnnviz.experiments.data import PAD, ImageDataset, augment, channel_stats, normalize
from cnnviz.experiments.logs import RunLog
from cnnviz.experiments.recorders import GradientRecorder, response_layers, response_std
from cnnviz.validate import integer, positive_int

__all__ = [
    "PRESETS", "TrainConfig", "differences_from_paper", "downsample", "git_commit", "hardware_name", "save_weights",
    "train",
]

CHECKPOINT = "checkpoint.pt"
CHECKPOINT_VERSION = 2
WARMUP_FACTOR = 0.1  # the paper: "we use 0.01 to warm up the training ... then go back to 0.1"
WARMUP_UNTIL_ERROR = 0.8  # "until the training error is below 80% (about 400 iterations)"


@dataclass(frozen=True)
class TrainConfig:
    """The schedule and optimiser of a run; defaults are the paper's (section 4.2)."""

    iterations: int = 64_000
    milestones: tuple[int, ...] = (32_000, 48_000)  # learning rate / 10 at each
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 1e-4
    batch_size: int = 128
    log_every: int = 400
    checkpoint_every: int = 2_000
    n_train: int | None = None  # None: the whole training set
    n_test: int | None = None
    seed: int = 0
    eval_batch_size: int = 1_000
    input_size: int = 32  # the side of the images the network sees; smaller ones are average-pooled
    width: int = 16  # the CIFAR networks' first-stage filters
    warmup: bool = False  # the paper's warm-up (used there for ResNet-110 only)
    warmup_limit: int | None = None  # end the warm-up at the first log point at or after this iteration
    batch_norm: bool = True  # False: the BatchNorm ablation (CIFAR networks only)
    train_eval_size: int = 1_000  # training images measured in eval mode at each log point
    response_batch: int = 500  # test images on which the layer responses are measured at the end

    def __post_init__(self) -> None:
        for name in ("iterations", "batch_size", "log_every", "checkpoint_every", "eval_batch_size",
                     "input_size", "width", "train_eval_size", "response_batch"):
            positive_int("TrainConfig", name, getattr(self, name))
        if self.warmup_limit is not None:
            positive_int("TrainConfig", "warmup_limit", self.warmup_limit)
        for name in ("warmup", "batch_norm"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"TrainConfig: {name} must be True or False, got {getattr(self, name)!r}")
        if list(self.milestones) != sorted(set(self.milestones)) or any(
            not 0 < m < self.iterations for m in self.milestones
        ):
            raise ValueError(
                f"TrainConfig: milestones must increase strictly within (0, iterations={self.iterations}), "
                f"got {self.milestones}"
            )
        integer("TrainConfig", "seed", self.seed, minimum=0, below=2**31)

    def lr_at(self, iteration: int) -> float:
        """The learning rate of step ``iteration`` (0-based): lr / 10 per milestone passed."""
        return self.lr * 0.1 ** sum(iteration >= m for m in self.milestones)


PRESETS: dict[str, TrainConfig] = {
    "paper": TrainConfig(),
    # 1/800 of the images the paper's schedule shows a network (200 iterations x 32 vs 64k x 128), milestones
    # at 1/2 and 3/4 as in the paper (32k/64k, 48k/64k), 5,000 training and 500 test images.
    # The CPU-scale run the book ships (about an hour for the eight networks on two cores): 1/160 of the
    # images the paper's schedule shows a network (1,600 iterations x 32 vs 64k x 128), milestones at 1/2 and
    # 3/4 as in the paper, the learning rate 0.1 scaled to the batch (0.1 x 32/128 = 0.025, rounded down to
    # 0.02), 10,000 training and 2,000 test images.
    "cpu": TrainConfig(
        iterations=1_600, milestones=(800, 1_200), lr=0.02, batch_size=32, log_every=80,
        checkpoint_every=160, n_train=10_000, n_test=2_000, eval_batch_size=500,
    ),
    "quick": TrainConfig(
        iterations=200, milestones=(100, 150), batch_size=32, log_every=40, checkpoint_every=100,
        n_train=5_000, n_test=500, eval_batch_size=250,
    ),
}


def differences_from_paper(config: TrainConfig) -> dict[str, dict[str, Any]]:
    """Each setting of ``config`` that is not the paper's, as ``{name: {"paper": ..., "run": ...}}``.

    ``n_train``/``n_test`` of None mean the whole dataset (the paper's 50k/10k CIFAR-10 split); the seed is
    not a setting of the paper.
    """
    paper = dataclasses.asdict(PRESETS["paper"])
    run = dataclasses.asdict(config)
    measurement = ("seed", "log_every", "checkpoint_every", "eval_batch_size", "train_eval_size", "response_batch")
    return {
        name: {"paper": _listify(paper[name]), "run": _listify(value)}
        for name, value in run.items()
        if name not in measurement and value != paper[name]
    }


# --- machine facts for the log's meta -----------------------------------------------------------


def git_commit() -> str | None:
    """``git rev-parse HEAD`` of the checkout holding cnnviz, or None where git or the repo is missing."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
            text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def hardware_name(device: torch.device | str) -> str:
    """The GPU's name on CUDA, else the CPU's model name and torch's thread count."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    name = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    return f"{name} ({torch.get_num_threads()} threads)"


# --- the training loop --------------------------------------------------------------------------


def _generator(seed: int, stream: int, index: int) -> torch.Generator:
    # One independent generator per (seed, stream, index): stream 0 shuffles epochs, stream 1 augments.
    return torch.Generator().manual_seed((seed << 33) + (stream << 32) + index)


class _Batches:
    """The training batch of step ``i``: epoch ``i // steps_per_epoch`` is a fresh shuffle (last partial
    batch dropped), then the paper's augmentation; a pure function of (seed, i)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, config: TrainConfig, mean, std, pad: int) -> None:
        self.x, self.y, self.config, self.mean, self.std, self.pad = x, y, config, mean, std, pad
        self.steps_per_epoch = len(y) // config.batch_size
        if self.steps_per_epoch == 0:
            raise ValueError(
                f"train: batch_size={config.batch_size} exceeds the {len(y)} training images"
            )
        self._epoch, self._perm = -1, torch.empty(0)

    def __call__(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        epoch, j = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            perm = torch.randperm(len(self.y), generator=_generator(self.config.seed, 0, epoch))
            self._epoch, self._perm = epoch, perm.to(self.x.device)
        b = self.config.batch_size
        index = self._perm[j * b : (j + 1) * b]
        x = normalize(self.x[index], self.mean, self.std)  # (B, 3, 32, 32) float32
        x = augment(x, _generator(self.config.seed, 1, step), self.pad)
        return x, self.y[index]


@contextlib.contextmanager
def _forked_rng(device: torch.device) -> Iterator[None]:
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        yield


def _autocast(device: torch.device):
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _to_device(x: torch.Tensor, device: torch.device) -> torch.Tensor:
    x = x.to(device, non_blocking=True)
    return x.contiguous(memory_format=torch.channels_last) if device.type == "cuda" else x


@torch.no_grad()
def _evaluate(forward: Callable, x: torch.Tensor, y: torch.Tensor, mean, std, batch: int, device) -> tuple[float, float]:
    """(error, mean cross-entropy) of the model on un-augmented images (the caller sets eval mode)."""
    wrong = torch.zeros((), dtype=torch.int64, device=device)
    loss = torch.zeros((), dtype=torch.float64, device=device)
    for start in range(0, len(y), batch):
        images = _to_device(normalize(x[start : start + batch], mean, std), device)
        with _autocast(device):
            logits = forward(images)  # (B, 10)
        wrong += (logits.argmax(1) != y[start : start + batch]).sum()
        loss += F.cross_entropy(logits.float(), y[start : start + batch], reduction="sum").double()
    return wrong.item() / len(y), loss.item() / len(y)


def downsample(images: torch.Tensor, size: int) -> torch.Tensor:
    """uint8 images (N, C, H, H) average-pooled to (N, C, size, size); ``size`` must divide H."""
    native = images.shape[-1]
    if size == native:
        return images
    if size > native or native % size:
        valid = ", ".join(str(d) for d in range(1, native + 1) if native % d == 0)
        raise ValueError(f"train: input_size must divide the images' {native} px, got {size}; valid: {valid}")
    pooled = F.avg_pool2d(images.to(torch.float32), native // size)
    return pooled.round().to(torch.uint8)


def _resolve_device(device: str | torch.device) -> torch.device:
    device = torch.device(device)
    if device.type not in ("cpu", "cuda"):
        raise ValueError(f"train: device must be 'cpu' or 'cuda', got {str(device)!r}")
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("train: device='cuda' but torch.cuda.is_available() is False; use device='cpu'")
    return device


def train(
    model_name: str,
    dataset: ImageDataset,
    config: TrainConfig,
    *,
    run_dir: str | Path | None = None,
    device: str | torch.device = "cpu",
    compile: bool = False,
    progress: bool = True,
    stop_at: int | None = None,
    meta: dict[str, Any] | None = None,
    weights_path: str | Path | None = None,
    builder: Callable[[], nn.Module] | None = None,
) -> RunLog:
    """Train the registered ``model_name`` on ``dataset`` with ``config``; returns its log.

    ``run_dir``: where the checkpoint goes (every ``checkpoint_every`` iterations and at the end); a run
    finding a checkpoint there resumes from it. ``stop_at``: stop after that many iterations, checkpoint
    and return the partial log (what an interruption leaves; used to test resuming). ``meta`` is merged
    into the log's ``meta`` (the caller adds command, preset, dataset, jobs). ``weights_path``: where the
    final weights go, float16 (a state dict), when the run finishes. ``builder``: a function returning the
    network to train instead of a registered one (``model_name`` then only names it); it is called after
    the seed is set, and its output must be 10 logits per image.
    """
    device = _resolve_device(device)
    if builder is None:
        info = models.info(model_name)  # ValueError for an unknown name
        if info.dataset != "CIFAR-10":
            cifar = ", ".join(models.names(dataset="CIFAR-10"))
            raise ValueError(f"train: {model_name} is not a 32x32 (CIFAR) network; valid models: {cifar}")
        name = info.name
    else:
        name = model_name
    if stop_at is not None and not 0 < stop_at <= config.iterations:
        raise ValueError(f"train: stop_at must be in [1, iterations={config.iterations}], got {stop_at!r}")
    data = dataset.subset(config.n_train, config.n_test)
    native = data.x_train.shape[-1]
    x_train = downsample(data.x_train, config.input_size)
    x_test = downsample(data.x_test, config.input_size)
    mean, std = channel_stats(x_train)
    x_train, y_train = x_train.to(device), data.y_train.to(device)
    x_test, y_test = x_test.to(device), data.y_test.to(device)
    pad = max(1, round(PAD * config.input_size / native))  # the paper's 4 px at 32 px, in proportion
    batches = _Batches(x_train, y_train, config, mean, std, pad)
    n_eval = min(config.train_eval_size, len(y_train))
    load_start = os.getloadavg()
    checkpoint_path = Path(run_dir) / CHECKPOINT if run_dir is not None else None

    with _forked_rng(device):
        torch.manual_seed(config.seed)
        # He init draws from the (forked) global generator
        model: nn.Module = _build(name, config) if builder is None else _checked(builder(), name, x_test, mean, std)
        model.to(device)
        if device.type == "cuda":
            model.to(memory_format=torch.channels_last)
        optimizer = torch.optim.SGD(
            model.parameters(), lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay
        )
        recorder = GradientRecorder(model)
        log: dict[str, Any] = {
            "iterations": [], "train_error": [], "test_error": [], "train_loss": [], "test_loss": [],
            "train_eval_error": [], "train_eval_loss": [], "lr": [],
            "grad_norm": {group: [] for group in recorder.groups},
            "grad_mean_abs": {group: [] for group in recorder.groups},
        }
        warming, warmup_end = config.warmup, None
        start, wall, train_time = 0, 0.0, 0.0
        wrong = torch.zeros((), dtype=torch.int64, device=device)  # since the last log point
        loss_sum = torch.zeros((), dtype=torch.float64, device=device)
        seen = 0
        if checkpoint_path is not None and checkpoint_path.is_file():
            state = torch.load(checkpoint_path, map_location=device, weights_only=True)
            expected = {"model": name, "config": dataclasses.asdict(config), "dataset": data.name}
            found = {key: state.get(key) for key in expected}
            if state.get("version") != CHECKPOINT_VERSION or _listify(found) != _listify(expected):
                raise ValueError(
                    f"train: {checkpoint_path} belongs to another run ({found}), not to {expected}; "
                    "use another run folder or delete it"
                )
            model.load_state_dict(state["model_state"])
            optimizer.load_state_dict(state["optimizer_state"])
            log = state["log"]
            start, wall, train_time = state["iteration"], state["wall_time_s"], state["train_time_s"]
            warming, warmup_end = state["warming"], state["warmup_end"]
            recorder.load(state["recorder"])
            wrong.fill_(state["wrong"])
            loss_sum.fill_(state["loss_sum"])
            seen = state["seen"]
            torch.set_rng_state(state["rng_cpu"])
            if device.type == "cuda" and state.get("rng_cuda") is not None:
                torch.cuda.set_rng_state(state["rng_cuda"], device)

        def save_checkpoint(iteration: int) -> None:
            if checkpoint_path is None:
                return
            checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
            state = {
                "version": CHECKPOINT_VERSION, "model": name, "config": dataclasses.asdict(config),
                "dataset": data.name, "iteration": iteration, "model_state": model.state_dict(),
                "optimizer_state": optimizer.state_dict(), "log": log, "wall_time_s": wall,
                "train_time_s": train_time, "wrong": int(wrong.item()), "loss_sum": float(loss_sum.item()),
                "seen": seen, "rng_cpu": torch.get_rng_state(), "warming": warming, "warmup_end": warmup_end,
                "recorder": recorder.state(),
                "rng_cuda": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
            }
            tmp = checkpoint_path.with_suffix(".tmp")
            torch.save(state, tmp)
            os.replace(tmp, checkpoint_path)  # atomic: an interruption never leaves half a checkpoint

        forward = torch.compile(model) if compile else model
        model.train()
        end = config.iterations if stop_at is None else stop_at
        bar = tqdm(total=config.iterations, initial=start, desc=name, disable=not progress, unit="it")
        tick = time.perf_counter()
        for step in range(start, end):
            lr = config.lr_at(step) * (WARMUP_FACTOR if warming else 1.0)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = batches(step)
            x = _to_device(x, device)
            with _autocast(device):
                logits = forward(x)  # (B, 10)
                loss = F.cross_entropy(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            recorder.record()
            optimizer.step()
            wrong += (logits.argmax(1) != y).sum()  # stays on the device: no sync per step
            loss_sum += loss.detach().double() * len(y)
            seen += len(y)
            iteration = step + 1
            bar.update(1)
            is_log = iteration % config.log_every == 0 or iteration == config.iterations
            is_checkpoint = iteration % config.checkpoint_every == 0 or iteration == end
            if not (is_log or is_checkpoint):
                continue
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            now = time.perf_counter()
            train_time += now - tick  # training steps only: evaluation and checkpoints are excluded
            wall += now - tick
            if is_log:
                model.eval()
                evaluate = partial(_evaluate, forward, mean=mean, std=std, batch=config.eval_batch_size, device=device)
                test_error, test_loss = evaluate(x_test, y_test)
                fit_error, fit_loss = evaluate(x_train[:n_eval], y_train[:n_eval])
                model.train()
                log["iterations"].append(iteration)
                log["train_error"].append(wrong.item() / seen)
                log["train_loss"].append(loss_sum.item() / seen)
                log["test_error"].append(test_error)
                log["test_loss"].append(test_loss)
                log["train_eval_error"].append(fit_error)
                log["train_eval_loss"].append(fit_loss)
                log["lr"].append(lr)
                norms, means = recorder.take()
                for group in recorder.groups:
                    log["grad_norm"][group].append(norms[group])
                    log["grad_mean_abs"][group].append(means[group])
                limit_reached = config.warmup_limit is not None and iteration >= config.warmup_limit
                if warming and (log["train_error"][-1] < WARMUP_UNTIL_ERROR or limit_reached):
                    warming, warmup_end = False, iteration
                bar.set_postfix(train=f"{log['train_error'][-1]:.3f}", test=f"{test_error:.3f}")
                wrong.zero_()
                loss_sum.zero_()
                seen = 0
            if is_checkpoint:
                wall += time.perf_counter() - now  # the evaluation just done, before the checkpoint stores it
                save_checkpoint(iteration)
                now = time.perf_counter()
            tick = time.perf_counter()
            wall += tick - now
        bar.close()
        responses = None
        if end == config.iterations and response_layers(model):  # a network with BN after 3x3 convs
            probe = _to_device(normalize(x_test[: config.response_batch], mean, std), device)
            responses = response_std(model, probe).to_json()
            if weights_path is not None:
                save_weights(model, weights_path)

    images = end * config.batch_size
    run_meta = {
        "command": None, "git_commit": git_commit(), "hardware": hardware_name(device),
        "wall_time_s": round(wall, 3), "seed": config.seed, "dataset": data.name, "preset": None,
        "images_per_second": round(images / train_time, 1) if train_time > 0 else None,
        "device": device.type, "compile": compile, "torch": torch.__version__,
        "n_train": len(data.y_train), "n_test": len(data.y_test),
        "config": _listify(dataclasses.asdict(config)),
        "differs_from_paper": differences_from_paper(config),
        "threads": torch.get_num_threads(), "load_average": {"start": list(load_start), "end": list(os.getloadavg())},
        "warmup_end": warmup_end, "augment_pad": pad, "input_size": config.input_size,
    }
    run_meta.update(meta or {})
    return RunLog(
        name, tuple(log["iterations"]), tuple(log["train_error"]), tuple(log["test_error"]), run_meta,
        tuple(log["train_loss"]),
        series={key: tuple(log[key]) for key in ("test_loss", "train_eval_error", "train_eval_loss", "lr")},
        gradients={kind: {group: tuple(v) for group, v in log[kind].items()} for kind in ("grad_norm", "grad_mean_abs")},
        responses=responses,
    )


def _checked(model: object, name: str, x: torch.Tensor, mean, std) -> nn.Module:
    """A network built by the caller's ``builder``: an nn.Module whose output is 10 logits per image."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"train: {name} must build an nn.Module, got {type(model).__name__}")
    images = normalize(x[:2], mean, std)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            out = model(images)
    except Exception as error:  # the reader's network: one line, not a traceback from inside torch
        raise ValueError(f"train: {name} fails on a batch of shape {tuple(images.shape)}: "
                         f"{type(error).__name__}: {error}") from None
    finally:
        model.train(was_training)
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (2, 10):
        got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(f"train: {name} must output 10 logits per image, shape (N, 10); for N = 2 it gave {got}")
    return model


def _build(name: str, config: TrainConfig) -> nn.Module:
    """The registered network, with ``config.width`` and ``config.batch_norm`` where they are not the default."""
    options = {key: getattr(config, key) for key in ("width", "batch_norm")
               if getattr(config, key) != getattr(TrainConfig, key)}
    for key, value in options.items():
        if key not in models.kwargs_of(name):
            raise ValueError(f"train: {name} has no {key} option; {key}={value} needs a CIFAR ResNet or plain net")
    return models.get(name, **options)


def save_weights(model: nn.Module, path: str | Path) -> Path:
    """The model's state dict, floating tensors as float16 (half the bytes; the book needs no more), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu", torch.float16) if v.is_floating_point() else v.detach().cpu()
             for k, v in model.state_dict().items()}
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)
    return path


def _listify(value: Any) -> Any:
    """Tuples to lists, recursively: a config compares equal before and after a JSON or torch round trip."""
    if isinstance(value, dict):
        return {key: _listify(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_listify(item) for item in value]
    return value
