"""The submitted source, read by the grader: ownership rules checked from text, not live objects.

"Write your own softmax" is a rule about code, so it is checked on the code the student handed
in: the function must be defined by a `def` in one of their cells, and neither it nor any
notebook function it calls may reach the forbidden module, whether through an import (any alias,
any depth of `from ... import`), an attribute path (`labkit.sim.sampling.softmax`) or a string
handed to an import function. Nothing is executed. IPython syntax (magics, `!`) is turned into
Python by IPython's own transformer first, so a cell magic's body is read like any other code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from nbformat import NotebookNode

from labkit.checks import CheckFailed


def python_of(cell_source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        text: str = TransformerManager().transform_cell(cell_source)  # type: ignore[no-untyped-call]
    except Exception:  # the transformer fails on some broken input: read it as it is
        return cell_source
    return text


@dataclass
class SubmittedSource:
    """The code of the cells a student controls (answer cells and cells they added)."""

    cells: list[str]
    trees: list[ast.Module] = field(default_factory=list)
    functions: dict[str, ast.AST] = field(default_factory=dict)  # def, or name = lambda
    aliases: dict[str, str] = field(default_factory=dict)  # name -> module.path it is bound to
    # name -> what its assigned value refers to (`impl = sampling.softmax`, `f = pick(lib.x)`)
    bindings: dict[str, list[ast.AST]] = field(default_factory=dict)

    @classmethod
    def of_notebook(cls, nb: NotebookNode) -> SubmittedSource:
        """The student's cells; the lab's locked cells count for what their imports bind."""
        mine: list[str] = []
        given: list[str] = []
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.get("cell_type") == "code":
                (given if meta.get("locked") else mine).append(str(cell.get("source", "")))
        return cls.of_cells(mine, given)

    @classmethod
    def of_cells(cls, cells: Iterable[str], given: Iterable[str] = ()) -> SubmittedSource:
        source = cls(list(cells))
        for text in given:
            for tree in parse_cell(text):
                source._read_imports(tree)
        for text in source.cells:
            for tree in parse_cell(text):
                source.trees.append(tree)
                source._read_imports(tree)
                for node in module_level(tree.body):
                    source._read_definition(node)
        return source

    def _read_imports(self, tree: ast.AST) -> None:
        # Imports anywhere, a function's own included: stricter than Python's scoping, on purpose.
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    self.aliases[bound] = alias.name if alias.asname else bound
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _read_definition(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions[node.name] = node  # the last definition wins, as it runs
            return
        if isinstance(node, ast.ClassDef):  # `K.f` where `class K: f = staticmethod(...)`
            self.bindings.setdefault(node.name, []).append(node)
            return
        bound: list[tuple[ast.AST, ast.expr]] = []  # (target, value) of every module binding
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound += [(target, node.value) for target in targets]
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor)):
            bound.append((node.target, node.value if isinstance(node, ast.AugAssign) else node.iter))  # fmt: skip
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            bound += [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars]
        for part in _expressions(node):
            if isinstance(part, ast.NamedExpr):  # (impl := sampling.softmax)
                bound.append((part.target, part.value))
        for target, value in bound:
            for part in ast.walk(target):
                if isinstance(part, ast.Name):
                    if isinstance(value, ast.Lambda):
                        self.functions[part.id] = value
                    self.bindings.setdefault(part.id, []).append(value)

    def defines(self, name: str) -> bool:
        return name in self.functions

    def reaches(self, name: str, modules: Iterable[str]) -> list[str]:
        """What of `modules` the function `name` reaches, directly or through notebook functions."""
        forbidden = tuple(modules)
        seen: set[str] = set()
        found: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen or (current not in self.functions and current not in self.bindings):
                continue
            seen.add(current)
            nodes = [*([self.functions[current]] if current in self.functions else [])]
            nodes += self.bindings.get(current, [])
            for node, local in (pair for root in nodes for pair in scoped_walk(root)):
                path = _dotted(node)
                if path is not None:
                    head, _, rest = path.partition(".")
                    if isinstance(node, ast.Attribute):  # getattr-free spelling of a part
                        found.update(m for m in forbidden if node.attr == m.rsplit(".", 1)[-1])
                    # A function's own variable is not the notebook's name of the same spelling:
                    # what it holds is computed by expressions walked here anyway.
                    if head not in local:
                        full = self.aliases.get(head, head) + ("." + rest if rest else "")
                        found.update(m for m in forbidden if _within(full, m))
                        if head in self.functions or head in self.bindings:
                            todo.append(head)
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    # getattr(labkit.sim, "sampling"), __import__("labkit.sim.sampling")
                    found.update(m for m in forbidden if m in node.value or node.value == m.rsplit(".", 1)[-1])  # fmt: skip
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names]
                    module = node.module if isinstance(node, ast.ImportFrom) else None
                    for imported in names:
                        full = f"{module}.{imported}" if module else imported
                        found.update(m for m in forbidden if _within(full, m))
        return sorted(found)

    def require_own(self, name: str, *, not_from: Iterable[str], label: str | None = None) -> None:
        """The ownership rule: `name` is a `def` of the student's, reaching nothing in `not_from`."""
        label = label or name
        modules = list(not_from)
        if not self.defines(name):
            raise CheckFailed(
                f"where {label} is defined",
                "a function defined with `def` in your answer cell",
                "no `def " + name + "` in the cells you wrote",
                "write the function yourself in the answer cell; do not import it",
            )
        reached = self.reaches(name, modules)
        if reached:
            raise CheckFailed(
                f"what {label} calls",
                f"nothing from {', '.join(modules)}",
                ", ".join(reached),
                f"{', '.join(modules)} is the simulator's own code: write your own",
            )


