"""The SqueezeNet chapter's claims: the Fire module, AlexNet's accuracy with 50× fewer parameters, 500× smaller.

The notes give three bullets. "Fire modules consisting of a squeeze layer with 1×1 filters feeding an
'expand' layer with 1×1 & 3×3 filters" is checked on the zoo's SqueezeNet 1.0, module by module.

"AlexNet accuracy with 50× fewer params" is two statements: the parameter ratio is the architecture's, computed
from the zoo's AlexNet (the paper's two-tower network, and the single-tower variant) against SqueezeNet 1.0;
the accuracy is a trained result, the paper's Table 2.

"500× smaller than AlexNet" is a statement about bytes on disk, and the paper's 510× (0.47MB) is SqueezeNet
*with* Deep Compression (pruning, quantisation, Huffman coding): a result only the paper can give, cited from
its Table 2. What the architecture alone gives (the same ratio as the parameters, 49× in float32; 260× with
SqueezeNet's dense weights in 6 bits) is computed by :func:`cnnviz.analysis.fire_modules.model_bytes` and shown
by the chapter beside it; it is not the notes' statement, so it is no row here.
"""

from __future__ import annotations

from cnnviz.analysis.claims import COMPUTED, Bullet, Claim, Verdict
from cnnviz.analysis.claims.make import paper, ratio, total_params
from cnnviz.analysis.fire_modules import DEEP_COMPRESSION

# The notes' bullets on SqueezeNet, as they write them ("$50 \times$" in their markup).
FIRE = Bullet(
    "squeezenet.fire",
    "Fire modules consisting of a squeeze layer with 1×1 filters feeding an 'expand' layer with 1×1 & 3×3 filters",
)
FEWER_PARAMS = Bullet("squeezenet.fewer_params", "AlexNet accuracy with 50× fewer params")
SMALLER = Bullet("squeezenet.smaller", "500× smaller than AlexNet")


def _fire_layout() -> tuple[int, int]:
    """(Fire modules of SqueezeNet 1.0 laid out as the bullet says, Fire modules): a squeeze of 1×1 filters,
    narrower than the expand layer it feeds, and an expand layer of 1×1 and 3×3 filters side by side."""

    from cnnviz import models
    from cnnviz.analysis.resolve import shapes_only
    from cnnviz.models.squeezenet import Fire

    with shapes_only():  # structure only: no weights drawn
        fires = [m for m in models.get("squeezenet1_0").modules() if isinstance(m, Fire)]
    good = sum(
        f.squeeze.kernel_size == (1, 1) and f.expand1x1.kernel_size == (1, 1) and f.expand3x3.kernel_size == (3, 3)
        and f.expand1x1.in_channels == f.expand3x3.in_channels == f.squeeze.out_channels
        and f.squeeze.out_channels < f.expand1x1.out_channels + f.expand3x3.out_channels
        for f in fires
    )  # fmt: skip
    return good, len(fires)


def claims() -> list[Claim]:
    alexnet, owt, squeeze = (
        total_params("alexnet"),
        total_params("alexnet_owt"),
        total_params("squeezenet1_0"),
    )
    table2 = {(r.model, r.bits): r for r in DEEP_COMPRESSION}
    sq, ax, dc = table2[("squeezenet1_0", "32")], table2[("alexnet", "32")], table2[("squeezenet1_0", "6")]
    good, fires = _fire_layout()
    at_least = sq.top1_accuracy >= ax.top1_accuracy and sq.top5_accuracy >= ax.top5_accuracy
    return [
        Claim(
            "squeezenet.fire_module",
            "squeezenet",
            "Fire modules: a squeeze layer of 1×1 filters feeding an "
            "expand layer of 1×1 and 3×3 filters (SqueezeNet 1.0)",
            "—",
            float(fires),
            float(good),
            f"{good} of {fires} Fire modules",
            COMPUTED,
            "models.get('squeezenet1_0'): each Fire's squeeze, expand1x1 and expand3x3 (kernel sizes, channels)",
            Verdict.of(good == fires > 0),
            "Each squeeze layer has fewer filters than the expand layer it feeds (8× fewer in SqueezeNet 1.0), "
            "and the two expand convolutions read the same squeezed maps; their outputs are concatenated.",
            bullet=FIRE,
        ),
        ratio(
            "squeezenet.fewer_params",
            "squeezenet",
            "50× fewer params than AlexNet",
            50,
            10,
            alexnet / squeeze,
            f"ledger: alexnet {alexnet:,} / squeezenet1_0 {squeeze:,} parameters",
            bullet=FEWER_PARAMS,
        ),
        ratio(
            "squeezenet.fewer_params_owt",
            "squeezenet",
            "50× fewer params (against single-tower AlexNet)",
            50,
            10,
            owt / squeeze,
            f"ledger: alexnet_owt {owt:,} / squeezenet1_0 {squeeze:,} parameters",
            f"Krizhevsky's single-tower variant (krizhevsky2014one) has {'more' if owt > alexnet else 'fewer'} "
            f"parameters than the two-tower network of 2012 ({owt - alexnet:+,}), so the ratio barely moves.",
            bullet=FEWER_PARAMS,
        ),
        Claim(
            "squeezenet.alexnet_accuracy",
            "squeezenet",
            "AlexNet accuracy (ImageNet top-1 and top-5)",
            "—",
            0.0,
            0.0,
            f"{sq.top1_accuracy:.1%} / {sq.top5_accuracy:.1%} against {ax.top1_accuracy:.1%} / "
            f"{ax.top5_accuracy:.1%}",
            "paper",
            sq.source,
            Verdict.of(at_least),
            "SqueezeNet against the paper's AlexNet baseline, both uncompressed: a trained result, reported by "
            "the paper, not computed here.",
            bullet=FEWER_PARAMS,
        ),
        paper(
            "squeezenet.smaller_deep_compression",
            "squeezenet",
            "500× smaller than AlexNet (with Deep Compression)",
            "500×",
            500,
            dc.ratio,
            f"{dc.ratio:g}× ({dc.size_mb:g}MB)",
            dc.source,
            "Deep Compression (han2016deep): pruning, 6-bit quantisation and Huffman coding of SqueezeNet's "
            "weights, against AlexNet in float32; the paper's result, not computed here. The architecture "
            "alone gives the 50× (see the size table).",
            resolution=100,
            bullet=SMALLER,
        ),
    ]
