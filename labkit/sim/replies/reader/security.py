"""The security checks `review` runs: injection, unsafe loading, secrets in code, weak randomness.

These are the findings a careful reviewer raises first, so `review` lists them before the others.
Each one names its line, says what an attacker (or an accident) can do with it, and shows the
safe form. Each stays quiet on that safe form: a query whose values go in as parameters, a
command given as a list (both in injection.py), `ast.literal_eval`, `yaml.safe_load`, a
certificate bundle, a secret read from the environment, `secrets`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from labkit.sim.replies.reader.checks import Finding, _Context
from labkit.sim.replies.reader.injection import _check_shell_injection, _check_sql_injection
from labkit.sim.replies.reader.source import _dotted, _name_words, _short

_QUOTE = 60  # longest piece of code quoted in a message
_FIX_LIMIT = 110  # a rewritten call longer than this is replaced by a short generic example

# --------------------------------------------------------------------------- eval, exec, loading


def _check_eval(ctx: _Context) -> Iterator[Finding]:
    for call in ctx.nodes:
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            continue
        name = call.func.id
        if name not in ("eval", "exec") or name in ctx.bound or not call.args:
            continue
        if isinstance(call.args[0], ast.Constant):
            continue  # a fixed string is the author's own code
        shown = _short(ctx.text(call), _QUOTE)
        if name == "eval":
            advice = (
                "to read a Python literal (a number, a list, a dict) use `ast.literal_eval`, "
                "and for anything else parse the input or look the allowed operations up in a dict"
            )
        else:
            advice = (
                "map the actions you allow to functions in a dict and call the one the data names"
            )
        yield Finding(
            call.lineno,
            "eval-injection",
            f"Line {call.lineno}: `{shown}` runs whatever Python the string holds, so input such as "
            f"`__import__('os').system('...')` runs commands with your program's rights; {advice}.",
        )


_PICKLE_LOADS = frozenset(
    ["pickle.load", "pickle.loads", "pickle.Unpickler", "cPickle.load", "cPickle.loads",
     "_pickle.load", "_pickle.loads", "dill.load", "dill.loads"]
)  # fmt: skip
_SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")


def _check_unsafe_loading(ctx: _Context) -> Iterator[Finding]:
    for call in ctx.nodes:
        if not isinstance(call, ast.Call):
            continue
        name = ctx.resolve(call) or ""
        if name not in _PICKLE_LOADS and not name.startswith("yaml."):
            continue
        shown = _short(ctx.text(call), _QUOTE)
        if name in _PICKLE_LOADS:
            yield Finding(
                call.lineno,
                "unsafe-deserialisation",
                f"Line {call.lineno}: `{shown}` can run arbitrary code while it rebuilds the objects, so it is "
                "safe only on data your own program wrote and nobody else could change; for data from users, "
                "uploads or the network use a data-only format such as JSON (`json.loads`).",
            )
        elif name in ("yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.unsafe_load_all"):
            loader = next((k.value for k in call.keywords if k.arg == "Loader"), None)
            if loader is None and len(call.args) > 1:
                loader = call.args[1]
            loader_name = (ctx.resolve(loader) or "") if loader is not None else ""
            if not name.startswith("yaml.unsafe") and loader_name.endswith(_SAFE_YAML_LOADERS):
                continue
            safe = "yaml.safe_load_all" if name.endswith("_all") else "yaml.safe_load"
            if loader is None and not name.startswith("yaml.unsafe"):
                why = (
                    "has no `Loader`: PyYAML 6 refuses that with a `TypeError`, and older releases fall back "
                    "to a loader that is not safe for untrusted input"
                )
            else:
                why = (
                    "uses a loader that builds arbitrary Python objects from tags such as "
                    "`!!python/object`, which lets a crafted document run code"
                )
            yield Finding(
                call.lineno,
                "unsafe-deserialisation",
                f"Line {call.lineno}: `{shown}` {why}; use `{safe}(...)`, which builds only plain data "
                "(dicts, lists, strings, numbers).",
            )


# --------------------------------------------------------------------------- TLS verification

_HTTP_METHODS = frozenset(
    ["get", "post", "put", "patch", "delete", "head", "options", "request", "stream"]
)
_HTTP_LIBRARIES = ("requests.", "httpx.", "aiohttp.", "urllib3.")


def _check_tls_verify(ctx: _Context) -> Iterator[Finding]:
    for call in ctx.nodes:
        if not isinstance(call, ast.Call):
            continue
        off = next(
            (
                k
                for k in call.keywords
                if k.arg in ("verify", "ssl")
                and isinstance(k.value, ast.Constant)
                and k.value.value is False
            ),
            None,
        )
        if off is None:
            continue
        name = ctx.resolve(call) or ""
        method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        if not (name.startswith(_HTTP_LIBRARIES) or method in _HTTP_METHODS):
            continue
        yield Finding(
            call.lineno,
            "tls-verify-disabled",
            f"Line {call.lineno}: `{off.arg}=False` turns off checking the server's certificate, so anyone on "
            "the network path can pretend to be the server and read or change the traffic; drop it, or point "
            f'`{off.arg}=` at the certificate bundle of your internal CA (`verify="/path/to/ca.pem"`).',
        )


# --------------------------------------------------------------------------- secrets in code

_SECRET_NOUNS = frozenset(["password", "passwd", "pwd", "passphrase", "secret", "token", "apikey"])
_SECRET_KEYS = frozenset(["api", "secret", "private", "access", "signing", "encryption", "auth"])
_PLACEHOLDER = re.compile(r"^(<.*>|\$\{.*\}|\{.*\}|%s|x+|\*+|\.\.\.|todo|fixme|none|null)$", re.I)
# Values that say they are not a real secret ("sk-test-not-a-real-key", "dummy-token").
_NOT_REAL = re.compile(
    r"not[-_ ]?a[-_ ]?real|dummy|fake|placeholder|example|redacted|your[-_ ]", re.I
)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def _is_secret_name(name: str) -> bool:
    words = _name_words(name)
    if not words:
        return False
    last = words[-1]
    if last in _SECRET_NOUNS:
        return True
    return last == "key" and len(words) > 1 and words[-2] in _SECRET_KEYS


def _looks_like_secret(name: str, value: ast.AST | None) -> bool:
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return False
    text = value.value.strip()
    if not text or any(c.isspace() for c in text) or text.endswith(":"):
        return False  # empty, or a prompt or message ("Enter your password:")
    if _PLACEHOLDER.match(text) or _ENV_NAME.match(text) or _NOT_REAL.search(text):
        return False  # a template, the name of an environment variable, a declared fake
    if text.lower() == name.lower():
        return False  # `TOKEN = "token"` is a label, not a secret
    # Lexer, template and paging tokens are words ("upgrade_token": "upgrades"), issued ones not.
    return _name_words(name)[-1] != "token" or _looks_random(text)


def _looks_random(text: str) -> bool:
    """Long enough, with digits or mixed case: how issued tokens look, unlike plain words."""
    kinds = sum(
        [
            any(c.isdigit() for c in text),
            any(c.isupper() for c in text),
            any(c.islower() for c in text),
        ]
    )
    return len(text) >= 12 and kinds >= 2


def _secret_assignments(ctx: _Context) -> Iterator[tuple[int, str, str]]:
    """(line, name, how it is given) for literal strings given to secret-looking names."""
    for node in ctx.nodes:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else None
                if isinstance(target, ast.Attribute):
                    name = target.attr
                if name and _is_secret_name(name) and _looks_like_secret(name, node.value):
                    yield node.lineno, ctx.text(target), "is set to"
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if (
                    keyword.arg
                    and _is_secret_name(keyword.arg)
                    and _looks_like_secret(keyword.arg, keyword.value)
                ):
                    yield keyword.value.lineno, f"{keyword.arg}=", "is given"
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and _is_secret_name(key.value)
                    and _looks_like_secret(key.value, value)
                ):
                    yield value.lineno, f'"{key.value}"', "maps to"


def _check_hardcoded_secrets(ctx: _Context) -> Iterator[Finding]:
    for line, shown, verb in _secret_assignments(ctx):
        statement = next((n for n in ctx.nodes if getattr(n, "lineno", 0) == line), None)
        if statement is not None and ctx.in_test_code(statement):
            continue  # test fixtures use made-up credentials on purpose
        env = re.sub(r"\W", "", shown.split(".")[-1]).upper() or "SECRET"
        yield Finding(
            line,
            "hardcoded-secret",
            f"Line {line}: `{shown}` {verb} a literal string, so the secret is in version control and in "
            "every copy of the file, and changing it means changing the code; read it from the environment "
            f'(`os.environ["{env}"]`) or a secrets manager, and rotate it if this was ever committed.',
        )


# --------------------------------------------------------------------------- weak randomness

_RANDOM_CALLS = frozenset(
    ["random.choice", "random.choices", "random.randint", "random.randrange", "random.random",
     "random.getrandbits", "random.sample", "random.uniform", "random.randbytes"]
)  # fmt: skip
_SECRET_PURPOSES = frozenset(
    ["token", "password", "passwd", "secret", "salt", "nonce", "otp", "passphrase", "apikey", "pin"]
)


def _secret_purpose(name: str) -> bool:
    words = _name_words(name)
    return bool(set(words) & _SECRET_PURPOSES) or _is_secret_name(name)


def _purpose_of(ctx: _Context, call: ast.Call) -> str | None:
    """What the random value makes, in words: a secret-sounding variable or function result."""
    statement = ctx.statement_of(call)
    if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        for target in targets:
            name = _dotted(target)
            if name and _secret_purpose(name.split(".")[-1]):
                return f"`{name}`"
    scope = ctx.scope_of(call)
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) and _secret_purpose(scope.name):
        return f"what `{scope.name}` returns"
    return None


def _check_insecure_random(ctx: _Context) -> Iterator[Finding]:
    reported: set[int] = set()
    for call in ctx.nodes:
        if not isinstance(call, ast.Call) or ctx.resolve(call) not in _RANDOM_CALLS:
            continue
        purpose = _purpose_of(ctx, call)
        if purpose is None or call.lineno in reported:
            continue
        reported.add(call.lineno)
        yield Finding(
            call.lineno,
            "insecure-random",
            f"Line {call.lineno}: `{ctx.text(call.func)}` makes {purpose}, but the `random` module is built "
            "for simulations: its next outputs can be worked out from earlier ones, so the secret can be "
            "guessed; use `secrets` (`secrets.token_urlsafe(16)`, or `secrets.choice` for each character).",
        )


SECURITY_CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    _check_sql_injection,
    _check_shell_injection,
    _check_eval,
    _check_unsafe_loading,
    _check_tls_verify,
    _check_hardcoded_secrets,
    _check_insecure_random,
)
SECURITY_KINDS = frozenset(
    [
        "sql-injection",
        "shell-injection",
        "eval-injection",
        "unsafe-deserialisation",
        "tls-verify-disabled",
        "hardcoded-secret",
        "insecure-random",
    ]
)
