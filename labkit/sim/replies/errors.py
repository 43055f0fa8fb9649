"""Error output pasted into a prompt, read for what it says: a diagnosis of that error.

A developer pastes a traceback ("getting this and i have no idea why") and expects the error to
be read: its type and message, the deepest frame of their own code (not the library frames under
it) and the failing line. A review of the code lines quoted inside the traceback, or a general
debugging checklist, misses the point. So this module parses what was pasted:

- Python tracebacks, whole or partial (frames without the header, no final line, "..."
  elisions), chained ("During handling of the above exception ..."), IPython and Jupyter ones,
  with Windows paths, colour codes or exception-group bars, inside ``` fences or in plain text;
- pytest output: the `E   ` lines, the location lines of long and short tracebacks,
  `FAILED x::y - ...`, `ERROR collecting` and "ImportError while importing test module";
- a bare `SomeError: message` line, and log or tool lines of known shapes (nginx, git, the shell,
  Kubernetes, databases, pip), which the knowledge file's `line` patterns recognise.

What an error means, its usual causes, the fix and how to confirm it are data, in
datasets/replies/errors.toml (loaded here, validated, cached): one entry per error pattern,
whose named groups and what is read from the failing line (the operands, the subscripted
container, the attribute's owner ...) fill the placeholders of its sentences. An exception no
entry knows gets the generic reading: the last line, the deepest frame of your code.

Sampling decides as everywhere: each part is one sampled alternative, and an entry's
`causes_wrong` / `fix_wrong` alternatives are plausible wrong ones that the Chooser counts.
Nothing here runs code, and no sentence says anything was run.
"""

from __future__ import annotations

import ast
import functools
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from labkit.sim.replies.bank import EFFORT_RANK, Alternative, Bank, BankError
from labkit.sim.replies.compose import BRIEF_WORDS, Chooser, Writer, ends_a_sentence
from labkit.sim.replies.intent import Reading

ERRORS_FILE = "errors.toml"
MAX_CHARS = 30_000  # a longer paste is read from its end, where a traceback's last line is
PARTS = ("meaning", "causes", "fix", "confirm")
WRONG_PARTS = ("causes", "fix")  # where an entry may carry plausible wrong alternatives
# The lowest effort rank that says each part: at low effort, what it means and the fix.
PART_EFFORT = {"meaning": 0, "fix": 0, "causes": 1, "confirm": 1}
NOTE_EFFORT = {
    "chained_cause": 1,
    "chained_from": 1,
    "chained_result": 1,
    "ignored": 1,
    "group_member": 1,
    "library_frames": 2,
}
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
CODE_LIMIT = 80  # longest failing line quoted, in characters
MESSAGE_LIMIT = 120
LOG_LIMIT = 110
EXPRESSION_LIMIT = 50
MAX_LINE_CHARS = 400  # a longer "line" is minified code or data: not worth parsing

