"""Diagrams of Lecture 2: the recurrent network, the RNN language model and the fixed-window LM.

Each function draws one diagram with the shared primitives of :mod:`lmcourse.diagrams` and returns
the Axes. The notation is the lecture's: ``U`` maps the input into the state, ``W`` carries the state
from one step to the next, ``O`` (with bias ``c``) maps the state to the logits, ``E`` is the
embedding table (textbooks also write ``W_xh``, ``W_hh`` and ``W_hy`` for ``U``, ``W`` and ``O``).
"""
from functools import partial

from lmcourse.diagrams import arrow, box, canvas, label

_WEIGHT = "#1f4e9c"   # colour of the weight labels: the same matrices at every step
_LOSS = "#a4262c"     # colour of the loss terms


_label = partial(label, colour=_WEIGHT)


def _self_loop(ax, x, y, width, text):
    """A loop leaving a box centred at ``(x, y)`` at its right edge and coming back into the same
    edge a little lower: the recurrence ``h_{t-1} -> h_t`` of the folded network."""
    right = x + width / 2
    path = [(right, y + 0.17), (right + 0.55, y + 0.17), (right + 0.55, y - 0.17)]
    ax.plot(*zip(*path), color="black", linewidth=1.2)
    arrow(ax, (right + 0.56, y - 0.17), (right, y - 0.17), shrink=0)
    _label(ax, right + 0.85, y, text)


def unrolled_rnn(steps=4, weights=("U", "W", "O"), ax=None):
    """The Elman RNN folded (a loop on its state) and unrolled over ``steps`` time steps.

    Unrolled, the network is a feed-forward graph of depth ``steps`` in which every step applies the
    same three matrices: ``U`` from the input ``x_t`` to the state, ``W`` from ``h_{t-1}`` to ``h_t``,
    and ``O`` from ``h_t`` to the output ``y_t``. The weight labels are drawn in one colour to show
    that they are the same tensors at every step.

    Args:
        steps: number of unrolled time steps drawn (2 to 6).
        weights: labels of the input-to-state, state-to-state and state-to-output matrices.
        ax: matplotlib Axes to draw on (default: a new figure).

    Returns:
        matplotlib Axes
    """
    if not 2 <= steps <= 6:
        raise ValueError(f"steps must be between 2 and 6, not {steps}")
    u, w, o = weights
    gap = 2.1                                   # horizontal distance between unrolled steps
    x_fold, x0 = 1.0, 5.4                       # folded network; first unrolled step
    width = x0 + gap * (steps - 1) + 1.3
    ax = canvas(width, 5.4, ax=ax, figsize=(0.62 * width, 0.62 * 5.4))
    y_in, y_h, y_out = 0.7, 2.5, 4.3
    bw, bh = 1.0, 0.6

    # folded: x -> h (with a loop) -> y
    box(ax, x_fold, y_in, r"$\mathbf{x}_t$", bw, bh, role="input")
    box(ax, x_fold, y_h, r"$\mathbf{h}_t$", bw, bh, role="state")
    box(ax, x_fold, y_out, r"$\mathbf{y}_t$", bw, bh, role="output")
    arrow(ax, (x_fold, y_in + bh / 2), (x_fold, y_h - bh / 2), shrink=1)
    arrow(ax, (x_fold, y_h + bh / 2), (x_fold, y_out - bh / 2), shrink=1)
    _label(ax, x_fold + 0.28, (y_in + y_h) / 2, f"${u}$")
    _label(ax, x_fold + 0.28, (y_h + y_out) / 2, f"${o}$")
    _self_loop(ax, x_fold, y_h, bw, f"${w}$")
    ax.text(x_fold, -0.05, "folded", ha="center", va="center", fontsize=10, style="italic")
    ax.text(x0 - 2.35, y_h, "=", ha="center", va="center", fontsize=22)

    # unrolled: h_0 -> h_1 -> ... -> h_T, an input below and an output above every state
    x_h0 = x0 - 1.35
    box(ax, x_h0, y_h, r"$\mathbf{h}_0$", 0.8, bh, role="state")
    prev = (x_h0 + 0.4, y_h)
    for s in range(steps):
        x = x0 + gap * s
        t = str(s + 1) if s < steps - 1 else "T"
        box(ax, x, y_in, rf"$\mathbf{{x}}_{{{t}}}$", bw, bh, role="input")
        box(ax, x, y_h, rf"$\mathbf{{h}}_{{{t}}}$", bw, bh, role="state")
        box(ax, x, y_out, rf"$\mathbf{{y}}_{{{t}}}$", bw, bh, role="output")
        arrow(ax, (x, y_in + bh / 2), (x, y_h - bh / 2), shrink=1)
        arrow(ax, (x, y_h + bh / 2), (x, y_out - bh / 2), shrink=1)
        _label(ax, x + 0.28, (y_in + y_h) / 2, f"${u}$")
        _label(ax, x + 0.28, (y_h + y_out) / 2, f"${o}$")
        arrow(ax, prev, (x - bw / 2, y_h), shrink=1)
        _label(ax, (prev[0] + x - bw / 2) / 2, y_h + 0.3, f"${w}$")
        if s == steps - 2 and steps > 2:
            ax.text((prev[0] + x - bw / 2) / 2, y_h - 0.32, r"$\cdots$", ha="center", va="center", fontsize=12)
        prev = (x + bw / 2, y_h)
    ax.text((x_h0 + width) / 2, -0.05, f"unrolled: the same ${u}$, ${w}$, ${o}$ (and biases) at every step",
            ha="center", va="center", fontsize=10, style="italic")
    ax.set_title("An RNN, folded and unrolled in time", fontsize=11)
    return ax


