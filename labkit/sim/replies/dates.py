"""Calendar questions that need no live data: the weekday of a date, the days between two.

"What day of the week was July 4 1976?" is general knowledge the simulator does not have, but
it is also arithmetic on the calendar, which it can do exactly, the way it works out a plain
sum (arithmetic.py). A question that needs today's date ("how many days until Christmas") is
not answered here: the simulator has no clock, and the out-of-scope plans say so.
"""

from __future__ import annotations

import datetime as dt
import re

from labkit.sim.replies.bank import Bank
from labkit.sim.replies.compose import Chooser, Writer, say_one
from labkit.sim.replies.intent import Reading

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"
# "July 4 1976", "July 4th, 1976", "4 July 1976", "4th of July, 1976", "1976-07-04".
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}"
    rf"|{_DAY}(?:\s+of)?\s+(?P<m2>{_MONTH})\.?,?\s+{_YEAR}"
    rf"|(\d{{4}})-(\d{{2}})-(\d{{2}}))\b",
    re.I,
)
_WEEKDAY_ASKED = re.compile(r"\b(what|which)\s+(day|weekday)\b|\bday of the week\b", re.I)
_BETWEEN_ASKED = re.compile(r"\bhow many\s+(days|weeks)\b", re.I)


def dates_in(text: str) -> list[dt.date]:
    """The calendar dates written in the text, in order (impossible ones such as 31 June left out)."""
    found = []
    for match in _DATE.finditer(text):
        groups = match.groups()
        try:
            if match.group("m1"):
                day, year = int(groups[1]), int(groups[2])
                found.append(dt.date(year, _MONTHS[match.group("m1").lower()], day))
            elif match.group("m2"):
                day, year = int(groups[3]), int(groups[5])
                found.append(dt.date(year, _MONTHS[match.group("m2").lower()], day))
            else:
                found.append(dt.date(int(groups[6]), int(groups[7]), int(groups[8])))
        except ValueError:
            continue
    return found


def answer(bank: Bank, reading: Reading, writer: Writer, chooser: Chooser) -> str:
    """The weekday of a date, or the days between two; "" (nothing written) for other text."""
    text = reading.text
    if len(text) > 300:
        return ""  # a long message that mentions dates is about something else
    dates = dates_in(text)
    if len(dates) == 2 and _BETWEEN_ASKED.search(text):
        first, second = sorted(dates)
        days = (second - first).days
        writer.fills = {
            **writer.fills,
            "first": _shown(first),
            "second": _shown(second),
            "days": f"{days:,}",
            "weeks": _count(days // 7, "week"),
            "rest": _count(days % 7, "day"),
        }
        say_one(bank.framing("dates", "between"), "dates/between", writer, chooser)
        return "dates:between"
    if len(dates) == 1 and _WEEKDAY_ASKED.search(text):
        date = dates[0]
        writer.fills = {**writer.fills, "date": _shown(date), "weekday": date.strftime("%A")}
        say_one(bank.framing("dates", "weekday"), "dates/weekday", writer, chooser)
        return "dates:weekday"
    return ""


def _count(number: int, unit: str) -> str:
    return f"{number:,} {unit}" + ("" if number == 1 else "s")


def _shown(date: dt.date) -> str:
    return f"{date.day} {date.strftime('%B')} {date.year}"
