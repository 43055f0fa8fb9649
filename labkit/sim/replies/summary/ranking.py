"""Which units a summary keeps: tf-idf centrality, boosted for what a reader acts on.

Requests, decisions, dates, numbers, owned actions and the lead sentence weigh nearly as much
as centrality; noise ("Thanks!"), open questions and bare agreements weigh less. In a thread,
a short reply that takes up a proposal ("sounds good") marks that proposal as settled.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from labkit.sim.replies.summary.dates import dates_in
from labkit.sim.replies.summary.material import Unit
from labkit.sim.replies.summary.reported import _PROPOSAL, _asked, _owned_action, _tidy
from labkit.sim.replies.words import STOP_WORDS, stem

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SKIP = STOP_WORDS | frozenset(
    {
        "have", "has", "had", "been", "being", "were", "am", "not", "but", "from", "they",
        "them", "their", "there", "then", "than", "what", "which", "who", "when", "where",
        "why", "how", "all", "any", "some", "its", "it's", "i'm", "i'll", "we'll", "let's",
        "also", "about", "into", "up", "out", "over", "very", "really", "more", "most",
        "other", "such", "only", "own", "same", "too", "these", "those", "he", "she", "his",
        "her", "him", "us", "your", "yours", "ours", "here", "after", "again", "once", "while",
        "because", "each", "few", "both", "no", "nor", "off", "down", "under", "above", "now",
        "ok", "okay", "yes", "yeah", "hi", "hello", "thanks", "thank", "get", "got", "one",
        "like", "think", "know", "go", "going",
    }
)  # fmt: skip
_REQUEST_CUE = re.compile(
    r"\b(?:please|pls|can you|could you|would you|can someone|could someone|need you to|"
    r"make sure|don't forget|remember to|action|todo|asap|let's|should we)\b",
    re.I,
)
_DECISION_CUE = re.compile(
    r"\b(?:decided|agreed|decision|settled on|going with|go with|approved|signed off|chose|"
    r"confirmed|final)\b",
    re.I,
)
_NOISE = re.compile(
    r"^(?:thanks|thank you|thx|ty|cheers|hope (?:you|this|all|everyone)|hi|hello|hey|lol|haha|"
    r"\+1|ok(?:ay)?|k|sure|sounds good|great|nice|cool|np|no worries|sorry|let me know|"
    r"feel free|happy to|have a (?:good|great|nice)|looking forward|any questions)\b",
    re.I,
)
# A short reply that takes up what the message before it proposed or asked.
_AGREEMENT = re.compile(
    r"^(?:agreed|sounds good|\+1|yes|yep|ok(?:ay)?|sure|lgtm|works for me|let's do (?:it|that)|"
    r"fine by me|makes sense|ship it|will do|on it|can do|done)\b|^(?:👍|✅|🙌)",
    re.I,
)
AGREEMENT_WORDS = 8
CENTRALITY_WEIGHT = 0.6


def _terms(text: str) -> Counter[str]:
    return Counter(stem(w) for w in _WORD.findall(text.lower()) if w not in _SKIP)


def _tfidf(units: Sequence[Unit]) -> list[dict[str, float]]:
    counts = [_terms(u.text) for u in units]
    frequency: Counter[str] = Counter()
    for count in counts:
        frequency.update(count.keys())
    total = len(units)
    vectors = []
    for count in counts:
        vector = {
            t: n * (math.log((1 + total) / (1 + frequency[t])) + 1.0) for t, n in count.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in sorted(vector.items())})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _agreed_by(units: Sequence[Unit], index: int) -> str:
    """Who took up unit `index` in the next message ("agreed", "will do"), in a thread."""
    unit = units[index]
    following = units[index + 1] if index + 1 < len(units) else None
    if (
        following
        and unit.speaker
        and following.speaker
        and following.speaker != unit.speaker
        and len(following.text.split()) <= AGREEMENT_WORDS
        and _AGREEMENT.match(following.text)
        and not re.match(r"^\W*\w+\W+but\b", following.text, re.I)  # "yes but ..." objects
        and not _PROPOSAL.match(_tidy(following.text))  # "ok let's do X instead" proposes
    ):
        return following.speaker
    return ""


def rank(
    units: Sequence[Unit], subject_line: str = "", vectors: list[dict[str, float]] | None = None
) -> list[float]:
    """Each unit's score: its centrality (mean cosine to the others, scaled to a maximum of 1)
    plus boosts for what a reader acts on: requests, decisions, dates, numbers, the lead."""
    vectors = vectors if vectors is not None else _tfidf(units)
    count = len(units)
    centrality = [
        sum(_cosine(vectors[i], vectors[j]) for j in range(count) if j != i) / max(count - 1, 1)
        for i in range(count)
    ]
    top = max(centrality, default=0.0) or 1.0
    heading = _tfidf([Unit(subject_line), *units])[0] if subject_line else {}
    scores = []
    for index, unit in enumerate(units):
        text = unit.text
        words = len(text.split())
        # Centrality counts, but in a short text a few shared words decide it, so the boosts
        # for what a reader acts on weigh nearly as much.
        score = CENTRALITY_WEIGHT * (centrality[index] / top if count > 1 else 1.0)
        score += 0.6 * unit.lead
        score += 0.4 * bool(_REQUEST_CUE.search(text) or _asked(unit, None))
        score += 0.4 * bool(_DECISION_CUE.search(text) or unit.section == "decisions")
        score += 0.3 * bool(dates_in(text))
        score += 0.15 * bool(re.search(r"\d", text))
        score += 0.15 * (unit.section == "actions" or bool(_owned_action(unit)))
        score += 0.3 * _cosine(heading, vectors[index]) if heading else 0.0
        question = text.rstrip().endswith("?")
        if question and not _REQUEST_CUE.search(text):
            score -= 0.15  # an open question is rarely the news of a text
        elif _agreed_by(units, index):
            score += 0.3  # a proposal someone took up was settled
        if index and unit.speaker and _agreed_by(units, index - 1) == unit.speaker:
            score -= 0.4  # "yes, let's do that": what it agrees to carries the content
        if _NOISE.match(text) and len(_terms(_NOISE.sub("", text))) < 4:
            score -= 0.8  # "Thanks!", "Let me know if you have any questions."
        score -= 0.3 * (len(_terms(text)) < 3) + 0.1 * (words > 45)
        scores.append(score)
    return scores


def pick(units: Sequence[Unit], subject_line: str = "") -> list[int]:
    """The 1-3 best units, in the order of the text, skipping near-repeats of a picked one."""
    if not units:
        return []
    words = sum(len(u.text.split()) for u in units)
    wanted = 1 if len(units) <= 2 or words < 20 else 2 if len(units) <= 4 or words < 80 else 3
    return central(units, wanted, subject_line, backfill=False)


def central(
    units: Sequence[Unit], count: int, subject_line: str = "", *, backfill: bool = True
) -> list[int]:
    """The `count` best units, in the order of the text: near-repeats of a picked one only when
    the distinct ones run out (`backfill`), and noise ("Thanks!") never after the first."""
    if not units or count < 1:
        return []
    vectors = _tfidf(units)
    scores = rank(units, subject_line, vectors)
    order = sorted(range(len(units)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    for index in order:
        if len(chosen) == count or (scores[index] < 0 and chosen):
            break
        if any(_cosine(vectors[index], vectors[c]) > 0.5 for c in chosen):
            continue  # a near-repeat of a sentence already picked
        chosen.append(index)
    for index in order if backfill else ():
        if len(chosen) == count or scores[index] < 0:
            break
        if index not in chosen:
            chosen.append(index)
    return sorted(chosen)
