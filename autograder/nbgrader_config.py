"""nbgrader configuration for the course: the whole grading pipeline, declared here.

``autograder.course`` loads this file and then sets the course directory (root, source, release,
gradebook) and the isolation for each run. Plain ``nbgrader autograde --config
autograder/nbgrader_config.py`` runs the same pipeline (tests in the grader's process, kernels in
the sandbox, outputs capped as they arrive) but not the steps around it that ``course-grade``
adds: canonical notebooks, the static scan, the wall clock, the journal and the hidden-text check
of the feedback.
"""
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, ClearOutput, DeduplicateIds, GetGrades,
                                    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

from autograder.execute import BoundaryExecute
from autograder.feedback import FeedbackExporter
from autograder.preprocessors import ClearHiddenTestsOfTestCells, SanitizeStudentText, ShortTestErrors, StderrIsNotFailure
from autograder.sandbox import SandboxKernelManager

c = get_config()  # noqa: F821 (provided by traitlets when the file is loaded)

c.CourseDirectory.course_id = "lmcourse"

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding. nbgrader's CheckCellMetadata (run twice by default) validates metadata the student
# could have edited; course-grade grades canonical notebooks, which carry the release's metadata only.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells]
# The graded tests run in the grader's process, not in the student's kernel (autograder.execute).
c.Autograde.autograde_preprocessors = [BoundaryExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       StderrIsNotFailure, SaveAutoGrades, AssignLatePenalties]
c.Execute.kernel_manager_class = SandboxKernelManager
# nothing a sandboxed kernel does outlives it, so a graceful shutdown buys nothing
c.Execute.shutdown_kernel = "immediate"
# A generous limit for one cell (the notebooks cut their training down when autograding; see
# lmcourse.grading); course-grade's --wall-seconds limits the whole notebook. Errors in one cell
# never stop the rest.
c.Execute.timeout = 300
c.Execute.allow_errors = True
c.Execute.interrupt_on_timeout = True
# the outputs of a cell may still be arriving when it ends (a flood of prints): wait for them
c.Execute.iopub_timeout = 30

# Feedback shows scores and the messages of failing tests, but neither the text of hidden tests
# nor tracebacks that would quote it, nor HTML or scripts from the student.
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTestsOfTestCells, ShortTestErrors,
                                    SanitizeStudentText]
c.GenerateFeedback.exporter_class = FeedbackExporter
