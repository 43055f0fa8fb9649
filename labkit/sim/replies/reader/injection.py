"""The injection checks: SQL and shell commands built from values.

Each names the line that runs the string, the line that built it, and writes the safe form
from the user's own code when it can: their query with placeholders (of the style their driver
uses) and the values as parameters, their command as a list of arguments. Where a placeholder
cannot go (a table or column name, an `IN (...)` list) the advice says what to do instead.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from labkit.sim.replies.reader.checks import Finding, _Context
from labkit.sim.replies.reader.source import _is_name, _short
from labkit.sim.replies.reader.strings import (
    _assignments,
    _Built,
    _built,
    _constant_text,
    _is_fixed,
    _literal,
    _pieces,
    _Slot,
    _slots,
)

_QUOTE = 60  # longest piece of code quoted in a message
_FIX_LIMIT = 110  # a rewritten call longer than this is replaced by a short generic example

# --------------------------------------------------------------------------- SQL injection

_SQL_WORDS = re.compile(
    r"\b(select|insert|update|delete|create|drop|alter|truncate|pragma|where|from|into|values|join"
    r"|order\s+by|group\s+by)\b",
    re.I,
)
_EXECUTE_METHODS = frozenset(["execute", "executemany", "read_sql", "read_sql_query"])
_TEXT_FUNCTIONS = frozenset(
    ["sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"]
)
_QMARK_DRIVERS = frozenset(["sqlite3", "aiosqlite", "duckdb"])
_FORMAT_DRIVERS = frozenset(["psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql", "asyncpg"])


def _sql_sink(ctx: _Context, call: ast.Call) -> tuple[str, ast.expr] | None:
    """("execute" or "text", the query argument) when `call` runs or wraps SQL text."""
    func = call.func
    kind = None
    if isinstance(func, ast.Attribute) and func.attr in _EXECUTE_METHODS:
        kind = "execute"
    elif ctx.resolve(call) in _TEXT_FUNCTIONS or (
        _is_name(func, "text") and "text" not in ctx.bound
    ):
        kind = "text"
    if kind is None:
        return None
    if call.args and not isinstance(call.args[0], ast.Starred):
        return kind, call.args[0]
    named = {k.arg: k.value for k in call.keywords if k.arg}
    query = next((named[k] for k in ("sql", "query", "statement", "operation") if k in named), None)
    return (kind, query) if query is not None else None


def _placeholder(ctx: _Context) -> tuple[str, str]:
    """The placeholder the code's driver expects, and a note when the code does not show it."""
    if ctx.imported & _QMARK_DRIVERS:
        return "?", ""
    if ctx.imported & _FORMAT_DRIVERS:
        return "%s", ""
    return "%s", " (`?` with sqlite3)"


# What may stand before a value in SQL; anything else before an unquoted slot is a name (a
# table, a column, a sort order), which no driver can pass as a parameter.
_VALUE_BEFORE = re.compile(
    r"(=|<|>|\blike|\blimit|\boffset|\bvalues\s*\(|,|\bthen|\belse|\bwhen)\s*$", re.I
)
_IN_LIST = re.compile(r"\bin\s*\(\s*$", re.I)


def _slot_role(before: str, slot: _Slot) -> str:
    """ "value", "list" (the inside of `IN (...)`) or "name", from the SQL just before it."""
    if slot.quoted:
        return "value"
    if _IN_LIST.search(before):
        return "list"
    if _VALUE_BEFORE.search(before):
        comma = before.rstrip().endswith(",")
        inside_values = re.search(r"\bvalues\s*\([^)]*$", before, re.I)
        return "value" if not comma or inside_values else "name"
    return "name"


