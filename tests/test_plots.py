import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import plots  # noqa: E402


def test_book_style_applies_colour_blind_palette():
    plots.use_book_style()
    colours = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert colours[:3] == plots.OKABE_ITO[:3]


def test_plot_filters_has_title_labels_and_colour_bars():
    rng = np.random.default_rng(0)
    fig = plots.plot_filters({"a": rng.normal(size=(3, 3, 1, 4)), "b": np.zeros((3, 3, 1, 2))}, title="T")
    assert fig._suptitle.get_text() == "T"
    image_axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(image_axes) == 8
    colorbars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(colorbars) == 2 and all(cb.get_ylabel() == "weight" for cb in colorbars)
    assert image_axes[0].get_ylabel() == "a" and image_axes[0].get_title() == "filter 1"
    plt.close(fig)


@pytest.mark.parametrize(
    "rows, kwargs", [({}, {}), ({"a": np.zeros((3, 3, 4))}, {}), ({"a": np.zeros((3, 3, 1, 2))}, {"input_channel": 1})]
)
def test_plot_filters_rejects_bad_input(rows, kwargs):
    with pytest.raises(ValueError):
        plots.plot_filters(rows, title="T", **kwargs)


def test_plot_curves_labels_everything():
    ax = plots.plot_curves({"x": [1, 2, 3], "y": [3, 2, 1]}, title="T", xlabel="epoch", ylabel="loss", logy=True)
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == ("T", "epoch", "loss", "log")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x", "y"]
    plt.close(ax.figure)


def test_plot_curves_can_start_at_epoch_zero():
    ax = plots.plot_curves({"x": [2.3, 1.0, 0.5]}, title="T", xlabel="epoch", ylabel="loss", start=0)
    assert list(ax.get_lines()[0].get_xdata()) == [0, 1, 2]
    plt.close(ax.figure)


@pytest.mark.parametrize("curves", [{}, {"x": []}, {"x": [[1, 2]]}])
def test_plot_curves_rejects_bad_input(curves):
    with pytest.raises(ValueError):
        plots.plot_curves(curves, title="T", xlabel="x", ylabel="y")


def test_plot_depth_profile_with_predictions_and_gaps():
    ax = plots.plot_depth_profile({"a": [1.0, 0.0, np.inf, 0.1]}, title="T", ylabel="y", predicted={"a": [1, 1, 1, 1]})
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "layer (depth)"
    measured_line = ax.get_lines()[0]
    assert len(measured_line.get_xdata()) == 2  # zero and infinity are left out
    plt.close(ax.figure)
    with pytest.raises(ValueError):
        plots.plot_depth_profile({"a": [1.0]}, title="T", ylabel="y", predicted={"b": [1.0]})
    with pytest.raises(ValueError):
        plots.plot_depth_profile({"a": [1.0, 2.0]}, title="T", ylabel="y", predicted={"a": [1.0]})


def test_plot_layer_histograms():
    rng = np.random.default_rng(0)
    fig = plots.plot_layer_histograms({"case": {"l1": rng.normal(size=100), "l2": rng.normal(size=100)}},
                                      title="T", xlabel="value")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "density" and ax.get_xlabel() == "value" and ax.get_title() == "case"
    plt.close(fig)
    with pytest.raises(ValueError):
        plots.plot_layer_histograms({}, title="T", xlabel="x")
    with pytest.raises(ValueError):
        plots.plot_layer_histograms({"case": {}}, title="T", xlabel="x")


def test_plot_feature_maps():
    images = np.random.default_rng(0).normal(size=(2, 8, 8, 1))
    fig = plots.plot_feature_maps(images, {"a": np.ones((2, 4, 4)), "b": -np.ones((2, 4, 4))}, title="T")
    bars = [ax for ax in fig.axes if ax.get_xlabel() in ("pixel value", "response")]
    assert len(bars) == 3  # one colour bar per column: the inputs and two filters
    assert "blue: negative" in fig._suptitle.get_text()
    plt.close(fig)
    relu = plots.plot_feature_maps(images, {"a": np.ones((2, 4, 4))}, title="T")  # no negatives
    assert "darker" in relu._suptitle.get_text() and relu.axes[1].images[0].get_clim()[0] == 0.0
    assert len(fig.axes) == 6 + 3 and fig.axes[0].get_title() == "input" and fig.axes[0].get_ylabel() == "image 1"
    plt.close(fig)
    with pytest.raises(ValueError):
        plots.plot_feature_maps(images, {"a": np.ones((3, 4, 4))}, title="T")
    with pytest.raises(ValueError):
        plots.plot_feature_maps(images, {}, title="T")
