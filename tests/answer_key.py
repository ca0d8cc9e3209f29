"""The callables a student can read in a student edition, ready to paste into an answer cell.

Used by tests/test_answer_key.py. A *candidate* is a top-level function or class of a file of the
edition (the support package, a lecture notebook or the code shown on a lecture's page, an
exercise's provided cells, a released solution notebook), with what it needs from its own file: the
file's imports, and the functions, classes and constants it uses, transitively. Pasted under a graded
name, it is what a student copying it into the answer would hand in.
"""
import ast
import copy
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

_MAGIC = re.compile(r"^\s*[%!].*$", re.M)
_PAGE_CODE = re.compile(r'<div class="highlight hl-python[^"]*"><pre>(.*?)</pre>', re.S)  # nbconvert's code cells
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Signature:
    kind: str  # "def" or "class" (the parameters of __init__ after self)
    required: int
    most: float  # math.inf with *args

    def fits(self, graded):
        """Whether a call the graded signature accepts positionally is one this accepts too."""
        return self.kind == graded.kind and self.required <= graded.required and self.most >= graded.most


@dataclass(frozen=True)
class Candidate:
    origin: str  # the file of the edition it comes from
    name: str
    signature: Signature
    needs: str  # the source of the imports, functions, classes and constants it uses

    def pasted_as(self, graded_name):
        """The source to paste: its needs, then the callable bound to ``graded_name`` too."""
        alias = f"\n{graded_name} = {self.name}\n" if graded_name != self.name else "\n"
        return f"# {self.name} from {self.origin}\n{self.needs}{alias}"


def signature(node):
    """The :class:`Signature` of a ``def`` or ``class`` node, or None when it cannot be called
    positionally (a keyword-only parameter without a default)."""
    if isinstance(node, ast.ClassDef):
        init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is None:
            return Signature("class", 0, 0)
        inner = signature(init)
        return inner and Signature("class", max(inner.required - 1, 0), inner.most - 1)
    args = node.args
    if any(default is None for default in args.kw_defaults):
        return None
    positional = len(args.posonlyargs) + len(args.args)
    return Signature("def", positional - len(args.defaults), math.inf if args.vararg else positional)


