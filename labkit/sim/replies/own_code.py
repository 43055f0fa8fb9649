"""Answers about the user's own code: tests for a named function, and pasted code read for real.

A developer pastes a function and asks what it does, whether it has a bug, or for a cleaner
version; or asks for tests of a function named in the prompt or written in the previous answer
("now add tests for it"). A reply that answers with general advice is off topic to that reader.
So the pasted code is parsed (the reader package) and the answer is about it; tests for a
function of the task suite are that task's tests, written against its specification (expected values that come
from running the code would pass on its bugs too).

Sampling still decides: the framing sentences are alternatives, and a weaker model sometimes
misses a review finding or leaves out the edge-case tests (counted as wrong choices), at rates
set by the same skill gap as every other choice.
"""

from __future__ import annotations

import ast
import re
from functools import cache

from labkit import tasks
from labkit.sim.replies import reader
from labkit.sim.replies.bank import EFFORT_RANK, Bank, Topic
from labkit.sim.replies.code import suite_tasks
from labkit.sim.replies.compose import Chooser, Writer, say_one
from labkit.sim.replies.intent import Reading

# "write tests for ...", "add a few unit tests", "now add tests for it", "can you test median?"
_ASKS_FOR_TESTS = re.compile(
    r"\b(write|add|give me|create|generate|make|show me|need|want|draft|produce)\b[^.?!]{0,40}?"
    r"\b(unit[ -]?tests?|pytest tests?|tests?|test cases?|test suite)\b(?!\s+(?:pass|fail|run))"
    r"|\btest(?:s)? for (?:it|this|that|`)|^\s*(?:and |now |then )?tests?\s*(?:for it)?\s*[?.!]*\s*$",
    re.I,
)
_ASKS_FOR_REFACTOR = re.compile(
    r"\b(refactor\w*|clean(?:er)?\s*(?:it|this)?\s*up|tidy|more readable|readabl\w+|simplif\w+|"
    r"more pythonic|pythonic|rewrite|improve (?:it|this)|make (?:it|this) (?:better|nicer|cleaner)|"
    # "turn the elifs into a dict": the chain as a dispatch table
    r"dispatch table|lookup table|dict(?:ionary)? (?:lookup|instead)|"
    r"(?:turn|convert|make|change)\w*\b[^.?!\n]{0,30}\binto a dict(?:ionary)?\b|"
    r"(?:too many|all these|all the|get rid of the|so many) (?:elifs?|if statements|ifs)\b|"
    r"out of hand|(?:new|another) case every)",
    re.I,
)
_ASKS_FOR_REVIEW = re.compile(
    r"\b(review|bugs?|wrong with|what's wrong|whats wrong|any (?:issues|problems)|issues? with|"
    r"problems? with|correct\??|mistakes?|broken|smell\w*|feedback|critique|lgtm|approve|"
    # "it hangs forever on some inputs": a loop that never ends is a bug to find
    r"hangs?|hanging|hung|infinite(?:ly)? loop\w*|never (?:ends?|stops?|finish\w*|return\w*|terminat\w*)|"
    r"loops? forever|runs? forever|stuck|freez\w+|spins? forever)\b",
    re.I,
)
# "convert this to pathlib", "use Path instead of os.path", "rewrite it with pathlib"
_ASKS_FOR_PATHLIB = re.compile(
    r"\bpathlib\b|\b(?:use|using|with|to|into|switch to|convert to)\s+(?:`?Path`?)(?:\s+objects?)?\b"
    r"|\bPath\s+objects?\b"
)
# Not "typed" or "typing" on their own: "the code I typed", "is the typing right?" ask otherwise.
_ASKS_FOR_HINTS = re.compile(
    r"\b(type[ -]?hints?|type[ -]?annotations?|annotate|add (?:the )?types|"
    r"mypy[- ]?(?:clean|friendly|strict))\b",
    re.I,
)
_ASKS_FOR_DOCSTRING = re.compile(r"\b(docstrings?|doc[ -]?comments?|document (?:it|this))\b", re.I)
_ASKS_TO_EXPLAIN = re.compile(
    r"\b(what does|what do|what is this|explain|walk me through|how does|what happens|"
    r"understand|break (?:it|this) down|eli5|meaning of)\b",
    re.I,
)
# "why does this print the same number 5 times?", "it skips the last element", "the result is
# 137000 instead of 200000", "fails in CI 1 in 5 runs", "is this thread-safe?": a symptom of the
# pasted code, so the answer is the bug behind it (a review), not a walk through the code.
_DESCRIBES_A_SYMPTOM = re.compile(
    r"\bwhy\b|\bskip\w*|\binstead of\b|\bexpected\b|\b(?:does ?n[o']?t|does not|is ?n[o']?t|not) work\w*|"
    r"\bfail\w*|\bflak\w+|\brandom(?:ly)?\b|\bintermittent\w*|\brace\b|\bthread[ -]?safe\w*|"
    r"\boff[ -]by[ -]one\b|\bwrong (?:result|answer|number|output|value|total)s?\b|"
    r"\bsame (?:number|value|result|output)\b|\bnever (?:gets?|reach\w*|visit\w*)\b|\bmissing\b|"
    r"\bsupposed to\b|\b(?:is|are|comes? out|ends? up) (?:short|off|wrong|lower|higher)\b",
    re.I,
)
_DEFINED = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", re.M)
_NAMED = re.compile(r"`([A-Za-z_]\w*)(?:\([^`]*\))?`|\b([a-z_][a-z0-9_]*)\s*\(")
_FENCED = re.compile(r"```[a-zA-Z0-9_+-]*\n(.*?)```", re.S)
TEST_COUNTS = (2, 3, 4, 6, 99)  # tests written at effort low .. max
_TOPICS = frozenset(
    {"testing", "write_code", "code_review", "debugging", "refactoring", "explain_code"}
)


