"""rnn_lm_sample divides the probabilities by the temperature (after the softmax) and renormalises.

expect: less
base: solution
hint: Look again at where the temperature goes in rnn_lm_sample: it divides the logits before the
  softmax, as softmax_with_temperature does; dividing probabilities by it and renormalising changes
  nothing. Check that your samples get more varied at temperature 1.5 and less at 0.5.
"""
# %% rnn_lm_sample
def rnn_lm_sample(params, start_id, end_id, max_len, temperature=1.0, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    h = np.zeros((1, params["W"].shape[0]))
    token, out = start_id, []
    for _ in range(max_len):
        h, _ = rnn_step_forward(params["E"][[token]], h, params["U"], params["W"], params["b"])
        probs = softmax_with_temperature(h @ params["Wy"].T + params["by"])[0] / temperature   # mistake
        token = int(rng.choice(len(probs), p=probs / probs.sum()))
        if token == end_id:
            break
        out.append(token)
    return out
