"""Reference code of graded units that lectures, later units and the tests build on: one module per
unit (``ngram``, ``rnn``, ``lstm_gru``, ``rnnlm``).

Course staff only. The student edition holds a unit's module only after the instructor has released
that unit's solutions (``course-grade release-solutions UNIT``, after its deadline), and the
grader's sandbox shows a kernel only the modules of the units its assignment may build on. Until
then a lecture that runs one of these modules reaches students as its executed page, and an
exercise that builds on one waits for the release (see the README's "Student edition").
"""
