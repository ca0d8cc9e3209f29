"""The last line of defence for hidden tests: no feedback shows their text.

The kernel never receives hidden-test source (the tests run in the grader's process), so no trick
in the student's code can print it. Feedback could still show it if a test's own message quoted
it, or if the student's answer held a copy. :class:`HiddenText` knows every line of the hidden
tests that the release does not show, and every long fragment of one; :meth:`HiddenText.scrub`
cuts them out of any text, and :meth:`HiddenText.scrub_notebook` out of every output and every
cell the student wrote, counting what it removed (the row notes it).
"""
import ast
import bisect
import functools
import html
import re
from pathlib import Path

import nbformat

from autograder.trusted import is_test_cell

MIN_LINE = 25  # shorter hidden lines (`x = 1`, `for t in range(T):`) say nothing on their own
FRAGMENT = 40  # a window of this many characters of a long hidden line counts as a fragment of it
ANCHOR = FRAGMENT // 2
REMOVED = "[removed: text of a hidden test]"
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS", re.M | re.S)


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


class HiddenText:
    """The text of an assignment's hidden tests, less what the release shows anyway and what the
    reference solutions hold (code a student writes too: ``for t in range(T):``)."""

    def __init__(self, hidden_lines, visible_text):
        visible = _normal(visible_text)
        visible_lines = {line.strip() for line in visible_text.splitlines()}
        visible_windows = {visible[i:i + FRAGMENT] for i in range(len(visible) - FRAGMENT + 1)}
        self.lines = {line for line in (l.strip() for l in hidden_lines)
                      if len(line) >= MIN_LINE and line not in visible_lines and _normal(line) not in visible}
        self.fragments, self.anchors = set(), set()
        for line in self.lines:
            norm = _normal(line)
            fragments = {norm[i:i + FRAGMENT] for i in range(len(norm) - FRAGMENT + 1)} - visible_windows
            self.fragments |= fragments
            # every window of FRAGMENT characters holds one of the line's aligned blocks of ANCHOR
            # whole: a text is searched for the blocks (at C speed) and only windows around a hit
            # are looked up
            if fragments:
                self.anchors |= {norm[i:i + ANCHOR] for i in range(0, len(norm) - ANCHOR + 1, ANCHOR)}

    @classmethod
    def of(cls, source_nb, release_nb):
        tests = [cell.source for cell in source_nb.cells if is_test_cell(cell)]
        hidden = [line for source in tests for region in _HIDDEN.findall(source) for line in region.splitlines()]
        answers = [cell.source for cell in source_nb.cells if _meta(cell).get("solution")]
        # a failing test's message is written for the student: it is feedback, not a leak
        messages = [text for source in tests for text in failure_messages(source)]
        visible = "\n".join([cell.source for cell in release_nb.cells] + answers + messages)
        return cls(hidden, visible)

    def find(self, text):
        """(start, end) spans of ``text`` that show hidden-test text, merged."""
        spans = []
        for line in self.lines:
            start = text.find(line)
            while start >= 0:
                spans.append((start, start + len(line)))
                start = text.find(line, start + 1)
        if self.fragments and len(text) >= FRAGMENT:
            norm, index = _normal_with_index(text)
            hits = set()
            for anchor in self.anchors:
                at = norm.find(anchor)
                while at >= 0:
                    hits.update(range(max(0, at - FRAGMENT + ANCHOR), at + 1))
                    at = norm.find(anchor, at + 1)
            for i in sorted(hits):
                if norm[i:i + FRAGMENT] in self.fragments:
                    spans.append((index(i), index(i + FRAGMENT - 1) + 1))
        spans.sort()
        merged = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def scrub(self, text):
        """(``text`` without hidden-test text, number of passages removed)."""
        spans = self.find(text)
        for start, end in reversed(spans):
            text = text[:start] + REMOVED + text[end:]
        return text, len(spans)

    def scrub_notebook(self, nb):
        """Scrub every output and every student cell of ``nb`` in place; returns the number removed.

        Test cells' sources are left to nbgrader's ClearHiddenTests (they are the tests)."""
        removed = 0
        for cell in nb.cells:
            if cell.get("cell_type") == "code" and not is_test_cell(cell) and not _meta(cell).get("locked"):
                cell.source, n = self.scrub(cell.source)
                removed += n
            elif cell.get("cell_type") == "markdown" and _meta(cell).get("solution"):
                cell.source, n = self.scrub(cell.source)
                removed += n
            for out in cell.get("outputs", []):
                removed += self._scrub_output(out)
        return removed

    def _scrub_output(self, out):
        removed = 0
        for key in ("text", "evalue", "ename"):
            if isinstance(out.get(key), str):
                out[key], n = self.scrub(out[key])
                removed += n
        if isinstance(out.get("traceback"), list):
            lines = []
            for line in out["traceback"]:
                line, n = self.scrub(str(line))
                lines.append(line)
                removed += n
            out["traceback"] = lines
        data = out.get("data")
        if isinstance(data, dict) and isinstance(data.get("text/plain"), str):
            data["text/plain"], n = self.scrub(data["text/plain"])
            removed += n
        return removed

    @classmethod
    @functools.lru_cache(maxsize=32)
    def of_files(cls, source_path, release_path, stamp):
        """``of`` the two notebook files, kept per grading process (``stamp``: their modification times)."""
        return cls.of(nbformat.read(source_path, as_version=4), nbformat.read(release_path, as_version=4))

    @classmethod
    def for_files(cls, source_path, release_path):
        source_path, release_path = Path(source_path), Path(release_path)
        return cls.of_files(source_path, release_path, (source_path.stat().st_mtime_ns, release_path.stat().st_mtime_ns))

    def in_html(self, page):
        """How many passages of hidden-test text a rendered page shows (tags stripped, entities read)."""
        text = html.unescape(re.sub(r"<[^>]*>", "", page))
        return len(self.find(text))


def failure_messages(source):
    """The literal text of the messages a test cell's failures show: an ``assert``'s message, the
    arguments of a raised exception, ``msg=``/``err_msg=`` of NumPy's and torch's checks, and the
    values of a dict assigned to a name that starts with ``HINTS`` (messages that a test builds
    with ``.format`` and passes through its own helpers); for an f-string, its literal parts.
    Nothing when the cell does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            found.append(node.msg)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            found += node.exc.args
        elif isinstance(node, ast.Call):
            found += [k.value for k in node.keywords if k.arg in ("msg", "err_msg")]
        elif _assigns_hints(node):
            found += node.value.values
    return [c.value for expr in found for c in ast.walk(expr) if isinstance(c, ast.Constant) and isinstance(c.value, str)]


def _assigns_hints(node):
    """``HINTS_X = {...}``: a test cell's table of failure messages."""
    return (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
            and any(isinstance(t, ast.Name) and t.id.startswith("HINTS") for t in node.targets))


def _normal(text):
    """Text without whitespace, so that re-indented or re-wrapped copies still match."""
    return re.sub(r"\s+", "", text)


def _normal_with_index(text):
    """(``text`` without whitespace, a function from a position there to the position in ``text``)."""
    starts, norm_starts, parts, total = [], [], [], 0
    for match in re.finditer(r"\S+", text):
        starts.append(match.start())
        norm_starts.append(total)
        parts.append(match.group())
        total += len(parts[-1])

    def index(i):
        k = bisect.bisect_right(norm_starts, i) - 1
        return starts[k] + (i - norm_starts[k])

    return "".join(parts), index
