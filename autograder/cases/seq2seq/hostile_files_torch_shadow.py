"""Complete answers handed in with torch.py and numpy.py next to the notebook that would replace the libraries (and stop the kernel) if they were imported first.

expect: full
base: solution
"""
# %% file:torch.py
raise SystemExit("a torch.py from the submission was imported instead of PyTorch")
# %% file:numpy.py
raise SystemExit("a numpy.py from the submission was imported instead of NumPy")
