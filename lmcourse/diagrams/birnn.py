"""Diagrams of Lecture 5: the four shapes of RNN task, the bidirectional RNN and its stacked form.

Each function draws one diagram with the shared primitives of :mod:`lmcourse.diagrams` and returns
the Axes. In the two bidirectional diagrams the forward direction is blue and the backward
direction orange, in every box and every arrow, and a concatenated state
``[forward; backward]`` is drawn as a box split into a blue and an orange half (the forward half
first, as in PyTorch).
"""
from lmcourse.diagrams import arrow, box, canvas

FORWARD = "#4C72B0"    # forward direction: states and the arrows of its recurrence
BACKWARD = "#DD8452"   # backward direction
_GREY = "0.3"          # arrows that carry a value up the network


def _state(ax, x, y, colour, width=0.6, height=0.4):
    """A square-cornered box of one direction's colour centred at ``(x, y)``; returns its centre.

    :func:`lmcourse.diagrams.box` takes its face colour from the roles of ``COLOURS``, which have no
    colour per direction, so the two directions get this box instead."""
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x - width / 2, y - height / 2), width, height, facecolor=colour, alpha=0.85,
                           edgecolor="none"))
    return x, y


def _concat(ax, x, y, width=0.6, height=0.4):
    """The concatenated state ``[forward; backward]``: a box split into a blue and an orange half."""
    _state(ax, x - width / 4, y, FORWARD, width / 2, height)
    _state(ax, x + width / 4, y, BACKWARD, width / 2, height)
    return x, y


def _up(ax, start, end, curve=0.0):
    """A grey arrow carrying a value up the network."""
    arrow(ax, start, end, colour=_GREY, curve=curve, shrink=0.5)


def _chains(ax, xs, y_fw, y_bw, width=0.6):
    """The two recurrences: blue arrows left to right at height ``y_fw``, orange right to left at ``y_bw``."""
    for left, right in zip(xs[:-1], xs[1:]):
        arrow(ax, (left + width / 2, y_fw), (right - width / 2, y_fw), colour=FORWARD, shrink=0.5)
        arrow(ax, (right - width / 2, y_bw), (left + width / 2, y_bw), colour=BACKWARD, shrink=0.5)


def _layer(ax, xs, y_in, y_fw, y_bw, y_cat, in_height=0.0, width=0.6, height=0.4):
    """One bidirectional layer over the columns ``xs``: both directions read what sits at ``y_in``
    (whose box has half-height ``in_height``), and their concatenation is drawn at ``y_cat``."""
    half = height / 2
    for x in xs:
        _state(ax, x, y_fw, FORWARD, width, height)
        _state(ax, x, y_bw, BACKWARD, width, height)
        _concat(ax, x, y_cat, width, height)
        _up(ax, (x, y_in + in_height), (x, y_fw - half))                          # input -> forward
        _up(ax, (x + 0.15, y_in + in_height), (x + 0.2, y_bw - half), curve=0.28)    # input -> backward
        _up(ax, (x - 0.15, y_fw + half), (x - 0.2, y_cat - half), curve=-0.28)   # forward -> concat
        _up(ax, (x + 0.15, y_bw + half), (x + 0.15, y_cat - half))               # backward -> concat
    _chains(ax, xs, y_fw, y_bw, width)


def birnn(words=("the", "movie", "was", "not", "bad", "at", "all"), ax=None):
    """A one-layer bidirectional RNN over a sentence.

    Each word ``x_t`` feeds two recurrences with separate weights: the forward states (blue),
    computed left to right, and the backward states (orange), computed right to left. At every step
    the two are concatenated into ``h_t = [forward_t; backward_t]``, the state the rest of the network
    reads.

    Args:
        words: the input tokens, one column each (2 to 9 of them).
        ax: matplotlib Axes to draw on (default: a new figure of 10 x 3.6 inches).

    Returns:
        matplotlib Axes
    """
    n = len(words)
    if not 2 <= n <= 9:
        raise ValueError(f"draw 2 to 9 words, not {n}")
    left = 2.6                                   # room for the row labels
    ax = canvas(left + n - 0.1, 4.0, ax=ax, figsize=(10, 4.3))
    xs = [left + t for t in range(n)]
    y_x, y_fw, y_bw, y_cat = 0.4, 1.45, 2.45, 3.55
    for x, w in zip(xs, words):
        ax.text(x, y_x, w, ha="center", va="center", fontsize=11, style="italic")
    _layer(ax, xs, y_x, y_fw, y_bw, y_cat, in_height=0.2)
    labels = [(y_x, r"input $x_t$", "black"), (y_fw, r"forward $\overrightarrow{h}_t$", FORWARD),
              (y_bw, r"backward $\overleftarrow{h}_t$", BACKWARD),
              (y_cat, r"$h_t = [\overrightarrow{h}_t; \overleftarrow{h}_t]$", "black")]
    for y, text, colour in labels:
        ax.text(left - 0.55, y, text, ha="right", va="center", color=colour, fontsize=10)
    ax.set_title("A bidirectional RNN: two independent recurrences, their states concatenated at each step")
    return ax


