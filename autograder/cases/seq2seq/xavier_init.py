"""Seq2Seq re-initialises every weight matrix with Xavier's uniform rule, against the docstring's
"their initial values are PyTorch's defaults" (the notebook's training settings are tuned for those).

expect: less
base: solution
hint: Look again at the Seq2Seq docstring: the five layers start with PyTorch's default initial values,
  which the notebook's training settings are tuned for, so the constructor should create them and leave
  their weights as torch.nn sets them. Check that nothing in your __init__ re-initialises a parameter:
  compare the spread of your starting weights with that of a freshly made torch.nn layer of the same size.
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
        for p in self.parameters():
            if p.dim() == 2:
                torch.nn.init.xavier_uniform_(p)                  # mistake: not PyTorch's defaults

    def encode(self, src, src_lengths):
        lengths = src_lengths.to("cpu")                               # pack_padded_sequence wants them on the CPU
        packed = pack_padded_sequence(self.src_embed(src), lengths, batch_first=True, enforce_sorted=False)
        states, last = self.encoder(packed)                           # padding is never read, in either direction
        keys, _ = pad_packed_sequence(states, batch_first=True, total_length=src.shape[1])   # zeros at padding
        summary = torch.cat([last[0], last[1]], dim=1)                # forward state at the end, backward at the start
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
