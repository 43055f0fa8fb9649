"""A blameless-language check for post-mortems: blaming phrasing and personal names.

    findings = check_blameless(report_text)
    print(format_findings(findings))   # "line 4, column 12: blame 'failed to' -> ..."

A blameless post-mortem describes systems, changes and roles, never culprits (Google SRE book,
ch. 15; PagerDuty's post-mortem guide). This check flags two things, each with a suggestion:

- `blame`: phrasing that judges people ("should have known", "careless", "human error", "X's
  fault") or that makes a person the subject of a failure ("the engineer failed to", "he forgot
  to"). The same verbs said of a system ("the health check failed to fire") are fine.
- `personal_name`: a given name or an @handle. Given names come from a committed list of the
  4,000 most common US given names (Social Security Administration data, a US-government work;
  see labkit/data/DATACARD.md). Names that are also ordinary words ("Will", "Mark", "Grant") or
  months and places ("May", "June", "Virginia") are flagged only where they act as names: a
  possessive, a person's verb next to them, or a capital letter in the middle of a sentence.

Text inside quotes ("...", '...', curly quotes), inline code, fenced code blocks, HTML
comments and Markdown block quotes is not checked: quoting a user's report or a log line is not the author's phrasing.
The check is a heuristic that helps a writer; it is not a judge of intent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Literal

__all__ = ["Finding", "check_blameless", "format_findings", "given_names"]

Kind = Literal["blame", "personal_name"]


@dataclass(frozen=True, order=True)
class Finding:
    """One flagged phrase: where it is (1-based line and column), what it is, and a better way."""

    line: int
    column: int
    phrase: str
    kind: Kind
    suggestion: str

    def __str__(self) -> str:
        label = "blaming phrase" if self.kind == "blame" else "personal name"
        return (
            f"line {self.line}, column {self.column}: {label} {self.phrase!r} -> {self.suggestion}"
        )


def format_findings(findings: list[Finding]) -> str:
    if not findings:
        return "no blaming phrases or personal names found"
    return "\n".join(str(f) for f in findings)


# ---------------------------------------------------------------------------- the name list
@functools.cache
def given_names() -> dict[str, str]:
    """Given name -> kind ("name", "word" or "proper"), from labkit/data/given_names.tsv."""
    raw = resources.files("labkit").joinpath("data/given_names.tsv").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for number, row in enumerate(raw.splitlines()[1:], start=2):
        name, _, kind = row.partition("\t")
        if kind not in ("name", "word", "proper"):
            raise ValueError(f"labkit/data/given_names.tsv line {number}: unknown kind {kind!r}")
        names[name] = kind
    return names


# Products, models and platforms that share a spelling with a given name: never a person here.
PRODUCTS = frozenset({"Claude", "Alexa", "Siri", "Cortana", "Gemini", "Sonnet", "Opus", "Haiku"})


# Words next to a name that make it a person: "Mark pushed", "asked June".
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PERSON_VERBS = _words(
    """said says wrote writes asked asks told tells thought noticed saw decided deployed deploys
    pushed pushes merged merges approved approves reviewed reviews rolled restarted ran paged
    forgot forgets missed broke failed should made changed fixed found escalated replied posted
    opened filed owns owned joined took tried checked investigated confirmed believed knew
    realised realized started stopped acknowledged acked handed shipped introduced caused
    didn't neglected ignored messed dropped wanted agreed suggested mentioned reported"""
)
_ADDRESSING = frozenset(
    {"asked", "told", "pinged", "paged", "thanks", "thank", "cc", "ask", "tell", "ping", "page"}
)
# Parts of @handles that stand for a role, a team or a channel rather than a person
# (@oncall-inference, @sre-team, @here).
_ROLE_HANDLE_PARTS = _words(
    """oncall on call team sre support infra ops devops eng engineering lead bot here channel
    everyone all incident platform inference serving triage release security sec admin ml data
    eval observability product qa"""
)


