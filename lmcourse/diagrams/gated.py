"""Diagrams of Lecture 4: one step of the LSTM cell and one step of the GRU cell.

Both are drawn in the style of C. Olah's "Understanding LSTM networks": the state that is carried
from step to step runs along the top of the cell as a thick coloured line, and everything below it
computes the gates from the previous hidden state and the input. Boxes are layers (a linear map of
their inputs followed by the squashing function written in the box), circles are element-wise
operations. The notation is the lecture's: gates ``i, f, o`` and candidate ``g`` for the LSTM,
reset ``r``, update ``z`` and candidate ``n`` for the GRU (the course convention, in which ``z`` is
the fraction of the state that is *written*: ``h_t = (1 - z) * h_{t-1} + z * n``).
"""
from functools import partial

from lmcourse.diagrams import arrow, box, canvas, circle, label

_PATH = "#c2410c"     # the carried state: the cell path of the LSTM, the state path of the GRU
_GATE = "#1f4e9c"     # labels of the gate values on the wires
_BACK = "#f6f6f6"     # background of the cell


def _wire(ax, points, colour="black", linewidth=1.2, head=True, zorder=1):
    """A polyline through ``points`` (data units), with an arrow head at its last point."""
    xs, ys = zip(*points)
    if head:                                   # stop the line short of the tip; the head covers the rest
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        back = min(0.2, length) / length
        tip_start = (x1 - back * (x1 - x0), y1 - back * (y1 - y0))
        xs, ys = xs[:-1] + (tip_start[0],), ys[:-1] + (tip_start[1],)
    ax.plot(xs, ys, color=colour, linewidth=linewidth, solid_capstyle="butt", zorder=zorder)
    if head:
        arrow(ax, tip_start, points[-1], colour=colour, shrink=0)


_label = partial(label, colour=_GATE, fontsize=10, background=_BACK, pad=0.1, zorder=5)


def _bridge(ax, x, y, wire="vertical", size=0.16):
    """A short gap, in the background colour, in the ``wire`` ("vertical" or "horizontal") through
    ``(x, y)``. A wire drawn across it afterwards (with a higher zorder) then visibly passes over it
    instead of joining it."""
    if wire == "vertical":
        ax.plot([x, x], [y - size, y + size], color=_BACK, linewidth=5, zorder=2)
    else:
        ax.plot([x - size, x + size], [y, y], color=_BACK, linewidth=5, zorder=2)


