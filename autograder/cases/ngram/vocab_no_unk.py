"""The vocabulary forgets <unk>, so V is one too small.

expect: less
base: solution
hint: Look again at what build_vocab must hold: the training words seen at least min_count times, plus </s>
  and the unknown-word token <unk>, but never <s>. Its length is the vocabulary size V, so a missing or
  extra symbol makes V wrong for every smoothed probability.
"""
# %% build_vocab
def build_vocab(sentences, min_count=2):
    counts = Counter(word for sentence in sentences for word in sentence)
    return {word for word, count in counts.items() if count >= min_count} | {"</s>"}