def _is_role_handle(handle: str) -> bool:
    parts = [part.removesuffix("s") for part in re.split(r"[-_.]", handle.lower()) if part]
    return any(part in _ROLE_HANDLE_PARTS for part in parts) or handle.lower() in _ROLE_HANDLE_PARTS


# ---------------------------------------------------------------------------- blame patterns
_ROLE_NOUN = (
    r"(?:engineer|developer|dev|reviewer|author|operator|on-?call(?:er)?|sre|admin(?:istrator)?|"
    r"intern|manager|lead|person|employee|staff(?:er)?|colleague|teammate|contractor|owner|"
    r"approver|deployer|human|user|customer|analyst|responder)s?"
)
_SUBJECT = (
    r"(?P<subject>(?P<pronoun>\b(?:he|she|I|you|someone|somebody|nobody|no one|whoever)\b)"
    r"|(?P<role>\b(?:the|a|an|our|their|his|her|that|this|one|another|each|every|some)\s+"
    r"(?:[\w-]+\s+){0,2}?" + _ROLE_NOUN + r"\b)"
    r"|(?P<handle>(?<![\w@])@[A-Za-z][\w.-]*)"
    r"|(?P<capitalised>(?-i:\b[A-Z][a-z]+\b)))"
)
_BETWEEN = r"(?:\s+(?:\w+ly|just|also|then|again|still|even|had|has|have|must have|never))*\s+"

_WHAT_HOW = (
    "ask what the person knew at the time and how the system could have shown it "
    "(e.g. 'the dashboard did not show ...')"
)
_SYSTEM = (
    "describe what the system or process did not provide (e.g. 'the deploy checklist had no "
    "step for ...'), not what a person failed to do"
)
_JUDGEMENT = (
    "describe the action and its conditions neutrally (e.g. 'the command ran against "
    "production because the tool defaulted to it')"
)
_CULPRIT = (
    "name the change and how it reached production (e.g. 'change C-42 raised ...'), "
    "not the person who made it"
)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    suggestion: str
    person_subject: bool = False  # the match has a `subject` group that must be a person


def _rule(regex: str, suggestion: str, person_subject: bool = False) -> _Rule:
    return _Rule(re.compile(regex, re.I), suggestion, person_subject)


def _after_person(verbs: str) -> str:
    return _SUBJECT + _BETWEEN + r"(?P<verb>" + verbs + r")\b"


