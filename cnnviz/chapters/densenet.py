"""The DenseNet chapter (``book/densenet.ipynb``): the numbers its prose cites, its paragraphs and their checks.

In the notebook::

    from cnnviz.chapters import densenet as chapter
    chapter.paragraph("idea")
    chapter.caption("dense_block", diagram)  # a diagram's caption, ending with what its drawing call did
    chapter.folded("The code of DenseBlock", Prose.source(DenseBlock))

:data:`PARAGRAPHS` lists the paragraphs in page order, :data:`FIGURES` the diagrams that :func:`caption`
captions. The figures the page cites from the paper are its Table 2
(:data:`cnnviz.analysis.claims.densenet.TABLE2`, with the 1001-layer ResNet it lists beside them), its
Table 3 (the registry's ImageNet errors), the round parameter counts of its Sec. 4.4 (:data:`FIG3_PARAMS`)
and its reading of Fig. 5, which the page labels as the paper's; everything else is measured on the zoo's
modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnviz.analysis import dense_blocks
from cnnviz.analysis.claims import Claim, tally
from cnnviz.analysis.claims.densenet import PREACT_RESNET_1001, TABLE2, Table2Row
from cnnviz.analysis.dense_blocks import DenseBlockCost, DenseNetBlocksCost
from cnnviz.analysis.memory import SavedTensors
from cnnviz.analysis.summary import NetworkSummary
from cnnviz.chapters.page import Page, claims_intro, folded, require
from cnnviz.chapters.words import AMOUNT, COUNT, LEVEL, SIZE, compare
from cnnviz.format import count, megabytes, percent, short_count, si_count, times
from cnnviz.models.lecture import DENSENET_EXAMPLE

__all__ = [
    "DOUBLING", "FIG3_PARAMS", "FIGURES", "IDEA_BLOCK", "IMAGENET", "CIFAR", "LABELS", "PARAGRAPHS", "Facts",
    "caption", "facts", "folded", "memory_table", "page", "paragraph", "reported_table", "stage_table",
]  # fmt: skip

PARAGRAPHS = (
    "idea",  # the block drawn above, and why concatenation works: narrow layers, short paths, the price
    "evidence",  # what it buys, in the paper's own trained networks (Table 2, Sec. 4.4)
    "connectivity",  # the measured triangle of DenseNet-121's first block
    "reuse",  # the paper's Fig. 5 reading, labelled as the paper's; the book's check not testable here (yet)
    "growth",  # DenseNet-121's third block: its layers' inputs, k₀ + k·(ℓ − 1)
    "bottleneck_intro",  # DenseNet-B: the 1×1 to 4k maps; the paper gives no reason for the 4
    "bottleneck",  # the third block with and without the bottleneck
    "transition",  # transitions and compression θ
    "memory_intro",  # the four ways of counting a block's activations
    "memory",  # DenseNet-121's blocks counted the four ways; where the L² comes from
    "networks",  # the family's table: depth in the name, DenseNet-BC-100 against DenseNet-40
    "reported",  # the paper's errors, each with its table and protocol
    "versus_resnet",  # DenseNet-121 against ResNet-50: parameters, work, depth, memory; accuracy left to Fig. 3
    "claims_intro",  # the notes' bullets, and how many statements check them
    "claims",  # what the claim cards show
    "explore",  # the kernel-free explorer
    "explore_live",  # the live widget
    "remember",  # what to remember, as a list
)
# The diagrams :func:`caption` captions: the idea's dense block, a transition, DenseNet-121 stage by stage.
FIGURES = ("dense_block", "transition", "densenet121")

# The dense block the idea is drawn with: three basic layers on the CIFAR explorer's input (2k channels, k = 12).
IDEA_BLOCK = {"k0": 2 * DENSENET_EXAMPLE.growth_rate, "k": DENSENET_EXAMPLE.growth_rate, "layers": 3,
              "hw": DENSENET_EXAMPLE.hw, "bottleneck": False}  # fmt: skip
# The transition drawn: DenseNet-121's first (the 256 channels of dense block 1 at 56×56), θ = 0.5.
TRANSITION = {"in_channels": 256, "hw": 56, "theta": 0.5}
DOUBLING = (6, 12, 24)  # block 1's layout with 6, 12 and 24 layers: the memory's quadratic growth
IMAGENET = ("densenet121", "densenet169", "densenet201", "densenet161", "densenet264")
CIFAR = ("densenet40_12", "densenet_bc_100_12")
# The networks as the paper names them, for the tables (narrower than the registry's names)
LABELS = {
    "densenet121": "DenseNet-121", "densenet169": "DenseNet-169", "densenet201": "DenseNet-201",
    "densenet161": "DenseNet-161", "densenet264": "DenseNet-264", "densenet40_12": "DenseNet-40",
    "densenet_bc_100_12": "DenseNet-BC-100", "resnet50": "ResNet-50",
}  # fmt: skip
# Sec. 4.4 of the paper, reading its Fig. 3: "a DenseNet-201 with 20M parameters model yields similar validation
# error as a 101-layer ResNet with more than 40M parameters" (round figures, as the paper writes them).
FIG3_PARAMS = {"densenet201": 20e6, "resnet101": 40e6}


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Everything the DenseNet chapter's prose cites, computed once per process by :meth:`compute`."""

    # the idea: the dense block drawn, and DenseNet-121's narrowest-per-input layer
    idea_inputs: tuple[int, ...]  # the drawn block's layer inputs
    idea_out: int
    growth_rate_121: int
    widest_input_121: int  # what the last layer of DenseNet-121's third block reads
    paths_121: tuple[int, int]  # (shortest, longest) weight layers from the image to the output
    paths_bc100: tuple[int, int]
    # connectivity, measured on the tensors of DenseNet-121 (random weights)
    connectivity: dict[str, np.ndarray]
    # the third block of DenseNet-121, with and without the bottleneck
    block3_inputs: tuple[int, ...]
    block3_hw: int
    with_bottleneck: DenseBlockCost
    without_bottleneck: DenseBlockCost
    bottleneck_width: int  # the 1×1's maps, in units of k (4)
    compression: float  # θ of DenseNet-121
    compressions: dict[str, float]  # θ of each DenseNet of the zoo
    # memory of DenseNet-121's dense blocks: counted, the modules' outputs from the ledger, and what autograd
    # keeps, measured on the zoo's blocks (random weights, training mode, one image)
    body_121: DenseNetBlocksCost
    ledger_blocks_121: tuple[int, ...]  # activations of each block's modules, from the ledger
    saved_121: tuple[SavedTensors, ...]  # what autograd saves for each block's backward pass, measured
    activations: dict[str, int]  # the ledger's activations per image, by network
    doubling: tuple[DenseBlockCost, ...]  # block 1's layout with DOUBLING layers
    # the networks
    imagenet: tuple[NetworkSummary, ...]
    cifar: tuple[NetworkSummary, ...]
    resnet50: NetworkSummary
    resnet101_params: int
    block_configs: dict[str, tuple[int, ...]]
    growth_rates: dict[str, int]
    reported: dict[str, float]  # the registry's reported error of each DenseNet
    # the claims (shown as cards)
    claims: tuple[Claim, ...]

    def net(self, name: str) -> NetworkSummary:
        """The summary of network ``name`` ("densenet121", "resnet50")."""
        return next(s for s in (*self.imagenet, *self.cifar, self.resnet50) if s.name == name)

    def claim(self, claim_id: str) -> Claim:
        return next(c for c in self.claims if c.id == claim_id)

    @classmethod
    def compute(cls) -> Facts:
        from cnnviz import models
        from cnnviz.analysis import dense_blocks
        from cnnviz.analysis.claims import for_chapter
        from cnnviz.analysis.claims.densenet import network_connectivity, weight_layer_paths
        from cnnviz.analysis.claims.make import cached_ledger
        from cnnviz.analysis.resolve import build
        from cnnviz.analysis.summary import network_summary
        from cnnviz.models.densenet import BOTTLENECK_WIDTH

        # structure only: shapes and counts, no weights drawn
        built = {name: build(name, meta=True) for name in (*IMAGENET, *CIFAR)}
        resnet101 = build("resnet101", meta=True)
        d121 = built["densenet121"]
        k = d121.growth_rate
        b1, b3 = d121.channels[0], d121.channels[2]
        led = cached_ledger("densenet121")
        rows = {r.name: r for r in led.rows}
        hw1 = rows["features.pool0"].output_shape[-1]  # the maps dense block 1 works on
        hw3 = rows["features.transition2"].output_shape[-1]
        idea = dense_blocks.dense_block_cost(IDEA_BLOCK["k0"], IDEA_BLOCK["k"], IDEA_BLOCK["layers"], IDEA_BLOCK["hw"],
                                             bottleneck=IDEA_BLOCK["bottleneck"])  # fmt: skip
        body = dense_blocks.densenet_blocks_cost(b1.in_channels, d121.block_config, k, hw1,
                                                 bottleneck=d121.bottleneck, compression=d121.compression)  # fmt: skip
        measured = tuple(
            sum(r.activations for r in led.leaves() if r.name.startswith(f"features.denseblock{i}."))
            for i in range(1, len(d121.block_config) + 1)
        )
        require((TRANSITION["in_channels"], TRANSITION["hw"], TRANSITION["theta"]) == (b1.out_channels, hw1,
                d121.compression), "the transition drawn is DenseNet-121's first")  # fmt: skip
        return cls(
            idea_inputs=idea.layer_inputs,
            idea_out=idea.out_channels,
            growth_rate_121=k,
            widest_input_121=b3.layer_inputs[-1],
            paths_121=weight_layer_paths("densenet121"),
            paths_bc100=weight_layer_paths("densenet_bc_100_12"),
            connectivity=network_connectivity("densenet121"),
            block3_inputs=b3.layer_inputs,
            block3_hw=hw3,
            with_bottleneck=dense_blocks.dense_block_cost(
                b3.in_channels, k, len(b3.layer_inputs), hw3, bottleneck=True
            ),
            without_bottleneck=dense_blocks.dense_block_cost(
                b3.in_channels, k, len(b3.layer_inputs), hw3, bottleneck=False
            ),  # fmt: skip
            bottleneck_width=BOTTLENECK_WIDTH,
            compression=d121.compression,
            compressions={name: net.compression for name, net in built.items()},
            body_121=body,
            ledger_blocks_121=measured,
            saved_121=_saved_for_backward_121(),
            activations={name: cached_ledger(name).total_activations for name in ("densenet121", "resnet50")},
            doubling=tuple(dense_blocks.dense_block_cost(b1.in_channels, k, n, hw1) for n in DOUBLING),
            imagenet=tuple(network_summary(name) for name in IMAGENET),
            cifar=tuple(network_summary(name) for name in CIFAR),
            resnet50=network_summary("resnet50"),
            resnet101_params=sum(p.numel() for p in resnet101.parameters()),
            block_configs={name: net.block_config for name, net in built.items()},
            growth_rates={name: net.growth_rate for name, net in built.items()},
            reported={name: models.info(name).reported_error for name in (*IMAGENET, *CIFAR)},
            claims=for_chapter("densenet"),
        )


