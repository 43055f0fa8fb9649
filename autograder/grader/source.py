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
        cells = []
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.get("cell_type") == "code" and not meta.get("locked"):
                cells.append(str(cell.get("source", "")))
        return cls.of_cells(cells)

    @classmethod
    def of_cells(cls, cells: Iterable[str]) -> SubmittedSource:
        source = cls(list(cells))
        for text in source.cells:
            try:
                tree = ast.parse(python_of(text))
            except SyntaxError:
                continue
            source.trees.append(tree)
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    source.functions[node.name] = node  # the last definition wins, as it runs
                elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        for part in ast.walk(target):
                            if isinstance(part, ast.Name):
                                if isinstance(node.value, ast.Lambda):
                                    source.functions[part.id] = node.value
                                source.bindings.setdefault(part.id, []).append(node.value)
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        bound = alias.asname or alias.name.split(".")[0]
                        source.aliases[bound] = alias.name if alias.asname else bound
                elif isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:
                        source.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return source

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
            for node in (n for root in nodes for n in ast.walk(root)):
                path = _dotted(node)
                if path is not None:
                    head, _, rest = path.partition(".")
                    full = self.aliases.get(head, head) + ("." + rest if rest else "")
                    found.update(m for m in forbidden if _within(full, m))
                    if isinstance(node, ast.Attribute):  # getattr-free spelling of a part
                        found.update(m for m in forbidden if node.attr == m.rsplit(".", 1)[-1])
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
