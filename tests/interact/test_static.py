"""Kernel-free figures: the HTML the book embeds, and the precomputed numbers inside the Vega-Lite spec."""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from torch import nn

from cnnviz.analysis import ops
from cnnviz.interact.static.base import BOOK_ENV, GREY, StaticFigure
from cnnviz.interact.static.googlenet import inception_cost_figure
from cnnviz.interact.static.resnext import cardinality_figure
from cnnviz.interact.static.vgg import stack_vs_large_figure
from cnnviz.models.lecture import INCEPTION
from cnnviz.models.resnet import Bottleneck
from cnnviz.render import theme

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inception() -> StaticFigure:
    return inception_cost_figure()


@pytest.fixture(scope="module")
def stack() -> StaticFigure:
    return stack_vs_large_figure()


@pytest.fixture(scope="module")
def cardinality() -> StaticFigure:
    return cardinality_figure()


class _Div(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] = {}
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "div"
        self.attrs = dict(attrs)

    def handle_data(self, data: str) -> None:
        self.text += data


def _parse(html: str) -> _Div:
    div = _Div()
    div.feed(html)
    div.close()
    return div


def _rows(figure: StaticFigure, name: str) -> list[dict]:
    return figure.datasets()[name]


def _selected(rows: list[dict], **position: int) -> list[dict]:
    """The rows the spec's filter keeps: each knob absent from a row or equal to the slider."""
    return [r for r in rows if all(r.get(k, v) == v for k, v in position.items())]


def _inception_totals(figure: StaticFigure, **position: int) -> dict[str, dict[str, int]]:
    values = INCEPTION.filters | position
    rows = _selected(_rows(figure, "inception"), **values)
    totals: dict[str, dict[str, int]] = {}
    for module in ("naive", "reduced"):
        mine = [r for r in rows if r["module"] == module]
        assert sorted(r["branch"] for r in mine) == ["1x1", "3x3", "5x5", "pool"]  # one row per branch
        totals[module] = {k: sum(r[k] for r in mine) for k in ("macs", "params", "depth")}
    return totals


