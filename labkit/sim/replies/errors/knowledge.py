"""The knowledge file, datasets/replies/errors.toml: loaded, validated, cached and linted.

What an error means, its usual causes, the fix and how to confirm it are data, not code: one
entry per error pattern, matched on the exception's type and message or on a pasted log or
tool line. The loader checks all it can before any reply is composed (unknown keys, regexes
that do not compile, unknown placeholders, too few alternatives, patterns that miss the entry's
own examples) and names the file and the entry, because a mistake in the data otherwise shows
up as one odd sentence in a thousand replies. `lint` adds what a reader would notice and the
loader does not reject; `python -m labkit.sim.replies check` runs both.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.sim.replies.bank import Alternative, Bank, BankError
from labkit.sim.replies.compose import ends_a_sentence
from labkit.sim.replies.errors.lines import _quoted_part
from labkit.sim.replies.errors.parser import parse
from labkit.sim.replies.errors.pasted import Raised
from labkit.sim.replies.errors.placeholders import CONTEXT_NAMES, DERIVED_NAMES, names_in

ERRORS_FILE = "errors.toml"
PARTS = ("meaning", "causes", "fix", "confirm")
WRONG_PARTS = ("causes", "fix")  # where an entry may carry plausible wrong alternatives
MIN_ALTERNATIVES = 2  # correct alternatives per part: replies vary in wording
FRAMING_PARTS = (
    "headline_frame",  # the deepest frame is the user's
    "headline_via",  # raised in a library, reached from the user's line
    "headline_library",  # no frame of the user's code at all
    "headline_bare",  # an exception line with no frames
    "headline_log",  # a log or tool line, no Python exception
    "headline_syntax",  # a SyntaxError or IndentationError: the file did not parse
    "headline_warning",  # a warning printed about a line: nothing was raised
    "chained_cause",  # the diagnosed exception was raised while another was handled
    "chained_from",  # ... or raised from it (`raise ... from`)
    "chained_result",  # the diagnosed exception led to the one at the bottom
    "ignored",  # "Exception ignored in ...": printed at clean-up, not raised
    "group_member",  # the diagnosed exception arrived inside an ExceptionGroup
    "library_frames",  # the frames under the user's line are the library's
    "truncated",  # frames, but the last line is missing
    "truncated_ask",
)
# "a {exc}" cannot agree with every value ("a IndexError"); {container_type} is list, tuple or
# string, and {status} a number such as 500.
_ARTICLE_BEFORE_PLACEHOLDER = re.compile(
    r"(?:\b(?:a|an)|^An?) [`'\"]?\{(?!container_type\}|status\})"
)


@dataclass(frozen=True, eq=False)
class Entry:
    """One error pattern and what to say about it."""

    id: str
    exceptions: tuple[str, ...]  # the exception types it applies to (any when empty)
    messages: tuple[re.Pattern[str], ...]  # searched in the exception's message
    lines: tuple[re.Pattern[str], ...]  # searched in the pasted lines (logs, git, the shell)
    name: str  # a noun phrase for a matched line: "git refusing a push ..."
    parts: Mapping[str, tuple[Alternative, ...]]  # meaning, causes, fix, confirm (wrong ones too)
    examples: tuple[str, ...]
    guaranteed: frozenset[str]  # placeholders every match fills

    @property
    def specific(self) -> bool:
        """False for a fallback (a type with no message pattern): tried after the others."""
        return bool(self.messages or self.lines)

    def match_exception(self, raised: Raised) -> dict[str, str] | None:
        if not self.messages and not self.exceptions:
            return None
        if self.exceptions and not any(_names_type(e, raised) for e in self.exceptions):
            return None
        if not self.messages:
            return {}
        for pattern in self.messages:
            found = pattern.search(raised.message)
            if found:
                return {k: v for k, v in found.groupdict().items() if v}
        return None

    def match_line(self, lines: Sequence[str]) -> tuple[str, dict[str, str]] | None:
        """The first line a pattern finds, from where it matched, and the named groups."""
        for line in lines:
            for pattern in self.lines:
                found = pattern.search(line)
                if found:
                    return _quoted_part(line, found), {
                        k: v for k, v in found.groupdict().items() if v
                    }
        return None


def _names_type(name: str, raised: Raised) -> bool:
    """An entry's exception name: exact (short or dotted), or `*Warning` for any warning."""
    if name.startswith("*"):
        return raised.name.endswith(name[1:])
    return name in (raised.name, raised.type)


