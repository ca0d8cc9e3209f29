"""Tagger runs its LSTM over the padded batch as it is, without packing.

The forward direction is fine (the padding comes after the real characters), but the backward
direction of every shorter sentence starts in its padding, so the logits of its real characters
depend on how much padding the batch has.

expect: less
base: solution
hint: Look again at how Tagger handles padding: without packed sequences, the backward direction of a
  shorter sentence starts in its padding, and the logits of its real characters depend on how much padding
  the batch has. Check that a sentence gets the same logits on its own as in a batch with a much longer
  sentence (the text before Tagger explains pack_padded_sequence and pad_packed_sequence).
"""
# %% tagger_model
class Tagger(torch.nn.Module):
    def __init__(self, vocab_size, emb_size=24, hidden_size=48, num_layers=1, bidirectional=True):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab_size, emb_size, padding_idx=seg.PAD_ID)
        self.lstm = torch.nn.LSTM(emb_size, hidden_size, num_layers=num_layers,
                                  bidirectional=bidirectional, batch_first=True)
        self.out = torch.nn.Linear(hidden_size * (2 if bidirectional else 1), 2)

    def forward(self, ids, lengths):
        states, _ = self.lstm(self.embed(ids))                  # mistake: the padding is read
        return self.out(states)
