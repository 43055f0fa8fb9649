"""Prose split into sentences, and long run-ons cut at their conjunctions, for ranking."""

from __future__ import annotations

import re

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
