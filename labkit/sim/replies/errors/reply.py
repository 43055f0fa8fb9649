"""The reply to a diagnosed paste: which parts are said, at which effort, in which words.

Sampling decides as everywhere: each part is one sampled alternative, and an entry's
`causes_wrong` / `fix_wrong` alternatives are plausible wrong ones that the Chooser counts. The
effort decides how much is said (at low effort, what the error means and the fix), and the
brevity instruction caps the reply. Nothing here runs code, and no sentence says anything was
run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from labkit.sim.replies.bank import EFFORT_RANK, Alternative, Bank
from labkit.sim.replies.compose import BRIEF_WORDS, Chooser, Writer
from labkit.sim.replies.errors.diagnosis import Diagnosis, diagnose
from labkit.sim.replies.errors.knowledge import Knowledge, knowledge_for
from labkit.sim.replies.errors.parser import parse
from labkit.sim.replies.errors.pasted import Pasted
from labkit.sim.replies.errors.placeholders import fill, names_in
from labkit.sim.replies.errors.values import fills
from labkit.sim.replies.intent import Reading

# The lowest effort rank that says each part: at low effort, what it means and the fix.
PART_EFFORT = {"meaning": 0, "fix": 0, "causes": 1, "confirm": 1}
NOTE_EFFORT = {
    "chained_cause": 1,
    "chained_from": 1,
    "chained_result": 1,
    "ignored": 1,
    "group_member": 1,
    "library_frames": 2,
}
# Where a value says nothing about this error in particular: they never make an alternative
# more specific than another (see _Reply._say).
_UNRANKED = frozenset(
    {"exc", "exc_full", "place", "file", "line", "function", "test", "library", "name", "logline"}
)
_SYNTAX_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})
_REQUEST_ELSEWHERE = re.compile(
    r"\b(?:summar(?:y|ise|ize)|tl;?dr|recap|poem|haiku|limerick|translate)\b", re.I
)
# Topics whose replies are something else when all there is is a line that mentions an error
# ("write a retry wrapper for connection refused errors" wants code). A pasted log is often read
# as `summarise`; an explicit request for a summary is caught by _REQUEST_ELSEWHERE instead.
_OTHER_TOPICS = frozenset({"write_code", "creative", "greeting", "farewell", "thanks", "identity"})


def answer(bank: Bank, reading: Reading, writer: Writer, chooser: Chooser) -> str:
    """Diagnose error output pasted into the last turn (a Python traceback, pytest's error
    summary, a log line with a known error); the plan name ("errors:<kind>") or "" when
    there is none (then nothing is written)."""
    if not reading.in_english:
        return ""
    knowledge = knowledge_for(bank)
    if knowledge is None:
        return ""
    read = _read_paste(knowledge, reading.text)
    if read is None:
        return ""
    pasted, diagnosis = read
    try:
        reply = _Reply(knowledge, diagnosis, pasted, reading.text, writer, chooser)
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError):
        # Reading a paste must never take a reply down: the ordinary answer plans answer then.
        return ""
    if any(_REQUEST_ELSEWHERE.search(line) for line in pasted.prose):
        return ""  # "summarise this log" asks for a summary, not a diagnosis
    if not pasted.structured and reading.topic in _OTHER_TOPICS:
        return ""
    reply.write()
    return diagnosis.plan


@functools.lru_cache(maxsize=1024)
def _read_paste(knowledge: Knowledge, text: str) -> tuple[Pasted, Diagnosis] | None:
    """The paste and its diagnosis, or None: the same for every request that sends this text,
    so an experiment that repeats a prompt reads it once."""
    try:
        pasted = parse(text)
        diagnosis = diagnose(knowledge, pasted)
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError):
        return None
    return None if diagnosis is None else (pasted, diagnosis)


class _Reply:
    def __init__(
        self,
        knowledge: Knowledge,
        diagnosis: Diagnosis,
        pasted: Pasted,
        text: str,
        writer: Writer,
        chooser: Chooser,
    ) -> None:
        self.knowledge = knowledge
        self.diagnosis = diagnosis
        self.pasted = pasted
        self.writer = writer
        self.chooser = chooser
        self.rank = 0 if chooser.setting.brief else EFFORT_RANK.get(chooser.setting.effort, 2)
        self.values = fills(diagnosis, knowledge, text, pasted.truncated)
        entry = diagnosis.entry
        self.key = f"errors/{entry.id if entry else diagnosis.plan}"

    def write(self) -> None:
        diagnosis = self.diagnosis
        if diagnosis.plan == "errors:truncated":
            self._say("truncated", self.knowledge.framing["truncated"])
            self._say("truncated_ask", self.knowledge.framing["truncated_ask"])
            return
        self._say("headline", self.knowledge.framing[self._headline()])
        entry = diagnosis.entry
        parts = entry.parts if entry else self.knowledge.generic
        sure = entry.guaranteed if entry else frozenset()
        self._say("meaning", parts["meaning"], sure)
        if self.pasted.ignored:
            self._note("ignored")
        if diagnosis.group is not None:
            self._note("group_member")
        if diagnosis.other is not None and diagnosis.raised is not None:
            if not diagnosis.other_is_cause:
                self._note("chained_result")
            else:
                from_it = diagnosis.raised.follows == "cause"
                self._note("chained_from" if from_it else "chained_cause")
        if self.rank >= PART_EFFORT["causes"]:
            self._say("causes", parts["causes"], sure, paragraph=True)
        self._say("fix", parts["fix"], sure, paragraph=True)
        if self.rank >= PART_EFFORT["confirm"]:
            self._say("confirm", parts["confirm"], sure)
        raised = diagnosis.raised
        if (
            raised
            and raised.frames
            and not raised.frames[-1].user
            and raised.focus
            and raised.focus.user
        ):
            self._note("library_frames", paragraph=True)

    def _headline(self) -> str:
        raised = self.diagnosis.raised
        if raised is None:
            return "headline_log"
        if raised.name in _SYNTAX_ERRORS and raised.frames:
            return "headline_syntax"
        if raised.name.endswith("Warning") and raised.frames:
            return "headline_warning"
        if not raised.frames:
            return "headline_bare"
        if raised.frames[-1].user:
            return "headline_frame"
        return "headline_via" if any(f.user for f in raised.frames) else "headline_library"

    def _note(self, part: str, *, paragraph: bool = False) -> None:
        if self.rank >= NOTE_EFFORT[part]:
            self._say(part, self.knowledge.framing[part], paragraph=paragraph)

    def _say(
        self,
        part: str,
        options: Sequence[Alternative],
        sure: frozenset[str] = frozenset(),
        *,
        paragraph: bool = False,
    ) -> None:
        """One sampled alternative of those the known values can fill. The most specific correct
        ones compete (a sentence that names the user's variable beats one that cannot; `sure`
        are the values every match of the entry has, which make nothing more specific), with
        every wrong one that can be filled."""
        fillable = [a for a in options if names_in(a.text) <= self.values.keys()]
        correct = [a for a in fillable if a.correct]
        if not correct:
            return

        def specificity(alternative: Alternative) -> int:
            return len(names_in(alternative.text) - sure - _UNRANKED)

        best = max(specificity(a) for a in correct)
        kept = [a for a in correct if specificity(a) == best]
        kept += [a for a in fillable if not a.correct]
        index = self.chooser.pick(f"{self.key}/{part}", kept)
        sentence = fill(kept[index].text, self.values)
        words = len(sentence.split())
        if self.chooser.setting.brief and self.writer.words + words > BRIEF_WORDS:
            return  # the brevity instruction caps a reply: a part that does not fit is left out
        self.writer.say(sentence, paragraph=paragraph, literal=True)
