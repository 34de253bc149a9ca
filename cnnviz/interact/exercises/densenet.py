"""Exercises of the DenseNet chapter: answers computed from the zoo's DenseNets and cnnviz.analysis.dense_blocks,
each computed question with its working (the steps, generated from the same computation, ending in the answer).

No graded value is on the chapter's page: the book's own questions ask about blocks and networks the page does
not count (the page counts DenseNet-121's third block with and without the bottleneck, and the memory of
DenseNet-121's blocks), and assignments ask the variants.
"""

from __future__ import annotations

import math

from cnnviz.analysis import dense_blocks
from cnnviz.interact.exercises import REASONING, TASK, Exercise


def _meta(name: str):
    from cnnviz.analysis.resolve import build

    return build(name, meta=True)


def _channels_walk(net, upto_block: int) -> list[str]:
    """The channels from the first block to the input of block ``upto_block``: one line per block before it."""
    k = net.growth_rate
    lines = [
        f"- {net.channels[0].in_channels} channels enter dense block 1 (the first convolution's output)."
    ]
    for i, block in enumerate(net.channels[: upto_block - 1], start=1):
        layers = len(block.layer_inputs)
        assert block.in_channels + layers * k == block.out_channels, "the block adds k per layer"
        assert block.transition_out == math.floor(net.compression * block.out_channels + 1e-9), "⌊θ·m⌋"
        lines.append(f"- Block {i}: {block.in_channels} + {layers}·{k} = {block.out_channels:,}; transition {i} "
                     f"keeps ⌊{net.compression:g}·{block.out_channels:,}⌋ = {block.transition_out:,}.")  # fmt: skip
    return lines


# --- densenet.layer_inputs --------------------------------------------------------------------------------


def _layer_inputs(network: str, block: int, layer: int) -> int:
    dense_block = getattr(_meta(network).features, f"denseblock{block}")
    return getattr(dense_block, f"denselayer{layer}").conv1.in_channels


def _layer_inputs_working(network: str, label: str, block: int, layer: int) -> str:
    net = _meta(network)
    k0, k = net.channels[block - 1].in_channels, net.growth_rate
    answer = k0 + k * (layer - 1)
    assert answer == _layer_inputs(network, block, layer), "the working reaches the zoo's layer"
    lines = _channels_walk(net, block)
    lines.append(f"- Block {block} starts from k₀ = {k0:,}; layer {layer} receives k₀ + k·(ℓ − 1) = "
                 f"{k0:,} + {k}·{layer - 1} = **{answer:,}**.")  # fmt: skip
    return "\n".join(lines)


# --- densenet.without_bottleneck_macs ------------------------------------------------------------------------


def _densenet121_block(block: int) -> tuple[int, int, int]:
    """(k₀, layers, map side) of DenseNet-121's dense block ``block``, read from the zoo's network."""
    net = _meta("densenet121")
    channels = net.channels[block - 1]
    side = 56 // 2 ** (block - 1)  # 56×56 after the stem; each transition halves it
    return channels.in_channels, len(channels.layer_inputs), side


def _without_bottleneck(block: int) -> dense_blocks.DenseBlockCost:
    k0, layers, side = _densenet121_block(block)
    return dense_blocks.dense_block_cost(k0, 32, layers, side, bottleneck=False)


def _without_bottleneck_macs(block: int, ordinal: str) -> int:
    return _without_bottleneck(block).macs


def _without_bottleneck_working(block: int, ordinal: str) -> str:
    cost = _without_bottleneck(block)
    k, side, inputs = cost.growth_rate, cost.hw, cost.layer_inputs
    total = sum(inputs)
    assert side * side * 9 * k * total == cost.macs, "the working multiplies out to the answer"
    listed = ", ".join(f"{c:,}" for c in inputs) if len(inputs) <= 6 else \
        f"{inputs[0]:,}, {inputs[1]:,}, …, {inputs[-1]:,}"  # fmt: skip
    return (
        f"Block {block} takes {cost.in_channels:,} channels at {side}×{side} and has {cost.layers} layers. Without "
        f"the bottleneck, layer ℓ is one 3×3 convolution from its {cost.in_channels:,} + {k}·(ℓ − 1) input "
        f"channels to k = {k} maps, at {side}·{side} output pixels. The inputs are {listed}, which sum to "
        f"{cost.layers}·({inputs[0]:,} + {inputs[-1]:,})/2 = {total:,}.\n\n"
        f"{side}·{side} · 9 · {k} · {total:,} = **{cost.macs:,}**."
    )


