"""Finding the Python in a prompt and parsing it, and the helpers the other reader modules share.

`pasted_code` picks the code out of prose: a fenced block first, else the longest run of lines
that parses. `_parse` is the one way code is parsed here (it refuses input over MAX_CHARS), and
`_safely` is what keeps every public function of the package from raising. The rest are small
AST and wording helpers used by more than one of explain, checks, refactor and testgen.
"""

from __future__ import annotations

import ast
import builtins
import re
import textwrap
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

MAX_CHARS = 20_000  # beyond this a paste is not a snippet to discuss, and parsing costs add up
_QUOTE_LIMIT = 60  # longest code quoted inside a sentence, in characters
_PARSE_BUDGET = 200_000  # characters pasted_code may parse looking for code among prose
_PROBE_LINES = 12  # lines parsed first from each candidate start (see _longest_code_run)

_T = TypeVar("_T")
_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


# --------------------------------------------------------------------------- shared helpers


def _safely(work: Callable[[], _T], fallback: _T) -> _T:
    try:
        return work()
    except Exception:
        # Why so broad: the reply falls back to generic advice; reading the user's code must never
        # take a reply down (RecursionError on deep trees, MemoryError, a bug of ours).
        return fallback


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _parse(source: str) -> ast.Module | None:
    if not isinstance(source, str) or len(source) > MAX_CHARS:
        return None
    try:
        with warnings.catch_warnings():
            # Pasted code often has invalid escapes ("\d"), which warn at parse time: not our call.
            warnings.simplefilter("ignore")
            return ast.parse(textwrap.dedent(_normalise(source)))
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None


def _code(node: ast.AST, limit: int = _QUOTE_LIMIT, source: str | None = None) -> str:
    """`node` as code in backticks, trimmed so a sentence stays readable.

    With the source, it is quoted as the user wrote it (their quotes, their spacing); unparsed
    from the tree when that is not possible in one line.
    """
    text = _segment(node, source) or ast.unparse(node).replace("\n", " ")
    bare = isinstance(node, ast.Yield | ast.YieldFrom | ast.NamedExpr) or (
        isinstance(node, ast.Tuple) and len(node.elts) > 1
    )
    if bare and text.startswith("(") and text.endswith(")"):
        text = text[1:-1]  # unparse wraps these in parentheses that the source rarely has
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "`" + text.replace("`", "'") + "`"


def _segment(node: ast.AST, source: str | None) -> str | None:
    if source is None or not hasattr(node, "lineno"):
        return None
    try:
        segment = ast.get_source_segment(source, node)
    except (ValueError, IndexError):
        return None
    if not segment or "\n" in segment or "#" in segment:
        return None  # a multi-line piece (maybe with comments) reads better unparsed
    return segment


