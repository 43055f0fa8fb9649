"""The {actions} and {decisions} a text states: who is to do what, and what was decided."""

from __future__ import annotations

from labkit.sim.replies.summary.material import Material
from labkit.sim.replies.summary.ranking import _agreed_by
from labkit.sim.replies.summary.reported import (
    _COMMIT,
    _DECIDED,
    _LABELLED_DECISION,
    _LOOSE_VERB,
    _PROPOSAL,
    _SHOULD_WE,
    _asked,
    _owned_action,
    _quote,
    _safe,
    _tidy,
    report,
)


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
