"""nbgrader preprocessors of the course's hardened grading path."""
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor


def _is_test_cell(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


class ClearHiddenTestsOfTestCells(ClearHiddenTests):
    """nbgrader's ClearHiddenTests for the test cells only: a student's answer may hold the text of
    the markers (pasted from somewhere), which nbgrader would take for a misplaced hidden region
    and fail the whole feedback on."""

    def preprocess_cell(self, cell, resources, index):
        if _is_test_cell(cell):
            return super().preprocess_cell(cell, resources, index)
        return cell, resources


class ShortTestErrors(NbGraderPreprocessor):
    """In feedback, show a failing test cell's error as ``Name: message`` only.

    nbgrader's ClearHiddenTests removes hidden tests from the cell's source, but the traceback of a
    failing hidden assert still prints the hidden lines. The assert message is written for the
    student; the traceback is not.
    """

    def preprocess_cell(self, cell, resources, index):
        if _is_test_cell(cell):
            for out in cell.outputs:
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: {out.evalue}"]
        return cell, resources


class StderrIsNotFailure(NbGraderPreprocessor):
    """A test cell passes or fails by its errors, not by what it printed to stderr.

    nbgrader scores a test cell 0 when it has any stderr output, so a ``warnings.warn`` in a correct
    function would cost the student the test. The text stays visible, marked as stderr.
    """

    def preprocess_cell(self, cell, resources, index):
        if _is_test_cell(cell):
            for out in cell.outputs:
                if out.output_type == "stream" and out.name == "stderr":
                    out.name = "stdout"
                    out.text = "[stderr] " + out.text
        return cell, resources


class SanitizeStudentText(SanitizeHTML):
    """In feedback, the markdown a student wrote (manually graded answers) keeps no raw HTML that
    could run (script, event handlers), and no output shows HTML or JavaScript. The release's own
    markdown is the instructor's and is left as it is."""

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and not meta.get("solution"):
            return cell, resources
        if cell.cell_type == "raw":
            cell.source = ""
            return cell, resources
        return super().preprocess_cell(cell, resources, index)