# What the parse and the failing line give every entry (besides its own named groups). An
# alternative whose placeholders are not all known for an error is not said for it.
CONTEXT_NAMES = frozenset(
    {
        "exc",  # the exception's short name: TypeError
        "exc_full",  # as printed: json.decoder.JSONDecodeError
        "message",
        "place",  # "line 14 of app.py, in `total()`"
        "file",
        "line",
        "function",
        "code",  # the failing line of the deepest frame of the user's code
        "library",  # "`pandas`", "the standard library's `asyncio`"
        "test",  # the pytest test's name
        "logline",  # the log or tool line an entry's `line` pattern matched
        "name",  # the entry's noun phrase for that line
        "other_exc",  # the other end of a chain of exceptions
        "other_message",
        "exc_package",  # the package a dotted exception type comes from: stripe.error.CardError
        "data_source",  # "the CSV file": where the prompt says the data comes from
        "top_module",  # for a `module` group: its first dotted part
        "pip_name",  # ... and the name it is installed under (errors.toml [packages])
    }
)
# Read from the failing line with ast (see _code_fills).
DERIVED_NAMES = frozenset(
    {
        "left",
        "right",
        "text_operand",  # the text that should have been a number (`row['amount']`)
        "text_part",  # the text being built, that a number was added to (`"Total: "`)
        "number_operand",
        "number_type",
        "none_operand",
        "container",
        "index",
        "owner",
        "callee",
        "iterable",  # what a `for` loop walks over
        "loop_target",  # ... and the names it unpacks each item into
        "unpacked",  # the value an assignment unpacks (`a, b = unpacked`)
        "target",  # the assignment's target
        "opened_file",  # a file named on the line: `open('config.json')` -> 'config.json'
    }
)
# Where a value says nothing about this error in particular: they never make an alternative
# more specific than another (see _Reply._say).
_UNRANKED = frozenset(
    {"exc", "exc_full", "place", "file", "line", "function", "test", "library", "name", "logline"}
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# "a {exc}" cannot agree with every value ("a IndexError"); {container_type} is list, tuple or
# string, and {status} a number such as 500.
_ARTICLE_BEFORE_PLACEHOLDER = re.compile(
    r"(?:\b(?:a|an)|^An?) [`'\"]?\{(?!container_type\}|status\})"
)


# -- what was pasted ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """One frame of a traceback: where Python was, and the line it was running."""

    file: str
    line: int | None
    function: str | None
    code: str | None
    user: bool  # the user's code: not site-packages, not the standard library, not <frozen>


@dataclass(frozen=True)
class Raised:
    """One exception as printed: its type, message and the frames that led to it."""

    type: str  # as printed, possibly dotted: psycopg2.errors.UniqueViolation
    message: str
    frames: tuple[Frame, ...] = ()
    test: str | None = None  # the pytest test it failed in
    # How it follows the exception printed before it in its chain: "handling" (raised while that
    # one was handled) or "cause" (`raise ... from` it); None for the first.
    follows: str | None = None

    @property
    def name(self) -> str:
        return self.type.rsplit(".", 1)[-1]

    @property
    def focus(self) -> Frame | None:
        """The deepest frame of the user's code, else the deepest frame there is."""
        own = [f for f in self.frames if f.user]
        return own[-1] if own else (self.frames[-1] if self.frames else None)


@dataclass(frozen=True)
class Pasted:
    """The error output found in a prompt."""

    chains: tuple[tuple[Raised, ...], ...]  # exceptions chained by "During handling ...", in order
    telling: tuple[str, ...]  # lines that are neither frames nor code: where log lines are found
    prose: tuple[str, ...]  # the user's own words around the paste
    truncated: tuple[Frame, ...]  # frames whose exception line is missing
    ignored: bool  # "Exception ignored in ...": reported during clean-up
    structured: bool  # a traceback or pytest output, not just a line that could be quoted prose
    # Another language's error (a JavaScript TypeError, a Java exception): the Python entries
    # do not apply; lines of tools and servers (git, nginx, CORS ...) still do.
    foreign: bool = False

    @property
    def raised(self) -> tuple[Raised, ...]:
        return tuple(r for chain in self.chains for r in chain)


_ANSI = re.compile(
    r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|(?<![\w\[\]])\[(?:\d{1,3};)*\d{1,3}m"
)
_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})\s*(?P<lang>[\w+.-]*)")
_GROUP_BOX = re.compile(r"^\s*\+[-+]")  # the boxes around an exception group's members
_GROUP_BAR = re.compile(r"^(\s*)\|\s?")
_HEADER = re.compile(r"Traceback \(most recent call last\)")
_CHAIN = re.compile(
    r"(?P<handling>During handling of the above exception)"
    r"|(?P<cause>The above exception was the direct cause)"
)
_IGNORED = re.compile(r"^\s*Exception ignored in\b")
_PY_FRAME = re.compile(
    r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<function>.+?))?\s*$'
)
_IPY_FRAME = re.compile(
    r"^\s*File (?P<file>[^\s\"].*?\.py):(?P<line>\d+)(?:, in (?P<function>[^\s(]+))?"
)
_IPY_CELL = re.compile(r"^\s*(?P<file>Cell In ?\[\d*\]), line (?P<line>\d+)")
_IPY_OLD = re.compile(r"^\s*(?P<file><ipython-input-[^>]+>|\S+\.py) in (?P<function>[^\s(]+)\(")
_IPY_ARROW = re.compile(r"^\s*-*>\s*(?P<line>\d+)\s(?P<code>.*)$")
_IPY_CONTEXT = re.compile(r"^\s+\d+\s")
_PT_LOCATION = re.compile(
    r"^\s*(?P<file>(?:[A-Za-z]:)?[^\s:>][^:]*?\.py):(?P<line>\d+):(?:\s+(?P<rest>.*))?$"
)
_PT_ARROW = re.compile(r"^>\s+(?P<code>\S.*)$")
_PT_E = re.compile(r"^E +(?P<body>\S.*)$")
_PT_SECTION = re.compile(r"^_{3,}\s+(?P<name>.+?)\s+_{3,}\s*$")
_PT_RULE = re.compile(r"^\s*(?:={3,}.*={3,}|!{3,}.*!{3,})\s*$")
_PT_ENTRY_RULE = re.compile(r"^\s*(?:_ ){5,}_?\s*$")  # between the entries of one failure
_PT_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(?P<name>\w+)\s*\(")
_PT_SUMMARY = re.compile(
    r"^(?P<kind>FAILED|ERROR)\s+(?P<file>(?:[A-Za-z]:)?[^\s:]+?\.py)(?:::(?P<test>\S+))?"
    r"(?:\s+-\s+(?P<rest>.*))?\s*$"
)
_CARETS = re.compile(r"^\s*[~^]+[~^\s]*$")
_RULE = re.compile(r"^\s*-{10,}\s*$")
_ELISION = re.compile(r"^\s*(?:\.{3}|…|\[Previous line repeated \d+ more times?\])\s*$")
_EXC_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::(?:\s(?P<message>.*))?)?$")
_NOT_EXCEPTIONS = frozenset({"Traceback", "During", "The", "Hint", "Note", "Warning", "HINT"})
_STRICT_TYPE = re.compile(
    r"^(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt)"
    r"|StopIteration|StopAsyncIteration|KeyboardInterrupt|SystemExit|GeneratorExit)$"
)
# An exception line standing in prose or a log: at the start of a line (the name alone, or with
# its message), or after a space, bracket or log separator when its message follows.
_STANDALONE = re.compile(
    r"(?:^|(?<=[\s`'\"(\[|:-]))(?P<type>(?:[A-Za-z_]\w*\.)*_?[A-Z]\w*"
    r"(?:Error|Exception|Warning|Exit|Interrupt|Timeout|Violation)"
    # a module path names an exception class of any name: requests.exceptions.ReadTimeout
    r"|(?:[a-z_]\w*\.)+[A-Z]\w*(?=:\s))(?::\s+(?P<message>\S.*))?$"
)
# Signs of another language's error output or stack frames.
_OTHER_LANGUAGE = re.compile(
    r"\bjava\.|\.java:\d+|Exception in thread|\bSystem\.\w+Exception|NullReferenceException"
    r"|\bUncaught\b|Cannot read propert|undefined is not|is not a function|\bReferenceError\b"
    r"|\bRangeError\b|Unexpected token|\.(?:js|mjs|ts|tsx|go|rb|rs|cs|kt):\d+|\bNoMethodError\b"
    r"|undefined method|NilClass|^panic: |goroutine \d+|\b(?:javascript|typescript|node\.?js|ruby"
    r"|golang|kotlin|C#|\.NET)\b",
    re.I,
)
_PYTHON_HINT = re.compile(r"\. Did you mean:? '?[\w.]+'?\?$")
_LIBRARY_PATH = re.compile(
    r"site-packages|dist-packages|[/\\]lib(?:64)?[/\\]python\d|[/\\]Lib[/\\]|Python\.framework"
    r"|^<(?!stdin>|console>|ipython-input)|importlib[/\\.]_bootstrap"
)
_REQUEST_ELSEWHERE = re.compile(
    r"\b(?:summar(?:y|ise|ize)|tl;?dr|recap|poem|haiku|limerick|translate)\b", re.I
)
# Topics whose replies are something else when all there is is a line that mentions an error
# ("write a retry wrapper for connection refused errors" wants code). A pasted log is often read
# as `summarise`; an explicit request for a summary is caught by _REQUEST_ELSEWHERE instead.
_OTHER_TOPICS = frozenset({"write_code", "creative", "greeting", "farewell", "thanks", "identity"})