@dataclass(frozen=True, eq=False)
class Knowledge:
    path: Path
    entries: tuple[Entry, ...]
    framing: Mapping[str, tuple[Alternative, ...]]
    generic: Mapping[str, tuple[Alternative, ...]]
    packages: Mapping[str, str] = field(default_factory=dict)  # import name -> pip name


_ENTRY_KEYS = frozenset(
    {"id", "exception", "message", "line", "name", "examples", *PARTS}
    | {f"{part}_wrong" for part in WRONG_PARTS}
)
_TOP_KEYS = frozenset({"framing", "generic", "packages", "errors"})


def knowledge_for(bank: Bank) -> Knowledge | None:
    """The bank's errors.toml, loaded once; None when the bank has none (a term's own copy)."""
    key = f"errors:{bank.folder}"  # asked on every request: look at the disk once per folder
    if key not in bank.extra:
        path = bank.folder / ERRORS_FILE
        bank.extra[key] = load_knowledge(path.resolve()) if path.exists() else None
    found: Knowledge | None = bank.extra[key]
    return found


@functools.cache
def load_knowledge(path: Path) -> Knowledge:
    """Load and validate an errors file; raise BankError naming the file and entry on any problem."""
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError:
        raise BankError(path, "file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise BankError(path, f"not valid TOML: {error}") from None
    _known_keys(table, _TOP_KEYS, path, "")
    framing = _section(table, "framing", FRAMING_PARTS, path)
    generic = _section(table, "generic", PARTS, path)
    packages = table.get("packages", {})
    if not isinstance(packages, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in packages.items()
    ):
        raise BankError(path, "[packages] must map import names to pip names (strings)")
    raw_entries = table.get("errors")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise BankError(path, "needs [[errors]] entries")
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_entries):
        entry = _entry(raw, path, number)
        if entry.id in seen:
            raise BankError(path, f"errors[{number}]: id {entry.id!r} is used twice")
        seen.add(entry.id)
        entries.append(entry)
    return Knowledge(path, tuple(entries), framing, generic, dict(packages))


