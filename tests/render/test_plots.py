"""ERF figures: what they draw, and that drawing changes nothing global."""

from __future__ import annotations

import io

import matplotlib
import matplotlib.legend
import matplotlib.text
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Circle, Rectangle

from cnnviz.analysis.erf import ERFResult, map_moments, mass_radius
from cnnviz.render import theme
from cnnviz.render.plots import plot_erf, plot_erf_profile


def gaussian_result(layer: str = "layer2", sigma: float = 3.0, rf: int = 15, size: int = 33) -> ERFResult:
    rows, cols = np.indices((size, size))
    centre = (size - 1) / 2
    grad_map = np.exp(-((rows - centre) ** 2 + (cols - centre) ** 2) / (2 * sigma**2))
    return ERFResult(
        model="toy", layer=layer, input_size=(3, size, size), grad_map=grad_map, theoretical_rf=rf,
        radius_1sd=map_moments(grad_map)[2], radius_95=mass_radius(grad_map), n_inputs=8, n_inits=1, seed=0,
        rf_centre=(centre, centre),
    )  # fmt: skip


def test_plot_erf_draws_map_rf_square_and_circle() -> None:
    rc_before = dict(matplotlib.rcParams)
    result = gaussian_result()
    fig = plot_erf(result)
    assert isinstance(fig, Figure)
    ax, colorbar_ax = fig.axes  # the heat map and its colour bar
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    np.testing.assert_array_equal(image.get_array(), result.grad_map)
    assert image.get_cmap().name == "viridis"
    (square,) = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert (square.get_width(), square.get_height()) == (15, 15)
    assert square.get_xy() == (16 - 7.5, 16 - 7.5)  # centred on the unit's field, pixel edges at +-0.5
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert [c.get_radius() for c in circles] == [result.radius_1sd, result.radius_95]
    assert circles[0].center == pytest.approx((16, 16))
    assert result.radius_1sd == pytest.approx(3.0, rel=1e-3)  # the moments fit recovers sigma
    title = ax.get_title()
    assert "toy · layer2" in title and "1 sd 3.0px" in title and "theoretical RF 15px" in title
    assert_on_paper(fig)
    (legend,) = [a for a in ax.get_children() if isinstance(a, matplotlib.legend.Legend)]
    assert legend.get_frame().get_alpha() == 1.0  # an opaque box: its text never sits on the heat map
    assert matplotlib.colors.to_hex(legend.get_frame().get_facecolor()) == theme.PAPER.lower()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    assert dict(matplotlib.rcParams) == rc_before
    assert colorbar_ax.get_ylabel() == "|∂y/∂x|, normalised"


def test_plot_erf_into_given_axes_and_no_pyplot_state() -> None:
    import matplotlib.pyplot as plt

    figures_before = plt.get_fignums()
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_erf(gaussian_result(), ax=ax) is fig
    plot_erf(gaussian_result())
    assert plt.get_fignums() == figures_before


def test_plot_erf_profile_plots_radii_by_depth() -> None:
    params = [(2, 7), (3, 15), (4, 31)]
    results = [gaussian_result(f"layer{i}", sigma=s, rf=rf) for i, (s, rf) in enumerate(params, 1)]
    fig = plot_erf_profile(results)
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"theoretical RF / 2", "ERF 95% radius", "ERF 1 sd radius"}
    np.testing.assert_allclose(lines["ERF 1 sd radius"].get_ydata(), [2, 3, 4], rtol=1e-3)
    np.testing.assert_array_equal(lines["theoretical RF / 2"].get_ydata(), [3.5, 7.5, 15.5])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layer1", "layer2", "layer3"]
    with pytest.raises(ValueError, match="results is empty"):
        plot_erf_profile([])


# --- where the memory and the parameters live; counts against depth ---------------------------------


def _rows():
    from torch import nn

    from cnnviz.analysis.ledger import ledger

    net = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 16 * 16, 600))
    return [r for r in ledger(net, (3, 32, 32)).leaves() if r.type in ("Conv2d", "MaxPool2d", "Linear")]


def test_plot_memory_and_params_draws_each_row_in_both_panels() -> None:
    from cnnviz.render.plots import plot_memory_and_params

    rc_before = dict(matplotlib.rcParams)
    rows = _rows()
    fig = plot_memory_and_params(rows, ["conv", "pool", "fc"], titles=("memory", "parameters"))
    memory, params = fig.axes
    assert [p.get_width() for p in memory.patches] == pytest.approx([65.536, 16.384, 0.6])  # thousands
    assert [p.get_width() for p in params.patches] == pytest.approx([1.792e-3, 0, 9.831])  # millions, biases included
    assert memory.get_xlabel() == "memory: output values per image (thousands)"
    assert params.get_xlabel() == "parameters (millions)" and params.get_title() == "parameters"
    assert [t.get_text() for t in memory.get_yticklabels()] == ["conv", "pool", "fc"]
    weights = plot_memory_and_params(rows, weights_only=True).axes[1]
    assert weights.patches[2].get_width() == pytest.approx(9.8304)
    assert weights.get_xlabel() == "parameters: weights (millions)"
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["conv", "pool", "fc"]
    assert dict(matplotlib.rcParams) == rc_before


def test_plot_memory_and_params_rejects_mismatched_labels() -> None:
    from cnnviz.render.plots import plot_memory_and_params

    with pytest.raises(ValueError, match="plot_memory_and_params: 1 labels for 3 rows"):
        plot_memory_and_params(_rows(), ["conv"])
    with pytest.raises(ValueError, match="rows is empty"):
        plot_memory_and_params([])


def test_plot_counts() -> None:
    from cnnviz.render.plots import plot_counts

    fig = plot_counts([20, 56], [272_474, 855_770], xlabel="depth", ylabel="parameters", title="t")
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == [20, 56] and list(line.get_ydata()) == pytest.approx([0.272474, 0.85577])
    assert fig.axes[0].get_ylabel() == "parameters (millions)"
    with pytest.raises(ValueError, match="plot_counts: x and counts must be non-empty and of one length"):
        plot_counts([1, 2], [3], xlabel="x", ylabel="y")


def test_erf_side_by_side_draws_one_panel_per_result() -> None:
    from cnnviz.render.plots import plot_erf_side_by_side

    fig = plot_erf_side_by_side([gaussian_result("layer1", 2.0), gaussian_result("layer2", 4.0)])
    heat_maps = [ax for ax in fig.axes if any(isinstance(a, AxesImage) for a in ax.get_children())]
    assert [ax.get_title().split("\n")[0] for ax in heat_maps] == ["toy · layer1", "toy · layer2"]
    with pytest.raises(ValueError, match="no results"):
        plot_erf_side_by_side([])


def assert_on_paper(fig) -> None:
    """The figure is opaque paper and every text on it reaches 4.5:1 against the paper."""
    assert matplotlib.colors.to_hex(fig.get_facecolor(), keep_alpha=True) == theme.PAPER.lower() + "ff"
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip() and t.get_visible()]
    assert texts
    for t in texts:
        colour = matplotlib.colors.to_hex(t.get_color())
        assert theme.contrast_ratio(colour, theme.PAPER) >= 4.5, (t.get_text(), colour)


def test_svg_is_opaque_with_text_as_text():
    from cnnviz.render.plots import new_figure, svg

    fig, ax = new_figure((2, 2))
    ax.set_title("hello")
    source = svg(fig).data
    assert "<text" in source and "hello" in source  # svg.fonttype "none", for this save only
    assert matplotlib.rcParams["svg.fonttype"] == "path"  # nothing global changed
    assert "fill: #ffffff" in source.lower()  # the paper is drawn, not transparent
