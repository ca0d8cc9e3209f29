"""Seq2Seq.encode runs the bidirectional GRU over the padded batch without packing it.

The forward direction is right at the real positions (it reads them first), but the backward
direction of every short sentence starts in its padding; the summary takes the forward state at
the last real token and the backward state at the first.

expect: less
base: solution
hint: Look again at the encoder in Seq2Seq.encode: the bidirectional GRU should read packed sequences, so
  that the backward direction of each sentence starts at its last real token and padding is never read, in
  either direction. Check the docstring's promise that what follows a sentence's end in a padded batch
  never changes its results: does a short sentence get the same keys next to a longer one as on its own?
"""
# %% Seq2Seq
class Seq2Seq(torch.nn.Module):

    def __init__(self, src_vocab_size, tgt_vocab_size, emb_size=32, hidden_size=64, attention=True):
        super().__init__()
        assert hidden_size % 2 == 0, "each encoder direction has hidden_size // 2 units"
        self.attention = attention
        self.src_embed = torch.nn.Embedding(src_vocab_size, emb_size, padding_idx=PAD_ID)
        self.tgt_embed = torch.nn.Embedding(tgt_vocab_size, emb_size, padding_idx=PAD_ID)
        self.encoder = torch.nn.GRU(emb_size, hidden_size // 2, batch_first=True, bidirectional=True)
        self.init = torch.nn.Linear(hidden_size, hidden_size)
        self.cell = torch.nn.GRUCell(emb_size + hidden_size, hidden_size)
        self.out = torch.nn.Linear(2 * hidden_size, tgt_vocab_size)

    def encode(self, src, src_lengths):
        lengths = src_lengths.to("cpu")
        keys, _ = self.encoder(self.src_embed(src))                   # mistake: padding read by the backward direction
        half = keys.shape[2] // 2
        rows = torch.arange(src.shape[0])
        summary = torch.cat([keys[rows, lengths - 1, :half], keys[:, 0, half:]], dim=1)
        mask = padding_mask(lengths.to(src.device), src.shape[1])
        return (keys, mask, summary), torch.tanh(self.init(summary))

    def decode_step(self, prev, hidden, memory):
        keys, mask, summary = memory
        if self.attention:
            context, weights = dot_attention(hidden, keys, mask)
        else:
            context, weights = summary, None
        hidden = self.cell(torch.cat([self.tgt_embed(prev), context], dim=1), hidden)
        return self.out(torch.cat([hidden, context], dim=1)), hidden, weights

    def forward(self, src, src_lengths, dec_in):
        memory, hidden = self.encode(src, src_lengths)
        logits, weights = [], []
        for t in range(dec_in.shape[1]):
            step_logits, hidden, step_weights = self.decode_step(dec_in[:, t], hidden, memory)
            logits.append(step_logits)
            weights.append(step_weights)
        return torch.stack(logits, dim=1), (torch.stack(weights, dim=1) if self.attention else None)
