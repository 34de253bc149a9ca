"""The VGG chapter's claims: the lecture's VGG16 table row by row, its totals, 3×3 stacks and the depths."""

from __future__ import annotations

from cnnviz.analysis import ops
from cnnviz.analysis.claims import Bullet, Claim
from cnnviz.analysis.claims.make import cached_ledger, computed, paper, total_params
from cnnviz.analysis.depth import weight_layer_depth
from cnnviz.analysis.lecture import lecture_rows
from cnnviz.analysis.memory import memory_from_ledger

# The lecture's VGG16 table: (label, memory as stated, weights as stated); our conv/pool/fc rows in order.
VGG16_TABLE = (
    ("INPUT: [224x224x3]", "150K", "0"),
    ("CONV3-64: [224x224x64]", "3.2M", "1,728"),
    ("CONV3-64: [224x224x64]", "3.2M", "36,864"),
    ("POOL2: [112x112x64]", "800K", "0"),
    ("CONV3-128: [112x112x128]", "1.6M", "73,728"),
    ("CONV3-128: [112x112x128]", "1.6M", "147,456"),
    ("POOL2: [56x56x128]", "400K", "0"),
    ("CONV3-256: [56x56x256]", "800K", "294,912"),
    ("CONV3-256: [56x56x256]", "800K", "589,824"),
    ("CONV3-256: [56x56x256]", "800K", "589,824"),
    ("POOL2: [28x28x256]", "200K", "0"),
    ("CONV3-512: [28x28x512]", "400K", "1,179,648"),
    ("CONV3-512: [28x28x512]", "400K", "2,359,296"),
    ("CONV3-512: [28x28x512]", "400K", "2,359,296"),
    ("POOL2: [14x14x512]", "100K", "0"),
    ("CONV3-512: [14x14x512]", "100K", "2,359,296"),
    ("CONV3-512: [14x14x512]", "100K", "2,359,296"),
    ("CONV3-512: [14x14x512]", "100K", "2,359,296"),
    ("POOL2: [7x7x512]", "25K", "0"),
    ("FC: [1x1x4096]", "4096", "102,760,448"),
    ("FC: [1x1x4096]", "4096", "16,777,216"),
    ("FC: [1x1x1000]", "1000", "4,096,000"),
)

# The bullets of the notes these claims check, as the notes write them (their spelling "VhNet" and "VhG16"
# included). The VGG16 table is one bullet, checked row by row; so are the two totals under it.
ERROR = Bullet("vgg.error", "VhNet: Errors: 7.3% (2014)")
THREE_3X3_RF = Bullet(
    "vgg.three_3x3_rf",
    "Stack of three 3×3 filters conv (stride 1) layers has the same effective receptive field as one 7×7 conv layer",
)
FEWER_PARAMS = Bullet("vgg.fewer_params", "Less params also. 3 × (3 × 3 × C × C) = 27C² vs 7 × 7 × C × C = 49C²")
TABLE = Bullet(
    "vgg.table",
    "INPUT: [224x224x3] memory: 224*224*3=150K params: 0 (not counting biases) … "
    "FC: [1x1x1000] memory: 1000 params: 4096*1000 = 4,096,000",
)
TOTAL_MEMORY = Bullet("vgg.total_memory", "TOTAL memory: 24M * 4 bytes ~ 96MB / image (only forward! ~2 for bwd)")
TOTAL_PARAMS = Bullet("vgg.total_params", "TOTAL params: 138M parameters")
VARIANTS = Bullet("vgg.variants", "VhG16 or VhG19")


