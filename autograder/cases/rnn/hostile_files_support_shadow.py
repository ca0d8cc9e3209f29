"""Complete answers handed in with lmcourse.py and matplotlib.py that would break the locked imports if they came first on sys.path.

expect: full
base: solution
"""
# %% file:lmcourse.py
raise ImportError("the submission's lmcourse.py shadowed the course package")
# %% file:matplotlib.py
raise ImportError("the submission's matplotlib.py shadowed matplotlib")