def answer(
    bank: Bank,
    topic: Topic,
    reading: Reading,
    writer: Writer,
    chooser: Chooser,
) -> str | None:
    """Write an answer about the user's code into `writer`; its name, or None if none applies."""
    text = reading.text
    pasted = reader.pasted_code(text) or inline_code(text)
    # "now write tests for it" is read as a follow-up of the earlier turn, and asks for tests of
    # the code in it: the request decides, not the follow-up mode.
    if _ASKS_FOR_TESTS.search(text) and (
        topic.id in _TOPICS or reading.earlier or (pasted is not None and topic.kind == "domain")
    ):
        answered = _tests(bank, reading, pasted, writer, chooser)
        if answered:
            return answered
    if topic.kind != "domain" or reading.followup is not None:
        return None
    asked = _asked_kind(text, topic.id)
    if asked in ("pathlib", "annotate"):
        # "now add type hints and a docstring" asks for the code of the turn before.
        code = pasted or earlier_code(reading)
        if code is None:
            return None
        if asked == "pathlib":
            return _pathlib(bank, code, writer, chooser)
        prose = _FENCED.sub(" ", text)
        hints = bool(_ASKS_FOR_HINTS.search(prose)) or not _ASKS_FOR_DOCSTRING.search(prose)
        docstrings = bool(_ASKS_FOR_DOCSTRING.search(prose))
        return _annotate(bank, code, writer, chooser, hints, docstrings)
    if pasted is None:
        return None
    prose = _FENCED.sub(" ", text).replace(pasted, " ")
    if asked == "refactor":
        return _refactor(bank, pasted, writer, chooser) or _review(
            bank, pasted, writer, chooser, prose
        )
    if asked == "review":
        return _review(bank, pasted, writer, chooser, prose)
    if asked == "symptom":
        # The bug behind the symptom, when a check finds one. When none does, the clean read
        # still speaks to the code asked about; the topic's plan, read from a few words of the
        # question, was more often about something else (measured on an outside set of prompts).
        return _review(bank, pasted, writer, chooser, prose)
    if asked == "explain":
        return _explain(bank, pasted, writer, chooser)
    return None


_INLINE = re.compile(r"`([^`\n]{3,200})`|:\s+([^\n]{3,200}?)\s*$")


def inline_code(text: str) -> str | None:
    """Code written into the sentence: "what does this do: [x**2 for x in xs if x % 2]"."""
    for match in _INLINE.finditer(text.strip()):
        candidate = (match.group(1) or match.group(2) or "").strip().rstrip("?")
        if not re.search(r"[\[\](){}=<>+*/%]", candidate):
            continue  # prose after a colon ("a question: how do I ...") has none of these
        try:
            tree = ast.parse(candidate)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if tree.body and not all(
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Name | ast.Constant)
            for node in tree.body
        ):
            return candidate
    return None


