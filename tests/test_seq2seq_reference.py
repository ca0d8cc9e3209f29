"""The reference solution of the `seq2seq` assignment (solutions/seq2seq/seq2seq.ipynb) against
independent references, and the translation task of ``lmcourse.translation``.

``dot_attention`` is compared with small examples worked out by hand and with
``torch.nn.functional.scaled_dot_product_attention`` (scale 1, keys as values, a boolean
``attn_mask``); ``teacher_forcing_batch`` with a hand-written shift; ``greedy_decode`` with
hand-built models whose greedy outputs are known in advance (a Markov chain over tokens, a
counting model that would go on after ``</s>``, a ``Seq2Seq`` whose output layer is set by hand).
``Seq2Seq`` is checked for what the assignment relies on: padding never changes a sentence's
encoding, logits or attention, its encoder states are torch.nn.GRU's equations written out,
teacher forcing equals stepping the decoder by hand, and the loss equals the mean negative
log-likelihood over the real target tokens. ``beam_search`` is compared with exhaustive search
over every hypothesis of a small random model (a beam as wide as the whole tree is exact), with
greedy decoding at beam 1 and with the notebook's hand-built tables; ``corpus_bleu`` with nltk's
``corpus_bleu`` (no smoothing), with sacrebleu when it is installed, and with hand-computed
corpora.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("num2words")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from solution_code import load_solution, solution_path  # noqa: E402

from lmcourse import translation as tr  # noqa: E402

F = torch.nn.functional
PAD, BOS, EOS = tr.PAD_ID, tr.BOS_ID, tr.EOS_ID


@pytest.fixture(scope="module")
def ref():
    """The answer cells, plus the notebook's locked helper cells (not run by load_solution)."""
    ns = dict(load_solution("seq2seq"))
    nb = json.loads(solution_path("seq2seq").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") in ("model_helpers", "decode_helpers", "beam_helpers"):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            exec(compile(source, "<seq2seq.ipynb:helpers>", "exec"), ns)
    return ns


def random_padded(seed, N, S, H):
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, S + 1, (N,), generator=g)
    lengths[0] = S
    mask = torch.arange(S)[None, :] < lengths[:, None]
    q = torch.randn(N, H, generator=g, dtype=torch.float64)
    K = torch.randn(N, S, H, generator=g, dtype=torch.float64)
    return q, K, mask


# --- dot_attention -------------------------------------------------------------------------------

def test_dot_attention_on_a_hand_example(ref):
    q = torch.tensor([[0.0, 1.0]], dtype=torch.float64)
    K = torch.tensor([[[3.0, 0.0], [0.0, math.log(3.0)], [1.0, 0.0]]], dtype=torch.float64)
    # scores (0, ln 3, 0): weights (1, 3, 1) / 5
    context, weights = ref["dot_attention"](q, K)
    assert torch.allclose(weights, torch.tensor([[0.2, 0.6, 0.2]], dtype=torch.float64), atol=1e-14)
    assert torch.allclose(context, torch.tensor([[0.8, 0.6 * math.log(3.0)]], dtype=torch.float64), atol=1e-14)
    mask = torch.tensor([[True, True, False]])
    context, weights = ref["dot_attention"](q, K, mask)   # weights (1, 3) / 4 over the first two
    assert torch.allclose(weights, torch.tensor([[0.25, 0.75, 0.0]], dtype=torch.float64), atol=1e-14)
    assert weights[0, 2] == 0
    assert torch.allclose(context, torch.tensor([[0.75, 0.75 * math.log(3.0)]], dtype=torch.float64), atol=1e-14)


