"""The AlexNet chapter's claims: the lecture's layer table, conv1's parameters, the error and the
training settings."""

from __future__ import annotations

from cnnviz.analysis.claims import Bullet, Claim
from cnnviz.analysis.claims.make import cached_ledger, computed, paper, shape_claim
from cnnviz.analysis.depth import weight_layer_depth

# The lecture's AlexNet table: (label, output volume as the notes write it, our layer).
ALEXNET_TABLE = (
    ("CONV1: 96 11x11 filters at stride 4, pad 0", "55x55x96", "features.conv1"),
    ("MAX POOL1: 3x3 filters at stride 2", "27x27x96", "features.pool1"),
    ("NORM1: Normalization layer", "27x27x96", "features.norm1"),
    ("CONV2: 256 5x5 filters at stride 1, pad 2", "27x27x256", "features.conv2"),
    ("MAX POOL2: 3x3 filters at stride 2", "13x13x256", "features.pool2"),
    ("NORM2: Normalization layer", "13x13x256", "features.norm2"),
    ("CONV3: 384 3x3 filters at stride 1, pad 1", "13x13x384", "features.conv3"),
    ("CONV4: 384 3x3 filters at stride 1, pad 1", "13x13x384", "features.conv4"),
    ("CONV5: 256 3x3 filters at stride 1, pad 1", "13x13x256", "features.conv5"),
    ("MAX POOL3: 3x3 filters at stride 2", "6x6x256", "features.pool5"),
    ("FC6: 4096 neurons", "4096", "classifier.fc6"),
    ("FC7: 4096 neurons", "4096", "classifier.fc7"),
    ("FC8: 1000 neurons (class scores)", "1000", "classifier.fc8"),
)
# The bullets of the notes these claims check, as the notes write them. The layer table is one bullet.
TABLE = Bullet("alexnet.table", "[227x227x3] INPUT … [1000] FC8: 1000 neurons (class scores)")
CONV1_PARAMS = Bullet("alexnet.conv1_params", "CONN1 → 96 11x11 filters at stride 4 … Parameters: (11 * 11 * 3) * 96 = 35k")
POOL1_PARAMS = Bullet("alexnet.pool1_params", "MAXPOOL1 → 3x3 filters with stride 2 … Params: 0")
ERROR = Bullet("alexnet.error", "AlexNet: Error: 16.4%. (2012)")
ENSEMBLE = Bullet("alexnet.ensemble", "7 CNN Ensemble: 18.2% → 15.4%")
TRAINING = {
    "batch": Bullet("alexnet.batch", "Batch size 128"),
    "momentum": Bullet("alexnet.momentum", "SGD Momentum 0.9"),
    "lr": Bullet("alexnet.lr", "LR: 1e-2, reduced by 10 when val accuracy plateaus"),
    "weight_decay": Bullet("alexnet.weight_decay", "L2 weight decay 5e-4"),
    "dropout": Bullet("alexnet.dropout", "Dropout 0.5"),
}
_NORM_ORDER = (
    "The paper normalises before it pools (section 3.5: the max-pooling layers follow the "
    "response-normalization layers), so NORM{n} sees the {hw} map; the notes pool first, as the Caffe "
    "reference model (CaffeNet) does. Either order gives the same volume after both layers."
)


def claims() -> list[Claim]:
    led = cached_ledger("alexnet")
    conv1 = next(r for r in led.rows if r.name == "features.conv1")
    claims = []
    for label, stated, layer in ALEXNET_TABLE:
        note = ""
        if label.startswith("NORM"):
            n = label[4]
            hw = "x".join(map(str, next(r for r in led.rows if r.name == layer).output_shape[1:]))
            note = _NORM_ORDER.format(n=n, hw=hw)
        claims.append(shape_claim(f"alexnet.{layer.split('.')[-1]}.output", "alexnet", label, stated, led, layer, note,
                                  bullet=TABLE))
    claims += [
        computed("alexnet.depth", "alexnet", "AlexNet has 8 weight layers (5 conv + 3 FC)", "8",
                  weight_layer_depth("alexnet"), "weight_layer_depth('alexnet')",
                  "The table's weight layers: CONV1 to CONV5 and FC6 to FC8.", bullet=TABLE),
        computed(
            "alexnet.conv1.params", "alexnet", "CONV1 parameters: (11*11*3)*96 = 35k", "35k", conv1.weights,
            "ledger('alexnet'): features.conv1 weights",
            f"Exactly 34,848 weights; with the 96 biases, {conv1.params:,} parameters.", bullet=CONV1_PARAMS,
        ),
        computed("alexnet.pool1.params", "alexnet", "MAXPOOL1 parameters: 0", "0",
                  next(r for r in led.rows if r.name == "features.pool1").params,
                  "ledger('alexnet'): features.pool1 parameters", bullet=POOL1_PARAMS),
    ]
    from cnnviz import models

    info = models.info("alexnet")
    claims += [
        paper("alexnet.error", "alexnet", "AlexNet: Error: 16.4% (2012)", "16.4%", 16.4,
               100 * info.reported_error, f"{100 * info.reported_error:.1f}%",
               "krizhevsky2012imagenet, Table 2 (ILSVRC-2012 test, top-5)",
               "Top-5 error of the average of five CNNs; one CNN alone had 18.2% on the validation set.",
               bullet=ERROR),
        paper("alexnet.ensemble", "alexnet", "7 CNN Ensemble: 18.2% → 15.4%", "15.4%", 15.4, 15.4, "15.4%",
               "krizhevsky2012imagenet, Table 2 (validation top-5; 15.3% on the test set)",
               "Seven CNNs, two of them pre-trained on the ImageNet Fall 2011 release; 18.2% is one CNN.",
               bullet=ENSEMBLE),
        *[
            paper(f"alexnet.training.{key}", "alexnet", f"{label}", text, value, value, text,
                   "krizhevsky2012imagenet, section 5 (details of learning) and 4.2 (dropout)", bullet=TRAINING[key])
            for key, label, text, value in (
                ("batch", "Batch size 128", "128", 128), ("momentum", "SGD Momentum 0.9", "0.9", 0.9),
                ("lr", "LR: 1e-2, reduced by 10 when val accuracy plateaus", "0.01", 0.01),
                ("weight_decay", "L2 weight decay 5e-4", "0.0005", 0.0005), ("dropout", "Dropout 0.5", "0.5", 0.5),
            )
        ],
    ]
    return claims
