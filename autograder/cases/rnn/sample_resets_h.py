"""rnn_lm_sample starts every step from a zero hidden state, so only the last id is remembered.

expect: less
base: solution
hint: In rnn_lm_sample the hidden state starts at zero once and is then carried from step to step; that is
  how the model remembers every earlier id and not just the last one. Check which state each of your
  calls to rnn_step_forward starts from.
"""
# %% rnn_lm_sample
def rnn_lm_sample(params, start_id, end_id, max_len, temperature=1.0, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    H = params["W"].shape[0]
    token, out = start_id, []
    while len(out) < max_len:
        h, _ = rnn_step_forward(params["E"][[token]], np.zeros((1, H)), params["U"], params["W"], params["b"])  # mistake
        probs = softmax_with_temperature(h @ params["Wy"].T + params["by"], temperature)[0]
        token = int(rng.choice(len(probs), p=probs))
        if token == end_id:
            break
        out.append(token)
    return out