def _saved_for_backward_121() -> tuple[SavedTensors, ...]:
    """What autograd saves for the backward pass of each dense block of the zoo's DenseNet-121 (random weights,
    training mode), one image of 224×224: each block run on an input of its shape that requires grad, as the
    previous stage's output does (a few seconds on one core; what is saved depends on the shapes, not on the
    values)."""
    import torch

    from cnnviz import models
    from cnnviz.analysis.memory import saved_for_backward

    torch.manual_seed(0)
    net = models.get("densenet121").train()
    saved, side = [], 224 // 4  # the stem's stride-2 convolution and stride-2 pooling
    for i, channels in enumerate(net.channels, start=1):
        x = torch.randn(1, channels.in_channels, side, side, requires_grad=True)
        saved.append(saved_for_backward(getattr(net.features, f"denseblock{i}"), x))
        side //= 2  # each transition pools 2×2
    return tuple(saved)


page: Page[Facts] = Page("densenet", Facts.compute, PARAGRAPHS, FIGURES)
facts = page.facts
paragraph = page.paragraph
caption = page.caption


def _pct(x: float, decimals: int = 2) -> str:
    """A figure the paper gives in percent: 4.51 -> "4.51%"."""
    return percent(x / 100, decimals)


def _table2(depth: int, k: int, bottleneck: bool) -> Table2Row:
    return next(r for r in TABLE2 if (r.depth, r.growth_rate, r.bottleneck) == (depth, k, bottleneck))