@pytest.mark.parametrize("seed,shape", [(0, (4, 5, 3)), (1, (1, 1, 2)), (2, (6, 9, 8)), (3, (3, 2, 1))])
@pytest.mark.parametrize("masked", [False, True])
def test_dot_attention_matches_torch_sdpa(ref, seed, shape, masked):
    q, K, mask = random_padded(seed, *shape)
    context, weights = ref["dot_attention"](q, K, mask if masked else None)
    attn_mask = mask[:, None, :] if masked else None
    want = F.scaled_dot_product_attention(q[:, None, :], K, K, attn_mask=attn_mask, scale=1.0)[:, 0]
    assert torch.allclose(context, want, atol=1e-12)
    scores = torch.einsum("nh,nsh->ns", q, K)
    if masked:
        scores = torch.where(mask, scores, torch.tensor(float("-inf"), dtype=torch.float64))
    assert torch.allclose(weights, F.softmax(scores, dim=-1), atol=1e-12)
    if masked:
        assert torch.all(weights[~mask] == 0)
    assert torch.allclose(weights.sum(dim=1), torch.ones(shape[0], dtype=torch.float64))


def test_dot_attention_ignores_what_padding_holds_and_keeps_gradients(ref):
    q, K, mask = random_padded(7, 5, 6, 4)
    K2 = K.clone()
    K2[~mask] = 1e3
    c1, w1 = ref["dot_attention"](q, K, mask)
    c2, w2 = ref["dot_attention"](q, K2, mask)
    assert torch.allclose(c1, c2, atol=1e-12) and torch.allclose(w1, w2, atol=1e-12)
    for i in range(5):                                    # each row alone, cut to its real positions
        L = int(mask[i].sum())
        ci, wi = ref["dot_attention"](q[i:i + 1], K[i:i + 1, :L])
        assert torch.allclose(ci, c1[i:i + 1], atol=1e-12) and torch.allclose(wi, w1[i:i + 1, :L], atol=1e-12)
    q.requires_grad_(True)
    K.requires_grad_(True)
    ref["dot_attention"](q, K, mask)[0].sum().backward()
    want_q, want_K = torch.autograd.grad(
        F.scaled_dot_product_attention(q[:, None, :], K, K, attn_mask=mask[:, None, :], scale=1.0).sum(), (q, K))
    assert torch.allclose(q.grad, want_q, atol=1e-12) and torch.allclose(K.grad, want_K, atol=1e-12)


# --- teacher forcing -----------------------------------------------------------------------------

def test_teacher_forcing_batch_shifts_right_by_one(ref):
    tgt = torch.tensor([[9, 8, 7, EOS], [6, EOS, PAD, PAD]])
    dec_in, dec_out = ref["teacher_forcing_batch"](tgt, BOS)
    assert dec_in.tolist() == [[BOS, 9, 8, 7], [BOS, 6, EOS, PAD]]
    assert dec_out.tolist() == [[9, 8, 7, EOS], [6, EOS, PAD, PAD]]
    assert tgt.tolist() == [[9, 8, 7, EOS], [6, EOS, PAD, PAD]]
    dec_in, _ = ref["teacher_forcing_batch"](torch.tensor([[EOS]]), 42)
    assert dec_in.tolist() == [[42]]


# --- greedy decoding -----------------------------------------------------------------------------

class MarkovModel:
    """Next token from a fixed table of the token read: <s> -> 5 -> 4 -> 3 -> </s> -> 6 -> 6 ...

    Row i starts further along the chain when its source length is larger (memory = src_lengths).
    """
    NEXT = {BOS: 5, 5: 4, 4: 3, 3: EOS, EOS: 6, 6: 6, PAD: 6}

    def encode(self, src, src_lengths):
        return src_lengths.clone(), torch.zeros(len(src_lengths))

    def decode_step(self, prev, hidden, memory):
        first = hidden == 0
        nxt = torch.tensor([self.NEXT[int(p)] for p in prev])
        skip = torch.tensor([{1: 5, 2: 4, 3: 3}.get(int(m), 5) for m in memory])
        nxt = torch.where(first, skip, nxt)                   # first step: 5, 4 or 3 by source length
        logits = torch.full((len(prev), 8), -2.0, dtype=torch.float64)
        logits[torch.arange(len(prev)), nxt] = 1.0
        logits[:, 7] = 0.5                                    # a distractor, never the argmax
        return logits, hidden + 1, None


def padded(out, width):
    return F.pad(out, (0, width - out.shape[1]), value=PAD).tolist()


