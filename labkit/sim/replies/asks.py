"""Which plan a prompt asks for: how close it is to the questions each plan says it answers.

A topic holds many plans, and the classifier only names the topic. Outside readers judged a reply
off topic most often when it answered a neighbouring question of the right topic ("how to
evaluate an agent" for "why does my agent fail sometimes?"). So every plan lists `asks`, the
questions it answers as people phrase them, and a prompt is compared with each of them: cosine
similarity of tf-idf vectors over stemmed content words and pairs of adjacent ones, the largest
over a plan's asks. Rare words weigh most, so "flaky" says more than "test".
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from labkit.sim.replies.bank import Bank
from labkit.sim.replies.words import CODE_FENCE, QUESTION_FRAME, STOP_WORDS, stem

MEMO_SIZE = 4096
PAIR_WEIGHT = 0.7
UNKNOWN_WEIGHT = 0.5  # a pair of words ("temperature zero") is rarer than either word alone
_WORD = re.compile(r"[a-z0-9_]+")
_IGNORED = STOP_WORDS | QUESTION_FRAME


def terms(text: str) -> Counter[str]:
    """Stemmed content words of a text and the pairs they make (code blocks count as one word)."""
    lowered = CODE_FENCE.sub(" code ", text.lower())
    words = [stem(w) for w in _WORD.findall(lowered) if w not in _IGNORED and len(w) > 1]
    found: Counter[str] = Counter(words)
    for first, second in itertools.pairwise(words):
        found[f"{first}_{second}"] += 1
    return found


Vector = dict[str, float]


@dataclass(frozen=True)
class AskIndex:
    idf: dict[str, float]
    # (topic id, plan name) -> the unit vectors of the plan's asks
    plans: dict[tuple[str, str], tuple[Vector, ...]]
    by_topic: dict[str, tuple[str, ...]]  # topic id -> names of its plans with asks
    rarest: float = 1.0  # the largest idf: the weight of a word only one ask uses
    memo: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)

    def vector(self, text: str) -> Vector:
        # A word no ask uses makes the prompt no closer to any of them, but it is part of what
        # the prompt asks: counting it (at half the weight of the rarest known word) keeps "what
        # do code reviews achieve" from being a perfect match for "what is code review?".
        counted = terms(text)
        unknown = UNKNOWN_WEIGHT * self.rarest
        weighted = {
            term: (PAIR_WEIGHT if "_" in term else 1.0) * count * self.idf.get(term, unknown)
            for term, count in counted.items()
            if term in self.idf or "_" not in term
        }
        return _unit(weighted)

    def similarity(self, topic_id: str, text: str) -> dict[str, float]:
        """Each plan's closeness to the prompt, 0..1: the best cosine over its asks."""
        key = (topic_id, text)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= MEMO_SIZE:  # experiments repeat prompts; servers meet new ones
                self.memo.clear()
            names = self.by_topic.get(topic_id, ())
            asked = self.vector(text) if names else {}
            found = {name: _best(asked, self.plans[(topic_id, name)]) for name in names}
            self.memo[key] = found
        return found


def _best(asked: Vector, vectors: tuple[Vector, ...]) -> float:
    if not asked:
        return 0.0
    return max(
        (
            sum(weight * vector.get(term, 0.0) for term, weight in asked.items())
            for vector in vectors
        ),
        default=0.0,
    )


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {term: w / norm for term, w in sorted(vector.items())} if norm else {}


def index_for(bank: Bank) -> AskIndex:
    """The bank's ask index, built once per bank (a few milliseconds) and kept with it."""
    cached = bank.extra.get("asks")
    if isinstance(cached, AskIndex):
        return cached
    documents = {
        (topic.id, plan.name): [terms(ask) for ask in plan.asks]
        for topic in bank.topics.values()
        for plan in topic.plans
        if plan.asks
    }
    every = [counted for asks in documents.values() for counted in asks]
    frequency: Counter[str] = Counter(term for counted in every for term in counted)
    idf = {term: math.log((1 + len(every)) / (1 + n)) + 1.0 for term, n in frequency.items()}
    plans = {
        key: tuple(
            _unit({t: (PAIR_WEIGHT if "_" in t else 1.0) * c * idf[t] for t, c in counted.items()})
            for counted in asks
        )
        for key, asks in documents.items()
    }
    by_topic: dict[str, list[str]] = {}
    for topic_id, name in plans:
        by_topic.setdefault(topic_id, []).append(name)
    index = AskIndex(
        idf,
        plans,
        {t: tuple(names) for t, names in by_topic.items()},
        rarest=max(idf.values(), default=1.0),
    )
    bank.extra["asks"] = index
    return index
