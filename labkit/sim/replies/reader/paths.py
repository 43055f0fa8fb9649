"""`to_pathlib`: code that handles files with `os.path`, `os.walk` and `open`, in pathlib.

"Convert this to pathlib please" wants the same program written with `Path`: `/` instead of
`os.path.join`, methods instead of `os.path.exists(p)`, `rglob` instead of an `os.walk` loop
that filters by extension, `read_text()` for a whole-file read. The rewrite keeps behaviour
where pathlib has an exact twin, and says where it does not: a `Path` is not a `str` (it
prints the same, but compares and concatenates differently, and is always true), `Path`
tidies `./x` to `x`, `rglob` has its own order. A path value that reaches code wanting text
(`+`, `==`, a string method, an unknown call, an `if`) is handed over as `str(path)`, so that
code behaves as before; one that leaves the function (returned, collected in a list) is said.

Calls without an exact twin (`os.path.abspath`, `os.path.relpath`, `os.path.normpath`) stay
as they are, and the reply says why. Like refactor, the result is printed from the tree
(`ast.unparse`), so comments are not kept, and it must parse again.
"""

from __future__ import annotations

import ast
import copy
import keyword
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from labkit.sim.replies.reader.source import (
    _bound_names,
    _dotted,
    _join,
    _parents,
    _parse,
    _safely,
)

# --------------------------------------------------------------------------- what maps to what

_METHODS = {  # os.path.X(p) -> p.Y()
    "os.path.exists": "exists",
    "os.path.isfile": "is_file",
    "os.path.isdir": "is_dir",
    "os.path.islink": "is_symlink",
    "os.path.isabs": "is_absolute",
    "os.remove": "unlink",
    "os.unlink": "unlink",
    "os.rmdir": "rmdir",
    "os.stat": "stat",
}
_PATH_METHODS = {  # os.X(p, ...) -> p.Y(...), which give a Path (or None)
    "os.path.expanduser": "expanduser",
    "os.path.realpath": "resolve",
}
_STAT_FIELDS = {
    "os.path.getsize": "st_size",
    "os.path.getmtime": "st_mtime",
    "os.path.getatime": "st_atime",
    "os.path.getctime": "st_ctime",
}
_TWO_ARGUMENTS = {"os.rename": "rename", "os.replace": "replace", "os.chmod": "chmod"}
_NO_TWIN = {
    "os.path.abspath": "`os.path.abspath` stays: `.resolve()` also follows symlinks and "
    "`.absolute()` keeps `..`, so neither is the same",
    "os.path.relpath": "`os.path.relpath` stays: `Path.relative_to` raises `ValueError` for a "
    "path outside the base instead of writing `..`",
    "os.path.normpath": "`os.path.normpath` stays: pathlib never collapses `..`, because that "
    "can change the path when a symlink is involved",
    "os.path.split": "`os.path.split` stays: `.parent` and `.name` are close, but differ for a "
    "trailing slash or a bare file name",
    "os.scandir": "`os.scandir` stays: its entries carry cached file types that `iterdir` does not",
    "os.walk": "the `os.walk` loop stays: only a loop that keeps the file names with a given "
    "ending maps onto `rglob` closely enough",
    "os.path.splitext": "`os.path.splitext(p)[0]` stays: `Path(p).with_suffix('')` is close, but "
    "gives a `Path` and raises for a path with no name",
}
# Attributes and methods of a Path: a path value used with one of these needs no `str()`.
_PATH_ATTRS = frozenset(
    [
        "name", "suffix", "suffixes", "stem", "parent", "parents", "parts", "anchor", "exists",
        "is_file", "is_dir", "is_symlink", "is_absolute", "open", "read_text", "read_bytes",
        "write_text", "write_bytes", "iterdir", "glob", "rglob", "mkdir", "unlink", "rmdir",
        "stat", "rename", "replace", "chmod", "expanduser", "resolve", "with_suffix",
        "with_name", "with_stem", "joinpath", "relative_to", "is_relative_to", "touch",
        "as_posix", "samefile", "absolute", "owner", "group", "match",
    ]
)  # fmt: skip
# Calls that take a path as it is: `os.fspath` and the rest of `os`, `shutil`, `open`...
_TAKES_PATHS = ("os.", "shutil.", "zipfile.", "tarfile.", "subprocess.")
_TAKES_PATH_CALLS = frozenset(
    ["open", "print", "str", "Path", "pathlib.Path", "sqlite3.connect", "os.fspath"]
)


@dataclass(frozen=True)
class Conversion:
    """The rewritten source; what changed; where behaviour differs; what stayed and why."""

    source: str
    changes: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def to_pathlib(source: str) -> Conversion | None:
    """The code with its `os.path`, `os.walk`, `os.listdir`, `os.makedirs` and whole-file `open`
    calls written with pathlib, or None when there is nothing of the kind to convert."""
    return _safely(lambda: _to_pathlib(source), None)


