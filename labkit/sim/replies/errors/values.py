"""The values that fill a diagnosis's sentences: where, which exception, which library, and
what the failing line and the prompt say about it.

Each name in placeholders.py gets its value here (or from the failing line, failing_line.py),
once per reply; an alternative that needs a value this paste does not give is not said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from labkit.sim.replies.errors.diagnosis import Diagnosis
from labkit.sim.replies.errors.failing_line import _code_fills
from labkit.sim.replies.errors.knowledge import Knowledge
from labkit.sim.replies.errors.lines import LOG_LIMIT
from labkit.sim.replies.errors.pasted import Frame
from labkit.sim.replies.errors.placeholders import _plain
from labkit.sim.replies.errors.places import library_name, place, shown_file

CODE_LIMIT = 80  # longest failing line quoted, in characters
MESSAGE_LIMIT = 120


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
