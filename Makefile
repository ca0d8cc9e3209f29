# The two commands of the README. Each sets up .venv first (idempotent, see scripts/setup.sh).
PY := .venv/bin/python
export MPLBACKEND := Agg

.PHONY: setup demo test test-fast bench

setup:
	@bash scripts/setup.sh

## demo: the TA pipeline: regenerate exercises/, autograde example submissions, feedback, CSV, table
demo: setup
	$(PY) -m autograder demo

## test: the whole test suite (what CI runs); the lectures run under nbval from the student edition (tests/test_edition_runs.py)
test: setup
	$(PY) -m pytest -n 2 tests

## test-fast: the tests not marked slow (about a minute on 2 cores): support package, references, grader units;
## no pipeline, hostile corpus, hub, browser, cluster or notebook runs. Not a substitute for `make test`.
test-fast: setup
	$(PY) -m pytest -n 2 -m "not slow" tests

## bench: speed comparisons against nltk.lm, torch and plain nbgrader (not part of the test suite)
bench: setup
	$(PY) benchmarks/bench_ngram.py
	$(PY) benchmarks/bench_rnn.py
	$(PY) benchmarks/bench_lstm.py --gru
	$(PY) benchmarks/bench_notebooks.py
	$(PY) benchmarks/bench_grading.py --n 40
