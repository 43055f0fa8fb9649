"""`annotate`: pasted functions with the type hints their code vouches for, and a docstring.

The hints come from hints.py (a parameter the code does not pin down stays unannotated, and
the reply says which); the docstring's first line from purpose.py's reading of the function
("returns the mean of the numbers in `xs`" -> "Return the mean of the numbers in `xs`."), with
the checks it starts with (`Raises ValueError if n < 0.`) and what an empty input gives, when
the code shows it. A function whose shape purpose.py does not know gets a first line made
from its name, and the reply says so: a name can promise what the code does not do.

The code is edited as text, at the positions the parser reports, so the user's comments and
formatting stay; the result must parse, and must be the same program once the hints, the new
docstrings and the new imports are taken out again.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass, field

from labkit.sim.replies.reader.empty import empty_input, show_value
from labkit.sim.replies.reader.glossary import _NAME_VERBS, _PREDICATE_WORDS
from labkit.sim.replies.reader.hints import Hint, hint_param, hint_return
from labkit.sim.replies.reader.purpose import purpose
from labkit.sim.replies.reader.source import (
    _FunctionNode,
    _is_docstring,
    _join,
    _name_words,
    _normalise,
    _parse,
    _safely,
)

_WIDTH = 88  # docstring lines wrap here, counting the indentation
_ABSTRACT = ("Collection", "Iterable", "Iterator", "Mapping", "Sequence", "Sized")


@dataclass(frozen=True)
class Annotation:
    """The annotated source and what the reply says about it."""

    source: str
    hinted: list[Hint] = field(default_factory=list)
    # (function, what): ("find_logs", "`root`"), ("find_logs", "its result")
    unknown: list[tuple[str, str]] = field(default_factory=list)
    documented: list[str] = field(default_factory=list)  # functions given a docstring
    from_name: list[str] = field(default_factory=list)  # ... whose first line is its name's
    kept: list[str] = field(default_factory=list)  # functions that already had a docstring
    functions: list[str] = field(default_factory=list)  # every function looked at
    held: list[tuple[str, str]] = field(default_factory=list)  # (function, why no hints)


def annotate(source: str, hints: bool = True, docstrings: bool = True) -> Annotation | None:
    """The code with type hints and docstrings added; None when nothing could be added."""
    return _safely(lambda: _annotate(source, hints, docstrings), None)


@dataclass
class _Edit:
    """Replace the text from (row, col) to (end_row, end_col), characters, rows from 1."""

    row: int
    col: int
    end_row: int
    end_col: int
    text: str


@dataclass
class _Work:
    edits: list[_Edit] = field(default_factory=list)
    hinted: list[Hint] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    documented: list[str] = field(default_factory=list)
    from_name: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    held: list[tuple[str, str]] = field(default_factory=list)


def _annotate(source: str, hints: bool, docstrings: bool) -> Annotation | None:
    tree = _parse(source)
    if tree is None:
        return None
    text = textwrap.dedent(_normalise(source))
    lines = text.split("\n")
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    work = _Work()
    for target in _functions(tree):
        fn, method = target.fn, target.method
        header = _header(tokens, fn, lines)
        if header is None:
            continue
        if hints and target.hold:
            work.held.append((fn.name, target.hold))
        elif hints:
            calls = _calls_of(tree, fn.name)
            _hint(fn, method, header, lines, work, calls, _result_used(tree, calls))
        if docstrings:
            _document(fn, header, text, lines, work)
    if not work.edits:
        return None
    imports = _imports(tree, work.hinted)
    if imports:
        work.edits.append(_Edit(*_import_row(tree), *_import_row(tree), imports))
    result = _apply(lines, work.edits)
    if not _same_program(tree, result):
        return None
    functions = [target.fn.name for target in _functions(tree)]
    return Annotation(
        result,
        work.hinted,
        work.unknown,
        work.documented,
        work.from_name,
        work.kept,
        functions,
        work.held,
    )


@dataclass(frozen=True)
class _Target:
    """A function to annotate, and why its hints must be left alone, if they must."""

    fn: _FunctionNode
    method: bool
    hold: str = ""  # "" or the reason not to add hints, as a clause


_TRANSPARENT = frozenset(
    [
        "staticmethod", "classmethod", "property", "functools.cache", "cache", "lru_cache",
        "functools.lru_cache",
    ]
)  # fmt: skip


def _functions(tree: ast.Module) -> list[_Target]:
    """Top-level functions and the methods of top-level classes. A name defined twice (`try:
    def f... except: def f...`) is left out: mypy wants one signature for both. Hints are held
    back for a method that may override a base class's (the base decides its signature), a
    special method (`__eq__`, `__contains__`: the data model does) and a function under a
    decorator that registers it somewhere (`@app.route`, `@f.register`: the caller does)."""
    defined = [
        n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    defined += [
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    ]
    twice = {name for name in defined if defined.count(name) > 1}
    found: list[_Target] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(_Target(stmt, False, _hold(stmt, None)))
        elif isinstance(stmt, ast.ClassDef):
            names = [
                t.id
                for n in stmt.body
                if isinstance(n, ast.Assign)
                for t in n.targets
                if isinstance(t, ast.Name)
            ]
            for member in stmt.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    hold = _hold(member, stmt)
                    if member.name in names:
                        hold = "its name is bound again in the class"
                    found.append(_Target(member, True, hold))
    return [t for t in found if t.fn.name not in twice]


def _hold(fn: _FunctionNode, owner: ast.ClassDef | None) -> str:
    decorators = [ast.unparse(d) for d in fn.decorator_list]
    if any(d not in _TRANSPARENT for d in decorators):
        return f"its decorator (`@{decorators[0]}`) may decide how it is called"
    if owner is None:
        return ""
    bases = [ast.unparse(b) for b in owner.bases if ast.unparse(b) != "object"]
    if fn.name.startswith("__") and fn.name.endswith("__") and fn.name != "__init__":
        return f"`{fn.name}` is a special method, whose signature Python's data model fixes"
    if bases:
        return f"it may override a method of `{bases[0]}`, whose signature decides its types"
    return ""


# --------------------------------------------------------------------------- positions


@dataclass(frozen=True)
class _Header:
    """Where a `def` line's parameter list closes and where its colon is (rows from 1)."""

    close: tuple[int, int]  # just after the `)`
    colon: tuple[int, int]


