"""RNNLM applies dropout to the embeddings only, not to the top layer's states as its docstring says.

Training still looks regularised (two calls in training mode differ), but the output layer always
sees the recurrent layer's states undropped.

expect: less
base: solution
hint: Look again at where RNNLM applies dropout: section 5 asks for it on the embeddings and also on the
  top layer's states before the output layer (and between layers when there are several). Check in
  training mode that both places are dropped and that nothing is dropped in evaluation mode.
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
        h, state = self.rnn(self.drop(self.embed(x)), state)
        return self.out(h), state                                # mistake: the top states are not dropped
