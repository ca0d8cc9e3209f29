"""corpus_bleu handed in as a call to nltk's, which the student's own environment has.

The grading kernel sees no nltk (autograder.sandbox.ANSWERING_PACKAGES), so the import fails when the
tests call it and the BLEU tests score nothing.

expect: less
base: solution
"""
# %% corpus_bleu
def corpus_bleu(hypotheses, references, max_n=4):
    from nltk.translate.bleu_score import corpus_bleu as nltk_bleu

    return 100 * nltk_bleu([[r] for r in references], hypotheses, weights=(1 / max_n,) * max_n)
