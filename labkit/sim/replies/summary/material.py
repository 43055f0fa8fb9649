"""The pasted material read for its kind: the units that are ranked, and who is in it.

A Unit is a sentence, a bullet or a chat message; a Material holds the units of one paste with
what its kind tells besides them: an email's sender, addressee and subject, a thread's speakers,
the attendees of meeting notes, and the code or log lines found among prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from labkit.sim.replies.summary.kinds import _chat_messages, _sign_off_at
from labkit.sim.replies.summary.names import _is_name, _names_in_list
from labkit.sim.replies.summary.shapes import (
    _AT_FRAME,
    _BULLET,
    _FENCE,
    _GREETING,
    _OPEN_BOX,
    _PY_FRAME,
    _SIGN_OFF,
    _TICKED,
)
from labkit.sim.replies.summary.splitting import _clauses, sentences

MAX_UNITS = 200  # centrality is quadratic: a very long paste is ranked on its first units


_OPENER = re.compile(
    r"^(?:quick |short |brief )?(?:update|status update|heads[- ]up|fyi|just a|a few things|"
    r"following up|re:|summary|just checking in|checking in|hope (?:you're|you are) well)\b",
    re.I,
)


@dataclass(frozen=True)
class Unit:
    """A sentence, a bullet or a chat message: the pieces centrality ranks."""

    text: str
    speaker: str = ""  # who wrote it, in a chat thread (or the email's sender)
    lead: bool = False  # the first sentence of an email body or an article
    section: str = ""  # the notes heading it sits under: "decisions", "actions", ...


@dataclass
class Material:
    """The pasted text, read for its kind."""

    kind: str
    lines: list[str]
    units: list[Unit] = field(default_factory=list)
    sender: str = ""
    addressee: str = ""  # the one person an email greets by name
    people: list[str] = field(default_factory=list)
    subject_line: str = ""
    code: list[str] = field(default_factory=list)  # code or log lines inside prose
    messages: int = 0  # of a chat thread


def read_material(material: str, kind: str) -> Material:
    lines = [line.rstrip() for line in material.splitlines() if line.strip()]
    read = Material(kind, lines)
    prose, read.code = _split_code(material)
    if kind == "email":
        _read_email(prose, read)
    elif kind == "chat thread":
        _read_chat(lines, read)
    elif kind in ("meeting notes", "bug report"):
        _read_notes(prose, read)
    elif kind == "text":
        found = _clauses(sentences(_drop_headings(prose)))
        read.units = [Unit(s, lead=i == 0) for i, s in enumerate(found)]
    read.units = read.units[:MAX_UNITS]
    return read


def _split_code(material: str) -> tuple[str, list[str]]:
    """Prose without its fenced or code-like lines, and those lines."""
    code: list[str] = []

    def keep(match: re.Match[str]) -> str:
        code.extend(line for line in match.group(1).splitlines() if line.strip())
        return "\n\n"

    prose = _FENCE.sub(keep, material)
    kept = []
    for line in prose.splitlines():
        if _is_code_line(line):
            code.append(line.strip())
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept), code


def _is_code_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if _PY_FRAME.match(line) or _AT_FRAME.match(line) or stripped.startswith(("$ ", ">>> ")):
        return True
    if line.startswith(("    ", "\t")) and not _BULLET.match(line):
        return True
    if re.match(r"^(?:Traceback \(most|[A-Z]\w*(?:Error|Exception)\b:?)", stripped):
        return True
    if _CODE_START.match(stripped):
        return True
    # Symbols of code, not of prose: a parenthesis counts only as a call ("set(items)"), so
    # "fix the bug (Ines)" and "- [ ] a to-do" stay prose.
    core = _BULLET.sub("", stripped)
    symbols = sum(c in "{}[]<>=;$|\\" for c in core) + len(re.findall(r"\w\(", core))
    return symbols >= 3 and symbols >= 0.06 * len(core)


_CODE_START = re.compile(
    r"^(?:def |class \w+[(:]|import \w|from [\w.]+ import |return\b|(?:if|for|while|with) .+:$|"
    r"(?:const|let|var) \w+ =|function \w+\(|#include|SELECT |INSERT |UPDATE \w+ SET|@@ )"
)


def _drop_headings(text: str) -> str:
    """Markdown headings and short title lines are labels, not sentences."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        heading = stripped.startswith("#") or (
            0 < len(stripped.split()) <= 8 and not re.search(r"[.!?:;,]$", stripped)
        )
        out.append("" if heading and len(text.splitlines()) > 1 else line)
    return "\n".join(out)