def parse(text: str) -> Pasted:
    """The error output in `text`: tracebacks, pytest failures, exception and log lines."""
    return _Parser(_clean(text[-MAX_CHARS:])).run()


def _clean(text: str) -> list[tuple[str, bool]]:
    """The lines without colour codes, exception-group bars and fences; each with whether it
    sits in a ```python fence (where `ValueError: ...` is a docstring, not output)."""
    text = _ANSI.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    raw = text.split("\n")
    grouped = any(_GROUP_BOX.match(line) for line in raw)
    out: list[tuple[str, bool]] = []
    fence: str | None = None
    for line in raw:
        fenced = _FENCE.match(line)
        if fenced:
            fence = None if fence is not None else fenced.group("lang").lower()
            continue
        if grouped:
            if _GROUP_BOX.match(line):
                continue
            line = _GROUP_BAR.sub(r"\1", line, count=1)
        out.append((line.rstrip(), fence in ("python", "py", "python3")))
    return out


_SYNTAX_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})
_GROUPS = frozenset({"ExceptionGroup", "BaseExceptionGroup"})


def _quoted_only(message: str) -> str:
    """A message that starts with a quoted value, without the prose after the closing quote."""
    if message[:1] in "'\"":
        end = message.find(message[0], 1)
        if end > 0:
            return message[: end + 1]
    return message


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def is_library(path: str) -> bool:
    """True for frames in installed packages, the standard library and Python's own machinery."""
    return bool(_LIBRARY_PATH.search(path))


