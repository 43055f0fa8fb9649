"""People's names as a text gives them: "Priya", "Ana Lima", "Maarten van der Berg".

A capitalised word is often not a name ("Agreed to ...", "Friday", "Team"), so a stock list of
such words keeps them out of {people} and out of the owners of actions.
"""

from __future__ import annotations

import re

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
