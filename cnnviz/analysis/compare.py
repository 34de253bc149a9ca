"""The networks of the book side by side: one record per network, every count computed, every reported error
with its source, and the inference time measured on the machine that builds the page.

Collect (:func:`compare_row`, :func:`comparison`), then present (:mod:`cnnviz.render.compare`). Per network:

* the year of its paper, and the reported top-1 / top-5 error as data with its source (:data:`REPORTED`):
  the paper and table, the data split and the protocol (single crop, 10 crops, dense evaluation, an
  ensemble); a single model on a single crop where the paper reports one, otherwise the protocol says what
  the figure is;
* parameters and multiply-adds (the ledger), activation memory per image in float32 for a forward pass and
  for training (:mod:`cnnviz.analysis.memory`: every layer's output kept, and what the backward pass keeps),
  the depth in weight layers on the longest path (:mod:`cnnviz.analysis.depth`), the theoretical receptive
  field of the last spatial map (:mod:`cnnviz.analysis.receptive_field`). These need shapes only: registry
  networks are built on the meta device;
* the CPU time of one forward pass on one image, the best of a few runs after a warm-up, in inference mode,
  and its ratio to AlexNet's. Only the ImageNet networks are timed (:data:`TIMED_DATASET`): a ratio
  compares networks at the same input size, and the page's time budget is spent where it says most. A timed network is built with its
  weights left at zero (``to_empty`` then ``zero_``): drawing random weights takes longer than the forward
  pass, and a dense convolution costs the same whatever its weights hold. Timings depend on the machine
  (:class:`Machine` names it) and on what else runs on it: they are measurements, never checked against a
  number.
"""

from __future__ import annotations

import gc
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.ledger import ledger
from cnnviz.analysis.memory import memory_from_ledger
from cnnviz.analysis.receptive_field import receptive_field
from cnnviz.analysis.resolve import build
from cnnviz.validate import positive_int

__all__ = [
    "ReportedError", "REPORTED", "BOOK_NETWORKS", "CHAPTER_PAGES", "REFERENCE", "Machine", "ComparisonRow",
    "Comparison", "TIMED_DATASET", "Pick", "PURPOSES", "pick", "machine", "time_per_image", "compare_row", "comparison",
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
# entries the intro's timeline shows are ensembles; these are not). CIFAR-10: the papers' test errors.
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
    "resnet18": ReportedError(0.2788, None, "ImageNet", _ILSVRC_VAL, "single model, 10 crops (top-1 only)",
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
                                     "zagoruyko2016wide, ImageNet table (WRN-50-2-bottleneck)"),
    "resnext50_32x4d": ReportedError(0.222, None, "ImageNet", _ILSVRC_VAL, "single model, single crop (224)",
                                     "xie2017aggregated, Table 3"),
    "densenet121": ReportedError(0.2502, 0.0771, "ImageNet", _ILSVRC_VAL, "single model, single crop (224)",
                                 "huang2017densely, Table 3"),
    "squeezenet1_0": ReportedError(0.425, 0.197, "ImageNet", _ILSVRC_VAL,
                                   "single model (the paper does not state its crops)",
                                   "iandola2016squeezenet, Table 2"),
    "squeezenet1_1": ReportedError(None, None, "ImageNet", "",
                                   "not in the paper: the authors' release notes give >= 80.3% top-5 (1.0's "
                                   "level), no top-1",
                                   "iandola2016squeezenet (v1.1 release, not the paper)"),
    "resnet110": ReportedError(0.0643, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                               "he2016deep, Table 6"),
    "nin_cifar": ReportedError(0.1041, None, "CIFAR-10", _CIFAR, "single model, no data augmentation",
                               "lin2014network, Table 2"),
    "wrn28_10": ReportedError(0.0400, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                              "zagoruyko2016wide, Table 5"),
    "resnext29_8x64d": ReportedError(0.0365, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                                     "xie2017aggregated, Table 7"),
    "stochastic_depth110": ReportedError(0.0525, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                                         "huang2016deep, Table 1"),
    "fractalnet20": ReportedError(0.0460, None, "CIFAR-10", _CIFAR,
                                  "single model, standard augmentation (drop-path and dropout)",
                                  "larsson2017fractalnet, Table 1"),
    "densenet_bc_100_12": ReportedError(0.0451, None, "CIFAR-10", _CIFAR, "single model, standard augmentation",
                                        "huang2017densely, Table 2"),
}

# The networks of the comparison, in the book's order: the ImageNet networks, then those of the chapters
# whose papers work on CIFAR-10.
BOOK_NETWORKS: tuple[str, ...] = tuple(REPORTED)

# The chapter page of each family (the page a row links back to).
CHAPTER_PAGES: dict[str, str] = {
    "AlexNet": "alexnet", "ZFNet": "zfnet", "VGG": "vgg", "GoogLeNet": "googlenet", "NiN": "nin",
    "ResNet": "resnet", "ResNet (CIFAR)": "resnet", "Wide ResNet": "wide_resnet", "ResNeXt": "resnext",
    "Stochastic Depth": "stochastic_depth", "FractalNet": "fractalnet", "DenseNet": "densenet",
    "SqueezeNet": "squeezenet",
}  # fmt: skip

