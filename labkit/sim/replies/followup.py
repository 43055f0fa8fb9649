"""Follow-ups answered from the conversation itself.

A user who says "tell me more", "make it shorter", "as bullet points" or "another one" is asking
about the answer just given, not about the topic in general. So these replies are built from
that answer: the plan it came from is found by the sentences it says (`plan_of`), and

- more: the plan's steps the answer left out (above its effort, or optional ones not sampled),
  then the next closest plan of the topic for the earlier question;
- shorter: the answer's first sentences (and its code, if the question asked for code);
- list: the answer's sentences as a bulleted list;
- another: the same plan again, each step said with an alternative the answer did not use.

Each returns "" and writes nothing when the earlier answer gives it nothing to work with; the
caller then says the mode's general steps (followups.toml).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from labkit.sim.replies.bank import Alternative, Bank, Plan, Step, Topic
from labkit.sim.replies.compose import (
    ASK_WEIGHT,
    RELEVANCE_WEIGHT,
    Chooser,
    Writer,
    plan_relevance,
    say_one,
    say_steps,
)
from labkit.sim.replies.intent import Reading
from labkit.sim.replies.words import CODE_FENCE

MORE_STEPS = 3  # "tell me more" adds a few points, not the rest of the bank
SHORT_WORDS = 40  # "make it shorter": at most this many words of the earlier answer's prose
LIST_ITEMS = 8
MIN_PIECE = 18
EXAMPLE_CLOSENESS = 0.2
KIN_WEIGHT = 10.0  # logits per unit of likeness to the plan just said, when seeking its example  # another plan's code is an example of the answer only if it is close  # a literal piece of an alternative this long is specific enough to recognise

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z`\"'(\[0-9])")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


def answer(
    bank: Bank,
    topic: Topic,
    reading: Reading,
    writer: Writer,
    chooser: Chooser,
    word_limit: int | None = None,
) -> str:
    """Answer a follow-up from the earlier answer; the plan name used, or "" for nothing said."""
    if reading.followup is None or len(reading.earlier) < 2 or not reading.earlier[-1].strip():
        return ""
    previous = reading.earlier[-1]
    mode = bank.followups.get(reading.followup)
    frame = mode.frame if mode is not None else ()
    count = asked_count(reading.text)
    if reading.followup == "shorter":
        if count is not None and _ITEMS.search(reading.text):  # "shorter, 5 items max"
            return _as_list(previous, (), writer, chooser, count)
        return _shorter(previous, frame, writer, chooser, count)
    if reading.followup == "list":
        return _as_list(previous, frame, writer, chooser, count or LIST_ITEMS)
    found = plan_of(bank, topic, previous)
    if found is None:
        return ""
    found_topic, plan = found
    if reading.followup == "more":
        return _more(bank, found_topic, plan, previous, reading, frame, writer, chooser, word_limit)
    if reading.followup == "another":
        return _another(found_topic, plan, previous, frame, writer, chooser, word_limit)
    if reading.followup == "why":
        return _why(found_topic, plan, previous, frame, writer, chooser, word_limit)
    if reading.followup == "example":
        return _example(bank, found_topic, plan, previous, reading, frame, writer, chooser)
    return ""


# -- which plan the earlier answer came from ---------------------------------------------------
def plan_of(bank: Bank, topic: Topic, text: str) -> tuple[Topic, Plan] | None:
    """The plan whose sentences the text says most (its own topic first), or None."""
    lowered = _normalised(text)
    best: tuple[int, Topic, Plan] | None = None
    for candidate in (topic, *(t for t in bank.topics.values() if t is not topic)):
        best = _most_said(((candidate, plan) for plan in candidate.plans), lowered, best)
        if best is not None and best[1] is topic:
            break  # the conversation's own topic answered: no need to look further
    if best is None and bank.concepts:
        # An answer about a concept (concepts.py): its definition's steps hold every sentence
        # the concept's answers say, so "tell me more" gets the parts it left out.
        definitions = ((bank.topics[c.topic], c.definition) for c in bank.concepts.entries)
        best = _most_said(definitions, lowered, best)
    return None if best is None else (best[1], best[2])


def _most_said(
    candidates: Iterable[tuple[Topic, Plan]], lowered: str, best: tuple[int, Topic, Plan] | None
) -> tuple[int, Topic, Plan] | None:
    """`best` replaced by the first candidate whose steps the text says more of."""
    for candidate, plan in candidates:
        hits = sum(_step_said(step, lowered) for step in plan.steps)
        if hits and (best is None or hits > best[0]):
            best = (hits, candidate, plan)
    return best


def _step_said(step: Step, lowered: str) -> bool:
    return any(said(a.text, lowered) for a in step.alternatives)


def said(template: str, lowered: str) -> bool:
    """Does the (lower-cased, space-normalised) text say this alternative, placeholders aside?"""
    return any(piece in lowered for piece in _pieces(template))


@lru_cache(maxsize=65536)
def _pieces(template: str) -> tuple[str, ...]:
    parts = [_normalised(p) for p in _PLACEHOLDER.split(template)]
    long_parts = tuple(p for p in parts if len(p) >= MIN_PIECE)
    return long_parts or ((parts[0],) if len(parts) == 1 and len(parts[0]) >= 8 else ())


# -- the modes ---------------------------------------------------------------------------------
def _more(
    bank: Bank,
    topic: Topic,
    plan: Plan,
    previous: str,
    reading: Reading,
    frame: Sequence[Alternative],
    writer: Writer,
    chooser: Chooser,
    word_limit: int | None,
) -> str:
    lowered = _normalised(previous)
    unsaid = unsaid_steps(plan, previous) or []
    name = f"more:{plan.name}"
    if not unsaid:
        other = _next_plan(bank, topic, plan, reading, lowered)
        if other is None:
            return ""
        unsaid = [dataclasses.replace(s, optional=False) for s in other.steps if s.code is None]
        unsaid = unsaid[: MORE_STEPS + 1]
        name = f"more:{other.name}"
    say_one(frame, f"{topic.id}/more/frame", writer, chooser)
    say_steps(unsaid, f"{topic.id}/{name}", writer, chooser, word_limit=word_limit)
    return name


def _next_plan(
    bank: Bank, topic: Topic, said_plan: Plan, reading: Reading, lowered: str
) -> Plan | None:
    """The correct plan of the topic, other than the one said, closest to the earlier question."""
    from labkit.sim.replies import asks

    question = reading.earlier[-2] if len(reading.earlier) >= 2 else reading.text
    closeness = asks.index_for(bank).similarity(topic.id, question)
    candidates = [
        p
        for p in topic.plans
        if p.correct and p is not said_plan and p.when == "always" and not _plan_said(p, lowered)
    ]
    if not candidates:
        return None
    # Ties (no ask close at all) go to the bank's order, which puts general plans first.
    return max(candidates, key=lambda p: closeness.get(p.name, 0.0))


def unsaid_steps(plan: Plan, previous: str) -> list[Step] | None:
    """The plan's steps (effort and sampling aside) the previous answer left out, or None when
    that answer did not come from this plan."""
    lowered = _normalised(previous)
    if not _plan_said(plan, lowered):
        return None
    return [
        dataclasses.replace(step, effort=0, optional=False)
        for step in plan.steps
        if step.code is None and not _step_said(step, lowered)
    ][:MORE_STEPS]


def _normalised(text: str) -> str:
    """Lower case, runs of white space as one space: how said() compares texts."""
    return " ".join(text.lower().split())


def _plan_said(plan: Plan, lowered: str) -> bool:
    return any(_step_said(step, lowered) for step in plan.steps)


def _another(
    topic: Topic,
    plan: Plan,
    previous: str,
    frame: Sequence[Alternative],
    writer: Writer,
    chooser: Chooser,
    word_limit: int | None,
) -> str:
    lowered = _normalised(previous)
    steps = []
    for step in plan.steps:
        fresh = tuple(a for a in step.alternatives if not said(a.text, lowered))
        if step.alternatives and not fresh:
            fresh = step.alternatives  # nothing new to say here: say it again, in its words
        steps.append(dataclasses.replace(step, alternatives=fresh))
    if all(s.alternatives == o.alternatives for s, o in zip(steps, plan.steps, strict=True)):
        return ""  # the earlier answer used none of this plan's words: not the plan it said
    say_one(frame, f"{topic.id}/another/frame", writer, chooser)
    writer.paragraphs.append([])  # the new version stands on its own, below its introduction
    say_steps(steps, f"{topic.id}/another:{plan.name}", writer, chooser, word_limit=word_limit)
    return f"another:{plan.name}"


_REASON = re.compile(
    r"\b(because|since|so that|which means|otherwise|the reason|that is why|that's why|"
    r"in order to|as a result|this matters|matters because)\b",
    re.I,
)


def _why(
    topic: Topic,
    plan: Plan,
    previous: str,
    frame: Sequence[Alternative],
    writer: Writer,
    chooser: Chooser,
    word_limit: int | None,
) -> str:
    """The plan's reasons: its steps that explain, in words the earlier answer did not use."""
    lowered = _normalised(previous)
    steps = []
    for step in plan.steps:
        reasons = tuple(a for a in step.alternatives if _REASON.search(a.text))
        fresh = tuple(a for a in reasons if not said(a.text, lowered))
        if fresh:
            steps.append(dataclasses.replace(step, alternatives=fresh, effort=0, optional=False))
    if not steps:
        return ""
    say_one(frame, f"{topic.id}/why/frame", writer, chooser)
    say_steps(
        steps[:MORE_STEPS], f"{topic.id}/why:{plan.name}", writer, chooser, word_limit=word_limit
    )
    return f"why:{plan.name}"