def _known_keys(table: Mapping[str, Any], known: frozenset[str], path: Path, where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        place = f"{where}: " if where else ""
        raise BankError(
            path, f"{place}unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )


def _alternatives(
    raw: Any, path: Path, where: str, *, wrong: bool = False
) -> tuple[Alternative, ...]:
    if not isinstance(raw, list) or not all(isinstance(a, str) and a.strip() for a in raw):
        raise BankError(path, f"{where} must be a list of non-empty strings")
    return tuple(Alternative(a.strip(), correct=not wrong) for a in raw)


def _section(
    table: Mapping[str, Any], key: str, parts: Sequence[str], path: Path
) -> dict[str, tuple[Alternative, ...]]:
    raw = table.get(key)
    if not isinstance(raw, dict):
        raise BankError(path, f"[{key}] is missing (it needs {', '.join(parts)})")
    _known_keys(raw, frozenset(parts), path, f"[{key}]")
    out = {}
    for part in parts:
        if part not in raw:
            raise BankError(path, f"[{key}] {part} is missing")
        out[part] = _alternatives(raw[part], path, f"[{key}] {part}")
        _check_placeholders(out[part], CONTEXT_NAMES | DERIVED_NAMES, path, f"[{key}] {part}")
    return out


def _patterns(raw: Any, path: Path, where: str) -> tuple[re.Pattern[str], ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(p, str) and p for p in items):
        raise BankError(path, f"{where} must be a regex or a list of regexes")
    out = []
    for pattern in items:
        try:
            out.append(re.compile(pattern))
        except re.error as error:
            raise BankError(
                path, f"{where}: the pattern {pattern!r} does not compile: {error}"
            ) from None
    return tuple(out)


def _entry(raw: Any, path: Path, number: int) -> Entry:
    if not isinstance(raw, dict):
        raise BankError(path, f"errors[{number}] must be a table")
    ident = raw.get("id")
    if not isinstance(ident, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        raise BankError(path, f"errors[{number}]: id must be a lower_case name")
    where = f"errors[{number}] ({ident})"
    _known_keys(raw, _ENTRY_KEYS, path, where)
    exceptions = raw.get("exception", [])
    exceptions = [exceptions] if isinstance(exceptions, str) else exceptions
    if not isinstance(exceptions, list) or not all(isinstance(e, str) and e for e in exceptions):
        raise BankError(path, f"{where}: exception must be a name or a list of names")
    messages = _patterns(raw.get("message"), path, f"{where}.message")
    lines = _patterns(raw.get("line"), path, f"{where}.line")
    if not (exceptions or messages or lines):
        raise BankError(path, f"{where}: needs an exception, a message or a line pattern")
    name = raw.get("name", "")
    if lines and (not isinstance(name, str) or not name.strip()):
        raise BankError(path, f"{where}: an entry with line patterns needs a name (a noun phrase)")
    groups = [set(p.groupindex) for p in (*messages, *lines)]
    shared = set.intersection(*groups) if groups else set()
    if lines and (exceptions or messages):
        guaranteed = frozenset(shared)  # matched either way: only the shared groups are sure
    elif lines:
        guaranteed = frozenset(shared | {"logline", "name"})
    else:
        guaranteed = frozenset(shared | {"exc", "exc_full", "message"})
    if "module" in guaranteed:  # its first part and its pip name come with it
        guaranteed |= {"top_module", "pip_name"}
    allowed = CONTEXT_NAMES | DERIVED_NAMES | {g for found in groups for g in found}
    parts: dict[str, tuple[Alternative, ...]] = {}
    for part in PARTS:
        if part not in raw:
            raise BankError(path, f"{where}: {part} is missing")
        said = _alternatives(raw[part], path, f"{where}.{part}")
        if len(said) < MIN_ALTERNATIVES:
            raise BankError(path, f"{where}.{part}: at least {MIN_ALTERNATIVES} alternatives")
        if not any(names_in(a.text) <= guaranteed for a in said):
            raise BankError(
                path,
                f"{where}.{part}: one alternative must use only placeholders every match fills"
                f" ({', '.join(sorted(guaranteed)) or 'none'})",
            )
        wrong = part + "_wrong"
        if wrong in raw:
            said += _alternatives(raw[wrong], path, f"{where}.{wrong}", wrong=True)
        _check_placeholders(said, allowed, path, f"{where}.{part}")
        parts[part] = said
    examples = raw.get("examples")
    if (
        not isinstance(examples, list)
        or not examples
        or not all(isinstance(e, str) for e in examples)
    ):
        raise BankError(path, f"{where}: examples must list the error text it is for")
    entry = Entry(
        ident, tuple(exceptions), messages, lines, name.strip(), parts, tuple(examples), guaranteed
    )
    for example in examples:
        pasted = parse(example)
        if not entry.match_line(pasted.telling) and not any(
            entry.match_exception(raised) is not None for raised in pasted.raised
        ):
            raise BankError(path, f"{where}: its patterns do not match its example {example!r}")
    return entry


def _check_placeholders(
    alternatives: Sequence[Alternative], allowed: frozenset[str] | set[str], path: Path, where: str
) -> None:
    for alternative in alternatives:
        unknown = sorted(names_in(alternative.text) - set(allowed))
        if unknown:
            raise BankError(
                path, f"{where}: unknown placeholder {{{unknown[0]}}} in {alternative.text[:50]!r}"
            )


def lint(knowledge: Knowledge) -> Iterator[str]:
    """Problems a reader would notice: sentences that do not end, "a {exc}" (a/an cannot agree)."""
    sections: list[tuple[str, Mapping[str, tuple[Alternative, ...]]]] = [
        ("[framing]", knowledge.framing),
        ("[generic]", knowledge.generic),
        *((f"[[errors]] {e.id}", e.parts) for e in knowledge.entries),
    ]
    for where, parts in sections:
        for part, alternatives in parts.items():
            for alternative in alternatives:
                text = alternative.text
                if not ends_a_sentence(text):
                    yield f"{where} {part}: does not end a sentence: {text[-40:]!r}"
                if _ARTICLE_BEFORE_PLACEHOLDER.search(text):
                    yield f"{where} {part}: an article before a placeholder: {text[:50]!r}"
                if len(text.split()) > 70:
                    yield f"{where} {part}: {len(text.split())} words in one alternative"