# --------------------------------------------------------------------------- names and imports


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> what it stands for: `os`, `os.path`, `os.path.join`, `Path`..."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("os", "os.path", "pathlib"):
                    local = alias.asname or alias.name.split(".")[0]
                    aliases[local] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "os.path", "pathlib"):
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


class _Names:
    """Resolves what a call calls, imports undone: `join(...)` may be `os.path.join(...)`."""

    def __init__(self, tree: ast.Module) -> None:
        self.aliases = _aliases(tree)
        self.bound = _bound_names(tree)
        self.modules = {  # `import shutil`: `shutil.copy` is what it says
            (a.asname or a.name).split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.Import)
            for a in n.names
        }

    def of(self, node: ast.AST) -> str | None:
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        origin = self.aliases.get(head)
        if origin is not None:
            return f"{origin}.{rest}" if rest else origin
        if head in self.modules or head not in self.bound:
            return dotted  # a module's function, or a builtin such as `open`
        return None  # a name of the user's own: not the function it may look like

    def call(self, node: ast.AST) -> str | None:
        return self.of(node.func) if isinstance(node, ast.Call) else None


def _path_call(arg: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id="Path", ctx=ast.Load()), args=[arg], keywords=[])


def _method(receiver: ast.expr, name: str, *args: ast.expr, **keywords: ast.expr) -> ast.Call:
    return ast.Call(
        func=ast.Attribute(value=receiver, attr=name, ctx=ast.Load()),
        args=list(args),
        keywords=[ast.keyword(arg=k, value=v) for k, v in keywords.items()],
    )


def _attribute(receiver: ast.expr, name: str) -> ast.Attribute:
    return ast.Attribute(value=receiver, attr=name, ctx=ast.Load())


def _constant_text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# --------------------------------------------------------------------------- one scope


@dataclass
class _Notes:
    """What the conversion did, for the sentences of the reply."""

    kinds: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    escapes: list[str] = field(default_factory=list)  # functions whose results are now Paths
    wrapped: bool = False  # a path value was handed to text-wanting code as `str(path)`
    constants: list[str] = field(default_factory=list)  # module-level names now holding a Path

    def did(self, kind: str) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)

    def differs(self, kind: str) -> None:
        if kind not in self.differences:
            self.differences.append(kind)