def _header(
    tokens: list[tokenize.TokenInfo], fn: _FunctionNode, lines: list[str]
) -> _Header | None:
    start = (fn.lineno, _chars(lines, fn.lineno, fn.col_offset))
    index = next((i for i, t in enumerate(tokens) if t.start >= start and t.string == "def"), None)
    if index is None:
        return None
    depth = 0
    close: tuple[int, int] | None = None
    for token in tokens[index:]:
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            depth += 1
        elif token.string in ")]}":
            depth -= 1
            if depth == 0 and close is None:
                close = token.end
        elif token.string == ":" and depth == 0 and close is not None:
            return _Header(close, token.end)
    return None


def _chars(lines: list[str], row: int, byte_col: int) -> int:
    """A column in characters, from the parser's column in UTF-8 bytes."""
    return len(lines[row - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace"))


# --------------------------------------------------------------------------- hints


def _hint(
    fn: _FunctionNode,
    method: bool,
    header: _Header,
    lines: list[str],
    work: _Work,
    calls: list[ast.Call],
    used: bool,
) -> None:
    """Hints for the parameters and the result of `fn` (`calls` are the code's own calls of
    it, `used` whether any of them uses the result)."""
    if any("# type:" in line for line in lines[fn.lineno - 1 : header.colon[0] + 1]):
        return  # hints given as a type comment already: a second set would clash
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = list(zip(positional, defaults, strict=True))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    params: dict[str, str] = {}
    decorators = {ast.unparse(d) for d in fn.decorator_list}
    for index, (arg, default) in enumerate(pairs):
        if arg.annotation is not None:
            params[arg.arg] = ast.unparse(arg.annotation)
            continue
        if method and index == 0 and "staticmethod" not in decorators:
            continue  # `self` and `cls` need no hint
        hint = hint_param(fn, arg, default, "\n".join(lines))
        if hint is not None:
            offset = 1 if method and "staticmethod" not in decorators else 0
            hint = _checked_by_callers(hint, calls, index - offset, arg.arg)
        if hint is None:
            work.unknown.append((fn.name, f"`{arg.arg}`"))
            continue
        params[arg.arg] = hint.text
        work.hinted.append(dataclasses.replace(hint, function=fn.name))
        row, col = (
            arg.end_lineno or arg.lineno,
            _chars(lines, arg.end_lineno or arg.lineno, arg.end_col_offset or 0),
        )
        if default is not None and default.lineno == row:
            # `x=0` becomes `x: int = 0`: with a hint, PEP 8 wants spaces around the `=`.
            default_col = _chars(lines, default.lineno, default.col_offset)
            work.edits.append(_Edit(row, col, row, default_col, f": {hint.text} = "))
        else:
            work.edits.append(_Edit(row, col, row, col, f": {hint.text}"))
    result = hint_return(fn, params)
    if fn.returns is not None:
        return
    if result is not None and result.text == "None" and used:
        result = None  # `x = f()` somewhere: mypy would call that an error, and it may be one
    if result is None:
        work.unknown.append((fn.name, "the result"))
        return
    work.hinted.append(Hint("return", result.text, result.reason, fn.name))
    row, col = header.close
    work.edits.append(_Edit(row, col, row, col, f" -> {result.text}"))


def _calls_of(tree: ast.Module, name: str) -> list[ast.Call]:
    """The calls of a function (or method) in the code: `f(...)` and `obj.f(...)`."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def _result_used(tree: ast.Module, calls: list[ast.Call]) -> bool:
    """Some call of the function uses what it returns (is not a statement on its own)."""
    statements = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    return any(id(call) not in statements for call in calls)


def _checked_by_callers(hint: Hint, calls: list[ast.Call], index: int, name: str) -> Hint | None:
    """The hint as the code's own calls confirm it: `| None` added when a call passes `None`,
    no hint when one passes a constant of another type."""
    for call in calls:
        if any(isinstance(a, ast.Starred) for a in call.args):
            continue
        given = call.args[index] if 0 <= index < len(call.args) else None
        given = next((k.value for k in call.keywords if k.arg == name), given)
        if not isinstance(given, ast.Constant):
            continue
        if given.value is None:
            if not hint.text.endswith("| None"):
                hint = Hint(
                    hint.name, f"{hint.text} | None", f"{hint.reason}, and a call passes `None`"
                )
            continue
        passed = type(given.value).__name__
        base = hint.text.removesuffix(" | None")
        if passed != base and not (passed == "int" and base == "float"):
            return None  # the code's own call disagrees with what its body suggests
    return hint


def _imports(tree: ast.Module, hinted: list[Hint]) -> str:
    """The import lines the new hints need, that the code does not have yet."""
    words = {w for h in hinted for w in re.findall(r"[A-Za-z_]\w*", h.text)}
    bound = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    lines = []
    abstract = sorted(w for w in words if w in _ABSTRACT and w not in bound)
    if abstract:
        lines.append(f"from collections.abc import {', '.join(abstract)}\n")
    if "Any" in words and "Any" not in bound:
        lines.append("from typing import Any\n")
    if not lines:
        return ""
    # After the code's own imports they join that block; alone, a blank line follows them.
    joins = any(isinstance(s, ast.Import | ast.ImportFrom) for s in _leading(tree))
    return "".join(lines) + ("" if joins else "\n")


def _leading(tree: ast.Module) -> list[ast.stmt]:
    """The module docstring and the imports the code starts with."""
    leading: list[ast.stmt] = []
    for index, stmt in enumerate(tree.body):
        if not (
            isinstance(stmt, ast.Import | ast.ImportFrom) or (index == 0 and _is_docstring(stmt))
        ):
            break
        leading.append(stmt)
    return leading


def _import_row(tree: ast.Module) -> tuple[int, int]:
    """Where new imports go: after the module docstring and the code's own first imports."""
    leading = _leading(tree)
    return ((leading[-1].end_lineno or leading[-1].lineno) + 1 if leading else 1), 0


# --------------------------------------------------------------------------- docstrings


def _document(fn: _FunctionNode, header: _Header, text: str, lines: list[str], work: _Work) -> None:
    if fn.body and _is_docstring(fn.body[0]):
        work.kept.append(fn.name)
        return
    first = fn.body[0]
    if first.lineno == header.colon[0]:
        return  # `def f(x): return x`: a one-line body has no line to put a docstring on
    summary, named = _summary(fn, text)
    if summary is None:
        return
    indent = " " * _chars(lines, first.lineno, first.col_offset)
    body = [summary, *_details(fn, text)]
    work.edits.append(
        _Edit(header.colon[0] + 1, 0, header.colon[0] + 1, 0, _docstring(body, indent))
    )
    work.documented.append(fn.name)
    if named:
        work.from_name.append(fn.name)


def _summary(fn: _FunctionNode, text: str) -> tuple[str | None, bool]:
    """The docstring's first line, and whether it comes from the name alone."""
    reading = purpose(fn, text)
    label = f"`{fn.name}` "
    if reading and reading.startswith(label):
        return _imperative(reading[len(label) :]), False
    return _from_name(fn), True


_IMPERATIVE = {"tells": "Return", "is": "Return whether it is", "has": "Return whether it has"}


def _imperative(clause: str) -> str:
    """ "returns the mean of `xs`." -> "Return the mean of `xs`." (PEP 257's mood)."""
    verb, _, rest = clause.partition(" ")
    if verb in _IMPERATIVE:
        word = _IMPERATIVE[verb]
    elif verb.endswith("ies"):
        word = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = verb[:-2]
    elif verb.endswith("s") and not verb.endswith("ss"):
        word = verb[:-1]
    else:
        word = verb
    sentence = f"{word[:1].upper()}{word[1:]} {rest}".strip()
    return sentence if sentence.endswith((".", "!", "?", "”")) else sentence + "."


def _from_name(fn: _FunctionNode) -> str | None:
    """A first line from the name: "Return the shipping cost for `region`." (hedged in the
    reply, since a name can promise what the code does not do)."""
    words = _name_words(fn.name)
    params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args] if a.arg not in ("self", "cls")]
    if len(words) < 2:
        return None  # `search`, `greet`, `size`: one word does not say what comes back
    given = f" for `{params[0]}`" if params else ""
    if words[0] in _PREDICATE_WORDS and len(words) > 1 and params:
        return f"Return whether `{params[0]}` {' '.join(words)}."
    if words[0] in _NAME_VERBS and len(words) > 1:
        verb = words[0] if words[0] != "to" else "convert to"
        return f"{verb[:1].upper()}{verb[1:]} {' '.join(words[1:])}."
    if any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn)):
        return f"Return the {' '.join(words)}{given}."
    return None


