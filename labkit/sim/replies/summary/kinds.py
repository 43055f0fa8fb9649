"""The kind of pasted material (one of KINDS), told from its form and not from its meaning.

Headers, greetings and sign-offs make an email; "name: text" lines from two speakers a chat
thread; labels or bullets meeting notes; frames a traceback; +/- lines a diff; lines a program
wrote a log. The request's words ("this stack trace", "the slack thread") only break ties.
LINE_KINDS are the kinds read line by line rather than as sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from labkit.sim.replies.summary.shapes import (
    _AT_FRAME,
    _BUG_LABEL,
    _BULLET,
    _DIFF_MARK,
    _EMAIL_HEADER,
    _GREETING,
    _MACHINE_LINE,
    _NOTE_LABEL,
    _PY_FRAME,
    _SIGN_OFF,
    _SPEAKER_HEADER,
    _SPEAKER_LINE,
    _STAMP,
    _TEST_MARK,
)

KINDS = (
    "log",
    "test output",
    "traceback",
    "diff",
    "email",
    "chat thread",
    "meeting notes",
    "bug report",
    "text",
)
LINE_KINDS = frozenset(["log", "test output", "traceback", "diff"])
_HINTS = (
    ("traceback", re.compile(r"traceback|stack ?trace|exception|crash", re.I)),
    ("diff", re.compile(r"\bdiff\b|\bpatch\b", re.I)),
    ("bug report", re.compile(r"bug report|\bissue\b|\bticket\b", re.I)),
    ("email", re.compile(r"e-?mail|\bletter\b|\bmail\b", re.I)),
    ("chat thread", re.compile(r"thread|slack|\bchat\b|conversation|channel|discord", re.I)),
    ("meeting notes", re.compile(r"notes|minutes|standup|stand-up|retro|meeting|agenda", re.I)),
    ("test output", re.compile(r"\btests?\b|pytest|jest|junit", re.I)),
    ("log", re.compile(r"\blogs?\b|output|\bbuild\b|\bci\b|pipeline|\brun\b", re.I)),
    ("text", re.compile(r"article|paragraph|blog|essay|abstract|excerpt|passage|\brfc\b", re.I)),
)


def kind_of(material: str, request: str = "") -> str:
    """One of KINDS, read from the material's form; the request's words break ties."""
    lines = [line for line in material.splitlines() if line.strip()]
    if not lines:
        return "text"
    hint = next((kind for kind, pattern in _HINTS if pattern.search(request)), "")
    count = len(lines)
    if sum(bool(_DIFF_MARK.match(line)) for line in lines) >= 2 or _bare_diff(lines):
        return "diff"
    bug_labels = sum(bool(_BUG_LABEL.match(line)) for line in lines)
    if bug_labels >= 2 or (hint == "bug report" and bug_labels):
        return "bug report"
    email = _email_score(lines)
    prose = _prose_share(lines)
    if _is_traceback(lines) and (email < 2 or prose < 0.3):
        return "traceback" if prose < 0.5 else ("bug report" if hint != "email" else "email")
    if _TEST_MARK.search(material) and prose < 0.5:
        return "test output"
    if email >= 2 or (email == 1 and hint in ("email", "")):
        return "email"
    if _chat_messages(lines) is not None:
        return "chat thread"
    bullets = sum(bool(_BULLET.match(line)) for line in lines)
    labels = sum(bool(_NOTE_LABEL.match(line)) for line in lines)
    if labels or (bullets >= 2 and bullets >= 0.4 * count):
        return "meeting notes"
    machine = sum(bool(_MACHINE_LINE.match(line)) for line in lines)
    stamped = sum(bool(_STAMP.match(line)) for line in lines)
    if (machine >= max(1, 0.5 * count) and prose < 0.5) or (count >= 2 and stamped >= 0.6 * count):
        return "log"  # a log, or a timeline of timestamped events
    if hint in ("meeting notes", "chat thread") and (";" in material or count >= 2):
        return "meeting notes"
    if hint in ("email", "bug report", "text"):
        return hint
    if prose >= 0.3 or count == 1:
        return "text"
    return hint if hint in ("log", "test output") else "log"


def _bare_diff(lines: Sequence[str]) -> bool:
    """A diff pasted without its headers: most lines start with "+" or "-"."""
    changed = [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    both = any(line[0] == "+" for line in changed) and any(line[0] == "-" for line in changed)
    # A bulleted list of sentences ("- agreed to ...") is notes, even with a "+" bullet in it.
    return both and len(changed) >= max(3, 0.6 * len(lines)) and _prose_share(changed) < 0.5


def _is_traceback(lines: Sequence[str]) -> bool:
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        return True
    if sum(bool(_PY_FRAME.match(line)) for line in lines) >= 2:
        return True
    if sum(bool(_AT_FRAME.match(line)) for line in lines) >= 2 and any(
        re.search(r"(?:Error|Exception)\b", line) for line in lines
    ):
        return True
    return any(line.startswith("panic: ") for line in lines) and any(
        line.startswith("goroutine ") for line in lines
    )


def _email_score(lines: Sequence[str]) -> int:
    headers = sum(bool(_EMAIL_HEADER.match(line)) for line in lines[:8])
    greeting = bool(_GREETING.match(lines[0].strip())) if lines else False
    sign_off = _sign_off_at(lines) is not None
    return (2 if headers >= 2 else 0) + greeting + sign_off


def _prose_share(lines: Sequence[str]) -> float:
    """Share of lines that read as prose: several words, mostly letters, few code symbols."""
    prose = 0
    for line in lines:
        if _MACHINE_LINE.match(line) and not _STAMP.match(line):
            continue  # "WARN deprecated config key 'timeout'" has words, but a program wrote it
        words = line.split()
        letters = sum(c.isalpha() or c.isspace() for c in line)
        symbols = sum(c in "{}()[]<>=;$#|\\_/" for c in line)
        if len(words) >= 5 and letters >= 0.8 * len(line) and symbols <= 2:
            prose += 1
    return prose / max(len(lines), 1)


def _sign_off_at(lines: Sequence[str]) -> int | None:
    """Index of an email's sign-off line ("Thanks,", "Cheers, Tom") among its last lines."""
    for index in range(len(lines) - 1, max(-1, len(lines) - 7), -1):
        line = lines[index].strip()
        if len(line.split()) <= 5 and _SIGN_OFF.match(line) and index > 0:
            return index
        if re.match(r"^(?:--|—|–)\s*\S", line) and len(line.split()) <= 4 and index > 0:
            return index
    return None


