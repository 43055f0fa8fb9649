"""Read the Python a user pasted, so a reply can talk about *their* code, truthfully.

The reply model recognises a prompt's topic ("what does this do?", "review this", "refactor
this") and composes an answer from the bank's plans; on their own those plans can only give
generic advice, because nothing reads the code. This package reads it with the standard
library's `ast` and returns facts a reply can quote:

    source = pasted_code(prompt)            # the code in the prompt, or None
    explain(source)                         # 2-8 true sentences about what it does
    review(source)                          # [Finding(line, kind, message), ...]: real checks
    clean_review_notes(source)              # for a review with no findings: what is done
                                            # safely, and the edge case to test next
    refactor(source)                        # Refactoring(source, changes, kinds) or None;
                                            # long if/elif chains become dispatch tables
    to_pathlib(source)                      # Conversion(source, changes, differences, kept)
    annotate(source, hints=, docstrings=)   # Annotation: hints the code vouches for, and
    annotation_notes(annotation)            # docstrings; what to say about them
    tests_for(source, "name")               # a small, honest pytest module, or None
    describe_name(source)                   # the first top-level def, for the reply to mention

Everything here is pure, deterministic and standard library only, and nothing raises: code that
does not parse, truncated or deeply nested code, and input over MAX_CHARS characters give None
or an empty list. A simulated model that crashes on odd input is worse than one that falls back
to generic advice.

One module per concern, each importing only from the ones listed before it:

    source      finding the code in a prompt and parsing it; the helpers the others share
    glossary    what well-known calls, decorators and name prefixes mean
    kinds       parameter and result types as the code shows them, and sample values
    guards      the guards a function starts with: whether they hold, how to trip them
    purpose     what a function is for, from its shape or docstring
    empty       what a function returns or raises on an empty input, by reading
    explain     explain
    checks      the checks review runs for bugs and smells, one function per kind of finding
    strings     how a string was built: from fixed text, or from values (f-string, +, %, format)
    injection   the SQL and shell injection checks, with fixes written from the user's code
    security    the other security checks: eval, unsafe loading, TLS, secrets, weak randomness
    robustness  calls that can hang, asserts that -O strips, retry loops that never stop
    handtrace   a small function followed by hand on inputs of our own, to show a loop hang
    loops       `while` loops that may never end (a bound that does not move)
    review      review: every check, the security findings first
    verdict     clean_review_notes
    dispatch    if/elif chains over one name, as dispatch tables
    refactor    refactor
    paths       to_pathlib
    hints       the type hints a function's code vouches for
    annotate    annotate, annotation_notes
    testgen     tests_for
"""

from __future__ import annotations

from labkit.sim.replies.reader.annotate import Annotation, annotate, annotation_notes
from labkit.sim.replies.reader.checks import Finding
from labkit.sim.replies.reader.explain import explain
from labkit.sim.replies.reader.paths import Conversion, to_pathlib
from labkit.sim.replies.reader.refactor import Refactoring, refactor
from labkit.sim.replies.reader.review import review
from labkit.sim.replies.reader.source import MAX_CHARS, describe_name, pasted_code
from labkit.sim.replies.reader.testgen import tests_for
from labkit.sim.replies.reader.verdict import clean_review_notes

__all__ = [
    "MAX_CHARS",
    "Annotation",
    "Conversion",
    "Finding",
    "Refactoring",
    "annotate",
    "annotation_notes",
    "clean_review_notes",
    "describe_name",
    "explain",
    "pasted_code",
    "refactor",
    "review",
    "tests_for",
    "to_pathlib",
]
