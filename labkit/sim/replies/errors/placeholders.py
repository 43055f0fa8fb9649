"""The placeholders of the knowledge file's sentences: the names there are, and how they fill.

Every sentence in errors.toml is a template ("`{container}` has no key {key}"). The loader
rejects a name not listed here, so a typo in the data fails `check` instead of reaching a
reply; a reply says an alternative only when every name it uses has a value for this error,
and `fill` puts the values in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

# What the parse and the failing line give every entry (besides its own named groups). An
# alternative whose placeholders are not all known for an error is not said for it.
CONTEXT_NAMES = frozenset(
    {
        "exc",  # the exception's short name: TypeError
        "exc_full",  # as printed: json.decoder.JSONDecodeError
        "message",
        "place",  # "line 14 of app.py, in `total()`"
        "file",
        "line",
        "function",
        "code",  # the failing line of the deepest frame of the user's code
        "library",  # "`pandas`", "the standard library's `asyncio`"
        "test",  # the pytest test's name
        "logline",  # the log or tool line an entry's `line` pattern matched
        "name",  # the entry's noun phrase for that line
        "other_exc",  # the other end of a chain of exceptions
        "other_message",
        "exc_package",  # the package a dotted exception type comes from: stripe.error.CardError
        "data_source",  # "the CSV file": where the prompt says the data comes from
        "top_module",  # for a `module` group: its first dotted part
        "pip_name",  # ... and the name it is installed under (errors.toml [packages])
    }
)
# Read from the failing line with ast (see failing_line._code_fills).
DERIVED_NAMES = frozenset(
    {
        "left",
        "right",
        "text_operand",  # the text that should have been a number (`row['amount']`)
        "text_part",  # the text being built, that a number was added to (`"Total: "`)
        "number_operand",
        "number_type",
        "none_operand",
        "container",
        "index",
        "owner",
        "callee",
        "iterable",  # what a `for` loop walks over
        "loop_target",  # ... and the names it unpacks each item into
        "unpacked",  # the value an assignment unpacks (`a, b = unpacked`)
        "target",  # the assignment's target
        "opened_file",  # a file named on the line: `open('config.json')` -> 'config.json'
    }
)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.lru_cache(maxsize=8192)
def names_in(text: str) -> frozenset[str]:
    """The placeholders a sentence uses."""
    return frozenset(_PLACEHOLDER.findall(text))


def fill(template: str, values: Mapping[str, str]) -> str:
    """The sentence with its placeholders filled in one pass (a value is never read again). A
    sentence that starts with a placeholder gets a capital; one written to start with "pytest"
    or "nginx" keeps its lower case."""
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    if template.startswith("{") and text[:1].isalpha():
        return text[:1].upper() + text[1:]
    return text


def _plain(value: str, limit: int) -> str:
    """A value for a sentence: one line, no backticks of its own, not too long."""
    value = " ".join(value.replace("`", "'").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