class _Parser:
    """One pass over the lines; tracebacks and pytest sections are collected as they close."""

    def __init__(self, lines: list[tuple[str, bool]]) -> None:
        self.lines = lines
        self.chains: list[list[Raised]] = []
        self.telling: list[str] = []
        self.prose: list[str] = []
        self.truncated: list[Frame] = []
        self.frames: list[Frame] = []  # Python frames waiting for their exception line
        self.frame_indent = 0
        self.in_traceback = False
        self.chained: str | None = None  # how the next traceback continues the current chain
        self.follows: str | None = None  # ... and how the one being read continues it
        self.ignored = False
        self.structured = False
        self.foreign = False
        # pytest: the section being read
        self.pt_frames: list[Frame] = []
        self.pt_errors: list[str] = []
        self.pt_type: str | None = None
        self.pt_arrow: str | None = None
        self.pt_def: str | None = None
        self.pt_test: str | None = None
        self.pt_in_section = False
        self.summaries: list[re.Match[str]] = []

    def run(self) -> Pasted:
        index = 0
        while index < len(self.lines):
            index = self._line(index)
        python_frames = any(
            f.file.endswith(".py") for c in self.chains for r in c for f in r.frames
        )
        self.foreign = not python_frames and any(_OTHER_LANGUAGE.search(t) for t, _ in self.lines)
        self._close_pytest()
        self._close_frames()
        if not self.chains:
            self._from_summaries()
        return Pasted(
            tuple(tuple(chain) for chain in self.chains if chain),
            tuple(self.telling),
            tuple(self.prose),
            tuple(self.truncated),
            self.ignored,
            self.structured,
            self.foreign,
        )

    # -- one line ------------------------------------------------------------------------------
    def _line(self, index: int) -> int:
        line, in_python_fence = self.lines[index]
        stripped = line.strip()
        if (
            not stripped
            or _RULE.match(line)
            or _ELISION.match(line)
            or _CARETS.match(line)
            or _PT_ENTRY_RULE.match(line)
        ):
            return index + 1
        if _HEADER.search(line):
            self._close_frames()
            self._start_chain()
            self.in_traceback = self.structured = True
            self.frame_indent = _indent(line)
            return index + 1
        link = _CHAIN.search(line)
        if link:
            self.chained = "handling" if link.group("handling") else "cause"
            return index + 1
        if _IGNORED.match(line):
            self.ignored = True
            return index + 1
        for pattern in (_PY_FRAME, _IPY_CELL, _IPY_FRAME, _IPY_OLD):
            found = pattern.match(line)
            if found:
                return self._python_frame(index, found, ipython=pattern is not _PY_FRAME)
        error = _PT_E.match(line)
        if error:
            self.structured = True
            self.pt_errors.append(error.group("body").strip())
            self.telling.append(error.group("body").strip())
            return index + 1
        summary = _PT_SUMMARY.match(stripped)
        if summary:
            self.structured = True
            self.summaries.append(summary)
            if summary.group("rest"):
                self.telling.append(summary.group("rest"))
            return index + 1
        location = _PT_LOCATION.match(line)
        if location and not self.frames:
            return self._pytest_location(index, location)
        section = _PT_SECTION.match(line)
        if section:
            self._close_pytest()
            self.structured = self.pt_in_section = True
            name = section.group("name")
            self.pt_test = None if name.startswith(("ERROR", "test session")) else name
            return index + 1
        if _PT_RULE.match(line):
            self._close_pytest()
            self.pt_in_section = False
            return index + 1
        arrow = _PT_ARROW.match(line)
        if arrow and (self.pt_in_section or self.pt_errors):
            self.pt_arrow = arrow.group("code").strip()
            return index + 1
        definition = _PT_DEF.match(line)
        if definition and self.pt_in_section:
            self.pt_def = definition.group("name")
            return index + 1
        if self.pt_in_section and _indent(line) >= 4:
            return index + 1  # the test's source, printed around the failing line
        if (self.frames or self.in_traceback) and self._exception_line(line):
            return index + 1
        if in_python_fence:
            return index + 1  # the user's code: a string in it is not a log line
        self.telling.append(stripped)
        if _indent(line) < 4 and not self.pt_errors:
            bare = _STANDALONE.search(stripped)
            if bare and self._plausible_bare(stripped, bare):
                message = bare.group("message") or ""
                if bare.start() > 0:
                    message = _quoted_only(message)  # "i get KeyError: 'id' when i ..." -> 'id'
                else:
                    self.structured = True  # a line that starts with the exception is output
                self._start_chain()
                self.chains[-1].append(Raised(bare.group("type"), message))
                return index + 1
        self.prose.append(stripped)
        return index + 1

    def _plausible_bare(self, line: str, found: re.Match[str]) -> bool:
        message = found.group("message") or ""
        if found.start() > 0 and not message:
            return False  # "I keep getting a TypeError" names an error; it is not output
        # "TypeError: what does it mean?" is a question; a message rarely ends with one, except
        # for Python's own hint ("... is not defined. Did you mean: 'print'?").
        if _PYTHON_HINT.search(message):
            return True
        return not message.rstrip("`'\" ").endswith("?")

    def _start_chain(self) -> None:
        self.follows = self.chained if self.chains else None
        if self.follows is None:
            self.chains.append([])
        self.chained = None

    # -- Python tracebacks ---------------------------------------------------------------------
    def _python_frame(self, index: int, found: re.Match[str], *, ipython: bool) -> int:
        self.structured = True
        if not self.in_traceback and not self.frames:
            self._start_chain()  # a partial traceback: frames without their header
        self.in_traceback = True
        line = self.lines[index][0]
        self.frame_indent = max(_indent(line) - 2, 0)
        code: str | None = None
        after = index + 1
        if ipython:
            # IPython prints numbered context lines and marks the failing one with an arrow.
            while after < len(self.lines):
                text = self.lines[after][0]
                arrow = _IPY_ARROW.match(text)
                if arrow:
                    code = arrow.group("code").strip() or code
                elif not _IPY_CONTEXT.match(text) and not _CARETS.match(text):
                    break
                after += 1
        elif after < len(self.lines):
            text = self.lines[after][0]
            if (
                text.strip()
                and _indent(text) > _indent(line)
                and not _PY_FRAME.match(text)
                and not _CARETS.match(text)
            ):
                code = text.strip()
                after += 1
        file = found.group("file")
        function = found.groupdict().get("function")
        self.frames.append(
            Frame(file, int(found.group("line")), function, code, not is_library(file))
        )
        return after

    def _exception_line(self, line: str) -> bool:
        """The line that ends a traceback: `Type: message`, less indented than the frames."""
        if _indent(line) > self.frame_indent and _indent(line) > 0:
            return False
        found = _EXC_LINE.match(line.strip())
        if not found or found.group("type").split(".")[0] in _NOT_EXCEPTIONS:
            return False
        name = found.group("type")
        if not (_STRICT_TYPE.match(name) or "." in name or name[:1].isupper()):
            return False
        if not self.chains:
            self._start_chain()
        message = (found.group("message") or "").strip()
        follows = self.follows if self.chains[-1] else None
        self.chains[-1].append(Raised(name, message, tuple(self.frames), follows=follows))
        self.follows = None
        self.telling.append(line.strip())
        self.frames = []
        self.in_traceback = False
        return True

    def _close_frames(self) -> None:
        if self.frames:
            self.truncated = list(self.frames)
        self.frames = []
        self.in_traceback = False

    # -- pytest --------------------------------------------------------------------------------
    def _pytest_location(self, index: int, found: re.Match[str]) -> int:
        self.structured = True
        rest = (found.group("rest") or "").strip()
        file = found.group("file")
        after = index + 1
        if rest.startswith("in "):
            # --tb=short and collection errors: "tests/test_app.py:1: in <module>", then the line
            code = None
            if after < len(self.lines) and _indent(self.lines[after][0]) >= 2:
                code = self.lines[after][0].strip() or None
                after += 1 if code else 0
            self.pt_frames.append(
                Frame(file, int(found.group("line")), rest[3:].strip(), code, not is_library(file))
            )
            return after
        warning = _EXC_LINE.match(rest)
        if warning and ":" in rest and _STRICT_TYPE.match(warning.group("type")):
            # The warnings module's "app.py:14: DeprecationWarning: ..." and the line it is
            # about, indented under it; pandas starts its message on the next line instead.
            message = (warning.group("message") or "").strip()
            following = self.lines[after][0] if after < len(self.lines) else ""
            if not message and following.strip() and _indent(following) == 0:
                message = following.strip()
                self.telling.append(message)
                after += 1
                following = self.lines[after][0] if after < len(self.lines) else ""
            # pandas adds lines of advice before the source line: look a few lines on for it.
            ahead = after
            while (
                ahead < min(after + 4, len(self.lines))
                and _indent(self.lines[ahead][0]) == 0
                and self.lines[ahead][0].strip()
                and not _PT_LOCATION.match(self.lines[ahead][0])
            ):
                ahead += 1
            following = self.lines[ahead][0] if ahead < len(self.lines) else ""
            code = following.strip() if _indent(following) >= 2 else None
            if code:
                for skipped in range(after, ahead):
                    self.telling.append(self.lines[skipped][0].strip())
                after = ahead + 1
            frame = Frame(file, int(found.group("line")), None, code, not is_library(file))
            self._start_chain()
            self.chains[-1].append(Raised(warning.group("type"), message, (frame,)))
            self.telling.append(rest)
            return after
        # --tb=long: the location closes an entry whose failing line was marked with ">".
        self.pt_frames.append(
            Frame(file, int(found.group("line")), self.pt_def, self.pt_arrow, not is_library(file))
        )
        if rest and _STRICT_TYPE.match(rest):
            self.pt_type = rest
        self.pt_arrow = None
        self.pt_def = None
        return after

    def _close_pytest(self) -> None:
        if self.pt_errors or self.pt_type:
            kind, message = self.pt_type, " ".join(self.pt_errors[:1])
            for body in self.pt_errors:
                found = _EXC_LINE.match(body)
                if (
                    found
                    and found.group("message") is not None
                    and _STRICT_TYPE.match(found.group("type"))
                ):
                    kind, message = found.group("type"), found.group("message").strip()
                    break
            if kind is None and message.startswith("assert"):
                kind = "AssertionError"
            if kind is not None:
                self.chains.append([Raised(kind, message, tuple(self.pt_frames), self.pt_test)])
        self.pt_frames, self.pt_errors = [], []
        self.pt_type = self.pt_arrow = self.pt_def = None

    def _from_summaries(self) -> None:
        """Only the short summary was pasted: `FAILED tests/test_app.py::test_total - ...`."""
        for summary in self.summaries:
            rest = summary.group("rest") or ""
            found = _EXC_LINE.match(rest)
            if (
                found
                and found.group("message") is not None
                and _STRICT_TYPE.match(found.group("type"))
            ):
                kind, message = found.group("type"), found.group("message").strip()
            elif rest.startswith("assert"):
                kind, message = "AssertionError", rest
            else:
                continue
            test = summary.group("test")
            frame = Frame(summary.group("file"), None, test, None, True)
            self.chains.append([Raised(kind, message, (frame,), test)])
            return


