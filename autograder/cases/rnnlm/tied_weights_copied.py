"""RNNLM "ties" the weights by copying the embedding matrix into the output layer.

The two start equal but are two tensors: the parameter count is V * E too high and the first
optimiser step makes them differ.

expect: less
base: solution
hint: With tie_weights=True, RNNLM's output layer must use the embedding's weight parameter itself, one
  shared tensor, not a copy that starts equal and drifts apart at the first optimiser step (section 5).
  Check that the tied model has V * E parameters fewer than the untied one.
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
                                   dropout=dropout if num_layers > 1 else 0.0)
        self.drop = torch.nn.Dropout(dropout)
        self.out = torch.nn.Linear(hidden_size, vocab_size)
        if tie_weights:
            self.out.weight = torch.nn.Parameter(self.embed.weight.detach().clone())   # mistake: a copy

    def forward(self, x, state=None):
        h, state = self.rnn(self.drop(self.embed(x)), state)
        return self.out(self.drop(h)), state