class _Scope:
    """Converts one function body (or the module's own statements) in place."""

    def __init__(
        self,
        names: _Names,
        body: list[ast.stmt],
        params: set[str],
        taken: set[str],
        notes: _Notes,
        label: str | None,
        outer: frozenset[str] = frozenset(),
    ) -> None:
        self.names = names
        self.outer = outer  # module-level names that hold a Path (and are not rebound here)
        self.body = body
        self.params = params
        self.taken = taken
        self.notes = notes
        self.label = label  # the function's name, for "`f` now returns a Path"
        self.paths: set[str] = set()  # local names that hold a Path after the conversion
        self.made: set[int] = set()  # ids of the expressions we built that give a Path

    # ------------------------------------------------------------ which names hold paths

    def predict(self) -> None:
        """Locals whose every assignment gives a path once converted, to a fixpoint."""
        assigned: dict[str, list[ast.expr | None]] = {}
        for node in _own(self.body):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
                    continue
            for name in _stored(node):
                assigned.setdefault(name, []).append(None)  # bound some other way
        changed = True
        while changed:
            changed = False
            for name, values in assigned.items():
                if name in self.paths or name in self.params:
                    continue
                if all(v is not None and self.gives_path(v) for v in values):
                    self.paths.add(name)
                    changed = True

    def gives_path(self, expr: ast.expr) -> bool:
        """Whether `expr` (as the user wrote it) gives a Path once converted."""
        if isinstance(expr, ast.Name):
            return expr.id in self.paths or expr.id in self.outer
        name = self.names.call(expr)
        if name in ("os.path.join", "os.path.dirname", "os.getcwd", *_PATH_METHODS):
            return True
        if name in ("Path", "pathlib.Path"):
            return True
        return id(expr) in self.made

    def is_path(self, expr: ast.AST) -> bool:
        """Whether an expression of the converted code gives a Path."""
        if isinstance(expr, ast.Name):
            return expr.id in self.paths or expr.id in self.outer
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            return self.is_path(expr.left)
        if isinstance(expr, ast.Call) and self.names.call(expr) in ("Path", "pathlib.Path"):
            return True
        return id(expr) in self.made

    def as_path(self, expr: ast.expr) -> ast.expr:
        """`expr` itself when it already gives a Path, else `Path(expr)`."""
        return expr if self.is_path(expr) else _path_call(expr)

    def made_path(self, expr: ast.expr) -> ast.expr:
        self.made.add(id(expr))
        return expr

    def fresh(self, *choices: str) -> str:
        for choice in (*choices, *(f"{choices[0]}_{n}" for n in range(2, 20))):
            if choice not in self.taken and not keyword.iskeyword(choice):
                self.taken.add(choice)
                return choice
        raise ValueError("no free name")

    # ------------------------------------------------------------ the conversion

    def run(self) -> None:
        self.predict()
        _each_block(self.body, self.statements)
        converter = _Calls(self)
        for index, stmt in enumerate(self.body):
            self.body[index] = converter.visit(stmt)
        _StrContexts(self).run(self.body)

    def statements(self, block: list[ast.stmt]) -> None:
        """The rewrites that change statements: `os.walk` and `os.listdir` loops, whole-file
        reads and writes."""
        for index, stmt in enumerate(block):
            if isinstance(stmt, ast.For):
                block[index] = self.walk_loop(stmt) or self.listdir_loop(stmt) or stmt
            elif isinstance(stmt, ast.With):
                block[index] = self.whole_file(stmt) or stmt

    def walk_loop(self, loop: ast.For) -> ast.For | None:
        """`for dirpath, dirs, files in os.walk(root): for name in files: if name.endswith(".log"):`
        -> `for path in Path(root).rglob("*.log"):`."""
        if self.names.call(loop.iter) != "os.walk" or not isinstance(loop.iter, ast.Call):
            return None
        walk = loop.iter
        target = loop.target
        if len(walk.args) != 1 or walk.keywords or loop.orelse:
            return None
        if not (
            isinstance(target, ast.Tuple)
            and len(target.elts) == 3
            and all(isinstance(e, ast.Name) for e in target.elts)
        ):
            return None
        folder, subfolders, files = (e.id for e in target.elts if isinstance(e, ast.Name))
        if len(loop.body) != 1 or not isinstance(loop.body[0], ast.For):
            return None
        inner = loop.body[0]
        if not (
            isinstance(inner.target, ast.Name)
            and isinstance(inner.iter, ast.Name)
            and inner.iter.id == files
            and not inner.orelse
            and len(inner.body) == 1
            and isinstance(inner.body[0], ast.If)
            and not inner.body[0].orelse
        ):
            return None
        name = inner.target.id
        test = inner.body[0].test
        ending = self.ending(test, name)
        if ending is None or any(c in ending for c in "*?["):
            return None
        body = inner.body[0].body
        uses = [n for n in _walk(body) if isinstance(n, ast.Name)]
        if any(u.id in (subfolders, files) for u in uses) or _breaks(body):
            return None  # pruning `dirs`, or a `break` that ended one folder's loop only
        variable = self.fresh("path", "file_path", "found")
        rewritten = _Replace(self, folder, name, variable).block(body)
        if rewritten is None:
            return None
        self.paths.add(variable)
        self.notes.did("walk")
        self.notes.differs("rglob")
        pattern = ast.Constant(value="*" + ending)
        glob = _method(self.as_path(walk.args[0]), "rglob", pattern)
        return ast.copy_location(
            ast.For(
                target=ast.Name(id=variable, ctx=ast.Store()),
                iter=glob,
                body=rewritten,
                orelse=[],
                type_comment=None,
            ),
            loop,
        )

    def ending(self, test: ast.expr, name: str) -> str | None:
        """ ".log" for `name.endswith(".log")`."""
        if (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Attribute)
            and test.func.attr == "endswith"
            and isinstance(test.func.value, ast.Name)
            and test.func.value.id == name
            and len(test.args) == 1
            and not test.keywords
        ):
            return _constant_text(test.args[0])
        return None

    def listdir_loop(self, loop: ast.For) -> ast.For | None:
        """`for name in os.listdir(d):` -> `for entry in Path(d).iterdir():`, with
        `os.path.join(d, name)` -> `entry` and `name` -> `entry.name`."""
        call = loop.iter
        if self.names.call(call) != "os.listdir" or not isinstance(call, ast.Call):
            return None
        if len(call.args) != 1 or call.keywords or not isinstance(loop.target, ast.Name):
            return None
        folder = call.args[0]
        if not isinstance(folder, ast.Name | ast.Constant):
            return None
        variable = self.fresh("entry", "item", "child")
        replace = _Replace(self, None, loop.target.id, variable, folder)
        rewritten = replace.block(loop.body)
        if rewritten is None:
            return None
        self.paths.add(variable)
        self.notes.did("listdir")
        iterdir = _method(self.as_path(copy.deepcopy(folder)), "iterdir")
        return ast.copy_location(
            ast.For(
                target=ast.Name(id=variable, ctx=ast.Store()),
                iter=iterdir,
                body=rewritten,
                orelse=loop.orelse,
                type_comment=None,
            ),
            loop,
        )

    def whole_file(self, stmt: ast.With) -> ast.stmt | None:
        """`with open(p) as f: x = f.read()` -> `x = Path(p).read_text()` (and writes)."""
        if len(stmt.items) != 1 or len(stmt.body) != 1:
            return None
        item = stmt.items[0]
        opened = item.context_expr
        handle = item.optional_vars
        if self.names.call(opened) != "open" or not isinstance(opened, ast.Call):
            return None
        if not isinstance(handle, ast.Name) or not opened.args:
            return None
        mode = _mode(opened)
        if mode is None:
            return None
        inner = stmt.body[0]
        uses = [n for n in ast.walk(inner) if isinstance(n, ast.Name) and n.id == handle.id]
        calls = [
            n
            for n in ast.walk(inner)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name)
            and n.func.value.id == handle.id
        ]
        if len(uses) != 1 or len(calls) != 1:
            return None
        call = calls[0]
        assert isinstance(call.func, ast.Attribute)
        allowed = {"encoding", "errors"} | ({"newline"} if "w" in mode else set())
        keywords = [k for k in opened.keywords if k.arg != "mode"]
        if any(k.arg not in allowed for k in keywords) or "+" in mode or "a" in mode:
            return None
        binary = "b" in mode
        if binary and keywords:
            return None
        path = self.as_path(opened.args[0])
        if call.func.attr == "read" and not call.args and not call.keywords and "r" in mode:
            new: ast.expr = _method(path, "read_bytes" if binary else "read_text")
            self.notes.did("read_bytes" if binary else "read_text")
        elif call.func.attr == "write" and len(call.args) == 1 and "w" in mode:
            new = _method(path, "write_bytes" if binary else "write_text", call.args[0])
            self.notes.did("write_bytes" if binary else "write_text")
        else:
            return None
        assert isinstance(new, ast.Call)
        new.keywords = keywords
        swapped = _Swap(call, new).visit(inner)
        return ast.copy_location(swapped, stmt) if isinstance(swapped, ast.stmt) else None


