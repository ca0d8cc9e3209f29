"""nltk.lm adapted to the course's Kneser-Ney convention, shared by the tests and the benchmark."""


def spec_kneser_ney_class():
    """nltk's KneserNey estimator with the spec's unigram level: interpolated with the uniform 1/V
    (nltk uses the raw continuation probability there; every other level is left as nltk has it)."""
    from nltk.lm.smoothing import KneserNey

    class SpecKneserNey(KneserNey):
        def unigram_score(self, word):
            cc_word, total = self._continuation_counts(word)
            if not hasattr(self, "_n1"):
                bigrams = self.counts[2]
                self._n1 = len({w for ctx in bigrams for w, c in bigrams[ctx].items() if c > 0})
            return max(cc_word - self.discount, 0) / total + self.discount * self._n1 / total / len(self.vocab)

    return SpecKneserNey