def _asked_kind(text: str, topic_id: str) -> str | None:
    """What the prompt asks of its code; the words of the request first, then the topic."""
    prose = _FENCED.sub(" ", text)
    if _ASKS_FOR_PATHLIB.search(prose):
        return "pathlib"
    if _ASKS_FOR_HINTS.search(prose) or _ASKS_FOR_DOCSTRING.search(prose):
        return "annotate"
    if _ASKS_FOR_REFACTOR.search(prose):
        return "refactor"
    if _ASKS_FOR_REVIEW.search(prose):
        return "review"
    if _ASKS_TO_EXPLAIN.search(prose):
        return "explain"
    if _DESCRIBES_A_SYMPTOM.search(prose):
        return "symptom"
    return {"refactoring": "refactor", "code_review": "review", "debugging": "review"}.get(
        topic_id, "explain" if topic_id == "explain_code" else None
    )


def earlier_code(reading: Reading) -> str | None:
    """The last Python block of the conversation before this turn that defines a function: the
    code "it" means in "now add type hints and a docstring"."""
    for turn in reversed(reading.earlier):
        for block in reversed(_FENCED.findall(turn)):
            if _DEFINED.search(block):
                return reader.pasted_code(f"```python\n{block}```") or block
    return None


# -- tests -------------------------------------------------------------------------------------
def function_asked(reading: Reading, pasted: str | None) -> tuple[str | None, str | None]:
    """(the function to test, its source when known): pasted, named, or written just before."""
    if pasted:
        name = reader.describe_name(pasted)
        if name:
            return name, pasted
    suite = _suite_by_name()
    for match in _NAMED.finditer(reading.text):
        name = match.group(1) or match.group(2)
        if name in suite:
            return name, None
    backticked = [m.group(1) for m in _NAMED.finditer(reading.text) if m.group(1)]
    for turn in reversed(reading.earlier):
        for block in reversed(_FENCED.findall(turn) or [turn]):
            found = _DEFINED.findall(block)
            if found:
                return found[0], reader.pasted_code(block) or block
    if backticked:
        return backticked[0], None
    return None, None


@cache
def _suite_by_name() -> dict[str, tasks.Task]:
    return {task.entry_point: task for task in suite_tasks()}


def _tests(
    bank: Bank, reading: Reading, pasted: str | None, writer: Writer, chooser: Chooser
) -> str | None:
    name, source = function_asked(reading, pasted)
    if name is None:
        return None
    task = _suite_by_name().get(name)
    code: str | None
    if task is not None:
        code = _suite_tests(task, chooser)
    elif source is not None:
        code = reader.tests_for(source, name)
    else:
        return None
    if not code:
        return None
    writer.subject = f"`{name}`"
    _frame(bank, "tests", "intro", writer, chooser)
    writer.code(code)
    _frame(bank, "tests", "outro", writer, chooser)
    return f"tests for {name}"


def _suite_tests(task: tasks.Task, chooser: Chooser) -> str:
    """The task's own tests, as many as the effort reaches (a weaker model may skip the edges)."""
    tree = ast.parse(task.test_code)
    header: list[str] = []
    tests: list[str] = []
    for node in tree.body:
        segment = ast.get_source_segment(task.test_code, node, padded=False) or ""
        if isinstance(node, ast.ImportFrom) and node.module == "solution":
            header.append(
                f"from your_module import {task.entry_point}  # the module that defines it"
            )
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            decorators = "".join(
                f"@{ast.get_source_segment(task.test_code, d)}\n" for d in node.decorator_list
            )
            tests.append(decorators + segment)
        else:
            header.append(segment)
    rank = EFFORT_RANK.get(chooser.setting.effort, 2)
    count = TEST_COUNTS[min(rank, len(TEST_COUNTS) - 1)]
    chosen = tests[:count]
    if len(tests) > 2:
        # A weaker model writes the happy path and stops: plausible, and it misses the bugs.
        keep = chooser.pick_weighted(f"tests/{task.id}/edges", [0.0, -1.0], [False, True]) == 0
        if not keep:
            chosen = tests[:1]
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(chosen) + "\n"


# -- pasted code -------------------------------------------------------------------------------
def _subject(pasted: str) -> str:
    name = reader.describe_name(pasted)
    return f"`{name}`" if name else "this code"


def _explain(bank: Bank, pasted: str, writer: Writer, chooser: Chooser) -> str | None:
    sentences = reader.explain(pasted)
    if not sentences:
        return None
    writer.subject = _subject(pasted)
    _frame(bank, "explain", "intro", writer, chooser)
    rank = EFFORT_RANK.get(chooser.setting.effort, 2)
    for sentence in sentences[: 3 + 2 * rank]:
        writer.say(sentence, literal=True)
    _frame(bank, "explain", "outro", writer, chooser, paragraph=True)
    return "explain pasted code"