def _mb(elements: int) -> str:
    return megabytes(4 * elements)


def _sum(count_block, body: DenseNetBlocksCost) -> int:
    """A per-block count of :mod:`cnnviz.analysis.dense_blocks` summed over the blocks of ``body``."""
    return sum(count_block(b) for b in body.blocks)


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# The names of the last three counts of the memory table, as the explorer's panel and readout give them.
def _memory_names() -> tuple[str, str, str]:
    from cnnviz.interact.static.densenet import MEMORY

    kept, efficient, once = (label for _, _, label in MEMORY)
    return kept, efficient, once


# --- the paragraphs, in page order ----------------------------------------------------------------


@page.text("idea")
def _idea(f: Facts) -> str:
    k0, k, layers = IDEA_BLOCK["k0"], IDEA_BLOCK["k"], IDEA_BLOCK["layers"]
    require(
        f.idea_inputs == tuple(k0 + k * i for i in range(layers)), "the text gives the drawn layers' inputs"
    )
    require(f.idea_out == k0 + k * layers, "the text gives the block's output as k₀ + k·L")
    d121, r50 = f.net("densenet121"), f.net("resnet50")
    require(d121.params < r50.params, "the text says DenseNet-121 has fewer parameters than ResNet-50")
    require(
        f.widest_input_121 > 10 * f.growth_rate_121,
        "the text says a late layer reads many maps and writes few",
    )
    short, long = f.paths_121
    require(short < 10 < long, "the text says every layer is a few weight layers from the classifier")
    require(long == d121.weight_layers, "the longest path is the network's depth")
    inputs = ", ".join(map(str, f.idea_inputs))
    return f"""
        Read the drawing from the top. Layer 1 receives the block's k₀ = {k0} input channels; each layer adds
        k = {k} maps, and each concat joins everything written before it, so layer ℓ receives
        k₀ + k·(ℓ − 1) channels ({inputs}) and the block ends with k₀ + k·L = {f.idea_out}. Nothing is added
        together: every map a layer writes reaches every later layer of the block, and the block's output, as
        it was written.

        Why this works is the paper's argument (its Sec. 3 and 5); what the book can compute of it is beside
        each point:

        - **Narrow layers.** A layer need not carry forward what earlier layers computed: it is all in its
          input. So each layer can add few maps; the paper calls the concatenated maps the network's
          "collective knowledge", to which each layer adds k, the *growth rate*. Computed: the last layer of
          DenseNet-121's third block reads {f.widest_input_121:,} channels and writes k = {f.growth_rate_121},
          and the whole network has {si_count(d121.params)} parameters, {compare(d121.params, r50.params, COUNT)}
          ResNet-50's {si_count(r50.params)}.
        - **Short paths to the loss.** Every layer's output reaches the end of its block directly, so the
          classifier is a few weight layers from every layer: traced through DenseNet-121, the shortest path
          from the image to the output passes {short} weight layers, the longest {long}. The paper reads this as
          "implicit deep supervision" that eases training: a claim about training, which the book cannot test
          without trained networks.
        - **The price is memory.** Every concatenation is a new, wider tensor. How much that costs, and how to
          avoid it, is the section after next.
    """