def test_greedy_decode_on_a_markov_chain(ref):
    src = torch.tensor([[3, 3, 3], [3, PAD, PAD], [3, 3, PAD]])
    out = ref["greedy_decode"](MarkovModel(), src, torch.tensor([3, 1, 2]), 6, BOS, EOS)
    assert out.dtype == torch.long and out.shape[0] == 3 and out.shape[1] <= 6
    assert padded(out, 6) == [[3, EOS, 0, 0, 0, 0], [5, 4, 3, EOS, 0, 0], [4, 3, EOS, 0, 0, 0]]
    out = ref["greedy_decode"](MarkovModel(), src, torch.tensor([3, 1, 2]), 2, BOS, EOS)
    assert padded(out, 2) == [[3, EOS], [5, 4], [4, 3]]


def test_greedy_decode_with_the_notebooks_counting_model(ref):
    out = ref["greedy_decode"](ref["CountingModel"](), torch.zeros(3, 4, dtype=torch.long),
                               torch.tensor([2, 4, 1]), 10, BOS, EOS)
    assert padded(out, 10) == [[3, 4, EOS] + [0] * 7, [3, 4, 5, 6, EOS] + [0] * 5, [3, EOS] + [0] * 8]


def test_greedy_decode_of_a_seq2seq_with_a_hand_set_output_layer(ref):
    torch.manual_seed(0)
    model = ref["Seq2Seq"](7, 6, emb_size=4, hidden_size=4).double()
    src = torch.tensor([[4, 5, EOS], [6, EOS, PAD]])
    with torch.no_grad():
        model.out.weight.zero_()
        model.out.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 0.0, 3.0, 0.0]))        # always token 4
        assert padded(ref["greedy_decode"](model, src, torch.tensor([3, 2]), 5, BOS, EOS), 5) == [[4] * 5] * 2
        model.out.bias[EOS] = 5.0                                                   # </s> at once
        assert padded(ref["greedy_decode"](model, src, torch.tensor([3, 2]), 5, BOS, EOS), 5) == [[EOS, 0, 0, 0, 0]] * 2
        # token 4 after <s>, then </s> after reading 4: a GRU cell (z = 0, so h' = n) whose unit 0 is
        # tanh(100) = 1 when the embedding of the token read is that of 4, and tanh(0) = 0 otherwise
        for p in model.cell.parameters():
            p.zero_()
        model.cell.bias_ih[4:8] = -50.0                       # z rows of torch's (r, z, n) layout
        model.cell.weight_ih[8, 0] = 100.0                    # n, unit 0, reads embedding dimension 0
        model.tgt_embed.weight.zero_()
        model.tgt_embed.weight[4, 0] = 1.0
        model.out.weight.zero_()
        model.out.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 0.0, 1.0, 0.0]))
        model.out.weight[EOS, 0] = 2.0                        # h[0] = 1 gives </s> a logit of 2 > 1
    out = ref["greedy_decode"](model, src, torch.tensor([3, 2]), 6, BOS, EOS)
    assert padded(out, 6) == [[4, EOS, 0, 0, 0, 0]] * 2


# --- the model cell ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def toy(ref):
    torch.manual_seed(3)
    model = ref["Seq2Seq"](12, 9, emb_size=5, hidden_size=6).double()
    src = torch.tensor([[4, 5, 6, 7, EOS], [8, 9, EOS, PAD, PAD], [10, EOS, PAD, PAD, PAD]])
    lengths = torch.tensor([5, 3, 2])
    tgt = torch.tensor([[3, 4, 5, EOS], [6, EOS, PAD, PAD], [7, 8, 3, EOS]])
    return model, src, lengths, tgt


