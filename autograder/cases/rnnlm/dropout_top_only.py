"""RNNLM applies dropout to the top layer's states only, not to the embeddings as its docstring says.

Two calls in training mode still differ and dropout=1.0 still drops every top state, but the recurrent
layer always reads the embeddings undropped.

expect: less
base: solution
hint: Look again at where RNNLM applies dropout: section 5 asks for it on the embeddings before the
  recurrent layer as well as on the top layer's states (and between layers when there are several).
  Check in training mode that the recurrent layer's own final state changes from call to call.
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
            self.out.weight = self.embed.weight     # one (V, E) tensor reads and writes tokens

    def forward(self, x, state=None):
        h, state = self.rnn(self.embed(x), state)                # mistake: the embeddings are not dropped
        return self.out(self.drop(h)), state