# -- the knowledge -----------------------------------------------------------------------------
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


def _quoted_part(line: str, found: re.Match[str]) -> str:
    """The part of a log line worth quoting: from the match on (the timestamp and process id
    before it say nothing), cut at a field separator when the line is long."""
    text = line[found.start() :] if found.start() > 0 else line
    if len(text) > LOG_LIMIT:
        cut = text.find(", ", 20)
        text = text[:cut] if 0 < cut <= LOG_LIMIT else text
    return text


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
    path = bank.folder / ERRORS_FILE
    if not path.exists():
        return None
    return load_knowledge(path.resolve())


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


@functools.lru_cache(maxsize=8192)
def names_in(text: str) -> frozenset[str]:
    """The placeholders a sentence uses."""
    return frozenset(_PLACEHOLDER.findall(text))


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


# -- the diagnosis -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Diagnosis:
    """Which error is explained, by which entry (None: the generic or truncated reading)."""

    plan: str
    entry: Entry | None
    raised: Raised | None
    groups: Mapping[str, str]
    logline: str | None = None
    other: Raised | None = None  # the other end of the diagnosed exception's chain
    other_is_cause: bool = False  # True: the diagnosed one was raised while handling `other`
    group: Raised | None = None  # the ExceptionGroup it arrived in


def diagnose(knowledge: Knowledge, pasted: Pasted) -> Diagnosis | None:
    """The entry that explains the pasted error: specific entries on the last exception and the
    log lines first, in file order; then on the earlier exceptions of its chain; then the
    fallback entries; then the generic reading. None when nothing pasted is an error."""
    chains = pasted.chains
    # The first traceback with frames: "I get KeyError: 'id'" above the traceback itself says
    # less than the traceback does.
    at = next((i for i, c in enumerate(chains) if any(r.frames for r in c)), 0)
    chain = chains[at] if chains else ()
    group: Raised | None = None
    if chain and chain[-1].name in _GROUPS and len(chains) > at + 1:
        # An ExceptionGroup's own traceback says only that the group was raised; its first
        # member, printed in the next section, is the error to explain.
        group, chain = chain[-1], chains[at + 1]
    found = _diagnose_chain(knowledge, pasted, chain)
    return replace(found, group=group) if found is not None and group is not None else found


def _diagnose_chain(
    knowledge: Knowledge, pasted: Pasted, chain: tuple[Raised, ...]
) -> Diagnosis | None:
    final = chain[-1] if chain else None
    if pasted.foreign:
        final, chain = None, ()  # only the tool and server lines can be read
    earlier = tuple(reversed(chain[:-1]))
    cause = earlier[-1] if earlier else None  # the first exception printed
    specific = [e for e in knowledge.entries if e.specific]
    for entry in specific:
        # A line first: an entry with both finds its named groups there ("Unable to allocate
        # 7.45 GiB" under a MemoryError).
        found = entry.match_line(pasted.telling) if entry.lines else None
        if found is not None:
            line, groups = found
            return Diagnosis(f"errors:{entry.id}", entry, final, groups, line, cause, True)
        matched = entry.match_exception(final) if final is not None else None
        if matched is not None:
            return Diagnosis(f"errors:{entry.id}", entry, final, matched, None, cause, True)
    for raised in earlier:
        for entry in specific:
            matched = entry.match_exception(raised)
            if matched is not None:
                return Diagnosis(f"errors:{entry.id}", entry, raised, matched, None, final, False)
    if final is not None and final.frames:
        # A type's fallback and the generic reading need the frames to say something about this
        # error: a bare "TypeError: must be str, not int" is left to the answer plans.
        for entry in knowledge.entries:
            matched = None if entry.specific else entry.match_exception(final)
            if matched is not None:
                return Diagnosis(f"errors:{entry.id}", entry, final, matched, None, cause, True)
        return Diagnosis("errors:generic", None, final, {}, None, cause, True)
    if pasted.truncated:
        return Diagnosis("errors:truncated", None, None, {})
    return None


