"""Summaries of pasted text, taken from the text itself: the fills of a summarise reply.

The simulator does not understand what it summarises. It separates the request ("summarise this
for my manager:") from the pasted material, tells the kind of material from its form (headers,
greetings and sign-offs, "name: text" lines, bullets, tracebacks, diffs, log lines), and then
extracts what that kind is read for: the telling lines of a log, the exception and the deepest
frame of the user's own code in a traceback, the files of a diff, and for prose the one to three
most central sentences (tf-idf centrality, boosted for requests, decisions, dates and numbers).
Those sentences are rewritten into reported form only where a fixed pattern makes that safe
("Can you send the report by Friday?" -> "a request to send the report by Friday") and quoted
otherwise. Every word of a summary comes from the text or from a fixed frame; nothing is invented.

`fills(text)` gives the placeholders a plan of `datasets/replies/topics/summarise.toml` may use.
Each value reads correctly in a sentence whatever was pasted: a list that fits after a colon,
or a fallback such as "none stated".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from labkit.sim.replies.words import STOP_WORDS, stem

NONE_STATED = "none stated"
NO_NAMES = "none named in the text"
LOG_LINE_CHARS = 80  # a quoted log line longer than this is cut (as before this module)
QUOTE_WORDS = 28  # a quoted sentence longer than this is cut at a clause boundary
SHORT_WORDS = 12  # prose of at most this many words is restated, not summarised
MAX_UNITS = 200  # centrality is quadratic: a very long paste is ranked on its first units
MAX_LISTED = 5  # actions, dates and people beyond this are counted, not listed

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


# -- the request and the material ---------------------------------------------------------------
# What people say when they ask for a summary ("summarise", "summerize", "tl;dr", "sum this up").
_ASKING = re.compile(
    r"summ?[ae]r[iy][sz]|summar(?:y|ies)|\bsum(?:s|med|ming)?\s+(?:\w+\s+){0,3}?up\b|"
    r"\btl;?\s?dr\b|\brecap|\bgist\b|\bcondense|\bboil\w*\s+(?:\w+\s+){0,3}?down\b|"
    r"\bdigest\b|\bshort version\b|\bkey points\b|\bhighlights\b|\bin a nutshell\b|"
    r"\bwhat (?:does|did) (?:this|it|the)(?: \w+)? say\b|\bwhat(?:'s| is) (?:this|it) (?:about|saying)\b|"
    r"\bin short\b|\bbriefly\b|\bwhat (?:went wrong|broke|failed|happened)\b",
    re.I,
)
_INTRO_LINE = re.compile(
    r"^(?:here(?:'s| is| are)|below is|this is|the following|see)\b.{0,80}:\s*$", re.I
)
_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|$)", re.S)


def split_request(text: str) -> tuple[str, str]:
    """(the request, the pasted material): "summarise this:\\n<log>" -> ("summarise this", "<log>")."""
    stripped = text.strip()
    if not stripped:
        return "", ""
    first, _, rest = stripped.partition("\n")
    if rest.strip() and _is_request_line(first):
        ask, colon, after = first.partition(":")
        if colon and after.strip() and _ASKING.search(ask):
            return ask.strip(), _unwrap(after + "\n" + rest)
        return first.strip(), _unwrap(rest)
    head, _, last = stripped.rpartition("\n")
    if head.strip() and _is_request_line(last):
        return last.strip(), _unwrap(head)
    # "summarise the standup notes: api migration 70% done, ..." on one line
    # (a colon followed by a space: "10:00" and "db:5432" do not split; nor one inside quotes)
    inline = re.match(r"(?P<ask>[^\n\"“]{0,160}?):\s+(?P<rest>\S.*)$", stripped, re.S)
    if inline and _ASKING.search(inline["ask"]) and len(inline["ask"].split()) <= 20:
        return inline["ask"].strip(), _unwrap(inline["rest"])
    # "Can you summarise this paragraph? The new cache cut latency ..."
    opening = re.match(r"(?P<ask>[^.?!\n]{3,200}[.?!])\s+(?P<rest>\S.*)$", stripped, re.S)
    if opening and _ASKING.search(opening["ask"]) and len(opening["rest"].split()) >= 8:
        return opening["ask"].strip(), _unwrap(opening["rest"])
    quoted = re.search(r"[\"“](?P<q>[^\"”]{20,})[\"”]", stripped)
    if quoted and _ASKING.search(stripped[: quoted.start()] + stripped[quoted.end() :]):
        outside = (stripped[: quoted.start()] + stripped[quoted.end() :]).strip(" :\n")
        return outside, quoted["q"].strip()
    if _ASKING.search(stripped) and "\n" not in stripped and len(stripped.split()) <= 40:
        return stripped, ""  # only the request came: "summarise the build"
    return "", _unwrap(stripped)


def _is_request_line(line: str) -> bool:
    line = line.strip()
    if not line or len(line.split()) > 30:
        return False
    # "Subject: weekly summary", "Hi all, a quick summary" and "ana: tl;dr" belong to the paste.
    if _EMAIL_HEADER.match(line) or _SPEAKER_LINE.match(line) or _SALUTATION.match(line):
        return False
    return bool(_ASKING.search(line) or _INTRO_LINE.match(line))


def _unwrap(material: str) -> str:
    """The material without the fence, quotes or "> " markers it was pasted in."""
    material = material.strip()
    fenced = _FENCE.fullmatch(material)
    if fenced:
        material = fenced.group(1).strip()
    for opener, closer in (('"""', '"""'), ("'''", "'''"), ('"', '"'), ("“", "”")):
        inner = material[len(opener) : -len(closer)]
        if (
            len(material) > 2 * len(opener)
            and material.startswith(opener)
            and material.endswith(closer)
            and opener not in inner
        ):
            material = inner.strip()
            break
    lines = material.splitlines()
    quoted = [line for line in lines if line.startswith(">")]
    if lines and len(quoted) >= 0.8 * len([line for line in lines if line.strip()]):
        material = "\n".join(re.sub(r"^>\s?", "", line) for line in lines).strip()
    return material


# -- the kind of material -------------------------------------------------------------------------
_PY_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?')
_AT_FRAME = re.compile(r"^\s+at\s+(?P<where>\S.*)$")
_DIFF_MARK = re.compile(r"^(?:diff --git |@@ -\d|\+\+\+ |--- (?:a/|/dev/null)|index [0-9a-f]{6,})")
_TEST_MARK = re.compile(
    r"test session starts|^(?:PASSED|FAILED|ERROR)\s+\S+::|^\s*(?:PASS|FAIL)\s+\S+\.[jt]sx?\b|"
    r"^--- (?:FAIL|PASS):|^test result:|\b\d+ (?:passed|failed)(?:[,;]| in \d)|^Tests?:\s+\d+|"
    r"running \d+ tests?|^Ran \d+ tests? in|^FAIL: test|\.\.\. (?:ok|FAILED|ERROR)$|"
    r"^\s*[✓✔✗✕●]\s",
    re.I | re.M,
)
# A line a program wrote: a timestamp, a level in capitals, a prompt, "file.py:12", "npm ERR!".
# Case matters: "ERROR" and "Run pytest" are a tool's, "Run the tests first." is a person's.
_MACHINE_LINE = re.compile(
    r"^\s*(?:\[?\d{4}-\d{2}-\d{2}|\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s|\[\w+\]|\$ |> |#\d+ |"
    r"(?:INFO|DEBUG|WARN(?:ING)?|ERROR|FATAL|TRACE|CRITICAL|NOTICE)\b|npm (?:ERR|WARN)|"
    r"Step \d+/\d+|[\w./-]+\.\w+:\d+|Run [a-z]|(?i:error)(?:\[\w+\])?:|(?i:warning):|\w+@\w+:|"
    r"(?i:exit code))"
)
_STAMP = re.compile(
    r"^\s*\[?(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?\]?\s+\S"
)
_BULLET = re.compile(r"^\s*(?:(?:[-*•·▪◦+]|\d{1,2}[.)]|\[[ xX]\])\s+)+")  # "- [ ] " too
_TICKED = re.compile(r"^\s*(?:[-*•]\s+)?\[[xX]\]\s")
_OPEN_BOX = re.compile(r"^\s*(?:[-*•]\s+)?\[ \]\s")
_NOTE_LABEL = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:action(?: items?)?|actions|ai|todo|to-?do|decisions?|decided|agreed|"
    r"attendees|present|agenda|next steps|follow[- ]ups?|owner|blockers?|open questions?)"
    r"\s*(?:\([^)]*\))?\s*[:\-–]",
    re.I,
)
_BUG_LABEL = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:steps to reproduce|repro(?:duction)?(?: steps)?|expected(?: behaviou?r| result)?|"
    r"actual(?: behaviou?r| result)?|environment|version|observed|what happened|to reproduce)\b",
    re.I,
)
_EMAIL_HEADER = re.compile(r"^(?:from|to|cc|bcc|subject|date|sent|reply-to)\s*:\s*\S", re.I)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening)|greetings|morning|hallo)\b"
    r"[ ,]*(?P<who>[^,!:\n]{0,60}?)\s*[,!:.]?\s*$",
    re.I,
)
_SALUTATION = re.compile(r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b", re.I)
_SIGN_OFF = re.compile(
    r"^(?:thanks(?: again| so much| a lot)?|thank you|many thanks|cheers|best(?: wishes| regards)?|"
    r"kind regards|warm regards|regards|all the best|sincerely|yours(?: truly| sincerely)?|"
    r"talk soon|speak soon|thx|br|take care)\b\s*(?:[,!.]\s*)?(?P<name>[^\W\d_][\w .'’-]{0,40})?\s*$",
    re.I,
)
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


# -- sentences -----------------------------------------------------------------------------------
# Words a full stop follows without ending the sentence; titles only capitalised ("40 ms." ends one).
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "approx", "cf", "al", "ca", "Mr", "Mrs", "Ms", "Dr", "Prof", "St"}
    | {"No", "Nr", "Inc", "Ltd", "Jr", "Sr", "Fig", "Eq", "Dept"}
)
_END = re.compile(r"[.!?]+[\"')\]’”]*\s+")


def sentences(text: str, *, lenient: bool = False) -> list[str]:
    """Split prose into sentences; `lenient` also splits before a lowercase word (chat style)."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        joined = " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
        start = 0
        for match in _END.finditer(joined):
            after = joined[match.end() : match.end() + 2].lstrip("\"'(‘“")
            before = joined[start : match.start()].split()
            last = before[-1].rstrip(".") if before else ""
            initial = len(last) == 1 and last.isupper()  # "J. Smith"
            if not after or last in _ABBREVIATIONS or last.lower() in ("e.g", "i.e") or initial:
                continue
            if not (after[0].isupper() or after[0].isdigit() or lenient or not after[0].isalpha()):
                continue
            out.append(joined[start : match.end()].strip())
            start = match.end()
        if joined[start:].strip():
            out.append(joined[start:].strip())
    return [s for s in out if any(c.isalnum() for c in s)]


