"""A careful student who keeps one answer in a module of their own, handed in with the notebook and imported by the answer cell.

expect: full
base: solution
"""
# %% teacher_forcing_batch
from my_batches import teacher_forcing_batch
# %% file:my_batches.py
import torch


def teacher_forcing_batch(tgt, bos_id):
    start = torch.full_like(tgt[:, :1], bos_id)
    return torch.cat([start, tgt[:, :-1]], dim=1), tgt.clone()
