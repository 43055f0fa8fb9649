"""Dates, days, times and deadlines as the text writes them ("by Friday", "14 March", "EOD")."""

from __future__ import annotations

import re

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