_RUN_ON_WORDS = 35
_CLAUSE_BREAK = re.compile(r",?\s+(?=(?:but|so|and then|because|although|we need|i think)\b)", re.I)


def _clauses(found: list[str]) -> list[str]:
    """Long unpunctuated run-ons ("ok so basically the importer ... but i think ...") cut at
    their conjunctions, so that a part of them can be ranked and quoted."""
    out: list[str] = []
    for sentence in found:
        if len(sentence.split()) <= _RUN_ON_WORDS:
            out.append(sentence)
            continue
        parts: list[str] = []
        pending = ""  # a piece too short to stand alone ("ok", "but") joins the next one
        for part in _CLAUSE_BREAK.split(sentence):
            part = (pending + " " + part).strip()
            pending = part if len(part.split()) < 5 else ""
            if not pending:
                parts.append(part)
        if pending:
            parts = [*parts[:-1], parts[-1] + " " + pending] if parts else [pending]
        out += parts
    return out


_OPENER = re.compile(
    r"^(?:quick |short |brief )?(?:update|status update|heads[- ]up|fyi|just a|a few things|"
    r"following up|re:|summary|just checking in|checking in|hope (?:you're|you are) well)\b",
    re.I,
)


# -- units: what is ranked ------------------------------------------------------------------------
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


