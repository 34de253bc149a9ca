"""The networks of the book side by side: one record per network, every count computed, every reported error
with its source, and the CPU times read from a benchmark run, never measured while a page is built.

Collect (:func:`compare_row`, :func:`comparison`), then present (:mod:`cnnviz.render.compare`). Per network:

* the year of its paper, and the reported top-1 / top-5 error as data with its source (:data:`REPORTED`):
  the paper and table, the data split and the protocol (single crop, 10 crops, dense evaluation, best or
  median of several runs); a single model on a single crop where the paper reports one, otherwise the
  protocol says what the figure is;
* parameters and multiply-adds (the ledger), the depth in weight layers on the longest path
  (:mod:`cnnviz.analysis.depth`) and the theoretical receptive field of the last spatial map
  (:mod:`cnnviz.analysis.receptive_field`). These need shapes only: registry networks are built on the meta
  device;
* memory per image (:func:`memory_breakdown`): the activations a forward pass produces, each layer's output
  counted as if kept (the ledger's count, the lecture's accounting); the activations autograd saves for
  the backward pass of a training step, measured with saved-tensor hooks, each storage counted once; and
  what accounts for the difference (in-place layers, views, outputs the backward pass does not need,
  max-pool indices, dropout masks). The training total at batch 1 adds the parameters, their gradients and
  SGD's momentum buffers (:attr:`ComparisonRow.training_bytes`);
* CPU times, from a benchmark file (:func:`measured_times`, written by ``make bench`` with
  :func:`time_zoo`): the median and the spread of interleaved rounds, with the machine and the load it ran
  under. A page never times anything: :func:`comparison` reads the file. Only a reader's own call times a
  network live (``timed=True``, the command line's ``cnnviz compare``), and says it is one machine's run.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import torch
from torch import nn

from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import Ledger, ledger
from cnnviz.analysis.receptive_field import receptive_field
from cnnviz.analysis.resolve import build
from cnnviz.validate import positive_int

__all__ = [
    "ReportedError", "REPORTED", "BOOK_NETWORKS", "CHAPTER_PAGES", "REFERENCE", "Machine", "ComparisonRow",
    "Comparison", "TIMED_DATASET", "TRAINED_DATASET", "Pick", "PURPOSES", "pick", "machine", "time_per_image",
    "compare_row", "comparison", "MemoryBreakdown", "memory_breakdown", "EVERY_PATH", "Spread", "Load",
    "ZooTimes", "measured_times", "time_zoo", "TIMES_ENV", "TIMES_FILE", "CIFAR10_TRAIN_IMAGES",
]  # fmt: skip


@dataclass(frozen=True)
class ReportedError:
    """An error a paper reports for a network, with where it comes from. Errors are fractions (0.407 is 40.7%);
    None where the source gives no such figure."""

    top1: float | None
    top5: float | None
    dataset: str  # "ImageNet" or "CIFAR-10"
    split: str  # "ILSVRC-2012 val", "CIFAR-10 test"
    protocol: str  # "single model, 10 crops", "single model, single crop (224)"
    source: str  # bibkey and table: "he2016deep, Table 3"


_ILSVRC_VAL = "ILSVRC-2012 val"
_CIFAR = "CIFAR-10 test"
# One row per network of the comparison. ImageNet: the paper's single-model figures (the challenge
# entries the intro's timeline shows are ensembles; these are not). CIFAR-10: the papers' test errors, with
# how many runs stand behind them where the paper says.
REPORTED: dict[str, ReportedError] = {
    "alexnet": ReportedError(0.407, 0.182, "ImageNet", _ILSVRC_VAL, "single model (1 CNN), 10 crops",
                             "krizhevsky2012imagenet, Table 2"),
    "zfnet": ReportedError(0.384, 0.165, "ImageNet", _ILSVRC_VAL, "single model (1 convnet as per Fig. 3)",
                           "zeiler2014visualizing, Table 2"),
    "vgg16": ReportedError(0.256, 0.081, "ImageNet", _ILSVRC_VAL,
                           "single model, dense evaluation at one scale (Q = 384, S in [256, 512])",
                           "simonyan2015very, Table 3 (config D)"),
    "vgg19": ReportedError(0.255, 0.080, "ImageNet", _ILSVRC_VAL,
                           "single model, dense evaluation at one scale (Q = 384, S in [256, 512])",
                           "simonyan2015very, Table 3 (config E)"),
    "googlenet": ReportedError(None, 0.1007, "ImageNet", _ILSVRC_VAL, "single model, single crop (top-5 only)",
                               "szegedy2015going, Table 3"),
    "nin_imagenet": ReportedError(None, None, "ImageNet", "", "not reported: the paper has no ImageNet experiment",
                                  "lin2014network"),
    # Table 2's plain-vs-residual ResNets use zero-padding shortcuts (option A); the zoo's resnet18 has
    # projection shortcuts where the shape changes (option B), for which the paper reports no 18-layer figure.
    "resnet18": ReportedError(0.2788, None, "ImageNet", _ILSVRC_VAL,
                              "single model, 10 crops (top-1 only); option A shortcuts, the zoo's is option B",
                              "he2016deep, Table 2"),
    "resnet34": ReportedError(0.2452, 0.0746, "ImageNet", _ILSVRC_VAL, "single model, 10 crops (option B)",
                              "he2016deep, Table 3"),
    "resnet50": ReportedError(0.2285, 0.0671, "ImageNet", _ILSVRC_VAL, "single model, 10 crops",
                              "he2016deep, Table 3"),
    "resnet101": ReportedError(0.2175, 0.0605, "ImageNet", _ILSVRC_VAL, "single model, 10 crops",
                               "he2016deep, Table 3"),
    "resnet152": ReportedError(0.2143, 0.0571, "ImageNet", _ILSVRC_VAL, "single model, 10 crops",
                               "he2016deep, Table 3"),
    "wide_resnet50_2": ReportedError(0.219, 0.0603, "ImageNet", _ILSVRC_VAL, "single model, single crop (224)",
                                     "zagoruyko2016wide, Table 8 (WRN-50-2-bottleneck)"),
    "resnext50_32x4d": ReportedError(0.222, None, "ImageNet", _ILSVRC_VAL, "single model, single crop (224)",
                                     "xie2017aggregated, Table 3"),
    "densenet121": ReportedError(0.2502, 0.0771, "ImageNet", _ILSVRC_VAL, "single model, single crop (224)",
                                 "huang2017densely, Table 3"),
    "squeezenet1_0": ReportedError(0.425, 0.197, "ImageNet", _ILSVRC_VAL,
                                   "single model (the table does not state its crops)",
                                   "iandola2016squeezenet, Table 2"),
    "squeezenet1_1": ReportedError(None, None, "ImageNet", "",
                                   "not in the paper: the authors' release notes give >= 80.3% top-5 (1.0's "
                                   "level), no top-1",
                                   "iandola2016squeezenet (v1.1 release, not the paper)"),
    "resnet20": ReportedError(0.0875, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                              "he2016deep, Table 6"),
    "resnet110": ReportedError(0.0643, None, "CIFAR-10", _CIFAR,
                               "standard augmentation; best of 5 runs (mean 6.61 ± 0.16%)", "he2016deep, Table 6"),
    "nin_cifar": ReportedError(0.1041, None, "CIFAR-10", _CIFAR, "single model, no data augmentation",
                               "lin2014network, Table 1"),
    "wrn28_10": ReportedError(0.0400, None, "CIFAR-10", _CIFAR, "standard augmentation; median of 5 runs",
                              "zagoruyko2016wide, Table 5"),
    "resnext29_8x64d": ReportedError(0.0365, None, "CIFAR-10", _CIFAR, "standard augmentation; mean of 10 runs",
                                     "xie2017aggregated, Table 7"),
    "stochastic_depth110": ReportedError(0.0525, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                                         "huang2016deep, Table 1"),
    "fractalnet20": ReportedError(0.0460, None, "CIFAR-10", _CIFAR,
                                  "single model, standard augmentation (drop-path and dropout)",
                                  "larsson2017fractalnet, Table 1"),
    "densenet_bc_100_12": ReportedError(0.0451, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                                        "huang2017densely, Table 2"),
}

# The networks of the comparison, in the book's order: the ImageNet networks, then the CIFAR-10 networks
# (ResNet-20, the network the ResNet chapter trains, first).
BOOK_NETWORKS: tuple[str, ...] = tuple(REPORTED)

# The chapter page of each family (the page a row links back to).
CHAPTER_PAGES: dict[str, str] = {
    "AlexNet": "alexnet", "ZFNet": "zfnet", "VGG": "vgg", "GoogLeNet": "googlenet", "NiN": "nin",
    "ResNet": "resnet", "ResNet (CIFAR)": "resnet", "Wide ResNet": "wide_resnet", "ResNeXt": "resnext",
    "Stochastic Depth": "stochastic_depth", "FractalNet": "fractalnet", "DenseNet": "densenet",
    "SqueezeNet": "squeezenet",
}  # fmt: skip

REFERENCE = "alexnet"  # inference times are reported as a ratio to this network's
TIMED_DATASET = "ImageNet"  # the networks timed for inference: one image, a ratio to AlexNet's
TRAINED_DATASET = "CIFAR-10"  # the networks timed for training: a step's time per image gives an epoch's
CIFAR10_TRAIN_IMAGES = 50_000  # the CIFAR-10 training set (Krizhevsky, 2009): one epoch is one pass over it


@dataclass(frozen=True)
class Machine:
    """Where the times were measured."""

    system: str  # platform.platform()
    processor: str  # the CPU's model name where the system gives one
    torch_version: str
    threads: int  # torch.get_num_threads()
    cores: int | None = None  # logical CPUs the system reports (os.cpu_count())

    @property
    def description(self) -> str:
        cores = "" if self.cores is None else f"{self.cores} logical cores, "
        return f"{self.processor} ({cores}{self.threads} torch threads), {self.system}, torch {self.torch_version}"


def _cpu_name() -> str:
    name = platform.processor()
    try:  # Linux: platform.processor() is often just the architecture; /proc/cpuinfo has the model name
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return name or platform.machine() or "unknown CPU"


def machine() -> Machine:
    return Machine(platform.platform(), _cpu_name(), torch.__version__, torch.get_num_threads(), os.cpu_count())


# --- memory: what a forward pass produces, and what training keeps ------------------------------------

# Registry networks whose training step is random: measured with every path and block kept (the largest
# step; a step that drops paths keeps less). Their time is measured with the drops, as training runs them.
EVERY_PATH: Mapping[str, Mapping[str, object]] = MappingProxyType({
    "fractalnet20": {"local_drop": 0.0, "global_drop_ratio": 0.0},
    "fractalnet": {"local_drop": 0.0, "global_drop_ratio": 0.0},
    "stochastic_depth110": {"p_last": 1.0},
})  # fmt: skip


@dataclass(frozen=True)
class MemoryBreakdown:
    """One image's activations: what a forward pass produces, against what a training step saves for its
    backward pass, in bytes, with every term of the difference (:func:`memory_breakdown`)::

        saved == kept + training_only - in_place - views - not_needed
                 + indices + masks + inside_layers + between_layers

    ``kept`` counts the input and every layer's output as if each were kept (the ledger's count, the
    lecture's accounting, float32). The other terms come from one training-mode forward pass whose saved
    tensors are caught with :func:`torch.autograd.graph.saved_tensors_hooks`, each storage counted once, and
    traced to the layer that saved them.
    """

    kept: int  # the input and every leaf layer's output, as if each were kept (eval mode, the ledger's count)
    training_only: int  # outputs of layers that run only in training (an auxiliary classifier, say)
    in_place: int  # outputs written over their input (ReLU(inplace=True)): one storage, counted twice in kept
    views: int  # outputs that share a storage already counted without being in place (Flatten, Dropout(p=0))
    not_needed: int  # storages of outputs (or the input) that the backward pass does not keep
    indices: int  # max-pool argmax indices (int64, 8 bytes each), made and saved by the pooling layers
    masks: int  # dropout's masks: on the CPU a float32 tensor as large as the layer's input
    inside_layers: int  # other saved tensors made inside a layer (local response normalisation's terms)
    between_layers: int  # saved tensors made between layers, in a block's own code: sums, concatenations
    saved: int  # every saved storage of two or more dimensions, each once: what training keeps per image
    statistics: int  # saved tensors of one dimension or none (batch norm's per-channel statistics)

    def __post_init__(self) -> None:
        if self.kept - self.shared - self.not_needed + self.added != self.saved:
            raise ValueError(f"MemoryBreakdown: the terms give {self.kept - self.shared - self.not_needed + self.added:,} "
                             f"bytes, the hooks {self.saved:,}")  # fmt: skip

    @property
    def shared(self) -> int:
        """Bytes the forward count has twice that are one storage (in-place layers and views)."""
        return self.in_place + self.views

    @property
    def added(self) -> int:
        """Bytes the backward pass keeps that the forward count has no row for."""
        return self.training_only + self.indices + self.masks + self.inside_layers + self.between_layers


def _meta_params(module: nn.Module) -> dict[str, torch.Tensor]:
    named = [*module.named_parameters(), *module.named_buffers()]
    return {name: torch.empty_like(t, device="meta").requires_grad_(t.requires_grad) for name, t in named}


def memory_breakdown(model: str | nn.Module, input_size: tuple[int, int, int] | None = None) -> MemoryBreakdown:
    """The :class:`MemoryBreakdown` of one image through ``model`` (a registry name, built with
    :data:`EVERY_PATH`'s settings where it has any, or an nn.Module with its ``input_size``).

    The training-mode pass runs on the meta device: shapes and storages, no arithmetic, no weights copied
    (a module's own weights are swapped for meta tensors for the call, and its modes are restored). Autograd
    saves the same tensors whatever the device; ``tests/analysis/test_compare.py`` checks the count against
    :func:`cnnviz.analysis.memory.saved_for_backward` on real tensors.
    """
    return _memory_breakdown(model, ledger(model, input_size))


def _memory_breakdown(model: str | nn.Module, led: Ledger) -> MemoryBreakdown:
    from torch.func import functional_call

    size = led.input_size
    if isinstance(model, str):
        net = build(model, meta=True, **EVERY_PATH.get(model, {}))
        swapped: dict[str, torch.Tensor] | None = None
    elif isinstance(model, nn.Module):
        net, swapped = model, _meta_params(model)
    else:
        raise TypeError(f"memory_breakdown: model must be a registry name or an nn.Module, got {type(model).__name__}")

    def key(t: torch.Tensor) -> int:
        return t.untyped_storage()._cdata

    excluded = {key(t) for t in (*(swapped or {}).values(), *net.parameters(), *net.buffers())}
    outputs: list[tuple[nn.Module, torch.Tensor]] = []  # every leaf output, in call order
    handed: list[torch.Tensor] = []  # every tensor a leaf layer received (held: no storage freed and reused)
    saved: list[tuple[torch.Tensor, nn.Module | None]] = []  # what autograd saves, and the leaf running then
    running: list[nn.Module] = []

    def entering(module: nn.Module, inputs: tuple) -> None:
        running.append(module)
        handed.extend(t for t in inputs if isinstance(t, torch.Tensor))

    def leaving(module: nn.Module, _inputs: object, output: object) -> None:
        running.pop()
        for t in output if isinstance(output, tuple | list) else (output,):
            if isinstance(t, torch.Tensor):
                outputs.append((module, t))

    def pack(t: torch.Tensor) -> torch.Tensor:
        saved.append((t, running[-1] if running else None))
        return t

    modes = [(m, m.training) for m in net.modules()]
    leaves = [m for m in net.modules() if not any(True for _ in m.children())]
    handles = [h for m in leaves for h in (m.register_forward_pre_hook(entering), m.register_forward_hook(leaving))]
    x = torch.zeros(1, *size, device="meta")
    try:
        net.train()
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            if swapped is not None:  # a reader's module: its weights swapped for meta tensors for this call
                functional_call(net, swapped, (x,))
            else:
                net(x)
    finally:
        for h in handles:
            h.remove()
        for m, training in modes:
            m.training = training

    saved_storages: dict[int, tuple[int, torch.Tensor, nn.Module | None]] = {}  # key -> (bytes, tensor, saver)
    statistics_bytes = 0
    for t, saver in saved:
        k = key(t)
        if k in excluded or k in saved_storages:
            continue
        if t.dim() >= 2:
            saved_storages[k] = (t.untyped_storage().nbytes(), t, saver)
        else:
            statistics_bytes += t.untyped_storage().nbytes()
            excluded.add(k)  # counted once

    kept_train = x.numel() * x.element_size()
    produced = {key(x): x.untyped_storage().nbytes()}  # the storages the forward count has a row for
    in_place = 0
    for module, t in outputs:
        n = t.numel() * t.element_size()
        kept_train += n
        if key(t) in produced:
            in_place += n if getattr(module, "inplace", False) else 0
        else:
            produced[key(t)] = t.untyped_storage().nbytes()
    # A saved tensor no layer output is made between layers (a block's own code: it is handed to a layer, or
    # saved with no layer running) or inside the layer that saves it (indices, masks, intermediate terms).
    between = {key(t) for t in handed}
    terms = {"indices": 0, "masks": 0, "inside_layers": 0, "between_layers": 0}
    for k, (n, t, saver) in saved_storages.items():
        if k in produced:
            continue
        if saver is None or k in between:
            terms["between_layers"] += n
        elif t.dtype == torch.int64 and "Pool" in type(saver).__name__:
            terms["indices"] += n
        elif isinstance(saver, nn.modules.dropout._DropoutNd):
            terms["masks"] += n
        else:
            terms["inside_layers"] += n
    kept = 4 * (x.numel() + led.total_activations)  # float32, as the ledger counts it
    return MemoryBreakdown(
        kept=kept, training_only=kept_train - kept, in_place=in_place,
        views=kept_train - in_place - sum(produced.values()),
        not_needed=sum(n for k, n in produced.items() if k not in saved_storages),
        saved=sum(v[0] for v in saved_storages.values()), statistics=statistics_bytes, **terms,
    )  # fmt: skip


# --- times: measured by a benchmark run, read by the page ---------------------------------------------


@dataclass(frozen=True)
class Spread:
    """Seconds per image of one network over the rounds of a benchmark: the median and the extremes."""

    median: float
    low: float
    high: float
    samples: tuple[float, ...]

    @classmethod
    def of(cls, samples: Sequence[float]) -> Spread:
        if not samples or any(not s > 0 for s in samples):
            raise ValueError(f"Spread.of: samples must be positive seconds, got {list(samples)!r}")
        return cls(statistics.median(samples), min(samples), max(samples), tuple(samples))


@dataclass(frozen=True)
class Load:
    """What else the machine was doing: the load averages (1, 5 and 15 minutes) before and after the run,
    and how many other processes kept a core busy when it started and when it ended."""

    before: tuple[float, float, float]
    after: tuple[float, float, float]
    busy_before: int
    busy_after: int


@dataclass(frozen=True)
class ZooTimes:
    """A benchmark run of the book's networks (:func:`time_zoo`), as ``make bench`` writes it and
    :func:`measured_times` reads it back."""

    date: str  # UTC, "2025-01-31 14:02"
    machine: Machine
    load: Load
    rounds: int  # interleaved rounds: each network timed once per round, the order rotating
    train_batch: int  # images per training step
    inference: Mapping[str, Spread]  # one forward pass of one image, eval and inference mode
    training: Mapping[str, Spread]  # one SGD step (forward, backward, momentum update) at train_batch, per image
    note: str = ""  # shown with the times wherever they appear (empty for a run on an idle machine)
    source: str = ""  # the file it was read from (its name)

    def epoch_minutes(self, name: str, images: int = CIFAR10_TRAIN_IMAGES) -> float:
        """Minutes of one training epoch of ``images`` images at the median training time per image."""
        return self.training_spread(name).median * images / 60

    def training_spread(self, name: str) -> Spread:
        if name not in self.training:
            raise KeyError(f"ZooTimes: no training time for {name!r} in {self.source or 'the benchmark'}; "
                           f"timed: {', '.join(self.training)}; rerun `make bench`")  # fmt: skip
        return self.training[name]

    def inference_spread(self, name: str) -> Spread:
        if name not in self.inference:
            raise KeyError(f"ZooTimes: no inference time for {name!r} in {self.source or 'the benchmark'}; "
                           f"timed: {', '.join(self.inference)}; rerun `make bench`")  # fmt: skip
        return self.inference[name]

    def to_json(self) -> str:
        def spreads(d: Mapping[str, Spread]) -> dict[str, list[float]]:
            return {name: list(s.samples) for name, s in d.items()}

        payload = {
            "date": self.date, "note": self.note, "rounds": self.rounds, "train_batch": self.train_batch,
            "machine": {"system": self.machine.system, "processor": self.machine.processor,
                        "torch": self.machine.torch_version, "threads": self.machine.threads,
                        "cores": self.machine.cores},
            "load": {"before": list(self.load.before), "after": list(self.load.after),
                     "busy_before": self.load.busy_before, "busy_after": self.load.busy_after},
            "inference_seconds_per_image": spreads(self.inference),
            "training_seconds_per_image": spreads(self.training),
        }  # fmt: skip
        return json.dumps(payload, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "") -> ZooTimes:
        where = f"ZooTimes.from_json({source or 'text'})"
        try:
            data = json.loads(text)
            m, load = data["machine"], data["load"]
            times = cls(
                date=str(data["date"]), note=str(data.get("note", "")), rounds=int(data["rounds"]),
                train_batch=int(data["train_batch"]),
                machine=Machine(str(m["system"]), str(m["processor"]), str(m["torch"]), int(m["threads"]),
                                None if m.get("cores") is None else int(m["cores"])),
                load=Load(tuple(map(float, load["before"])), tuple(map(float, load["after"])),
                          int(load["busy_before"]), int(load["busy_after"])),
                inference={k: Spread.of(v) for k, v in data["inference_seconds_per_image"].items()},
                training={k: Spread.of(v) for k, v in data["training_seconds_per_image"].items()},
                source=source,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{where}: not a benchmark file of the zoo ({type(error).__name__}: {error})") from None
        if len(times.load.before) != 3 or len(times.load.after) != 3:
            raise ValueError(f"{where}: load averages must be three numbers (1, 5, 15 minutes)")
        short = [k for k, s in (*times.inference.items(), *times.training.items()) if len(s.samples) != times.rounds]
        if short:
            raise ValueError(f"{where}: {', '.join(short)} have not one sample per round ({times.rounds} rounds)")
        return times


TIMES_FILE = "zoo_times.json"  # package data, next to this module: what `make bench` writes
TIMES_ENV = "CNNVIZ_ZOO_TIMES"  # a path here is read instead of the package's file


def measured_times(path: str | os.PathLike[str] | None = None) -> ZooTimes:
    """The benchmark run the book shows: ``path`` if given, else the file named by the environment variable
    ``CNNVIZ_ZOO_TIMES``, else the package's own ``cnnviz/analysis/zoo_times.json`` (written by
    ``make bench``; see :func:`time_zoo`). A missing or malformed file is an error that says how to make one."""
    if path is None:
        path = os.environ.get(TIMES_ENV) or Path(__file__).with_name(TIMES_FILE)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"measured_times: no benchmark file at {path}; write it with "
                                "`python -m scripts.bench --only zoo` (part of `make bench`), on an idle machine")  # fmt: skip
    return ZooTimes.from_json(path.read_text(encoding="utf-8"), source=path.name)


def _zero_weights(name: str) -> nn.Module:
    """The registry network ``name`` with real (zero) tensors, built without drawing random weights: a dense
    convolution costs the same whatever its weights hold, and drawing them takes longer than a forward pass."""
    net = build(name, meta=True).to_empty(device="cpu")
    with torch.no_grad():
        for tensor in (*net.parameters(), *net.buffers()):
            tensor.zero_()
    for module in net.modules():  # batch norm's running variance must stay positive
        if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.running_var is not None:
            module.running_var.fill_(1.0)
    return net


def _logits(out: object) -> list[torch.Tensor]:
    return [t for t in (out if isinstance(out, tuple | list) else (out,)) if isinstance(t, torch.Tensor)]


def time_zoo(
    inference: Sequence[str] = (), training: Sequence[str] = (), *, rounds: int = 5, train_batch: int = 32,
    seed: int = 0, progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Spread], dict[str, Spread]]:  # fmt: skip
    """Time the registry networks on this machine's CPU in interleaved rounds: in each round every network
    is timed once, the order rotating by one network per round, so a change of load hits every network
    alike. Returns the :class:`Spread` per network of

    * ``inference``: one forward pass of one image in eval and inference mode (after an untimed pass of the
      same network, so each visit starts from warm kernels);
    * ``training``: one SGD step with momentum (forward, cross-entropy, backward, update) on a batch of
      ``train_batch`` images, divided by ``train_batch``; each network takes one untimed step first.
      Stochastic Depth and FractalNet drop blocks and paths as in training (the generator seeded with
      ``seed``).

    Networks are built with zero weights (a dense layer's time does not depend on its values). The
    benchmark, ``python -m scripts.bench --only zoo``, adds the machine and its load and writes the file that
    :func:`measured_times` reads.
    """
    from cnnviz import models

    positive_int("time_zoo", "rounds", rounds)
    positive_int("time_zoo", "train_batch", train_batch)
    for name in (*inference, *training):
        models.info(name)  # KeyError with close matches, before any work
    say = progress or (lambda _text: None)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        nets = {name: _zero_weights(name).eval() for name in inference}
        steps = {}
        for name in training:
            net = _zero_weights(name).train()
            size = models.info(name).input_size
            x, y = torch.zeros(train_batch, *size), torch.zeros(train_batch, dtype=torch.long)
            optimizer = torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9)

            def step(net: nn.Module = net, x: torch.Tensor = x, y: torch.Tensor = y, opt=optimizer) -> None:
                opt.zero_grad(set_to_none=True)
                loss = sum(nn.functional.cross_entropy(o, y) for o in _logits(net(x)))
                loss.backward()
                opt.step()

            step()  # untimed: allocates the gradients and the momentum buffers
            steps[name] = step
        inputs = {name: torch.zeros(1, *models.info(name).input_size) for name in inference}
        seconds: dict[str, list[float]] = {name: [] for name in (*inference, *training)}
        order = [("inference", n) for n in inference] + [("training", n) for n in training]
        for r in range(rounds):
            say(f"round {r + 1} of {rounds}")
            turn = order[r % len(order):] + order[: r % len(order)] if order else []
            for kind, name in turn:
                if kind == "inference":
                    with torch.inference_mode():
                        nets[name](inputs[name])  # warm: this network's kernels and memory, after the others'
                        start = time.perf_counter()
                        nets[name](inputs[name])
                        seconds[name].append(time.perf_counter() - start)
                else:
                    start = time.perf_counter()
                    steps[name]()
                    seconds[name].append((time.perf_counter() - start) / train_batch)
        del nets, steps
        gc.collect()
    return ({n: Spread.of(seconds[n]) for n in inference}, {n: Spread.of(seconds[n]) for n in training})


def time_per_image(module: nn.Module, input_size: tuple[int, int, int], repeats: int = 2) -> float:
    """Seconds for one forward pass of one image (the best of ``repeats`` after one warm-up), in eval and
    inference mode; the module's train/eval mode is restored. A live measurement of this machine, now: a
    page never calls it while it is built."""
    positive_int("time_per_image", "repeats", repeats)
    x = torch.zeros(1, *input_size)
    was_training = module.training
    module.eval()
    try:
        with torch.inference_mode():
            module(x)  # warm-up: the first call chooses kernels and allocates
            best = float("inf")
            for _ in range(repeats):
                start = time.perf_counter()
                module(x)
                best = min(best, time.perf_counter() - start)
    finally:
        module.train(was_training)
    return best


# --- the records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    name: str  # registry name, or the label of a reader's module
    family: str  # "" for a module outside the registry
    chapter: str  # the page the family's chapter is on ("" if none)
    year: int | None
    dataset: str
    input_size: tuple[int, int, int]
    params: int
    macs: int
    memory: MemoryBreakdown  # one image: kept by a forward pass, saved for the backward pass, and why they differ
    depth: int  # weight layers on the longest path
    receptive_field: int  # theoretical, of the last spatial map, one side, in input pixels
    reported: ReportedError | None
    seconds: float | None  # CPU time of one forward pass of one image (a median, or a reader's live run)
    train_seconds: float | None = None  # CPU time per image of a training step (a median), None if not timed

    @property
    def forward_bytes(self) -> int:
        """float32, one image: the input and every layer's output, as if each were kept."""
        return self.memory.kept

    @property
    def saved_bytes(self) -> int:
        """One image: what autograd saves for the backward pass of a training step (measured)."""
        return self.memory.saved

    @property
    def state_bytes(self) -> int:
        """float32: the parameters, their gradients and SGD's momentum buffers (independent of the batch)."""
        return 3 * 4 * self.params

    @property
    def training_bytes(self) -> int:
        """A training step at batch 1: :attr:`state_bytes` plus what the backward pass keeps (activations
        and batch norm's per-channel statistics)."""
        return self.state_bytes + self.memory.saved + self.memory.statistics

    def time_ratio(self, reference: ComparisonRow) -> float | None:
        if self.seconds is None or not reference.seconds:
            return None
        return self.seconds / reference.seconds


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]
    machine: Machine
    reference: str  # the row the inference times are divided by
    repeats: int  # live timing: runs per network (the best is kept); 0 if not timed live
    times: ZooTimes | None = field(default=None)  # the benchmark run the times come from, if any

    def row(self, name: str) -> ComparisonRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"Comparison.row: no network {name!r}; rows: {', '.join(r.name for r in self.rows)}")

    def time_ratio(self, name: str) -> float | None:
        reference = next((r for r in self.rows if r.name == self.reference), None)
        return None if reference is None else self.row(name).time_ratio(reference)

    def with_rows(self, *rows: ComparisonRow) -> Comparison:
        """The same comparison with ``rows`` added (a reader's own network, from :func:`compare_row`)."""
        return Comparison((*self.rows, *rows), self.machine, self.reference, self.repeats, self.times)

    def epoch_minutes(self, name: str, images: int = CIFAR10_TRAIN_IMAGES) -> float | None:
        """Minutes of one training epoch of ``images`` images at the row's median training time per image."""
        seconds = self.row(name).train_seconds
        return None if seconds is None else seconds * images / 60


