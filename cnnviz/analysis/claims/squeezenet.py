"""The SqueezeNet chapter's claims: 50× fewer parameters and 500× smaller than AlexNet."""

from __future__ import annotations

from cnnviz.analysis.claims import Claim
from cnnviz.analysis.claims.make import ratio, total_params


def claims() -> list[Claim]:
    alexnet, squeeze = total_params("alexnet"), total_params("squeezenet1_0")
    return [
        ratio("squeezenet.fewer_params", "squeezenet", "AlexNet accuracy with 50× fewer params", 50, 10,
               alexnet / squeeze, f"ledger: alexnet {alexnet:,} / squeezenet1_0 {squeeze:,} parameters"),
        ratio("squeezenet.smaller", "squeezenet", "500× smaller than AlexNet", 500, 100, alexnet / squeeze,
               "model size in float32: parameters × 4 bytes",
               f"Uncompressed, SqueezeNet is {alexnet / squeeze:.0f}× smaller ({squeeze * 4 / 1e6:.1f} MB against "
               f"{alexnet * 4 / 1e6:.0f} MB). The paper's 510× (0.47 MB) needs Deep Compression (han2016deep): "
               "pruning and 6-bit quantisation on top of the architecture."),
    ]