def _example(
    bank: Bank,
    topic: Topic,
    plan: Plan,
    previous: str,
    reading: Reading,
    frame: Sequence[Alternative],
    writer: Writer,
    chooser: Chooser,
) -> str:
    """The code example of the plan the answer left out, or of the closest plan that has one."""
    from labkit.sim.replies import asks

    def unshown_code(candidate: Plan) -> list[Step]:
        return [
            s for s in candidate.steps if s.code is not None and s.code.strip()[:60] not in previous
        ]

    code = unshown_code(plan)
    chosen = plan
    if not code:
        # Its code was shown already: the example of the plan closest to the earlier question,
        # scored as the plan choice scores them (asks and rare shared words).
        question = reading.earlier[-2] if len(reading.earlier) >= 2 else reading.text
        closeness = asks.index_for(bank).similarity(topic.id, question)
        relevance = plan_relevance(topic, question)

        def score(candidate: Plan) -> float:
            # A plan that says much the same as the one just said ("mocks, stubs, fakes and
            # spies" after "mocks, fakes and boundaries") is about the same thing.
            return (
                ASK_WEIGHT * closeness.get(candidate.name, 0.0)
                + RELEVANCE_WEIGHT * relevance.get(candidate.name, 0.0)
                + KIN_WEIGHT * plan_likeness(topic, plan, candidate)
            )

        ranked = sorted(
            (p for p in topic.plans if p.correct and p is not plan and unshown_code(p)),
            key=lambda p: -score(p),
        )
        if not ranked or closeness.get(ranked[0].name, 0.0) < EXAMPLE_CLOSENESS:
            return ""
        chosen = ranked[0]
        code = unshown_code(chosen)
    say_one(frame, f"{topic.id}/example/frame", writer, chooser)
    writer.code(code[0].code or "", code[0].lang)
    return f"example:{chosen.name}"


