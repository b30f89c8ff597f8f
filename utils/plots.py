"""One look for every figure in the book, and the plotting helpers several chapters use.

Colours are the Okabe–Ito palette, which stays distinguishable under the common forms of colour
blindness. Every helper sets a title and labelled axes with units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DIVERGING = "RdBu_r"  # symmetric around zero: blue negative, red positive

STYLE = {
    "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (call once at the top of a chapter).

    In a notebook, figures are also shown at twice their pixel density ("retina" PNG, displayed at
    the size of ``figure.figsize`` × ``figure.dpi``), so that they stay sharp on high-resolution
    screens.
    """
    mpl.rcParams.update(STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing is displayed inline
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")


def plot_filters(
    rows: Mapping[str, np.ndarray],
    title: str,
    input_channel: int = 0,
    max_filters: int = 8,
) -> plt.Figure:
    """Show Conv2D filters as images: one row per labelled kernel, one column per filter.

    Args:
        rows: label → kernel of shape (kh, kw, c_in, c_out).
        title: the figure's title.
        input_channel: which input channel of each filter to show.
        max_filters: show at most this many filters per row.

    Each row has its own symmetric colour scale (weights of different cases differ in size by
    orders of magnitude) and a colour bar labelled in weight units.
    """
    if not rows:
        raise ValueError("rows must name at least one kernel")
    for label, kernel in rows.items():
        if np.ndim(kernel) != 4:
            raise ValueError(f"kernel {label!r} must have shape (kh, kw, c_in, c_out), got {np.shape(kernel)}")
        if not 0 <= input_channel < np.shape(kernel)[2]:
            raise ValueError(f"input_channel {input_channel} is out of range for kernel {label!r}")
    n_cols = min(max_filters, max(np.shape(k)[3] for k in rows.values()))
    fig, axes = plt.subplots(
        len(rows), n_cols, figsize=(0.8 * n_cols + 1.4, 1.0 * len(rows) + 0.6), squeeze=False,
        layout="constrained",
    )
    for r, (label, kernel) in enumerate(rows.items()):
        filters = np.asarray(kernel)[:, :, input_channel, :]
        limit = float(np.abs(filters).max()) or 1.0
        image = None
        for c in range(n_cols):
            ax = axes[r, c]
            ax.set_xticks([]), ax.set_yticks([]), ax.grid(False)
            if c < filters.shape[-1]:
                image = ax.imshow(filters[:, :, c], cmap=DIVERGING, vmin=-limit, vmax=limit)
            else:
                ax.axis("off")
            if r == 0:
                ax.set_title(f"filter {c + 1}", fontsize=9)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
        fig.colorbar(image, ax=axes[r, :].tolist(), shrink=0.9, label="weight")
    fig.suptitle(title)
    return fig


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    title: str,
    xlabel: str,
    ylabel: str,
    logy: bool = False,
    ax: plt.Axes | None = None,
    start: int = 1,
) -> plt.Axes:
    """Plot labelled curves against their index + ``start`` (epochs, layers, steps).

    ``start=0`` suits a training curve whose first value is the loss at initialization.
    """
    if not curves:
        raise ValueError("curves must name at least one curve")
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"curve {label!r} must be a non-empty 1-D sequence")
        ax.plot(np.arange(start, values.size + start), values, marker="o", markersize=3, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    return ax


def plot_depth_profile(
    measured: Mapping[str, Sequence[float]],
    title: str,
    ylabel: str,
    predicted: Mapping[str, Sequence[float]] | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Per-layer quantities against depth on a log scale; predictions as dashed lines of the same colour.

    Each key of ``predicted`` must also be a key of ``measured``. Values that are zero or not finite
    (underflow, overflow) are left out of the log plot rather than drawn as misleading points.
    """
    if not measured:
        raise ValueError("measured must name at least one curve")
    predicted = predicted or {}
    unknown = set(predicted) - set(measured)
    if unknown:
        raise ValueError(f"predictions without a measured curve: {sorted(unknown)}")
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    for colour, (label, values) in zip(OKABE_ITO * 4, measured.items()):
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"curve {label!r} must be a non-empty 1-D sequence")
        layers = np.arange(1, values.size + 1)
        shown = np.isfinite(values) & (values > 0)
        ax.plot(layers[shown], values[shown], marker="o", markersize=3, color=colour, label=label)
        if label in predicted:
            pred = np.asarray(predicted[label], dtype=float)
            if pred.shape != values.shape:
                raise ValueError(f"prediction for {label!r} has shape {pred.shape}, measured {values.shape}")
            ax.plot(layers, pred, linestyle="--", color=colour, linewidth=1)
    ax.set_yscale("log")
    ax.set(title=title, xlabel="layer (depth)", ylabel=ylabel)
    if predicted:
        ax.plot([], [], linestyle="--", color="grey", label="prediction")
    ax.legend(fontsize=8)
    return ax


def plot_layer_histograms(
    panels: Mapping[str, Mapping[str, np.ndarray]],
    title: str,
    xlabel: str,
    bins: int = 60,
    value_range: tuple[float, float] | None = None,
) -> plt.Figure:
    """One panel per case, each overlaying the distribution of values of several layers.

    In the style of Glorot and Bengio (2010), figures 6 and 7. ``panels`` maps a case (an
    initialization) to layer name → values; the y axis is a density.
    """
    if not panels:
        raise ValueError("panels must name at least one case")
    fig, axes = plt.subplots(1, len(panels), figsize=(3.8 * len(panels), 3.4), squeeze=False, layout="constrained")
    for ax, (case, layers) in zip(axes[0], panels.items()):
        if not layers:
            raise ValueError(f"case {case!r} has no layers")
        for colour, (layer, values) in zip(OKABE_ITO * 4, layers.items()):
            values = np.asarray(values, dtype=float).ravel()
            ax.hist(values, bins=bins, range=value_range, density=True, histtype="step",
                    linewidth=1.4, color=colour, label=layer)
        ax.set(title=case, xlabel=xlabel, ylabel="density")
        ax.legend(fontsize=8)
    fig.suptitle(title)
    return fig


def plot_feature_maps(
    images: np.ndarray,
    maps: Mapping[str, np.ndarray],
    title: str,
) -> plt.Figure:
    """Input images in the first column, then one column per labelled set of feature maps.

    ``images`` is (n, height, width) or (n, height, width, 1); each value of ``maps`` is
    (n, h, w), the response of one filter to each image. Each column has one colour scale, shown by
    a colour bar under it: diverging and centred on zero if any response is negative, sequential
    from zero otherwise (responses after a ReLU); axes are in pixels.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be (n, height, width), got {images.shape}")
    if not maps:
        raise ValueError("maps must name at least one filter")
    for label, m in maps.items():
        if np.ndim(m) != 3 or len(m) != len(images):
            raise ValueError(f"maps[{label!r}] must be (n, h, w) with n = {len(images)}, got {np.shape(m)}")
    n, cols = len(images), len(maps) + 1
    fig, axes = plt.subplots(n, cols, figsize=(1.5 * cols, 1.5 * n + 1.0), squeeze=False, layout="constrained")
    signed = any(float(np.min(m)) < 0 for m in maps.values())  # after a ReLU they are not
    low = -1.0 if signed else 0.0  # the maps' scale: (−limit, limit) or (0, limit)
    columns = [("input", images, "gray", float(images.min()), float(images.max()), "pixel value")] + [
        (label, np.asarray(m), DIVERGING if signed else "Reds", low * limit, limit, "response")
        for label, m in maps.items()
        for limit in [float(np.abs(m).max()) or 1.0]
    ]
    for c, (label, values, cmap, vmin, vmax, unit) in enumerate(columns):
        for r in range(n):
            ax = axes[r, c]
            image = ax.imshow(values[r], cmap=cmap, vmin=vmin, vmax=vmax)
            ax.set_xticks([]), ax.set_yticks([]), ax.grid(False)
            if r == 0:
                ax.set_title(label, fontsize=9)
            if c == 0:
                ax.set_ylabel(f"image {r + 1}", fontsize=9)
        bar = fig.colorbar(image, ax=axes[:, c], orientation="horizontal", shrink=0.9, pad=0.02)
        bar.set_label(unit, fontsize=8)
        bar.ax.tick_params(labelsize=7)
    key = "red: positive response, blue: negative" if signed else "darker: stronger response"
    fig.suptitle(f"{title}\n({key}; one colour scale per column)")
    return fig
