"""Logs and test output, read as lines: the telling lines, quoted as code spans.

Errors come first, then counts ("1 failed, 4 passed"), then warnings; lines that differ only in
their timestamps are one line said several times.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from labkit.sim.replies.summary.wording import _join_spans

LOG_LINE_CHARS = 80  # a quoted log line longer than this is cut (as before this module)


_TELLING = re.compile(
    r"error|fail|passed|warn|exception|traceback|timeout|timed out|denied|killed|fatal|panic|"
    r"refused|not found|exit code|out of memory|oom",
    re.I,
)
_SEVERE = re.compile(r"error|fail|exception|fatal|panic|denied|killed|refused|out of memory", re.I)


def _code_span(line: str) -> str:
    """A line quoted as code, cut when long; a final full stop goes, as in any quotation."""
    line = line.strip().replace("`", "'")
    line = line[:-1] if line.endswith(".") and not line.endswith("..") else line
    line = line[: LOG_LINE_CHARS - 3] + "..." if len(line) > LOG_LINE_CHARS else line
    return f"`{line}`"


def log_summary(lines: Sequence[str]) -> str:
    """The telling lines of a log or a test run, quoted: errors first, then counts, then warnings."""
    return _join_spans(telling_lines(lines))


def telling_lines(lines: Sequence[str], count: int = 3) -> list[str]:
    """Up to `count` telling lines as code spans, in log order, with how often each repeats."""
    # Lines that differ only in their timestamps are one line said several times.
    counts = Counter(_unstamped(line) for line in lines)
    seen: list[str] = []
    keys: set[str] = set()
    for line in lines:
        if _unstamped(line) not in keys:
            keys.add(_unstamped(line))
            seen.append(line.strip())

    def severity(line: str) -> int:
        if _SEVERE.search(line):
            return 0
        return 1 if re.search(r"\d+ (?:passed|failed)|passed|exit code", line, re.I) else 2

    telling = [line for line in seen if _TELLING.search(line)]
    best = sorted(
        sorted(telling, key=lambda line: (severity(line), seen.index(line)))[:count],
        key=seen.index,
    )
    if not best:
        best = ([seen[0], seen[-1]] if len(seen) > 1 and count > 1 else seen[:1]) if seen else []
    return [
        _code_span(line)
        + (f" ({_times(counts[_unstamped(line)])})" if counts[_unstamped(line)] > 1 else "")
        for line in best
    ]


def _unstamped(line: str) -> str:
    return re.sub(
        r"\d{1,4}[-:/]\d{1,2}(?:[-:/]\d{1,4})*(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?(?:\.\d+)?Z?",
        "",
        line.strip(),
    )


def _times(count: int) -> str:
    return "twice" if count == 2 else f"{count} times"