def _details(fn: _FunctionNode, text: str) -> list[str]:
    """The checks the function starts with, and what an empty input gives, as sentences."""
    details: list[str] = []
    raised: set[str] = set()
    body = [s for s in fn.body if not _is_docstring(s)]
    for stmt in body:
        if not (
            isinstance(stmt, ast.If)
            and not stmt.orelse
            and len(stmt.body) == 1
            and isinstance(stmt.body[0], ast.Raise)
            and stmt.body[0].exc is not None
        ):
            break
        exc = stmt.body[0].exc
        name = ast.unparse(exc.func if isinstance(exc, ast.Call) else exc)
        condition = ast.get_source_segment(text, stmt.test) or ast.unparse(stmt.test)
        if "\n" in condition:
            condition = ast.unparse(stmt.test)
        details.append(f"Raises `{name}` if `{condition}`.")
        raised.add(name)
    outcome = empty_input(fn)
    if outcome is not None:
        if outcome.raises and outcome.raises not in raised:
            details.append(f"Raises `{outcome.raises}` if `{outcome.param}` is empty.")
        elif not outcome.raises:
            details.append(f"An empty `{outcome.param}` gives {show_value(outcome.returns)}.")
    return details


def _docstring(paragraphs: list[str], indent: str) -> str:
    """The docstring's lines: one line when it fits, else a summary, a blank line, the rest."""
    quote = 'r"""' if any("\\" in p for p in paragraphs) else '"""'
    one = f'{indent}{quote}{paragraphs[0]}"""'
    if len(paragraphs) == 1 and len(one) <= _WIDTH:
        return one + "\n"
    width = _WIDTH - len(indent)
    out: list[str] = []
    summary = textwrap.wrap(paragraphs[0], width - len(quote)) or [paragraphs[0]]
    out.append(f"{indent}{quote}{summary[0]}")
    out.extend(f"{indent}{line}" for line in summary[1:])
    if len(paragraphs) > 1:
        out.append("")
        for paragraph in paragraphs[1:]:
            out.extend(f"{indent}{line}" for line in textwrap.wrap(paragraph, width))
    out.append(f'{indent}"""')
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- applying edits


