"""rnn_lm_sample returns the sampled id but feeds the most likely id back as the next input.

expect: less
base: solution
hint: In rnn_lm_sample, the id you feed back as the next input must be the one you drew with rng, not the
  most likely one, so that each step depends on what was actually sampled before. Look again at steps 3
  and 4 of the sampling recipe in the notebook.
"""
# %% rnn_lm_sample
def rnn_lm_sample(params, start_id, end_id, max_len, temperature=1.0, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    h = np.zeros((1, params["W"].shape[0]))
    token, out = start_id, []
    while len(out) < max_len:
        h, _ = rnn_step_forward(params["E"][[token]], h, params["U"], params["W"], params["b"])
        probs = softmax_with_temperature(h @ params["Wy"].T + params["by"], temperature)[0]
        drawn = int(rng.choice(len(probs), p=probs))
        if drawn == end_id:
            break
        out.append(drawn)
        token = int(np.argmax(probs))                 # mistake: should feed back the drawn id
    return out