def compare_row(
    model: str | nn.Module,
    input_size: tuple[int, int, int] | None = None,
    *,
    name: str | None = None,
    timed: bool = False,
    repeats: int = 2,
    reported: ReportedError | None = None,
    times: ZooTimes | None = None,
) -> ComparisonRow:
    """One network's record: a registry name (the registry's input size and year, :data:`REPORTED`'s error)
    or any nn.Module with its ``input_size`` (``name`` labels it). Its times come from ``times`` (a benchmark
    run) where it has them; ``timed=True`` measures the forward pass here and now instead (best of
    ``repeats`` after a warm-up): one machine, one moment."""
    from cnnviz import models

    led = ledger(model, input_size)
    registered = isinstance(model, str)
    info = models.info(model) if registered else None
    net = build(model, meta=True) if registered else model
    depth = weight_layer_depth(net)
    rf = receptive_field(net, led.input_size).output.rf
    seconds = train_seconds = None
    if times is not None and registered:
        seconds = times.inference[model].median if model in times.inference else None
        train_seconds = times.training[model].median if model in times.training else None
    if timed:
        timed_net = _zero_weights(model) if registered else model
        seconds = time_per_image(timed_net, led.input_size, repeats)
        del timed_net
        gc.collect()
    return ComparisonRow(
        name=name or led.model,
        family=info.family if info else "",
        chapter=CHAPTER_PAGES.get(info.family, "") if info else "",
        year=info.paper.year if info else None,
        dataset=info.dataset if info else "",
        input_size=led.input_size,
        params=led.total_params,
        macs=led.total_macs,
        memory=_memory_breakdown(model, led),
        depth=depth,
        receptive_field=rf,
        reported=reported if reported is not None else REPORTED.get(model) if registered else None,
        seconds=seconds,
        train_seconds=train_seconds,
    )


