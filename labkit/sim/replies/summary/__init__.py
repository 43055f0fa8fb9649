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

One module per concern, each importing only from the ones listed before it:

    wording     joining lists ("a, b and c"), counts ("three lines"), fallbacks ("none stated")
    shapes      the shapes of pasted lines: frames, diff marks, bullets, headers, speakers
    names       people's names as a text gives them, and the capitalised words that are not
    request     split_request, has_material, length_asked: the request apart from the material
    kinds       kind_of: KINDS told from the material's form; LINE_KINDS
    splitting   sentences: prose split into sentences, long run-ons cut into clauses
    material    Unit, Material, read_material: the units of an email, thread, notes or text
    dates       dates_in: dates, days, times and deadlines as written
    reported    report: a unit in reported form or quoted; the action a unit states
    ranking     rank, pick, central: tf-idf centrality with boosts; who agreed to what
    outcomes    actions, decisions: who is to do what, and what was decided
    logs        log_summary, telling_lines: the telling lines of a log or test run
    tracebacks  traceback_summary: the exception and the deepest frame of the user's code
    diffs       diff_summary: the files a diff changes and the functions its hunks name
    prose       prose_summary: the central units of prose, and a bug report's summary
    counted     {bullets} and {sentences}: a summary of the length asked for
    values      fills: every placeholder value, cached per turn
"""

from __future__ import annotations

from labkit.sim.replies.summary.dates import dates_in
from labkit.sim.replies.summary.diffs import diff_summary
from labkit.sim.replies.summary.kinds import KINDS, LINE_KINDS, kind_of
from labkit.sim.replies.summary.logs import LOG_LINE_CHARS, log_summary, telling_lines
from labkit.sim.replies.summary.material import MAX_UNITS, Material, Unit, read_material
from labkit.sim.replies.summary.outcomes import actions, decisions
from labkit.sim.replies.summary.prose import SHORT_WORDS, prose_summary
from labkit.sim.replies.summary.ranking import (
    AGREEMENT_WORDS,
    CENTRALITY_WEIGHT,
    central,
    pick,
    rank,
)
from labkit.sim.replies.summary.reported import QUOTE_WORDS, report
from labkit.sim.replies.summary.request import (
    DEFAULT_BULLETS,
    DEFAULT_SENTENCES,
    MAX_COUNT,
    has_material,
    length_asked,
    split_request,
)
from labkit.sim.replies.summary.splitting import sentences
from labkit.sim.replies.summary.tracebacks import traceback_summary
from labkit.sim.replies.summary.values import fills
from labkit.sim.replies.summary.wording import MAX_LISTED, NO_NAMES, NONE_STATED

__all__ = [
    "AGREEMENT_WORDS",
    "CENTRALITY_WEIGHT",
    "DEFAULT_BULLETS",
    "DEFAULT_SENTENCES",
    "KINDS",
    "LINE_KINDS",
    "LOG_LINE_CHARS",
    "MAX_COUNT",
    "MAX_LISTED",
    "MAX_UNITS",
    "NONE_STATED",
    "NO_NAMES",
    "QUOTE_WORDS",
    "SHORT_WORDS",
    "Material",
    "Unit",
    "actions",
    "central",
    "dates_in",
    "decisions",
    "diff_summary",
    "fills",
    "has_material",
    "kind_of",
    "length_asked",
    "log_summary",
    "pick",
    "prose_summary",
    "rank",
    "read_material",
    "report",
    "sentences",
    "split_request",
    "telling_lines",
    "traceback_summary",
]
