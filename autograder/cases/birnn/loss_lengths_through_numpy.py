"""masked_cross_entropy builds its mask in NumPy from lengths, which fails when lengths is on the GPU.

expect: less
base: solution
hint: Look again at which devices masked_cross_entropy accepts: the docstring allows lengths on the CPU
  or on the device of the logits, and a tensor on a GPU cannot become a NumPy array. Build the mask with
  torch, on the logits' device. Check with logits, labels and lengths moved to another device: does the
  loss still come out, on the logits' device?
"""
# %% masked_cross_entropy
def masked_cross_entropy(logits, labels, lengths):
    T = labels.shape[1]
    mask = torch.from_numpy(np.arange(T)[None, :] < lengths.numpy()[:, None]).to(logits.device)   # mistake: NumPy
    losses = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                               reduction="none")
    return (losses * mask.reshape(-1)).sum() / mask.sum()