def rnn_lm(tokens=("<s>", "e", "m", "m", "a"), ax=None):
    """The RNN language model unrolled over a training sequence, with its next-token targets.

    From the bottom: the input token ``w_t``, its embedding ``e_t = E[w_t]``, the state
    ``h_t = tanh(e_t U^T + h_{t-1} W^T + b)``, the distribution ``y_hat_t = softmax(h_t O^T + c)``
    over the vocabulary, and the loss ``J_t = -log y_hat_t[w_{t+1}]`` against the next token (teacher
    forcing: the target of step t is the input of step t+1; the last target is ``</s>``).

    Args:
        tokens: the input tokens, starting with ``<s>`` (2 to 6 of them).
        ax: matplotlib Axes to draw on (default: a new figure).

    Returns:
        matplotlib Axes
    """
    if not 2 <= len(tokens) <= 6:
        raise ValueError(f"draw 2 to 6 tokens, not {len(tokens)}")
    targets = list(tokens[1:]) + ["</s>"]
    gap, x0 = 2.5, 4.4
    width = x0 + gap * (len(tokens) - 1) + 1.3
    height = 8.2
    ax = canvas(width, height, ax=ax, figsize=(0.6 * width, 0.6 * height))
    y_tok, y_emb, y_h, y_soft, y_loss = 0.5, 1.9, 3.4, 4.9, 6.4
    bw, bh = 1.6, 0.62

    rows = [(y_tok, "input token $w_t$"), (y_emb, "embedding"), (y_h, "hidden state"),
            (y_soft, "softmax over $|V|$"), (y_loss, "loss on the target")]
    for y, text in rows:
        ax.text(0.05, y, text, ha="left", va="center", fontsize=9, style="italic")
    x_h0 = x0 - 1.75
    box(ax, x_h0, y_h, r"$\mathbf{h}_0$", 0.6, bh, role="state", fontsize=9)
    for s, (tok, target) in enumerate(zip(tokens, targets)):
        x = x0 + gap * s
        t = s + 1
        box(ax, x, y_tok, tok, bw, bh, role="plain", fontsize=10)
        box(ax, x, y_emb, rf"$\mathbf{{e}}_{t} = E[w_{t}]$", bw, bh, role="input", fontsize=10)
        box(ax, x, y_h, rf"$\mathbf{{h}}_{t}$", bw, bh, role="state")
        box(ax, x, y_soft, rf"$\hat{{\mathbf{{y}}}}_{t}$", bw, bh, role="output")
        box(ax, x, y_loss, rf"$J_{t} = -\log\,\hat{{\mathbf{{y}}}}_{t}[{_tex(target)}]$", 2.1, bh,
            role="plain", fontsize=9)
        arrow(ax, (x, y_tok + bh / 2), (x, y_emb - bh / 2), shrink=1)
        arrow(ax, (x, y_emb + bh / 2), (x, y_h - bh / 2), shrink=1)
        arrow(ax, (x, y_h + bh / 2), (x, y_soft - bh / 2), shrink=1)
        arrow(ax, (x, y_soft + bh / 2), (x, y_loss - bh / 2), shrink=1, colour=_LOSS)
        _label(ax, x + 0.3, (y_emb + y_h) / 2, "$U$")
        _label(ax, x + 0.3, (y_h + y_soft) / 2, "$O$")
        ax.text(x, y_loss + 0.6, f"target: {target}", ha="center", va="center", fontsize=9, color=_LOSS)
        start = (x_h0 + 0.3, y_h) if s == 0 else (x - gap + bw / 2, y_h)
        arrow(ax, start, (x - bw / 2, y_h), shrink=1)
        _label(ax, (start[0] + x - bw / 2) / 2, y_h + 0.3, "$W$")
    x_last = x0 + gap * (len(tokens) - 1)
    ax.text((x0 + x_last) / 2, y_loss + 1.35,
            r"$J$ = the mean of the $J_t$: every next token is a training target",
            ha="center", va="center", fontsize=10, color=_LOSS)
    ax.set_title("The RNN language model, trained with teacher forcing", fontsize=11)
    return ax


