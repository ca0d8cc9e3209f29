"""Complete answers handed in with a numpy.py next to the notebook that would replace NumPy (and stop the kernel) if it were imported first.

expect: full
base: solution
"""
# %% file:numpy.py
raise SystemExit("a numpy.py from the submission was imported instead of NumPy")
