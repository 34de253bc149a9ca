"""Effective receptive fields: Luo, Li, Urtasun & Zemel, "Understanding the Effective Receptive Field in
Deep Convolutional Neural Networks" (NeurIPS 2016, arXiv 1701.04128).

The *theoretical* receptive field says which input pixels *can* influence a unit; the *effective* one
measures how much each actually does. Following the paper, we back-propagate from the centre unit of a
layer's output and look at the gradient on the input image:

* the centre unit is position ``(H_out // 2, W_out // 2)`` of the layer's output, **summed over its
  channels** (the paper sets the gradient of every channel at the centre to 1, everything else to 0);
* the map is ``|d y_centre / d x|``, summed over the input channels, averaged over ``n_inputs`` random
  N(0, 1) images and ``n_inits`` random initialisations, then normalised to a maximum of 1;
* ``radius_1sd`` is the one-standard-deviation radius of a 2D Gaussian fitted by moments: the map,
  taken as a distribution over pixels, has variances ``var_y`` and ``var_x`` about its centroid, and
  ``radius_1sd = sqrt((var_y + var_x) / 2)``; ``radius_95`` is the radius of the smallest disc
  centred on the centroid that holds 95% of the map's mass.

Mode: the network runs in **eval mode**. Luo et al. study randomly initialised networks; in eval mode a
freshly built batch norm uses its initial running statistics (mean 0, variance 1) and its initial affine
(scale 1, shift 0), so it is (nearly) the identity, and dropout is off. Train mode would couple the
images of the batch through the batch statistics and make the map random. For a passed module with
trained weights, eval mode is also how it is used. The mode is restored afterwards.

Randomness: initialisation ``k`` (0-based) of a registry model is drawn with seed ``seed + k`` inside
``torch.random.fork_rng``, the input images from a local ``torch.Generator`` seeded with ``seed``: torch's
global random state is never touched. A passed ``nn.Module`` is used with its current weights (that is
how loaded weights are analysed); with ``init_fn`` it is copied and ``init_fn(copy)`` re-initialises
each copy instead, so the module itself is never changed. Gradients are taken with
``torch.autograd.grad`` with respect to the input only, so no ``.grad`` is left on any parameter.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from cnnviz.analysis.receptive_field import layer_geometry
from cnnviz.analysis.resolve import resolve_model
from cnnviz.analysis.tracing import eval_mode
from cnnviz.validate import integer, positive_int

__all__ = ["ERFResult", "effective_receptive_field", "map_moments", "mass_radius"]

# Input pixels differentiated in one backward pass: the saved activations grow with them, so the inputs go
# through in chunks of at most this many pixels (one 224×224 image; sixteen 56×56 ones). Each image's
# gradient is independent of the others' (eval mode), so chunking changes no number, only the peak memory:
# a chapter's kernel must stay within 1.5 GB.
PIXELS_PER_PASS = 224 * 224


@dataclass(frozen=True)
class ERFResult:
    model: str
    layer: str
    input_size: tuple[int, int, int]
    grad_map: np.ndarray  # (H, W), mean |d y_centre / d x| summed over input channels, normalised to max 1
    theoretical_rf: int
    radius_1sd: float  # one-standard-deviation radius of a 2D Gaussian fit (pixels)
    radius_95: float  # radius of the centred disc holding 95% of the gradient mass
    n_inputs: int
    n_inits: int
    seed: int
    # centre (row, column) in input pixels of the theoretical receptive field of the chosen unit, so
    # that plots can draw the theoretical square where it lies (it may extend past the image)
    rf_centre: tuple[float, float] | None = None


# --- map statistics (pure, numpy) -------------------------------------------------------------------


def map_moments(grad_map: np.ndarray) -> tuple[float, float, float]:
    """Centroid ``(row, column)`` of a non-negative map and its Gaussian 1-sd radius (moments method)."""
    weights = np.asarray(grad_map, dtype=np.float64)
    total = weights.sum()
    if not np.isfinite(total) or total <= 0:
        raise ValueError("map_moments: the map has no positive mass")
    rows, cols = np.indices(weights.shape, dtype=np.float64)
    cy = float((weights * rows).sum() / total)
    cx = float((weights * cols).sum() / total)
    var_y = float((weights * (rows - cy) ** 2).sum() / total)
    var_x = float((weights * (cols - cx) ** 2).sum() / total)
    return cy, cx, float(np.sqrt((var_y + var_x) / 2))


def mass_radius(grad_map: np.ndarray, fraction: float = 0.95) -> float:
    """Radius of the smallest disc centred on the map's centroid holding ``fraction`` of its mass.

    Pixels count whole, at their centres: the radius is the distance of the farthest pixel needed.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"mass_radius: fraction must be in (0, 1], got {fraction!r}")
    weights = np.asarray(grad_map, dtype=np.float64)
    cy, cx, _ = map_moments(weights)
    rows, cols = np.indices(weights.shape, dtype=np.float64)
    distance = np.hypot(rows - cy, cols - cx).ravel()
    order = np.argsort(distance, kind="stable")
    cumulative = np.cumsum(weights.ravel()[order])
    needed = int(np.searchsorted(cumulative, fraction * cumulative[-1] * (1 - 1e-12)))
    return float(distance[order][min(needed, len(order) - 1)])


# --- the gradient ------------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised by the hook to end the forward pass once the layer has produced its output."""


