"""Tracebacks, read as lines: the exception, the deepest frame of the user's own code (not the
library frames under it), and what it was raised while handling. Python, Java, JavaScript, Go."""

from __future__ import annotations

import re
from collections.abc import Sequence

from labkit.sim.replies.summary.logs import _code_span, log_summary
from labkit.sim.replies.summary.shapes import _AT_FRAME, _PY_FRAME

_OWN_CODE_NOT = re.compile(
    r"site-packages|dist-packages|[/\\]lib[/\\]python|<frozen|importlib|[/\\]usr[/\\]lib"
)
_LIBRARY_AT = re.compile(
    r"^(?:java\.|javax\.|jdk\.|sun\.|kotlin\.|scala\.|org\.junit|node:|internal/|.*node_modules)"
)


def traceback_summary(lines: Sequence[str]) -> str:
    """The exception, the deepest frame of the user's own code, and what it was handling."""
    frames: list[tuple[str, str, str, str]] = []  # path, line, function, code
    exceptions: list[str] = []
    in_trace = False
    for index, line in enumerate(lines):
        frame = _PY_FRAME.match(line)
        if line.startswith("Traceback (most recent call last)"):
            in_trace, frames = True, []
            continue
        if frame:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            code = (
                following.strip()
                if following.startswith("    ") and not _PY_FRAME.match(following)
                else ""
            )
            frames.append((frame["path"], frame["line"], (frame["func"] or "").strip(), code))
            continue
        if (
            in_trace
            and line.strip()
            and not line.startswith((" ", "\t"))
            and not re.match(r"^(?:During handling|The above exception)", line)
        ):
            exceptions.append(line.strip())
            in_trace = False
    if frames:
        own = [f for f in frames if not _OWN_CODE_NOT.search(f[0])]
        path, number, function, code = (own or frames)[-1]
        where = f"at `{_short_path(path)}`, line {number}" + (
            f", in `{function}`" if function else ""
        )
        where += f" (`{code[:60]}`)" if code else ""
        frame_text = (
            "the deepest frame in your own code " if own else "the deepest frame "
        ) + where
        if not exceptions:
            return f"a traceback that stops before its exception line, with {frame_text}"
        text = f"{_code_span(exceptions[-1])}, with {frame_text}"
        if len(exceptions) > 1:
            text += f", raised while handling {_code_span(exceptions[0])}"
        return text
    return _other_traceback(lines)


def _short_path(path: str) -> str:
    parts = re.split(r"[/\\]", path)
    return path if len(path) <= 50 or len(parts) <= 3 else ".../" + "/".join(parts[-2:])


def _other_traceback(lines: Sequence[str]) -> str:
    """A Java, JavaScript or Go trace: the exception line and the first frame not in a library."""
    at_frames = [m["where"].strip() for m in (_AT_FRAME.match(line) for line in lines) if m]
    own = [_code_span(f) for f in at_frames if not _LIBRARY_AT.match(f)]
    frames = [_code_span(f) for f in at_frames]
    head = next(
        (
            line.strip()
            for line in lines
            if re.search(r"(?:Error|Exception)\b|^panic: ", line) and not _AT_FRAME.match(line)
        ),
        "",
    )
    causes = [line.strip() for line in lines if line.strip().startswith("Caused by:")]
    if not at_frames:  # Go: "main.parse(...)" over "\t/app/main.go:21 +0x1d", innermost first
        for index, line in enumerate(lines[:-1]):
            place = re.match(r"^\s+(?P<file>\S+\.go:\d+)", lines[index + 1])
            if place and re.match(r"^[\w./-]+\.\w+\(", line):
                frame = f"{_code_span(line.split('(')[0])} ({_code_span(place['file'])})"
                frames.append(frame)
                if not line.startswith(("runtime.", "testing.")):
                    own.append(frame)
    if not head:
        return log_summary(lines)
    text = _code_span(re.sub(r'^Exception in thread "[^"]*"\s+', "", head))
    if frames:
        deepest = "the deepest frame in your own code" if own else "the deepest frame"
        text += f", with {deepest} at {(own or frames)[0]}"
    if causes:
        text += f", caused by {_code_span(causes[-1].removeprefix('Caused by:').strip())}"
    return text
