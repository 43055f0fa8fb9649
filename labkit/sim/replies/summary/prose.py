"""The {summary} of prose, an email, a thread, notes or a bug report: its central units,
reported or quoted, and an error line pasted among them."""

from __future__ import annotations

import re

from labkit.sim.replies.summary.logs import _SEVERE, _code_span
from labkit.sim.replies.summary.material import Material
from labkit.sim.replies.summary.ranking import _agreed_by, pick
from labkit.sim.replies.summary.reported import _quote, report
from labkit.sim.replies.summary.shapes import _BUG_LABEL
from labkit.sim.replies.summary.wording import NONE_STATED, _join

SHORT_WORDS = 12  # prose of at most this many words is restated, not summarised


def prose_summary(read: Material) -> str:
    """The central sentences of prose, an email, a thread or notes, reported or quoted."""
    said = " ".join(read.lines)
    if len(said.split()) <= SHORT_WORDS and len(read.units) <= 2:
        return (
            f"nothing to shorten, since it only says {_quote(said, whole=True)}"
            if said
            else "nothing, since the pasted text is empty"
        )
    if read.kind == "bug report":
        bug = _bug_summary(read)
        if bug:
            return bug
    items = [
        report(read.units[i], read, _agreed_by(read.units, i))
        for i in pick(read.units, read.subject_line)
    ]
    error = _error_in(read)
    if error and len(items) < 3 and not any(error in item for item in items):
        items.append(f"the error {_code_span(error)}")
    return _join(items, "; ") or NONE_STATED


def _bug_summary(read: Material) -> str:
    """A bug report's title, what was expected against what happened, and the error it shows."""
    expected = actual = ""
    for line in read.lines:
        match = re.match(
            r"^\s*(?:#+\s*|\*\*)?(?P<label>expected|actual)[^:\n]{0,20}[:\-]\*{0,2}\s*(?P<rest>.+)$",
            line,
            re.I,
        )
        if match:
            if match["label"].lower() == "expected":
                expected = expected or match["rest"]
            else:
                actual = actual or match["rest"]
    first = read.lines[0].strip().lstrip("#* ").strip() if read.lines else ""
    title = re.sub(r"^(?:title|summary|bug)\s*:\s*", "", first, flags=re.I)
    # A title is a short first line; a report that opens with a paragraph has none.
    titled = len(title.split()) <= 15 and not re.search(r"[.!?]\s+\S", title)
    items = []
    if title and titled and not _BUG_LABEL.match(first):
        items.append(_quote(title, 16))
    if expected and actual:
        items.append(f"expected {_quote(expected, 12)} but got {_quote(actual, 12)}")
    error = _error_in(read)
    if error:
        items.append(f"the error {_code_span(error)}")
    return _join(items, "; ") if len(items) >= 2 else ""


def _error_in(read: Material) -> str:
    """An error line in the code or log pasted among prose, or in a `code span` of a sentence."""
    spans = [s for u in read.units for s in re.findall(r"`([^`]{4,})`", u.text)]
    return next((line for line in [*read.code, *spans] if _SEVERE.search(line)), "")
