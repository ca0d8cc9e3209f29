"""Diagrams of lecture 6: the encoder-decoder with attention.

Built on the primitives of :mod:`lmcourse.diagrams` (boxes for vectors and layers, circles for
pointwise operations, arrows for the flow of values), so they look like the other lectures' diagrams.
"""
from lmcourse.diagrams import arrow, box, canvas, circle


def encoder_decoder_attention(*, source=("seventy", "-", "one", "</s>"), previous="soixante", target="et",
                              ax=None, fontsize=10):
    """
    Draw one decoder step of an encoder-decoder with dot-product attention.

    The encoder (left) reads the source once: embeddings, a bidirectional GRU, one state
    h^e_j = [forward h_j; backward h_j] per source position. The decoder step t (right) uses its
    previous state h^d_{t-1} as the query: a dot product with every encoder state gives the scores
    e_tj, a softmax over the source positions the weights alpha_tj, and the weighted sum of the
    encoder states the context c_t. The GRU cell reads [E y_{t-1}; c_t] and h^d_{t-1}; the output
    layer reads [h^d_t; c_t] and gives p(y_t | y_<t, x). The layers are those of the lecture's model
    and of the exercise's Seq2Seq.

    Inputs (keyword-only):
    - source: sequence of the n source tokens to write under the encoder (2 to 6 fit well).
    - previous: the token y_{t-1} the decoder reads at this step.
    - target: the token y_t it should predict.
    - ax: matplotlib Axes to draw on; None makes a new figure.
    - fontsize: size of the labels in points.

    Returns:
    - ax: the matplotlib Axes drawn on.
    """
    n = len(source)
    gap = 2.1                                   # distance between source positions
    xs = [1.4 + gap * j for j in range(n)]      # centres of the source positions
    enc_right = xs[-1] + 1.2                    # right edge of the encoder's boxes
    xq = enc_right + 2.3                        # the query h^d_{t-1}, the GRU's left input
    xe = xq + 4.0                               # the previous token and its embedding
    width, height = xe + 1.6, 14.6
    ax = canvas(width, height, ax=ax, figsize=(0.62 * width, 0.62 * height))
    small = fontsize - 1

    # Section titles.
    ax.text((xs[0] + xs[-1]) / 2, height - 0.3, "encoder (reads the source once)  +  attention (at every step t)",
            ha="center", va="top", fontsize=fontsize + 1, weight="bold")
    ax.text((xq + xe) / 2, height - 0.3, "decoder, step t", ha="center", va="top", fontsize=fontsize + 1,
            weight="bold")

    # Encoder: tokens, one bidirectional GRU over them, the states h^e_j = [fw; bw].
    y_tok, y_gru, y_key = 0.5, 2.0, 3.5
    box(ax, (xs[0] + xs[-1]) / 2, y_gru, "", width=enc_right - xs[0] + 1.2, height=1.0, role="layer")
    ax.text(xs[0] - 0.85, y_gru, "bidirectional\nGRU", ha="left", va="center", fontsize=small)
    arrow(ax, (xs[0] + 0.6, y_gru + 0.25), (xs[-1] + 0.9, y_gru + 0.25), shrink=0)
    arrow(ax, (xs[-1] + 0.9, y_gru - 0.25), (xs[0] + 0.6, y_gru - 0.25), shrink=0)
    for j, (x, token) in enumerate(zip(xs, source), start=1):
        box(ax, x, y_tok, token, width=1.7, height=0.6, role="input", fontsize=fontsize)
        arrow(ax, (x, y_tok + 0.3), (x, y_gru - 0.5), shrink=1)
        arrow(ax, (x, y_gru + 0.5), (x, y_key - 0.3), shrink=1)
        box(ax, x - 0.4, y_key, rf"$\overrightarrow{{h}}_{j}$", width=0.8, height=0.6, role="state",
            fontsize=fontsize, rounded=False)
        box(ax, x + 0.4, y_key, rf"$\overleftarrow{{h}}_{j}$", width=0.8, height=0.6, role="state",
            fontsize=fontsize, rounded=False)
    ax.text(xs[0] - 0.9, y_key + 0.55, r"encoder states (keys) $\mathbf{h}^e_j$", ha="left", va="bottom",
            fontsize=small)

    # Attention: query bus, dot products, softmax, weights, weighted sum.
    y_dot, y_soft, y_w, y_sum = 5.3, 6.8, 8.2, 9.8
    for j, x in enumerate(xs, start=1):
        arrow(ax, (x, y_key + 0.3), (x, y_dot - 0.22), shrink=1)
        circle(ax, x, y_dot, r"$\bullet$", radius=0.22, fontsize=fontsize - 4)
        ax.text(x + 0.3, y_dot + 0.3, rf"$e_{{t{j}}}$", ha="left", va="bottom", fontsize=small)
        arrow(ax, (x, y_dot + 0.22), (x, y_soft - 0.35), shrink=1)
        arrow(ax, (x, y_soft + 0.35), (x, y_w - 0.3), shrink=1)
        box(ax, x, y_w, rf"$\alpha_{{t{j}}}$", width=1.0, height=0.6, role="output", fontsize=fontsize)
    for left, right in zip(xs[:-1], xs[1:]):            # the query reaches every dot product
        arrow(ax, (right - 0.22, y_dot), (left + 0.22, y_dot), shrink=0, colour="#b04a1e")
    box(ax, (xs[0] + xs[-1]) / 2, y_soft, "softmax over the source positions j", width=enc_right - xs[0] + 1.2,
        height=0.7, role="layer", fontsize=fontsize)
    x_sum = (xs[0] + xs[-1]) / 2
    circle(ax, x_sum, y_sum, r"$\Sigma$", radius=0.3, fontsize=fontsize + 1)
    for x in xs:
        arrow(ax, (x, y_w + 0.3), (x_sum, y_sum - 0.3), shrink=1)
    ax.text(x_sum - 0.4, y_sum + 0.25, r"$\mathbf{c}_t = \sum_j \alpha_{tj}\,\mathbf{h}^e_j$", ha="right",
            va="bottom", fontsize=fontsize)

    # Decoder step: query, previous token, GRU cell, output layer.
    y_q = y_dot
    box(ax, xq, y_q, r"$\mathbf{h}^d_{t-1}$", width=1.4, height=0.7, role="state", fontsize=fontsize + 1)
    arrow(ax, (xq - 0.7, y_q), (xs[-1] + 0.22, y_q), shrink=0, colour="#b04a1e")
    ax.text((xq - 0.7 + xs[-1] + 0.22) / 2, y_q + 0.2, "query", ha="center", va="bottom", fontsize=small,
            color="#b04a1e")
    ax.text(xq, y_q - 0.5, "previous state\n" r"($\mathbf{h}^d_0 = \tanh(W_0 \mathbf{s} + \mathbf{b}_0)$," "\n"
            r"$\mathbf{s}$: the encoder's final states)", ha="center", va="top", fontsize=small - 1)
    box(ax, xe, y_tok, f"{previous}", width=1.9, height=0.6, role="input", fontsize=fontsize)
    ax.text(xe, y_tok - 0.42, r"$y_{t-1}$", ha="center", va="top", fontsize=small)
    box(ax, xe, y_gru, r"embedding $E$", width=1.9, height=0.6, role="layer", fontsize=small)
    arrow(ax, (xe, y_tok + 0.3), (xe, y_gru - 0.3), shrink=1)

    y_cell, y_out, y_p = y_sum + 0.1, 11.6, 13.0
    x_cell = (xq + xe) / 2
    box(ax, x_cell, y_cell, r"GRU cell: $\mathbf{h}^d_t = \mathrm{GRU}([E y_{t-1}; \mathbf{c}_t],\ \mathbf{h}^d_{t-1})$",
        width=xe - xq + 2.0, height=0.8, role="layer", fontsize=small)
    cell_left, cell_bottom = x_cell - (xe - xq + 2.0) / 2, y_cell - 0.4
    arrow(ax, (xq, y_q + 0.35), (xq, cell_bottom), shrink=1)                      # h^d_{t-1} -> cell
    arrow(ax, (xe, y_gru + 0.3), (xe, cell_bottom), shrink=1)                     # E y_{t-1} -> cell
    ax.text(xe + 0.15, (y_gru + cell_bottom) / 2, r"$E y_{t-1}$", ha="left", va="center", fontsize=small)
    arrow(ax, (x_sum + 0.3, y_sum), (cell_left, y_cell), shrink=1)                # c_t -> cell
    ax.text((x_sum + cell_left) / 2 + 1.2, y_sum + 0.12, r"$\mathbf{c}_t$", ha="center", va="bottom",
            fontsize=fontsize)

    box(ax, x_cell, y_out, r"output layer: softmax$(W_o [\mathbf{h}^d_t; \mathbf{c}_t] + \mathbf{b}_o)$",
        width=xe - xq + 2.0, height=0.8, role="layer", fontsize=small)
    arrow(ax, (x_cell, y_cell + 0.4), (x_cell, y_out - 0.4), shrink=1)
    ax.text(x_cell + 0.15, (y_cell + y_out) / 2, r"$\mathbf{h}^d_t$", ha="left", va="center", fontsize=small)
    arrow(ax, (x_sum, y_sum + 0.3), (cell_left, y_out), shrink=1, curve=-0.25)     # c_t -> output layer
    box(ax, x_cell, y_p, rf"$p(y_t \mid y_{{<t}}, x)$: '{target}'", width=3.4, height=0.7, role="output",
        fontsize=fontsize)
    arrow(ax, (x_cell, y_out + 0.4), (x_cell, y_p - 0.35), shrink=1)
    arrow(ax, (x_cell + (xe - xq + 2.0) / 2, y_cell), (width - 0.05, y_cell), shrink=1, linestyle="--")
    ax.text(width - 0.1, y_cell + 0.5, r"$\mathbf{h}^d_t$: query of step $t + 1$", ha="right", va="bottom",
            fontsize=small - 1)

    # Legend of the colours.
    for k, (role, label) in enumerate([("input", "tokens"), ("state", "states"), ("layer", "layers"),
                                       ("output", "weights, outputs")]):
        box(ax, xq - 0.3 + 2.1 * (k % 2), 1.3 - 0.75 * (k // 2), label, width=1.9, height=0.5, role=role,
            fontsize=small - 1)
    return ax
