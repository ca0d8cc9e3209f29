"""Figures the lectures draw more than once.

Every function draws on ``ax`` when one is given (so figures can be combined with
``plt.subplots``), otherwise on a new figure of a moderate size, and returns the Axes. Matplotlib
is imported inside the functions, so ``import lmcourse.plot`` is cheap, and no global style is set.
"""
import numpy as np

DEFAULT_FIGSIZE = (5.0, 3.4)


def _axes(ax, figsize=None):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize or DEFAULT_FIGSIZE, layout="constrained")
    return ax


def _frequencies(counts):
    values = counts.values() if hasattr(counts, "values") else counts
    freq = np.fromiter((int(c) for c in values), dtype=np.int64)
    return np.sort(freq[freq > 0])[::-1]


def zipf(counts, ax=None, label=None, reference=True, title="Rank-frequency (Zipf) plot"):
    """Log-log plot of frequency against rank.

    Args:
        counts: a ``Counter``/dict of type counts, or an array of counts.
        ax: Axes to draw on (default: a new figure).
        label: legend label of the curve.
        reference: also draw the line ``f(1) / rank`` (Zipf's law with exponent 1).
        title: Axes title (None for none).
    Returns:
        matplotlib Axes
    """
    ax = _axes(ax)
    freq = _frequencies(counts)
    ranks = np.arange(1, len(freq) + 1)
    ax.loglog(ranks, freq, lw=1.5, label=label or "observed")
    if reference and len(freq):
        ax.loglog(ranks, freq[0] / ranks, "k--", lw=1, label=r"$f(1)\,/\,\mathrm{rank}$")
    ax.set_xlabel("rank")
    ax.set_ylabel("frequency")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    return ax


def count_of_counts(counts, ax=None, max_r=20, label=None, title="Count of counts"):
    """Bar chart of N_r, the number of types seen exactly r times, for r = 1..max_r (log y axis).

    Args:
        counts: a ``Counter``/dict of type counts, or an array of counts.
        ax: Axes to draw on (default: a new figure).
        max_r: largest r shown.
        label: legend label (None for no legend).
        title: Axes title (None for none).
    Returns:
        matplotlib Axes
    """
    ax = _axes(ax)
    freq = _frequencies(counts)
    r = np.arange(1, max_r + 1)
    n_r = np.bincount(freq[freq <= max_r], minlength=max_r + 1)[1:]
    ax.bar(r, n_r, width=0.8, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("r (times seen)")
    ax.set_ylabel(r"$N_r$ (types seen r times)")
    ax.set_xticks(r[:: max(1, max_r // 10)])
    if title:
        ax.set_title(title)
    if label:
        ax.legend(frameon=False)
    return ax


def curves(xs, ys_by_label, xlabel, ylabel, logy=False, logx=False, ax=None, title=None,
           marker="o", annotate_min=False):
    """Several y-against-x curves on one Axes.

    Args:
        xs: the shared x values, or a dict label -> x values.
        ys_by_label: dict label -> y values (drawn in insertion order).
        xlabel, ylabel: axis labels.
        logy, logx: logarithmic axes.
        ax: Axes to draw on (default: a new figure).
        title: Axes title.
        marker: matplotlib marker of the points.
        annotate_min: mark the smallest y of each curve with a dot and its value.
    Returns:
        matplotlib Axes
    """
    ax = _axes(ax)
    for label, ys in ys_by_label.items():
        x = np.asarray(xs[label] if isinstance(xs, dict) else xs)
        y = np.asarray(ys, dtype=float)
        (line,) = ax.plot(x, y, marker=marker, ms=4, lw=1.5, label=label)
        if annotate_min and np.isfinite(y).any():
            i = int(np.nanargmin(y))
            ax.annotate(f"{y[i]:.4g}", (x[i], y[i]), textcoords="offset points", xytext=(0, -12),
                        ha="center", fontsize=8, color=line.get_color())
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    else:
        all_x = [np.asarray(v) for v in xs.values()] if isinstance(xs, dict) else [np.asarray(xs)]
        if all(v.dtype.kind in "iu" for v in all_x):  # integer x (orders, epochs): integer ticks
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(ys_by_label) > 1:
        ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return ax


def bars(labels, values_by_name, ax=None, xlabel=None, ylabel=None, title=None, rotate=0):
    """Grouped bar chart: one group per label, one bar per series.

    Args:
        labels: the category names along x (e.g. candidate next words).
        values_by_name: dict series name -> values (one per label).
        ax: Axes to draw on (default: a new figure).
        xlabel, ylabel, title: texts.
        rotate: rotation of the tick labels in degrees.
    Returns:
        matplotlib Axes
    """
    ax = _axes(ax)
    k = max(len(values_by_name), 1)
    width = 0.8 / k
    x = np.arange(len(labels))
    for j, (name, values) in enumerate(values_by_name.items()):
        ax.bar(x + (j - (k - 1) / 2) * width, values, width=width, label=name)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=rotate, ha="right" if rotate else "center")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(values_by_name) > 1:
        ax.legend(frameon=False)
    return ax
