"""The SqueezeNet chapter's claims: 50× fewer parameters and 500× smaller than AlexNet, kept apart.

"50× fewer parameters" is a statement about the architecture: the parameter counts of the zoo's AlexNet
(the paper's two-tower network, and the single-tower variant) against SqueezeNet 1.0, computed.

"500× smaller" is a statement about bytes on disk. The architecture alone gives the parameter ratio at any
one precision (float32 against float32), and storing SqueezeNet's dense weights in 6 bits against AlexNet's
32 gives more: both are computed (:func:`cnnviz.analysis.fire_modules.model_bytes`). The paper's 510× (0.47MB)
adds Deep Compression (pruning, quantisation, Huffman coding) and is a result only the paper can give: it
appears with its source, Table 2.
"""

from __future__ import annotations

from cnnviz.analysis.claims import PAPER, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import ratio, total_params
from cnnviz.analysis.fire_modules import DEEP_COMPRESSION, model_bytes
from cnnviz.format import megabytes

# The notes' bullets on SqueezeNet that give figures, as they write them ("$50 \times$" in their markup).
FEWER_PARAMS = Bullet("squeezenet.fewer_params", "AlexNet accuracy with 50× fewer params")
SMALLER = Bullet("squeezenet.smaller", "500× smaller than AlexNet")


def claims() -> list[Claim]:
    alexnet, owt, squeeze = total_params("alexnet"), total_params("alexnet_owt"), total_params("squeezenet1_0")
    a32, s32, s6 = model_bytes(alexnet, 32), model_bytes(squeeze, 32), model_bytes(squeeze, 6)
    reported = next(r for r in DEEP_COMPRESSION if r.model == "squeezenet1_0" and r.bits == "6")
    statement = "500× smaller than AlexNet"
    return [
        ratio("squeezenet.fewer_params", "squeezenet", "AlexNet accuracy with 50× fewer params", 50, 10,
              alexnet / squeeze, f"ledger: alexnet {alexnet:,} / squeezenet1_0 {squeeze:,} parameters",
              bullet=FEWER_PARAMS),
        ratio("squeezenet.fewer_params_owt", "squeezenet", "50× fewer params (against single-tower AlexNet)",
              50, 10, owt / squeeze, f"ledger: alexnet_owt {owt:,} / squeezenet1_0 {squeeze:,} parameters",
              f"Krizhevsky's single-tower variant (krizhevsky2014one) has {'more' if owt > alexnet else 'fewer'} "
              f"parameters than the two-tower network of 2012 ({owt - alexnet:+,}), so the ratio barely moves.",
              bullet=FEWER_PARAMS),
        ratio("squeezenet.smaller", "squeezenet", statement + " (both in float32)", 500, 100, a32 / s32,
              "model size: parameters × 4 bytes for both networks",
              f"Uncompressed, SqueezeNet is {a32 / s32:.0f}× smaller ({megabytes(s32, 2)} against "
              f"{megabytes(a32)}): the architecture gives the 50×, not the 500×.", bullet=SMALLER),
        ratio("squeezenet.smaller_6bit", "squeezenet", statement + " (SqueezeNet's weights in 6 bits)", 500, 100,
              a32 / s6, "model size: AlexNet's parameters × 32 bits against SqueezeNet's × 6 bits, dense",
              f"Quantising SqueezeNet's dense weights to 6 bits ({megabytes(s6, 2)}) gives {a32 / s6:.0f}×; "
              "the rest of the paper's 510× comes from pruning and Huffman coding (Deep Compression).",
              bullet=SMALLER),
        Claim("squeezenet.smaller_deep_compression", "squeezenet", statement + " (with Deep Compression)", "500×",
              500, reported.ratio, f"{reported.ratio:g}× ({reported.size_mb:g}MB)", PAPER, reported.source,
              Verdict.of(abs(reported.ratio - 500) <= 100 / 2),  # "500×" to the nearest hundred, as above
              "Deep Compression (han2016deep): pruning, 6-bit quantisation and Huffman coding of the weights; "
              "the paper's result, not computed here.", bullet=SMALLER),
    ]
