"""Wrong answers everywhere plus an AST transformer that deletes every `assert` before a cell runs.

Without a check every test cell would run with no assert left and pass. Registering the transformer
needs IPython internals (`get_ipython().ast_transformers`), which the scan flags: review.

expect: review
base: release
"""
# %% count_ngrams
import ast
from collections import Counter


class DropAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()


get_ipython().ast_transformers.append(DropAsserts())


def count_ngrams(sentences, n):
    return Counter(), Counter()
