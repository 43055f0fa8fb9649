"""Parse pasted text into the error output it holds: tracebacks, pytest failures, error lines.

One pass over the cleaned lines (lines.py), as a state machine: a Python traceback's frames
wait for the exception line that ends them; pytest's sections collect their `E   ` lines and
locations until the next rule; any other line is kept as "telling" (where the knowledge file's
`line` patterns look for log and tool lines) and, unless it is an exception line of its own,
as the user's prose. What cannot be placed is kept rather than guessed: frames with no
exception line are `truncated`, and a paste with no Python frames but another language's signs
is `foreign`.
"""

from __future__ import annotations

import re

from labkit.sim.replies.errors.lines import (
    _CARETS,
    _CHAIN,
    _ELISION,
    _EXC_LINE,
    _HEADER,
    _IGNORED,
    _IPY_ARROW,
    _IPY_CELL,
    _IPY_CONTEXT,
    _IPY_FRAME,
    _IPY_OLD,
    _NOT_EXCEPTIONS,
    _OTHER_LANGUAGE,
    _PT_ARROW,
    _PT_DEF,
    _PT_E,
    _PT_ENTRY_RULE,
    _PT_LOCATION,
    _PT_RULE,
    _PT_SECTION,
    _PT_SUMMARY,
    _PY_FRAME,
    _PYTHON_HINT,
    _RULE,
    _STANDALONE,
    _STRICT_TYPE,
    _clean,
    _indent,
    _quoted_only,
)
from labkit.sim.replies.errors.pasted import Frame, Pasted, Raised, is_library

MAX_CHARS = 30_000  # a longer paste is read from its end, where a traceback's last line is


def parse(text: str) -> Pasted:
    """The error output in `text`: tracebacks, pytest failures, exception and log lines."""
    return _Parser(_clean(text[-MAX_CHARS:])).run()


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
        arrow_line: int | None = None
        after = index + 1
        if ipython:
            # IPython prints numbered context lines and marks the failing one with an arrow.
            while after < len(self.lines):
                text = self.lines[after][0]
                arrow = _IPY_ARROW.match(text)
                if arrow:
                    code = arrow.group("code").strip() or code
                    arrow_line = int(arrow.group("line"))
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
        # Old IPython frames ("<ipython-input-3-...> in <module>()") give the line only on the
        # arrow below them.
        number = found.groupdict().get("line")
        line_number = int(number) if number else (arrow_line or 0)
        self.frames.append(Frame(file, line_number, function, code, not is_library(file)))
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
