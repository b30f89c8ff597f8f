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
    """Apply the book's matplotlib style (call once at the top of a chapter)."""
    mpl.rcParams.update(STYLE)


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
        len(rows), n_cols, figsize=(1.1 * n_cols + 1.6, 1.25 * len(rows) + 0.6), squeeze=False,
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
) -> plt.Axes:
    """Plot labelled curves against their index + 1 (epochs, layers, steps)."""
    if not curves:
        raise ValueError("curves must name at least one curve")
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"curve {label!r} must be a non-empty 1-D sequence")
        ax.plot(np.arange(1, values.size + 1), values, marker="o", markersize=3, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    return ax