def _cell_outline(ax, x0, y0, x1, y1):
    """The light rounded rectangle that marks what happens inside one time step."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0.02,rounding_size=0.4",
                                facecolor=_BACK, edgecolor="#9a9a9a", linewidth=1.0, zorder=0))


def lstm_cell(ax=None):
    """
    Draw one step of the LSTM cell: the cell path along the top, the gates below it.

    The cell state enters at the left as c_{t-1}, is multiplied element-wise by the forget gate f_t,
    receives the increment i_t * g_t and leaves at the right as c_t: the additive path of the
    lecture, with no weight matrix on it. Below, the previous hidden state and the input are
    concatenated, [h_{t-1}, x_t], and feed four layers: three sigmoid gates (f, i, o) and the tanh
    candidate g. The new cell state is squashed by a tanh and multiplied by the output gate o_t to
    give h_t, which leaves at the bottom right (to the read-out and to the next step).

    Inputs:
    - ax: matplotlib Axes to draw on, or None for a new figure.

    Returns:
    - ax: the Axes holding the diagram.
    """
    width, height = 13.0, 7.2
    ax = canvas(width, height, ax=ax, figsize=(0.72 * width, 0.72 * height))
    y_c, y_gate, y_bus, y_mid = 6.0, 2.5, 1.2, 4.15
    x_f, x_i, x_g, x_o = 3.0, 4.6, 6.2, 7.8
    x_add = (x_i + x_g) / 2
    x_out = 9.6
    _cell_outline(ax, 1.6, 0.55, 11.0, 6.6)

    # the cell path: c_{t-1} -> (x f_t) -> (+ i_t g_t) -> c_t
    ax.text(0.75, y_c, r"$\mathbf{c}_{t-1}$", ha="center", va="center", fontsize=12)
    ax.text(12.2, y_c, r"$\mathbf{c}_t$", ha="center", va="center", fontsize=12)
    _wire(ax, [(1.25, y_c), (x_f, y_c)], colour=_PATH, linewidth=3, head=False)
    _wire(ax, [(x_f, y_c), (x_add, y_c)], colour=_PATH, linewidth=3, head=False)
    _wire(ax, [(x_add, y_c), (11.75, y_c)], colour=_PATH, linewidth=3)
    circle(ax, x_f, y_c, r"$\times$", role="state")
    circle(ax, x_add, y_c, r"$+$", role="state")
    ax.text((x_add + 11.0) / 2 + 0.3, y_c + 0.35, "cell path: no weight matrix, no squashing",
            ha="center", va="bottom", fontsize=9, color=_PATH, style="italic")

    # the inputs: h_{t-1} from the left, x_t from below, concatenated on one bus
    ax.text(0.75, y_bus, r"$\mathbf{h}_{t-1}$", ha="center", va="center", fontsize=12)
    ax.text(2.2, 0.1, r"$\mathbf{x}_t$", ha="center", va="center", fontsize=12)
    _wire(ax, [(1.25, y_bus), (x_o, y_bus)], head=False)
    _wire(ax, [(2.2, 0.35), (2.2, y_bus)], head=False)
    ax.plot([2.2], [y_bus], "o", color="black", ms=4, zorder=3)
    _label(ax, 2.6, y_bus - 0.32, r"$[\mathbf{h}_{t-1}, \mathbf{x}_t]$", colour="black", fontsize=9, ha="left")

    # the four layers on [h_{t-1}, x_t]
    layers = [(x_f, r"$\sigma$", "forget"), (x_i, r"$\sigma$", "input"),
              (x_g, r"$\tanh$", "candidate"), (x_o, r"$\sigma$", "output")]
    for x, squash, name in layers:
        _wire(ax, [(x, y_bus), (x, y_gate - 0.35)])
        box(ax, x, y_gate, f"{name}\n{squash}", width=1.35, height=0.7, role="layer", fontsize=9)
    for x in (x_f, x_i, x_g):
        ax.plot([x], [y_bus], "o", color="black", ms=4, zorder=3)

    # f_t up to the product on the cell path
    _wire(ax, [(x_f, y_gate + 0.35), (x_f, y_c - 0.22)])
    _label(ax, x_f + 0.1, y_mid, r"$\mathbf{f}_t$", ha="left")
    # i_t * g_t up to the sum on the cell path
    circle(ax, x_add, y_mid, r"$\times$")
    _wire(ax, [(x_i, y_gate + 0.35), (x_i, y_mid), (x_add - 0.22, y_mid)])
    _wire(ax, [(x_g, y_gate + 0.35), (x_g, y_mid), (x_add + 0.22, y_mid)])
    _label(ax, x_i - 0.1, y_mid - 0.75, r"$\mathbf{i}_t$", ha="right")
    _label(ax, x_g + 0.1, y_mid - 0.75, r"$\mathbf{g}_t$", ha="left")
    _wire(ax, [(x_add, y_mid + 0.22), (x_add, y_c - 0.22)])
    _label(ax, x_add + 0.1, (y_mid + y_c) / 2, r"$\mathbf{i}_t \odot \mathbf{g}_t$", ha="left")

    # the output: h_t = o_t * tanh(c_t)
    ax.plot([x_out], [y_c], "o", color=_PATH, ms=5, zorder=3)
    _wire(ax, [(x_out, y_c), (x_out, y_mid + 0.3)])
    box(ax, x_out, y_mid, r"$\tanh$", width=0.9, height=0.6, role="layer")
    _wire(ax, [(x_out, y_mid - 0.3), (x_out, y_gate + 0.22)])
    circle(ax, x_out, y_gate, r"$\times$")
    _wire(ax, [(x_o + 0.675, y_gate), (x_out - 0.22, y_gate)])
    _label(ax, (x_o + 0.675 + x_out - 0.22) / 2, y_gate + 0.3, r"$\mathbf{o}_t$")
    _wire(ax, [(x_out, y_gate - 0.22), (x_out, y_bus), (11.75, y_bus)])
    ax.text(12.2, y_bus, r"$\mathbf{h}_t$", ha="center", va="center", fontsize=12)
    ax.text(12.2, y_bus - 0.5, "to the read-out\nand step t+1", ha="center", va="top", fontsize=8)
    ax.set_title(r"LSTM cell: $\mathbf{c}_t = \mathbf{f}_t\odot\mathbf{c}_{t-1} + \mathbf{i}_t\odot\mathbf{g}_t$,"
                 r"  $\mathbf{h}_t = \mathbf{o}_t\odot\tanh(\mathbf{c}_t)$", fontsize=12)
    return ax


def gru_cell(ax=None):
    """
    Draw one step of the GRU cell (the course convention): the state path along the top.

    The previous state h_{t-1} runs along the top. Below, [h_{t-1}, x_t] feeds the reset gate r_t and
    the update gate z_t. The reset gate scales h_{t-1} element-wise before it enters the candidate
    n_t = tanh(x_t U_n^T + (r_t * h_{t-1}) W_n^T + b_n), which also reads x_t. The new state is the
    interpolation h_t = (1 - z_t) * h_{t-1} + z_t * n_t: on the top path h_{t-1} is scaled by 1 - z_t
    and z_t * n_t is added. (torch.nn.GRU writes z the other way round and applies the reset after
    the matrix product; the lecture maps one onto the other.) The line from the reset product to the
    candidate passes over the update gate's wire where the two cross.

    Inputs:
    - ax: matplotlib Axes to draw on, or None for a new figure.

    Returns:
    - ax: the Axes holding the diagram.
    """
    width, height = 13.0, 7.6
    ax = canvas(width, height, ax=ax, figsize=(0.72 * width, 0.72 * height))
    y_h, y_gate, y_bus, y_x = 6.5, 2.6, 1.35, 0.75
    y_reset, y_zsplit, y_one = 3.95, 4.75, 5.6
    x_r, x_z, x_n, x_keep, x_add, x_write = 3.0, 4.9, 6.9, 4.9, 8.7, 8.7
    _cell_outline(ax, 1.6, 0.3, 11.0, 7.1)

    # the state path: h_{t-1} -> (x (1 - z_t)) -> (+ z_t n_t) -> h_t
    ax.text(0.75, y_h, r"$\mathbf{h}_{t-1}$", ha="center", va="center", fontsize=12)
    ax.text(12.2, y_h, r"$\mathbf{h}_t$", ha="center", va="center", fontsize=12)
    ax.text(12.2, y_h - 0.5, "to the read-out\nand step t+1", ha="center", va="top", fontsize=8)
    _wire(ax, [(1.25, y_h), (x_keep, y_h)], colour=_PATH, linewidth=3, head=False)
    _wire(ax, [(x_keep, y_h), (x_add, y_h)], colour=_PATH, linewidth=3, head=False)
    _wire(ax, [(x_add, y_h), (11.75, y_h)], colour=_PATH, linewidth=3)
    circle(ax, x_keep, y_h, r"$\times$", role="state")
    circle(ax, x_add, y_h, r"$+$", role="state")
    _label(ax, (x_keep + x_add) / 2, y_h + 0.35, r"$(1-\mathbf{z}_t)\odot\mathbf{h}_{t-1}$", colour=_PATH)

    # h_{t-1} down the left to the gates' bus, and down to the reset product
    x_drop = 2.0
    for x in (x_drop, x_r):
        ax.plot([x], [y_h], "o", color=_PATH, ms=5, zorder=3)
    _wire(ax, [(x_drop, y_h), (x_drop, y_bus), (x_z, y_bus)], head=False)
    _wire(ax, [(x_r, y_h), (x_r, y_reset + 0.22)])

    # x_t from below: one branch joins the bus, one goes to the candidate
    x_in = 5.9
    ax.text(x_in, -0.05, r"$\mathbf{x}_t$", ha="center", va="center", fontsize=12)
    _wire(ax, [(x_in, 0.2), (x_in, y_x)], head=False)
    ax.plot([x_in], [y_x], "o", color="black", ms=4, zorder=3)
    _wire(ax, [(x_in, y_x), (2.5, y_x), (2.5, y_bus)], head=False)
    ax.plot([2.5], [y_bus], "o", color="black", ms=4, zorder=3)
    _wire(ax, [(x_in, y_x), (x_n, y_x), (x_n, y_gate - 0.35)])
    _label(ax, 3.4, y_bus - 0.3, r"$[\mathbf{h}_{t-1}, \mathbf{x}_t]$", colour="black", fontsize=9, ha="left")

    # the reset and update gates on [h_{t-1}, x_t]
    for x, name in ((x_r, "reset"), (x_z, "update")):
        _wire(ax, [(x, y_bus), (x, y_gate - 0.35)])
        box(ax, x, y_gate, f"{name}\n" + r"$\sigma$", width=1.35, height=0.7, role="layer", fontsize=9)
    ax.plot([x_r], [y_bus], "o", color="black", ms=4, zorder=3)

    # r_t * h_{t-1} -> candidate n_t (passing over the update gate's wire)
    _wire(ax, [(x_r, y_gate + 0.35), (x_r, y_reset - 0.22)])
    _label(ax, x_r - 0.12, (y_gate + y_reset) / 2 + 0.1, r"$\mathbf{r}_t$", ha="right")
    circle(ax, x_r, y_reset, r"$\times$")

    # z_t: up through 1 - z to the product on the state path, and across to z_t * n_t
    _wire(ax, [(x_z, y_gate + 0.35), (x_z, y_zsplit)], head=False)
    ax.plot([x_z], [y_zsplit], "o", color="black", ms=4, zorder=3)
    _wire(ax, [(x_z, y_zsplit), (x_z, y_one - 0.25)])
    circle(ax, x_z, y_one, r"$1-$", radius=0.25, fontsize=9)
    _wire(ax, [(x_z, y_one + 0.25), (x_keep, y_h - 0.22)])
    _label(ax, x_z - 0.12, (y_gate + 0.35 + y_reset) / 2 - 0.05, r"$\mathbf{z}_t$", ha="right")
    _wire(ax, [(x_z, y_zsplit), (x_write - 0.22, y_zsplit)])

    _bridge(ax, x_z, y_reset)
    _wire(ax, [(x_r + 0.22, y_reset), (x_n, y_reset), (x_n, y_gate + 0.35)], zorder=3)
    _label(ax, (x_r + x_z) / 2 + 0.05, y_reset + 0.3, r"$\mathbf{r}_t\odot\mathbf{h}_{t-1}$")
    box(ax, x_n, y_gate, "candidate\n" + r"$\tanh$", width=1.35, height=0.7, role="layer", fontsize=9)

    # n_t -> z_t * n_t -> the sum on the state path
    circle(ax, x_write, y_zsplit, r"$\times$")
    _wire(ax, [(x_n + 0.675, y_gate), (x_write, y_gate), (x_write, y_zsplit - 0.22)])
    _label(ax, (x_n + 0.675 + x_write) / 2, y_gate + 0.3, r"$\mathbf{n}_t$")
    _wire(ax, [(x_write, y_zsplit + 0.22), (x_add, y_h - 0.22)])
    _label(ax, x_write + 0.12, (y_zsplit + y_h) / 2, r"$\mathbf{z}_t\odot\mathbf{n}_t$", ha="left")
    ax.set_title(r"GRU cell: $\mathbf{h}_t = (1-\mathbf{z}_t)\odot\mathbf{h}_{t-1} + \mathbf{z}_t\odot\mathbf{n}_t$,"
                 r"  $\mathbf{n}_t = \tanh(\mathbf{x}_t U_n^\top"
                 r" + (\mathbf{r}_t\odot\mathbf{h}_{t-1}) W_n^\top + \mathbf{b}_n)$", fontsize=12)
    return ax