def test_padding_never_changes_a_sentence(ref, toy):
    model, src, lengths, tgt = toy
    dec_in = torch.cat([torch.full((3, 1), BOS), tgt[:, :-1]], dim=1)
    with torch.no_grad():
        (keys, mask, summary), hidden = model.encode(src, lengths)
        logits, weights = model(src, lengths, dec_in)
        assert mask.tolist() == (torch.arange(5)[None] < lengths[:, None]).tolist()
        assert torch.all(keys[~mask] == 0)
        assert torch.all(weights[~mask[:, None, :].expand_as(weights)] == 0)
        assert torch.allclose(weights.sum(-1), torch.ones(3, 4, dtype=torch.float64))
        for i in range(3):
            L = int(lengths[i])
            (k1, _, s1), h1 = model.encode(src[i:i + 1, :L], lengths[i:i + 1])
            assert torch.allclose(k1, keys[i:i + 1, :L], atol=1e-12)
            assert torch.allclose(s1, summary[i:i + 1], atol=1e-12) and torch.allclose(h1, hidden[i:i + 1], atol=1e-12)
            l1, w1 = model(src[i:i + 1, :L], lengths[i:i + 1], dec_in[i:i + 1])
            assert torch.allclose(l1, logits[i:i + 1], atol=1e-12) and torch.allclose(w1, weights[i:i + 1, :, :L], atol=1e-12)


def test_encoder_states_are_a_bidirectional_gru(ref, toy):
    model, src, lengths, _ = toy
    with torch.no_grad():
        (keys, _, summary), _ = model.encode(src, lengths)
        gru = model.encoder
        H = gru.hidden_size
        for i in range(3):
            L = int(lengths[i])
            x = model.src_embed(src[i, :L])
            fwd, bwd = [], []
            h = torch.zeros(H, dtype=torch.float64)
            for t in range(L):
                h = _gru_step(gru, "", x[t], h)
                fwd.append(h)
            h = torch.zeros(H, dtype=torch.float64)
            for t in reversed(range(L)):
                h = _gru_step(gru, "_reverse", x[t], h)
                bwd.insert(0, h)
            want = torch.cat([torch.stack(fwd), torch.stack(bwd)], dim=1)
            assert torch.allclose(keys[i, :L], want, atol=1e-12)
            assert torch.allclose(summary[i], torch.cat([fwd[-1], bwd[0]]), atol=1e-12)


def _gru_step(gru, suffix, x, h):
    """torch.nn.GRU's equations written out: r, z, n with the reset gate after the product."""
    W_ih, W_hh = getattr(gru, "weight_ih_l0" + suffix), getattr(gru, "weight_hh_l0" + suffix)
    b_ih, b_hh = getattr(gru, "bias_ih_l0" + suffix), getattr(gru, "bias_hh_l0" + suffix)
    gi, gh = W_ih @ x + b_ih, W_hh @ h + b_hh
    H = h.shape[0]
    r = torch.sigmoid(gi[:H] + gh[:H])
    z = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
    n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
    return (1 - z) * n + z * h


def test_teacher_forcing_equals_stepping_the_decoder_by_hand(ref, toy):
    model, src, lengths, tgt = toy
    dec_in, dec_out = ref["teacher_forcing_batch"](tgt, BOS)
    with torch.no_grad():
        logits, _ = model(src, lengths, dec_in)
        (keys, mask, _), hidden = model.encode(src, lengths)
        for t in range(dec_in.shape[1]):
            scores = torch.einsum("nh,nsh->ns", hidden, keys).masked_fill(~mask, float("-inf"))
            context = torch.einsum("ns,nsh->nh", scores.softmax(-1), keys)
            hidden = model.cell(torch.cat([model.tgt_embed(dec_in[:, t]), context], 1), hidden)
            want = hidden @ model.out.weight[:, :6].T + context @ model.out.weight[:, 6:].T + model.out.bias
            assert torch.allclose(logits[:, t], want, atol=1e-12)
        loss = ref["sequence_loss"](logits, dec_out)
        logp = logits.log_softmax(-1)
        terms = [-logp[i, t, dec_out[i, t]] for i in range(3) for t in range(4) if dec_out[i, t] != PAD]
        assert abs(float(loss) - float(sum(terms)) / len(terms)) < 1e-12