def _sql_fix(ctx: _Context, call: ast.Call, kind: str, built: _Built) -> str:
    """How to pass the values as parameters: the user's own call rewritten when it can be."""
    callee = ctx.text(call.func)
    marker, note = _placeholder(ctx)
    lead = "pass the values as parameters and let the driver quote them: "
    if kind == "text":
        generic = (
            f'for example `{callee}("SELECT * FROM users WHERE id = :user_id")`, then '
            '`conn.execute(stmt, {"user_id": user_id})`'
        )
    else:
        generic = (
            f'for example `{callee}("SELECT * FROM users WHERE id = {marker}", (user_id,))`{note}'
        )
    pieces = _pieces(built.expr) if built.only else None
    slots = _slots(pieces) if pieces else None
    others = [ctx.text(a) for a in call.args[1:]]
    pandas = callee.endswith(("read_sql", "read_sql_query"))
    if slots is None or call.keywords or (others and not pandas):
        return lead + generic  # values already passed, or a string too clever to rewrite safely
    query = ""
    values: list[str] = []
    names: list[str] = []
    for piece in slots:
        if isinstance(piece, str):
            query += piece
            continue
        role = _slot_role(query, piece)
        shown = ctx.text(piece.expr)
        if role == "name":
            short = _short(shown, 30)
            return (
                f"a table or column name cannot be a parameter, so check `{short}` against a fixed "
                f"set of allowed names before it goes into the query (`if {short} not in ALLOWED: "
                f"raise ValueError({short})`), and pass any values as parameters"
            )
        if role == "list":
            return (
                "pass the values as parameters, one placeholder for each: "
                f'`marks = ", ".join(["{marker}"] * len(values))`, then put `({{marks}})` in the '
                f"query and pass `values` as its parameters{note}"
            )
        values.append(f'f"%{{{shown}}}%"' if piece.wildcards else shown)
        name = (
            piece.expr.id
            if isinstance(piece.expr, ast.Name)
            else piece.expr.attr
            if isinstance(piece.expr, ast.Attribute)
            else f"p{len(values)}"
        )
        names.append(name)
        query += f":{name}" if kind == "text" else marker
    params = f"({values[0]},)" if len(values) == 1 else f"({', '.join(values)})"
    if kind == "text":
        mapping = ", ".join(f'"{n}": {v}' for n, v in zip(names, values, strict=True))
        fix = f"{callee}({_literal(query)})"
        tail = f", then `conn.execute(stmt, {{{mapping}}})`"
    elif pandas:
        fix = f"{callee}({', '.join([_literal(query), *others])}, params={params})"
        tail = note
    else:
        fix = f"{callee}({_literal(query)}, {params})"
        tail = note
    if len(fix) > _FIX_LIMIT or "\n" in query:
        return lead + generic
    return f"{lead}`{fix}`{tail}"


def _check_sql_injection(ctx: _Context) -> Iterator[Finding]:
    for call in ctx.nodes:
        if not isinstance(call, ast.Call):
            continue
        sink = _sql_sink(ctx, call)
        if sink is None:
            continue
        kind, query = sink
        scope = ctx.scope_of(call)
        built = _built(query, scope, call.lineno)
        if built is None:
            continue
        sources: list[ast.AST] = [query]
        if isinstance(query, ast.Name):
            sources += [s for s in _assignments(query.id, scope, call.lineno)]
        if not _SQL_WORDS.search(_constant_text(sources)):
            continue  # not SQL as far as we can tell: stay quiet rather than guess
        where = f" on line {built.line}" if built.line != call.lineno else ""
        verb = "given to" if kind == "text" else "passed to"
        yield Finding(
            call.lineno,
            "sql-injection",
            f"Line {call.lineno}: the SQL {verb} `{ctx.text(call.func)}` is built with {built.how}{where}, "
            "so a value such as `' OR '1'='1` becomes part of the query itself (SQL injection); "
            f"{_sql_fix(ctx, call, kind, built)}.",
        )


# --------------------------------------------------------------------------- shell injection

_SUBPROCESS = frozenset(
    [
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    ]
)
_ALWAYS_SHELL = frozenset(
    ["subprocess.getoutput", "subprocess.getstatusoutput", "os.system", "os.popen"]
)
_SHELL_SYNTAX = set("|&;<>$`*?(){}[]~'\"\\!")