# Cell magics whose body is Python that runs in the notebook's namespace.
CODE_MAGICS = {"time", "timeit", "capture", "prun", "debug", "python3"}


def parse_cell(text: str) -> list[ast.Module]:
    """The cell's code, and the code of the bodies of its code-running cell magics."""
    try:
        tree = ast.parse(python_of(text))
    except SyntaxError:
        return []
    trees = [tree]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_cell_magic"
            and len(node.args) == 3
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
            and node.args[0].value in CODE_MAGICS  # type: ignore[attr-defined]
        ):
            trees += parse_cell(str(node.args[2].value))  # type: ignore[attr-defined]
    return trees


def module_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """Statements that bind module-level names: through if/for/while/with/try, not into
    function or class bodies (a function's local `probs` is not the notebook's `probs`)."""
    for node in body:
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field_name in ("body", "orelse", "finalbody"):
            yield from module_level(getattr(node, field_name, []) or [])
        for handler in getattr(node, "handlers", []) or []:
            yield from module_level(handler.body)


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _expressions(node: ast.stmt) -> Iterable[ast.AST]:
    """The nodes of a statement that run at module level: not its nested blocks or functions."""
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.stmt, *_FUNCTIONS, *_COMPREHENSIONS)):
                stack.append(child)


def scoped_walk(root: ast.AST) -> Iterable[tuple[ast.AST, frozenset[str]]]:
    """Every node under `root`, with the names local to the function scope it is read in.

    Defaults, decorators and annotations run in the enclosing scope (`def f(x, s=sampling)`
    reads the notebook's `sampling`), so they are walked with the enclosing scope's names."""
    stack: list[tuple[ast.AST, frozenset[str]]] = [(root, frozenset())]
    while stack:
        node, names = stack.pop()
        yield node, names
        if isinstance(node, _FUNCTIONS):
            inner = names | _own_locals(node)
            a = node.args
            outer: list[ast.AST] = [*a.defaults, *(d for d in a.kw_defaults if d is not None)]
            if not isinstance(node, ast.Lambda):
                outer += [*node.decorator_list, *([node.returns] if node.returns else [])]
                every = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
                outer += [arg.annotation for arg in every if arg and arg.annotation]
            body = [node.body] if isinstance(node, ast.Lambda) else node.body
            stack += [(n, names) for n in outer] + [(n, inner) for n in body]
        elif isinstance(node, _COMPREHENSIONS):
            inner = names | _own_locals(node)
            first, *rest = node.generators
            stack.append((first.iter, names))  # evaluated before the comprehension's scope
            parts: list[ast.AST] = [first.target, *first.ifs]
            parts += [n for g in rest for n in (g.target, g.iter, *g.ifs)]
            parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            stack += [(n, inner) for n in parts]
        else:
            stack += [(child, names) for child in ast.iter_child_nodes(node)]


def _own_locals(scope: ast.AST) -> frozenset[str]:
    """The names a function (or comprehension) binds for itself, as Python's scoping has it."""
    names: set[str] = set()
    declared: set[str] = set()
    body: list[ast.AST] = []
    if isinstance(scope, _FUNCTIONS):
        a = scope.args
        names |= {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if x}
        body = [scope.body] if isinstance(scope, ast.Lambda) else list(scope.body)
    elif isinstance(scope, _COMPREHENSIONS):
        body = [g.target for g in scope.generators]
    while body:
        node = body.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue  # its body is a scope of its own
        elif isinstance(node, (ast.Lambda, *_COMPREHENSIONS)):
            continue
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif isinstance(node, ast.Global):
            declared |= set(node.names)
        body.extend(ast.iter_child_nodes(node))
    return frozenset(names - declared)


def _within(path: str, module: str) -> bool:
    return path == module or path.startswith(module + ".")


def _dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a Name or an Attribute chain on a Name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None