_RULES = (
    _rule(
        r"\b(?:\w+['’]s|his|her|their|my|your|our)\s+fault\b|\bat fault\b|\bfault of\b",
        "ask how the system allowed this to happen; a post-mortem looks for causes, not culprits",
    ),
    _rule(
        r"\b(?:is|are|was|were|be)\s+to\s+blame\b|\bblam(?:e|ed|es|ing)\s+(?:on|for)\b"
        r"|\b(?:I|we|they|he|she|you)\s+blame\b|\bthe blame (?:lies|falls|rests)\b",
        "ask how the system allowed this to happen; a post-mortem looks for causes, not culprits",
    ),
    _rule(r"\bshould(?:\s+have|['’]ve)\s+known\b", _WHAT_HOW),
    _rule(
        _after_person(
            r"should(?:\s+have|['’]ve)\s+(?:caught|noticed|checked|tested|seen|realised|realized|"
            r"verified|asked|waited|looked|read|spotted|thought)"
        ),
        _WHAT_HOW,
        person_subject=True,
    ),
    _rule(_after_person(r"failed to|fails to|neglected(?: to)?|neglects to"), _SYSTEM, True),
    _rule(
        _after_person(r"forgot(?: to)?|forgets to|forgotten to"),
        "ask how the process could make the step hard to forget (a checklist, an automated "
        "check) and describe that gap",
        True,
    ),
    _rule(
        _after_person(r"ignored|missed|overlooked"),
        "describe what made the signal easy to miss (volume, noise, routing, what the "
        "dashboard showed)",
        True,
    ),
    _rule(_after_person(r"broke|caused"), _CULPRIT, True),
    _rule(
        _after_person(r"made (?:a|an|the)? ?(?:mistake|error|blunder)s?"),
        "describe the conditions that made the action easy to get wrong and how a check could "
        "catch it",
        True,
    ),
    _rule(
        r"\b(?:careless(?:ly|ness)?|negligen(?:t|ce|tly)|sloppy|sloppiness|lazy|laziness|"
        r"incompeten(?:t|ce)|stupid(?:ity)?|dumb|idiot(?:ic|s)?|reckless(?:ly|ness)?|clueless|"
        r"inexcusable|amateurish|inattenti(?:ve|on))\b",
        _JUDGEMENT,
    ),
    _rule(
        r"\b(?:human|operator|user|pilot)\s+error\b",
        "'human error' ends the analysis where it should start: describe what made the action "
        "easy to get wrong and how the system could catch it",
    ),
    _rule(
        r"\b(?:dropped the ball|mess(?:ed)? up|screw(?:ed)? up|botched|fumbled|blew it|goofed)\b",
        _JUDGEMENT,
    ),
    _rule(
        r"\b(?:did(?:n['’]t| not)|never|could(?:n['’]t| not)(?: be)?)\s+bother(?:ed)?\b",
        _SYSTEM,
    ),
    _rule(
        r"\bwho(?:ever)?\s+(?:broke|caused|pushed|deployed|merged|shipped|approved|introduced)\b",
        "ask what changed and how it reached production, not who did it",
    ),
    _rule(r"\b(?:the culprit|person responsible|responsible party|scapegoat)\b", _CULPRIT),
    _rule(
        r"\bwhy\s+did(?:n['’]t| not)?\s+(?:you|he|she|they)\b",
        "ask 'what' and 'how' questions (e.g. 'what did the dashboard show at 14:00?'), which "
        "invite facts instead of defence",
    ),
    _rule(
        r"\b(?:was(?:n['’]t| not)|were(?:n['’]t| not)|not)\s+paying attention\b"
        r"|\black of attention\b",
        "describe what the signal looked like and what competed for attention at the time",
    ),
)

# ---------------------------------------------------------------------------- masking
_FENCE = re.compile(r"^\s*(```|~~~)")
_PARAGRAPH_TEXT = r"(?:(?!\n[ \t]*\n)[^{close}])*"  # may wrap lines, never a blank line
_QUOTED = re.compile(
    r"<!--.*?-->"  # HTML comments (template guidance): not shown to readers
    r"|`[^`\n]*`"  # inline code
    r'|"' + _PARAGRAPH_TEXT.format(close='"') + r'"'  # straight double quotes
    r"|“" + _PARAGRAPH_TEXT.format(close="”") + r"”"  # curly double quotes
    r"|‘[^’\n]*’"  # curly single quotes
    r"|(?<![\w])'[^'\n]+'(?![\w])"  # straight single quotes (not apostrophes)
    r"|\bhttps?://\S+"  # links
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail addresses
    re.S,
)
_WORD = re.compile(r"(?<![\w@./-])([A-Z][a-z]+)(['’]s)?(?![\w@/-]|\.\w)")
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z][\w.-]*[A-Za-z0-9_]|[A-Za-z])")
_LINE_MARKUP = re.compile(r"\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+|\|\s*)*[*_]*\s*")


_MASK = "\x00"  # neither a letter nor a space: no pattern matches across a masked span


def _mask(text: str) -> str:
    """The text with quoted text, code and links blanked out (lines and columns are kept)."""
    return _QUOTED.sub(lambda m: re.sub(r"[^\n]", _MASK, m.group(0)), text)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, masked line) for every line that is the author's own prose."""
    prose: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            prose.append("")
        elif in_fence or line.lstrip().startswith(">"):
            prose.append("")  # code and block quotes: not the author's phrasing
        else:
            prose.append(line)
    for number, line in enumerate(_mask("\n".join(prose)).split("\n"), start=1):
        if line.strip():
            yield number, line