def stacked_birnn(words=("not", "bad", "at", "all"), outputs=("y_1", "y_2", "y_3", "y_4"), ax=None):
    """A stacked (two-layer) bidirectional RNN with an output at every step.

    Layer 1 is the network of :func:`birnn`. Layer 2 is another bidirectional layer, with weights of
    its own, whose input at step ``t`` is layer 1's concatenated state ``h^(1)_t`` (width 2H), so even
    its forward direction has seen the whole sentence. An output layer reads the top concatenated
    state ``h^(2)_t`` at every step (a tag per token); for one label per sentence it would pool them.

    Args:
        words: the input tokens, one column each (2 to 6 of them).
        outputs: one label per word for the output boxes (math text without the dollar signs).
        ax: matplotlib Axes to draw on (default: a new figure).

    Returns:
        matplotlib Axes
    """
    n = len(words)
    if not 2 <= n <= 6 or len(outputs) != n:
        raise ValueError("draw 2 to 6 words and exactly one output per word")
    left, gap = 4.2, 1.5                         # room for the row labels; distance between steps
    width, height = left + gap * (n - 1) + 0.9, 7.7
    ax = canvas(width, height, ax=ax, figsize=(0.95 * width, 0.95 * height))
    xs = [left + gap * t for t in range(n)]
    rows = {"x": 0.4, "fw1": 1.45, "bw1": 2.45, "cat1": 3.45, "fw2": 4.45, "bw2": 5.45, "cat2": 6.45, "y": 7.35}
    for x, w, o in zip(xs, words, outputs):
        ax.text(x, rows["x"], w, ha="center", va="center", fontsize=11, style="italic")
        box(ax, x, rows["y"], f"${o}$", width=0.7, height=0.4, role="output")
        _up(ax, (x, rows["cat2"] + 0.2), (x, rows["y"] - 0.2))
    _layer(ax, xs, rows["x"], rows["fw1"], rows["bw1"], rows["cat1"], in_height=0.2)
    _layer(ax, xs, rows["cat1"], rows["fw2"], rows["bw2"], rows["cat2"], in_height=0.2)
    labels = [("x", r"input $x_t$", "black"),
              ("fw1", r"layer 1, forward $\overrightarrow{h}_t$", FORWARD),
              ("bw1", r"layer 1, backward $\overleftarrow{h}_t$", BACKWARD),
              ("cat1", r"layer 1 output $h^{(1)}_t = [\overrightarrow{h}_t; \overleftarrow{h}_t]$", "black"),
              ("fw2", r"layer 2, forward $\overrightarrow{h}_t$", FORWARD),
              ("bw2", r"layer 2, backward $\overleftarrow{h}_t$", BACKWARD),
              ("cat2", r"layer 2 output $h^{(2)}_t = [\overrightarrow{h}_t; \overleftarrow{h}_t]$", "black"),
              ("y", r"output at step $t$", "black")]
    for row, text, colour in labels:
        ax.text(left - 0.6, rows[row], text, ha="right", va="center", color=colour, fontsize=10)
    ax.set_title("A stacked bidirectional RNN: layer 2 reads both directions of layer 1")
    return ax


def _row(ax, xs, y, texts, role, width=1.0, height=0.5, fontsize=9):
    for x, text in zip(xs, texts):
        box(ax, x, y, text, width=width, height=height, role=role, fontsize=fontsize)


def _recurrence(ax, xs, y, width=1.0):
    for left, right in zip(xs[:-1], xs[1:]):
        arrow(ax, (left + width / 2, y), (right - width / 2, y), shrink=0.5)


def _ups(ax, xs, y_from, y_to, height=0.5):
    for x in xs:
        arrow(ax, (x, y_from + height / 2), (x, y_to - height / 2), shrink=0.5)


