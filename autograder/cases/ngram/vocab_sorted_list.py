"""build_vocab returns a sorted list instead of a set.

expect: less
base: solution
hint: Look again at the type that build_vocab returns: its docstring asks for a set of words, whose length
  is V, not another kind of collection. Check what type your function hands back.
"""
# %% build_vocab
def build_vocab(sentences, min_count=2):
    counts = Counter(word for sentence in sentences for word in sentence)
    words = {word for word, count in counts.items() if count >= min_count and word != "<s>"}
    return sorted(words | {"</s>", "<unk>"})          # mistake: the docstring promises a set