def answer(bank: Bank, reading: Reading, writer: Writer, chooser: Chooser) -> str:
    """Diagnose error output pasted into the last turn (a Python traceback, pytest's error
    summary, a log line with a known error); the plan name ("errors:<kind>") or "" when
    there is none (then nothing is written)."""
    if not reading.in_english:
        return ""
    knowledge = knowledge_for(bank)
    if knowledge is None:
        return ""
    try:
        pasted = parse(reading.text)
        diagnosis = diagnose(knowledge, pasted)
        if diagnosis is None:
            return ""
        reply = _Reply(knowledge, diagnosis, pasted, reading.text, writer, chooser)
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError):
        # Reading a paste must never take a reply down: the ordinary answer plans answer then.
        return ""
    if any(_REQUEST_ELSEWHERE.search(line) for line in pasted.prose):
        return ""  # "summarise this log" asks for a summary, not a diagnosis
    if not pasted.structured and reading.topic in _OTHER_TOPICS:
        return ""
    reply.write()
    return diagnosis.plan


# -- the reply ---------------------------------------------------------------------------------
class _Reply:
    def __init__(
        self,
        knowledge: Knowledge,
        diagnosis: Diagnosis,
        pasted: Pasted,
        text: str,
        writer: Writer,
        chooser: Chooser,
    ) -> None:
        self.knowledge = knowledge
        self.diagnosis = diagnosis
        self.pasted = pasted
        self.writer = writer
        self.chooser = chooser
        self.rank = 0 if chooser.setting.brief else EFFORT_RANK.get(chooser.setting.effort, 2)
        self.values = fills(diagnosis, knowledge, text, pasted.truncated)
        entry = diagnosis.entry
        self.key = f"errors/{entry.id if entry else diagnosis.plan}"

    def write(self) -> None:
        diagnosis = self.diagnosis
        if diagnosis.plan == "errors:truncated":
            self._say("truncated", self.knowledge.framing["truncated"])
            self._say("truncated_ask", self.knowledge.framing["truncated_ask"])
            return
        self._say("headline", self.knowledge.framing[self._headline()])
        entry = diagnosis.entry
        parts = entry.parts if entry else self.knowledge.generic
        sure = entry.guaranteed if entry else frozenset()
        self._say("meaning", parts["meaning"], sure)
        if self.pasted.ignored:
            self._note("ignored")
        if diagnosis.group is not None:
            self._note("group_member")
        if diagnosis.other is not None and diagnosis.raised is not None:
            if not diagnosis.other_is_cause:
                self._note("chained_result")
            else:
                from_it = diagnosis.raised.follows == "cause"
                self._note("chained_from" if from_it else "chained_cause")
        if self.rank >= PART_EFFORT["causes"]:
            self._say("causes", parts["causes"], sure, paragraph=True)
        self._say("fix", parts["fix"], sure, paragraph=True)
        if self.rank >= PART_EFFORT["confirm"]:
            self._say("confirm", parts["confirm"], sure)
        raised = diagnosis.raised
        if (
            raised
            and raised.frames
            and not raised.frames[-1].user
            and raised.focus
            and raised.focus.user
        ):
            self._note("library_frames", paragraph=True)

    def _headline(self) -> str:
        raised = self.diagnosis.raised
        if raised is None:
            return "headline_log"
        if raised.name in _SYNTAX_ERRORS and raised.frames:
            return "headline_syntax"
        if raised.name.endswith("Warning") and raised.frames:
            return "headline_warning"
        if not raised.frames:
            return "headline_bare"
        if raised.frames[-1].user:
            return "headline_frame"
        return "headline_via" if any(f.user for f in raised.frames) else "headline_library"

    def _note(self, part: str, *, paragraph: bool = False) -> None:
        if self.rank >= NOTE_EFFORT[part]:
            self._say(part, self.knowledge.framing[part], paragraph=paragraph)

    def _say(
        self,
        part: str,
        options: Sequence[Alternative],
        sure: frozenset[str] = frozenset(),
        *,
        paragraph: bool = False,
    ) -> None:
        """One sampled alternative of those the known values can fill. The most specific correct
        ones compete (a sentence that names the user's variable beats one that cannot; `sure`
        are the values every match of the entry has, which make nothing more specific), with
        every wrong one that can be filled."""
        fillable = [a for a in options if names_in(a.text) <= self.values.keys()]
        correct = [a for a in fillable if a.correct]
        if not correct:
            return

        def specificity(alternative: Alternative) -> int:
            return len(names_in(alternative.text) - sure - _UNRANKED)

        best = max(specificity(a) for a in correct)
        kept = [a for a in correct if specificity(a) == best]
        kept += [a for a in fillable if not a.correct]
        index = self.chooser.pick(f"{self.key}/{part}", kept)
        sentence = fill(kept[index].text, self.values)
        words = len(sentence.split())
        if self.chooser.setting.brief and self.writer.words + words > BRIEF_WORDS:
            return  # the brevity instruction caps a reply: a part that does not fit is left out
        self.writer.say(sentence, paragraph=paragraph, literal=True)


def fill(template: str, values: Mapping[str, str]) -> str:
    """The sentence with its placeholders filled in one pass (a value is never read again). A
    sentence that starts with a placeholder gets a capital; one written to start with "pytest"
    or "nginx" keeps its lower case."""
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    if template.startswith("{") and text[:1].isalpha():
        return text[:1].upper() + text[1:]
    return text