# --- the HTML and the mimebundle ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["inception", "stack", "cardinality"])
def test_the_book_gets_the_light_cnnviz_vega_div(
    name: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    figure: StaticFigure = request.getfixturevalue(name)
    monkeypatch.setenv(BOOK_ENV, "1")
    bundle = figure._repr_mimebundle_()
    assert set(bundle) == {"text/html"}
    html = bundle["text/html"]
    assert html == figure.html() and "<script" not in html  # the site's script draws it
    assert html.startswith('<div class="cnnviz-vega" role="figure" aria-label="') and html.endswith("</div>")
    div = _parse(html)
    assert div.attrs["class"] == "cnnviz-vega" and div.attrs["role"] == "figure"
    assert div.attrs["aria-label"] == figure.alt
    assert json.loads(div.attrs["data-spec"]) == figure.spec
    assert div.text == figure.fallback
    assert figure.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert figure.spec["config"]["background"] == theme.PAPER
    config = figure.spec["config"]
    for colour in (config["text"]["color"], config["title"]["color"], config["axis"]["labelColor"],
                   config["legend"]["labelColor"], config["title"]["subtitleColor"]):
        assert theme.contrast_ratio(colour, theme.PAPER) >= 4.5, colour
    assert figure.spec["config"]["axis"]["labelColor"] == GREY


def test_a_notebook_gets_html_that_carries_its_renderer(
    inception: StaticFigure, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(BOOK_ENV, raising=False)
    bundle = inception._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"} and bundle["text/plain"] == inception.fallback
    html = bundle["text/html"]
    assert html == inception.standalone_html()
    assert html.startswith('<div class="cnnviz-figure">' + inception.html() + '<script type="text/plain"')
    bundle_b64 = re.search(r'<script type="text/plain" class="cnnviz-vega-bundle">([^<]*)</script>', html)[1]
    code = gzip.decompress(base64.b64decode(bundle_b64))
    vendor = ROOT / "cnnviz" / "interact" / "static" / "vendor"
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):  # in load order, byte for byte
        assert (vendor / name).read_bytes() in code
    assert code.index(b"vegaLite={}") < code.index(b".vegaEmbed=")
    assert html.endswith("</script></div>") and "DecompressionStream" in html
    monkeypatch.setenv(BOOK_ENV, "0")  # only "1" means the book
    assert inception._repr_mimebundle_()["text/html"] == html


def test_the_renderer_ships_with_the_package_and_its_licences() -> None:
    from importlib import resources

    vendor = resources.files("cnnviz.interact.static") / "vendor"
    versions = (vendor / "VERSIONS").read_text().split()
    assert [v.rsplit("@", 1)[0] for v in versions] == ["vega", "vega-lite", "vega-embed"]
    for package, version in (v.rsplit("@", 1) for v in versions):
        assert (vendor / f"LICENSE.{package}").read_text().startswith("Copyright")
        bundle = (vendor / f"{package}.min.js").read_text()
        assert package != "vega-lite" or f'var n="{version}"' in bundle  # the file is the version named
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"cnnviz.interact.static" = ["standalone.js", "vendor/*"]' in pyproject


@pytest.mark.parametrize("name", ["inception", "stack", "cardinality"])
def test_html_is_small_and_the_same_on_every_build(name: str, request: pytest.FixtureRequest) -> None:
    figure: StaticFigure = request.getfixturevalue(name)
    size = len(figure.html().encode())
    assert 10_000 < size < 300_000, size
    again = {"inception": inception_cost_figure, "stack": stack_vs_large_figure,
             "cardinality": cardinality_figure}[name]()  # fmt: skip
    assert again.html() == figure.html()


def test_html_escapes_what_would_end_the_attribute() -> None:
    figure = StaticFigure({"title": "it's <b> & \"q\""}, alt='a "b" <c>', fallback="x < y & z")
    html = figure.html()
    assert "data-spec='{&quot;" not in html  # single-quoted attribute: the JSON's quotes stay as they are
    assert "it&#39;s &lt;b&gt; &amp; \\\"q\\\"" in html
    assert 'aria-label="a &quot;b&quot; &lt;c&gt;"' in html and html.endswith(">x &lt; y &amp; z</div>")
    assert json.loads(_parse(html).attrs["data-spec"]) == {"title": "it's <b> & \"q\""}


def _param(figure: StaticFigure, name: str) -> dict:
    (param,) = [p for p in figure.spec["params"] if p["name"] == name]
    return param


@pytest.mark.parametrize(
    ("name", "sliders"),
    [
        ("inception", ("c1x1", "c3x3", "c5x5", "reduce3x3", "reduce5x5", "pool_proj")),
        ("stack", ("C", "n")),
        ("cardinality", ("cardinality", "bottleneck_width")),
    ],
)
def test_every_slider_is_a_named_range_param(
    name: str, sliders: tuple, request: pytest.FixtureRequest
) -> None:
    figure: StaticFigure = request.getfixturevalue(name)
    assert figure.sliders == sliders
    assert [p["name"] for p in figure.spec["params"]] == list(sliders)
    for slider in sliders:
        assert _param(figure, slider)["bind"]["input"] == "range"
        assert f"== {slider}" in json.dumps(figure.spec)  # a filter reads it


# --- a. Inception -------------------------------------------------------------------------------


def test_inception_sliders_cover_the_lecture_example(inception: StaticFigure) -> None:
    assert _param(inception, "c3x3") == {
        "name": "c3x3", "value": 192,
        "bind": {"input": "range", "min": 16, "max": 384, "step": 16, "name": "3×3 filters "},
    }  # fmt: skip
    assert {p["name"]: p["value"] for p in inception.spec["params"]} == INCEPTION.filters


def test_inception_defaults_are_the_lecture_numbers(inception: StaticFigure) -> None:
    totals = _inception_totals(inception)
    # The lecture: naive 854M ops, output 28x28x672; with reductions 28x28x480 and "358M" ops, an
    # arithmetic slip on the slide (see cnnviz.analysis.ops): its six convolutions sum to 271,351,808.
    assert totals["naive"] == {"macs": 854_196_224, "params": 1_089_536, "depth": 672}
    assert totals["reduced"] == {"macs": 271_351_808, "params": 346_112, "depth": 480}
    assert "naive 854,196,224 multiply-adds" in inception.fallback
    assert "reductions 271,351,808 multiply-adds" in inception.fallback


@pytest.mark.parametrize(
    "position",
    [
        {"c5x5": 32, "reduce5x5": 16},
        {"c1x1": 64, "reduce3x3": 96, "c3x3": 128, "reduce5x5": 16, "c5x5": 32, "pool_proj": 32},  # like 3a
        {"c1x1": 384, "c3x3": 384, "c5x5": 128, "reduce3x3": 192, "reduce5x5": 48, "pool_proj": 128},
        {"c1x1": 16, "c3x3": 16, "c5x5": 16, "reduce3x3": 16, "reduce5x5": 16, "pool_proj": 16},
    ],
)
def test_inception_rows_sum_to_ops_at_any_slider_position(
    inception: StaticFigure, position: dict
) -> None:
    v = INCEPTION.filters | position
    naive = ops.inception_naive_cost(28, 256, v["c1x1"], v["c3x3"], v["c5x5"])
    reduced = ops.inception_reduced_cost(28, 256, v["c1x1"], v["c3x3"], v["c5x5"], v["reduce3x3"],
                                         v["reduce5x5"], v["pool_proj"])  # fmt: skip
    totals = _inception_totals(inception, **position)
    assert totals["naive"] == {"macs": naive.macs, "params": naive.params, "depth": naive.output_depth}
    assert totals["reduced"] == {
        "macs": reduced.macs, "params": reduced.params, "depth": reduced.output_depth
    }  # fmt: skip


def test_inception_values_seen_in_the_browser(inception: StaticFigure) -> None:
    # moving c5x5 to 32 and the 5x5 reduce to 16 reads 533,069,824 and 151,330,816 in Chromium
    totals = _inception_totals(inception, c5x5=32, reduce5x5=16)
    assert (totals["naive"]["macs"], totals["reduced"]["macs"]) == (533_069_824, 151_330_816)


def test_inception_table_is_separable_and_small(inception: StaticFigure) -> None:
    rows = _rows(inception, "inception")
    # 24 positions per knob: naive 3 x 24 + 1 pool; reduced 1x1 and pool 24 each, 3x3 and 5x5 24 x 24 each
    assert len(rows) == 3 * 24 + 1 + 2 * 24 + 2 * 24 * 24 == 1273
    reduced_3x3 = [r for r in rows if r["module"] == "reduced" and r["branch"] == "3x3"]
    keys = {"module", "branch", "c3x3", "reduce3x3", "macs", "params", "depth"}
    assert {k for r in reduced_3x3 for k in r} == keys


def test_inception_input_size_and_grid_are_arguments() -> None:
    figure = inception_cost_figure(14, 512, minimum=32, maximum=256, step=32, c5x5=128)
    totals = _inception_totals(figure, c5x5=128)
    assert totals["naive"]["macs"] == ops.inception_naive_cost(14, 512, 128, 192, 128).macs
    assert _param(figure, "c1x1")["bind"] == {"input": "range", "min": 32, "max": 256, "step": 32,
                                              "name": "1×1 filters "}  # fmt: skip
    assert "14×14×512" in figure.fallback


def test_inception_rejects_positions_off_the_grid() -> None:
    message = r"c3x3=200 is not a slider position; valid: 16 to 384 in steps of 16$"
    with pytest.raises(ValueError, match=message):
        inception_cost_figure(c3x3=200)
    with pytest.raises(ValueError, match=r"unknown slider 'c7x7'; valid sliders: c1x1, c3x3"):
        inception_cost_figure(c7x7=16)
    with pytest.raises(ValueError, match=r"in_channels must be a positive integer, got 0"):
        inception_cost_figure(in_channels=0)


# --- b. stack vs large --------------------------------------------------------------------------


def _stack_rows(figure: StaticFigure, C: int, n: int) -> dict[str, dict]:
    return {r["design"]: r for r in _rows(figure, "stack_vs_large") if r["C"] == C and r["n"] == n}


def test_stack_defaults_are_vgg_three_3x3_vs_one_7x7(stack: StaticFigure) -> None:
    assert {p["name"]: p["value"] for p in stack.spec["params"]} == {"C": 64, "n": 3}
    rows = _stack_rows(stack, 64, 3)
    assert rows["stack"]["params"] == 27 * 64**2 == 110_592 and rows["stack"]["coef"] == 27
    assert rows["large"]["params"] == 49 * 64**2 == 200_704 and rows["large"]["label"] == "one 7×7 conv"
    assert rows["stack"]["rf"] == rows["large"]["rf"] == 7
    assert rows["stack"]["ratio"] == pytest.approx(27 / 49, abs=1e-6)
    assert (rows["stack"]["relus"], rows["large"]["relus"]) == (3, 1)


@pytest.mark.parametrize(("C", "n", "stack_params", "large_params", "rf"),
                         [(16, 1, 2304, 2304, 3), (128, 2, 294_912, 409_600, 5),
                          (512, 5, 11_796_480, 31_719_424, 11)])
def test_stack_rows_at_other_positions(stack: StaticFigure, C: int, n: int, stack_params: int,
                                       large_params: int, rf: int) -> None:  # fmt: skip
    rows = _stack_rows(stack, C, n)
    assert (rows["stack"]["params"], rows["large"]["params"]) == (stack_params, large_params)
    assert rows["stack"]["rf"] == rows["large"]["rf"] == rf
    assert len(_rows(stack, "stack_vs_large")) == 32 * 5 * 2
    bind = {"input": "range", "min": 1, "max": 5, "step": 1, "name": "stack depth n "}
    assert _param(stack, "n")["bind"] == bind


def test_stack_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"n=6 is not a slider position; valid: 1 to 5"):
        stack_vs_large_figure(n=6)
    with pytest.raises(ValueError, match="channels must be evenly spaced"):
        stack_vs_large_figure(C=16, channels=[16, 32, 64])