def _mode(opened: ast.Call) -> str | None:
    """The mode of an `open(...)` call, when it is written out ("r" when it is not)."""
    mode: ast.expr | None = opened.args[1] if len(opened.args) > 1 else None
    mode = next((k.value for k in opened.keywords if k.arg == "mode"), mode)
    if len(opened.args) > 2:
        return None  # buffering, given by position
    if mode is None:
        return "r"
    text = _constant_text(mode)
    return text if text is not None and set(text) <= set("rwbt+a") else None


class _Swap(ast.NodeTransformer):
    """Replaces one node with another."""

    def __init__(self, old: ast.AST, new: ast.AST) -> None:
        self.old, self.new = old, new

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if node is self.old:
            return self.new
        return super().generic_visit(node)


class _Replace:
    """In a loop body: `os.path.join(folder, name)` -> the new path variable, `name` -> its
    `.name`; None when `folder` or `name` is used any other way (or rebound)."""

    def __init__(
        self,
        scope: _Scope,
        folder: str | None,
        name: str,
        variable: str,
        folder_node: ast.expr | None = None,
    ) -> None:
        self.scope = scope
        self.folder = folder  # the walk's folder variable, or None for listdir
        self.folder_node = folder_node  # the listdir argument
        self.name = name
        self.variable = variable

    def joins(self, node: ast.AST) -> bool:
        if self.scope.names.call(node) != "os.path.join" or not isinstance(node, ast.Call):
            return False
        if len(node.args) != 2 or node.keywords:
            return False
        first, second = node.args
        if not (isinstance(second, ast.Name) and second.id == self.name):
            return False
        if self.folder is not None:
            return isinstance(first, ast.Name) and first.id == self.folder
        return self.folder_node is not None and ast.dump(first) == ast.dump(self.folder_node)

    def block(self, body: list[ast.stmt]) -> list[ast.stmt] | None:
        body = [copy.deepcopy(s) for s in body]
        for node in _walk(body):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Store | ast.Del)
                and node.id in (self.name, self.folder, self.variable)
            ):
                return None
            if isinstance(node, _SCOPES_WITH_NAMES):
                return None  # a closure would see the variable change type
        replaced = [self.visit(s) for s in body]
        for node in _walk(replaced):
            if isinstance(node, ast.Name) and node.id in (self.name, self.folder):
                return None  # used some other way: `dirpath` on its own
        return [s for s in replaced if isinstance(s, ast.stmt)]

    def visit(self, node: ast.stmt) -> ast.stmt:
        replacer = self

        class _Visitor(ast.NodeTransformer):
            def visit_Call(self, call: ast.Call) -> ast.AST:
                if replacer.joins(call):
                    return replacer.scope.made_path(ast.Name(id=replacer.variable, ctx=ast.Load()))
                return self.generic_visit(call)

            def visit_Name(self, name: ast.Name) -> ast.AST:
                if name.id == replacer.name and isinstance(name.ctx, ast.Load):
                    variable = ast.Name(id=replacer.variable, ctx=ast.Load())
                    return _attribute(variable, "name")
                return name

        result = _Visitor().visit(node)
        assert isinstance(result, ast.stmt)
        return result