def _plain(value: str, limit: int) -> str:
    """A value for a sentence: one line, no backticks of its own, not too long."""
    value = " ".join(value.replace("`", "'").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def fills(
    diagnosis: Diagnosis, knowledge: Knowledge, text: str, truncated: Sequence[Frame] = ()
) -> dict[str, str]:
    """Every placeholder value known for this diagnosis (`truncated`: the frames of a traceback
    whose last line is missing, for the truncated reading)."""
    values: dict[str, str] = {}
    raised = diagnosis.raised
    frames = tuple(raised.frames) if raised is not None else tuple(truncated)
    own = [f for f in frames if f.user]
    focus = own[-1] if own else (frames[-1] if frames else None)
    if focus is not None:
        values.update(_frame_fills(focus))
        if focus.user and focus.code:
            values.update(_code_fills(focus.code, diagnosis.groups))
    if frames and not frames[-1].user:
        values["library"] = library_name(frames[-1].file)
    if raised is None and frames:
        # A cut-off traceback: its sentences speak of "your code"; with only library frames
        # they cannot, and the library alternatives are said instead.
        if own:
            values.pop("library", None)
        else:
            for name in ("place", "code", "line", "function", "file"):
                values.pop(name, None)
    if raised is not None:
        values["exc"] = raised.name
        values["exc_full"] = raised.type
        if "." in raised.type:
            values["exc_package"] = raised.type.split(".")[0]
        if raised.message:
            values["message"] = _plain(raised.message, MESSAGE_LIMIT)
        if raised.test:
            values["test"] = raised.test
    other = diagnosis.other
    if other is not None:
        values["other_exc"] = other.name
        if other.message:
            values["other_message"] = _plain(other.message, MESSAGE_LIMIT)
    if diagnosis.logline:
        values["logline"] = _plain(diagnosis.logline, LOG_LIMIT)
    if diagnosis.entry is not None and diagnosis.entry.name:
        values["name"] = diagnosis.entry.name
    source = data_source(text)
    if source:
        values["data_source"] = source
    module = diagnosis.groups.get("module")
    if module:
        top = module.strip("'\"").split(".")[0]
        values["top_module"] = top
        values["pip_name"] = knowledge.packages.get(top, top)
    values.update({k: _plain(v, MESSAGE_LIMIT) for k, v in diagnosis.groups.items()})
    if "test_module" in values:  # pytest prints the absolute path: its file name says enough
        values["test_module"] = shown_file(values["test_module"])
    return values


def _frame_fills(frame: Frame) -> dict[str, str]:
    out = {"file": shown_file(frame.file), "place": place(frame)}
    if frame.line is not None:
        out["line"] = str(frame.line)
    if frame.function and not frame.function.startswith("<"):
        out["function"] = frame.function.split("(")[0]
    if frame.code:
        out["code"] = _plain(frame.code, CODE_LIMIT)
    return out


_COMPREHENSIONS = {
    "<listcomp>": "in a list comprehension",
    "<dictcomp>": "in a dict comprehension",
    "<setcomp>": "in a set comprehension",
    "<genexpr>": "in a generator expression",
    "<lambda>": "in a lambda",
}


def place(frame: Frame) -> str:
    """Where a frame is, as a reader says it: "line 14 of app.py, in `total()`"."""
    file = shown_file(frame.file)
    if frame.line is None:
        return f"the test `{frame.function}` in {file}" if frame.function else file
    where = f"line {frame.line} of {file}"
    function = (frame.function or "").split("(")[0].strip()
    if not function:
        return where
    if function == "<module>":
        return f"{where}, at module level"
    if function in _COMPREHENSIONS:
        return f"{where}, {_COMPREHENSIONS[function]}"
    return f"{where}, in `{function}()`"


def shown_file(path: str) -> str:
    """A relative path as given; an absolute one by its file name (with its folder when the name
    alone says nothing, as `__init__.py` does)."""
    parts = [p for p in re.split(r"[/\\]", path) if p]
    absolute = path.startswith(("/", "~", "\\")) or bool(re.match(r"[A-Za-z]:", path))
    if not parts:
        return path
    if not absolute and len(parts) <= 3:
        return "/".join(parts)
    if parts[-1] in ("__init__.py", "__main__.py") and len(parts) > 1:
        return "/".join(parts[-2:])
    return parts[-1]


def library_name(path: str) -> str:
    """The library a frame belongs to: "`pandas`", "the standard library's `asyncio`"."""
    found = re.search(r"(?:site|dist)-packages[/\\]([^/\\]+)", path)
    if found:
        return f"`{found.group(1).removesuffix('.py').lstrip('_')}`"
    found = re.search(
        r"[/\\]lib(?:64)?[/\\]python\d[\d.]*[/\\]([^/\\]+)|[/\\]Lib[/\\]([^/\\]+)", path
    )
    if found:
        return f"the standard library's `{(found.group(1) or found.group(2)).removesuffix('.py')}`"
    frozen = re.match(r"<frozen ([\w.]+)>", path)
    if frozen:
        return f"the standard library's `{frozen.group(1).split('.')[0]}`"
    if path.startswith("<"):
        return f"code generated at run time (`{path}`)"
    return f"`{shown_file(path)}`"


_SOURCES = (
    (re.compile(r"\bcsv\b|DictReader|read_csv", re.I), "the CSV file"),
    (re.compile(r"\bexcel\b|\.xlsx?\b|read_excel|spreadsheet", re.I), "the spreadsheet"),
    (re.compile(r"\bjson\b", re.I), "the JSON"),
    (re.compile(r"\binput\(\)?|\buser input\b", re.I), "`input()`"),
    (
        re.compile(r"os\.environ|getenv|environment variable|\.env\b", re.I),
        "an environment variable",
    ),
    (
        re.compile(r"request\.(?:form|args|POST|GET)|\bform data\b|\bquery string\b", re.I),
        "the request",
    ),
)


def data_source(text: str) -> str | None:
    """Where the prompt says its data comes from, for "`amount` holds text read from the CSV"."""
    for pattern, phrase in _SOURCES:
        if pattern.search(text):
            return phrase
    return None


# -- reading the failing line ------------------------------------------------------------------
_OPERATORS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Lt: "<",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.GtE: ">=",
}
_NUMBER_TYPES = frozenset({"int", "float", "complex", "Decimal", "Fraction"})
_FILE_OPENERS = frozenset({"open", "Path", "read_csv", "read_json", "read_excel", "read_text"})


