"""nbgrader configuration for the course.

``autograder.course`` loads this file and then sets the course directory (root, source, release,
gradebook) for each run. TAs who prefer plain nbgrader can point it here too:
``nbgrader autograde ngram --config autograder/nbgrader_config.py``.
"""
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from autograder.preprocessors import ShortTestErrors

c = get_config()  # noqa: F821 (provided by traitlets when the file is loaded)

c.CourseDirectory.course_id = "lmcourse"

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding: generous per-cell limit (the notebooks cut their training down when autograding;
# see lmcourse.grading), errors in one cell never stop the rest.
c.Execute.timeout = 300
c.Execute.allow_errors = True
c.Execute.interrupt_on_timeout = True

# Feedback shows scores and the messages of failing tests, but neither the text of hidden tests
# nor tracebacks that would quote it.
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests, ShortTestErrors]