_LABELS = frozenset(
    {
        "from", "to", "cc", "bcc", "subject", "date", "sent", "re", "fwd", "action", "actions", "ai",
        "todo", "decision", "decisions", "note", "notes", "agenda", "attendees", "present", "owner",
        "status", "summary", "background", "problem", "expected", "actual", "steps", "environment",
        "version", "update", "blockers", "blocker", "done", "doing", "result", "error", "warning",
        "info", "debug", "fatal", "traceback", "file", "line", "http", "https", "fix", "feat",
        "chore", "question", "answer", "tl;dr", "ps", "eta", "deadline", "risk", "risks", "context",
        "goal", "goals", "outcome", "yesterday", "today", "tomorrow", "next", "open", "questions",
        "follow-up", "reason", "cause", "impact", "timeline", "root", "example", "output", "input",
        "q", "a", "time", "where", "when", "why", "how", "what", "who"
    }
)  # fmt: skip


def _chat_messages(lines: Sequence[str]) -> list[tuple[str, str]] | None:
    """The (speaker, text) messages of a chat thread, or None when the lines are not one."""
    messages: list[tuple[str, str]] = []
    loose = 0
    for line in lines:
        match = _SPEAKER_LINE.match(line)
        who = (match["irc"] or match["who"]) if match else None
        if match and who and _is_speaker(who):
            messages.append((who.lstrip("@"), match["said"].strip()))
            continue
        header = _SPEAKER_HEADER.match(line)
        if header and _is_speaker(header["who"]):
            messages.append((header["who"], ""))
        elif messages:
            speaker, said = messages[-1]
            messages[-1] = (speaker, (said + " " + line.strip()).strip())
            loose += not header
        else:
            loose += 1
    speakers = {speaker.lower() for speaker, _ in messages}
    if len(messages) < 2 or len(speakers) < 2 or loose > len(messages):
        return None
    return [(speaker, said) for speaker, said in messages if said]


def _is_speaker(who: str) -> bool:
    lowered = who.lower().strip("@*")
    if lowered in _LABELS or lowered.split()[0] in _LABELS:
        return False
    return not re.search(r"(?:error|exception|warning|failed)$", lowered)