# --- densenet.concat_inputs ---------------------------------------------------------------------------------


def _block_of(network: str, block: int):
    net = _meta(network)
    return (
        net,
        net.channels[block - 1],
        32 // 2 ** (block - 1),
    )  # CIFAR: 32×32, then halved by each transition


def _concat_inputs(network: str, label: str, block: int) -> int:
    net, channels, side = _block_of(network, block)
    cost = dense_blocks.dense_block_cost(channels.in_channels, net.growth_rate, len(channels.layer_inputs), side,
                                         bottleneck=net.bottleneck)  # fmt: skip
    return sum(cost.layer_inputs) * side * side


def _concat_inputs_working(network: str, label: str, block: int) -> str:
    net, channels, side = _block_of(network, block)
    k, layers, k0 = net.growth_rate, len(channels.layer_inputs), channels.in_channels
    total = sum(channels.layer_inputs)
    last = channels.layer_inputs[-1]
    assert total * 2 == layers * (k0 + last), "an arithmetic series"
    answer = total * side * side
    assert answer == _concat_inputs(network, label, block), "the working reaches the answer"
    lines = _channels_walk(net, block) if block > 1 else []
    lines.append(f"- Block {block} starts from k₀ = {k0:,} on {side}×{side} maps; layer ℓ's concatenated input "
                 f"has {k0:,} + {k}·(ℓ − 1) channels: {k0:,}, {k0 + k:,}, …, {last:,} for ℓ = 1 … {layers}.")  # fmt: skip
    lines.append(f"- Together {layers}·({k0:,} + {last:,})/2 = {total:,} channels, each {side}·{side} elements: "
                 f"{total:,} · {side * side:,} = **{answer:,}**.")  # fmt: skip
    return "\n".join(lines) + (
        "\n\nThe sum grows with the square of the block's length (L layers, each input up to k·L wider): "
        "what makes a straightforward implementation's memory grow with L²."
    )


# --- densenet.transition_out --------------------------------------------------------------------------------


def _transition_out(network: str, label: str, transition: int) -> int:
    return getattr(_meta(network).features, f"transition{transition}").conv.out_channels


def _transition_out_working(network: str, label: str, transition: int) -> str:
    net = _meta(network)
    lines = _channels_walk(net, transition + 1)
    answer = net.channels[transition - 1].transition_out
    assert answer == _transition_out(network, label, transition), "the working reaches the zoo's transition"
    lines[-1] = lines[-1].replace(f"= {answer:,}.", f"= **{answer:,}**.")
    return "\n".join(lines)


# --- densenet.bottleneck_compression: the break-even input width, computed --------------------------------


def _break_even(k: int = 32) -> str:
    """The model answer's numbers: per output pixel, a basic layer's and a bottleneck layer's multiply-adds,
    and the input width from which the bottleneck saves work (from dense_block_cost, one layer at a time)."""
    from cnnviz.models.densenet import BOTTLENECK_WIDTH

    def per_pixel(c: int, bottleneck: bool) -> int:
        return dense_blocks.dense_block_cost(c, k, 1, 1, bottleneck=bottleneck).macs

    width = BOTTLENECK_WIDTH * k
    for c in (k, 7 * k, 9 * k):  # the formulas of the answer are the block's
        assert per_pixel(c, False) == 9 * c * k and per_pixel(c, True) == c * width + 9 * width * k
    first = next(c for c in range(1, 100 * k) if per_pixel(c, True) < per_pixel(c, False))
    ratio = 9 * BOTTLENECK_WIDTH / (9 - BOTTLENECK_WIDTH)  # c > 9·4k·k / (9k − 4k) = 7.2k
    assert first == math.floor(ratio * k) + 1, "the threshold of the answer is the first width that saves"
    return (f"Per output pixel a basic layer reading c channels costs 9·c·k multiply-adds; with the bottleneck, "
            f"c·{BOTTLENECK_WIDTH}k (the 1×1) + 9·{BOTTLENECK_WIDTH}k·k (the 3×3). The bottleneck saves work "
            f"when 9ck > {BOTTLENECK_WIDTH}ck + {9 * BOTTLENECK_WIDTH}k², that is when c > {ratio:g}k: for "
            f"k = {k}, from c = {first} channels on.")  # fmt: skip