@page.text("evidence")
def _evidence(f: Facts) -> str:
    bc = _table2(100, 12, True)
    bc_net = f.net("densenet_bc_100_12")
    require(f"{bc_net.params / 1e6:.1f}M" == bc.params, "the zoo's DenseNet-BC-100 rounds to Table 2's count")
    resnet = PREACT_RESNET_1001
    word = compare(bc.c10_plus, resnet["c10_plus"], LEVEL, multiples=False)
    require(word == "about the same as", "the text calls the two C10+ errors about the same")
    resnet_params = float(resnet["params"].rstrip("M")) * 1e6
    d201, r101 = f.net("densenet201"), f.resnet101_params
    require(
        round(d201.params / 1e6) == FIG3_PARAMS["densenet201"] / 1e6,
        "the zoo's DenseNet-201 is the paper's 20M",
    )
    require(
        r101 > FIG3_PARAMS["resnet101"], "the zoo's ResNet-101 has over 40M parameters, as the paper says"
    )
    return f"""
        What this buys is the paper's to report, from the networks it trained; nothing here retrains them. On
        CIFAR-10 with standard augmentation ("C10+"), its Table 2 gives DenseNet-BC with L = {bc.depth} and
        k = {bc.growth_rate} ({bc.params} parameters; the zoo's network has {count(bc_net.params)}) a test error
        of {_pct(bc.c10_plus)}, {word} the {_pct(resnet["c10_plus"])} of the 1001-layer pre-activation ResNet the
        table lists beside it, which has {times(resnet_params, bc_net.params, 0)} the parameters
        ({resnet["params"]}). On ImageNet (its Sec. 4.4, reading Fig. 3), a DenseNet-201 with 20M parameters
        reaches about the validation error of a ResNet-101 with over 40M (the zoo's counts:
        {si_count(d201.params)} and {si_count(r101)}). Each of these errors is one trained model,
        evaluated once (the paper's Sec. 4.2).
    """


@page.text("connectivity")
def _connectivity(f: Facts) -> str:
    matrices = list(f.connectivity.values())
    require(
        all(np.array_equal(m, np.tril(np.ones_like(m))) for m in matrices),
        "the text says the triangle is full",
    )
    block1 = f.connectivity["features.denseblock1"]
    layers = block1.shape[0] - 1
    pairs = sum(int(m.sum()) for m in matrices)
    require(f.block_configs["densenet121"][0] == layers, "the figure draws block 1's layers")
    return f"""
        The triangle is full: each of the {layers} layers of block 1 receives the block input and every earlier
        output, and the block's output holds all of them. Over the {len(matrices)} blocks of DenseNet-121 that is
        {pairs:,} receiver–source pairs, all checked on the tensors, none backwards. A ResNet block instead *adds*
        its branch's output to its input, F(x) + x, so an early layer's maps reach a late layer mixed into a
        sum.
    """


@page.text("reuse")
def _reuse(f: Facts) -> str:
    fig5 = _table2(40, 12, False)  # the network of the paper's Fig. 5 (its Sec. 5): L = 40, k = 12, on C10+
    reuse = f.claim("densenet.feature_reuse")
    from cnnviz.analysis.claims import Verdict

    require(
        reuse.verdict is Verdict.NOT_TESTABLE, "the text marks the book's check of reuse not testable here"
    )
    return f"""
        Does a trained DenseNet *use* those connections? The paper answers with its Fig. 5: it trains a
        DenseNet with L = {fig5.depth} and k = {fig5.growth_rate} on C10+ and draws, for every layer, the average
        absolute weight it puts on each earlier layer's maps. Its reading: every layer spreads its weight over
        many earlier layers of its block, the transitions over the whole block before them, and the layers of
        the second and third blocks put the least weight on the transition's outputs, the maps that
        DenseNet-BC's compression thins out. That is the paper's figure and the paper's reading. The book's own
        check needs a DenseNet trained here, its weights read the same way; none has been trained for it yet, so
        "encourages feature reuse" is marked *not testable here (yet)* in the claims below. The figure above is
        measured with random weights: it shows which maps *reach* each layer, not which ones a trained layer
        relies on.
    """


@page.text("growth")
def _growth(f: Facts) -> str:
    inputs, k = f.block3_inputs, f.growth_rate_121
    require(
        all(b - a == k for a, b in zip(inputs, inputs[1:], strict=False)), "the text says each layer adds k"
    )
    return f"""
        The zoo's third block of DenseNet-121 starts from k₀ = {inputs[0]} channels and adds k = {k} per layer:
        its {len(inputs)} layers receive {inputs[0]}, {inputs[1]}, … up to {inputs[-1]:,} channels, k₀ + k·(ℓ − 1)
        for every ℓ.
    """


@page.text("bottleneck_intro")
def _bottleneck_intro(f: Facts) -> str:
    b = f.bottleneck_width
    widest = f.widest_input_121
    require(widest > b * f.growth_rate_121, "the text says the 1×1 narrows the widest input")
    return f"""
        **Bottleneck (DenseNet-B).** A 3×3 convolution on a wide input is expensive, so each layer first maps its
        input with a 1×1 convolution to {b}k channels, the 3×3 then reading those:
        BN-ReLU-Conv1×1({b}k)-BN-ReLU-Conv3×3(k). In DenseNet-121 (k = {f.growth_rate_121}) the 1×1 turns
        inputs of up to {widest:,} channels into {b * f.growth_rate_121}. The paper sets the width to {b}k
        ("we let each 1×1 convolution produce {b}k feature-maps") without giving a reason or comparing other
        widths. What can be computed is when it pays: the 1×1 costs work of its own, so it saves multiply-adds
        in the layers whose input is wide enough and not in the others; an exercise below works out from which
        width.
    """


@page.text("bottleneck")
def _bottleneck(f: Facts) -> str:
    w, wo = f.with_bottleneck, f.without_bottleneck
    require(w.macs < wo.macs and w.params < wo.params, "the text says the bottleneck saves work in block 3")
    cut = 1 - w.macs / wo.macs
    return f"""
        In DenseNet-121's third block ({w.layers} layers on {f.block3_hw}×{f.block3_hw} maps, inputs up to
        {w.layer_inputs[-1]:,} channels) the bottleneck brings the multiply-adds from {short_count(wo.macs)} down to
        {short_count(w.macs)}, a cut of {percent(cut, 0)}. The extra 1×1 convolution has a cost of its own,
        though, so the bottleneck does not pay in every layer: an exercise below works out from which input width
        it does.
    """


