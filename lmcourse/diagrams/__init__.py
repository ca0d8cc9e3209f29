"""Architecture diagrams the lectures draw (matplotlib only, no image files).

One module per family of models; each public function draws one diagram and returns its Axes.
The drawing primitives below are shared by all of them, so every diagram has the same look:
boxes for vectors and layers, arrows for the flow of values, a blank Axes with equal units.
Matplotlib is imported inside the functions, so importing the package is cheap.
"""

#: Face colours by role, the same in every diagram.
COLOURS = {
    "input": "#dbe9f6",   # tokens, embeddings
    "state": "#fde2c8",   # hidden states, cell states
    "layer": "#e4f1dc",   # weights, gates, softmax
    "output": "#f3d9e9",  # distributions, predictions
    "plain": "white",
}


def canvas(width, height, ax=None, figsize=None):
    """A blank Axes with data coordinates ``[0, width] x [0, height]`` and equal aspect.

    Args:
        width, height: extent of the drawing in data units.
        ax: Axes to draw on (default: a new figure, ``figsize`` or 0.7 inch per unit).
    Returns:
        matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize or (0.7 * width, 0.7 * height), layout="constrained")
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def box(ax, x, y, text="", width=1.0, height=0.6, role="plain", fontsize=10, rounded=True):
    """A labelled box centred at ``(x, y)``; returns its centre, for arrows."""
    from matplotlib.patches import FancyBboxPatch

    style = "round,pad=0.02,rounding_size=0.12" if rounded else "square,pad=0.02"
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle=style,
                                facecolor=COLOURS[role], edgecolor="black", linewidth=1.0))
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)
    return x, y


def circle(ax, x, y, text="", radius=0.22, role="layer", fontsize=10):
    """A small labelled circle (a pointwise operation such as a product or a sum)."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), radius, facecolor=COLOURS[role], edgecolor="black", linewidth=1.0))
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)
    return x, y


def arrow(ax, start, end, text="", colour="black", style="-|>", curve=0.0, fontsize=9, linestyle="-",
          shrink=4.0):
    """An arrow from ``start`` to ``end`` (points in data units), with an optional label at its middle.

    ``curve`` bends it (the ``rad`` of matplotlib's arc3 connection; 0 is straight); ``shrink`` stops
    it that many points short of both ends. To join two boxes, pass points on their edges.
    """
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=colour,
                                 linewidth=1.2, linestyle=linestyle, shrinkA=shrink, shrinkB=shrink,
                                 connectionstyle=f"arc3,rad={curve}"))
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, text, ha="center", va="center",
                fontsize=fontsize, color=colour, backgroundcolor="white")


def label(ax, x, y, text, colour="black", fontsize=9, background="white", pad=0.12, ha="center", **kwargs):
    """Text centred at ``(x, y)`` on a patch of ``background``, so that it stays readable on a line."""
    ax.text(x, y, text, ha=ha, va="center", fontsize=fontsize, color=colour,
            bbox=dict(boxstyle=f"round,pad={pad}", facecolor=background, edgecolor="none"), **kwargs)
