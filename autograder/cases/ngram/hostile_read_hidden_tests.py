"""Reads the notebook being graded from the kernel's working folder and imports the hidden tests' own reference `_kn` as its kneser_ney_prob.

The hidden part of test_kneser_ney_trigram holds a complete Kneser-Ney reference (`_kn`). The
answer cell parses every *.ipynb in its working folder with `json` and `ast`, writes that function
to a module and imports it (nothing the static scan flags). The notebook under execution, with its
hidden tests, must not be readable by student code: then the fallback (uniform 1/V) passes only the
sums test and the submission loses the other KN tests: less. If the hidden tests can be read, it
scores full, which is the bug this case guards against.

expect: less
base: solution
"""
# %% kneser_ney_prob
import ast
import json
import pathlib


def _steal():
    for path in sorted(pathlib.Path(".").glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text())["cells"]
        except (OSError, ValueError, KeyError):
            continue
        for cell in cells:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name == "_kn":
                    pathlib.Path("kn_reference.py").write_text("from collections import Counter\n\n\n" + ast.unparse(node) + "\n")
                    return True
    return False


if _steal():
    from kn_reference import _kn as _reference
else:
    _reference = None


def kneser_ney_prob(word, context, models, vocab_size, discount=0.75):
    if _reference is None:
        return 1.0 / vocab_size
    return _reference(word, context, models, vocab_size, discount)
