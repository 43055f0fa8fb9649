"""Diffs, read as lines: the files changed, lines added and removed, the functions hunks name."""

from __future__ import annotations

import re
from collections.abc import Sequence

from labkit.sim.replies.summary.reported import _quote
from labkit.sim.replies.summary.wording import _count, _join, _join_spans, _plural

_DIFF_FILE = re.compile(r"^diff --git a/(?P<a>\S+) b/(?P<b>\S+)")
_PLUS_FILE = re.compile(r"^\+\+\+ (?:b/)?(?P<path>\S+)")
_HUNK = re.compile(r"^@@ [^@]+ @@\s?(?P<context>.*)$")


def diff_summary(lines: Sequence[str]) -> str:
    """The files a diff changes, with lines added and removed, and the functions its hunks name."""
    files: dict[str, list[int]] = {}
    current = ""
    functions: list[str] = []
    message = ""
    for line in lines:
        header = _DIFF_FILE.match(line) or _PLUS_FILE.match(line)
        if header:
            path = header.groupdict().get("b") or header.groupdict().get("path") or ""
            if path and path != "/dev/null":
                current = path
                files.setdefault(current, [0, 0])
            continue
        subject = re.match(r"^Subject:\s*(?:\[PATCH[^\]]*\]\s*)?(?P<msg>.+)$", line)
        if subject and not message:
            message = subject["msg"].strip()
            continue
        if line.startswith("    ") and not files and not message:
            message = line.strip()  # the first line of a commit message in `git show`
            continue
        hunk = _HUNK.match(line)
        if hunk:
            named = re.search(r"(?:def|class|func|function|fn)\s+(\w+)|(\w+)\s*\(", hunk["context"])
            name = (named.group(1) or named.group(2)) if named else ""
            if name and name not in functions:
                functions.append(name)
            continue
        if line.startswith(("---", "+++")):
            continue
        if line[:1] in "+-":
            files.setdefault(current, [0, 0])[0 if line[0] == "+" else 1] += 1
    parts = []
    for path, (added, removed) in list(files.items())[:3]:
        change = (
            _join(
                [f"{added} {_plural(added, 'line')} added"] * bool(added)
                + [f"{removed} removed"] * bool(removed),
                " and ",
            )
            or "no line changes"
        )
        parts.append(f"`{path}` ({change})" if path else change)
    more = len(files) - 3
    text = (
        f"changes to {_count(len(files), 'file')}: "
        + _join(parts + ([f"{more} more"] if more > 0 else []), ", ")
        if any(files)
        else _join(parts, ", ")
    )
    if functions:
        text += f", in {_join_spans([f'`{f}`' for f in functions[:3]])}"
    if message:
        text = f"the commit {_quote(message)}, with {text}"
    return text
