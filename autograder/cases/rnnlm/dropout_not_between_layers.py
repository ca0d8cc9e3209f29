"""RNNLM drops the embeddings and the top layer's states but nothing between stacked recurrent layers.

expect: less
base: solution
hint: Look again at where RNNLM applies dropout when num_layers > 1: section 5 asks for it between the
  recurrent layers too, on what each layer hands to the next (torch.nn's recurrent layers have an
  argument for it). Check with two layers in training mode that what the second layer reads is
  dropped.
"""
# %% rnnlm_model
class RNNLM(torch.nn.Module):
    def __init__(self, vocab_size, cell="lstm", emb_size=64, hidden_size=256, num_layers=1, dropout=0.0,
                 tie_weights=False):
        super().__init__()
        recurrent = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
        if cell not in recurrent:
            raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', not {cell!r}")
        if tie_weights and emb_size != hidden_size:
            raise ValueError("weight tying needs emb_size == hidden_size")
        self.embed = torch.nn.Embedding(vocab_size, emb_size)
        self.rnn = recurrent[cell](emb_size, hidden_size, num_layers=num_layers, batch_first=True,
                                   dropout=0.0)                  # mistake: nothing dropped between layers
        self.drop = torch.nn.Dropout(dropout)
        self.out = torch.nn.Linear(hidden_size, vocab_size)
        if tie_weights:
            self.out.weight = self.embed.weight     # one (V, E) tensor reads and writes tokens

    def forward(self, x, state=None):
        h, state = self.rnn(self.drop(self.embed(x)), state)
        return self.out(self.drop(h)), state
