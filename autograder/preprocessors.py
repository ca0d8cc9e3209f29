"""nbgrader preprocessors of the course's hardened grading path."""
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer


def _is_test_cell(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


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


class CapOutputBytes(NbGraderPreprocessor):
    """Cap every cell's output in bytes (nbgrader's LimitOutput counts lines, so one 50 MB line
    would pass whole into the feedback)."""

    max_bytes = Integer(20_000, help="largest output of one cell kept, in bytes").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        budget = self.max_bytes
        kept = []
        for out in cell.outputs:
            if budget <= 0:
                break
            if out.output_type == "stream":
                out.text, budget = _cut(out.text, budget)
            elif out.output_type == "error":
                out.evalue, budget = _cut(out.evalue, budget)
                out.traceback = [_cut(line, 2_000)[0] for line in out.traceback[-30:]]
            elif "data" in out:
                for mime in list(out.data):
                    value = out.data[mime] if isinstance(out.data[mime], str) else str(out.data[mime])
                    if len(value) > budget:
                        del out.data[mime]
                    else:
                        budget -= len(value)
                if not out.data:
                    out.data = {"text/plain": "[output removed: over the size limit]"}
            kept.append(out)
        if len(kept) < len(cell.outputs) or budget <= 0:
            kept.append({"output_type": "stream", "name": "stdout", "text": f"\n[output truncated at {self.max_bytes} bytes]\n"})
        cell.outputs = [o if hasattr(o, "output_type") else _node(o) for o in kept]
        return cell, resources


def _node(d):
    from nbformat import from_dict

    return from_dict(d)


def _cut(text, budget):
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= budget:
        return text, budget - len(encoded)
    return encoded[:max(budget, 0)].decode("utf-8", "ignore"), 0