@page.text("transition")
def _transition(f: Facts) -> str:
    bc_theta = {f.compressions[n] for n in (*IMAGENET, "densenet_bc_100_12")}
    require(len(bc_theta) == 1 and f.compressions["densenet40_12"] == 1,
            "the text gives one θ for the DenseNet-BCs and θ = 1 for the basic DenseNet")  # fmt: skip
    return f"""
        **Transitions and compression (DenseNet-C).** Concatenation needs maps of one size, so the size changes
        between blocks, in a transition layer: BN, ReLU, a 1×1 convolution and 2×2 average pooling. The 1×1
        convolution keeps ⌊θ·m⌋ of the block's m channels; θ = {f.compression:g} in every ImageNet DenseNet of the
        zoo and in the CIFAR DenseNet-BC (bottleneck and compression both), θ = 1 in the basic DenseNet.
    """


@page.text("memory_intro")
def _memory_intro(f: Facts) -> str:
    kept, efficient, once = _memory_names()
    return f"""
        Each concatenation makes a new tensor as wide as everything before it: layer ℓ's input has
        k₀ + k·(ℓ − 1) channels, so a block's concatenated inputs hold k₀·L + k·L(L − 1)/2 channels together, a
        sum with a term in L². How much of that a training step keeps for the backward pass depends on the
        implementation. The table below counts DenseNet-121's dense blocks four ways, in megabytes of float32
        per image; the explorer further down draws the last three:

        - **Every tensor the blocks create**, if nothing were freed: the concatenated copies (each layer's
          input and the block's output), the outputs of each layer's first batch norm and ReLU, which act on
          the whole concatenated input, and the outputs of the layer's other operations.
        - **{kept.capitalize()}**, measured on the zoo's blocks with PyTorch's saved-tensor hooks
          (`cnnviz.analysis.memory.saved_for_backward`, each storage counted once): per layer, the concatenated
          input (the first batch norm keeps it) and the first ReLU's output, both as wide as the input, and the
          1×1's and the second ReLU's outputs, {f.bottleneck_width}k maps each. The batch norms' outputs and the
          3×3's new maps are not kept. This is what a straightforward implementation such as the zoo's holds,
          and it grows with L².
        - **{efficient.capitalize()}**: the scheme of Pleiss et al. (2017) puts the concatenations and the
          first batch norm's outputs into two shared buffers and recomputes them in the backward pass, so that
          the memory for the maps grows linearly with L. Counted here as torchvision's `memory_efficient=True`
          does it (checkpointing each layer's concatenation, first batch norm, ReLU and 1×1): what stays is
          the block's maps, each stored once, and each layer's 1×1 and second ReLU outputs,
          {f.bottleneck_width}k maps each, both linear in L.
        - **{once.capitalize()}**: the block's k₀ + k·L maps and nothing else. No implementation that keeps
          the maps for the backward pass goes below this floor.
    """