def comparison(
    names: Sequence[str] = BOOK_NETWORKS, *, timed: bool = False, repeats: int = 1,
    extra: Sequence[ComparisonRow] = (), times: ZooTimes | None = None,
) -> Comparison:  # fmt: skip
    """The records of ``names`` (registry names), plus ``extra`` rows (e.g. a reader's own network, from
    :func:`compare_row`). Times come from ``times`` (a benchmark run, :func:`measured_times`): nothing is
    timed unless ``timed=True``, which times the ImageNet networks here and now (and adds AlexNet if not
    listed: times are ratios to it), as the command line's ``cnnviz compare`` does."""
    from cnnviz import models

    for name in names:
        models.info(name)  # KeyError with close matches, before any work
    positive_int("comparison", "repeats", repeats)
    rows = [
        compare_row(name, timed=timed and models.info(name).dataset == TIMED_DATASET, repeats=repeats, times=times)
        for name in names
    ]
    if timed and REFERENCE not in names:
        rows.insert(0, compare_row(REFERENCE, timed=True, repeats=repeats))
    where = times.machine if times is not None and not timed else machine()
    return Comparison((*rows, *extra), where, REFERENCE, repeats if timed else 0, None if timed else times)


# --- which one, for what: choices made by comparisons on the records --------------------------------