_MENTIONS_THREADS = re.compile(r"\bthread\w*|\bconcurren\w+|\bGIL\b|\bin parallel\b", re.I)


def _review(
    bank: Bank,
    pasted: str,
    writer: Writer,
    chooser: Chooser,
    prose: str = "",
) -> str | None:
    findings = reader.review(pasted, threaded=bool(_MENTIONS_THREADS.search(prose)))
    writer.subject = _subject(pasted)
    kept = [
        f
        for i, f in enumerate(findings)
        # Each finding can be missed, a weaker model more often: a review that misses a bug
        # reads as confidently as one that catches it.
        if chooser.pick_weighted(f"review/{f.kind}/{i}", [0.0, -1.5], [False, True]) == 0
    ]
    if kept:
        _frame(bank, "review", "intro", writer, chooser)
        for finding in kept:
            writer.say(finding.message, paragraph=True, literal=True)
    else:
        _frame(bank, "review", "clean", writer, chooser)
        if not chooser.setting.brief:
            # What was done safely, and the edge case the code's shape suggests testing next.
            for note in reader.clean_review_notes(pasted):
                writer.say(note, literal=True)
    _frame(bank, "review", "outro", writer, chooser, paragraph=True)
    return "review pasted code"


def _refactor(bank: Bank, pasted: str, writer: Writer, chooser: Chooser) -> str | None:
    refactoring = reader.refactor(pasted)
    if refactoring is None:
        return None
    writer.subject = _subject(pasted)
    # A dispatch table is framed as what it is (a new case is a new entry), not as less nesting.
    kind = "dispatch" if "dispatch" in refactoring.kinds else "refactor"
    _frame(bank, kind, "intro", writer, chooser)
    writer.code(refactoring.source)
    for change in refactoring.changes:
        writer.say(change, literal=True)
    _frame(bank, kind, "outro", writer, chooser, paragraph=True)
    return "dispatch table for pasted code" if kind == "dispatch" else "refactor pasted code"


def _whole_subject(code: str) -> str:
    """The function's name when the code is one function; "this code" when it holds more."""
    return _subject(code) if len(_DEFINED.findall(code)) <= 1 else "this code"


def _pathlib(bank: Bank, code: str, writer: Writer, chooser: Chooser) -> str | None:
    conversion = reader.to_pathlib(code)
    if conversion is None:
        return None
    writer.subject = _whole_subject(code)
    _frame(bank, "pathlib", "intro", writer, chooser)
    writer.code(conversion.source)
    rank = EFFORT_RANK.get(chooser.setting.effort, 2)
    for change in conversion.changes[: 3 + 2 * rank]:
        writer.say(change, literal=True)
    # The differences are what a careful answer adds, and a hasty one leaves out: a rewrite
    # presented as identical when it is not reads just as confidently.
    if conversion.differences and (
        chooser.pick_weighted("pathlib/differences", [0.0, -1.5], [False, True]) == 0
    ):
        _frame(bank, "pathlib", "differences", writer, chooser, paragraph=True)
        for difference in conversion.differences:
            writer.say(difference, literal=True)
    for kept in conversion.kept:
        writer.say(kept[:1].upper() + kept[1:] + ".", literal=True)
    _frame(bank, "pathlib", "outro", writer, chooser, paragraph=True)
    return "pathlib version of pasted code"


def _annotate(
    bank: Bank, code: str, writer: Writer, chooser: Chooser, hints: bool, docstrings: bool
) -> str | None:
    annotation = reader.annotate(code, hints=hints, docstrings=docstrings)
    if annotation is None:
        return None
    writer.subject = _whole_subject(code)
    _frame(bank, "annotate", "intro", writer, chooser)
    writer.code(annotation.source)
    for sentence in reader.annotation_notes(annotation, hints=hints, docstrings=docstrings):
        writer.say(sentence, literal=True)
    _frame(bank, "annotate", "outro", writer, chooser, paragraph=True)
    if hints and docstrings:
        return "type hints and docstrings for pasted code"
    return "type hints for pasted code" if hints else "docstrings for pasted code"


def _frame(
    bank: Bank,
    kind: str,
    part: str,
    writer: Writer,
    chooser: Chooser,
    *,
    paragraph: bool = False,
) -> None:
    say_one(bank.framing(kind, part), f"{kind}/{part}", writer, chooser, paragraph=paragraph)