def _sign_off_at(lines: Sequence[str]) -> int | None:
    """Index of an email's sign-off line ("Thanks,", "Cheers, Tom") among its last lines."""
    for index in range(len(lines) - 1, max(-1, len(lines) - 7), -1):
        line = lines[index].strip()
        if len(line.split()) <= 5 and _SIGN_OFF.match(line) and index > 0:
            return index
        if re.match(r"^(?:--|—|–)\s*\S", line) and len(line.split()) <= 4 and index > 0:
            return index
    return None


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


# A chat line: optional time or [time], then a speaker and a colon ("[10:02] ana: text").
_SPEAKER_LINE = re.compile(
    r"^\s*(?:\[[^\]]{1,25}\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\)?\s*[-–]?\s*)?"
    r"(?:<(?P<irc>[^>\s]{1,30})>\s+|\*{0,2}(?P<who>@?[^\W\d][\w.'’-]*(?: [^\W\d][\w.'’-]*){0,2})\*{0,2}\s*:\s+)"
    r"(?P<said>\S.*)$",
    re.I,
)
# A chat client's header line: "Ana Lima  10:02 AM", then the message on the lines below.
_SPEAKER_HEADER = re.compile(
    r"^\s*(?P<who>[^\W\d][\w.'’-]*(?: [^\W\d][\w.'’-]*){0,2})\s+\[?\d{1,2}:\d{2}\s*(?:[AP]M)?\]?\s*$",
    re.I,
)
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


# -- names ---------------------------------------------------------------------------------------
# Capitalised words that are not names: greetings, groups, days, and the first words of notes
# ("Agreed to ...", "Need to ...") that "Name to ..." would otherwise take for an owner.
_NOT_NAMES = frozenset(
    {
        "team", "all", "everyone", "everybody", "folks", "guys", "there", "y'all", "friends",
        "colleagues", "both", "you", "hi", "hello", "hey", "thanks", "thank", "the", "this", "that",
        "we", "i", "it", "they", "he", "she", "please", "also", "so", "and", "or", "but", "if", "ok",
        "okay", "yes", "no", "sir", "madam", "customer", "customers", "user", "users", "support",
        "admin", "bot", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "today", "tomorrow", "yesterday", "regards", "best",
        "cheers", "sent", "from", "action", "note", "todo", "decision", "agenda", "error", "warning",
        "info", "debug", "update", "status", "morning", "afternoon", "evening", "night", "management",
        "agreed", "decided", "need", "needs", "want", "plan", "planned", "try",
        "remember", "started", "moved", "back", "due", "have", "continue", "ready", "nothing",
        "nobody", "someone", "somebody", "anyone", "everything", "something", "still", "going",
        "time", "manager", "engineering", "what", "how", "why", "when", "where", "who", "which",
        "steps", "title", "expected", "actual", "browser", "environment", "version", "ways",
    }
)  # fmt: skip
_PARTICLES = frozenset(
    {
        "van", "von", "de", "der", "den", "da", "di", "du", "dos", "das", "del", "la", "le", "bin",
        "binti", "al", "el", "ter"
    }
)  # fmt: skip


def _is_name(text: str) -> bool:
    """A person's name as people write one: 1-4 capitalised words (any script), no stock word."""
    words = text.strip().rstrip(".,").split()
    if not 1 <= len(words) <= 4 or words[0].lower().strip(".") in _NOT_NAMES:
        return False
    for number, word in enumerate(words):
        core = word.strip(".,'’()")
        if not core or not core[0].isalpha():
            return False
        if core.lower() in _PARTICLES and 0 < number < len(words) - 1:
            continue
        if core[0].islower() or core.lower() in _NOT_NAMES or (len(core) > 1 and core.isupper()):
            return False
        if not all(c.isalpha() or c in "'’-." for c in core):
            return False
    return True


def _names_in_list(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|&|\band\b|/)\s*", text.strip())
    return [p.strip() for p in parts if p.strip() and _is_name(p.strip())]


# -- ranking -------------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SKIP = STOP_WORDS | frozenset(
    {
        "have", "has", "had", "been", "being", "were", "am", "not", "but", "from", "they",
        "them", "their", "there", "then", "than", "what", "which", "who", "when", "where",
        "why", "how", "all", "any", "some", "its", "it's", "i'm", "i'll", "we'll", "let's",
        "also", "about", "into", "up", "out", "over", "very", "really", "more", "most",
        "other", "such", "only", "own", "same", "too", "these", "those", "he", "she", "his",
        "her", "him", "us", "your", "yours", "ours", "here", "after", "again", "once", "while",
        "because", "each", "few", "both", "no", "nor", "off", "down", "under", "above", "now",
        "ok", "okay", "yes", "yeah", "hi", "hello", "thanks", "thank", "get", "got", "one",
        "like", "think", "know", "go", "going",
    }
)  # fmt: skip
_REQUEST_CUE = re.compile(
    r"\b(?:please|pls|can you|could you|would you|can someone|could someone|need you to|"
    r"make sure|don't forget|remember to|action|todo|asap|let's|should we)\b",
    re.I,
)
_DECISION_CUE = re.compile(
    r"\b(?:decided|agreed|decision|settled on|going with|go with|approved|signed off|chose|"
    r"confirmed|final)\b",
    re.I,
)
_NOISE = re.compile(
    r"^(?:thanks|thank you|thx|ty|cheers|hope (?:you|this|all|everyone)|hi|hello|hey|lol|haha|"
    r"\+1|ok(?:ay)?|k|sure|sounds good|great|nice|cool|np|no worries|sorry|let me know|"
    r"feel free|happy to|have a (?:good|great|nice)|looking forward|any questions)\b",
    re.I,
)
# A short reply that takes up what the message before it proposed or asked.
_AGREEMENT = re.compile(
    r"^(?:agreed|sounds good|\+1|yes|yep|ok(?:ay)?|sure|lgtm|works for me|let's do (?:it|that)|"
    r"fine by me|makes sense|ship it|will do|on it|can do|done)\b|^(?:👍|✅|🙌)",
    re.I,
)
AGREEMENT_WORDS = 8
CENTRALITY_WEIGHT = 0.6


def _terms(text: str) -> Counter[str]:
    return Counter(stem(w) for w in _WORD.findall(text.lower()) if w not in _SKIP)