# --- c. ResNeXt cardinality ---------------------------------------------------------------------


def _block_row(figure: StaticFigure, C: int, d: int) -> dict:
    (row,) = [r for r in _rows(figure, "resnext_block") if r["C"] == C and r["d"] == d]
    return row


def test_cardinality_table2_keeps_the_budget(cardinality: StaticFigure) -> None:
    expected = {(1, 64): 69_632, (2, 40): 69_760, (4, 24): 69_888, (8, 14): 71_456, (32, 4): 70_144}
    marked = {(r["C"], r["d"]): r for r in _rows(cardinality, "resnext_block") if "table2" in r}
    assert {k: r["weights"] for k, r in marked.items()} == expected
    assert marked[(32, 4)]["table2"] == "32×4d" and marked[(32, 4)]["width"] == 128
    for row in marked.values():  # the paper: all "~70k"
        assert abs(row["weights"] / 69_632 - 1) < 0.03
        assert row["macs"] == row["weights"] * 56 * 56  # stride 1, identity shortcut


@pytest.mark.parametrize(("C", "d"), [(32, 4), (8, 14), (3, 7)])
def test_cardinality_rows_match_the_built_block(cardinality: StaticFigure, C: int, d: int) -> None:
    block = Bottleneck(256, 256, width=C * d, groups=C, stride_in_3x3=True)
    conv_weights = sum(m.weight.numel() for m in block.modules() if isinstance(m, nn.Conv2d))
    assert _block_row(cardinality, C, d)["weights"] == conv_weights