def rnn_uses(ax=None):
    """The four shapes of task an RNN is used for, one panel each.

    1. Sequence labelling: one output per input token, read from the state at that token (part-of-speech
       tags, named entities).
    2. Sequence classification: one output per sequence, from the states pooled into one vector (the
       last state, or the mean or maximum over all states): sentiment, genre, topic.
    3. An encoder for another model: no output of its own; every state is handed to a larger network
       (question answering, the encoder of a translator).
    4. Conditional generation: an encoder reads the input and a second RNN, started from its summary,
       generates the output one token at a time, each token fed back as the next input (machine
       translation, speech recognition, summarisation).

    Boxes: inputs blue, hidden states orange, other networks green, outputs pink.

    Args:
        ax: matplotlib Axes to draw on (default: a new figure of about 12 x 7 inches).

    Returns:
        matplotlib Axes
    """
    width, height = 17.0, 10.0
    ax = canvas(width, height, ax=ax, figsize=(12.0, 7.1))
    y_in, y_h, y_out = 0.7, 1.95, 3.2            # rows of a panel, above its lower edge
    gap = 1.45

    def title(ox, oy, text, examples):
        ax.text(ox + 0.15, oy + 4.5, text, ha="left", va="center", fontsize=11, weight="bold")
        ax.text(ox + 0.15, oy + 4.05, examples, ha="left", va="center", fontsize=9.5)

    # 1. sequence labelling (top left)
    ox, oy = 0.2, 5.1
    xs = [ox + 1.0 + gap * i for i in range(4)]
    _row(ax, xs, oy + y_in, ["Jane", "visited", "Paris", "today"], "input")
    _row(ax, xs, oy + y_h, [f"$h_{i + 1}$" for i in range(4)], "state")
    _row(ax, xs, oy + y_out, ["PER", "O", "LOC", "O"], "output")
    _recurrence(ax, xs, oy + y_h)
    _ups(ax, xs, oy + y_in, oy + y_h)
    _ups(ax, xs, oy + y_h, oy + y_out)
    title(ox, oy, "1. Sequence labelling: a label for every token",
          "e.g. part of speech; named entities (PER: person, LOC: place, O: none)")

    # 2. sequence classification (top right)
    ox, oy = 8.7, 5.1
    xs = [ox + 1.0 + gap * i for i in range(4)]
    _row(ax, xs, oy + y_in, ["not", "bad", "at", "all"], "input")
    _row(ax, xs, oy + y_h, [f"$h_{i + 1}$" for i in range(4)], "state")
    _recurrence(ax, xs, oy + y_h)
    _ups(ax, xs, oy + y_in, oy + y_h)
    pool_x = (xs[0] + xs[-1]) / 2
    box(ax, pool_x, oy + y_out, "pool: last state, mean or max", width=4.9, height=0.5, role="layer", fontsize=9)
    for x in xs:
        arrow(ax, (x, oy + y_h + 0.25), (x, oy + y_out - 0.25), shrink=0.5)
    box(ax, ox + 7.35, oy + y_out, "positive", width=1.3, height=0.5, role="output", fontsize=9)
    arrow(ax, (pool_x + 2.45, oy + y_out), (ox + 6.7, oy + y_out), shrink=0.5)
    title(ox, oy, "2. Sequence classification: one label for the sequence", "e.g. sentiment, genre, topic")

    # 3. an encoder for another model (bottom left)
    ox, oy = 0.2, 0.0
    xs = [ox + 1.0 + gap * i for i in range(4)]
    _row(ax, xs, oy + y_in, ["who", "wrote", "Hamlet", "?"], "input")
    _row(ax, xs, oy + y_h, [f"$h_{i + 1}$" for i in range(4)], "state")
    _recurrence(ax, xs, oy + y_h)
    _ups(ax, xs, oy + y_in, oy + y_h)
    other_x = (xs[0] + xs[-1]) / 2
    box(ax, other_x, oy + y_out, "another network reads every state", width=4.9, height=0.5, role="layer",
        fontsize=9)
    for x in xs:
        arrow(ax, (x, oy + y_h + 0.25), (x, oy + y_out - 0.25), shrink=0.5)
    title(ox, oy, "3. An encoder for another model: states, no output of its own",
          "e.g. question answering (a reader finds the answer); a translator's encoder")

    # 4. conditional generation (bottom right)
    ox, oy = 8.7, 0.0
    enc = [ox + 0.8, ox + 2.1]
    dec = [ox + 3.75, ox + 5.05, ox + 6.35, ox + 7.65]
    w = 0.95
    _row(ax, enc, oy + y_in, ["il", "pleut"], "input", width=w)
    _row(ax, enc, oy + y_h, ["$h_1$", "$h_2$"], "state", width=w)
    _recurrence(ax, enc, oy + y_h, width=w)
    _ups(ax, enc, oy + y_in, oy + y_h)
    _row(ax, dec, oy + y_in, ["<s>", "it", "is", "raining"], "input", width=w, fontsize=8.5)
    _row(ax, dec, oy + y_h, [f"$s_{i + 1}$" for i in range(4)], "state", width=w)
    _row(ax, dec, oy + y_out, ["it", "is", "raining", "</s>"], "output", width=w, fontsize=8.5)
    _recurrence(ax, dec, oy + y_h, width=w)
    _ups(ax, dec, oy + y_in, oy + y_h)
    _ups(ax, dec, oy + y_h, oy + y_out)
    arrow(ax, (enc[-1] + w / 2, oy + y_h), (dec[0] - w / 2, oy + y_h), shrink=0.5)
    ax.text((enc[-1] + dec[0]) / 2, oy + y_h + 0.4, "summary", ha="center", va="center", fontsize=8.5)
    for left, right in zip(dec[:-1], dec[1:]):   # each generated token is the next input
        arrow(ax, (left + w / 2, oy + y_out - 0.1), (right - w / 2, oy + y_in + 0.1), colour="0.45",
              linestyle="--", shrink=0.5)
    ax.text((enc[0] + enc[-1]) / 2, oy + 0.12, "encoder", ha="center", va="center", fontsize=9, style="italic")
    ax.text((dec[0] + dec[-1]) / 2, oy + 0.12, "decoder (dashed: each output is the next input)", ha="center",
            va="center", fontsize=9, style="italic")
    title(ox, oy, "4. Conditional generation: a new sequence from an input",
          "e.g. machine translation, speech recognition, summarisation")
    return ax
