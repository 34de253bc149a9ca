"""The ResNet chapter's claims: depths, blocks, stages, the stem, batch norm and the training settings."""

from __future__ import annotations

import itertools

from cnnviz.analysis.claims import Bullet, Claim
from cnnviz.analysis.claims.make import cached_ledger, computed, paper
from cnnviz.analysis.depth import weight_layer_depth

# The bullets of the notes these claims check, as the notes write them.
DEPTH152 = Bullet("resnet.depth152", "152 layers model")
ERROR = Bullet("resnet.error", "3.57% error")
DEPTHS = Bullet("resnet.depths", "Total depths: 34, 50, 152")
BLOCK = Bullet("resnet.block", "Every residual block has two 3×3 conv layers")
DOUBLE = Bullet("resnet.double_filters", "Periodically, double no. of filters")
STRIDE2 = Bullet("resnet.stride2", "downsample spatially using stride 2")
STEM = Bullet("resnet.stem", "Additional conv layer at the beginning")
NO_FC = Bullet("resnet.no_fc", "No FC")
BATCH_NORM = Bullet("resnet.batch_norm", "Batch Norm after every CONV layer")
INIT = Bullet("resnet.init", "Xavier initialization")
MOMENTUM = Bullet("resnet.momentum", "SGD + momentum (0.9)")
LR = Bullet("resnet.lr", "LR: 0.1, / by 10 when VE plateaus")
BATCH = Bullet("resnet.batch", "Batch: 256")
WEIGHT_DECAY = Bullet("resnet.weight_decay", "Weight decay 1e-5")
DROPOUT = Bullet("resnet.dropout", "No dropout")


def _worst_ratio(ratios: list[float], expected: float) -> float:
    """The ratio furthest from ``expected``: a "doubles every stage" claim holds only if every step does."""
    return max(ratios, key=lambda r: abs(r - expected))


def claims() -> list[Claim]:
    from cnnviz import models

    info = models.info("resnet152")
    n_linear = sum(1 for r in cached_ledger("resnet152").leaves() if r.type == "Linear")
    r34 = cached_ledger("resnet34")
    convs = sum(1 for r in r34.leaves() if r.type == "Conv2d")
    norms = sum(1 for r in r34.leaves() if r.type == "BatchNorm2d")
    block_3x3 = sum(1 for r in r34.leaves() if r.name.startswith("layer1.0.") and r.kernel == (3, 3))
    stages = [next(r for r in r34.rows if r.name == f"layer{i}") for i in range(1, 5)]
    widths = [s.output_shape[0] for s in stages]
    sizes = [s.output_shape[1] for s in stages]
    width_ratios = [b / a for a, b in itertools.pairwise(widths)]  # "double": every ratio must be 2
    size_ratios = [a / b for a, b in itertools.pairwise(sizes)]
    stem_convs = sum(1 for r in r34.leaves() if r.type == "Conv2d" and not r.name.startswith("layer"))
    claims = [
        computed("resnet.depth152", "resnet", "152 layers model", "152", weight_layer_depth("resnet152"),
                  "weight_layer_depth('resnet152')", bullet=DEPTH152),
        paper("resnet.error", "resnet", "3.57% error", "3.57%", 3.57, 100 * info.reported_error,
               f"{100 * info.reported_error:.2f}%", "he2016deep, Table 5 (ensemble, ILSVRC-2015 test top-5)",
               bullet=ERROR),
        *[
            computed(f"resnet.depth{d}", "resnet", f"Total depths: 34, 50, 152 — ResNet-{d}", str(d),
                      weight_layer_depth(f"resnet{d}"), f"weight_layer_depth('resnet{d}')", bullet=DEPTHS)
            for d in (34, 50)
        ],
        computed("resnet.block_convs", "resnet", "Every residual block has two 3×3 conv layers (ResNet-34)", "2",
                  block_3x3, "ledger('resnet34'): 3×3 convolutions in layer1.0",
                  "For ResNet-50 and deeper the block is a bottleneck: 1×1, 3×3, 1×1.", bullet=BLOCK),
        computed("resnet.double_filters", "resnet", "Periodically, double no. of filters", "2",
                  _worst_ratio(width_ratios, 2),
                  f"ledger('resnet34'): stage widths {', '.join(map(str, widths))}", bullet=DOUBLE),
        computed("resnet.stride2", "resnet", "Downsample spatially using stride 2", "2", _worst_ratio(size_ratios, 2),
                  f"ledger('resnet34'): stage outputs {', '.join(f'{h}×{h}' for h in sizes)}", bullet=STRIDE2),
        computed("resnet.stem", "resnet", "Additional conv layer at the beginning", "1", stem_convs,
                  "ledger('resnet34'): convolutions before the first stage",
                  "A 7×7 convolution with stride 2, followed by a 3×3 max pool with stride 2.", bullet=STEM),
        computed("resnet.fc_layers", "resnet", "No FC", "0", n_linear, "ledger('resnet152'): Linear layers",
                  "One FC layer remains, the 1000-way classifier after global average pooling; there are no "
                  "FC hidden layers.", bullet=NO_FC),
        computed("resnet.bn_after_conv", "resnet", "Batch Norm after every CONV layer (ResNet-34: one BN per conv)",
                  str(convs), norms, "ledger('resnet34'): Conv2d and BatchNorm2d layers", bullet=BATCH_NORM),
        paper("resnet.init", "resnet", "Xavier initialization", "Xavier", 0, 1, "He (MSRA) initialization",
               "he2016deep, section 3.4, citing he2015delving",
               "The paper initialises the weights as in He et al. 2015, not Xavier (Glorot & Bengio 2010).",
               bullet=INIT),
        paper("resnet.momentum", "resnet", "SGD + momentum (0.9)", "0.9", 0.9, 0.9, "0.9", "he2016deep, section 3.4",
              bullet=MOMENTUM),
        paper("resnet.lr", "resnet", "LR: 0.1, / by 10 when validation error plateaus", "0.1", 0.1, 0.1, "0.1",
               "he2016deep, section 3.4", bullet=LR),
        paper("resnet.batch", "resnet", "Batch: 256", "256", 256, 256, "256", "he2016deep, section 3.4", bullet=BATCH),
        paper("resnet.weight_decay", "resnet", "Weight decay 1e-5", "1e-5", 1e-5, 1e-4, "0.0001 (1e-4)",
               "he2016deep, section 3.4", "The paper uses a weight decay of 0.0001, ten times the notes' figure.",
               bullet=WEIGHT_DECAY),
        paper("resnet.dropout", "resnet", "No dropout", "0", 0, 0, "no dropout", "he2016deep, section 3.4",
              bullet=DROPOUT),
    ]
    return claims