def test_without_attention_the_context_is_the_summary(ref):
    torch.manual_seed(4)
    model = ref["Seq2Seq"](12, 9, emb_size=5, hidden_size=6, attention=False).double()
    src = torch.tensor([[4, 5, 6, EOS], [8, EOS, PAD, PAD]])
    lengths = torch.tensor([4, 2])
    with torch.no_grad():
        memory, hidden = model.encode(src, lengths)
        keys, mask, summary = memory
        logits, new_hidden, weights = model.decode_step(torch.tensor([BOS, BOS]), hidden, memory)
        assert weights is None
        want_h = model.cell(torch.cat([model.tgt_embed(torch.tensor([BOS, BOS])), summary], 1), hidden)
        assert torch.allclose(new_hidden, want_h, atol=1e-12)
        # changing the encoder states but not the summary changes nothing
        logits2, _, _ = model.decode_step(torch.tensor([BOS, BOS]), hidden, (keys * 0 + 7.0, mask, summary))
        assert torch.allclose(logits, logits2)


# --- beam search ---------------------------------------------------------------------------------

class RandomMarkov:
    """A random model whose next-token distribution depends on the step and the token read: every
    hypothesis's log-probability can be computed by hand, so beam search can be compared with
    exhaustive search."""

    def __init__(self, seed, V=5, steps=6):
        g = torch.Generator().manual_seed(seed)
        self.table = 1.5 * torch.randn(steps, V, V, generator=g, dtype=torch.float64)   # [t, prev, next]
        self.V = V

    def encode(self, src, src_lengths):
        return None, torch.zeros(src.shape[0], dtype=torch.long)

    def decode_step(self, prev, hidden, memory):
        return self.table[hidden, prev], hidden + 1, None

    def logprob(self, tokens):
        logp, prev = 0.0, BOS
        for t, v in enumerate(tokens):
            logp += float(torch.log_softmax(self.table[t, prev], dim=0)[v])
            prev = v
        return logp


def exhaustive(model, max_len, alpha):
    """The best hypothesis over every token sequence: finished at its first </s> or cut at max_len."""
    import itertools
    best, best_key = None, -math.inf
    for L in range(1, max_len + 1):
        for seq in itertools.product(range(model.V), repeat=L):
            if EOS in seq[:-1] or (seq[-1] != EOS and L < max_len):
                continue
            s = model.logprob(list(seq))
            key = s / L ** alpha if alpha > 0 else s
            if key > best_key:
                best, best_key = list(seq), key
    return best


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0])
def test_a_beam_as_wide_as_the_tree_is_exhaustive_search(ref, seed, alpha):
    model = RandomMarkov(seed)
    src = torch.tensor([[4, EOS]])
    got = ref["beam_search"](model, src, torch.tensor([2]), 5 ** 4, 4, BOS, EOS, length_alpha=alpha)
    assert got[0].tolist() == exhaustive(model, 4, alpha)


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_beam_one_is_greedy_and_wider_beams_score_at_least_as_well_here(ref, seed):
    model = RandomMarkov(seed)
    src = torch.tensor([[4, EOS], [5, EOS]])
    greedy = ref["greedy_decode"](model, src, torch.tensor([2, 2]), 6, BOS, EOS)
    beam1 = ref["beam_search"](model, src, torch.tensor([2, 2]), 1, 6, BOS, EOS)
    for row, b in zip(greedy.tolist(), beam1):
        row = row[:row.index(EOS) + 1] if EOS in row else row
        assert b.tolist() == row
    best = exhaustive(model, 5, 0.0)
    wide = ref["beam_search"](model, src[:1], torch.tensor([2]), 64, 5, BOS, EOS)[0].tolist()
    assert model.logprob(wide) >= model.logprob(best) - 1e-12


