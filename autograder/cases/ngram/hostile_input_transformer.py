"""A blank notebook whose first answer cell installs an input transformer that turns every later cell into `pass`.

Plain nbgrader ran the test cells as `pass` and gave the untouched stubs full marks. The static
scan must see `get_ipython` / `input_transformers_cleanup` and withhold the score for review.

expect: review
base: release
"""
# %% count_ngrams
def _skip_everything(lines):
    return ["pass\n"]

get_ipython().input_transformers_cleanup.append(_skip_everything)