def test_cardinality_sliders_and_readout(cardinality: StaticFigure) -> None:
    assert _param(cardinality, "cardinality") == {
        "name": "cardinality", "value": 32,
        "bind": {"input": "range", "min": 1, "max": 32, "step": 1, "name": "cardinality C "},
    }  # fmt: skip
    assert _param(cardinality, "bottleneck_width")["bind"]["max"] == 64
    assert len(_rows(cardinality, "resnext_block")) == 32 * 64
    assert _block_row(cardinality, 32, 4)["vs_resnet"] == pytest.approx(70_144 / 69_632, abs=1e-4)
    readout = json.dumps(cardinality.spec["vconcat"][0])
    assert "readout_weights" in readout and "readout_macs" in readout
    fallback = "70,144 convolution weights per block; 1.01× the ResNet-50 bottleneck (1×64d); 219,971,584 multiply"
    assert fallback in cardinality.fallback


def test_cardinality_rejects_positions_off_the_grid() -> None:
    with pytest.raises(ValueError, match=r"cardinality=64 is not a slider position; valid: 1 to 32"):
        cardinality_figure(cardinality=64)


# --- no eager imports -----------------------------------------------------------------------------


def test_importing_interact_imports_neither_altair_nor_ipywidgets() -> None:
    code = (
        "import sys, cnnviz, cnnviz.interact, cnnviz.interact.static, cnnviz.interact.widgets;"
        "print(sorted(m for m in ('altair', 'ipywidgets') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"
