"""The lines of a paste, cleaned, and the shapes that tell one kind of line from another.

A paste arrives as whatever a terminal, notebook or chat window made of it: colour codes,
``` fences, exception-group bars, Windows line ends. `_clean` takes those away; the patterns
here then say what a line is: a traceback's header or frame, an IPython cell, one of pytest's
lines, an exception line, an error named in prose or a log line, another language's error.
They live apart from the parser (parser.py) because they are what changes when a tool prints
its errors a new way, and the parser's logic does not.

A log or tool line (nginx, git, the shell, Kubernetes, databases, pip) has no shape here: the
knowledge file's `line` patterns recognise it, and `_quoted_part` says how much of it a reply
quotes.
"""

from __future__ import annotations

import re

LOG_LIMIT = 110  # longest log line quoted, in characters

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


def _quoted_only(message: str) -> str:
    """A message that starts with a quoted value, without the prose after the closing quote."""
    if message[:1] in "'\"":
        end = message.find(message[0], 1)
        if end > 0:
            return message[: end + 1]
    return message


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _quoted_part(line: str, found: re.Match[str]) -> str:
    """The part of a log line worth quoting: from the match on (the timestamp and process id
    before it say nothing), cut at a field separator when the line is long."""
    text = line[found.start() :] if found.start() > 0 else line
    if len(text) > LOG_LIMIT:
        cut = text.find(", ", 20)
        text = text[:cut] if 0 < cut <= LOG_LIMIT else text
    return text
