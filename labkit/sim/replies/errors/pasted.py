"""What a paste was found to hold: frames, the exceptions they led to, the paste as a whole.

These are the parser's output and every later step's input: the knowledge file's entries match
a `Raised`, the diagnosis picks one, the reply quotes its frames. They are frozen data, so a
parse can be compared and printed in a test.

Whether a frame is the user's own code is decided here, from its path alone, because every
later step asks it: the reply talks about the deepest frame of *your* code, not the library
frames under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    """One frame of a traceback: where Python was, and the line it was running."""

    file: str
    line: int | None
    function: str | None
    code: str | None
    user: bool  # the user's code: not site-packages, not the standard library, not <frozen>


@dataclass(frozen=True)
class Raised:
    """One exception as printed: its type, message and the frames that led to it."""

    type: str  # as printed, possibly dotted: psycopg2.errors.UniqueViolation
    message: str
    frames: tuple[Frame, ...] = ()
    test: str | None = None  # the pytest test it failed in
    # How it follows the exception printed before it in its chain: "handling" (raised while that
    # one was handled) or "cause" (`raise ... from` it); None for the first.
    follows: str | None = None

    @property
    def name(self) -> str:
        return self.type.rsplit(".", 1)[-1]

    @property
    def focus(self) -> Frame | None:
        """The deepest frame of the user's code, else the deepest frame there is."""
        own = [f for f in self.frames if f.user]
        return own[-1] if own else (self.frames[-1] if self.frames else None)


@dataclass(frozen=True)
class Pasted:
    """The error output found in a prompt."""

    chains: tuple[tuple[Raised, ...], ...]  # exceptions chained by "During handling ...", in order
    telling: tuple[str, ...]  # lines that are neither frames nor code: where log lines are found
    prose: tuple[str, ...]  # the user's own words around the paste
    truncated: tuple[Frame, ...]  # frames whose exception line is missing
    ignored: bool  # "Exception ignored in ...": reported during clean-up
    structured: bool  # a traceback or pytest output, not just a line that could be quoted prose
    # Another language's error (a JavaScript TypeError, a Java exception): the Python entries
    # do not apply; lines of tools and servers (git, nginx, CORS ...) still do.
    foreign: bool = False

    @property
    def raised(self) -> tuple[Raised, ...]:
        return tuple(r for chain in self.chains for r in chain)


_LIBRARY_PATH = re.compile(
    r"site-packages|dist-packages|[/\\]lib(?:64)?[/\\]python\d|[/\\]Lib[/\\]|Python\.framework"
    r"|^<(?!stdin>|console>|ipython-input)|importlib[/\\.]_bootstrap"
)


def is_library(path: str) -> bool:
    """True for frames in installed packages, the standard library and Python's own machinery."""
    return bool(_LIBRARY_PATH.search(path))
