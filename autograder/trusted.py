"""The trusted side of grading: the tests run here, in the grader's process, never in the kernel.

:class:`GradingPlan` reads the instructor's source notebook and gives each cell a role:

- ``answer``: a cell the student writes. The names its reference solution defines become proxies
  (:class:`autograder.channel.peer.KernelGlobal`) in the tests' namespace: calling one runs the
  student's code in the kernel;
- ``test``: a graded test cell, run here in full (visible and hidden tests); the kernel never
  receives its source;
- ``fixture``: a locked cell that the test cells need (imports, helpers, test data). It runs in the
  kernel as part of the notebook *and* here, so that the tests use their own copy of it whatever
  the student's code does to the kernel's;
- ``kernel``: every other cell (text, the notebook's own training and tables): the kernel only.

:class:`TrustedRunner` holds the tests' namespace for one submission and turns a test cell into a
:class:`Verdict`. Grades are these verdicts: nothing the student prints, patches or transforms in
the kernel reaches them.
"""
import ast
import builtins
import io
import random
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field

from autograder.channel.peer import TESTS, KernelGlobal, KernelNamespace, Peer, RemoteError
from autograder.channel.wire import WireError

MAX_TEST_OUTPUT = 10_000


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell):
    meta = _meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def strip_magics(source):
    """Source with IPython magic and shell lines blanked (the tests' process is plain Python)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def defined_names(source):
    """Names bound at the top level of ``source`` (def, class, import, assignment)."""
    try:
        tree = ast.parse(strip_magics(source))
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        else:
            names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def used_names(source):
    """Names a cell reads that it does not bind anywhere itself (an over-approximation is safe)."""
    try:
        tree = ast.parse(strip_magics(source))
    except SyntaxError:
        return set()
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return loaded - bound - set(dir(builtins))


@dataclass
class CellRole:
    kind: str  # answer | test | fixture | kernel
    source: str = ""  # the instructor's source (tests and fixtures)
    names: tuple = ()  # answer: the names the reference solution defines
    calls_kernel: bool = False  # fixture: it uses answer names, so the kernel must serve while it runs
    partial_credit: bool = False  # test: the cell's last expression is its score (metadata lmcourse.partial_credit)


@dataclass
class GradingPlan:
    roles: dict = field(default_factory=dict)  # grade_id -> CellRole

    @classmethod
    def from_source(cls, source_nb):
        """The plan of the instructor's notebook ``source_nb`` (cells, in order, with grade ids)."""
        cells = [c for c in source_nb.cells if c.get("cell_type") == "code" and _meta(c).get("grade_id")]
        roles = [_first_role(c) for c in cells]
        known, before = {}, []  # before[i]: name -> index of the last cell before cell i that binds it
        for cell, role in zip(cells, roles):
            before.append(dict(known))
            for name in role.names if role.kind == "answer" else defined_names(cell.source):
                known[name] = len(before) - 1
        pending = [i for i, role in enumerate(roles) if role.kind == "test"]
        while pending:  # the locked cells the tests need, and the locked cells those need in turn
            i = pending.pop()
            for j in [before[i][n] for n in used_names(cells[i].source) if n in before[i]]:
                if roles[j].kind == "kernel":
                    roles[j].kind = "fixture"
                    pending.append(j)
        for i, role in enumerate(roles):
            if role.kind == "fixture":
                definers = (before[i].get(n) for n in used_names(role.source))
                role.calls_kernel = any(roles[j].kind == "answer" for j in definers if j is not None)
        return cls({_meta(c)["grade_id"]: role for c, role in zip(cells, roles)})

    def role(self, cell):
        """The role of an executed cell (a cell the student added has none: ``kernel``)."""
        return self.roles.get(_meta(cell).get("grade_id"), CellRole("kernel"))


def _first_role(cell):
    meta = _meta(cell)
    if meta.get("solution"):
        return CellRole("answer", names=tuple(sorted(defined_names(cell.source))))
    if meta.get("grade"):
        partial = bool(cell.get("metadata", {}).get("lmcourse", {}).get("partial_credit"))
        return CellRole("test", source=cell.source, partial_credit=partial)
    return CellRole("kernel", source=cell.source)


@dataclass
class Verdict:
    passed: bool
    printed: str = ""  # what the tests themselves printed
    ename: str = ""
    evalue: str = ""
    student_traceback: str = ""  # the student's own frames, when the student's code raised
    score: float = None  # partial credit, only for cells written for it


class Abandoned(Exception):
    """The kernel stopped serving (its cell ended, it died, or the time ran out)."""


class _CappedText(io.StringIO):
    def write(self, s):
        room = MAX_TEST_OUTPUT - self.tell()
        if room > 0:
            super().write(s[:room])
        return len(s)


class TrustedRunner:
    """The tests' namespace for one submission and the channel to its kernel."""

    def __init__(self, plan, sock):
        self.plan = plan
        self._abandon = None
        self.peer = Peer(sock, TESTS, poll=self._poll)
        self.ns = {"__builtins__": builtins, "__name__": "__lmcourse_tests__", "KERNEL": KernelNamespace(self.peer)}
        _seed_everything()

    def _poll(self):
        if self._abandon is not None and self._abandon():
            raise Abandoned("the notebook's kernel stopped answering the tests")

    def bind_answer(self, role):
        """After an answer cell: its names refer to the student's definitions."""
        for name in role.names:
            self.ns[name] = KernelGlobal(self.peer, name)

    def run(self, role, abandon, deadline, session=None):
        """Run a test or fixture cell here; ``abandon()`` is true once the kernel stops serving.
        ``session``: the kernel serves this cell under that name, and is told when it ends."""
        self._abandon = lambda: abandon() or time.monotonic() > deadline
        self.peer.session = session
        out = _CappedText()
        try:
            with redirect_stdout(out), redirect_stderr(out):
                score = self._execute(role)
            verdict = Verdict(True, score=score)
        except RemoteError as exc:
            verdict = Verdict(False, ename=exc.remote_type, evalue=f"{exc} (raised by your code)" if str(exc) else "(raised by your code)",
                              student_traceback=exc.remote_traceback)
        except (Abandoned, WireError) as exc:
            verdict = Verdict(False, ename="GradingError", evalue=f"the test could not finish: {exc}")
        except Exception as exc:  # noqa: BLE001 (the test's own verdict: an assert, or a wrong result's TypeError)
            verdict = Verdict(False, ename=type(exc).__name__, evalue=str(exc))
        verdict.printed = out.getvalue()
        if session is not None:
            self._finish_cell()
        return verdict

    def _execute(self, role):
        code = strip_magics(role.source)
        if not role.partial_credit:
            exec(compile(code, "<test>", "exec"), self.ns)  # noqa: S102 (the instructor's test code)
            return None
        tree = ast.parse(code)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<test>", "exec"), self.ns)  # noqa: S102
        if last is None:
            return None
        value = eval(compile(ast.Expression(last.value), "<test>", "eval"), self.ns)  # noqa: S307
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def _finish_cell(self):
        try:
            self.peer.end()
        except OSError:
            pass  # the kernel is gone; its cell reports that


def _seed_everything(seed=0):
    """Every submission's tests start from the same random state, whatever was graded before."""
    random.seed(seed)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
