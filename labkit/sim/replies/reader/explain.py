"""`explain`: 2-8 plain sentences, each true of the code, saying what it does.

An `_Explainer` collects sentences about each definition (its signature and returns, loops,
branches, raises, handlers, context managers, calls) with a priority, then keeps the most
important few in source order. Code is quoted as the user wrote it.
"""

from __future__ import annotations

import ast
import textwrap

from labkit.sim.replies.reader.empty import EmptyOutcome, empty_input, show_value
from labkit.sim.replies.reader.glossary import (
    _DECORATOR_GLOSS,
    _GLOSS,
    _NAME_VERBS,
    _PLAIN_CALLS,
    _PREDICATE_WORDS,
)
from labkit.sim.replies.reader.purpose import purpose
from labkit.sim.replies.reader.source import (
    _DEFS,
    _QUOTE_LIMIT,
    _call_name,
    _code,
    _dotted,
    _FunctionNode,
    _import_aliases,
    _is_docstring,
    _is_exception_name,
    _is_generator,
    _is_main_guard,
    _is_name,
    _join,
    _name_words,
    _normalise,
    _own_nodes,
    _own_returns,
    _parents,
    _parse,
    _returns_value,
    _safely,
    _short,
    _some,
    _terminates,
    _unique,
)

MAX_SENTENCES = 8


