"""Live widgets: the render_* functions' numbers, and sliders wired to them."""

from __future__ import annotations

import graphviz
import ipywidgets
import pytest

from cnnviz import models
from cnnviz.interact import widgets

SMALL = (3, 16, 16)  # DenseNet-40 at 16x16: a quick ledger


def _params(name: str, **kwargs: object) -> int:
    return sum(p.numel() for p in models.get(name, **kwargs).parameters())


# --- render functions ---------------------------------------------------------------------------


def test_render_inception_lecture_example() -> None:
    view = widgets.render_inception(diagram=False)
    assert view.numbers == {
        "naive_macs": 854_196_224, "naive_params": 1_089_536, "naive_depth": 672,
        "reduced_macs": 271_351_808, "reduced_params": 346_112, "reduced_depth": 480,
    }  # fmt: skip
    assert "| total | 854,196,224 | 1,089,536 | 672 | 271,351,808 | 346,112 | 480 |" in view.table
    assert "<td style=\"text-align:right\">854,196,224</td>" in view.html()
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/markdown", "text/plain"}
    assert bundle["text/markdown"] == view.markdown()
    assert "| pool | 0 | 0 | 256 | 12,845,056 | 16,384 | 64 |" in view.table
    assert "3.15× fewer multiply-adds" in view.table
    assert view.diagram is None and view.title == "Inception module on a 28×28×256 input"


def test_render_inception_draws_the_reduced_module() -> None:
    view = widgets.render_inception(c5x5=32, reduce5x5=16, diagram=True)
    assert isinstance(view.diagram, graphviz.Digraph)
    assert view.numbers["reduced_depth"] == 128 + 192 + 32 + 64 == 416
    assert view.numbers["naive_macs"] == 533_069_824
    assert len(view.outputs()) == 2 and view.outputs()[1] is view.diagram


def test_render_cardinality_32x4d_against_resnet_bottleneck() -> None:
    view = widgets.render_cardinality(32, 4, diagram=False)
    # conv weights 256*128 + 9*128*4 + 128*256 = 70,144 (the paper's "~70k"); + BN (2*128 + 2*128 + 2*256)
    assert view.numbers == {
        "width": 128, "params": 71_168, "conv_params": 70_144, "macs": 219_971_584,
        "resnet_params": 69_632, "resnet_macs": 218_365_952,
    }  # fmt: skip
    assert "| ResNeXt (grouped) | 32 | 4 | 128 | 70,144 | 71,168 | 219,971,584 |" in view.table


def test_render_cardinality_forms_agree_and_diagram() -> None:
    grouped = widgets.render_cardinality(4, 24, diagram=False)
    paths = widgets.render_cardinality(4, 24, form="paths", diagram=True)
    assert grouped.numbers == paths.numbers
    assert grouped.numbers["conv_params"] == 69_888
    assert isinstance(paths.diagram, graphviz.Digraph)


def test_render_cardinality_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match=r"cardinality must be a positive integer, got 0"):
        widgets.render_cardinality(0, 4)
    with pytest.raises(ValueError, match=r"form must be one of 'grouped', 'paths', got 'split'"):
        widgets.render_cardinality(form="split")


def test_width_knobs() -> None:
    assert widgets.width_knobs("resnet50") == {"width": 64}
    assert widgets.width_knobs("resnext50_32x4d") == {"cardinality": 32, "bottleneck_width": 4}
    assert widgets.width_knobs("densenet40_12") == {"growth_rate": 12}
    assert widgets.width_knobs("resnet18") == {}  # takes width but only 64 (basic blocks)
    assert widgets.width_knobs("vgg16") == {}


def test_render_filter_count_compares_with_defaults() -> None:
    view = widgets.render_filter_count("densenet40_12", SMALL, growth_rate=24)
    assert view.error is None
    assert view.numbers["params"] == _params("densenet40_12", growth_rate=24) == 3_877_402
    assert view.numbers["default_params"] == _params("densenet40_12") == 1_019_722
    assert view.numbers["macs"] > 3 * view.numbers["default_macs"]
    assert "| parameters | 1,019,722 | 3,877,402 | 3.80× |" in view.table
    assert view.title == "densenet40_12(growth_rate=24) at input 3×16×16"


def test_render_filter_count_invalid_setting_is_a_message() -> None:
    view = widgets.render_filter_count("resnet18", (3, 32, 32), width=32)
    assert view.numbers == {} and view.table == "" and view.rows == ()
    assert view.error.startswith("Not a valid setting: resnet18: width and groups apply to bottleneck blocks")
    assert view.error in view.markdown() and "<p>Not a valid setting: resnet18: width" in view.html()


# --- widgets: sliders wired to the render functions -----------------------------------------------