def _join(items: Sequence[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _some(items: Sequence[str], limit: int) -> str:
    """The first `limit` items joined, and how many more there are."""
    if len(items) <= limit:
        return _join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _article(word: str) -> str:
    return "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"


def _unique(items: Iterable[_T]) -> list[_T]:
    seen: list[_T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _dotted(node: ast.AST) -> str | None:
    """`os.path.join` for the expression os.path.join; None for anything but names and dots."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _call_name(node: ast.AST) -> str | None:
    return _dotted(node.func) if isinstance(node, ast.Call) else None


def _is_name(node: ast.AST | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_exception_name(name: str) -> bool:
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [w.lower() for w in spaced.split("_") if w]


def _own_nodes(roots: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """The roots and everything under them in the same scope, in source order.

    Nested functions, lambdas and classes are yielded but not entered: what happens inside them
    is theirs, not the enclosing function's.
    """
    stack = list(roots)[::-1]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(list(ast.iter_child_nodes(node))[::-1])


def _walk_all(roots: Iterable[ast.AST]) -> Iterator[ast.AST]:
    for root in roots:
        yield from ast.walk(root)


def _functions(tree: ast.AST) -> list[_FunctionNode]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _blocks(tree: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every statement list in the tree: bodies, else branches, finally blocks, handlers, cases."""
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield value


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _is_main_guard(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    parts = [stmt.test.left, *stmt.test.comparators]
    return any(_is_name(p, "__name__") for p in parts) and any(
        isinstance(p, ast.Constant) and p.value == "__main__" for p in parts
    )


def _is_generator(fn: ast.AST) -> bool:
    body = fn.body if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) else []
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in _own_nodes(body))


def _own_returns(fn: _FunctionNode) -> list[ast.Return]:
    return [n for n in _own_nodes(fn.body) if isinstance(n, ast.Return)]


def _returns_value(ret: ast.Return) -> bool:
    return ret.value is not None and not (
        isinstance(ret.value, ast.Constant) and ret.value.value is None
    )


_NO_RETURN_CALLS = frozenset(
    ["sys.exit", "exit", "quit", "os._exit", "os.abort", "pytest.fail", "pytest.skip", "self.fail"]
)


def _has_break(stmts: list[ast.stmt]) -> bool:
    """A `break` that leaves this loop (not one of a loop nested inside it)."""
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return True
        if not isinstance(node, (ast.For, ast.AsyncFor, ast.While, *_SCOPES)):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _terminates(stmts: list[ast.stmt]) -> bool:
    """True when running `stmts` can never fall off the end (it always returns or raises)."""
    return any(_stmt_terminates(s) for s in stmts)


def _stmt_terminates(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Return | ast.Raise):
        return True
    if isinstance(stmt, ast.If):
        return _terminates(stmt.body) and _terminates(stmt.orelse)
    if isinstance(stmt, ast.With | ast.AsyncWith):
        return _terminates(stmt.body)
    if isinstance(stmt, ast.Try | ast.TryStar):
        if _terminates(stmt.finalbody):
            return True
        normal = _terminates(stmt.body) or _terminates(stmt.orelse)
        return normal and all(_terminates(h.body) for h in stmt.handlers)
    if isinstance(stmt, ast.While):
        forever = isinstance(stmt.test, ast.Constant) and bool(stmt.test.value)
        return not _has_break(stmt.body) and (forever or _terminates(stmt.orelse))
    if isinstance(stmt, ast.For | ast.AsyncFor):
        return not _has_break(stmt.body) and _terminates(stmt.orelse)
    if isinstance(stmt, ast.Match):
        catch_all = any(
            isinstance(c.pattern, ast.MatchAs) and c.pattern.pattern is None and c.guard is None
            for c in stmt.cases
        )
        return catch_all and all(_terminates(c.body) for c in stmt.cases)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _call_name(stmt.value) in _NO_RETURN_CALLS
    if isinstance(stmt, ast.Assert):
        return isinstance(stmt.test, ast.Constant) and not stmt.test.value
    return False


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the code binds anywhere: to tell whether `sum`, `open`... are still builtins."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def _import_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted origin, so `np.mean` reads as `numpy.mean`, `loads` as `json.loads`."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _range_len_parts(loop: ast.For) -> tuple[str, str] | None:
    """(index name, sequence name) for `for i in range(len(xs))`, else None."""
    it = loop.iter
    if not (
        isinstance(loop.target, ast.Name)
        and isinstance(it, ast.Call)
        and _is_name(it.func, "range")
    ):
        return None
    if len(it.args) != 1 or it.keywords:
        return None
    inner = it.args[0]
    if not (isinstance(inner, ast.Call) and _is_name(inner.func, "len") and len(inner.args) == 1):
        return None
    seq = inner.args[0]
    if not isinstance(seq, ast.Name) or inner.keywords:
        return None
    return loop.target.id, seq.id


def _index_uses(
    body: list[ast.stmt], index: str, seq: str, parents: dict[ast.AST, ast.AST]
) -> tuple[list[ast.Subscript], int]:
    """The `seq[index]` subscripts in `body`, and how many other uses of `index` there are."""
    subscripts: list[ast.Subscript] = []
    others = 0
    for node in _walk_all(body):
        if isinstance(node, ast.Name) and node.id == index:
            parent = parents.get(node)
            if (
                isinstance(parent, ast.Subscript)
                and parent.slice is node
                and _is_name(parent.value, seq)
            ):
                subscripts.append(parent)
            else:
                others += 1
    return subscripts, others


def _element_name(seq: str) -> str:
    if seq.endswith("ies") and len(seq) > 3:
        return seq[:-3] + "y"
    if seq.endswith("s") and not seq.endswith("ss") and len(seq) > 1:
        return seq[:-1]
    return "x"


# --------------------------------------------------------------------------- pasted_code

_FENCE = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.-]*)[^\n]*\n(?P<body>.*?)"
    r"(?:^[ \t]*(?P=fence)[ \t]*$|\Z)",
    re.M | re.S,
)
_STARTS_CODE = re.compile(
    r"\s*(?:@|try:|with |while |from |async |raise\b|assert |del |global |\"\"\"|\'\'\')"
)
_PYTHON_TAGS = frozenset(["python", "py", "python3", "py3", "ipython"])
# A line that looks like code: prose such as "How do I test this" has none of these.
_CODE_HINT = re.compile(
    r"\bdef |\bclass |=|\breturn\b|\bfor |\bif |\bimport\b|\bwhile |\w\(|^\s*@\w"
)


def pasted_code(text: str) -> str | None:
    """The Python source a prompt contains, or None when the prompt is prose only.

    A ```python / ```py block is taken as is (even if it does not parse: the question may be
    about the SyntaxError); an untagged ``` block only if it parses as code; otherwise the
    longest run of lines that parses after dedent and has a real statement and a code-looking
    line. Windows line endings are normalised.
    """
    return _safely(lambda: _pasted_code(text), None)