class _Explainer:
    """Collects sentences with a priority, then keeps the most important few in source order."""

    def __init__(self, tree: ast.Module, source: str | None = None) -> None:
        self.tree = tree
        self.source = source  # the text the tree was parsed from, to quote the user's own code
        self.parents = _parents(tree)
        self.aliases = _import_aliases(tree)
        self.local = {n.name for n in tree.body if isinstance(n, _DEFS)}
        self.methods = {
            m.name
            for c in tree.body
            if isinstance(c, ast.ClassDef)
            for m in c.body
            if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.out: list[tuple[int, int, str]] = []
        self.offset = 0  # details of the first definition come before those of the others

    def code(self, node: ast.AST, limit: int = _QUOTE_LIMIT) -> str:
        return _code(node, limit, self.source)

    def add(self, priority: int, text: str) -> None:
        if priority > 0:
            priority += self.offset
        self.out.append((priority, len(self.out), text))

    def sentences(self) -> list[str]:
        chosen = sorted(self.out)[:MAX_SENTENCES]
        return [text for _, _, text in sorted(chosen, key=lambda s: s[1])]

    # ------------------------------------------------------------ definitions

    def definition(self, node: ast.stmt, primary: bool, summary_priority: int = 0) -> None:
        self.offset = 0 if primary else 1
        if isinstance(node, ast.ClassDef):
            doc = ast.get_docstring(node)
            first = " ".join(doc.strip().split("\n\n")[0].split()) if doc else ""
            if primary and len(first) >= 8:
                self.add(
                    -1, f"Its docstring says what `{node.name}` is for: “{_short(first, 140)}”"
                )
            self.add(summary_priority, self.class_summary(node))
            self.decorators(f"`{node.name}`", node)
            methods = [
                m for m in node.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            for method in methods:
                label = f"`{node.name}.{method.name}`"
                if method.name != "__init__" and len(methods) <= 4:
                    self.add(2, self.function_summary(method, label, method=True))
                self.details(label, method.body, method)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            label = f"`{node.name}`"
            # What it is for comes first: from its shape or docstring, else a guess from its name.
            opening = purpose(node, self.source)
            hedge = None if opening else _name_hedge(node.name)
            if opening and (primary or summary_priority == 0):
                self.add(-1 if primary else 1, opening)
            elif primary and hedge:
                self.add(-1, hedge)
            self.add(summary_priority, self.function_summary(node, label, method=False))
            # Right after the summary: a reply may keep only its first few sentences, and what
            # an empty input gives is worth more to a reader than the list of calls.
            outcome = empty_input(node) if primary else None
            if outcome is not None:
                self.add(1, _empty_sentence(label, outcome))
            self.decorators(label, node)
            self.details(label, node.body, node)

    def function_summary(self, fn: _FunctionNode, label: str, method: bool) -> str:
        kind = "method" if method else "function"
        if isinstance(fn, ast.AsyncFunctionDef):
            kind = f"async {kind}"
        skip_first = method and not any(_dotted(d) == "staticmethod" for d in fn.decorator_list)
        params = _describe_params(fn.args, skip_first, self.source)
        takes = f"takes {_join(params)}" if params else "takes no arguments"
        article = "an" if kind.startswith("a") else "a"
        return f"{label} is {article} {kind} that {takes} and {_describe_returns(fn, self.source)}."

    def class_summary(self, cls: ast.ClassDef) -> str:
        decorators = {
            self.resolve(_dotted(d.func if isinstance(d, ast.Call) else d))
            for d in cls.decorator_list
        }
        bases = [self.code(b) for b in cls.bases]
        methods = [
            f"`{m.name}`" for m in cls.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        if decorators & {"dataclasses.dataclass", "dataclass"}:
            kind = "a dataclass"
        elif any(b.strip("`").endswith("Enum") for b in bases):
            kind = "an enumeration"
        else:
            kind = "a class"
        text = f"`{cls.name}` is {kind}"
        if bases and kind == "a class":
            text += f" based on {_join(bases)}"
        fields = [
            self.code(s.target, 20) if isinstance(s, ast.AnnAssign) else self.code(s.targets[0], 20)
            for s in cls.body
            if isinstance(s, ast.AnnAssign | ast.Assign) and kind != "a class"
        ]
        if kind == "a dataclass":
            fields = [
                f"`{s.target.id}: {_short(ast.unparse(s.annotation), 30)}`"
                for s in cls.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            ]
        parts = []
        if fields:
            parts.append(
                f"{'members' if kind == 'an enumeration' else 'fields'} {_some(fields, 4)}"
            )
        if methods:
            parts.append(f"{'method' if len(methods) == 1 else 'methods'} {_some(methods, 5)}")
        if parts:
            text += " with " + _join(parts)
        init = next(
            (m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None
        )
        if init is not None:
            params = _describe_params(init.args, True, self.source)
            text += "; creating one takes " + (_join(params) if params else "no arguments")
        return text + "."

    def decorators(
        self, label: str, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ) -> None:
        described = []
        unknown = False
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = self.resolve(_dotted(target))
            if isinstance(node, ast.ClassDef) and name in ("dataclass", "dataclasses.dataclass"):
                continue  # the class summary already says "a dataclass"
            gloss = next(
                (
                    _DECORATOR_GLOSS[key]
                    for key in (name, f"functools.{name}", f"contextlib.{name}", f"abc.{name}")
                    if key in _DECORATOR_GLOSS
                ),
                None,
            )
            unknown = unknown or gloss is None
            shown = f"`@{_short(ast.unparse(decorator), 50)}`"
            described.append(f"{shown} ({gloss})" if gloss else shown)
        if described:
            # What an unknown decorator does cannot be seen here; what any decorator can do can.
            tail = ", which receives it and can wrap or replace it" if unknown else ""
            self.add(3, f"{label} is decorated with {_join(described)}{tail}.")

    def inside(self, node: ast.AST, outer: ast.AST) -> bool:
        current = self.parents.get(node)
        while current is not None:
            if current is outer:
                return True
            current = self.parents.get(current)
        return False

    def resolve(self, name: str | None) -> str:
        if not name:
            return ""
        head, _, rest = name.partition(".")
        origin = self.aliases.get(head)
        if origin:
            return f"{origin}.{rest}" if rest else origin
        return name

    # ------------------------------------------------------------ details of a body

    def details(self, label: str, body: list[ast.stmt], fn: _FunctionNode | None) -> None:
        nodes = list(_own_nodes(body))
        if fn is not None:
            self.function_kind(label, fn, nodes)
        self.raises(label, nodes)
        self.loops(label, nodes)
        self.branches(label, nodes)
        self.handlers(label, nodes)
        self.withs(label, nodes)
        self.comprehensions(label, nodes)
        self.calls(label, nodes, fn)

    def function_kind(self, label: str, fn: _FunctionNode, nodes: list[ast.AST]) -> None:
        yields = [n for n in nodes if isinstance(n, ast.Yield | ast.YieldFrom)]
        if yields:
            first = yields[0]
            if isinstance(first, ast.YieldFrom):
                how = f"{self.code(first)} passes along every value of {self.code(first.value)}"
            else:
                shown = f"yield {ast.unparse(first.value)}" if first.value else "yield"
                how = f"each `{_short(shown, _QUOTE_LIMIT)}` hands a value to the caller"
            self.add(
                1,
                f"{label} is a generator: {how}, and its body runs step by step as the caller iterates.",
            )
        if isinstance(fn, ast.AsyncFunctionDef):
            awaits = _unique(self.code(n.value) for n in nodes if isinstance(n, ast.Await))
            waits = (
                f"it waits for {_some(awaits, 3)} with `await`"
                if awaits
                else "it never uses `await`"
            )
            self.add(
                1,
                f"{label} is a coroutine (`async def`): calling it gives an awaitable, and {waits}.",
            )
        method_of_self = isinstance(self.parents.get(fn), ast.ClassDef)
        for node in nodes:
            if not isinstance(node, ast.Call):
                continue
            plain = _is_name(node.func, fn.name) and not method_of_self
            on_self = (
                method_of_self
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == fn.name
                and _is_name(node.func.value, "self")
            )
            if plain or on_self:
                self.add(1, f"{label} is recursive: it calls itself ({self.code(node)}).")
                break

    def raises(self, label: str, nodes: list[ast.AST]) -> None:
        parts = []
        for node in nodes:
            if not isinstance(node, ast.Raise):
                continue
            if node.exc is None:
                parts.append("re-raises the exception it is handling")
                continue
            exc = self.code(node.exc.func if isinstance(node.exc, ast.Call) else node.exc)
            parent = self.parents.get(node)
            if isinstance(parent, ast.If) and node in parent.body:
                parts.append(f"raises {exc} when {self.code(parent.test)}")
            elif isinstance(parent, ast.If) and node in parent.orelse:
                parts.append(
                    f"raises {exc} in the `else` branch of `if {self.code(parent.test)[1:]}"
                )
            else:
                parts.append(f"raises {exc}")
        parts = _unique(parts)
        if parts:
            more = f" (and raises in {len(parts) - 3} more places)" if len(parts) > 3 else ""
            self.add(1, f"{label} {_join(parts[:3])}{more}.")

    def loops(self, label: str, nodes: list[ast.AST]) -> None:
        loops = [n for n in nodes if isinstance(n, ast.For | ast.AsyncFor | ast.While)]
        descriptions = []
        for loop in loops:
            nested = any(self.inside(loop, other) for other in loops if other is not loop)
            prefix = "a nested " if nested else "a "
            if isinstance(loop, ast.While):
                if isinstance(loop.test, ast.Constant) and loop.test.value:
                    descriptions.append(
                        f"{prefix}`while True` loop that repeats until a `break`, `return` or exception"
                    )
                else:
                    descriptions.append(
                        f"{prefix}`while` loop that repeats while {self.code(loop.test)}"
                    )
            else:
                word = "`async for`" if isinstance(loop, ast.AsyncFor) else "`for`"
                descriptions.append(
                    f"{prefix}{word} loop taking each {self.code(loop.target, 30)} from {self.code(loop.iter)}"
                )
        if descriptions:
            more = f" ({len(descriptions) - 3} more loops follow)" if len(descriptions) > 3 else ""
            self.add(2, f"{label} has {_join(descriptions[:3])}{more}.")

    def branches(self, label: str, nodes: list[ast.AST]) -> None:
        tests = _unique(
            self.code(n.test)
            for n in nodes
            if isinstance(n, ast.If | ast.IfExp)
            and not (isinstance(n, ast.If) and _is_main_guard(n))
        )
        if tests:
            more = f" (and {len(tests) - 3} more conditions)" if len(tests) > 3 else ""
            self.add(2, f"{label} branches on {_join(tests[:3])}{more}.")
        for node in nodes:
            if isinstance(node, ast.Match):
                cases = len(node.cases)
                self.add(
                    2,
                    f"{label} matches {self.code(node.subject)} against {cases} `case` pattern{'s' if cases != 1 else ''}.",
                )

    def handlers(self, label: str, nodes: list[ast.AST]) -> None:
        caught: list[tuple[str, str | None]] = []
        has_finally = False
        for node in nodes:
            if isinstance(node, ast.Try | ast.TryStar):
                has_finally = has_finally or bool(node.finalbody)
                for handler in node.handlers:
                    what = (
                        "every exception (a bare `except:`)"
                        if handler.type is None
                        else self.code(handler.type)
                    )
                    caught.append((what, _handler_outcome(handler, self.source)))
        caught = _unique(caught)
        tail = ", and a `finally` block runs either way" if has_finally else ""
        if len(caught) == 1:
            what, outcome = caught[0]
            then = f" and {outcome}" if outcome else ""
            self.add(3, f"{label} catches {what} with `try`/`except`{then}{tail}.")
        elif caught:
            # Several handlers: what each one does goes next to it, the exception path by path.
            shown = [f"{what} ({outcome})" if outcome else what for what, outcome in caught]
            self.add(3, f"{label} catches {_some(shown, 3)} with `try`/`except`{tail}.")
        elif has_finally:
            self.add(
                3,
                f"{label} has a `try`/`finally`, so its `finally` block runs even if an error happens.",
            )

    def withs(self, label: str, nodes: list[ast.AST]) -> None:
        items = [i for n in nodes if isinstance(n, ast.With | ast.AsyncWith) for i in n.items]
        if not items:
            return
        opened = [i for i in items if _call_name(i.context_expr) == "open"]
        if opened and len(opened) == len(items):
            files = _join([self.code(i.context_expr) for i in opened[:2]])
            self.add(
                3,
                f"{label} calls {files} in a `with` block, so the file is closed even if an error happens.",
            )
        else:
            managers = _some(_unique(self.code(i.context_expr) for i in items), 3)
            self.add(
                3,
                f"{label} uses {managers} as a context manager (`with`), so its clean-up runs even if an error happens.",
            )

    def comprehensions(self, label: str, nodes: list[ast.AST]) -> None:
        parts = []
        for node in nodes:
            if isinstance(node, ast.ListComp):
                parts.append(f"builds a list with {self.code(node)}")
            elif isinstance(node, ast.SetComp):
                parts.append(f"builds a set with {self.code(node)}")
            elif isinstance(node, ast.DictComp):
                parts.append(f"builds a dict with {self.code(node)}")
            elif isinstance(node, ast.GeneratorExp):
                parts.append(
                    f"uses the generator expression {self.code(node)}, which produces items lazily"
                )
            elif isinstance(node, ast.Lambda):
                parts.append(
                    f"uses {self.code(node)}, a small anonymous function that returns {self.code(node.body, 40)}"
                )
        if parts:
            self.add(3, f"{label} {_join(_unique(parts)[:2])}.")

    def calls(self, label: str, nodes: list[ast.AST], fn: _FunctionNode | None) -> None:
        skip: set[ast.AST] = set()
        for node in nodes:
            if isinstance(node, ast.Raise) and node.exc is not None:
                skip.add(node.exc)
            elif isinstance(node, ast.withitem):
                skip.add(node.context_expr)
        glossed: list[str] = []
        local: list[str] = []
        other: list[str] = []
        for node in nodes:
            if not isinstance(node, ast.Call) or node in skip:
                continue
            shown = _dotted(node.func)
            if shown is None or (fn is not None and shown in (fn.name, f"self.{fn.name}")):
                continue
            name = self.resolve(shown)
            method = f".{node.func.attr}" if isinstance(node.func, ast.Attribute) else ""
            if shown in self.local or (
                shown.count(".") == 1 and shown.startswith("self.") and method[1:] in self.methods
            ):
                local.append(f"`{shown}` (defined in this code)")
            elif name in _GLOSS:
                glossed.append(f"`{shown}` ({_GLOSS[name]})")
            elif method in _GLOSS:
                glossed.append(f"`{shown}` ({_GLOSS[method]})")
            elif name not in _PLAIN_CALLS and not _is_exception_name(name):
                other.append(f"`{shown}`")
        glossed, local, other = _unique(glossed), _unique(local), _unique(other)
        named = glossed[:3] + local[:2]
        rest = other[: max(0, 4 - len(named))]
        if named or rest:
            dropped = len(glossed) + len(local) + len(other) - len(named) - len(rest)
            among = ", among others" if dropped else ""
            self.add(3, f"{label} calls {_join(named + rest)}{among}.")

    # ------------------------------------------------------------ scripts

    def script(self, stmts: list[ast.stmt], label: str, summary: bool) -> None:
        if summary and len(stmts) == 1 and isinstance(stmts[0], ast.Expr):
            self.add(0, _describe_expression(stmts[0].value, self.source))
        elif summary:
            self.add(
                0,
                f"It is a script of {len(stmts)} top-level statement{'s' if len(stmts) != 1 else ''} with no functions or classes.",
            )
        imported = _unique(
            f"`{alias.asname or alias.name}`"
            for s in stmts
            if isinstance(s, ast.Import | ast.ImportFrom)
            for alias in s.names
        )
        if imported and summary:
            self.add(4, f"It imports {_some(imported, 5)}.")
        assigned = [
            f"{self.code(s.targets[0], 20)} to {self.code(s.value, 40)}"
            for s in stmts
            if isinstance(s, ast.Assign) and len(s.targets) == 1
        ]
        if assigned:
            self.add(2, f"{label} sets {_some(assigned, 3)}.")
        runnable = [s for s in stmts if not isinstance(s, ast.Import | ast.ImportFrom)]
        self.details(label, runnable, None)

    def main_guard(self, guard: ast.If) -> None:
        actions = _join([_statement(s, self.source) for s in guard.body[:3]])
        self.add(
            3, f'When the file runs as a script (`if __name__ == "__main__"`), it runs {actions}.'
        )


_BLOCK_WORDS: dict[type[ast.stmt], str] = {
    ast.Try: "try",
    ast.If: "if",
    ast.For: "for",
    ast.While: "while",
    ast.With: "with",
    ast.Match: "match",
}


def _statement(stmt: ast.stmt, source: str | None) -> str:
    """A simple statement quoted; a compound one named by its keyword."""
    word = _BLOCK_WORDS.get(type(stmt))
    return f"a `{word}` block" if word else _code(stmt, 40, source)


def _empty_sentence(label: str, outcome: EmptyOutcome) -> str:
    if outcome.raises:
        return f"With an empty `{outcome.param}`, {label} raises `{outcome.raises}` ({outcome.reason})."
    because = f"{outcome.reason}, so " if outcome.reason else ""
    return (
        f"With an empty `{outcome.param}`, {because}{label} returns {show_value(outcome.returns)}."
    )


_LOG_METHODS = frozenset(["debug", "info", "warning", "error", "exception", "critical", "log"])


def _handler_outcome(handler: ast.ExceptHandler, source: str | None) -> str | None:
    """What an `except` block does with the error: the exception path, in a few words."""
    body = handler.body
    if all(isinstance(s, ast.Pass) for s in body):
        return "ignores it"
    last = body[-1]
    logs = any(
        isinstance(s, ast.Expr)
        and isinstance(s.value, ast.Call)
        and isinstance(s.value.func, ast.Attribute)
        and s.value.func.attr in _LOG_METHODS
        for s in body
    )
    first = "logs it, then " if logs else ""
    if isinstance(last, ast.Return):
        shown = "`None`" if last.value is None else _code(last.value, 40, source)
        return f"{first}returns {shown} instead"
    if isinstance(last, ast.Raise):
        if last.exc is None:
            return f"{first}re-raises it"
        exc = last.exc.func if isinstance(last.exc, ast.Call) else last.exc
        return f"{first}raises {_code(exc, 40, source)} instead"
    if isinstance(last, ast.Continue):
        return f"{first}skips to the next item"
    if isinstance(last, ast.Break):
        return f"{first}stops the loop"
    if logs:
        return "logs it and carries on"
    return None


def _describe_params(args: ast.arguments, skip_first: bool, source: str | None) -> list[str]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = list(zip(positional, defaults, strict=True))
    if skip_first and pairs:
        pairs = pairs[1:]
    described = [_describe_param(arg, default, source) for arg, default in pairs]
    if args.vararg:
        described.append(f"any number of extra positional arguments (`*{args.vararg.arg}`)")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        described.append(_describe_param(arg, default, source, "keyword-only"))
    if args.kwarg:
        described.append(f"any keyword arguments (`**{args.kwarg.arg}`)")
    return described


def _describe_param(arg: ast.arg, default: ast.expr | None, source: str | None, *extra: str) -> str:
    notes = list(extra)
    if arg.annotation is not None:
        notes.append(_code(arg.annotation, 30, source=source))
    if default is not None:
        notes.append(f"default {_code(default, 30, source=source)}")
    return f"`{arg.arg}`" + (f" ({', '.join(notes)})" if notes else "")


def _describe_returns(fn: _FunctionNode, source: str | None) -> str:
    annotation = f" (declared `-> {ast.unparse(fn.returns)}`)" if fn.returns is not None else ""
    if _is_generator(fn):
        return f"yields values instead of returning one (it is a generator){annotation}"
    returns = _own_returns(fn)
    values = [r.value for r in returns if _returns_value(r) and r.value is not None]
    if not values:
        raises = [n for n in _own_nodes(fn.body) if isinstance(n, ast.Raise)]
        if raises and _terminates(fn.body) and not _own_returns(fn):
            first = raises[0].exc
            what = (
                _code(first.func if isinstance(first, ast.Call) else first, source=source)
                if first
                else "an exception"
            )
            return f"always raises {what}"
        return f"returns nothing (`None`){annotation}"
    # An explicit `return None` (or bare `return`) is a path too: say so.
    shown = _unique(
        _code(r.value, source=source) if r.value is not None else "`None`" for r in returns
    )
    if len(shown) == 1:
        text = f"returns {shown[0]}"
    elif len(shown) <= 3:
        text = f"returns {_join(shown, 'or')}, depending on the path"
    else:
        text = f"returns one of {len(shown)} different expressions, depending on the path"
    if not _terminates(fn.body):
        text += ", or `None` if it reaches the end of its body"
    return text + annotation


def _describe_expression(expr: ast.expr, source: str | None) -> str:
    if isinstance(expr, ast.Call):
        args = [_code(a, 40, source=source) for a in expr.args] + [
            _code(k, 40, source=source) for k in expr.keywords
        ]
        with_args = f" with {_some(args, 4)}" if args else " with no arguments"
        return f"It is a single expression, a call to {_code(expr.func, 40, source=source)}{with_args}."
    return f"It is a single expression, {_code(expr, 80, source=source)}."


def _name_hedge(name: str) -> str | None:
    """At most one hedged sentence about what the name suggests: names can lie, code cannot."""
    words = _name_words(name)
    if len(words) < 2:
        return None
    rest = " ".join(words[1:])
    if words[0] in _PREDICATE_WORDS:
        return f"Judging by its name, `{name}` probably answers “{' '.join(words)}?” with `True` or `False`."
    verb = _NAME_VERBS.get(words[0])
    if verb:
        return f"Judging by its name, `{name}` probably {verb} {rest}."
    return None


def explain(source: str) -> list[str]:
    """2-8 plain sentences, each true of the code, saying what it does; [] if it does not parse."""
    return _safely(lambda: _explain(source), [])


def _explain(source: str) -> list[str]:
    tree = _parse(source)
    if tree is None:
        return []
    stmts = [s for s in tree.body if not _is_docstring(s)]
    if not stmts:
        return []
    explainer = _Explainer(tree, textwrap.dedent(_normalise(source)))
    defs = [s for s in stmts if isinstance(s, _DEFS)]
    guards = [s for s in stmts if isinstance(s, ast.If) and _is_main_guard(s)]
    if defs:
        if len(defs) > 1:
            functions = [f"`{d.name}`" for d in defs if not isinstance(d, ast.ClassDef)]
            classes = [f"`{d.name}`" for d in defs if isinstance(d, ast.ClassDef)]
            kinds = []
            if functions:
                kinds.append(
                    f"{len(functions)} function{'s' if len(functions) != 1 else ''} ({_some(functions, 5)})"
                )
            if classes:
                kinds.append(
                    f"{len(classes)} class{'es' if len(classes) != 1 else ''} ({_some(classes, 5)})"
                )
            explainer.add(0 if len(defs) > 3 else 4, f"The code defines {_join(kinds)}.")
        for index, node in enumerate(defs):
            explainer.definition(node, primary=index == 0, summary_priority=0 if index < 4 else 3)
        rest = [
            s
            for s in stmts
            if not isinstance(s, (*_DEFS, ast.Import, ast.ImportFrom)) and s not in guards
        ]
        if rest:
            explainer.script(rest, "The top-level code", summary=False)
        for guard in guards:
            explainer.main_guard(guard)
    else:
        explainer.script([s for s in stmts if s not in guards], "It", summary=True)
        for guard in guards:
            explainer.main_guard(guard)
    sentences = _unique(explainer.sentences())
    if len(sentences) < 2:
        sentences.append(_filler(tree))
    return sentences[:MAX_SENTENCES]


def _filler(tree: ast.Module) -> str:
    """A second true sentence for code too plain to say more about."""
    control = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.IfExp, ast.Match, ast.Try)
    if not any(isinstance(n, control) for n in ast.walk(tree)):
        return "It has no loops or branches, so it runs straight through once."
    lines = max((getattr(n, "end_lineno", 0) or 0) for n in ast.walk(tree))
    return f"It is {lines} line{'s' if lines != 1 else ''} long."
