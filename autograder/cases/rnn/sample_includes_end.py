"""rnn_lm_sample appends the end id before stopping.

expect: less
base: solution
hint: Look again at what rnn_lm_sample returns: the ids drawn before end_id; end_id marks where the
  sequence stops and is not itself part of the result. Check that no sample you return ever contains
  end_id.
"""
# %% rnn_lm_sample
def rnn_lm_sample(params, start_id, end_id, max_len, temperature=1.0, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    h = np.zeros((1, params["W"].shape[0]))
    token, out = start_id, []
    while len(out) < max_len:
        h, _ = rnn_step_forward(params["E"][[token]], h, params["U"], params["W"], params["b"])
        probs = softmax_with_temperature(h @ params["Wy"].T + params["by"], temperature)[0]
        token = int(rng.choice(len(probs), p=probs))
        out.append(token)                             # mistake: the end id is appended too
        if token == end_id:
            break
    return out