def _argv(pieces: list[str | ast.expr], ctx: _Context) -> list[str] | None:
    """The command as a list of arguments in source form, or None if it needs a real shell."""
    tokens: list[list[str | ast.expr]] = []
    current: list[str | ast.expr] = []
    for piece in pieces:
        if not isinstance(piece, str):
            current.append(piece)
            continue
        if set(piece) & _SHELL_SYNTAX:
            return None  # pipes, redirections, globs, quoting: the list form would change it
        for char in piece:
            if char.isspace():
                if current:
                    tokens.append(current)
                current = []
            elif current and isinstance(current[-1], str):
                current[-1] += char
            else:
                current.append(char)
    if current:
        tokens.append(current)
    argv: list[str] = []
    for token in tokens:
        if len(token) == 1 and isinstance(token[0], str):
            argv.append(_literal(token[0]))
        elif len(token) == 1 and isinstance(token[0], ast.expr):
            value = token[0]
            shown = ctx.text(value)
            argv.append(shown if isinstance(value, ast.Name | ast.Attribute) else f"str({shown})")
        else:
            inner = "".join(p if isinstance(p, str) else "{" + ctx.text(p) + "}" for p in token)
            if '"' in inner or "\\" in inner:
                return None
            argv.append(f'f"{inner}"')
    return argv or None


def _shell_fix(ctx: _Context, call: ast.Call, name: str, built: _Built | None) -> str:
    """What to write instead: the user's command as a list when it can be split safely."""
    pieces = _pieces(built.expr) if built is not None and built.only else None
    argv = _argv(pieces, ctx) if pieces else None
    if argv is None:
        syntax = pieces is not None and any(
            isinstance(p, str) and set(p) & _SHELL_SYNTAX for p in pieces
        )
        if syntax:
            return (
                "the command uses shell syntax, so either run its steps as separate `subprocess.run` "
                "calls with lists of arguments, or quote every value with `shlex.quote(...)`"
            )
        return 'pass a list of arguments, which no shell parses, for example `subprocess.run(["ls", "-l", path])`'
    listed = f"[{', '.join(argv)}]"
    if name == "os.system":
        fix = f"subprocess.run({listed})"
    elif name in ("os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"):
        fix = f"subprocess.run({listed}, capture_output=True, text=True).stdout"
    else:
        kept = [ctx.text(k) for k in call.keywords if k.arg not in ("shell", "args")]
        fix = f"{ctx.text(call.func)}({', '.join([listed, *kept])})"
        if len(fix) > _FIX_LIMIT:
            fix = f"{ctx.text(call.func)}({listed})"
    return f"pass a list of arguments, which no shell parses: `{fix}`"


def _check_shell_injection(ctx: _Context) -> Iterator[Finding]:
    for call in ctx.nodes:
        if not isinstance(call, ast.Call):
            continue
        name = ctx.resolve(call) or ""
        command: ast.expr | None = call.args[0] if call.args else None
        if command is None:
            command = next(
                (k.value for k in call.keywords if k.arg in ("args", "cmd", "command")), None
            )
        if command is None or isinstance(command, ast.List | ast.Tuple | ast.Starred):
            continue
        shell = any(
            k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in call.keywords
        )
        if not ((name in _SUBPROCESS and shell) or name in _ALWAYS_SHELL):
            continue
        scope = ctx.scope_of(call)
        built = _built(command, scope, call.lineno)
        if name in ("os.system", "os.popen") and built is None:
            continue  # a command passed in whole is the caller's business
        if built is None and _is_fixed(command, scope, call.lineno):
            continue  # a fixed command line: nothing an outsider can change
        if built is not None:
            where = f" on line {built.line}" if built.line != call.lineno else ""
            how = f"is built with {built.how}{where}"
        else:
            how = f"is `{_short(ctx.text(command), _QUOTE)}`, a value from outside this code"
        fix = _shell_fix(ctx, call, name, built)
        yield Finding(
            call.lineno,
            "shell-injection",
            f"Line {call.lineno}: `{ctx.text(call.func)}` hands the command to a shell, and the command {how}, "
            "so a value containing `; rm -rf ~` or `$(...)` runs as a command of its own (shell injection); "
            f"{fix}.",
        )
