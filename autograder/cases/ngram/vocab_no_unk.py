"""The vocabulary forgets <unk>, so V is one too small.

expect: less
base: solution
"""
# %% build_vocab
def build_vocab(sentences, min_count=2):
    counts = Counter(word for sentence in sentences for word in sentence)
    return {word for word, count in counts.items() if count >= min_count} | {"</s>"}