def fixed_window_lm(window=3, tokens=("e", "m", "m"), target="a", ax=None):
    """The fixed-window neural LM (Bengio et al., 2003): the last ``window`` tokens, embedded with
    one shared table ``E``, concatenated, through one tanh hidden layer and a softmax.

    The hidden layer's matrix has one block of columns per window position, so the parameters grow
    with the window, and a block learns about its own position only (nothing is shared across
    positions except the embedding table).

    Args:
        window: number of context tokens drawn (1 to 5).
        tokens: the context tokens, oldest first (``window`` of them).
        target: the next token, which the softmax is trained to predict.
        ax: matplotlib Axes to draw on (default: a new figure).

    Returns:
        matplotlib Axes
    """
    if not 1 <= window <= 5 or len(tokens) != window:
        raise ValueError("window must be 1 to 5, with one token per position")
    gap = 1.8
    width = max(8.0, gap * window + 3.6)
    height = 7.6
    ax = canvas(width, height, ax=ax, figsize=(0.6 * width, 0.6 * height))
    xs = [width / 2 + gap * (i - (window - 1) / 2) for i in range(window)]
    y_tok, y_emb, y_cat, y_hid, y_soft, y_tgt = 0.5, 1.9, 3.3, 4.6, 5.9, 7.05
    bw, bh = 1.4, 0.6
    for i, (x, tok) in enumerate(zip(xs, tokens)):
        k = window - i
        pos = "w_{t}" if k == 1 else f"w_{{t-{k - 1}}}"
        box(ax, x, y_tok, tok, bw, bh, role="plain")
        ax.text(x, y_tok - 0.48, f"${pos}$", ha="center", va="center", fontsize=9)
        box(ax, x, y_emb, f"$E[{pos}]$", bw, bh, role="input", fontsize=9)
        arrow(ax, (x, y_tok + bh / 2), (x, y_emb - bh / 2), shrink=1)
    cat_w = gap * (window - 1) + bw
    box(ax, width / 2, y_cat, r"concatenate: $\mathbf{x} \in \mathbb{R}^{%d D}$" % window if window > 1 else
        r"$\mathbf{x} \in \mathbb{R}^{D}$", cat_w, bh, role="input", fontsize=9, rounded=False)
    for x in xs:
        arrow(ax, (x, y_emb - bh / 2 + bh), (x, y_cat - bh / 2), shrink=1)
    box(ax, width / 2, y_hid, r"$\mathbf{h} = \tanh(\mathbf{x} W_h^\top + \mathbf{b}_h)$", 3.6, bh, role="state",
        fontsize=9)
    box(ax, width / 2, y_soft, r"$\hat{\mathbf{y}} = \mathrm{softmax}(\mathbf{h} O^\top + \mathbf{c})$", 3.6, bh,
        role="output", fontsize=9)
    arrow(ax, (width / 2, y_cat + bh / 2), (width / 2, y_hid - bh / 2), shrink=1)
    arrow(ax, (width / 2, y_hid + bh / 2), (width / 2, y_soft - bh / 2), shrink=1)
    _label(ax, width / 2 + 0.75, (y_cat + y_hid) / 2, r"$W_h$: $H \times %sD$" % (window if window > 1 else ""),
           fontsize=8)
    ax.text(width / 2, y_tgt, f"target: next token $w_{{t+1}}$ = {target}", ha="center", va="center",
            fontsize=9, color=_LOSS)
    arrow(ax, (width / 2, y_soft + bh / 2), (width / 2, y_tgt - 0.22), shrink=1, colour=_LOSS)
    ax.set_title(f"Fixed-window neural LM, window of {window}\n"
                 f"one table $E$ for every position; $W_h$ has one block of columns per position", fontsize=10)
    return ax


def _tex(token):
    """A token as it may stand in a math-mode subscript."""
    return {"<s>": r"\langle s\rangle", "</s>": r"\langle /s\rangle"}.get(token, r"\mathrm{%s}" % token)