def test_beam_search_on_the_notebooks_hand_built_tables(ref):
    TableModel, A, B = ref["TableModel"], ref["TOK_A"], ref["TOK_B"]
    src, lens = torch.tensor([[5, EOS]]), torch.tensor([2])
    model = TableModel({(): {A: 0.6, B: 0.38}, (A,): {EOS: 0.4, A: 0.3, B: 0.28}, (B,): {EOS: 0.9, A: 0.05, B: 0.04}})
    assert ref["beam_search"](model, src, lens, 1, 5, BOS, EOS)[0].tolist() == [A, EOS]
    assert ref["beam_search"](model, src, lens, 2, 5, BOS, EOS)[0].tolist() == [B, EOS]
    # log-probabilities by hand: A </s> = ln 0.5 + ln 0.8, B B B </s> = ln 0.45 + 3 ln 0.9
    table = {(): {A: 0.5, B: 0.45}, (A,): {EOS: 0.8, A: 0.12, B: 0.06}, (B,): {B: 0.9, EOS: 0.05, A: 0.03},
             (B, B): {B: 0.9, EOS: 0.05}, (B, B, B): {EOS: 0.9}}
    model = TableModel(table)
    short, long = math.log(0.5) + math.log(0.8), math.log(0.45) + 3 * math.log(0.9)
    assert abs(ref["sequence_logprob"](model, [A, EOS]) - short) < 1e-12
    for alpha in (0.0, 0.1, 0.23, 0.5, 1.0, 2.0):
        want = [A, EOS] if short / 2 ** alpha > long / 4 ** alpha else [B, B, B, EOS]
        assert ref["beam_search"](model, src, lens, 2, 6, BOS, EOS, length_alpha=alpha)[0].tolist() == want
    # a model that goes on after </s>: the finished hypothesis is returned as it was
    model = TableModel({(): {A: 0.7, B: 0.25}, (A,): {EOS: 0.6, B: 0.3}, (B,): {B: 0.9}, (B, B): {EOS: 0.9}},
                       after_end={A: 0.99})
    assert ref["beam_search"](model, src, lens, 2, 6, BOS, EOS)[0].tolist() == [A, EOS]


def test_beam_search_promises(ref):
    model = ref["TinyDecoder"](seed=3, eos_bias=1.0)
    for training in (True, False):
        model.train(training)
        model.calls.clear()
        src, lens = torch.tensor([[4, 5, EOS], [6, EOS, PAD]]), torch.tensor([3, 2])
        saved = (src.clone(), lens.clone())
        out = ref["beam_search"](model, src, lens, 3, 7, BOS, EOS)
        assert isinstance(out, list) and len(out) == 2
        assert all(o.dtype == torch.long and o.dim() == 1 and not o.requires_grad for o in out)
        assert model.training == training and model.calls and not any(g for g, _ in model.calls)
        assert torch.equal(src, saved[0]) and torch.equal(lens, saved[1])


# --- BLEU ----------------------------------------------------------------------------------------

