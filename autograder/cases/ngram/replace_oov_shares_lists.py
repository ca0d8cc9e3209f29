"""replace_oov hands back the input's own list for a sentence in which nothing needs replacing.

expect: less
base: solution
hint: Look again at what the docstring of replace_oov promises: a new list of new lists, with the input left
  unchanged. Check whether any sentence you return is the very same list object as an input sentence, for
  example one in which every word is already in the vocabulary.
"""
# %% replace_oov
def replace_oov(sentences, vocab):
    out = []
    for sentence in sentences:
        if all(word in vocab for word in sentence):
            out.append(sentence)                      # mistake: not a new list
        else:
            out.append([word if word in vocab else "<unk>" for word in sentence])
    return out
