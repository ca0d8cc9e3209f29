"""nbgrader preprocessors of the course."""
from nbgrader.preprocessors import NbGraderPreprocessor


class ShortTestErrors(NbGraderPreprocessor):
    """In feedback, show a failing test cell's error as ``Name: message`` only.

    nbgrader's ClearHiddenTests removes hidden tests from the cell's source, but the traceback of a
    failing hidden assert still prints the hidden lines. The assert message is written for the
    student; the traceback is not.
    """

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            for out in cell.outputs:
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: {out.evalue}"]
        return cell, resources