def plan_likeness(topic: Topic, one: Plan, other: Plan) -> float:
    """Cosine of the two plans' tf-idf vectors (their names and correct sentences), 0 to 1."""
    vectors = _plan_vectors(topic)
    a, b = vectors.get(one.name, {}), vectors.get(other.name, {})
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())


@lru_cache(maxsize=64)
def _plan_vectors(topic: Topic) -> dict[str, dict[str, float]]:
    from labkit.sim.replies.asks import terms

    counted = {
        plan.name: terms(
            " ".join(
                [plan.name, *(a.text for s in plan.steps for a in s.alternatives if a.correct)]
            )
        )
        for plan in topic.plans
    }
    documents = Counter(term for found in counted.values() for term in found)
    count = len(counted)
    vectors = {}
    for name, found in counted.items():
        raw = {t: n * math.log(count / documents[t]) for t, n in found.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        vectors[name] = {t: v / norm for t, v in raw.items() if v > 0}
    return vectors


def _shorter(
    previous: str,
    frame: Sequence[Alternative],
    writer: Writer,
    chooser: Chooser,
    sentences_asked: int | None = None,
) -> str:
    sentences = prose_sentences(previous)
    if not sentences:
        return ""
    if sentences_asked is not None:  # "a 2-sentence version"
        short = sentences[:sentences_asked]
    else:
        short = [sentences[0]]
        for sentence in sentences[1:]:
            if len(" ".join([*short, sentence]).split()) > SHORT_WORDS:
                break
            short.append(sentence)
    writer.fills = {**writer.fills, "short": _literal(" ".join(short))}
    say_one(frame, "followup/shorter/frame", writer, chooser)
    code = CODE_FENCE.search(previous)
    if code is not None:
        body = code.group(0).strip("`")
        lang, _, source = body.partition("\n")
        writer.code(source, lang.strip() or "python")
    return "followup:shorter"


def _as_list(
    previous: str,
    frame: Sequence[Alternative],
    writer: Writer,
    chooser: Chooser,
    items_asked: int = LIST_ITEMS,
) -> str:
    sentences = prose_sentences(previous)
    if len(sentences) < 2:
        return ""
    say_one(frame, "followup/list/frame", writer, chooser)
    items = "\n".join(f"- {sentence}" for sentence in sentences[:items_asked])
    writer.paragraphs.append([items])
    writer.paragraphs.append([])
    writer.words += len(items.split())
    return "followup:list"


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_COUNTED = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven)[\s-]*(?:or so\s+)?"
    r"(sentences?|lines?|items?|points?|bullets?|bullet points?|steps?|things?)\b"
    r"|\b(?:max(?:imum)?|at most|no more than|under)\s+(\d{1,2})\b"
    r"|\b(\d{1,2})\s+max\b",
    re.I,
)
_ITEMS = re.compile(r"\b(items?|points?|bullets?|steps?|things?|list)\b", re.I)


def asked_count(text: str) -> int | None:
    """How many sentences or items a follow-up asks for ("a 2-sentence version", "5 items max")."""
    found = _COUNTED.search(text)
    if found is None:
        return None
    raw = next(g for g in (found.group(1), found.group(3), found.group(4)) if g)
    value = _NUMBER_WORDS.get(raw.lower()) or (int(raw) if raw.isdigit() else 0)
    return value if 0 < value <= 20 else None


def prose_sentences(text: str) -> list[str]:
    """The sentences of a reply's prose, in order: code blocks left out, list items kept whole."""
    sentences: list[str] = []
    for block in _prose_blocks(text):
        for line in block.splitlines():
            line = _BULLET.sub("", line).strip()
            if line:
                sentences += [s.strip() for s in _SENTENCE.split(line) if s.strip()]
    return sentences


def _prose_blocks(text: str) -> list[str]:
    return [part for part in CODE_FENCE.sub("\n\n", text).split("\n\n") if part.strip()]


def _literal(text: str) -> str:
    """The earlier answer's words, safe to put through Writer.fill (no placeholders left)."""
    return text.replace("{", "(").replace("}", ")")