def _centre_gradient(
    model: nn.Module, layer: str, x: torch.Tensor, unit: tuple[int, int], calls: int
) -> torch.Tensor:
    """|d y / d x| summed over input channels and over the batch, y = sum_c out[:, c, unit]."""
    module = model.get_submodule(layer)
    captured: list[torch.Tensor] = []

    def hook(_module: nn.Module, _inputs: tuple, output: object) -> None:
        if not isinstance(output, torch.Tensor) or output.dim() != 4:
            raise ValueError(f"layer {layer!r} does not output a (N, C, H, W) feature map")
        # taken now: a later in-place op (ReLU(inplace=True)) must not change what we differentiate
        captured.append(output[:, :, unit[0], unit[1]].sum())
        if len(captured) == calls:
            raise _Stop  # nothing after this layer is needed

    handle = module.register_forward_hook(hook)
    try:
        with torch.enable_grad():
            try:
                model(x)
            except _Stop:
                pass
            if len(captured) != calls:
                raise ValueError(f"layer {layer!r} ran {len(captured)} times, expected {calls}")
            (grad,) = torch.autograd.grad(captured[-1], x)
    finally:
        handle.remove()
    return grad.abs().sum(dim=1).sum(dim=0)  # (H, W), summed over the batch: the map is normalised at the end


@contextlib.contextmanager
def _weights_frozen(model: nn.Module) -> Iterator[None]:
    """No gradient for the weights inside the block (only d/dx is wanted), so autograd keeps only what the
    input's gradient needs; afterwards each parameter has its own ``requires_grad`` back."""
    flags = [(p, p.requires_grad) for p in model.parameters()]
    try:
        for p, _ in flags:
            p.requires_grad_(False)
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)


def effective_receptive_field(
    model: str | nn.Module,
    layer: str,
    input_size: tuple[int, int, int] | None = None,
    *,
    n_inputs: int = 8,
    n_inits: int = 1,
    seed: int = 0,
    init_fn: Callable[[nn.Module], None] | None = None,
    **model_kwargs,
) -> ERFResult:
    """The effective receptive field of the centre unit of ``layer`` (a module name, e.g. ``"layer3"``).

    ``model`` is a registry name (rebuilt for each of the ``n_inits`` initialisations, with
    ``model_kwargs``) or an ``nn.Module`` (used as it is; ``n_inits > 1`` needs ``init_fn``).
    ``init_fn(module)``, if given, re-initialises each model (a copy, for a passed module).
    """
    positive_int("effective_receptive_field", "n_inputs", n_inputs)
    positive_int("effective_receptive_field", "n_inits", n_inits)
    integer("effective_receptive_field", "seed", seed, minimum=0)
    if isinstance(model, nn.Module) and n_inits > 1 and init_fn is None:
        raise ValueError(
            f"effective_receptive_field: n_inits={n_inits} needs new initialisations; a passed nn.Module "
            f"keeps its weights, so pass a registry name or an init_fn"
        )
    # geometry first: validates the layer name (with close matches) without building real weights
    geometry, record, calls = layer_geometry(model, layer, input_size, **model_kwargs)
    _module, label, size = resolve_model(model, input_size, model_kwargs, "effective_receptive_field", meta=True)
    unit = (geometry.output_hw[0] // 2, geometry.output_hw[1] // 2)

    generator = torch.Generator().manual_seed(seed)
    total = np.zeros(size[1:], dtype=np.float64)
    chunk = max(1, PIXELS_PER_PASS // (size[1] * size[2]))
    for k in range(n_inits):
        net = _instance(model, k, seed, init_fn, model_kwargs)
        with eval_mode(net), _weights_frozen(net):
            x = torch.randn((n_inputs, *size), generator=generator)  # drawn at once: the same inputs as ever
            for part in x.split(chunk):
                total += _centre_gradient(net, layer, part.requires_grad_(True), unit, calls).double().numpy()
    if not np.isfinite(total).all():
        raise ValueError(
            f"{label}: the gradient of layer {layer!r} with respect to the input is not finite: the network "
            f"overflows at this initialisation in eval mode (a very deep residual network adds up hundreds of "
            f"branches when batch norm is the identity); pass an nn.Module with trained weights, or a "
            f"shallower layer"
        )
    peak = total.max()
    if peak <= 0:
        raise ValueError(
            f"{label}: the gradient of layer {layer!r} with respect to the input is zero everywhere "
            f"(dead units?); no effective receptive field to measure"
        )
    grad_map = total / peak
    return ERFResult(
        model=label,
        layer=layer,
        input_size=size,
        grad_map=grad_map,
        theoretical_rf=record.rf,
        radius_1sd=map_moments(grad_map)[2],
        radius_95=mass_radius(grad_map, 0.95),
        n_inputs=n_inputs,
        n_inits=n_inits,
        seed=seed,
        rf_centre=geometry.centre(*unit),
    )


def _instance(
    model: str | nn.Module, k: int, seed: int, init_fn: Callable[[nn.Module], None] | None, model_kwargs: dict
) -> nn.Module:
    """The k-th network: a registry model built with seed ``seed + k``, or the passed module (a copy
    re-initialised by ``init_fn`` if one is given)."""
    if isinstance(model, nn.Module) and init_fn is None:
        return model
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + k)
        if isinstance(model, str):
            from cnnviz import models

            net = models.get(model, **model_kwargs)
        else:
            net = copy.deepcopy(model)
        if init_fn is not None:
            with torch.no_grad():
                init_fn(net)
    return net
