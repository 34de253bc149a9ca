"""The lecture's table conventions, each defined once.

* :func:`lecture_rows`: the layers the lecture's tables list (convolutions, pools that change the shape,
  fully connected layers, and, for the AlexNet list, the normalisation layers). The VGG16 table, its
  memory total and the claims that check it all read these rows.
* :func:`stage_names`: the lecture's names of those rows in a staged network (``conv1_1`` ... ``FC8``).

The worked examples (the lecture's Inception module and others) are architecture data:
:mod:`cnnviz.models.lecture`.
"""

from __future__ import annotations

from cnnviz.analysis.ledger import LayerRecord, Ledger

__all__ = ["CONV_TYPES", "NORM_TYPES", "POOL_TYPES", "lecture_rows", "stage_names"]

CONV_TYPES = ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d")
POOL_TYPES = ("MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "LPPool2d")
NORM_TYPES = ("LocalResponseNorm", "CrossMapLRN2d")


def lecture_rows(ledger: Ledger, norms: bool = False) -> tuple[LayerRecord, ...]:
    """The rows of the lecture's layer tables, in forward order.

    Convolutions, pools and fully connected layers that ran (with ``norms``, normalisation layers too,
    as the lecture's AlexNet list has them). A pool that leaves the shape unchanged (VGG's 7×7 adaptive
    pool on a 7×7 map) is not a row; ReLU, dropout, flatten and batch norm are not either.
    """
    kinds = CONV_TYPES + POOL_TYPES + ("Linear",) + (NORM_TYPES if norms else ())
    return tuple(
        r
        for r in ledger.leaves()
        if r.executed and r.type in kinds and not (r.type in POOL_TYPES and r.input_shape == r.output_shape)
    )


def stage_names(rows: tuple[LayerRecord, ...]) -> tuple[str, ...]:
    """The lecture's names of the convolution, pool and FC rows of a staged network: ``conv1_1``, ``conv1_2``,
    ``pool1``, ``conv2_1``, ... (each pool ends a stage), then ``FC6``, ``FC7``, ... (after five stages)."""
    stage, index, names = 1, 0, []
    for r in rows:
        if r.type in CONV_TYPES:
            index += 1
            names.append(f"conv{stage}_{index}")
        elif r.type in POOL_TYPES:
            names.append(f"pool{stage}")
            stage, index = stage + 1, 0
        elif r.type == "Linear":
            names.append(f"FC{stage + sum(n.startswith('FC') for n in names)}")
        else:
            raise ValueError(f"stage_names: row {r.name!r} is a {r.type}; pass conv, pool and Linear rows")
    return tuple(names)