# ---------------------------------------------------------------------------- names
def _is_person_subject(match: re.Match[str]) -> bool:
    """A pronoun, a role, a handle, or a capitalised word that is a given name."""
    word = match.group("capitalised")
    if word is None:
        return True
    return word in given_names() and word not in PRODUCTS


def _next_word(line: str, end: int) -> str:
    match = re.match(r"\s+([\w'’]+)", line[end:])
    return match.group(1).lower() if match else ""


def _previous_word(line: str, start: int) -> str:
    match = re.search(r"([\w'’]+)[\s,]*$", line[:start])
    return match.group(1).lower() if match else ""


def _starts_sentence(line: str, start: int) -> bool:
    before = line[:start]
    if _LINE_MARKUP.fullmatch(before):
        return True
    stripped = before.rstrip(" \t*_")
    return not stripped or stripped[-1] in '.!?:;|([—–"“'


def _capitalised_neighbour(line: str, start: int, end: int) -> bool:
    """Part of a Title Case phrase ("the Grant Review Board"): then a capital is no evidence."""
    after = re.match(r"\s+([A-Z][a-z]+)", line[end:])
    before = re.search(r"([A-Z][a-z]+)\s+$", line[:start])
    if before and not _starts_sentence(line, before.start(1)):
        return True
    return bool(after)


def _acts_as_name(line: str, match: re.Match[str], kind: str, heading: bool) -> bool:
    """Whether a word from the name list is used as a person's name here."""
    if kind == "name":
        return True
    start, end = match.start(1), match.end(1)
    if match.group(2) is not None:
        return True  # a possessive: "Mark's change"
    if re.match(r"\s*\d", line[match.end() :]) or re.search(r"\d\s*$", line[:start]):
        return False  # "May 5", "5 June": a date
    following, preceding = _next_word(line, end), _previous_word(line, start)
    if following in _PERSON_VERBS or preceding in _ADDRESSING:
        return True  # "Mark pushed", "asked June"
    if kind == "proper":
        return False  # a month or a place: always capitalised, so a capital is no evidence
    # kind "word" ("Will", "Mark", "Grant", "Hope"): a capital in mid-sentence is a name's.
    if heading or _starts_sentence(line, start):
        return False  # "Will the fix hold?", "Hope was not a plan": capitals any word may have
    return not _capitalised_neighbour(line, start, end)


def _name_findings(number: int, line: str) -> Iterator[Finding]:
    names = given_names()
    heading = line.lstrip().startswith("#")
    for match in _WORD.finditer(line):
        word = match.group(1)
        kind = names.get(word)
        if kind is None or word in PRODUCTS or not _acts_as_name(line, match, kind, heading):
            continue
        yield Finding(
            number,
            match.start(1) + 1,
            word,
            "personal_name",
            "use the role instead of the name (e.g. 'the on-call engineer', 'the change "
            "author'); a blameless report names roles and systems, not people",
        )
    for match in _HANDLE.finditer(line):
        if _is_role_handle(match.group(1)):
            continue
        yield Finding(
            number,
            match.start() + 1,
            match.group(0),
            "personal_name",
            "replace the @mention with the role it stands for (e.g. 'the support lead')",
        )


# ---------------------------------------------------------------------------- the check
def _blame_findings(number: int, line: str) -> Iterator[Finding]:
    for rule in _RULES:
        for match in rule.pattern.finditer(line):
            if rule.person_subject and not _is_person_subject(match):
                continue
            yield Finding(
                number, match.start() + 1, match.group(0).strip(), "blame", rule.suggestion
            )


def check_blameless(text: str) -> list[Finding]:
    """Every blaming phrase and personal name in `text` (Markdown or plain), in reading order."""
    if not isinstance(text, str):
        raise TypeError(f"check_blameless needs a str, got {type(text).__name__}")
    findings: set[Finding] = set()
    for number, line in _lines(text):
        findings.update(_blame_findings(number, line))
        findings.update(_name_findings(number, line))
    return sorted(findings)