def _apply(lines: list[str], edits: list[_Edit]) -> str:
    text = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(row: int, col: int) -> int:
        return starts[row - 1] + col if row - 1 < len(starts) else len(text)

    for edit in sorted(edits, key=lambda e: (e.row, e.col), reverse=True):
        begin, end = offset(edit.row, edit.col), offset(edit.end_row, edit.end_col)
        text = text[:begin] + edit.text + text[end:]
    return text.rstrip("\n") + "\n"


class _Bare(ast.NodeTransformer):
    """The program without hints, docstrings and the typing imports: what must not change."""

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.annotation = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self.function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self.function(node)

    def function(self, node: _FunctionNode) -> ast.AST:
        node.returns = None
        if node.body and _is_docstring(node.body[0]) and len(node.body) > 1:
            node.body = node.body[1:]
        self.generic_visit(node)
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
        return None if node.module in ("collections.abc", "typing") else node


def _same_program(before: ast.Module, after: str) -> bool:
    tree = _parse(after)
    if tree is None:
        return False
    return ast.dump(_Bare().visit(copy.deepcopy(before))) == ast.dump(_Bare().visit(tree))


# --------------------------------------------------------------------------- what to say


def annotation_notes(
    annotation: Annotation, hints: bool = True, docstrings: bool = True
) -> list[str]:
    """The sentences that go with the annotated code: where each hint comes from, what was left
    out and why, and which docstrings need a second look."""
    notes: list[str] = []
    several = len(annotation.functions) > 1
    if hints and annotation.hinted:
        notes.append(_where_hints_come_from(annotation.hinted, several))
        texts = " ".join(h.text for h in annotation.hinted)
        if " | " in texts:
            notes.append(
                "`X | None` is the Python 3.10 spelling; on older versions, put "
                "`from __future__ import annotations` at the top of the module."
            )
        if any(word in texts for word in _ABSTRACT):
            notes.append(
                "`Iterable`, `Sequence` and the like come from `collections.abc`: they say what "
                "the code needs (something to loop over, something to index), so a list, a "
                "tuple or any other such value is accepted."
            )
    if hints and annotation.held:
        for name, why in annotation.held[:3]:
            notes.append(f"I added no hints to `{name}`: {why}.")
    if hints and annotation.unknown:
        left = [
            (what if what.startswith("`") else f"{what} of `{fn}`")
            + (f" in `{fn}`" if several and what.startswith("`") else "")
            for fn, what in annotation.unknown
        ]
        one = len(left) == 1
        notes.append(
            f"I left {_listed(left, 5)} without a hint: the code does not show what type "
            f"{'it is' if one else 'they are'}, and a guessed hint is worse than none, since "
            "every reader and type checker trusts it."
        )
    if docstrings:
        for name in annotation.from_name:
            notes.append(
                f"The first line of `{name}`'s docstring comes from its name rather than from "
                "its code, so check that it says what you mean."
            )
        done = set(annotation.documented) | set(annotation.kept)
        missing = [n for n in annotation.functions if n not in done]
        if missing:
            undocumented = _listed([f"`{n}`" for n in missing], 4)
            notes.append(
                f"I could not tell from the code alone what {undocumented} "
                f"{'is' if len(missing) == 1 else 'are'} for, so "
                f"{'its docstring is' if len(missing) == 1 else 'their docstrings are'} yours to "
                "write: one line saying what it returns, for what input."
            )
        if annotation.kept:
            one = len(annotation.kept) == 1
            notes.append(
                f"{_listed([f'`{n}`' for n in annotation.kept], 4)} already "
                f"{'has a docstring' if one else 'have docstrings'}, so I left "
                f"{'it' if one else 'them'} as {'it was' if one else 'they were'}."
            )
    return notes


def _where_hints_come_from(hinted: list[Hint], several: bool) -> str:
    """ "Each hint comes from ...: `text: str` (`.lower()` is called on it) and `-> int` (...)",
    grouped by function when there are several."""
    if not several:
        return (
            "Each hint comes from what the code does with the value: "
            f"{_listed([_hint_words(h) for h in hinted], 6)}."
        )
    by_function: dict[str, list[str]] = {}
    for hint in hinted:
        by_function.setdefault(hint.function, []).append(_hint_words(hint))
    groups = [f"in `{fn}`, {_join(words)}" for fn, words in by_function.items()]
    return f"Each hint comes from what the code does with the value: {'; '.join(groups)}."


def _hint_words(hint: Hint) -> str:
    if hint.name == "return":
        return f"`-> {hint.text}` ({hint.reason})"
    return f"`{hint.name}: {hint.text}` ({hint.reason})"


def _listed(items: list[str], limit: int) -> str:
    if len(items) <= limit:
        return _join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"
