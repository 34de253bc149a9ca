"""What a training run records besides its errors: gradient norms through training, layer responses at the end.

**Gradient norms** (:class:`GradientRecorder`): after every backward pass, the L2 norm and the mean absolute
value of the loss gradient with respect to each group of convolution weights — the first convolution alone,
then each top-level stage (``layer1``, ``layer2``, ... of a CIFAR ResNet) — averaged over the steps of a log
interval. The gradient is the loss's, read before the optimiser adds weight decay. The first convolution's
mean absolute gradient is the quantity of Huang et al. (2016)'s figure on vanishing gradients; the
per-stage norms show where in depth a plain network's gradient shrinks or grows.

**Layer responses** (:func:`response_std`): the standard deviation of each 3×3 layer's response — the output
of the batch norm that follows a convolution, before any addition or ReLU — on a fixed batch in eval mode,
as in He et al. (2016)'s Fig. 7 ("the responses are the outputs of each 3×3 layer, after BN and before other
nonlinearity (ReLU/addition)"). Hooks are removed and the module's mode restored afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["GradientRecorder", "ResponseStd", "gradient_groups", "response_layers", "response_std"]

FIRST_CONV = "conv1"


def gradient_groups(model: nn.Module) -> dict[str, list[nn.Parameter]]:
    """The convolution weights whose gradients are recorded, by group name, in forward (definition) order.

    ``"conv1"``: the first ``nn.Conv2d`` of the model; then one group per top-level child that holds
    convolutions other than that one (a CIFAR ResNet: ``layer1``, ``layer2``, ``layer3``).
    """
    convs = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError(f"gradient_groups: {type(model).__name__} has no nn.Conv2d layer to record")
    first_name, first = convs[0]
    groups: dict[str, list[nn.Parameter]] = {FIRST_CONV: [first.weight]}
    for child_name, child in model.named_children():
        weights = [m.weight for m in child.modules() if isinstance(m, nn.Conv2d) and m is not first]
        if weights:
            groups[child_name if child_name != FIRST_CONV else f"{child_name}_rest"] = weights
    return groups


class GradientRecorder:
    """Sums each group's gradient L2 norm and mean |gradient| over steps; ``take()`` gives the means and resets.

    The sums stay on the model's device (no synchronisation per step).
    """

    def __init__(self, model: nn.Module) -> None:
        self.groups = gradient_groups(model)
        device = next(iter(self.groups.values()))[0].device
        self.norm_sum = torch.zeros(len(self.groups), dtype=torch.float64, device=device)
        self.abs_sum = torch.zeros(len(self.groups), dtype=torch.float64, device=device)
        self.steps = 0

    @torch.no_grad()
    def record(self) -> None:
        """Call after ``loss.backward()``, before the optimiser step."""
        for k, params in enumerate(self.groups.values()):
            grads = [p.grad for p in params if p.grad is not None]
            if not grads:
                continue
            flat = torch.cat([g.reshape(-1) for g in grads]).double()
            self.norm_sum[k] += flat.norm()
            self.abs_sum[k] += flat.abs().mean()
        self.steps += 1

    def take(self) -> tuple[dict[str, float], dict[str, float]]:
        """(mean L2 norm, mean of mean |grad|) per group over the steps since the last ``take``."""
        if self.steps == 0:
            raise ValueError("GradientRecorder.take: no step recorded since the last log point")
        norms = (self.norm_sum / self.steps).tolist()
        means = (self.abs_sum / self.steps).tolist()
        self.norm_sum.zero_()
        self.abs_sum.zero_()
        self.steps = 0
        return dict(zip(self.groups, norms, strict=True)), dict(zip(self.groups, means, strict=True))

    def state(self) -> dict:
        return {"norm_sum": self.norm_sum.tolist(), "abs_sum": self.abs_sum.tolist(), "steps": self.steps}

    def load(self, state: dict) -> None:
        self.norm_sum.copy_(torch.tensor(state["norm_sum"], dtype=torch.float64))
        self.abs_sum.copy_(torch.tensor(state["abs_sum"], dtype=torch.float64))
        self.steps = int(state["steps"])


@dataclass(frozen=True)
class ResponseStd:
    """Per 3×3 layer (its batch norm's module name, forward order), the std of its response on a batch."""

    layers: tuple[str, ...]
    std: tuple[float, ...]

    def to_json(self) -> dict:
        return {"layers": list(self.layers), "std": list(self.std)}


def response_layers(model: nn.Module) -> list[tuple[str, nn.BatchNorm2d]]:
    """Batch norms whose input is a 3×3 convolution: the module defined just before each is such a conv."""
    found, previous = [], None
    for name, module in model.named_modules():
        if isinstance(module, nn.BatchNorm2d) and isinstance(previous, nn.Conv2d) and previous.kernel_size == (3, 3):
            found.append((name, module))
        if not list(module.children()):
            previous = module
    return found


@torch.no_grad()
def response_std(model: nn.Module, images: torch.Tensor) -> ResponseStd:
    """The std of every 3×3 layer's response (after BN, before addition and ReLU) on ``images``, eval mode."""
    layers = response_layers(model)
    if not layers:
        raise ValueError(f"response_std: {type(model).__name__} has no batch norm after a 3x3 convolution")
    stds: dict[str, float] = {}
    handles = [
        bn.register_forward_hook(lambda _m, _i, out, name=name: stds.__setitem__(name, out.float().std().item()))
        for name, bn in layers
    ]
    was_training = model.training
    try:
        model.eval()
        model(images)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    names = tuple(name for name, _ in layers)
    return ResponseStd(names, tuple(stds[name] for name in names))