_SCOPES_WITH_NAMES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _breaks(body: list[ast.stmt]) -> bool:
    """A `break` of the loop these statements are the body of (not of a nested loop)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return True
        if not isinstance(node, (ast.For, ast.While, ast.AsyncFor, *_SCOPES_WITH_NAMES)):
            stack.extend(ast.iter_child_nodes(node))
    return False


class _Calls(ast.NodeTransformer):
    """The call-by-call conversions, inside out: `os.path.exists(os.path.join(a, b))` ->
    `(Path(a) / b).exists()`."""

    def __init__(self, scope: _Scope) -> None:
        self.scope = scope

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return node  # a nested function is a scope of its own

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        """`os.path.splitext(p)[1]` -> `.suffix`; `[0]` of the base name -> `.stem`."""
        value = node.value
        index = node.slice
        if (
            self.scope.names.call(value) == "os.path.splitext"
            and isinstance(value, ast.Call)
            and len(value.args) == 1
            and isinstance(index, ast.Constant)
            and index.value in (0, 1)
        ):
            argument = self.visit(value.args[0])
            assert isinstance(argument, ast.expr)
            named = (
                isinstance(argument, ast.Attribute)
                and argument.attr == "name"
                and self.scope.is_path(argument.value)
            )
            if index.value == 1:
                self.scope.notes.did("suffix")
                self.scope.notes.differs("suffix")
                # The suffix of `entry.name` is the suffix of `entry`: a path's name ends it.
                owner = argument.value if named and isinstance(argument, ast.Attribute) else None
                return _attribute(owner or self.scope.as_path(argument), "suffix")
            if isinstance(argument, ast.Attribute) and argument.attr == "name":
                self.scope.notes.did("stem")
                return _attribute(argument.value, "stem")  # splitext(basename(p))[0]
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        read = self.whole_read(node)
        if read is not None:
            return read
        name = self.scope.names.call(node)
        if name in _NO_TWIN:
            self.scope.notes.kept.append(_NO_TWIN[name or ""])
        self.generic_visit(node)
        converted = self.convert(node, name)
        return converted if converted is not None else node

    def convert(self, node: ast.Call, name: str | None) -> ast.expr | None:
        scope = self.scope
        args = node.args
        if name is None or any(isinstance(a, ast.Starred) for a in args):
            return None
        if name == "os.path.join" and len(args) >= 2 and not node.keywords:
            joined: ast.expr = scope.as_path(args[0])
            for part in args[1:]:
                joined = ast.BinOp(left=joined, op=ast.Div(), right=part)
            scope.notes.did("join")
            scope.notes.differs("tidy")
            return scope.made_path(joined)
        if name == "os.getcwd" and not args:
            scope.notes.did("cwd")
            scope.notes.differs("returns-path")
            return scope.made_path(_method(ast.Name(id="Path", ctx=ast.Load()), "cwd"))
        if len(args) != 1 and name not in _TWO_ARGUMENTS and name not in ("os.makedirs", "open"):
            return None
        if name in _METHODS and not node.keywords:
            scope.notes.did(_METHODS[name])
            return _method(scope.as_path(args[0]), _METHODS[name])
        if name in _PATH_METHODS and not node.keywords:
            if name == "os.path.expanduser" and _constant_text(args[0]) == "~":
                scope.notes.did("home")
                home = _method(ast.Name(id="Path", ctx=ast.Load()), "home")
                return scope.made_path(home)
            scope.notes.did(_PATH_METHODS[name])
            scope.notes.differs("returns-path")
            return scope.made_path(_method(scope.as_path(args[0]), _PATH_METHODS[name]))
        if name in _STAT_FIELDS and not node.keywords:
            scope.notes.did("stat")
            return _attribute(_method(scope.as_path(args[0]), "stat"), _STAT_FIELDS[name])
        if name == "os.path.basename" and not node.keywords:
            scope.notes.did("name")
            scope.notes.differs("basename")
            return _attribute(scope.as_path(args[0]), "name")
        if name == "os.path.dirname" and not node.keywords:
            scope.notes.did("parent")
            scope.notes.differs("dirname")
            return scope.made_path(_attribute(scope.as_path(args[0]), "parent"))
        if name in _TWO_ARGUMENTS and len(args) == 2 and not node.keywords:
            scope.notes.did(_TWO_ARGUMENTS[name])
            return _method(scope.as_path(args[0]), _TWO_ARGUMENTS[name], args[1])
        if name == "os.listdir" and not node.keywords:
            scope.notes.did("listdir")
            entry = scope.fresh("entry", "item")
            element = _attribute(ast.Name(id=entry, ctx=ast.Load()), "name")
            generator = ast.comprehension(
                target=ast.Name(id=entry, ctx=ast.Store()),
                iter=_method(scope.as_path(args[0]), "iterdir"),
                ifs=[],
                is_async=0,
            )
            return ast.ListComp(elt=element, generators=[generator])
        if name in ("os.makedirs", "os.mkdir"):
            return self.mkdir(node, name)
        if name == "open" and args and scope.is_path(args[0]):
            scope.notes.did("open")
            return _method(args[0], "open", *args[1:], **_keywords(node))
        return None

    def whole_read(self, node: ast.Call) -> ast.expr | None:
        """`open(p).read()` -> `Path(p).read_text()` (which also closes the file)."""
        func = node.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "read"
            and not node.args
            and not node.keywords
            and isinstance(func.value, ast.Call)
            and self.scope.names.call(func.value) == "open"
            and func.value.args
        ):
            return None
        opened = func.value
        mode = _mode(opened)
        keywords = [k for k in opened.keywords if k.arg != "mode"]
        if mode not in ("r", "rt", "rb") or any(
            k.arg not in ("encoding", "errors") for k in keywords
        ):
            return None
        if mode == "rb" and keywords:
            return None
        argument = self.visit(opened.args[0])
        assert isinstance(argument, ast.expr)
        kind = "read_bytes" if mode == "rb" else "read_text"
        self.scope.notes.did(kind)
        read = _method(self.scope.as_path(argument), kind)
        read.keywords = keywords
        return read

    def mkdir(self, node: ast.Call, name: str) -> ast.expr | None:
        """`os.makedirs(d, exist_ok=True)` -> `Path(d).mkdir(parents=True, exist_ok=True)`."""
        args = node.args
        if not 1 <= len(args) <= 2 or any(k.arg not in ("exist_ok", "mode") for k in node.keywords):
            return None
        keywords = _keywords(node)
        if len(args) == 2:
            keywords = {"mode": args[1], **keywords}
        if name == "os.makedirs":
            keywords = {"parents": ast.Constant(value=True), **keywords}
        self.scope.notes.did("makedirs" if name == "os.makedirs" else "mkdir")
        return _method(self.scope.as_path(args[0]), "mkdir", **keywords)


def _keywords(node: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in node.keywords if k.arg is not None}


class _StrContexts:
    """Hands a path value to code that wants text as `str(path)`, so that code behaves as it
    did; notes a path value that leaves the function."""

    def __init__(self, scope: _Scope) -> None:
        self.scope = scope
        self.body: list[ast.stmt] = []
        self.returned: set[str] = set()  # names the function returns as they are

    def only_collected(self, name: str) -> bool:
        """The list is only appended to and returned: no code here reads its items as text."""
        for node in _own(self.body):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                continue
            if isinstance(node, ast.For | ast.comprehension) and _names_in(node.iter) & {name}:
                return False
            if isinstance(node, ast.Subscript) and _names_in(node.value) & {name}:
                return False
        return True

    def run(self, body: list[ast.stmt]) -> None:
        self.body = body
        self.returned = {
            n.value.id
            for n in _own(body)
            if isinstance(n, ast.Return) and isinstance(n.value, ast.Name)
        }
        self.returned |= {
            n.value.args[0].id
            for n in _own(body)
            if isinstance(n, ast.Return)
            and isinstance(n.value, ast.Call)
            and _dotted(n.value.func) in ("sorted", "list", "tuple", "set")
            and len(n.value.args) == 1
            and isinstance(n.value.args[0], ast.Name)
        }
        module = ast.Module(body=body, type_ignores=[])
        parents = _parents(module)
        for node in list(_own(body)):
            for name, value in ast.iter_fields(node):
                if isinstance(value, list):
                    for index, item in enumerate(value):
                        if isinstance(item, ast.expr) and self.wraps(node, item, parents):
                            value[index] = _str_call(item)
                            self.scope.notes.wrapped = True
                elif isinstance(value, ast.expr) and self.wraps(node, value, parents):
                    setattr(node, name, _str_call(value))
                    self.scope.notes.wrapped = True

    def wraps(self, parent: ast.AST, child: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
        """True when `child` gives a Path and `parent` wants text."""
        scope = self.scope
        if not scope.is_path(child) or (
            isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load)
        ):
            return False
        if isinstance(parent, ast.keyword):
            parent = parents.get(parent, parent)
        if isinstance(parent, ast.Call):
            if parent.func is child:
                return False
            called = scope.names.call(parent) or ""
            if called in _TAKES_PATH_CALLS or called.startswith(_TAKES_PATHS):
                return False
            func = parent.func
            if isinstance(func, ast.Attribute) and scope.is_path(func.value):
                return False  # an argument of a Path method (`rename(target)`)
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("append", "add")
                and isinstance(func.value, ast.Name)
                and func.value.id in self.returned
                and self.only_collected(func.value.id)
            ):
                self.escapes("collects")  # a list of paths the function hands back
                return False
            return True
        if isinstance(parent, ast.Attribute):
            return parent.attr not in _PATH_ATTRS
        if isinstance(parent, ast.BinOp):
            return not isinstance(parent.op, ast.Div)
        if isinstance(parent, ast.FormattedValue):
            return parent.conversion != -1 or parent.format_spec is not None
        if isinstance(parent, ast.Return | ast.Yield | ast.YieldFrom):
            self.escapes("returns")
            return False
        if isinstance(parent, ast.List | ast.Tuple | ast.Set | ast.Dict):
            if isinstance(parents.get(parent), ast.Return):
                self.escapes("collects")  # `return [a, b]`: handed back as they are
                return False
            return True
        if isinstance(parent, ast.Assign | ast.AnnAssign):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            # A name that also holds text elsewhere (`path = path + ".bak"`), an attribute or
            # an item keeps holding text, as before.
            return not all(
                isinstance(t, ast.Name) and (t.id in scope.paths or t.id in scope.outer)
                for t in targets
            )
        return True  # `==`, `if path:`, `+`, slicing, `len()`...: text as before

    def escapes(self, how: str) -> None:
        label = self.scope.label
        if label is not None:
            note = f"{how}:{label}"
            if note not in self.scope.notes.escapes:
                self.scope.notes.escapes.append(note)


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _str_call(value: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id="str", ctx=ast.Load()), args=[value], keywords=[])


# --------------------------------------------------------------------------- walking helpers


def _own(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of `body`, not entering nested functions or classes."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES_WITH_NAMES):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _walk(body: list[ast.stmt]) -> Iterator[ast.AST]:
    for stmt in body:
        yield from ast.walk(stmt)


def _stored(node: ast.AST) -> set[str]:
    """Names a node binds other than by a plain `name = value`."""
    if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
        return {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return {n.id for n in ast.walk(node.optional_vars) if isinstance(n, ast.Name)}
    if isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr) and isinstance(
        node.target, ast.Name
    ):
        return {node.target.id}
    if isinstance(node, ast.Assign):
        return {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if isinstance(node, ast.Global | ast.Nonlocal):
        return set(node.names)
    if isinstance(node, ast.ExceptHandler) and node.name:
        return {node.name}
    return set()


def _each_block(body: list[ast.stmt], work: Callable[[list[ast.stmt]], None]) -> None:
    """Runs `work` on `body` and every statement list inside it (not nested functions)."""
    work(body)
    for stmt in body:
        if isinstance(stmt, _SCOPES_WITH_NAMES):
            continue
        for name in ("body", "orelse", "finalbody"):
            value = getattr(stmt, name, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                _each_block(value, work)
        for handler in getattr(stmt, "handlers", []):
            _each_block(handler.body, work)
        for case in getattr(stmt, "cases", []):
            _each_block(case.body, work)


# --------------------------------------------------------------------------- the whole module


def _to_pathlib(source: str) -> Conversion | None:
    tree = _parse(source)
    if tree is None:
        return None
    names = _Names(tree)
    before = ast.dump(tree)
    notes = _Notes()
    module_names = {n for stmt in tree.body for n in _stored(stmt)} | set(names.aliases)
    module_names |= {
        s.name
        for s in tree.body
        if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    module = _Scope(names, tree.body, set(), set(names.bound), notes, None)
    module.run()
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for fn in functions:
        params = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
        local = params | {name for node in _own(fn.body) for name in _stored(node)}
        # A new loop variable must not clash with a name the function uses or the module binds.
        taken = module_names | params | {n.id for n in _own(fn.body) if isinstance(n, ast.Name)}
        outer = frozenset(module.paths - local)
        _Scope(names, fn.body, params, taken, notes, fn.name, outer).run()
    if ast.dump(tree) == before or not notes.kinds:
        return None
    notes.constants = sorted(module.paths)
    _fix_imports(tree, names)
    ast.fix_missing_locations(tree)
    text = ast.unparse(tree) + "\n"
    if _parse(text) is None:
        return None
    return Conversion(
        text, _change_sentences(notes), _difference_sentences(notes), _unique(notes.kept)
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _fix_imports(tree: ast.Module, names: _Names) -> None:
    """`from pathlib import Path` added; `os` imports nothing uses any more dropped."""
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    body: list[ast.stmt] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            stmt.names = [
                a
                for a in stmt.names
                if not (a.name in ("os", "os.path") and (a.asname or "os") not in used)
            ]
            if not stmt.names:
                continue
        elif isinstance(stmt, ast.ImportFrom) and stmt.module in ("os", "os.path"):
            stmt.names = [a for a in stmt.names if (a.asname or a.name) in used]
            if not stmt.names:
                continue
        body.append(stmt)
    has_path = names.aliases.get("Path") == "pathlib.Path"
    if "Path" in used and not has_path:
        position = 0
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            position = 1  # after the module docstring
        while position < len(body) and isinstance(body[position], ast.Import | ast.ImportFrom):
            position += 1  # after the imports the code starts with
        path_import = ast.ImportFrom(module="pathlib", names=[ast.alias(name="Path")], level=0)
        body.insert(position, path_import)
    tree.body = body


_CHANGE_SENTENCES: dict[str, str] = {
    "join": "`os.path.join(a, b)` becomes `Path(a) / b`: the `/` operator joins the parts.",
    "exists": "`os.path.exists(p)` becomes `p.exists()`; the other tests are methods too "
    "(`.is_file()`, `.is_dir()`).",
    "is_file": "`os.path.isfile(p)` becomes `p.is_file()`.",
    "is_dir": "`os.path.isdir(p)` becomes `p.is_dir()`.",
    "is_symlink": "`os.path.islink(p)` becomes `p.is_symlink()`.",
    "is_absolute": "`os.path.isabs(p)` becomes `p.is_absolute()`.",
    "name": "`os.path.basename(p)` becomes `p.name`.",
    "parent": "`os.path.dirname(p)` becomes `p.parent`.",
    "suffix": "`os.path.splitext(p)[1]` becomes `p.suffix`.",
    "stem": "`os.path.splitext(os.path.basename(p))[0]` becomes `p.stem`.",
    "stat": "`os.path.getsize(p)` and its kin become fields of `p.stat()` (`.st_size`, "
    "`.st_mtime`).",
    "walk": "The `os.walk` loop that keeps names ending in a suffix becomes one `rglob` loop, "
    "which walks the whole tree and yields the matching paths themselves, so the "
    "`os.path.join` goes too.",
    "listdir": "`os.listdir(d)` becomes `Path(d).iterdir()`, which yields full paths: the old "
    "file name is `entry.name`.",
    "read_text": "The whole-file read becomes `.read_text()`, which opens and closes the file "
    "itself (with the same default encoding and newline handling as `open`), so the `with` "
    "block goes.",
    "read_bytes": "The whole-file binary read becomes `.read_bytes()`, which opens and closes "
    "the file itself.",
    "write_text": "The whole-file write becomes `.write_text(...)`, which opens, writes and "
    "closes the file itself.",
    "write_bytes": "The whole-file binary write becomes `.write_bytes(...)`.",
    "open": "`open(p)` becomes `p.open()`, with the same arguments.",
    "makedirs": "`os.makedirs(d, exist_ok=True)` becomes `Path(d).mkdir(parents=True, "
    "exist_ok=True)`.",
    "mkdir": "`os.mkdir(d)` becomes `Path(d).mkdir()`.",
    "unlink": "`os.remove(p)` becomes `p.unlink()`.",
    "rmdir": "`os.rmdir(d)` becomes `d.rmdir()`.",
    "rename": "`os.rename(a, b)` becomes `Path(a).rename(b)`.",
    "replace": "`os.replace(a, b)` becomes `Path(a).replace(b)`.",
    "chmod": "`os.chmod(p, mode)` becomes `p.chmod(mode)`.",
    "cwd": "`os.getcwd()` becomes `Path.cwd()`.",
    "home": "`os.path.expanduser('~')` becomes `Path.home()`.",
    "expanduser": "`os.path.expanduser(p)` becomes `Path(p).expanduser()`.",
    "resolve": "`os.path.realpath(p)` becomes `Path(p).resolve()`.",
}
_DIFFERENCE_SENTENCES: dict[str, str] = {
    "tidy": "`Path` tidies a path as it builds it: `./x` becomes `x`, and doubled or trailing "
    "slashes go, so a path shown or compared as text can read differently from what "
    "`os.path.join` made.",
    "rglob": "`rglob` walks the tree in its own order, which need not match `os.walk`'s "
    "(neither is sorted: wrap it in `sorted(...)` if the order matters); it also yields a "
    "folder whose name matches, and on Windows it ignores case (`.LOG` matches too).",
    "basename": "`.name` of `'logs/'` is `'logs'`, where `os.path.basename` gives `''`.",
    "dirname": "`.parent` of a bare file name is `Path('.')`, where `os.path.dirname` gives `''`.",
    "suffix": "`.suffix` of a name that ends in a dot (`'notes.'`) is `''`, where "
    "`os.path.splitext` gives `'.'`.",
    "returns-path": "`Path.cwd()`, `.expanduser()` and `.resolve()` give a `Path` where the `os` "
    "functions gave a `str`.",
}


def _change_sentences(notes: _Notes) -> list[str]:
    return [_CHANGE_SENTENCES[k] for k in notes.kinds if k in _CHANGE_SENTENCES]


_SEEN_AS_TEXT = frozenset(["tidy", "returns-path"])  # differences only text or a caller sees


def _difference_sentences(notes: _Notes) -> list[str]:
    seen = notes.wrapped or bool(notes.escapes)
    out = [
        _DIFFERENCE_SENTENCES[k]
        for k in notes.differences
        if k in _DIFFERENCE_SENTENCES and (seen or k not in _SEEN_AS_TEXT)
    ]
    if notes.constants:
        shown = _join([f"`{c}`" for c in notes.constants])
        one = len(notes.constants) == 1
        out.append(
            f"{shown} {'is a `Path`' if one else 'are `Path`s'} now, not "
            f"{'a string' if one else 'strings'}: code elsewhere that uses "
            f"{'it' if one else 'them'} as text needs `str(...)`."
        )
    functions = _unique([note.split(":", 1)[1] for note in notes.escapes])
    if functions:
        shown = _join([f"`{f}`" for f in functions])
        out.append(
            f"What {shown} returns now holds `Path` objects where it held strings: `open`, "
            "`shutil` and most of the standard library take either, but a caller that treats "
            "them as text needs `str(path)`."
        )
    return out
