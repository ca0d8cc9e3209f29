"""A written answer that quotes code about the autograder is prose: it is not scanned or run.

expect: full
base: solution
"""
# %% explain_distance_figure
os.environ.get("LMCOURSE_AUTOGRADING") and sys.modules["autograder"]