@page.text("memory")
def _memory(f: Facts) -> str:
    body = f.body_121
    require(tuple(b.leaf_elements for b in body.blocks) == f.ledger_blocks_121,
            "the caption says the layers' outputs agree with a module-by-module count")  # fmt: skip
    measured = tuple(s.activation_bytes for s in f.saved_121)
    require(measured == tuple(4 * dense_blocks.autograd_saved_elements(b) for b in body.blocks),
            "the text's count of what autograd keeps is the measured one, block by block")  # fmt: skip
    every, kept = body.materialised_elements, _sum(dense_blocks.autograd_saved_elements, body)
    efficient, floor = _sum(dense_blocks.memory_efficient_elements, body), body.shared_elements
    require(every > kept > efficient > floor, "the four counts are ordered")
    extra = efficient - floor
    require(DOUBLING[1] == 2 * DOUBLING[0] and DOUBLING[2] == 2 * DOUBLING[1], "the text doubles the layers")
    block = f.doubling[0]
    k0, k = block.in_channels, block.growth_rate
    squares = [k * d.layers * (d.layers - 1) // 2 for d in f.doubling]  # the L² term of the concatenated inputs
    inputs = [sum(d.layer_inputs) for d in f.doubling]
    require(all(q + k0 * d.layers == c for q, d, c in zip(squares, f.doubling, inputs, strict=True)),
            "the text splits the concatenated inputs into k₀·L and k·L(L − 1)/2")  # fmt: skip
    ratios = [dense_blocks.autograd_saved_elements(d) / d.shared_elements for d in f.doubling]
    steps = [b / a for a, b in zip(ratios, ratios[1:], strict=False)]
    require(all(1 < x < 2 for x in steps) and steps[0] < steps[1],
            "the text says each doubling multiplies the ratio by a factor below 2 that rises towards it")
    a, b, c = DOUBLING
    kept_mb = [_mb(dense_blocks.autograd_saved_elements(d)) for d in f.doubling]
    first_ratios = ", ".join(f"{r:.1f}×" for r in ratios[:2])
    return f"""
        *Table: DenseNet-121's dense blocks at 224×224, one image in float32: block 1 ({body.blocks[0].layers}
        layers on {body.blocks[0].hw}×{body.blocks[0].hw} maps) and all four. The layers' outputs agree with a
        module-by-module count of a forward pass of the zoo's network; what autograd keeps is measured on the
        zoo's blocks in training mode.*

        Of the {_mb(every)} the blocks create, autograd keeps {_mb(kept)}, {times(kept, floor, 0)} the
        {_mb(floor)} of the maps stored once. The memory-efficient scheme keeps {_mb(efficient)},
        {times(efficient, floor, 1)} the floor: besides the maps, each layer's two {f.bottleneck_width}k-wide
        tensors, {_mb(extra)} in all.

        The L² comes from the concatenated inputs, which hold k₀·L + k·L(L − 1)/2 channels. In block 1's layout
        (k₀ = {k0}, k = {k}, {block.hw}×{block.hw}) the second term is {squares[0]:,} of {inputs[0]:,} channels
        with {a} layers, {squares[1]:,} of {inputs[1]:,} with {b} and {squares[2]:,} of {inputs[2]:,} with {c}.
        What autograd keeps is {kept_mb[0]}, {kept_mb[1]} and {kept_mb[2]}, or {first_ratios} and {ratios[2]:.1f}×
        the floor: each doubling of L multiplies that ratio by {steps[0]:.1f},
        then {steps[1]:.1f}, a factor that tends to 2 as k·L outgrows k₀. Multiply by the batch size to see why
        straightforward DenseNet implementations ran out of GPU memory long before their parameters did.
    """


@page.text("networks")
def _networks(f: Facts) -> str:
    d264, bc, d40 = f.net("densenet264"), f.net("densenet_bc_100_12"), f.net("densenet40_12")
    blocks = f.block_configs["densenet264"]
    transitions = len(blocks) - 1
    counted = 2 * sum(blocks) + 1 + transitions + 1
    require(d264.weight_layers == counted == 265, "the text says DenseNet-264's count is one over its name")
    require(all(f.net(n).weight_layers == int(n[len("densenet"):]) for n in ("densenet121", "densenet169",
                                                                          "densenet201")),
            "the text says the other names count their weight layers")  # fmt: skip
    require(bc.weight_layers > d40.weight_layers and bc.params < d40.params,
            "the text says DenseNet-BC-100 is deeper and has fewer parameters than DenseNet-40")  # fmt: skip
    return f"""
        *Table: the DenseNets of the zoo, measured (ImageNet at 224×224, CIFAR at 32×32): growth rate k, layers
        per dense block, weight layers on the longest path, parameters, multiply-adds per image and the
        theoretical receptive field of the last feature map. The paper's errors for them are in the next
        table.*

        The depth in a name counts the convolutions and the classifier on the longest path: two per layer (the
        1×1 and the 3×3), plus the first convolution, the {transitions} transitions and the classifier. For
        "DenseNet-264" that gives 2·{sum(blocks)} + {1 + transitions + 1} = {d264.weight_layers}, one over
        its name. DenseNet-BC-100 has {count(bc.params)} parameters, {compare(bc.params, d40.params, COUNT)} the
        shallower DenseNet-40's {count(d40.params)}: the bottleneck and compression at work.
    """


@page.text("reported")
def _reported(f: Facts) -> str:
    for name, row in (
        ("densenet40_12", _table2(40, 12, False)),
        ("densenet_bc_100_12", _table2(100, 12, True)),
    ):
        require(
            abs(f.reported[name] * 100 - row.c10_plus) < 1e-9, f"the registry's {name} error is Table 2's"
        )
    return """
        *Table: the errors the paper reports for these networks, each from one trained model: ImageNet top-1
        validation error with one 224×224 crop (its Table 3), and CIFAR-10 test error with standard augmentation
        (its Table 2). DenseNet-161 is the authors' released model, not in the paper. The two tasks are
        different: an ImageNet row and a CIFAR row are not to be compared.*
    """


@page.text("versus_resnet")
def _versus_resnet(f: Facts) -> str:
    d, r = f.net("densenet121"), f.net("resnet50")
    require(d.params < r.params and d.macs < r.macs, "the text says ResNet-50 costs more")
    act_d, act_r = f.activations["densenet121"], f.activations["resnet50"]
    require(act_d > act_r, "the text says DenseNet-121 keeps more activations")
    concat = f.body_121.materialised_elements - f.body_121.leaf_elements
    return f"""
        *Table: DenseNet-121 and ResNet-50 at 224×224, measured on the zoo's networks; activations are the
        outputs of their modules, per image.*

        ResNet-50 has {times(r.params, d.params, 1)} the parameters of DenseNet-121 and
        {times(r.macs, d.macs, 1)} its multiply-adds; DenseNet-121 has {d.weight_layers} weight layers on its
        longest path, {compare(d.weight_layers, r.weight_layers, COUNT)} ResNet-50's {r.weight_layers}, and a
        receptive field of {d.receptive_field} pixels, {compare(d.receptive_field, r.receptive_field, SIZE)}
        ResNet-50's {r.receptive_field}. The price is memory: DenseNet-121's modules output
        {si_count(act_d)} activations per image, {compare(act_d, act_r, AMOUNT)} ResNet-50's {si_count(act_r)},
        before the {si_count(concat)} of its concatenated copies (a row of the memory table above).

        As for accuracy, the paper has no table with both; its Fig. 3 plots DenseNets and ResNets trained with
        the same code and settings (its Sec. 4.4), and it reads the figure as "a DenseNet that requires as much
        computation as a ResNet-50 performs on par with a ResNet-101". The ResNet-50 error this book records is
        the ResNet paper's, under another protocol (ten crops, top-5), so this page does not set it beside
        DenseNet-121's.
    """


@page.text("claims_intro")
def _claims_intro(f: Facts) -> str:
    return claims_intro(f.claims, "on DenseNet", "on the zoo's modules and against the paper")


@page.text("claims")
def _claims(f: Facts) -> str:
    from cnnviz.analysis.claims import Verdict

    notes = tally(f.claims)
    verdicts = {c.id: c.verdict for c in f.claims}
    require(verdicts == {"densenet.connected": Verdict.HOLDS, "densenet.vanishing_gradients": Verdict.NOT_TESTABLE,
                         "densenet.feature_propagation": Verdict.HOLDS,
                         "densenet.feature_reuse": Verdict.NOT_TESTABLE},
            "the text gives each statement's verdict")  # fmt: skip
    require(
        (notes.holds, notes.not_testable, notes.off) == (1, 1, 0),
        "the text says one bullet holds, one is not testable",
    )
    connected, grads = f.claim("densenet.connected"), f.claim("densenet.vanishing_gradients")
    propagation = f.claim("densenet.feature_propagation")
    return f"""
        - **"Each layer connected to every other layer in feed forward fashion"** holds within a dense block,
          measured on the tensors ({connected.actual}); between blocks, a transition connects consecutive
          blocks.
        - **"Alleviates vanishing gradients"** is not testable here: it is a claim about training, and the book
          has trained no DenseNet; its card above says what would test it. What the book computes is the structure
          the paper's argument rests on ({grads.actual}); a short path does not show that the gradient stays
          strong in training.
        - **"Strengthens feature propagation"** holds as a statement about the structure, measured: every map
          a block computes reaches the block's end unchanged ({propagation.actual.split(" (")[0]}).
        - **"Encourages feature reuse"** is the paper's reading of trained weights (its Fig. 5, above); the
          book's own check is not testable here (yet), and its card says what would test it.

        So the first bullet holds, and the second, which bundles three statements of which two are about
        training, is not testable here.
    """


@page.text("explore")
def _explore(f: Facts) -> str:
    from cnnviz.interact.static.densenet import THETA, _init_channels, densenet_network

    basic, bc = (
        _init_channels(DENSENET_EXAMPLE.growth_rate, False),
        _init_channels(DENSENET_EXAMPLE.growth_rate, True),
    )
    require(bc == 2 * DENSENET_EXAMPLE.growth_rate, "the text says DenseNet-BC starts from 2k channels")
    basics, bcs = sum(not r.bottleneck for r in TABLE2), sum(r.bottleneck for r in TABLE2)
    first = TABLE2[0]
    default = densenet_network(DENSENET_EXAMPLE.growth_rate, DENSENET_EXAMPLE.layers, DENSENET_EXAMPLE.bottleneck,
                               DENSENET_EXAMPLE.compression < 1)  # fmt: skip
    require(default.depth == 100, "the default is Table 2's DenseNet-BC-100")
    return f"""
        A CIFAR DenseNet as the paper builds it: three dense blocks on 32×32, 16×16 and 8×8 maps, {basic}
        channels into the first block, or 2k with the bottleneck. Move the growth rate k and the layers per
        block, and tick the bottleneck (DenseNet-B) and the compression θ = {THETA:g} (DenseNet-C). The readout
        names the network as the paper would (its depth L counts the weight layers) and gives its parameters,
        multiply-adds, what training keeps of its dense blocks (the last three counts of the memory table) and
        the channels out of each block and transition. The upper panel draws that memory against the layers per
        block on log–log axes, where growth with L² is a line twice as steep as growth with L; without the
        bottleneck the memory-efficient line lies on the floor. The lower panel and the end of the readout give
        what a setting buys where the paper trained that network: the {len(TABLE2)} networks of its Table 2
        ({basics} DenseNets, {bcs} DenseNet-BCs), with their test errors, and "none" elsewhere; the errors
        without augmentation (C10, C100) are of networks trained with dropout 0.2. The default is DenseNet-BC
        with L = {default.depth} and k = {DENSENET_EXAMPLE.growth_rate}; untick both boxes and set
        {first.layers_per_block} layers for the basic DenseNet with L = {first.depth}. It works without Python.
    """


@page.text("explore_live")
def _explore_live(f: Facts) -> str:
    return """
        In Jupyter, Binder or Colab the next cell builds the zoo's network for each setting and counts it module
        by module, block by block, with θ free (from 10% to 100%); on the book's site it is not run, as it
        needs a running kernel.
    """


@page.text("remember")
def _remember(f: Facts) -> str:
    d, r = f.net("densenet121"), f.net("resnet50")
    require(
        d.params < r.params,
        "the text says DenseNet-121's narrow layers give it fewer parameters than ResNet-50",
    )
    return f"""
        - In a dense block, layer ℓ receives the concatenation of the block input and every earlier output:
          k₀ + k·(ℓ − 1) channels; it adds k, the growth rate.
        - Since every earlier map stays available, the layers can be narrow: DenseNet-121 has
          {si_count(d.params)} parameters, {compare(d.params, r.params, COUNT)} ResNet-50's {si_count(r.params)},
          with {d.weight_layers} weight layers on its longest path to ResNet-50's {r.weight_layers}.
        - DenseNet-B puts a 1×1 convolution to {f.bottleneck_width}k maps before each 3×3; DenseNet-C keeps
          ⌊θ·m⌋ channels in each transition; the ImageNet DenseNets are DenseNet-BC.
        - Concatenation costs memory: what autograd keeps of a straightforward dense block grows with the square
          of its length. A memory-efficient implementation recomputes the concatenations and first batch norms
          in the backward pass and keeps the maps once, plus a constant amount per layer: linear in the length.
        - Connectivity and propagation are measured here. That DenseNets train well and reuse features is the
          paper's reading of its trained networks (Table 2, Figs. 3 to 5): not testable here yet.
    """


# --- tables, captions of the diagrams, and folded blocks ---------------------------------------------------


def memory_table(f: Facts | None = None) -> str:
    """DenseNet-121's dense blocks counted four ways (megabytes of float32 per image), block 1 and all four: every
    tensor the blocks create, split into what it holds, then what autograd keeps (measured), what a
    memory-efficient implementation keeps, and the maps stored once. Three columns, so that it fits a phone."""
    f = f or facts()
    kept, efficient, once = _memory_names()
    first, body = f.body_121.blocks[0], f.body_121

    def cells(count_block) -> tuple[str, str]:  # megabytes, the unit in the header: narrow columns
        return tuple(f"{4 * n / 1e6:.1f}" for n in (count_block(first), sum(count_block(b) for b in body.blocks)))

    def other(b: DenseBlockCost) -> int:  # the 1×1, second batch norm and ReLU, and 3×3 outputs
        return b.leaf_elements - dense_blocks.full_width_elements(b)

    rows = [
        ("every tensor the blocks create", *cells(lambda b: b.materialised_elements)),
        ("– concatenated copies (each layer's input, the block's output)", *cells(lambda b: b.concat_elements)),
        ("– first batch norm and ReLU outputs, as wide as the input", *cells(dense_blocks.full_width_elements)),
        ("– the other outputs (1×1, second batch norm and ReLU, 3×3)", *cells(other)),
        (f"{kept}, measured", *cells(dense_blocks.autograd_saved_elements)),
        (f"{efficient} (Pleiss et al. 2017)", *cells(dense_blocks.memory_efficient_elements)),
        (f"{once}: the floor", *cells(lambda b: b.shared_elements)),
    ]
    require(first.materialised_elements == first.concat_elements + dense_blocks.full_width_elements(first)
            + other(first), "the three parts add up to every tensor created")  # fmt: skip
    lines = ["| DenseNet-121, MB per image | block 1 | all four blocks |", "|:---|---:|---:|"]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)]) + "\n"


