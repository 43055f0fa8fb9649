"""A static screen for code that reaches for the grading machinery (autograder.integrity).

It cannot change a verdict (hidden tests run in the grader, outside the kernel), so what it finds
is a note for the instructor, naming the cell and line, when code the student controls
- monkeypatches an imported module or object (`np.testing.assert_allclose = ...`, builtins),
- rebinds a name the lab's set-up cells import or define (`def check_close(...)`), or
  AssertionError,
- reaches for the machinery: get_ipython() (event hooks, input transformers), globals(),
  exec/eval, sys.modules, frames, __code__ and friends, or IPython magics that load code.
The rules are few and narrow, so that honest code stays unremarked (the real labs' solutions are
tested), and obfuscated code gets past them: the note is a pointer for a person, not a defence.
Locked cells are not screened: nbgrader puts their original source back before they run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nbformat import NotebookNode

EXCEPTIONS = {"AssertionError", "Exception", "BaseException"}
FORBIDDEN_NAMES = {"get_ipython", "__builtins__", "__import__", "globals", "locals", "exec", "eval", "compile"}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {
    "__dict__", "__code__", "__globals__", "__closure__", "__subclasses__", "__bases__",
    "__builtins__", "f_globals", "f_locals", "f_back", "f_builtins", "tb_frame", "gi_frame",
    "_getframe", "currentframe", "settrace", "setprofile", "excepthook", "displayhook",
    "meta_path", "path_hooks", "ast_transformers", "input_transformers_post", "events",
}  # fmt: skip
FORBIDDEN_MODULES = {"ctypes", "gc", "importlib", "ipykernel", "jupyter_client", "zmq"}
ALLOWED_IPYTHON = {"IPython.display"}
SAFE_MAGICS = {
    "matplotlib", "time", "%time", "timeit", "%timeit", "capture", "who", "whos", "pinfo",
    "pinfo2", "pdoc", "psource", "precision", "pprint", "html", "markdown", "latex", "svg",
    "pip", "conda", "xmode", "history", "lsmagic", "magic", "pwd", "env", "prun", "%prun",
}  # fmt: skip
OPTION_ROOTS = {("pandas", "options"), ("matplotlib", "rcParams")}


@dataclass(frozen=True)
class Finding:
    cell: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"cell {self.cell}, line {self.line}: {self.what}"


def cell_label(cell: NotebookNode, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return repr(grade_id) if grade_id else f"#{index + 1}"


def _tree(source: str) -> ast.Module | None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))  # type: ignore[no-untyped-call]
    except SyntaxError:  # it will fail when it runs; that is not tampering
        return None


def _bindings(tree: ast.Module) -> list[tuple[str, str, str | None]]:
    found: list[tuple[str, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                found.append(
                    (a.asname, a.name, None)
                    if a.asname
                    else (a.name.split(".")[0], a.name.split(".")[0], None)
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [
                (a.asname or a.name, node.module, a.name) for a in node.names if a.name != "*"
            ]
    return found


def _root(node: ast.expr) -> tuple[str | None, list[str]]:
    """`a.b.c` -> ("a", ["b", "c"]); anything not a plain attribute chain -> (None, [])."""
    chain: list[str] = []
    while isinstance(node, ast.Attribute):
        chain.insert(0, node.attr)
        node = node.value
    return (node.id, chain) if isinstance(node, ast.Name) else (None, [])


class _Screen(ast.NodeVisitor):
    """Finds tampering in one student cell; `imported` maps names to the module they come from."""

    def __init__(
        self, label: str, protected: dict[str, tuple[str, str | None]], imported: dict[str, str]
    ):
        self.label, self.protected, self.imported = label, protected, imported
        self.findings: list[Finding] = []
        self.depth = 0  # inside a def or class: local names are harmless

    def flag(self, node: ast.AST, what: str) -> None:
        self.findings.append(Finding(self.label, getattr(node, "lineno", 0), what))

    def bind(self, node: ast.AST, name: str, same: tuple[str, str | None] | None = None) -> None:
        if name in EXCEPTIONS:
            self.flag(node, f"rebinds {name}")
        elif name in self.protected and self.protected[name] != same:
            self.flag(node, f"redefines {name}, which the tests use")

    def target(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name) and self.depth == 0:
            self.bind(node, node.id)
        elif isinstance(node, ast.Tuple | ast.List):
            for element in node.elts:
                self.target(element)
        elif isinstance(node, ast.Starred):
            self.target(node.value)
        elif isinstance(node, ast.Attribute):
            root, chain = _root(node)
            if (
                root in self.imported
                and (self.imported[root].split(".")[0], chain[0]) not in OPTION_ROOTS
            ):
                self.flag(node, f"changes {self.imported[root]}.{'.'.join(chain)} (monkeypatching)")
        elif isinstance(node, ast.Subscript):
            root, chain = _root(node.value)
            if root is not None and ("modules" in chain or root in ("__builtins__",)):
                self.flag(node, "changes sys.modules")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.target(target)
        root, chain = _root(node.value)
        if root in self.imported:  # `t = np.testing`: t is imported too
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.imported[target.id] = ".".join([self.imported[root], *chain])
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.target(node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.target(node.target)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self.target(target)

    def visit_For(self, node: ast.For) -> None:
        self.target(node.target)
        self.generic_visit(node)

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            self.target(node.optional_vars)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.target(node.target)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self.bind(node, name)

    def _scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if self.depth == 0:
            self.bind(node, node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.depth += 1
        for statement in node.body:
            self.visit(statement)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        module = getattr(node, "module", None) or ""
        for name, source, attr in _bindings(ast.Module(body=[node], type_ignores=[])):
            full = f"{source}.{attr}" if attr else source
            top = full.split(".")[0]
            if top in FORBIDDEN_MODULES or (
                top == "IPython" and full not in ALLOWED_IPYTHON and module not in ALLOWED_IPYTHON
            ):
                self.flag(node, f"imports {full}")
            if self.depth == 0:
                self.bind(node, name, (source, attr))
            self.imported[name] = full

    visit_ImportFrom = visit_Import

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Call):
            inner = function.value.func
            if isinstance(inner, ast.Name) and inner.id == "get_ipython":  # magics, shell escapes
                magic = (
                    str(node.args[0].value)
                    if node.args and isinstance(node.args[0], ast.Constant)
                    else None
                )
                if function.attr in ("system", "getoutput") or magic in SAFE_MAGICS:
                    for argument in node.args:
                        self.visit(argument)
                    return
                self.flag(node, f"uses the %{magic} magic" if magic else "uses get_ipython()")
                return
        if isinstance(function, ast.Name) and function.id in ("setattr", "delattr") and node.args:
            root, _ = _root(node.args[0])
            if root in self.imported:
                self.flag(node, f"calls {function.id} on {self.imported[root]} (monkeypatching)")
        if isinstance(function, ast.Name) and function.id == "vars" and not node.args:
            self.flag(node, "uses vars()")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in FORBIDDEN_NAMES:
            self.flag(node, f"uses {node.id}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        root, chain = _root(node)
        if node.attr in FORBIDDEN_ATTRIBUTES or (
            chain[:1] == ["modules"] and self.imported.get(root or "") == "sys"
        ):
            self.flag(node, f"uses .{node.attr}")
        self.generic_visit(node)


def screen(nb: NotebookNode, release: NotebookNode) -> list[Finding]:
    """Tampering in the code cells a student controls (all but the locked cells nbgrader restores)."""
    locked = {
        c.metadata["nbgrader"]["grade_id"]
        for c in release.cells
        if c.metadata.get("nbgrader", {}).get("locked")
    }
    protected: dict[str, tuple[str, str | None]] = {}
    imported: dict[str, str] = {}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("locked"):
            tree = _tree(cell.source)
            setup = not meta.get("grade")  # what the tests rely on; a test defines its own helpers
            for name, module, attr in _bindings(tree) if tree else []:
                imported[name] = f"{module}.{attr}" if attr else module
                if setup:
                    protected[name] = (module, attr)
            for node in tree.body if tree and setup else []:
                if isinstance(node, ast.FunctionDef | ast.ClassDef):
                    protected[node.name] = ("<lab>", node.name)
    last = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(nb.cells)}
    findings: list[Finding] = []
    for index, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or (grade_id in locked and last[grade_id] == index):
            continue  # replaced by the lab's own source before it runs
        tree = _tree(cell.source)
        if tree is not None:
            visitor = _Screen(cell_label(cell, index), protected, imported)
            visitor.visit(tree)
            findings += visitor.findings
    return findings
