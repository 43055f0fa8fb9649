"""Answers about a concept the prompt names (concepts.py): a definition, a comparison, or how to
use it.

A concept answers before the topic's plans only where no plan answers the question: a plan
whose name, `match` phrases or asks name the concept was written for questions like this one and
answers first when it is close to the question (closeness from asks.py); so does any plan asked
all but word for word. Named only in passing, in a question about something else of its topic,
a concept answers with how it is used; a concept of another topic named in passing does not.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from labkit.sim.replies import asks
from labkit.sim.replies.bank import Bank, Plan, Topic
from labkit.sim.replies.compose import Chooser, Writer, phrase_pattern, say_steps
from labkit.sim.replies.concepts import Concept, Concepts, Mention, tokens
from labkit.sim.replies.intent import Reading

# A plan of the topic is about a concept when its name, `match` phrases or asks name the concept:
# then it was written for questions like this one, and answers when it is this close (0..1) to
# the question. A plan about something else gives way to the concept unless it is asked all but
# word for word (a question that names a concept in passing: "how do I cache fixtures in CI").
ABOUT_CLOSE = 0.5
ABOUT_CLOSE_FOR_USE = 0.3
OTHER_CLOSE = 0.6
PASTED_LINES = 3  # a prompt of more lines than this carries something pasted
# The general topics whose prompts a concept may still answer: a "what is X" the classifier could
# not place. (Greetings, thanks, a poem are never about a concept, however one is named.)
_FALLBACK_TOPICS = frozenset({"unclear", "out_of_scope"})

_COMPARE = re.compile(
    r"\b(difference|differences|differ|compared?|comparison|better|instead of|rather than|"
    r"same as|same thing|which|choose|pick|prefer|should i use|when to use|trade-?offs?)\b"
)
_VS = frozenset(tokens("vs vs. versus"))
_JOINERS = _VS | frozenset(tokens("or and against"))
PAIR_GAP = 4  # at most this many words between two compared names ("mocks or real fakes")
VS_NEAR = 2  # a "vs" this many words from a name compares it ("pathlib vs os.path")
_DEFINE = re.compile(
    r"\b(what\s+(exactly\s+|really\s+)?(is|are|was)\b|what'?s\b|whats\b|explain|define|definition|describe|"
    r"meaning of|what does\b.*\bmean|what do\b.*\bmean|tell me about|eli5|how does\b.*\bwork|"
    r"how do\b.*\bwork|intro(duction)? to|overview of|what the heck is|never heard of)\b"
)
# A longer prompt asks for a definition only when it opens with the question ("what is X and is
# it worth it for ..."): "what's" in the middle of a described situation is not one.
DEFINE_WORDS = 16
DEFINE_OPENING = 30  # characters
# Words around a bare name that do not make it a different question ("pytest fixtures?").
_FILLER = frozenset(tokens("a an the please pls quick question about on re so ok and"))


def answer(
    bank: Bank,
    topic: Topic,
    reading: Reading,
    writer: Writer,
    chooser: Chooser,
    word_limit: int | None,
) -> str:
    """Say a concept answer and return its plan name, or "" when the prompt gets none."""
    concepts = bank.concepts
    if not concepts or not _eligible(topic, reading.text):
        return ""
    plan = _plan_for(bank, concepts, topic, reading)
    if plan is None:
        return ""
    say_steps(plan.steps, plan.name, writer, chooser, word_limit=word_limit)
    return plan.name


def _eligible(topic: Topic, text: str) -> bool:
    if topic.kind != "domain" and topic.id not in _FALLBACK_TOPICS:
        return False
    # Pasted material (a log, a diff, code) is what the question is about: its own answerers
    # read it, and a name inside it is not what the user asks about.
    lines = [line for line in text.splitlines() if line.strip()]
    return "```" not in text and len(lines) <= PASTED_LINES


def _plan_for(bank: Bank, concepts: Concepts, topic: Topic, reading: Reading) -> Plan | None:
    words = tokens(reading.text)
    mentions = concepts.mentions_in(words)
    if not mentions:
        return None
    lowered = reading.text.lower()
    closeness = asks.index_for(bank).similarity(topic.id, reading.text)

    def closest_about(*about: Concept) -> float:
        return max(
            (c for p, c in closeness.items() if all(_plan_names(topic, p, x) for x in about)),
            default=0.0,
        )

    pair = _compared_pair(mentions, words, lowered)
    if pair is not None:
        return None if closest_about(*pair) >= ABOUT_CLOSE else pair[0].comparison(pair[1])
    # "X vs something the bank has no entry for" is answered with what X is.
    versus = _beside_vs(mentions, words)
    main = versus or _main(mentions, topic)
    about = closest_about(main)
    if versus or _defines(lowered) or _bare(mentions, words):
        return None if about >= ABOUT_CLOSE else main.definition
    if topic.writes_code or main.topic != topic.id:
        # Asked for code: the code answer uses the concept. A concept of another topic named in
        # passing ("hypothesis test" in a question about code) is not what the question is about.
        return None
    if about >= ABOUT_CLOSE_FOR_USE or max(closeness.values(), default=0.0) >= OTHER_CLOSE:
        return None
    if any(_matches(plan, lowered) for plan in topic.plans if plan.correct):
        return None  # a plan's author named a phrase of this prompt as the cue for that plan
    if _names_the_topic(main, topic):
        # "we had an incident where a cert expired": naming the topic's own subject says which
        # topic, not which thing; what an incident is does not answer the question.
        return None
    return main.howto


def _names_the_topic(concept: Concept, topic: Topic) -> bool:
    """True when the concept's name is made of the topic's own words ("incident" in incidents)."""
    topic_words = set(tokens(f"{topic.id.replace('_', ' ')} {topic.title}"))
    return set(tokens(concept.name)) <= topic_words


def _compared_pair(
    mentions: list[Mention], words: tuple[str, ...], lowered: str
) -> tuple[Concept, Concept] | None:
    """The two concepts a comparison is about: names a few words apart, joined by "vs", or by
    "or"/"and" in a question that compares ("difference between X and Y", "X or Y, which?")."""
    for first, second in itertools.pairwise(mentions):
        gap = words[first.start + first.length : second.start]
        between = set(gap)
        if len(gap) > PAIR_GAP or not between & _JOINERS:
            continue
        if between & _VS or _COMPARE.search(lowered):
            return first.concept, second.concept
    return None


def _beside_vs(mentions: list[Mention], words: tuple[str, ...]) -> Concept | None:
    """The concept named right before or after a "vs" ("pathlib vs os.path"), or None."""
    for mention in mentions:
        end = mention.start + mention.length
        around = words[max(mention.start - VS_NEAR, 0) : mention.start] + words[end : end + VS_NEAR]
        if set(around) & _VS:
            return mention.concept
    return None


def _defines(lowered: str) -> bool:
    found = _DEFINE.search(lowered)
    if found is None:
        return False
    return len(lowered.split()) <= DEFINE_WORDS or found.start() < DEFINE_OPENING


def _matches(plan: Plan, lowered: str) -> bool:
    return any(phrase_pattern(phrase).search(lowered) for phrase in plan.match)


@lru_cache(maxsize=4096)
def _plan_text(topic: Topic, plan_name: str) -> str:
    """A plan's name, match phrases and asks as padded token text, to look for names in."""
    plan = next(p for p in topic.plans if p.name == plan_name)
    return "".join(f" {' '.join(tokens(t))} |" for t in (plan.name, *plan.match, *plan.asks))


def _plan_names(topic: Topic, plan_name: str, concept: Concept) -> bool:
    text = _plan_text(topic, plan_name)
    return any(f" {' '.join(tokens(name))} " in text for name in concept.names)


def _main(mentions: list[Mention], topic: Topic) -> Concept:
    """The concept the question is about: the first of the prompt's topic, else the first."""
    for mention in mentions:
        if mention.concept.topic == topic.id:
            return mention.concept
    return mentions[0].concept


def _bare(mentions: list[Mention], words: tuple[str, ...]) -> bool:
    """True when the prompt is little more than the names ("pytest fixtures?", "mock vs stub")."""
    named = sum(m.length for m in mentions)
    rest = [w for w in words if w not in _FILLER]
    return len(rest) - named <= 1 and named > 0