REFERENCE = "alexnet"  # times are reported as a ratio to this network's
TIMED_DATASET = "ImageNet"  # comparison() times the registry networks of this dataset


@dataclass(frozen=True)
class Machine:
    """Where the times were measured."""

    system: str  # platform.platform()
    processor: str  # the CPU's model name where the system gives one
    torch_version: str
    threads: int  # torch.get_num_threads()

    @property
    def description(self) -> str:
        return f"{self.processor} ({self.threads} torch threads), {self.system}, torch {self.torch_version}"


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
    return Machine(platform.platform(), _cpu_name(), torch.__version__, torch.get_num_threads())


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
    forward_bytes: int  # float32, one image: the input and every layer's output kept
    training_bytes: int  # float32, one image: what the backward pass keeps (activations only)
    depth: int  # weight layers on the longest path
    receptive_field: int  # theoretical, of the last spatial map, one side, in input pixels
    reported: ReportedError | None
    seconds: float | None  # CPU time of one forward pass on one image, None if not timed

    def time_ratio(self, reference: ComparisonRow) -> float | None:
        if self.seconds is None or not reference.seconds:
            return None
        return self.seconds / reference.seconds


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]
    machine: Machine
    reference: str  # the row the times are divided by
    repeats: int  # timed runs per network (the best is kept), 0 if untimed

    def row(self, name: str) -> ComparisonRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"Comparison.row: no network {name!r}; rows: {', '.join(r.name for r in self.rows)}")

    def time_ratio(self, name: str) -> float | None:
        reference = next((r for r in self.rows if r.name == self.reference), None)
        return None if reference is None else self.row(name).time_ratio(reference)


def time_per_image(module: nn.Module, input_size: tuple[int, int, int], repeats: int = 2) -> float:
    """Seconds for one forward pass of one image (the best of ``repeats`` after one warm-up), in eval and
    inference mode; the module's train/eval mode is restored."""
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


def _zero_weights(name: str) -> nn.Module:
    """The registry network ``name`` with real (zero) tensors, built without drawing random weights."""
    net = build(name, meta=True).to_empty(device="cpu")
    with torch.no_grad():
        for tensor in (*net.parameters(), *net.buffers()):
            tensor.zero_()
    for module in net.modules():  # batch norm's running variance must stay positive
        if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.running_var is not None:
            module.running_var.fill_(1.0)
    return net


def compare_row(
    model: str | nn.Module,
    input_size: tuple[int, int, int] | None = None,
    *,
    name: str | None = None,
    timed: bool = True,
    repeats: int = 2,
    reported: ReportedError | None = None,
) -> ComparisonRow:
    """One network's record: a registry name (the registry's input size and year, :data:`REPORTED`'s error)
    or any nn.Module with its ``input_size`` (``name`` labels it)."""
    from cnnviz import models

    led = ledger(model, input_size)
    mem = memory_from_ledger(led)
    registered = isinstance(model, str)
    info = models.info(model) if registered else None
    net = build(model, meta=True) if registered else model
    depth = weight_layer_depth(net)
    rf = receptive_field(net if not registered else model, led.input_size).output.rf
    seconds = None
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
        forward_bytes=mem.forward_bytes,
        training_bytes=mem.backward_saved_bytes,
        depth=depth,
        receptive_field=rf,
        reported=reported if reported is not None else REPORTED.get(model) if registered else None,
        seconds=seconds,
    )


def comparison(
    names: Sequence[str] = BOOK_NETWORKS, *, timed: bool = True, repeats: int = 1,
    extra: Sequence[ComparisonRow] = (),
) -> Comparison:  # fmt: skip
    """The records of ``names`` (registry names), plus ``extra`` rows (e.g. a reader's own network, from
    :func:`compare_row`). When ``timed``, the ImageNet networks are timed, and AlexNet is added if not
    listed: times are ratios to it."""
    from cnnviz import models

    for name in names:
        models.info(name)  # KeyError with close matches, before any work
    positive_int("comparison", "repeats", repeats)
    rows = [
        compare_row(name, timed=timed and models.info(name).dataset == TIMED_DATASET, repeats=repeats)
        for name in names
    ]
    if timed and REFERENCE not in names:
        rows.insert(0, compare_row(REFERENCE, timed=True, repeats=repeats))
    return Comparison((*rows, *extra), machine(), REFERENCE, repeats if timed else 0)


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
    * "teaching demo": the CIFAR-10 network with the fewest multiply-adds per image (it trains on a laptop
      CPU in front of the class).
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
        ranked = sorted((r for r in comp.rows if r.dataset == "CIFAR-10"), key=lambda r: r.macs)
        criterion = "the fewest multiply-adds per image of the CIFAR-10 networks"
    if not ranked:
        raise ValueError(f"pick({purpose!r}): the comparison has no network this purpose can be chosen from")
    return Pick(purpose, criterion, ranked[0], ranked[1] if len(ranked) > 1 else None)
