"""Static checks of student code for tricks that could earn undeserved credit.

A flagged submission is still executed and scored, but its score is withheld and it is listed for
manual review with the reasons. The checks are deliberately broad: ordinary answers to the course's
exercises (NumPy, PyTorch, collections, math) never need any of these constructs.
"""
import ast
import re

# Names whose mere use in an answer needs a human look: IPython internals, interpreter hooks,
# dynamic code and reflection that could reach them without naming them.
SUSPICIOUS_NAMES = {
    "get_ipython": "uses IPython internals (get_ipython)",
    "__builtins__": "touches __builtins__",
    "builtins": "touches the builtins module",
    "exec": "runs dynamic code (exec)",
    "eval": "runs dynamic code (eval)",
    "compile": "compiles code at run time",
    "__import__": "imports dynamically (__import__)",
    "globals": "reflects on the namespace (globals)",
    "vars": "reflects on the namespace (vars)",
    "locals": "reflects on the namespace (locals)",
    "setattr": "sets attributes dynamically (setattr)",
    "delattr": "deletes attributes (delattr)",
}
SUSPICIOUS_ATTRS = {
    "input_transformers_cleanup", "input_transformers_post", "ast_transformers", "set_custom_exc",
    "custom_exceptions", "excepthook", "displayhook", "showtraceback", "run_cell", "events",
    "settrace", "setprofile", "_getframe", "f_globals", "f_locals", "f_back", "environ", "getenv", "getcwd",
}
# Any sign of asking whether the code runs under the autograder (names, or strings in the code).
GRADING_NAMES = {"grading", "budget", "autograding"}
GRADING_TEXT = re.compile(r"LMCOURSE_|(?i:autograd)|/proc/self")
SUSPICIOUS_MODULES = {"builtins", "ctypes", "gc", "inspect", "importlib", "IPython", "sys", "ipykernel", "traitlets", "dis", "types"}
# Support-package modules that implement what some exercise asks students to write.
REFERENCE_MODULES = ("lmcourse.reference",)
ALLOWED_DUNDERS = {"__init__", "__name__", "__doc__", "__len__", "__repr__", "__str__", "__eq__", "__hash__", "__iter__",
                   "__next__", "__getitem__", "__setitem__", "__contains__", "__call__", "__enter__", "__exit__", "__lt__", "__post_init__"}
ALLOWED_MAGICS = ("%matplotlib", "%time", "%timeit", "%%time", "%%timeit")


def protected_names(locked_sources):
    """Names bound at the top level of the notebook's locked cells (imports, helpers, test data)."""
    names = set()
    for source in locked_sources:
        try:
            tree = ast.parse(_strip_magics(source)[0])
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {n for t in targets for n in _bound_names(t)}
    return names


def _strip_magics(source):
    """(the Python IPython would run for ``source``, the magic and shell lines found).

    The arguments of the allowed timing magics are code, and are kept as code to be scanned."""
    kept, magics = [], []
    lines = source.splitlines()
    if lines and lines[0].strip().startswith(("%%time", "%%timeit")):
        magics.append(lines[0].strip())
        lines = [""] + lines[1:]
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%time ", "%timeit ")):
            magics.append(stripped)
            kept.append(line[:len(line) - len(stripped)] + stripped.split(None, 1)[1] if len(stripped.split(None, 1)) > 1 else "")
        elif stripped.startswith(("%", "!")):
            magics.append(stripped)
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept), magics


def _python_of(code):
    """The code as IPython would run it (its other syntax, such as ``x?``, turned into Python)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(code)


def _bound_names(target):
    """Names an assignment target binds (not the objects whose attributes or items it sets)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _bound_names(elt)]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    return []


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def scan_cell(source, protected, own_names=()):
    """Reasons (a list of str) why this student cell needs manual review; empty when none."""
    code, magics = _strip_magics(source)
    reasons = [f"uses the IPython magic or shell command {m.split()[0]!r}" for m in magics if not m.startswith(ALLOWED_MAGICS)]
    try:
        tree = ast.parse(code)
    except SyntaxError:
        try:
            tree = ast.parse(_python_of(code))
        except SyntaxError:
            try:
                ast.parse(_python_of(source))
            except SyntaxError:
                return reasons  # IPython cannot run it either: it will simply fail
            return reasons + ["the cell could not be analysed"]
    if GRADING_TEXT.search(code) or any(isinstance(n, ast.Name) and n.id in GRADING_NAMES or
                                        isinstance(n, ast.Attribute) and n.attr in GRADING_NAMES for n in ast.walk(tree)):
        reasons.append("refers to the autograder or its environment")
    # Names that hold modules or the notebook's helpers: the locked cells' names, whatever this cell
    # imports, and aliases made from either (m = math), whose attributes must not be set.
    modules = set(protected)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute)) and _root_name(node.value) in modules:
            modules |= {n for t in node.targets for n in _bound_names(t)}
    allowed_rebind = set(own_names)
    for node in tree.body:  # top-level rebinding of a name the tests rely on
        bound = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound = [n for t in targets for n in _bound_names(t)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            # re-importing a module under its usual name is harmless; binding another object is not
            bound = [(a.asname or a.name).split(".")[0] for a in node.names
                     if a.asname and isinstance(node, ast.ImportFrom)]
        for name in bound:
            if name in protected and name not in allowed_rebind:
                reasons.append(f"redefines {name!r}, which the notebook's locked cells define")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in SUSPICIOUS_NAMES:
            reasons.append(SUSPICIOUS_NAMES[node.id])
        elif isinstance(node, ast.Attribute):
            if node.attr in SUSPICIOUS_ATTRS:
                reasons.append(f"uses the attribute {node.attr!r}")
            elif node.attr.startswith("__") and node.attr not in ALLOWED_DUNDERS:
                reasons.append(f"uses the special attribute {node.attr!r}")
            if isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node.value) in modules:
                reasons.append(f"modifies {ast.unparse(node)!r}, part of a library or of the notebook's helpers")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom):
                mods += [f"{node.module}.{a.name}" for a in node.names]
            for mod in mods:
                if mod.split(".")[0] in SUSPICIOUS_MODULES or mod.startswith("lmcourse.grading"):
                    reasons.append(f"imports {mod!r}")
                elif mod.startswith(REFERENCE_MODULES):
                    reasons.append(f"imports the course's reference code {mod!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
            attr = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str) and not attr.value.startswith("__")):
                reasons.append("reads attributes dynamically (getattr)")
    return list(dict.fromkeys(reasons))
