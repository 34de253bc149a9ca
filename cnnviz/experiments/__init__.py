"""Experiments the book reproduces, offline: data (synthetic or local CIFAR-10), training, run logs.

The degradation experiment (He et al. 2016, Fig. 1 and Fig. 6): plain 20/32/44/56-layer CIFAR networks
train worse the deeper they are; their residual twins do not. Regenerate the logs with
``python -m cnnviz.experiments degradation --preset cpu|quick|paper`` (see ``cnnviz.experiments.__main__``).
"""

from cnnviz.experiments.data import ImageDataset, augment, load_cifar10, normalize, synthetic_shapes
from cnnviz.experiments.logs import (
    DegradationStory,
    FinalError,
    RunLog,
    degradation_story,
    load_log,
    load_logs,
    load_runs,
    save_log,
    shipped_runs,
    summarize,
)
from cnnviz.experiments.train import PRESETS, TrainConfig, train

__all__ = [
    "PRESETS",
    "DegradationStory",
    "FinalError",
    "ImageDataset",
    "RunLog",
    "TrainConfig",
    "augment",
    "degradation_story",
    "load_cifar10",
    "load_log",
    "load_logs",
    "load_runs",
    "normalize",
    "save_log",
    "shipped_runs",
    "summarize",
    "synthetic_shapes",
    "train",
]
