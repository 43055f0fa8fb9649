"""fills: every placeholder a plan of summarise.toml may use, for one user turn, cached."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from labkit.sim.replies.summary.counted import _counted
from labkit.sim.replies.summary.dates import _DEADLINE, dates_in
from labkit.sim.replies.summary.diffs import diff_summary
from labkit.sim.replies.summary.kinds import LINE_KINDS, kind_of
from labkit.sim.replies.summary.logs import log_summary
from labkit.sim.replies.summary.material import Material, read_material
from labkit.sim.replies.summary.names import _is_name
from labkit.sim.replies.summary.outcomes import actions, decisions
from labkit.sim.replies.summary.prose import prose_summary
from labkit.sim.replies.summary.reported import _GROUPS
from labkit.sim.replies.summary.request import length_asked, split_request
from labkit.sim.replies.summary.tracebacks import traceback_summary
from labkit.sim.replies.summary.wording import (
    MAX_LISTED,
    NO_NAMES,
    NONE_STATED,
    _count,
    _join,
    _listed,
)


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