def random_corpus(rng, size, vocab):
    refs = [[rng.choice(vocab) for _ in range(rng.randint(7, 14))] for _ in range(size)]
    hyps = []
    for r in refs:
        h = list(r)
        for _ in range(rng.randint(0, 3)):
            j = rng.randrange(len(h))
            op = rng.random()
            if op < 0.4:
                h[j] = rng.choice(vocab)
            elif op < 0.7:
                del h[j]
            else:
                h.insert(j, rng.choice(vocab))
        hyps.append(h)
    return hyps, refs


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("max_n", [1, 2, 4])
def test_corpus_bleu_equals_nltk(ref, seed, max_n):
    import random
    import warnings
    from nltk.translate.bleu_score import corpus_bleu
    hyps, refs = random_corpus(random.Random(seed), 5 + 7 * seed, list("abcdefg"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = 100 * corpus_bleu([[r] for r in refs], hyps, weights=(1 / max_n,) * max_n)
    assert abs(ref["corpus_bleu"](hyps, refs, max_n=max_n) - want) < 1e-9


def test_corpus_bleu_equals_sacrebleu(ref):
    sacrebleu = pytest.importorskip("sacrebleu")
    import random
    for seed in range(5):
        hyps, refs = random_corpus(random.Random(100 + seed), 30, list("abcdefgh"))
        want = sacrebleu.corpus_bleu([" ".join(h) for h in hyps], [[" ".join(r) for r in refs]],
                                     tokenize="none", force=True, smooth_method="none").score
        assert abs(ref["corpus_bleu"](hyps, refs) - want) < 1e-6


def test_corpus_bleu_by_hand(ref):
    bleu = ref["corpus_bleu"]
    # the notebook's corpus: p1 = 4/5, p2 = 2/3, c = 5, r = 6
    got = bleu([["a", "a", "b"], ["c", "d"]], [["a", "b", "c", "d"], ["c", "d"]], max_n=2)
    assert abs(got - 100 * math.exp(-0.2) * math.sqrt(8 / 15)) < 1e-12
    assert bleu([["x", "y", "z", "w"]] * 3, [["x", "y", "z", "w"]] * 3) == pytest.approx(100.0, abs=1e-12)
    assert bleu([["the"] * 4], [["the", "cat"]], max_n=1) == pytest.approx(25.0)          # clipped to 1 of 4
    assert bleu([["a", "b", "c"]], [["c", "b", "a"]], max_n=2) == 0.0                      # no bigram in common
    hyps, refs = [["a", "b"], ["c", "d", "e", "f"]], [["a", "b", "x"], ["c", "d", "e", "f"]]
    saved = [list(h) for h in hyps], [list(r) for r in refs]
    assert bleu(hyps, refs, max_n=2) == pytest.approx(100 * math.exp(1 - 7 / 6))          # pooled: c = 6 < r = 7
    assert (hyps, refs) == saved
    assert isinstance(bleu(hyps, refs), float)


# --- the translation task ------------------------------------------------------------------------

def test_num2words_spellings_and_tokens():
    assert tr.make_pair(71) == ("seventy-one", "soixante et onze")
    assert tr.make_pair(200) == ("two hundred", "deux cents")
    assert tr.make_pair(201) == ("two hundred and one", "deux cent un")
    assert tr.make_pair(99) == ("ninety-nine", "quatre-vingt-dix-neuf")
    assert tr.tokenize("three hundred and forty-two thousand, one hundred") == \
        ["three", "hundred", "and", "forty", "-", "two", "thousand", "one", "hundred"]
    french = "neuf cent quatre-vingt-dix-neuf mille"
    assert tr.detokenize(tr.tokenize(french)) == french


def test_split_is_fixed_distinct_and_balanced():
    total = sum(tr.SPLIT_SIZES.values())
    numbers = tr.sample_numbers(total)
    assert numbers == tr.sample_numbers(total)
    tr.sample_numbers(total).append(-1)
    assert tr.sample_numbers(total) == numbers, "each call returns a new list"
    assert tr.sample_numbers(5, seed=1) != tr.sample_numbers(5), "the seed picks the numbers"
    assert len(set(numbers)) == total and all(0 <= n <= tr.MAX_VALUE for n in numbers)
    digits = np.bincount([len(str(n)) for n in numbers], minlength=10)[1:]
    assert digits[0] == 10 and digits[1] == 90 and digits[2] > 850             # (nearly) all short numbers are used
    assert digits[3:].min() > 0.12 * total                                  # the rest about equally often
    train = tr.load_split("train", limit=3)
    test = tr.load_split("test", limit=3)
    assert [n for n, _, _ in train] == numbers[:3]
    assert [n for n, _, _ in test] == numbers[total - tr.SPLIT_SIZES["test"]:][:3]
    for number, english, french in train + test:
        e, f = tr.make_pair(number)
        assert english == tr.tokenize(e) and tr.detokenize(french) == f


def test_vocab_batches_and_metrics():
    examples = [(1, ["one"], ["un"]), (21, ["twenty", "-", "one"], ["vingt", "et", "un"])]
    src_vocab = tr.Vocab(s for _, s, _ in examples)
    tgt_vocab = tr.Vocab(t for _, _, t in examples)
    assert src_vocab.itos == ["<pad>", "<s>", "</s>", "<unk>", "-", "one", "twenty"]
    src, src_lengths, tgt, tgt_lengths = tr.make_batch(examples, src_vocab, tgt_vocab)
    assert src.tolist() == [[5, EOS, PAD, PAD], [6, 4, 5, EOS]] and src_lengths.tolist() == [2, 4]
    assert tgt_vocab.decode([tgt_vocab.stoi["vingt"], EOS, 7, 7]) == ["vingt"]
    assert src_vocab.encode(["zero"]) == [tr.UNK_ID, EOS]
    assert tr.exact_match([["a"], ["b", "c"]], [["a"], ["b"]]) == 0.5
