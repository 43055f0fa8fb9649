"""Which error in a paste is explained, and by which entry of the knowledge file.

A paste often holds more than one exception: a chain ("During handling of the above exception
..."), an ExceptionGroup and its members, an error named in the question above the traceback
itself. The order tried here makes the reply about the right one: specific entries on the last
exception and on the log lines first, then on the earlier exceptions of its chain, then a
type's fallback entry, then the generic reading of the last line and the user's frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from labkit.sim.replies.errors.knowledge import Entry, Knowledge
from labkit.sim.replies.errors.pasted import Pasted, Raised

_GROUPS = frozenset({"ExceptionGroup", "BaseExceptionGroup"})


@dataclass(frozen=True)
class Diagnosis:
    """Which error is explained, by which entry (None: the generic or truncated reading)."""

    plan: str
    entry: Entry | None
    raised: Raised | None
    groups: Mapping[str, str]
    logline: str | None = None
    other: Raised | None = None  # the other end of the diagnosed exception's chain
    other_is_cause: bool = False  # True: the diagnosed one was raised while handling `other`
    group: Raised | None = None  # the ExceptionGroup it arrived in


def diagnose(knowledge: Knowledge, pasted: Pasted) -> Diagnosis | None:
    """The entry that explains the pasted error: specific entries on the last exception and the
    log lines first, in file order; then on the earlier exceptions of its chain; then the
    fallback entries; then the generic reading. None when nothing pasted is an error."""
    chains = pasted.chains
    # The first traceback with frames: "I get KeyError: 'id'" above the traceback itself says
    # less than the traceback does.
    at = next((i for i, c in enumerate(chains) if any(r.frames for r in c)), 0)
    chain = chains[at] if chains else ()
    group: Raised | None = None
    if chain and chain[-1].name in _GROUPS and len(chains) > at + 1:
        # An ExceptionGroup's own traceback says only that the group was raised; its first
        # member, printed in the next section, is the error to explain.
        group, chain = chain[-1], chains[at + 1]
    found = _diagnose_chain(knowledge, pasted, chain)
    return replace(found, group=group) if found is not None and group is not None else found


def _diagnose_chain(
    knowledge: Knowledge, pasted: Pasted, chain: tuple[Raised, ...]
) -> Diagnosis | None:
    final = chain[-1] if chain else None
    if pasted.foreign:
        final, chain = None, ()  # only the tool and server lines can be read
    earlier = tuple(reversed(chain[:-1]))
    cause = earlier[-1] if earlier else None  # the first exception printed
    specific = [e for e in knowledge.entries if e.specific]
    for entry in specific:
        # A line first: an entry with both finds its named groups there ("Unable to allocate
        # 7.45 GiB" under a MemoryError).
        found = entry.match_line(pasted.telling) if entry.lines else None
        if found is not None:
            line, groups = found
            return Diagnosis(f"errors:{entry.id}", entry, final, groups, line, cause, True)
        matched = entry.match_exception(final) if final is not None else None
        if matched is not None:
            return Diagnosis(f"errors:{entry.id}", entry, final, matched, None, cause, True)
    for raised in earlier:
        for entry in specific:
            matched = entry.match_exception(raised)
            if matched is not None:
                return Diagnosis(f"errors:{entry.id}", entry, raised, matched, None, final, False)
    if final is not None and final.frames:
        # A type's fallback and the generic reading need the frames to say something about this
        # error: a bare "TypeError: must be str, not int" is left to the answer plans.
        for entry in knowledge.entries:
            matched = None if entry.specific else entry.match_exception(final)
            if matched is not None:
                return Diagnosis(f"errors:{entry.id}", entry, final, matched, None, cause, True)
        return Diagnosis("errors:generic", None, final, {}, None, cause, True)
    if pasted.truncated:
        return Diagnosis("errors:truncated", None, None, {})
    return None