def claims() -> list[Claim]:
    from torch import nn

    from cnnviz import models
    from cnnviz.analysis.receptive_field import receptive_field

    led = cached_ledger("vgg16")
    rows = lecture_rows(led)
    c, h, w = led.input_size
    stack = ops.stack_vs_large(C=1, k_small=3, n=3)
    three = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1) for _ in range(3)])
    rf = receptive_field(three, input_size=(1, 32, 32)).output.rf
    claims = [
        paper("vgg.error", "vgg", "VGGNet: Errors: 7.3% (2014)", "7.3%", 7.3, 100 * models.info("vgg16").reported_error,
               f"{100 * models.info('vgg16').reported_error:.1f}%",
               "simonyan2015very, Table 7 (ILSVRC-2014 submission, 7 nets, top-5 test)",
               "After the challenge, an ensemble of two networks reached 6.8%.", bullet=ERROR),
        computed("vgg.three_3x3_rf", "vgg", "Stack of three 3×3 (stride 1) conv layers has the receptive field of "
                  "one 7×7 conv layer", "7", rf, "the receptive field of three stacked 3×3 convolutions, followed through the layers",
                  "The theoretical receptive field; the effective receptive field (Luo et al. 2016) is smaller "
                  "and Gaussian-shaped.", bullet=THREE_3X3_RF),
        computed("vgg.params_stack", "vgg", "3 × (3 × 3 × C × C) = 27C²", "27", stack.params_stack,
                  "the weights of three 3×3 convolutions of C channels, counted per C²", bullet=FEWER_PARAMS),
        computed("vgg.params_large", "vgg", "7 × 7 × C × C = 49C²", "49", stack.params_large,
                  "the weights of one 7×7 convolution of C channels, counted per C²", bullet=FEWER_PARAMS),
        computed("vgg16.input.memory", "vgg", "INPUT: [224x224x3] memory: 224*224*3=150K", "150K", c * h * w,
                  "the input size of VGG16", bullet=TABLE),
    ]
    for index, ((label, memory, weights), row) in enumerate(zip(VGG16_TABLE[1:], rows, strict=True), start=1):
        claims.append(computed(f"vgg16.row{index}.memory", "vgg", f"{label} memory: {memory}", memory,
                                row.activations, f"VGG16 measured: the values its layer {row.name} outputs", bullet=TABLE))
        claims.append(computed(f"vgg16.row{index}.params", "vgg", f"{label} params: {weights}", weights,
                                row.weights, f"VGG16 measured: the weights of its layer {row.name} (not counting biases)",
                                bullet=TABLE))
    lecture = memory_from_ledger(led, lecture_convention=True)
    full = memory_from_ledger(led)
    table_total = lecture.input_elements + lecture.forward_activations  # the table lists the input too
    total_mb = table_total * 4 / 1e6
    claims += [
        computed("vgg16.total_memory", "vgg", "TOTAL memory: 24M", "24M", table_total,
                  "VGG16 measured: the input and the conv, pool and FC outputs, added up",
                  f"The table's own rows sum to {table_total / 1e6:.1f}M values. Counting every layer output "
                  f"separately (ReLU and dropout too) gives {(lecture.input_elements + full.forward_activations) / 1e6:.1f}M; "
                  "neither is 24M.", bullet=TOTAL_MEMORY),
        computed("vgg16.total_memory_mb", "vgg", "24M * 4 bytes ~ 96MB / image (only forward!)", "96M",
                  table_total * 4, "those values × 4 bytes (32-bit floats)",
                  f"{total_mb:.0f} MB per image for the table's rows; the figure follows from the 24M above.",
                  actual_text=f"{total_mb:.1f} MB", bullet=TOTAL_MEMORY),
        computed("vgg16.total_params", "vgg", "TOTAL params: 138M parameters", "138M", total_params("vgg16"),
                  "VGG16 measured: all its weights and biases", bullet=TOTAL_PARAMS),
        computed("vgg16.depth", "vgg", "VGG16: 16 weight layers", "16", weight_layer_depth("vgg16"),
                  "VGG16's convolutional and fully-connected layers, counted", bullet=VARIANTS),
        computed("vgg19.depth", "vgg", "VGG19: 19 weight layers", "19", weight_layer_depth("vgg19"),
                  "VGG19's convolutional and fully-connected layers, counted", bullet=VARIANTS),
    ]
    return claims