def callables(tree):
    """{name: signature} of the top-level functions and classes of a parsed module."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and signature(node):
            found[node.name] = signature(node)
    return found


# --------------------------------------------------------------------------------------------
# Reading an edition
# --------------------------------------------------------------------------------------------
def readable_code(edition):
    """{file of the edition: its code as one module's source} for every file a student can read."""
    edition = Path(edition)
    code = {}
    for path in sorted((edition / "lmcourse").rglob("*.py")):
        code[_rel(path, edition)] = _absolute_imports(path.read_text(), _package(path, edition))
    for pattern in ("lectures/*.ipynb", "exercises/*/*.ipynb", "released-solutions/*/*.ipynb"):
        for path in sorted(edition.glob(pattern)):
            code[_rel(path, edition)] = readable_code_of_cells(nbformat.read(path, as_version=4).cells)
    for path in sorted(edition.glob("lectures/*.html")):
        shown = [html.unescape(_TAG.sub("", block)) for block in _PAGE_CODE.findall(path.read_text())]
        code[_rel(path, edition)] = _joined(shown)
    return code


def readable_code_of_cells(cells):
    """The code cells of a notebook, answer cells left out, as one module's source."""
    return _joined([c.source for c in cells if c.cell_type == "code" and not _is_answer(c)])


def candidates(edition):
    """Every :class:`Candidate` of ``edition``."""
    found, seen = [], set()
    for origin, source in readable_code(edition).items():
        tree = ast.parse(source)
        for name, sig in callables(tree).items():
            needs = _needs(tree, name)
            if (name, needs) not in seen:  # the same code in two files (an exercise and its released solution)
                seen.add((name, needs))
                found.append(Candidate(origin, name, sig, needs))
    return found


def _rel(path, edition):
    return str(path.relative_to(edition))


def _is_answer(cell):
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def _joined(sources):
    """The cells that parse (magics left out) as one module's source."""
    parts = []
    for source in sources:
        source = _MAGIC.sub("", source)
        try:
            ast.parse(source)
        except SyntaxError:
            continue
        parts.append(source)
    return "\n\n".join(parts)


def _package(path, edition):
    parts = path.relative_to(edition).with_suffix("").parts
    return ".".join(parts if path.name == "__init__.py" else parts[:-1]).removesuffix(".__init__")


def _absolute_imports(source, package):
    """``source`` with its relative imports (``from .x import y``) made absolute."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            node.module, node.level = ".".join(base + ([node.module] if node.module else [])), 0
    return ast.unparse(tree)


# --------------------------------------------------------------------------------------------
# What a callable needs from its file
# --------------------------------------------------------------------------------------------
def _needs(tree, name):
    """The source of what defines ``name`` in ``tree`` and of what it uses, transitively: functions,
    classes, constants and the imports they name, in the file's order. Imports and constants are
    each allowed to fail (a constant computed from a value of the file that is not copied)."""
    statements = [node for node in tree.body if _defines(node)]
    where = {}
    for i, node in enumerate(statements):
        for defined in _defines(node):
            where[defined] = i  # the last definition wins, as when the file runs
    keep, todo = set(), [where[name]]
    while todo:
        i = todo.pop()
        if i not in keep:
            keep.add(i)
            todo += [where[n] for n in _uses(statements[i]) if n in where and _copyable(statements[where[n]])]
    return "\n".join(_guarded(statements[i]) for i in sorted(keep))


def _guarded(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return ast.unparse(node)
    body = ast.unparse(node).replace("\n", "\n    ")
    return f"try:\n    {body}\nexcept Exception:\n    pass"


def _defines(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(node, ast.Import) or isinstance(node, ast.ImportFrom) and node.module != "__future__":
        return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    return []


def _copyable(node):
    """Functions, classes and constants: nothing that runs work (training, loading) when pasted."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return node.value is not None and not any(isinstance(n, ast.Call) for n in ast.walk(node.value))
    return True


def _uses(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


# --------------------------------------------------------------------------------------------
# Trying candidates in one kernel
# --------------------------------------------------------------------------------------------
class Screen:
    """One kernel running a unit's notebook as the grader does (the release's answer cells, the
    source's test cells with their hidden tests), in which candidates are tried one at a time.

    Each candidate runs in a child of the kernel forked after the notebook ran (:data:`_TRY`), with
    the test cells that name the graded name it is pasted under: one request to the kernel each, so
    cheap enough to try every candidate, and the next one meets the untouched release."""

    def __init__(self, source, release, folder, seconds=30):
        from nbclient import NotebookClient

        stubs = {c.metadata["nbgrader"]["grade_id"]: c.source for c in release.cells if _is_answer(c)}
        self.nb = copy.deepcopy(source)
        for cell in self.nb.cells:
            if _is_answer(cell):
                cell.source = stubs[cell.metadata["nbgrader"]["grade_id"]]
        self.tests = {c.metadata["nbgrader"]["grade_id"]: c for c in self.nb.cells if _is_test(c)}
        self._names = {t: _loaded_names(c.source) for t, c in self.tests.items()}
        self.seconds = seconds  # for one candidate's tests
        self.client = NotebookClient(self.nb, timeout=2 * seconds + 60, allow_errors=True, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})

    def __enter__(self):
        import os

        # one thread: a child forked while OpenMP's team of threads exists waits for it forever
        threads = {k: "1" for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
        env = dict(os.environ, LMCOURSE_AUTOGRADING="1", MPLBACKEND="Agg", **threads)
        self._kernel = self.client.setup_kernel(env=env)
        self._kernel.__enter__()
        for i, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code":
                self.client.execute_cell(cell, i)
        self._run(_TRY + f"\n_answer_key_tests = {({t: c.source for t, c in self.tests.items()})!r}")
        return self

    def __exit__(self, *exc):
        return self._kernel.__exit__(*exc)

    def tested_with(self, name):
        """Every name the test cells of ``name`` read (the other graded names they call among them)."""
        return set().union(*[names for names in self._names.values() if name in names])

    def passing(self, pasted, name):
        """The test cells naming ``name`` that pass once ``pasted`` ({graded name: Candidate}) is pasted."""
        code = "\n\n".join(c.pasted_as(n) for n, c in pasted.items())
        tests = sorted(t for t, names in self._names.items() if name in names)
        cell = self._run(f"_answer_key_try({code!r}, {tests!r}, {self.seconds}, {_imported(code)!r})")
        [report] = "".join(out.get("text", "") for out in cell.outputs if out.get("name") == "stdout").split()
        return set(report.split(",")) - {"-"}

    def _run(self, source):
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, 0, store_history=False)
        return cell


# Defined in the kernel. A forked child pastes and runs the tests, so nothing a candidate changes
# (a name, or a list a test passes it) reaches the next one; it reports the tests that passed
# ("-" for none) through a pipe, and dies at the time limit.
_TRY = """
def _answer_key_try(code, tests, seconds, modules):
    import contextlib, importlib, io, os, signal
    shell = get_ipython()
    for module in modules:  # once in the kernel, not in every child (torch takes a second)
        try:
            importlib.import_module(module)
        except Exception:
            pass
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        signal.alarm(seconds)

        def run(source):
            try:
                exec(compile(shell.transform_cell(source), "<answer-key>", "exec"), shell.user_ns)
            except Exception:
                return False
            return True

        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                run(code)
                passed = [t for t in tests if run(_answer_key_tests[t])]
            os.write(write, (",".join(passed) or "-").encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = pipe.read()
    os.waitpid(pid, 0)
    print(report or "-")
"""


def _imported(code):
    """The modules ``code`` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return sorted(found)


def _is_test(cell):
    info = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(info.get("grade")) and not info.get("solution")


def _loaded_names(source):
    """The names ``source`` reads."""
    try:
        return _uses(ast.parse(_MAGIC.sub("", source)))
    except SyntaxError:
        return set()