def _tfidf(units: Sequence[Unit]) -> list[dict[str, float]]:
    counts = [_terms(u.text) for u in units]
    frequency: Counter[str] = Counter()
    for count in counts:
        frequency.update(count.keys())
    total = len(units)
    vectors = []
    for count in counts:
        vector = {
            t: n * (math.log((1 + total) / (1 + frequency[t])) + 1.0) for t, n in count.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in sorted(vector.items())})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _agreed_by(units: Sequence[Unit], index: int) -> str:
    """Who took up unit `index` in the next message ("agreed", "will do"), in a thread."""
    unit = units[index]
    following = units[index + 1] if index + 1 < len(units) else None
    if (
        following
        and unit.speaker
        and following.speaker
        and following.speaker != unit.speaker
        and len(following.text.split()) <= AGREEMENT_WORDS
        and _AGREEMENT.match(following.text)
        and not re.match(r"^\W*\w+\W+but\b", following.text, re.I)  # "yes but ..." objects
        and not _PROPOSAL.match(_tidy(following.text))  # "ok let's do X instead" proposes
    ):
        return following.speaker
    return ""


def rank(
    units: Sequence[Unit], subject_line: str = "", vectors: list[dict[str, float]] | None = None
) -> list[float]:
    """Each unit's score: its centrality (mean cosine to the others, scaled to a maximum of 1)
    plus boosts for what a reader acts on: requests, decisions, dates, numbers, the lead."""
    vectors = vectors if vectors is not None else _tfidf(units)
    count = len(units)
    centrality = [
        sum(_cosine(vectors[i], vectors[j]) for j in range(count) if j != i) / max(count - 1, 1)
        for i in range(count)
    ]
    top = max(centrality, default=0.0) or 1.0
    heading = _tfidf([Unit(subject_line), *units])[0] if subject_line else {}
    scores = []
    for index, unit in enumerate(units):
        text = unit.text
        words = len(text.split())
        # Centrality counts, but in a short text a few shared words decide it, so the boosts
        # for what a reader acts on weigh nearly as much.
        score = CENTRALITY_WEIGHT * (centrality[index] / top if count > 1 else 1.0)
        score += 0.6 * unit.lead
        score += 0.4 * bool(_REQUEST_CUE.search(text) or _asked(unit, None))
        score += 0.4 * bool(_DECISION_CUE.search(text) or unit.section == "decisions")
        score += 0.3 * bool(dates_in(text))
        score += 0.15 * bool(re.search(r"\d", text))
        score += 0.15 * (unit.section == "actions" or bool(_owned_action(unit)))
        score += 0.3 * _cosine(heading, vectors[index]) if heading else 0.0
        question = text.rstrip().endswith("?")
        if question and not _REQUEST_CUE.search(text):
            score -= 0.15  # an open question is rarely the news of a text
        elif _agreed_by(units, index):
            score += 0.3  # a proposal someone took up was settled
        if index and unit.speaker and _agreed_by(units, index - 1) == unit.speaker:
            score -= 0.4  # "yes, let's do that": what it agrees to carries the content
        if _NOISE.match(text) and len(_terms(_NOISE.sub("", text))) < 4:
            score -= 0.8  # "Thanks!", "Let me know if you have any questions."
        score -= 0.3 * (len(_terms(text)) < 3) + 0.1 * (words > 45)
        scores.append(score)
    return scores


def pick(units: Sequence[Unit], subject_line: str = "") -> list[int]:
    """The 1-3 best units, in the order of the text, skipping near-repeats of a picked one."""
    if not units:
        return []
    words = sum(len(u.text.split()) for u in units)
    wanted = 1 if len(units) <= 2 or words < 20 else 2 if len(units) <= 4 or words < 80 else 3
    return central(units, wanted, subject_line, backfill=False)


