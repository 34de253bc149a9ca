"""The Network in Network chapter's claims: the notes' one line on NiN, "convolves a more complex
hierarchical filter", taken word by word and checked on the zoo's mlpconv layer.

* *convolves*: the mlpconv layer is one small MLP applied to every k×k patch of the image (the built
  block against ``unfold`` + ``nn.Linear`` layers with the same weights, patch by patch);
* *hierarchical*: each filter is a stack of weight layers (a k×k conv, then 1×1 convs), not one;
* *more complex*: a conventional filter (linear, then a ReLU) responds to one direction of its patch only,
  its input gradient is always a multiple of its weights; an mlpconv filter's gradients span many
  directions (the rank of the gradients of one output unit over random patches).
"""

from __future__ import annotations

import torch
from torch import nn

from cnnviz.analysis.claims import COMPUTED, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import cached_ledger

# The notes' one bullet on NiN, as they write it: checked as three statements, one per word.
FILTER = Bullet("nin.filter", "Convolves a more complex hierarchical filter")
_N_PATCHES = 1024  # random patches for the gradient rank: the unit responds to about a fifth of them


def layers_per_filter(name: str) -> list[int]:
    """Weight layers inside each mlpconv block of the registry network ``name``, block by block."""
    leaves = cached_ledger(name).leaves()
    blocks = sorted({r.name.split(".")[1] for r in leaves if ".mlpconv" in f".{r.name}"})
    return [sum(1 for r in leaves if r.type == "Conv2d" and r.name.split(".")[1] == b) for b in blocks]


def _first_block(padding: int | None = None) -> tuple[nn.Module, object]:
    """The CIFAR NiN's first mlpconv block (``padding`` overrides its padding), weights drawn without
    touching the global random state."""
    from dataclasses import replace

    from cnnviz.models.nin import CIFAR_BLOCKS, Mlpconv

    spec = CIFAR_BLOCKS[0] if padding is None else replace(CIFAR_BLOCKS[0], padding=padding)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        block = Mlpconv(3, spec).eval()
        return block, spec


def mlp_per_patch_difference(hw: int = 12) -> float:
    """Largest difference between the zoo's first CIFAR mlpconv block and the same weights used as an MLP
    (``nn.Linear`` layers) on each k×k patch, cut out with ``unfold``, on a random 3×hw×hw input."""
    block, spec = _first_block()
    convs = [m for m in block.children() if isinstance(m, nn.Conv2d)]
    layers: list[nn.Module] = []
    for conv in convs:  # nn.Linear draws weights of its own; they are overwritten at once
        linear = nn.Linear(conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1], conv.out_channels)
        with torch.no_grad():
            linear.weight.copy_(conv.weight.flatten(1))  # (out, in·k·k): the filter as a row of weights
            linear.bias.copy_(conv.bias)
        layers += [linear, nn.ReLU()]
    mlp = nn.Sequential(*layers)
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, hw, hw, generator=generator)
    with torch.no_grad():
        patches = nn.functional.unfold(x, spec.kernel, padding=spec.padding, stride=spec.stride)  # (N, 75, L)
        per_patch = mlp(patches.transpose(1, 2)).transpose(1, 2)  # (N, out, L): the MLP on every patch
        out = block(x)  # (N, out, H, W)
    return (out.flatten(2) - per_patch).abs().max().item()


def gradient_rank(n_patches: int = _N_PATCHES) -> tuple[int, int]:
    """(rank for one mlpconv filter, rank for a conv + ReLU filter): the rank of the input gradients of
    one output unit over ``n_patches`` random k×k×3 patches (CIFAR NiN's first block)."""
    block, spec = _first_block(padding=0)  # on one k×k patch, the output is 1×1
    generator = torch.Generator().manual_seed(2)
    patches = torch.randn(n_patches, 3, spec.kernel, spec.kernel, generator=generator)
    ranks = []
    for part in (block, nn.Sequential(block.conv, block.relu)):  # the whole micro-MLP; its first layer alone
        x = patches.clone().requires_grad_(True)
        part(x)[:, 0].sum().backward()  # unit 0 of every patch; the patches are independent
        ranks.append(int(torch.linalg.matrix_rank(x.grad.flatten(1))))
    block.zero_grad(set_to_none=True)
    return ranks[0], ranks[1]


def claims() -> list[Claim]:
    with torch.random.fork_rng(devices=[]):  # nn.Linear draws weights: leave the global random state as it was
        return _claims()


def _claims() -> list[Claim]:
    from cnnviz.models.nin import CIFAR_BLOCKS

    statement = "Convolves a more complex hierarchical filter"
    depths = {name: layers_per_filter(name) for name in ("nin_cifar", "nin_imagenet")}
    fewest = min(min(d) for d in depths.values())
    difference = mlp_per_patch_difference()
    mlpconv_rank, conv_rank = gradient_rank()
    k = CIFAR_BLOCKS[0].kernel
    patch_values = 3 * k * k
    return [
        Claim(
            "nin.convolves", "nin", f"{statement}: *convolves*, one filter slid over the image",
            "same output", 0.0, difference, f"largest difference {difference:.1e}", COMPUTED,
            f"CIFAR NiN's first mlpconv block against unfold + nn.Linear layers with its weights, on every "
            f"{k}×{k} patch of a random 12×12 input",
            Verdict.of(difference < 1e-4),
            "The mlpconv layer is one small MLP applied to every patch: a convolution with a multilayer "
            "filter. Its 1×1 layers are the MLP's hidden and output layers.", bullet=FILTER,
        ),
        Claim(
            "nin.hierarchical", "nin", f"{statement}: *hierarchical*, a stack of layers in each filter",
            "> 1 layer", 1.0, float(fewest),
            f"{fewest} weight layers (nin_cifar: {', '.join(map(str, depths['nin_cifar']))}; nin_imagenet: "
            f"{', '.join(map(str, depths['nin_imagenet']))})",
            COMPUTED, "ledger: Conv2d layers inside each mlpconv block, with a ReLU after each",
            Verdict.of(fewest > 1), bullet=FILTER,
        ),
        Claim(
            "nin.more_complex", "nin",
            f"{statement}: *more complex*, responds to more directions of its patch than a linear filter",
            "> 1", 1.0, float(mlpconv_rank),
            f"{mlpconv_rank} directions (conv + ReLU: {conv_rank})", COMPUTED,
            f"rank of the input gradients of one output unit over {_N_PATCHES} random {k}×{k}×3 patches, CIFAR "
            "NiN's first block",
            Verdict.of(mlpconv_rank > conv_rank == 1),
            f"A linear filter followed by a ReLU sees its {patch_values}-value patch through one projection: "
            "every gradient is a multiple of its weights. The micro-MLP's gradients span "
            f"{'all' if mlpconv_rank == patch_values else mlpconv_rank} of the {patch_values} directions.",
            bullet=FILTER,
        ),
    ]
