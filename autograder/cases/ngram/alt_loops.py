"""A different correct solution: plain loops and plain dicts everywhere, no Counter.

Every answer cell is rewritten independently: counting with dict.get, recursion for stupid
backoff and Kneser-Ney, and Kneser-Ney tables memoised in a list of (models, tables) pairs
instead of a dict keyed by id.

expect: full
base: solution
"""
# %% count_ngrams
def count_ngrams(sentences, n):
    ngram_counts = {}
    context_counts = {}
    for sentence in sentences:
        padded = []
        for _ in range(n - 1):
            padded.append("<s>")
        for token in sentence:
            padded.append(token)
        padded.append("</s>")
        start = 0
        while start + n <= len(padded):
            gram = tuple(padded[start:start + n])
            context = gram[:n - 1]
            if gram in ngram_counts:
                ngram_counts[gram] = ngram_counts[gram] + 1
            else:
                ngram_counts[gram] = 1
            if context in context_counts:
                context_counts[context] = context_counts[context] + 1
            else:
                context_counts[context] = 1
            start += 1
    return ngram_counts, context_counts

# %% build_vocab
def build_vocab(sentences, min_count=2):
    counts = {}
    for sentence in sentences:
        for token in sentence:
            counts[token] = counts.get(token, 0) + 1
    vocab = set()
    for token in counts:
        if counts[token] >= min_count and token != "<s>":
            vocab.add(token)
    vocab.add("</s>")
    vocab.add("<unk>")
    return vocab

# %% replace_oov
def replace_oov(sentences, vocab):
    result = []
    for sentence in sentences:
        new_sentence = []
        for token in sentence:
            if token in vocab:
                new_sentence.append(token)
            else:
                new_sentence.append("<unk>")
        result.append(new_sentence)
    return result

# %% mle_prob
def mle_prob(word, context, ngram_counts, context_counts):
    key = tuple(context)
    if key not in context_counts or context_counts[key] == 0:
        return 0.0
    numerator = 0
    if key + (word,) in ngram_counts:
        numerator = ngram_counts[key + (word,)]
    return float(numerator) / context_counts[key]

# %% add_k_prob
def add_k_prob(word, context, ngram_counts, context_counts, vocab_size, k=1.0):
    key = tuple(context)
    seen = ngram_counts[key + (word,)] if key + (word,) in ngram_counts else 0
    total = context_counts[key] if key in context_counts else 0
    return (seen + k) / (total + k * vocab_size)

# %% stupid_backoff
def _sb_score(word, context, models, order, alpha):
    if order == 1:
        unigrams = models[1][0]
        n_tokens = 0
        for value in models[1][1].values():
            n_tokens += value
        return unigrams.get((word,), 0) / n_tokens
    ctx = tuple(context[len(context) - order + 1:])
    grams, contexts = models[order]
    if grams.get(ctx + (word,), 0) > 0:
        return grams[ctx + (word,)] / contexts[ctx]
    return alpha * _sb_score(word, context, models, order - 1, alpha)


def stupid_backoff(word, context, models, alpha=0.4):
    highest = 0
    for order in models:
        if order > highest:
            highest = order
    start = len(context) + 1
    if highest < start:
        start = highest
    return _sb_score(word, tuple(context), models, start, alpha)

# %% interpolated_prob
def interpolated_prob(word, context, models, lambdas, vocab_size):
    n = len(lambdas) - 1
    uniform_weight = lambdas[0]
    result = 0.0
    for order in range(n, 0, -1):
        if order == 1:
            ctx = ()
        else:
            ctx = tuple(context)[-(order - 1):]
        grams, contexts = models[order]
        denominator = contexts.get(ctx, 0)
        if denominator > 0:
            result = result + lambdas[order] * grams.get(ctx + (word,), 0) / denominator
        else:
            uniform_weight = uniform_weight + lambdas[order]
    return result + uniform_weight / vocab_size

# %% kneser_ney_prob
_SEEN_MODELS = []  # list of (models, tables); the reference to models keeps its identity unique


def _build_kn_tables(models):
    n = max(models)
    tables = {}
    for order in range(1, n + 1):
        counts = {}        # m-gram -> count (raw at order n, continuation below)
        if order == n:
            for gram, c in models[n][0].items():
                if c > 0:
                    counts[gram] = c
        else:
            for gram, c in models[order + 1][0].items():
                if c > 0:
                    suffix = gram[1:]
                    counts[suffix] = counts.get(suffix, 0) + 1
        totals = {}
        kinds = {}
        for gram, c in counts.items():
            prefix = gram[:-1]
            totals[prefix] = totals.get(prefix, 0) + c
            kinds[prefix] = kinds.get(prefix, 0) + 1
        tables[order] = (counts, totals, kinds)
    return tables


def _kn_lookup(models):
    for entry in _SEEN_MODELS:
        if entry[0] is models:
            return entry[1]
    tables = _build_kn_tables(models)
    _SEEN_MODELS.append((models, tables))
    if len(_SEEN_MODELS) > 3:
        del _SEEN_MODELS[0]
    return tables


def _kn_recursive(word, context, tables, order, vocab_size, d):
    if order == 0:
        return 1.0 / vocab_size
    lower = _kn_recursive(word, context, tables, order - 1, vocab_size, d)
    counts, totals, kinds = tables[order]
    if order > 1:
        ctx = tuple(context[len(context) - order + 1:])
    else:
        ctx = ()
    total = totals.get(ctx, 0)
    if total == 0:
        return lower
    discounted = counts.get(ctx + (word,), 0) - d
    if discounted < 0:
        discounted = 0
    return discounted / total + d * kinds[ctx] / total * lower


def kneser_ney_prob(word, context, models, vocab_size, discount=0.75):
    tables = _kn_lookup(models)
    return _kn_recursive(word, tuple(context), tables, max(models), vocab_size, discount)

# %% perplexity
def perplexity(prob, sentences, n):
    total_log_prob = 0.0
    n_predictions = 0
    for sentence in sentences:
        history = []
        for _ in range(n - 1):
            history.append("<s>")
        targets = list(sentence)
        targets.append("</s>")
        for target in targets:
            if n > 1:
                context = tuple(history[len(history) - (n - 1):])
            else:
                context = ()
            p = prob(target, context)
            if p == 0:
                return float("inf")
            total_log_prob = total_log_prob + math.log(p)
            n_predictions = n_predictions + 1
            history.append(target)
    return math.exp(-total_log_prob / n_predictions)