def _densenet121_blocks() -> str:
    """Which of DenseNet-121's blocks the bottleneck saves work in, computed block by block (from the zoo's
    channel plan: no network built)."""
    from cnnviz.models.densenet import BLOCK_CONFIGS, dense_channels

    k, side, adds, saves = 32, 56, [], []
    for i, block in enumerate(dense_channels(2 * k, BLOCK_CONFIGS[121], k, 0.5), start=1):
        layers = len(block.layer_inputs)
        with_b, without = (dense_blocks.dense_block_cost(block.in_channels, k, layers, side, bottleneck=b).macs
                           for b in (True, False))  # fmt: skip
        (saves if with_b < without else adds).append((i, block.layer_inputs))
        side //= 2
    assert adds and saves, "the answer names blocks of both kinds"

    def named(blocks: list) -> str:
        numbers = [str(i) for i, _ in blocks]
        return ("block " if len(numbers) == 1 else "blocks ") + (
            numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        )

    (first, inputs), *_ = adds
    return (
        f"So in DenseNet-121 the bottleneck adds work in {named(adds)} (block {first}'s inputs run from "
        f"{inputs[0]} to {inputs[-1]}) and saves it in {named(saves)}, where the inputs are wider."
    )


EXERCISES = [
    Exercise(
        id="densenet.layer_inputs",
        question="How many input channels does layer {layer} of {label}'s dense block {block} receive?",
        answer=lambda network, label, block, layer: _layer_inputs(network, block, layer),
        working=_layer_inputs_working,
        params={"network": "densenet201", "label": "DenseNet-201", "block": 3, "layer": 37},
        # block 4, so that the walk goes through the network's own third block: no variant starts from a number
        # the page's revealed workings give (DenseNet-169's transition 3 is the transition question's answer)
        variants=(
            {"network": "densenet201", "label": "DenseNet-201", "block": 4, "layer": 25},
            {"network": "densenet264", "label": "DenseNet-264", "block": 4, "layer": 40},
        ),
        hint="A block starts from the output of the transition before it; each earlier layer of the block adds "
        "k = 32. Follow the channels from the 64 into block 1 (blocks of 6, 12, ... layers, θ = 0.5 in every "
        "transition) to k₀ of the block, then k₀ + k·(ℓ − 1).",
    ),
    Exercise(
        id="densenet.without_bottleneck_macs",
        question="How many multiply-adds would DenseNet-121's {ordinal} dense block need per image *without* "
        "the bottleneck, each layer one 3×3 convolution from its whole input to k = 32 maps? Read the block's "
        "input channels, layers and map size off the page (the stage table of DenseNet-121).",
        answer=_without_bottleneck_macs,
        working=_without_bottleneck_working,
        params={"block": 1, "ordinal": "first"},
        variants=({"block": 2, "ordinal": "second"}, {"block": 4, "ordinal": "fourth"}),
        hint="What does layer ℓ receive, and what does one 3×3 convolution to k maps cost per output pixel? "
        "The inputs of the layers form an arithmetic series.",
    ),
    Exercise(
        id="densenet.concat_inputs",
        question="A straightforward implementation makes a new tensor for every layer's concatenated input and "
        "keeps it for the backward pass. In {label}'s dense block {block}, how many elements per image do "
        "those concatenated inputs hold together (the block's output not counted)?",
        answer=_concat_inputs,
        working=_concat_inputs_working,
        params={"network": "densenet_bc_100_12", "label": "DenseNet-BC-100 (k = 12)", "block": 1},
        variants=(
            {"network": "densenet40_12", "label": "DenseNet-40 (k = 12)", "block": 2},
            {"network": "densenet_bc_100_12", "label": "DenseNet-BC-100 (k = 12)", "block": 3},
        ),
        hint="Find k₀ of the block (the first convolution gives 2k maps to a DenseNet-BC, 16 to a basic DenseNet; "
        "a transition keeps ⌊θ·m⌋) and its map size (32×32, halved by each transition). Layer ℓ's input has "
        "k₀ + k·(ℓ − 1) channels.",
    ),
    Exercise(
        id="densenet.transition_out",
        question="How many channels leave {label}'s transition layer {transition}?",
        answer=_transition_out,
        working=_transition_out_working,
        params={"network": "densenet169", "label": "DenseNet-169", "transition": 3},
        # transition 3: transitions 1 and 2 are alike in every DenseNet with k = 32, and their 128 and 256 are on
        # the page (the stage table, the revealed working)
        variants=(
            {"network": "densenet201", "label": "DenseNet-201", "transition": 3},
            {"network": "densenet264", "label": "DenseNet-264", "transition": 3},
        ),
        hint="k = 32, 64 channels into block 1, θ = 0.5; the table of the networks gives the layers per "
        "block. Follow the channels block by block, ⌊θ·m⌋ after each transition.",
    ),
    Exercise(
        id="densenet.concat_vs_sum",
        kind=REASONING,
        question="A DenseNet layer **concatenates** all earlier feature maps where a ResNet block **adds** its "
        "input to its output. What does concatenation give, and what does it cost? Say which of your points "
        "the page measures and which are the paper's reading of trained networks.",
        hint="Which maps reach a later layer unchanged? How wide must a layer be? What must be stored?",
        solution="**Measured on the page (structure):** concatenation keeps every earlier layer's maps intact "
        "and directly available to every later layer of the block, and gives each layer a short path to the "
        "classifier; a sum mixes them, and later layers cannot tell them apart. Since every map stays "
        "available, each layer only needs to add a few new ones (the growth rate k, 12 or 32), so DenseNets "
        "are narrow and have few parameters for their depth. **The paper's reading of trained networks:** "
        "that layers do reuse early features (its Fig. 5) and that the short paths act as deep supervision "
        "and ease training; no network has been trained here to check either. **The cost:** each layer's "
        "input grows linearly with its position, so a straightforward implementation keeps a new concatenated "
        "tensor "
        "per layer (memory growing with the square of the block's length) and the convolutions read more and "
        "more channels; the bottleneck (1×1 to 4k) and the compression of the transitions (θ = 0.5) keep the "
        "work in check, and a memory-efficient implementation recomputes the concatenations in the backward pass "
        "instead of keeping them, so that its memory grows linearly with the block's length.",
    ),
    Exercise(
        id="densenet.bottleneck_compression",
        kind=REASONING,
        question="DenseNet-BC adds two things to DenseNet: a 1×1 **bottleneck** to 4k maps before each 3×3 and "
        "**compression** θ < 1 in the transitions. What does each one limit? For which input widths does the "
        "bottleneck save multiply-adds, and does it in DenseNet-121's first block?",
        hint="Write one layer's multiply-adds per output pixel with and without the bottleneck, as functions of "
        "its input width c and of k.",
        solution="The **bottleneck** limits the cost of the 3×3 convolution: without it the 3×3 reads all "
        "k₀ + k(ℓ − 1) input channels; with it a 1×1 maps them to 4k channels and the 3×3 runs from 4k to k, "
        "so only the cheap 1×1 grows with ℓ. "
        + _break_even()
        + " "
        + _densenet121_blocks()
        + " The factor 4 is the paper's choice: it gives no reason for it and compares no other width; what "
        "can be computed is the break-even above. **Compression** limits what the next block starts from: a transition outputs "
        "⌊θm⌋ of the m channels leaving a block (θ = 0.5 halves them), so the channel count does not keep "
        "growing from block to block, which cuts the parameters and work of the next block and the classifier.",
    ),
    Exercise(
        id="densenet.bc_k24",
        kind=TASK,
        question="Change the network: write `build()` returning a CIFAR **DenseNet-BC** of depth 76 with growth "
        "rate **k = 24** for CIFAR-100, using the zoo's `cifar_densenet`.",
        hint="`cifar_densenet(depth=..., growth_rate=..., num_classes=...)` from `cnnviz.models.densenet`; "
        "DenseNet-BC is the default (bottleneck, θ = 0.5); depth 6n + 4.",
        solution="""from torch import nn

from cnnviz.models.densenet import cifar_densenet


def build() -> nn.Module:
    return cifar_densenet(depth=76, growth_rate=24, num_classes=100)
""",
        input_size=(3, 32, 32),
    ),
]
