"""Drafts written from what the user gave: a message, an incident summary, a commit message.

"Draft a reply from me saying we'll pull autocomplete and ship the rest at 16:00" or "write a
short incident summary: a migration locked the users table for 12 minutes" hands over the facts
and asks for them in a form. A plan about incident summaries in general answers neither, so the
draft is built from the user's own words: their account as one sentence, in the shape the
document needs, with what they did not say left in [brackets] rather than invented. The
sentences around it are data (datasets/replies/drafts.toml).
"""

from __future__ import annotations

import re

from labkit.sim.replies.bank import Bank
from labkit.sim.replies.compose import Chooser, Writer, say_one
from labkit.sim.replies.intent import Reading
from labkit.sim.replies.words import CODE_FENCE

MIN_FACT_WORDS = 4  # fewer than this ("about the outage") is a subject, not an account
SUBJECT_CHARS = 60  # a commit message's first line, at most

MESSAGE_KINDS = frozenset(
    ["reply", "response", "message", "slack message", "email", "note", "announcement", "apology"]
)
SUMMARY_KINDS = frozenset(
    [
        "incident summary",
        "incident update",
        "status update",
        "status page update",
        "summary",
        "update",
        "incident report",
        "outage summary",
    ]
)
_KINDS = sorted(MESSAGE_KINDS | SUMMARY_KINDS | {"commit message"}, key=len, reverse=True)
_DRAFT = re.compile(
    r"^\s*(?:(?:can|could) you\s+|please\s+|pls\s+|now\s+|ok,?\s+|then\s+)*"
    r"(?:write|draft|compose|prepare|put together|give me|help me write)\s+(?:me\s+|up\s+)?"
    r"(?:a|an|the)?\s*(?:(?:short|quick|brief|simple|polite|friendly|formal|two-line|one-line|"
    r"clear|calm)\s+)*(?P<kind>" + "|".join(re.escape(k) for k in _KINDS) + r")s?\b(?P<rest>.*)$",
    re.I | re.S,
)
# Where the account starts: "...: <facts>", "... saying <facts>", "... to say that <facts>".
_FACTS = re.compile(
    r"(?::\s*|\b(?:saying|that says|to say|telling (?:them|him|her|everyone|people)|"
    r"explaining|to tell (?:them|him|her|everyone|people))\s+(?:that\s+)?)(?P<facts>.+)$",
    re.I | re.S,
)
_HEADINGS = {
    "incident": [
        ("What happened", None),
        ("Impact", "[who was affected, and for how long]"),
        ("Cause", "[what we know so far about why]"),
        ("Status", "[resolved, mitigated or still under investigation]"),
        ("Next steps", "[the follow-up actions, each with an owner]"),
    ],
    "update": [
        ("Current status", None),
        ("Impact", "[who is affected and how]"),
        ("What we're doing", "[the work under way]"),
        ("Next update", "[when people will hear from you next]"),
    ],
}


def answer(bank: Bank, reading: Reading, writer: Writer, chooser: Chooser) -> str:
    """Write the draft a prompt asks for from its own facts; "" (nothing written) otherwise."""
    asked = _DRAFT.match(CODE_FENCE.sub(" ", reading.text))
    if asked is None:
        return ""
    kind = " ".join(asked.group("kind").lower().split())
    found = _FACTS.search(asked.group("rest"))
    if found is None:
        return ""
    facts = _sentence(found.group("facts"))
    if len(facts.split()) < MIN_FACT_WORDS:
        return ""
    if kind == "commit message":
        return _commit(bank, facts, writer, chooser)
    if kind in MESSAGE_KINDS:
        return _message(bank, facts, writer, chooser)
    return _summary(bank, kind, facts, writer, chooser)


def _message(bank: Bank, facts: str, writer: Writer, chooser: Chooser) -> str:
    say_one(bank.framing("draft_message", "intro"), "draft/message/intro", writer, chooser)
    greeting = _one(bank, "draft_message", "greeting", chooser)
    closing = _one(bank, "draft_message", "closing", chooser)
    writer.say(greeting, paragraph=True, literal=True)
    writer.say(f"{facts} {closing}", paragraph=True, literal=True)
    if not chooser.setting.brief:
        say_one(
            bank.framing("draft_message", "tip"),
            "draft/message/tip",
            writer,
            chooser,
            paragraph=True,
        )
    return "draft:message"


def _summary(bank: Bank, kind: str, facts: str, writer: Writer, chooser: Chooser) -> str:
    writer.fills = {**writer.fills, "document": kind}
    say_one(bank.framing("draft_summary", "intro"), "draft/summary/intro", writer, chooser)
    headings = _HEADINGS["incident" if "incident" in kind or "outage" in kind else "update"]
    lines = [f"**{title}:** {facts if gap is None else gap}" for title, gap in headings]
    writer.paragraphs.append(["\n".join(lines)])
    writer.paragraphs.append([])
    writer.words += sum(len(line.split()) for line in lines)
    if not chooser.setting.brief:
        say_one(bank.framing("draft_summary", "tip"), "draft/summary/tip", writer, chooser)
    return f"draft:{kind}"


def _commit(bank: Bank, facts: str, writer: Writer, chooser: Chooser) -> str:
    say_one(bank.framing("draft_commit", "intro"), "draft/commit/intro", writer, chooser)
    subject = _imperative(facts.rstrip("."))
    if len(subject) > SUBJECT_CHARS:
        subject = subject[:SUBJECT_CHARS].rsplit(" ", 1)[0]
    writer.code(
        f"{subject}\n\n{facts}\n\n[Why the change is needed, and how it was tested.]", "text"
    )
    if not chooser.setting.brief:
        say_one(bank.framing("draft_commit", "tip"), "draft/commit/tip", writer, chooser)
    return "draft:commit message"


def _one(bank: Bank, kind: str, part: str, chooser: Chooser) -> str:
    options = bank.framing(kind, part)
    return options[chooser.pick(f"draft/{kind}/{part}", options)].text if options else ""


def _sentence(text: str) -> str:
    """The user's account as one sentence: spaces tidied, first letter up, a full stop at the
    end; braces neutralised so that no placeholder can open."""
    tidy = " ".join(text.split()).strip(" \"'").replace("{", "(").replace("}", ")")
    if not tidy:
        return ""
    tidy = tidy[0].upper() + tidy[1:]
    return tidy if tidy[-1] in ".!?" else tidy + "."


_PAST = {
    "fixed": "Fix",
    "added": "Add",
    "removed": "Remove",
    "updated": "Update",
    "changed": "Change",
    "renamed": "Rename",
    "moved": "Move",
    "bumped": "Bump",
    "refactored": "Refactor",
    "fixes": "Fix",
    "adds": "Add",
    "removes": "Remove",
    "updates": "Update",
    "changes": "Change",
}


def _imperative(text: str) -> str:
    """'fixed the flaky login test' -> 'Fix the flaky login test' (the git convention)."""
    first, _, rest = text.partition(" ")
    verb = _PAST.get(first.lower())
    line = f"{verb} {rest}" if verb else text
    return line[0].upper() + line[1:]