def test_inception_widget_updates_on_slider_change() -> None:
    box = widgets.inception_widget(diagram=False)
    assert isinstance(box, ipywidgets.VBox) and isinstance(box.children[1], ipywidgets.Output)
    controls = box.explorer.controls
    assert list(controls) == ["c1x1", "c3x3", "c5x5", "reduce3x3", "reduce5x5", "pool_proj"]
    c3x3 = controls["c3x3"]
    assert (c3x3.min, c3x3.max, c3x3.step, c3x3.value, c3x3.description) == (16, 384, 16, 192, "3×3 filters")
    assert list(box.children[0].children) == list(controls.values())
    assert box.explorer.view.numbers["naive_macs"] == 854_196_224
    controls["c5x5"].value = 32
    assert box.explorer.view.numbers["naive_macs"] == 533_069_824
    controls["reduce5x5"].value = 16
    assert box.explorer.view.numbers["reduced_macs"] == 151_330_816
    assert box.explorer.view == widgets.render_inception(c5x5=32, reduce5x5=16, diagram=False)


def test_cardinality_widget_updates_on_slider_change() -> None:
    box = widgets.cardinality_widget(diagram=False)
    assert box.explorer.view.numbers["conv_params"] == 70_144
    box.explorer.controls["cardinality"].value = 8
    box.explorer.controls["bottleneck_width"].value = 14
    assert box.explorer.view.numbers["conv_params"] == 71_456
    assert box.explorer.view.title.startswith("ResNeXt block, 8 paths of width 14")


def test_filter_count_widget_rebuilds_the_model() -> None:
    box = widgets.filter_count_widget("densenet40_12", SMALL)
    slider = box.explorer.controls["growth_rate"]
    assert (slider.min, slider.max, slider.step, slider.value) == (4, 64, 4, 12)
    assert box.explorer.view.numbers["params"] == 1_019_722
    slider.value = 4
    assert box.explorer.view.numbers["params"] == _params("densenet40_12", growth_rate=4)


def test_filter_count_widget_rejects_models_without_knobs() -> None:
    with pytest.raises(ValueError, match=r"filter_count_widget: vgg16 has no filter-count knob"):
        widgets.filter_count_widget("vgg16")
    with pytest.raises(ValueError, match=r"densenet40_12 has no knob 'width'; its knobs: growth_rate"):
        widgets.filter_count_widget("densenet40_12", SMALL, knobs=["width"])


def test_render_stack_vs_large_lecture_case() -> None:
    view = widgets.render_stack_vs_large(C=64, n=3, diagram=False)
    # three 3x3 convolutions (27 C^2) against one 7x7 (49 C^2), both seeing 7x7
    assert view.numbers == {"params_stack": 27 * 64 * 64, "params_large": 49 * 64 * 64, "rf": 7}
    assert view.rows[1][0] == "1 × 7×7 conv"


def test_stack_vs_large_widget_updates_on_slider_change() -> None:
    box = widgets.stack_vs_large_widget(diagram=False)
    controls = box.explorer.controls
    assert (controls["n"].min, controls["n"].max, controls["C"].value) == (1, 5, 64)
    controls["n"].value = 2
    controls["C"].value = 128
    assert box.explorer.view.numbers == {"params_stack": 18 * 128 * 128, "params_large": 25 * 128 * 128, "rf": 5}


def test_names_say_what_they_return() -> None:
    """``*_figure`` is kernel-free (a chapter module of ``static``), ``*_widget`` live (``widgets``); no public
    name is in both."""
    import importlib
    import pkgutil

    from cnnviz.interact import static

    figures: set[str] = set()
    for module in pkgutil.iter_modules(static.__path__):
        public = set(importlib.import_module(f"cnnviz.interact.static.{module.name}").__all__)
        assert not public & figures, f"{module.name} repeats a name of another figure module"
        figures |= public
    assert not figures & set(widgets.__all__)
    assert {n for n in figures if n.endswith("_figure")} == {
        "inception_cost_figure", "stack_vs_large_figure", "cardinality_figure", "degradation_figure",
        "mlpconv_figure", "static_figure", "wide_resnet_figure", "fractal_figure", "densenet_figure",
        "survival_figure", "sample_figure", "squeezenet_figure", "compare_figure", "depth_timeline_figure",
        "first_layer_figure", "conv1_figure", "conv1_change_figure", "configuration_figure"}  # fmt: skip
    assert {n for n in widgets.__all__ if n.endswith("_widget")} == {
        "inception_widget", "stack_vs_large_widget", "cardinality_widget", "filter_count_widget",
        "degradation_widget", "mlpconv_widget", "wide_resnet_widget", "fractal_widget", "densenet_widget",
        "stochastic_depth_widget"}  # fmt: skip
    assert not [n for n in (*figures, *widgets.__all__) if n.endswith("_explorer")]