def network_columns(f: Facts | None = None) -> dict[str, dict[str, str]]:
    """The networks table's extra columns: growth rate and layers per dense block, read from the zoo."""
    f = f or facts()
    return {
        "k": {name: str(k) for name, k in f.growth_rates.items()},
        "layers per block": {name: ",".join(map(str, c)) for name, c in f.block_configs.items()},
    }


def reported_table(f: Facts | None = None) -> str:
    """The paper's error for each DenseNet of the table, with what it measures and where it is printed."""
    from cnnviz.render.tables import markdown_rows

    f = f or facts()
    imagenet = "ImageNet val, top-1, one crop"
    cifar = "CIFAR-10 test, augmented (C10+)"
    rows = []
    for name in IMAGENET:
        source = "Table 3" if name != "densenet161" else "authors' release"
        rows.append(
            (LABELS[name], percent(f.reported[name], 2 if name != "densenet161" else None), imagenet, source)
        )
    for name in CIFAR:
        rows.append((LABELS[name], percent(f.reported[name], 2), cifar, "Table 2"))
    return markdown_rows(("network", "error", "measured on", "source"), rows)


def stage_table(led) -> str:
    """DenseNet-121 stage by stage: the stem's layers, each dense block and transition, and the head, with
    output shapes, activations and parameters (no multiply-adds: a block's would give away an exercise's
    comparison), and the totals."""
    from cnnviz.format import chw
    from cnnviz.render.tables import markdown_rows

    leaves = led.leaves()

    def activations(name: str) -> int:  # the outputs of its modules, so that the column adds up to the total
        return sum(
            leaf.activations for leaf in leaves if leaf.name == name or leaf.name.startswith(name + ".")
        )

    stages = [r2 for r in led.at_depth(1) for r2 in (led.at_depth(2) if r.name == "features" else [r])
              if r2.name == r.name or r2.name.startswith(r.name + ".")]  # fmt: skip
    rows = [(r.name.removeprefix("features."), chw(r.output_shape, "×") or "-", activations(r.name), r.params)
            for r in stages]  # fmt: skip
    require(sum(a for _, _, a, _ in rows) == led.total_activations, "the stage table's activations add up")
    table = markdown_rows(("stage", "output (C×H×W)", "activations", "parameters"), rows)
    total = f"| **Total** | {chw(led.input_size, '×')} in | **{count(led.total_activations)}** | **{count(led.total_params)}** |"
    return table + total + "\n"


@page.figure("dense_block")
def _dense_block(f: Facts) -> str:
    b = IDEA_BLOCK
    return (f"a dense block of {b['layers']} basic layers (BN, ReLU, 3×3 convolution) on a "
            f"{b['hw']}×{b['hw']}×{b['k0']} input, growth rate k = {b['k']}, built from `DenseBlock`: every "
            "concat node joins the block input and the output of every earlier layer")  # fmt: skip


@page.figure("transition")
def _transition(f: Facts) -> str:
    t = TRANSITION
    return (f"DenseNet-121's first transition, built from `Transition`: the {t['in_channels']} channels of "
            f"dense block 1 at {t['hw']}×{t['hw']} become ⌊{t['theta']:g}·{t['in_channels']}⌋ at "
            f"{t['hw'] // 2}×{t['hw'] // 2}")  # fmt: skip


@page.figure("densenet121")
def _densenet121(f: Facts) -> str:
    *first, last = f.block_configs["densenet121"]
    return (f"DenseNet-121 stage by stage: the stem, the four dense blocks of {', '.join(map(str, first))} and "
            f"{last} layers (a dense block is drawn as one node, its layers counted as its \"blocks\") with the "
            "three transitions between them, the last batch norm, pooling and the classifier")  # fmt: skip