def _line_tree(code: str) -> tuple[ast.Module, str] | None:
    """The failing line parsed on its own; a block header gets a body (`for r in rows:` + pass),
    a call cut at the line's end its closing bracket."""
    source = code.strip()
    candidates = [source]
    if source.endswith(":"):
        head = re.sub(r"^elif\b", "if", source)
        head = re.sub(r"^except\b", "try: pass\nexcept", head)
        candidates.append(head + " pass")
    candidates += [source + ")", source + "]", source + "}"]
    for candidate in candidates:
        try:
            return ast.parse(candidate), candidate
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _code_fills(code: str, groups: Mapping[str, str]) -> dict[str, str]:
    """What the failing line says about the error: the operands of the operation the message
    names, the container a missing key was looked up in, the owner of a missing attribute..."""
    parsed = _line_tree(code) if len(code) <= MAX_LINE_CHARS else None
    if parsed is None:
        return {}
    tree, source = parsed
    nodes = list(ast.walk(tree))  # outermost first

    def shown(node: ast.AST) -> str:
        try:
            text = ast.get_source_segment(source, node) or ast.unparse(node)
        except (ValueError, IndexError):
            text = ast.unparse(node)
        return _plain(text, EXPRESSION_LIMIT)

    out: dict[str, str] = {}
    operator = groups.get("op", "").strip().removesuffix("=") or None
    for node in nodes:
        pair: tuple[ast.AST, ast.AST] | None = None
        if isinstance(node, ast.AugAssign | ast.BinOp):
            symbol = _OPERATORS.get(type(node.op))
            if operator in (None, symbol):
                pair = (
                    (node.target, node.value)
                    if isinstance(node, ast.AugAssign)
                    else (node.left, node.right)
                )
        elif (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and operator in (None, _OPERATORS.get(type(node.ops[0])))
        ):
            pair = (node.left, node.comparators[0])
        if pair is not None:
            out["left"], out["right"] = shown(pair[0]), shown(pair[1])
            _typed_operands(out, groups, pair)
            break
    key = groups.get("key")
    subscripts = [n for n in nodes if isinstance(n, ast.Subscript)]
    chosen = next((s for s in subscripts if key and _same_literal(s.slice, key)), None)
    if chosen is None:
        # No literal names the key: a variable may hold it (`users[msg.author_id]`), but a
        # subscript with another constant is not the one that failed.
        chosen = next((s for s in subscripts if not isinstance(s.slice, ast.Constant)), None)
        chosen = chosen if key else chosen or (subscripts[0] if subscripts else None)
    if chosen is not None:
        out["container"], out["index"] = shown(chosen.value), shown(chosen.slice)
    attribute = groups.get("attr")
    if attribute:
        owner = next(
            (n for n in nodes if isinstance(n, ast.Attribute) and n.attr == attribute), None
        )
        if owner is not None:
            out["owner"] = shown(owner.value)
    calls = [n for n in nodes if isinstance(n, ast.Call)]
    for call_node in calls:
        name = shown(call_node.func).rsplit(".", 1)[-1]
        first = call_node.args[0] if call_node.args else None
        if (
            name in _FILE_OPENERS
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            out["opened_file"] = shown(first)
            break
    wanted = groups.get("function", "").split(".")[-1]
    call = next((c for c in calls if wanted and shown(c.func).endswith(wanted)), None)
    call = call or (calls[0] if calls else None)
    if call is not None:
        out["callee"] = shown(call.func)
    for node in nodes:
        if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            out["iterable"], out["loop_target"] = shown(node.iter), shown(node.target)
            break
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            out["target"] = shown(node.targets[0])
            if isinstance(node.targets[0], ast.Tuple | ast.List):
                out["unpacked"] = shown(node.value)
            break
    return out


def _typed_operands(
    out: dict[str, str], groups: Mapping[str, str], pair: tuple[ast.AST, ast.AST]
) -> None:
    """Which operand is the text and which the number, from the types the message names. Text
    on the left of a `+`, or a string literal, is text being built (`"Total: " + total`): the
    number is what to format. Text anywhere else is a number that was never converted."""
    kinds = (groups.get("left_type"), groups.get("right_type"))
    for side, kind in zip(("left", "right"), kinds, strict=True):
        if kind in _NUMBER_TYPES:
            out["number_operand"], out["number_type"] = out[side], kind
        elif kind == "NoneType":
            out["none_operand"] = out[side]
    if "str" not in kinds or not any(k in _NUMBER_TYPES for k in kinds):
        return
    index = kinds.index("str")
    node = pair[index]
    literal = isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )
    joining = index == 0 and groups.get("op", "+").startswith("+")
    out["text_part" if literal or joining else "text_operand"] = out[("left", "right")[index]]


def _same_literal(node: ast.AST, key: str) -> bool:
    try:
        return bool(ast.literal_eval(node) == ast.literal_eval(key))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return isinstance(node, ast.Name) and node.id == key
