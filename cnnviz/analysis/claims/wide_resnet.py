"""The Wide ResNet chapter's claim: a 50-layer wide ResNet against ResNet-152."""

from __future__ import annotations

from cnnviz.analysis.claims import Claim
from cnnviz.analysis.claims.make import paper, total_params
from cnnviz.analysis.depth import weight_layer_depth


def claims() -> list[Claim]:
    wrn, r152 = total_params("wide_resnet50_2"), total_params("resnet152")
    return [
        paper("wrn.outperforms", "wide_resnet", "50 layer wide ResNet outperforms 152 layers original ResNet "
               "(ImageNet top-1 error)", "< 22.16%", 21.9, 21.9, "21.9% vs 22.16%",
               "zagoruyko2016wide (ImageNet results, single crop)",
               f"WRN-50-2-bottleneck has {weight_layer_depth('wide_resnet50_2')} weight layers and {wrn:,} "
               f"parameters; ResNet-152 has {weight_layer_depth('resnet152')} and {r152:,}: fewer layers, more "
               "parameters, and faster to train."),
    ]