def central(
    units: Sequence[Unit], count: int, subject_line: str = "", *, backfill: bool = True
) -> list[int]:
    """The `count` best units, in the order of the text: near-repeats of a picked one only when
    the distinct ones run out (`backfill`), and noise ("Thanks!") never after the first."""
    if not units or count < 1:
        return []
    vectors = _tfidf(units)
    scores = rank(units, subject_line, vectors)
    order = sorted(range(len(units)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    for index in order:
        if len(chosen) == count or (scores[index] < 0 and chosen):
            break
        if any(_cosine(vectors[index], vectors[c]) > 0.5 for c in chosen):
            continue  # a near-repeat of a sentence already picked
        chosen.append(index)
    for index in order if backfill else ():
        if len(chosen) == count or scores[index] < 0:
            break
        if index not in chosen:
            chosen.append(index)
    return sorted(chosen)


# -- reported form -------------------------------------------------------------------------------
_PERSONAL = frozenset(
    {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your"}
    | {"yours", "yourself", "yourselves", "u", "ur"}
)
_FILLER = re.compile(
    r"^(?:(?:ok(?:ay)?|so|yes|yeah|yep|right|alright|well|then|sure|cool|great|fine|also|and|"
    r"hmm+|oh|ah|btw|anyway|in that case|heads[- ]up|fyi)\b[,!.:]?\s+)+",
    re.I,
)
_NAMEISH = r"@?[^\W\d_][\w'’-]*(?:\s[^\W\d_][\w'’-]*)?"
_SOMEONE = (
    r"(?:someone|somebody|anyone|anybody)(?:\s+(?:from|in|on)\s+(?:the\s+)?[\w-]+(?:\s+team)?)?"
)
_ASK_YOU = re.compile(
    rf"^(?:(?P<name>{_NAMEISH}),\s+)?(?:can|could|would|will)\s+(?P<who>you|u|{_SOMEONE})\s+"
    r"(?:please\s+|pls\s+|kindly\s+)?(?P<rest>[a-z].*)$",
    re.I,
)
_ASK_PLEASE = re.compile(
    rf"^(?:(?P<name>{_NAMEISH}),\s+)?(?:please|pls|kindly),?\s+(?P<neg>don't\s+|do not\s+)?"
    r"(?P<rest>[a-z].*)$",
    re.I,
)
_DECIDED = re.compile(
    r"^(?:(?:we|they|the team|everyone|all of us)(?:'ve|’ve| have)?\s+)?"
    r"(?P<verb>decided|agreed|chose|settled|resolved)(?:\s+with\s+[^,.;]{1,40}?)?"
    r"\s+(?P<link>to|that|on)\s+(?P<rest>.+)$",
    re.I,
)
_LABELLED_DECISION = re.compile(r"^(?:decision|decided|agreed)\s*[:\-–]\s*(?P<rest>.+)$", re.I)
_PROPOSAL = re.compile(
    r"^(?P<how>let's|let’s|lets|let us|how about we|why don't we|maybe we should|we should|"
    r"we could)\s+(?P<rest>(?!(?:do|try) (?:that|it|this)\b)[a-z].*)$",  # not "let's do that"
    re.I,
)
_LOOSE_VERB = re.compile(r"^(?:say|go with|go for|see|call it)\b", re.I)
_SHOULD_WE = re.compile(r"^(?:should|shall)\s+we\s+(?P<rest>[a-z].*)$", re.I)
_COMMIT = re.compile(
    r"^i(?P<how>'ll|’ll| will| can| am going to|'m going to|’m going to)\s+(?P<rest>[a-z].*)$",
    re.I,
)
_WE_WILL = re.compile(r"^we(?:'ll|’ll| will| are going to)\s+(?P<rest>[a-z].*)$", re.I)
_WE_NEED = re.compile(r"^we (?:still )?need to\s+(?P<rest>[a-z].*)$", re.I)
_NAME_WILL = re.compile(
    rf"^(?P<name>{_NAMEISH})\s+(?:will|is going to|'ll|’ll)\s+(?P<rest>[a-z].*)$"
)
_NAME_TO = re.compile(rf"^(?P<name>{_NAMEISH})\s+to\s+(?P<rest>[a-z].*)$")
_NAME_COLON = re.compile(rf"^(?P<name>{_NAMEISH})\s*[:\-–]\s+(?P<rest>[^\W\d_].*)$")
_ACTION_LABEL = re.compile(
    r"^(?:action(?: items?)?|ai|todo|to-?do|follow[- ]up|next steps?)\s*(?:\((?P<owner>[^)]+)\))?"
    r"\s*[:\-–]\s*(?P<rest>.+)$",
    re.I,
)
_TRAILING_OWNER = re.compile(
    rf"^(?P<rest>.+?)\s*(?:\((?P<a>{_NAMEISH})\)|\s[-–—]\s*(?P<b>{_NAMEISH}))$"
)
# "Please note ...", "please let me know": politeness, not a request to report.
_NOT_ASKED = re.compile(
    r"^(?:note|find|see|let|feel|hesitate|accept|bear|excuse|forgive|be aware|advise|mind|be)\b",
    re.I,
)


def _safe(rest: str) -> bool:
    """A clause can be reported without its speaker's "I", "we" or "you" changing meaning."""
    words = re.findall(r"[a-z]+(?:['’][a-z]+)?", rest.lower())
    return bool(words) and not any(re.split(r"['’]", w)[0] in _PERSONAL for w in words)


def _tidy(text: str) -> str:
    """A sentence without its bullet, trailing "please"/"thanks" and final punctuation."""
    text = re.sub(r"\s+", " ", _BULLET.sub("", text)).strip()
    text = re.sub(r"(?:,?\s+(?:please|pls|thanks|thx|thank you))+[.!?]*$", "", text, flags=re.I)
    return _FILLER.sub("", text.rstrip(" .!?;:,").strip())


def _asked(unit: Unit, read: Material | None) -> tuple[str, str] | None:
    """(who is asked, what to do) for "Priya, can you send X?" or "Please send X.";
    who is "" when the text names nobody."""
    text = _tidy(unit.text)
    ask = _ASK_YOU.match(text)
    # "Can you ...?" asks; "can you" without a question mark asks only in chat, where people
    # leave the mark out.
    if ask and (unit.text.rstrip().endswith("?") or unit.speaker):
        if re.match(r"(?:be|mind|imagine|believe|tell if|see|hear)\b", ask["rest"], re.I):
            return None
        who = ask["name"] or ("" if ask["who"].lower() in ("you", "u") else ask["who"])
        return _addressed(who, read), ask["rest"]
    please = _ASK_PLEASE.match(text)
    if please and not _NOT_ASKED.match(please["rest"]):
        rest = ("not to " if please["neg"] else "") + please["rest"]
        return _addressed(please["name"] or "", read), rest
    return None


def _addressed(who: str, read: Material | None) -> str:
    who = who.lstrip("@")
    if who.lower().startswith(("someone", "somebody", "anyone", "anybody")):
        return "someone" + who[who.find(" ") :] if " " in who else "someone"
    if who and (_is_name(who) or (read is not None and who in read.people)):
        return who
    return read.addressee if read is not None else ""


def _to(rest: str) -> str:
    """ "send the list" -> "to send the list"; "not to merge ..." stays as it is."""
    return rest if rest.startswith("not to ") else "to " + rest


def report(unit: Unit, read: Material | None = None, agreed_by: str = "") -> str:
    """The unit in reported form where a pattern makes that safe, otherwise quoted compactly."""
    speaker = unit.speaker if read is not None and read.kind == "chat thread" else ""
    text = _tidy(unit.text)
    taken_up = f", which {agreed_by} agreed to" if agreed_by else ""
    asked = _asked(unit, read)
    if asked and _safe(asked[1]):
        who, rest = asked
        if speaker:
            took = f", which {agreed_by} took on" if agreed_by else ""
            return f"{speaker} asking {who or 'the others'} {_to(rest)}{took}"
        return f"a request for {who} {_to(rest)}" if who else f"a request {_to(rest)}"
    decided = _DECIDED.match(text)
    if decided and _safe(decided["rest"]):
        noun = "agreement" if decided["verb"].lower() == "agreed" else "decision"
        return f"the {noun} {decided['link'].lower()} {decided['rest']}"
    labelled = _LABELLED_DECISION.match(text)
    if labelled or (read is not None and unit.section == "decisions"):
        return f"the decision {_quote(labelled['rest'] if labelled else unit.text)}"
    proposal = _PROPOSAL.match(text)
    if proposal and _safe(proposal["rest"]):
        noun = "a proposal" if proposal["how"].lower().startswith("let") else "a suggestion"
        by = f" from {speaker}" if speaker else ""
        if _LOOSE_VERB.match(proposal["rest"]):  # "let's say 3pm then" reads wrong reported
            return f"{noun}{by}, {_quote(unit.text)}{taken_up}"
        return f"{noun}{by} to {proposal['rest']}{taken_up}"
    should = _SHOULD_WE.match(text) if unit.text.rstrip().endswith("?") else None
    if should and _safe(should["rest"]):
        asker = f"{speaker} asking" if speaker else "the question of"
        return f"{asker} whether to {should['rest']}{taken_up}"  # a "yes" to it agrees
    commit = _COMMIT.match(text)
    if commit and speaker and _safe(commit["rest"]):
        noun = "an offer" if "can" in commit["how"] else "a commitment"
        return f"{noun} from {speaker} to {commit['rest']}"
    planned = _WE_WILL.match(text)
    if planned and _safe(planned["rest"]):
        return f"the plan to {planned['rest']}"
    needed = _WE_NEED.match(text)
    if needed and _safe(needed["rest"]):
        return f"the need to {needed['rest']}"
    owned = _owned_action(unit)
    if owned and read is not None and read.kind == "meeting notes":
        return owned
    quoted = _quote(unit.text)
    if speaker:
        if quoted.endswith('?"'):
            return f"{speaker} asking {quoted}"  # a "yes" after a question answers it
        return f"{speaker} saying {quoted}"
    return quoted


_QUOTE_FILLER = re.compile(
    r"^(?:(?:ok(?:ay)?|so|well|hmm+|oh|ah|um+|basically|btw|anyway|heads[- ]up|fyi|"
    r"quick (?:one|note|update|question))\b[,!.:]?\s+)+",
    re.I,
)


def _quote(text: str, words: int = QUOTE_WORDS, *, whole: bool = False) -> str:
    """A sentence in double quotes, cut at a clause boundary when long, its full stop dropped;
    `whole` keeps its opening fillers too (a text restated as it is)."""
    tidy = re.sub(r"\s+", " ", _BULLET.sub("", text)).strip().rstrip(" .!;:,")
    # "ok so basically ..." loses its fillers; "yes but ..." keeps its "yes", which says something.
    tidy = tidy if whole else _QUOTE_FILLER.sub("", tidy) or tidy
    tidy = tidy.replace('"', "'").replace("“", "'").replace("”", "'")
    split = tidy.split()
    if len(split) > words:
        cut = " ".join(split[:words])
        boundary = max(cut.rfind(", "), cut.rfind("; "), cut.rfind(" - "))
        if boundary > len(cut) // 2:
            cut = cut[:boundary]
        tidy = cut.rstrip(" ,;:-") + "..."
    return f'"{tidy}"'


# -- actions and decisions -------------------------------------------------------------------------
def _owned_action(unit: Unit) -> str:
    """ "Sam to fix the login test by Wednesday", from a note, an "Action:" line, "Sam will fix
    ..." or "Amara: confirm ..." under an actions heading; "" when the unit states no action."""
    text = _tidy(unit.text)
    label = _ACTION_LABEL.match(text)
    owner = ""
    if label:
        text, owner = label["rest"].strip(), (label["owner"] or "").strip()
        handle = re.match(r"^@(?P<who>[\w.-]+)[:,]?\s+(?P<rest>\S.*)$", text)
        if handle and not owner:  # "AI: @dmitri profile the ranking call"
            text, owner = handle["rest"], "@" + handle["who"]
    trailing = _TRAILING_OWNER.match(text)
    if not owner and trailing and _is_name(trailing["a"] or trailing["b"] or ""):
        text, owner = trailing["rest"].strip(), (trailing["a"] or trailing["b"]).strip()
    for pattern in (_NAME_TO, _NAME_WILL):
        named = pattern.match(text)
        if (
            named
            and _is_name(named["name"].lstrip("@"))
            and not named["rest"].startswith(("be ", "have "))
            and ":" not in " ".join(named["rest"].split()[:3])  # "Steps to reproduce: ..."
        ):
            return f"{named['name'].lstrip('@')} to {named['rest']}"
    colon = _NAME_COLON.match(text)
    if not owner and colon and (label or unit.section == "actions"):
        who = colon["name"].strip()
        if _is_name(who) or who.lower() in _GROUPS:  # "Amara: confirm ...", "Everyone: review ..."
            text, owner = colon["rest"].strip(), who.lower() if who.lower() in _GROUPS else who
    if owner and (_is_name(owner.lstrip("@")) or owner.startswith("@") or owner in _GROUPS):
        return f"{owner.lstrip('@')} to {_lower_first(text)}"
    if label or unit.section == "actions":
        return f"{_lower_first(text)} (no owner named)"
    return ""


_GROUPS = frozenset({"everyone", "everybody", "all", "the team", "team", "both"})


def _lower_first(text: str) -> str:
    """ "Update the runbook" -> "update the runbook", leaving "API", "README" and "iOS" alone."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def actions(read: Material) -> list[str]:
    """Who is to do what, as the text states it: requests, commitments, owned notes."""
    found: list[str] = []
    for index in range(len(read.units)):
        item = _action_of(read, index)
        if item and item not in found:
            found.append(item)
    return found


def _action_of(read: Material, index: int) -> str:
    unit = read.units[index]
    speaker = unit.speaker
    asked = _asked(unit, read)
    if asked:
        who, rest = asked
        # In a thread, whoever answers "will do" to a request has taken it on.
        who = who or (_agreed_by(read.units, index) if read.kind == "chat thread" else "")
        by = f"asked by {speaker}" if speaker else ""
        if not _safe(rest):
            return _quote(unit.text) + (f" ({by})" if by else "")
        if rest.startswith("not to "):
            return f"{rest} ({by})" if by else rest
        if who:
            return f"{who} to {rest}"
        return f"{rest} ({by}, no owner named)" if by else f"{rest} (no owner named)"
    text = _tidy(unit.text)
    commit = _COMMIT.match(text)
    if commit and speaker and "can" not in commit["how"]:
        if _safe(commit["rest"]):
            return f"{speaker} to {commit['rest']}"
        return f"{speaker}: {_quote(unit.text)}"
    proposal = _PROPOSAL.match(text)
    chat = read.kind == "chat thread"
    let = proposal is not None and proposal["how"].lower().startswith("let")
    if (
        proposal
        and chat
        and let
        and _safe(proposal["rest"])
        and not _LOOSE_VERB.match(proposal["rest"])
    ):
        return f"{proposal['rest']} (proposed by {speaker or 'someone'}, no owner named)"
    return _owned_action(unit)


def decisions(read: Material) -> list[str]:
    """What the text says was decided or agreed, and proposals someone in a thread agreed to."""
    found = []
    for index, unit in enumerate(read.units):
        text = _tidy(unit.text)
        proposed = _PROPOSAL.match(text) or (_SHOULD_WE.match(text) and unit.text.endswith("?"))
        agreed_by = _agreed_by(read.units, index) if proposed else ""
        if (
            unit.section == "decisions"
            or _DECIDED.match(text)
            or _LABELLED_DECISION.match(text)
            or agreed_by
        ):
            found.append(report(unit, read, agreed_by))
    return found


_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(
    r"\b(?:(?:by|before|until|till|due(?: on| by)?|no later than|deadline(?: is| of)?:?|on|from)"
    r"\s+(?:the\s+)?)?"
    rf"(?:(?:this|next|last)\s+)?(?:{_DAY}(?:,?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s+{_MONTH})?)?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b(?:\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|today|tonight|tomorrow|"
    r"(?:this|next)\s+(?:week|month|sprint|quarter)|end of (?:the |this |next )?(?:day|week|month|quarter|sprint|year)|"
    r"eod|eow|cob|q[1-4](?:\s+\d{4})?|\d{1,2}(?::\d{2})?\s?[ap]m|\d{1,2}:\d{2}\s?(?:utc|cet|gmt|[ecmp][sd]?t))\b",
    re.I,
)
_DEADLINE = re.compile(r"^(?:by|before|until|till|due|no later than|deadline)\b", re.I)


def dates_in(text: str) -> list[str]:
    """Dates, days, times and deadlines as written ("by Friday", "14 March", "end of the month")."""
    found: list[str] = []
    for match in _DATE.finditer(text):
        phrase = match.group(0).strip()
        if re.fullmatch(r"(?:on|from)\s+\S+", phrase, re.I) and not re.search(
            r"\d|day", phrase, re.I
        ):
            continue
        if re.fullmatch(r"\d{1,2}/\d{1,2}", phrase) and re.search(
            r"\d/\d{1,2}\s*(?:tests|passed|files)", text
        ):
            continue
        phrase = re.sub(r"^(?:on|from)\s+", "", phrase, flags=re.I)
        if phrase.lower() not in [f.lower() for f in found]:
            found.append(phrase)
    return found


# -- the kinds read as lines ---------------------------------------------------------------------
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


def _join_spans(spans: Sequence[str]) -> str:
    """ "`a`, `b` and `c`": the commas inside code spans do not call for semicolons."""
    return spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]


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


# -- the fills -----------------------------------------------------------------------------------
def _join(items: Sequence[str], separator: str) -> str:
    """ "a", "a and b", "a, b and c"; with "; " between items that hold commas themselves."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return items[0] if items else ""
    if separator == "; " or any("," in i for i in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return separator.join(items[:-1]) + " and " + items[-1]


_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(number: int, noun: str) -> str:
    spelled = _NUMBERS[number] if number < len(_NUMBERS) else str(number)
    return f"{spelled} {_plural(number, noun)}"


def _plural(number: int, noun: str) -> str:
    return noun if number == 1 else noun + "s"


def _listed(items: Sequence[str], fallback: str) -> str:
    if not items:
        return fallback
    shown = list(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        return "; ".join(shown) + f"; and {len(items) - MAX_LISTED} more"
    return "; ".join(shown)


def _people(read: Material, owners: Sequence[str]) -> str:
    """The names the text gives: sender, greeting, speakers, attendees, owners of actions."""
    names: list[str] = []
    # "dmitri" from "@dmitri"; "everyone" is no one in particular
    handles = {o for o in owners if re.fullmatch(r"[a-z][\w.-]*", o) and o not in _GROUPS}
    for name in [*read.people, *owners]:
        # "Rafael" after "Rafael Souza" is the same person.
        known = [n.lower() for n in names] + [n.split()[0].lower() for n in names]
        named = _is_name(name) or name in read.people or name in handles
        if name and named and name.lower() not in known:
            names.append(name)
    if not names:
        return NO_NAMES
    shown = [
        f"{n} (who wrote it)" if n == read.sender and read.kind == "email" else n for n in names
    ]
    if len(shown) > MAX_LISTED:
        shown = [*shown[:MAX_LISTED], f"{len(shown) - MAX_LISTED} others"]
    return _join(shown, ", ")


def _size(read: Material) -> str:
    """How long the material is, in the unit a reader counts it in."""
    if read.kind in ("text", "email") and read.units:
        return _count(len(read.units), "sentence")
    if read.kind == "chat thread" and read.messages:
        return _count(read.messages, "message")
    return _count(len(read.lines), "line")


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


# -- summaries of a given length -------------------------------------------------------------------
DEFAULT_BULLETS = 3
DEFAULT_SENTENCES = 2
MAX_COUNT = 10  # "in 50 bullets" gets ten
_AMOUNTS = {
    "a": 1, "single": 1, "a single": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3,
}  # fmt: skip
_LENGTH = re.compile(
    r"\b(?P<n>\d{1,2}|a couple of|a few|a single|single|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|a)[\s-]+(?:(?:short|key|main|quick|brief|crisp)\s+)?"
    r"(?P<unit>bullet(?:[\s-]*points?)?s?|bulleted\s+points?|points?|takeaways?|items?|"
    r"sentences?|lines?|liners?)\b",
    re.I,
)
_BULLETED = re.compile(
    r"\bbullet(?:s|ed|[\s-]*points?)?\b|\bas a (?:bulleted )?list\b|\blist (?:of )?the (?:key |main )?points\b",
    re.I,
)
_ONE_LINER = re.compile(r"\bone[- ]?liner\b|\btl;?\s?dr\b|\bin a nutshell\b", re.I)


def length_asked(request: str) -> tuple[str, int]:
    """("bullets", 3) for "summarise in 3 bullets", ("sentences", 2) for "in two sentences",
    ("sentences", 1) for "one line" or "tl;dr"; ("", 0) when the request names no length."""
    found = _LENGTH.search(request)
    if found is not None:
        unit = "sentences" if re.match(r"sentence|line|liner", found["unit"], re.I) else "bullets"
        amount = found["n"].lower()
        if unit == "bullets" and amount in ("a", "single", "a single"):
            return unit, DEFAULT_BULLETS  # "a bullet list", "a bulleted summary"
        number = int(amount) if amount.isdigit() else _AMOUNTS[amount]
        if number >= 1:
            return unit, min(number, MAX_COUNT)
    if _BULLETED.search(request):
        return "bullets", DEFAULT_BULLETS
    if _ONE_LINER.search(request):
        return "sentences", 1
    return "", 0


def _counted(
    read: Material, unit: str, asked: int, material: str
) -> tuple[dict[str, str], dict[str, str]]:
    """{bullets} and {bullet_count}, {sentences} and {sentence_count}: taken from the text."""
    bullets_wanted = asked if unit == "bullets" else DEFAULT_BULLETS
    sentences_wanted = asked if unit == "sentences" else DEFAULT_SENTENCES
    if not material:
        nothing = "Nothing yet, since only the request came with the message."
        return (
            {"bullets": f"- {nothing}", "bullet_count": "no bullets"},
            {"sentences": nothing, "sentence_count": "no sentences"},
        )
    if read.kind in ("log", "test output"):
        shown = telling_lines(read.lines, bullets_wanted)
        said = telling_lines(read.lines, sentences_wanted)
        lead = "The line that matters is" if len(said) == 1 else "The lines that matter are"
        return (
            {
                "bullets": "\n".join(f"- {line}" for line in shown),
                "bullet_count": _count(len(shown), "bullet"),
            },
            {"sentences": f"{lead} {_join_spans(said)}.", "sentence_count": "one sentence"},
        )
    if read.kind in ("traceback", "diff") or not read.units:
        whole = read.lines[0] if len(read.lines) == 1 and not read.units else ""
        phrase = (
            traceback_summary(read.lines)
            if read.kind == "traceback"
            else diff_summary(read.lines)
            if read.kind == "diff"
            else _code_span(whole)
        )
        item = _as_sentence(phrase)
        return (
            {"bullets": f"- {item}", "bullet_count": "one bullet"},
            {"sentences": item, "sentence_count": "one sentence"},
        )
    bullets = [
        _as_sentence(_unit_text(read, i))
        for i in central(read.units, bullets_wanted, read.subject_line)
    ]
    said = [
        _as_sentence(_unit_text(read, i))
        for i in central(read.units, sentences_wanted, read.subject_line)
    ]
    return (
        {
            "bullets": "\n".join(f"- {b}" for b in bullets),
            "bullet_count": _shortfall(len(bullets), bullets_wanted, "bullet"),
        },
        {
            "sentences": " ".join(said),
            "sentence_count": _shortfall(len(said), sentences_wanted, "sentence"),
        },
    )


def _unit_text(read: Material, index: int) -> str:
    """A unit as the text has it; in a thread, with who said it ("Ana: the eval dropped")."""
    unit = read.units[index]
    text = re.sub(r"\s+", " ", _BULLET.sub("", unit.text)).strip()
    return f"{unit.speaker}: {text}" if read.kind == "chat thread" and unit.speaker else text


def _as_sentence(text: str) -> str:
    """The text with a capital first letter and an end mark, nothing else changed."""
    text = text.strip()
    if text[:1].isalpha() and text[:1].islower():
        text = text[0].upper() + text[1:]
    return text if re.search(r"[.!?…`]['\")\]’”]*$", text) else text + "."


def _shortfall(found: int, wanted: int, noun: str) -> str:
    """ "three bullets"; "two bullets, all the text has" when it has fewer than were asked for."""
    counted = _count(found, noun)
    return counted if found >= wanted else f"{counted}, all the text has"


def has_material(text: str) -> bool:
    """True when the turn carries something to summarise besides the request itself, however
    short: "summarise: ok thanks" does, "summarise the build log" does not."""
    return bool(split_request(text)[1])


def fills(text: str) -> dict[str, str]:
    """Placeholders for a summary of the text pasted into `text` (the whole user turn):
    {summary} (a list that reads after a colon), {line_count}, {size} ("12 lines", "one
    sentence"), {kind} ("email", "chat thread", ...), {people}, {actions}, {decisions},
    {deadline} and {dates}; each has a fallback ("none stated") that reads in a sentence.
    For a summary of a given length ("in 3 bullets", "in two sentences", "one line"):
    {bullets} ("- ..." lines of the most central sentences, as many as asked, default three),
    {sentences} (as many sentences as asked, default two, joined), and {bullet_count} and
    {sentence_count} ("three bullets", "one sentence, all the text has")."""
    return dict(_fills(text))


@lru_cache(maxsize=1024)
def _fills(text: str) -> tuple[tuple[str, str], ...]:
    request, material = split_request(text)
    kind = kind_of(material, request) if material else "text"
    read = read_material(material, kind)
    if not material:
        summary = "nothing yet, since only the request came with the message"
    elif kind in ("log", "test output"):
        summary = log_summary(read.lines)
    elif kind == "traceback":
        summary = traceback_summary(read.lines)
    elif kind == "diff":
        summary = diff_summary(read.lines)
    else:
        summary = prose_summary(read)
    said = "\n".join(u.text for u in read.units) if read.units else material
    all_dates = dates_in(said) if kind not in LINE_KINDS else []
    deadlines = [d for d in all_dates if _DEADLINE.match(d)]
    todo = actions(read)
    # "Priya to send ..." names an owner; "not to merge ..." and a quoted request do not.
    owners = [
        a.split(" to ", 1)[0]
        for a in todo
        if " to " in a and not a.endswith("named)") and not a.startswith(("not to ", '"'))
    ]
    unit, asked = length_asked(request)
    bullets, sentences = _counted(read, unit, asked, material)
    values = {
        "summary": summary,
        **bullets,
        **sentences,
        "line_count": str(len(read.lines)),
        "size": _size(read),
        "kind": kind,
        "people": _people(read, owners) if kind not in LINE_KINDS else NO_NAMES,
        "actions": _listed(todo, NONE_STATED),
        "decisions": _listed(decisions(read), NONE_STATED),
        "deadline": _listed(deadlines, NONE_STATED),
        "dates": _listed(all_dates, NONE_STATED),
    }
    # A brace in pasted text must not open a placeholder when the Writer fills the next one.
    return tuple((k, v.replace("{", "(").replace("}", ")")) for k, v in values.items())
