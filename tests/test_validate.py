"""The one validation helper: what it accepts, and errors that name the callable, parameter, rule and value."""

from __future__ import annotations

import pytest

from cnnviz.validate import boolean, integer, one_of, positive_int, probability


def test_accepted_values_come_back():
    assert positive_int("f", "n", 3) == 3
    assert integer("f", "seed", 0, minimum=0) == 0
    assert probability("f", "p", 1) == 1.0 and isinstance(probability("f", "p", 1), float)
    assert boolean("f", "flag", False) is False
    assert one_of("f", "form", "paths", ("grouped", "paths")) == "paths"


@pytest.mark.parametrize(
    "check, message",
    [
        (lambda: positive_int("alexnet", "towers", 0), r"^alexnet: towers must be a positive integer, got 0$"),
        (lambda: positive_int("vgg16", "num_classes", 2.0), r"^vgg16: num_classes must be a positive integer, got 2\.0$"),
        (lambda: positive_int("vgg16", "num_classes", True), r"must be a positive integer, got True$"),
        (lambda: integer("data", "seed", -1, minimum=0), r"^data: seed must be a non-negative integer, got -1$"),
        (lambda: integer("f", "k", 2, minimum=3), r"^f: k must be an integer >= 3, got 2$"),
        (lambda: integer("TrainConfig", "seed", 2**31, minimum=0, below=2**31),
         r"^TrainConfig: seed must be an integer in \[0, 2147483648\), got 2147483648$"),
        (lambda: probability("zfnet", "dropout", -0.1), r"^zfnet: dropout must be a number in \[0, 1\], got -0\.1$"),
        (lambda: probability("densenet", "compression", 0, allow_zero=False),
         r"^densenet: compression must be a number in \(0, 1\], got 0$"),
        (lambda: probability("wrn16_8", "dropout", 1.0, allow_one=False),
         r"^wrn16_8: dropout must be a number in \[0, 1\), got 1\.0$"),
        (lambda: probability("f", "p", "0.5"), r"^f: p must be a number in \[0, 1\], got '0\.5'$"),
        (lambda: boolean("googlenet", "aux_logits", 1), r"^googlenet: aux_logits must be True or False, got 1$"),
        (lambda: one_of("resnext", "form", "split", ("grouped", "paths")),
         r"^resnext: form must be one of 'grouped', 'paths', got 'split'$"),
        (lambda: one_of("resnet42", "depth", 42, (18, 34, 50)), r"^resnet42: depth must be one of 18, 34, 50, got 42$"),
        (lambda: one_of("f", "form", ["a"], ("a",)), r"^f: form must be one of 'a', got \['a'\]$"),  # unhashable
    ],
)  # fmt: skip
def test_errors_name_the_callable_the_parameter_the_rule_and_the_value(check, message):
    with pytest.raises(ValueError, match=message):
        check()