@dataclass(frozen=True)
class Pick:
    purpose: str
    criterion: str  # the comparison that chose it, in words
    row: ComparisonRow
    runner_up: ComparisonRow | None  # the next best by the same criterion


PURPOSES = ("phone", "gpu server", "teaching demo")


def pick(comp: Comparison, purpose: str) -> Pick:
    """The network of ``comp`` a purpose calls for, by one stated comparison:

    * "phone": the ImageNet network with the fewest parameters (bytes to ship and hold), ties broken by the
      multiply-adds (time and energy per image);
    * "gpu server": the ImageNet network with the lowest reported top-1 error (memory and time are
      plentiful; the protocols of the reports differ, and the table says how);
    * "teaching demo": the CIFAR-10 network with the fewest minutes per CPU training epoch, from the
      measured time per image of a training step (it trains in front of the class): every CIFAR-10 row
      needs a training time.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"pick: purpose must be one of {', '.join(map(repr, PURPOSES))}, got {purpose!r}")
    imagenet = [r for r in comp.rows if r.dataset == "ImageNet"]
    if purpose == "phone":
        ranked = sorted(imagenet, key=lambda r: (r.params, r.macs))
        criterion = "the fewest parameters of the ImageNet networks (then the fewest multiply-adds)"
    elif purpose == "gpu server":
        ranked = sorted((r for r in imagenet if r.reported and r.reported.top1 is not None),
                        key=lambda r: r.reported.top1)  # type: ignore[union-attr]
        criterion = "the lowest reported ImageNet top-1 error"
    else:
        cifar = [r for r in comp.rows if r.dataset == TRAINED_DATASET]
        untimed = [r.name for r in cifar if r.train_seconds is None]
        if untimed:
            raise ValueError(f"pick('teaching demo'): no training time for {', '.join(untimed)}; build the "
                             "comparison with times=measured_times()")  # fmt: skip
        ranked = sorted(cifar, key=lambda r: r.train_seconds)  # type: ignore[arg-type, return-value]
        criterion = "the fewest minutes per CPU training epoch of the CIFAR-10 networks (measured)"
    if not ranked:
        raise ValueError(f"pick({purpose!r}): the comparison has no network this purpose can be chosen from")
    return Pick(purpose, criterion, ranked[0], ranked[1] if len(ranked) > 1 else None)
