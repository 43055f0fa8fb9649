"""Error output pasted into a prompt, read for what it says: a diagnosis of that error.

A developer pastes a traceback ("getting this and i have no idea why") and expects the error to
be read: its type and message, the deepest frame of their own code (not the library frames under
it) and the failing line. A review of the code lines quoted inside the traceback, or a general
debugging checklist, misses the point. So this package parses what was pasted:

- Python tracebacks, whole or partial (frames without the header, no final line, "..."
  elisions), chained ("During handling of the above exception ..."), IPython and Jupyter ones,
  with Windows paths, colour codes or exception-group bars, inside ``` fences or in plain text;
- pytest output: the `E   ` lines, the location lines of long and short tracebacks,
  `FAILED x::y - ...`, `ERROR collecting` and "ImportError while importing test module";
- a bare `SomeError: message` line, and log or tool lines of known shapes (nginx, git, the shell,
  Kubernetes, databases, pip), which the knowledge file's `line` patterns recognise.

What an error means, its usual causes, the fix and how to confirm it are data, in
datasets/replies/errors.toml (loaded here, validated, cached): one entry per error pattern,
whose named groups and what is read from the failing line (the operands, the subscripted
container, the attribute's owner ...) fill the placeholders of its sentences. An exception no
entry knows gets the generic reading: the last line, the deepest frame of your code.

    knowledge = knowledge_for(bank)          # the bank's errors.toml, or None
    pasted = parse(text)                     # Pasted: chains of Raised, with their Frames
    diagnosis = diagnose(knowledge, pasted)  # which error, which entry; None: not an error
    plan = answer(bank, reading, writer, chooser)  # all of it, written; "" when not an error

One module per concern, each importing only from the ones listed before it:

    pasted        Frame, Raised, Pasted: what the parser found; which frames are the user's
    lines         cleaning a paste, and the shapes of its lines (frames, pytest, exceptions)
    parser        parse: one pass over the lines, tracebacks and pytest sections
    placeholders  the names sentences may use, and filling them
    knowledge     errors.toml: its entries, the loader that validates it, lint
    places        "line 14 of app.py, in `total()`", "`pandas`": where an error happened
    failing_line  what the failing line says (operands, container, owner ...), read with ast
    diagnosis     diagnose: which exception of a paste is explained, by which entry
    values        fills: every placeholder value a diagnosis has
    reply         answer: the parts said at each effort, sampled

Sampling decides as everywhere: each part is one sampled alternative, and an entry's
`causes_wrong` / `fix_wrong` alternatives are plausible wrong ones that the Chooser counts.
Nothing here runs code, and no sentence says anything was run.
"""

from __future__ import annotations

from labkit.sim.replies.errors.diagnosis import Diagnosis, diagnose
from labkit.sim.replies.errors.failing_line import EXPRESSION_LIMIT, MAX_LINE_CHARS
from labkit.sim.replies.errors.knowledge import (
    ERRORS_FILE,
    FRAMING_PARTS,
    MIN_ALTERNATIVES,
    PARTS,
    WRONG_PARTS,
    Entry,
    Knowledge,
    knowledge_for,
    lint,
    load_knowledge,
)
from labkit.sim.replies.errors.lines import LOG_LIMIT
from labkit.sim.replies.errors.parser import MAX_CHARS, parse
from labkit.sim.replies.errors.pasted import Frame, Pasted, Raised, is_library
from labkit.sim.replies.errors.placeholders import CONTEXT_NAMES, DERIVED_NAMES, fill, names_in
from labkit.sim.replies.errors.places import library_name, place, shown_file
from labkit.sim.replies.errors.reply import NOTE_EFFORT, PART_EFFORT, answer
from labkit.sim.replies.errors.values import CODE_LIMIT, MESSAGE_LIMIT, data_source, fills

__all__ = [
    "CODE_LIMIT",
    "CONTEXT_NAMES",
    "DERIVED_NAMES",
    "ERRORS_FILE",
    "EXPRESSION_LIMIT",
    "FRAMING_PARTS",
    "LOG_LIMIT",
    "MAX_CHARS",
    "MAX_LINE_CHARS",
    "MESSAGE_LIMIT",
    "MIN_ALTERNATIVES",
    "NOTE_EFFORT",
    "PARTS",
    "PART_EFFORT",
    "WRONG_PARTS",
    "Diagnosis",
    "Entry",
    "Frame",
    "Knowledge",
    "Pasted",
    "Raised",
    "answer",
    "data_source",
    "diagnose",
    "fill",
    "fills",
    "is_library",
    "knowledge_for",
    "library_name",
    "lint",
    "load_knowledge",
    "names_in",
    "parse",
    "place",
    "shown_file",
]
