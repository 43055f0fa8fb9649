"""A unit in reported form where a fixed pattern makes that safe, quoted compactly otherwise.

"Can you send the report by Friday?" -> "a request to send the report by Friday"; a clause with
the speaker's "I", "we" or "you" in it would change meaning when reported, so it is quoted.
The action a unit states ("Sam to fix the login test") is read here too, since the reported
form of a note in meeting notes is its action.
"""

from __future__ import annotations

import re

from labkit.sim.replies.summary.material import Material, Unit
from labkit.sim.replies.summary.names import _is_name
from labkit.sim.replies.summary.shapes import _BULLET

QUOTE_WORDS = 28  # a quoted sentence longer than this is cut at a clause boundary


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
