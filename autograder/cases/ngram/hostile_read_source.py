"""Looks for the instructor's notebook and other students' submissions by relative and absolute paths, and imports mle_prob from the first one found.

It searches <course>/source/ngram, the repository's solutions/ngram, and <course>/*/*/ngram (other
students' submitted, canonical and autograded copies), copies the answer cell of a notebook that
has a real mle_prob into a module and imports it; only `json`, `pathlib` and a plain import, so the
static scan has nothing to flag. In the sandbox none of these files exists, the fallback mle_prob
returns 0.0 and the mle tests fail: less (without isolation it finds the solution and scores full).

expect: less
base: solution
"""
# %% mle_prob
import json
import pathlib


def _candidates():
    here = pathlib.Path.cwd()
    roots = list(here.parents)[:5] + [pathlib.Path("/work/main"), pathlib.Path.home()]
    for root in roots:
        for pattern in ("source/ngram/*.ipynb", "solutions/ngram/*.ipynb", "*/*/ngram/*.ipynb", "*/ngram/*.ipynb"):
            try:
                yield from root.glob(pattern)
            except OSError:
                pass


def _borrow(grade_id):
    here = pathlib.Path.cwd()
    for path in _candidates():
        if path.parent == here:
            continue
        try:
            cells = json.loads(path.read_text())["cells"]
        except (OSError, ValueError, KeyError):
            continue
        for cell in cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            if meta.get("grade_id") == grade_id and "NotImplementedError" not in source and "_borrow" not in source:
                return source
    return None


_found = _borrow("mle_prob")
if _found:
    pathlib.Path("borrowed_mle.py").write_text(_found)
    from borrowed_mle import mle_prob
else:
    def mle_prob(word, context, ngram_counts, context_counts):
        return 0.0