def _read_email(prose: str, read: Material) -> None:
    lines = [line.strip() for line in prose.splitlines()]
    body: list[str] = []
    for line in lines:
        header = re.match(r"^(from|to|cc|subject|date|sent)\s*:\s*(.*)$", line, re.I)
        if header and not body:
            field_name, value = header.group(1).lower(), header.group(2)
            if field_name == "from":
                read.sender = _name_in_address(value)
            elif field_name == "subject":
                read.subject_line = re.sub(r"^(?:re|fwd?|aw)\s*:\s*", "", value, flags=re.I)
            continue
        if re.match(r"^On .{5,80} wrote:$", line) or line.startswith("-----Original"):
            break  # the earlier message quoted below a reply
        if re.match(r"^-{2,}\s*Forwarded message\s*-{2,}$|^Begin forwarded message:$", line, re.I):
            body = []  # what was forwarded is the message; its headers follow
            continue
        if line.startswith(">"):
            continue
        body.append(line)
    while body and not body[0]:
        body.pop(0)
    greeting = _GREETING.match(body[0]) if body else None
    if greeting:
        names = _names_in_list(greeting["who"])
        read.addressee = names[0] if len(names) == 1 else ""
        read.people += names
        body = body[1:]
    filled = [line for line in body if line]
    sign_off = _sign_off_at(filled)
    if sign_off is not None:
        signer = _signer(filled[sign_off:])
        read.sender = read.sender or signer
        cut = body.index(filled[sign_off])
        body = body[:cut]
    if read.sender:
        read.people.insert(0, read.sender)
    found = _clauses(sentences("\n".join(body)))
    # "Quick update on the upgrade." announces the email; the sentence after it is the lead.
    first = 1 if len(found) > 1 and _OPENER.match(found[0]) and len(found[0].split()) <= 8 else 0
    read.units = [Unit(s, speaker=read.sender, lead=i == first) for i, s in enumerate(found)]


def _name_in_address(value: str) -> str:
    named = re.match(r"^\s*\"?(?P<name>[^\"<@]+?)\"?\s*<", value)
    if named and _is_name(named["name"]):
        return named["name"].strip()
    return value.strip() if _is_name(value) else ""


def _signer(tail: Sequence[str]) -> str:
    """The name in a sign-off ("Cheers, Tom") or on the line after it."""
    match = _SIGN_OFF.match(tail[0].strip())
    if match and match["name"] and _is_name(match["name"]):
        return match["name"].strip()
    dashed = re.match(r"^(?:--|—|–)\s*(?P<name>.+)$", tail[0].strip())
    if dashed and _is_name(dashed["name"]):
        return dashed["name"].strip()
    if len(tail) > 1 and _is_name(tail[1].strip().rstrip(",")):
        return tail[1].strip().rstrip(",")
    return ""


def _read_chat(lines: Sequence[str], read: Material) -> None:
    messages = _chat_messages(lines) or []
    read.messages = len(messages)
    for speaker, said in messages:
        if speaker not in read.people:
            read.people.append(speaker)
        # The opening message usually says what the thread is about.
        read.units += [
            Unit(s, speaker=speaker, lead=not read.units and i == 0)
            for i, s in enumerate(_clauses(sentences(said, lenient=True)) or [said])  # "👍" too
        ]


_HEADING = re.compile(r"^\s*(?:#+\s*)?(?P<title>[^\W\d][^:]{0,40}?)\s*:?\s*$")
_ATTENDEES = re.compile(r"^\s*(?:attendees|present|participants|people)\s*:\s*(?P<who>.+)$", re.I)


def _read_notes(prose: str, read: Material) -> None:
    section = ""
    raws = [raw for raw in prose.splitlines() if raw.strip()]
    for number, raw in enumerate(raws):
        line = raw.strip()
        below = raws[number + 1] if number + 1 < len(raws) else ""
        if _is_bare_heading(raw, below):  # "What went well" above its bullets
            section = _section_of(line.lstrip("# "))
            continue
        attendees = _ATTENDEES.match(line)
        if attendees:
            read.people += [n for n in _names_in_list(attendees["who"]) if n not in read.people]
            continue
        heading = _HEADING.match(line)
        if heading and not _BULLET.match(raw) and (line.endswith(":") or line.startswith("#")):
            section = _section_of(heading["title"])
            continue
        text = _BULLET.sub("", raw).strip()
        if _TICKED.match(raw):
            continue  # a ticked box is done, not news
        where = "actions" if _OPEN_BOX.match(raw) else section  # an open box is a to-do
        pieces = [p for p in re.split(r";\s+", text) if p.strip()] if ";" in text else [text]
        for piece in pieces:
            found = sentences(piece) if len(piece.split()) > 25 else [piece]
            read.units += [Unit(s, section=where) for s in found]


def _is_bare_heading(line: str, below: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 5
        and not _BULLET.match(line)
        and not re.search(r"[.!?:;,]$", line.strip())
        and bool(_BULLET.match(below))
    )


def _section_of(title: str) -> str:
    lowered = title.lower()
    for name, pattern in (
        ("actions", r"action|todo|to do|next step|follow"),
        ("decisions", r"decision|decided|agreed|outcome"),
        ("questions", r"question|open|undecided|parking"),
    ):
        if re.search(pattern, lowered):
            return name
    return lowered