def _pasted_code(text: str) -> str | None:
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        return None
    text = _normalise(text)
    tagged: list[str] = []
    untagged: list[str] = []
    for match in _FENCE.finditer(text):
        body = textwrap.dedent(match.group("body")).strip("\n").rstrip()
        lang = match.group("lang").lower()
        if not body.strip():
            continue
        if lang in _PYTHON_TAGS:
            tagged.append(body)
        elif not lang and _looks_like_code(body):
            untagged.append(body)
    if tagged:
        # A tagged block is the user's word that it is Python, even if it does not parse (the
        # question may be about the SyntaxError). Several blocks go together when they parse.
        joined = "\n\n".join(tagged)
        return joined if len(tagged) > 1 and _looks_like_code(joined) else tagged[0]
    if untagged:
        return untagged[0]
    return _longest_code_run(text.split("\n"))


def _looks_like_code(source: str) -> bool:
    tree = _parse(source)
    return tree is not None and _is_meaningful(tree, source.split("\n"))


def _is_meaningful(tree: ast.Module, lines: Sequence[str]) -> bool:
    """At least one statement that is not a bare word or constant, and one line with a code hint.

    "Thanks" or "yes or no" parse as Python expressions; a paste of code has more than that.
    """
    substantive = any(
        not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Name | ast.Constant))
        for s in tree.body
    )
    return substantive and any(_CODE_HINT.search(line) for line in lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _run_limits(lines: Sequence[str]) -> list[int]:
    """For each line, the index of the next non-blank line indented less (or the end).

    After dedent the first line of a run must start at column 0, so a run can never reach a
    line less indented than its first: that bounds each run without a parse.
    """
    limits = [len(lines)] * len(lines)
    stack: list[int] = []  # later lines, their indents increasing from the top down
    for index in range(len(lines) - 1, -1, -1):
        if not lines[index].strip():
            limits[index] = limits[index + 1] if index + 1 < len(lines) else len(lines)
            continue
        indent = _indent(lines[index])
        while stack and _indent(lines[stack[-1]]) >= indent:
            stack.pop()
        limits[index] = stack[-1] if stack else len(lines)
        stack.append(index)
    return limits


def _longest_code_run(lines: list[str]) -> str | None:
    budget = _PARSE_BUDGET
    best: tuple[int, int] | None = None
    best_size = 0
    limits = _run_limits(lines)
    for start, first in enumerate(lines):
        if best is not None and start < best[1]:
            continue  # inside the best run: a run starting here is rarely longer
        if not (_CODE_HINT.search(first) or _STARTS_CODE.match(first)):
            continue  # a run of code starts with a line that looks like code
        end = limits[start]
        while end > start and budget > 0:
            window = lines[start:end]
            size = sum(1 for line in window if line.strip())
            if size <= best_size:
                break
            if len(window) > _PROBE_LINES:
                # Prose fails within a line or two: a short probe finds that without paying
                # for a parse of everything after it.
                probe = "\n".join(window[:_PROBE_LINES])
                budget -= len(probe)
                line, at_end = _syntax_error(probe)
                if line is not None and not at_end:
                    end = start + line - 1
                    continue
            text = "\n".join(window)
            budget -= len(text)
            line, at_end = _syntax_error(text)
            if line is None:
                if _is_meaningful(_parse_or_empty(window), window):
                    best, best_size = (start, end), size
                break
            # A syntax error on line k means no window with the same start that still holds
            # line k can parse (the parser reads left to right), so the next try ends before it.
            end = start + line - 1 if 1 <= line < len(window) else end - 1
        if budget <= 0:
            break
    if best is None:
        return None
    return _trim_run(lines[best[0] : best[1]])


_END_OF_INPUT_ERRORS = ("never closed", "unterminated triple-quoted", "unexpected EOF")


def _syntax_error(source: str) -> tuple[int | None, bool]:
    """(None, False) when `source` parses; else the error's line (1-based, 0 if unknown) and
    whether the error is about input ending too soon, which more lines could fix."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(textwrap.dedent(source))
    except SyntaxError as error:
        line = error.lineno or 0
        at_end = line >= source.count("\n") + 1 or any(
            words in str(error.msg) for words in _END_OF_INPUT_ERRORS
        )
        return line, at_end
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return 0, True
    return None, False


def _parse_or_empty(lines: Sequence[str]) -> ast.Module:
    return _parse("\n".join(lines)) or ast.Module(body=[], type_ignores=[])


def _trim_run(lines: list[str]) -> str | None:
    """The run without a bare word before or after the code ("Thanks" parses as a name)."""
    source = textwrap.dedent("\n".join(lines)).strip("\n").rstrip()
    tree = _parse(source)
    if tree is None:
        return None
    body = list(tree.body)
    rows = source.split("\n")
    first, last = 0, len(rows)
    while len(body) > 1 and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value, ast.Name):
        last = body.pop().lineno - 1
    while len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Name):
        first = body.pop(0).end_lineno or first
    trimmed = textwrap.dedent("\n".join(rows[first:last])).strip("\n").rstrip()
    return trimmed or None


# --------------------------------------------------------------------------- describe_name


def describe_name(source: str) -> str | None:
    """The name of the first top-level function or class, for the reply to mention."""
    return _safely(lambda: _describe_name(source), None)


def _describe_name(source: str) -> str | None:
    tree = _parse(source)
    if tree is None:
        return None
    return next((n.name for n in tree.body if isinstance(n, _DEFS)), None)
