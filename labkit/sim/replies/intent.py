"""What a conversation asks: its topic, its subject, the style of question, and follow-ups.

The classifier is multinomial naive Bayes over words, word pairs and the letter trigrams of
words (the trigrams make it forgiving of typos), trained when first used on the `examples` of
every topic and follow-up mode in the bank. It is small and fast and, like any classifier, wrong
sometimes: the course measures how often (datasets/prompts and `python -m labkit.sim.replies
report`). A follow-up ("why?", "show me an example") is answered on the topic of the earlier
turns.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from labkit.sim.replies.bank import Bank
from labkit.sim.replies.words import CODE_FENCE, STOP_WORDS, in_another_language, stem

FOLLOWUP_PREFIX = "followup:"
WORD_WEIGHT = 1.0
PAIR_WEIGHT = 0.8
TRIGRAM_WEIGHT = 0.25
SMOOTHING = 0.05
ASK_EXAMPLE_WEIGHT = 0.4  # a plan's ask, as a training example of its topic
ASK_SWITCH_BELOW = 0.5  # a first message read with less confidence than this ...
ASK_SWITCH_CLOSENESS = 0.45  # ... goes to the topic of a plan whose asks are this close
ASK_SWITCH_MARGIN = 0.15  # ... and this much closer than any other topic's
# Less unsure, but the prompt is all but word for word a plan's ask ("explain pass@k to me"
# against "explain pass@k"), far closer than to any other topic's: that topic, too.
ASK_SURE_BELOW = 0.8
ASK_SURE_CLOSENESS = 0.9
ASK_SURE_MARGIN = 0.3
# A short last turn that the classifier is unsure about is read together with the turn before.
HISTORY_WEIGHT = 0.5
ANSWER_WEIGHT = 0.5  # what the assistant said counts half as much as what the user asked
UNSURE = 0.75
SHORT_TURN_WORDS = 12  # a turn this short may lean on the one before
REFERRING_TURN_WORDS = 25  # ... and one this short does when it points back ("is it worth it")
# Words that point back at what was said: "is it worth it for ...", "do that on kubernetes",
# "which of those", "numpy's random instead".
_REFERS_BACK = re.compile(
    r"\b(it|that|this|those|these|them|they|instead|same|one|ones|then|also)\b|^\s*(and|ok|okay|so|but)\b",
    re.I,
)
CONTINUATION_WEIGHT = 2.0
_CONTINUES = re.compile(
    r"^\s*(why|how come|what else|anything else|and (?:if|what|how|why)|what if|so (?:if|what|why|how)|"
    r"but (?:why|what|how|if)|go on|any more|more examples)\b",
    re.I,
)
# The follow-up mode a continuation asks for; others ("what if ...") get an ordinary answer.
_CONTINUATION_MODES = {
    "why": "why",
    "how come": "why",
    "what else": "more",
    "anything else": "more",
    "go on": "more",
    "any more": "more",
    "more examples": "example",
}
OUT_OF_SCOPE = "out_of_scope"
NEAR_CACHE_SIZE = 50_000
FOREIGN_WEIGHT = 1.5  # how strongly words the course never uses point outside its domain

_WORD = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
_STOP = STOP_WORDS


def features(text: str) -> dict[str, float]:
    """Weighted features of a text: stemmed words, adjacent pairs, letter trigrams of words."""
    lowered = CODE_FENCE.sub(" code ", text.lower())
    words = [stem(w) for w in _WORD.findall(lowered)]
    found: defaultdict[str, float] = defaultdict(float)
    for word in words:
        found["w:" + word] += WORD_WEIGHT
        if word not in _STOP and len(word) > 2:
            padded = f"<{word}>"
            for i in range(len(padded) - 2):
                found["c:" + padded[i : i + 3]] += TRIGRAM_WEIGHT
    for first, second in itertools.pairwise(words):
        found[f"p:{first}_{second}"] += PAIR_WEIGHT
    return dict(found)


class IntentClassifier:
    """Naive Bayes over `features`, one class per topic and per follow-up mode."""

    def __init__(
        self,
        labelled: Iterable[tuple[str, str]],
        weighted: Iterable[tuple[str, str, float]] = (),
    ) -> None:
        """`labelled`: (label, text) examples; `weighted`: (label, text, weight) ones that count
        for less (or more) than an example."""
        by_class: dict[str, defaultdict[str, float]] = {}
        everything = [(label, text, 1.0) for label, text in labelled] + list(weighted)
        for label, text, share in everything:
            weights = by_class.setdefault(label, defaultdict(float))
            for feature, weight in features(text).items():
                weights[feature] += weight * share
        self.labels: tuple[str, ...] = tuple(sorted(by_class))
        vocab = sorted({f for weights in by_class.values() for f in weights})
        self.index = {f: i for i, f in enumerate(vocab)}
        counts = np.zeros((len(self.labels), len(vocab)))
        for row, label in enumerate(self.labels):
            for feature, weight in by_class[label].items():
                counts[row, self.index[feature]] = weight
        smoothed = counts + SMOOTHING
        self._log_probs: npt.NDArray[np.float64] = np.log(
            smoothed / smoothed.sum(axis=1, keepdims=True)
        )
        self._words_by_first: dict[str, list[str]] | None = None
        self._near: dict[str, bool] = {}

    def scores(self, text: str) -> npt.NDArray[np.float64]:
        """Mean log-likelihood per unit of feature weight, one per label (higher is likelier)."""
        found = [(self.index[f], w) for f, w in features(text).items() if f in self.index]
        if not found:
            return np.zeros(len(self.labels))
        columns = np.array([i for i, _ in found])
        weights = np.array([w for _, w in found])
        total: npt.NDArray[np.float64] = self._log_probs[:, columns] @ weights / weights.sum()
        return total

    def foreign_words(self, text: str) -> tuple[list[str], list[str]]:
        """(content words the examples never use and that are no typo of one, all words known).

        The second list is empty when the text has no word the classifier knows at all
        (keyboard mashing, "um"): nothing to go on.
        """
        words = [stem(w) for w in _WORD.findall(CODE_FENCE.sub(" ", text.lower()))]
        known = [w for w in words if "w:" + w in self.index]
        content = [w for w in words if w not in _STOP and len(w) > 2 and not w.isdigit()]
        foreign = [w for w in content if "w:" + w not in self.index and not self._near_known(w)]
        return foreign, known

    def _near_known(self, word: str) -> bool:
        """Is `word` a typo of a known word (edit-distance ratio >= 0.8)? Memoised per word."""
        known = self._near.get(word)
        if known is None:
            if len(self._near) > NEAR_CACHE_SIZE:  # a long-running server meets endless words
                self._near.clear()
            known = self._near[word] = self._find_near(word)
        return known

    def _find_near(self, word: str) -> bool:
        if self._words_by_first is None:
            table: dict[str, list[str]] = {}
            for feature in self.index:
                if feature.startswith("w:") and len(feature) > 4:
                    table.setdefault(feature[2], []).append(feature[2:])
            self._words_by_first = table
        candidates = [
            w
            for first in {word[0], *(word[1:2])}
            for w in self._words_by_first.get(first, ())
            if abs(len(w) - len(word)) <= 2
        ]
        return bool(difflib.get_close_matches(word, candidates, n=1, cutoff=0.8))


@dataclass(frozen=True)
class Reading:
    """What the composer needs to know about a conversation."""

    topic: str
    followup: str | None  # more | example | simpler | why, when the last turn is a follow-up
    subject: str | None  # a noun phrase from the prompt, or None (the topic's default then)
    style: str  # howto | explain | any
    confidence: float
    text: str  # the last user turn's text
    # The turns before it, oldest first, user and assistant alternating: what "it" refers to in
    # "now add tests for it" (the code the assistant just wrote).
    earlier: tuple[str, ...] = ()
    in_english: bool = True  # False: the prose is in another language (answered in English)


def classifier_for(bank: Bank) -> IntentClassifier:
    cached = bank.extra.get("classifier")
    if isinstance(cached, IntentClassifier):
        return cached
    labelled = [(t.id, e) for t in bank.topics.values() for e in t.examples]
    labelled += [(FOLLOWUP_PREFIX + m.id, e) for m in bank.followups.values() for e in m.examples]
    # The questions a plan answers are examples of its topic too, but they count for less: they
    # are written to tell plans apart, and a topic with many plans would otherwise outvote its
    # neighbours (measured on datasets/prompts: 94.7% with full weight, 95.5% at 0.4).
    asked = [
        (t.id, a, ASK_EXAMPLE_WEIGHT) for t in bank.topics.values() for p in t.plans for a in p.asks
    ]
    classifier = IntentClassifier(labelled, asked)
    bank.extra["classifier"] = classifier
    return classifier


def read(bank: Bank, user_turns: Sequence[str], answers: Sequence[str] = ()) -> Reading:
    """Read the conversation from its user turns; see `_read` (this adds the earlier turns)."""
    reading = _read(bank, user_turns, answers)
    earlier: list[str] = []
    for index, turn in enumerate(user_turns[:-1]):
        earlier.append(turn)
        if index < len(answers):
            earlier.append(answers[index])
    return dataclasses.replace(reading, earlier=tuple(earlier)) if earlier else reading


def _read(bank: Bank, user_turns: Sequence[str], answers: Sequence[str] = ()) -> Reading:
    """Read the conversation from its user turns (oldest first; the last is answered).

    `answers` are the assistant's turns between them (answers[i] follows user_turns[i]): what
    was said shows what a follow-up refers to.
    """
    classifier = classifier_for(bank)
    text = user_turns[-1] if user_turns else ""
    earlier = [t for t in user_turns[:-1] if t.strip()]
    if not text.strip() or not any(ch.isalnum() for ch in text):
        return Reading("unclear", None, None, "any", 1.0, text)
    if in_another_language(text):
        return Reading(OUT_OF_SCOPE, None, None, "any", 1.0, text, in_english=False)
    scores = classifier.scores(text)
    foreign, words = classifier.foreign_words(text)
    if not words or (not earlier and not _has_content(text) and not _names_a_plan(bank, text)):
        # "x", "it", "can you", "and then": nothing to go on, so ask.
        return Reading("unclear", None, None, "any", 1.0, text)
    scores = _request_forms(classifier, text, scores)
    if foreign and OUT_OF_SCOPE in classifier.labels:
        # Words the course never uses ("passport", "faucet") point outside its domain.
        scores = scores.copy()
        scores[classifier.labels.index(OUT_OF_SCOPE)] += FOREIGN_WEIGHT * len(foreign) / len(words)
    best = int(np.argmax(scores))
    label = classifier.labels[best]
    confidence = float(_softmax(scores)[best])

    if earlier and _SUMMARISE_BACK.match(text):
        # "tl;dr", "summarise that": with nothing pasted, the thing to summarise is the answer.
        label = FOLLOWUP_PREFIX + "shorter"
    if label.startswith(FOLLOWUP_PREFIX):
        mode = label[len(FOLLOWUP_PREFIX) :]
        if not earlier:
            return Reading("unclear", None, None, "any", confidence, text)
        carried = _carried(bank, user_turns[:-1], answers)
        return Reading(carried.topic, mode, carried.subject, carried.style, confidence, text)

    opener = _CONTINUES.match(text)
    if opener and earlier and len(text.split()) <= SHORT_TURN_WORDS:
        # "why does it get smaller?", "what else?", "and if it's 500 lines?": a short turn that
        # opens like this asks about the answer just given, so the conversation's topic counts
        # far more than the turn's own few words.
        mixed = scores + CONTINUATION_WEIGHT * _context_scores(classifier, user_turns[:-1], answers)
        for index in np.argsort(-mixed):
            candidate = classifier.labels[int(index)]
            if not candidate.startswith(FOLLOWUP_PREFIX) and candidate not in (
                "unclear",
                OUT_OF_SCOPE,
            ):
                label = candidate
                break
        carried = _carried(bank, user_turns[:-1], answers)
        asked_for = _CONTINUATION_MODES.get(" ".join(opener.group(1).lower().split()))
        subject = subject_of(text) or carried.subject
        return Reading(label, asked_for, subject, style_of(text), confidence, text)

    words_in_turn = len(text.split())
    leans = (confidence < UNSURE and words_in_turn <= SHORT_TURN_WORDS) or (
        words_in_turn <= REFERRING_TURN_WORDS and bool(_REFERS_BACK.search(text))
    )
    if earlier and leans:
        # "what about leap years then?": a short turn leans on the conversation before it.
        mixed = scores + HISTORY_WEIGHT * _context_scores(classifier, user_turns[:-1], answers)
        for index in np.argsort(-mixed):
            candidate = classifier.labels[int(index)]
            if not candidate.startswith(FOLLOWUP_PREFIX):
                label = candidate
                break
        subject = subject_of(text) or _carried(bank, user_turns[:-1], answers).subject
        return Reading(label, None, subject, style_of(text), confidence, text)
    if confidence < ASK_SURE_BELOW and not earlier:
        # Unsure between topics: a question that is nearly one a plan says it answers ("SLI vs
        # SLO vs SLA") belongs to that plan's topic, whatever the words' overall statistics say;
        # fairly sure, only a question all but word for word an ask does.
        label = _closest_ask_topic(bank, text, label, unsure=confidence < ASK_SWITCH_BELOW)
    return Reading(label, None, subject_of(text), style_of(text), confidence, text)


def _closest_ask_topic(bank: Bank, text: str, label: str, *, unsure: bool) -> str:
    from labkit.sim.replies import asks

    index = asks.index_for(bank)
    ranked = sorted(
        (
            (max(index.similarity(topic.id, text).values(), default=0.0), topic.id)
            for topic in bank.topics.values()
            if topic.kind == "domain"
        ),
        reverse=True,
    )
    if not ranked:
        return label
    best, topic_id = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    # Close to one topic's asks, and clearly closer than to any other topic's (when the words
    # leave little doubt, only an all but exact ask overrides them).
    closeness, margin = (
        (ASK_SWITCH_CLOSENESS, ASK_SWITCH_MARGIN)
        if unsure
        else (ASK_SURE_CLOSENESS, ASK_SURE_MARGIN)
    )
    if best >= closeness and best - runner_up >= margin:
        return topic_id
    return label


# The form of a request says more than its words: "a haiku about code review" is a poem, "sum up
# this thread: ..." a summary, "implement clamp(x, lo, hi)" code, whatever the subject.
_CREATIVE_FORM = re.compile(
    r"\b(haiku|limerick|poem|sonnet|joke|pun|short story|rap|song|verse|riddle)s?\b", re.I
)
_SUMMARY_FORM = re.compile(r"^\s*(please\s+)?(summari[sz]e|sum up|tl;?dr|give me the gist)\b", re.I)
_CODE_FORM = re.compile(
    r"^\s*(please\s+)?((can|could) you\s+)?(implement|write|code|create|build|give me|"
    r"i need|i want|i'm looking for|im looking for|looking for|need|help me write)\b"
    r"(?!.*\b(tests?|post-?mortems?|prompts?|summary|reviews?|haiku|poem)\b)"
    r"(?=.*(\b(function|class|script|method|helper|program|decorator|module|cli|parser|"
    r"tokenizer|query|one-liner|oneliner|command)\b|\w\(.*\)|"
    r"\bin (python|javascript|typescript|go|rust|java|bash|sql)\b))",
    re.I | re.S,
)
FORM_BONUS = 1.0
_SUMMARISE_BACK = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can|could) you\s+)?(?:summari[sz]e|sum up|tl;?dr|give me the gist)"
    r"(?:\s+(?:that|it|this|your answer|the above|all that|what you said|for me))*"
    r"\s*(?:please|pls)?\s*[?.!]*\s*$",
    re.I,
)


def _request_forms(
    classifier: IntentClassifier, text: str, scores: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    bonuses = (
        ("creative", bool(_CREATIVE_FORM.search(text)) and len(text.split()) <= 25),
        ("summarise", bool(_SUMMARY_FORM.search(text))),
        ("write_code", bool(_CODE_FORM.search(text))),
    )
    adjusted = scores.copy()
    for label, applies in bonuses:
        if applies and label in classifier.labels:
            adjusted[classifier.labels.index(label)] += FORM_BONUS
    return adjusted


def _names_a_plan(bank: Bank, text: str) -> bool:
    """Is most of the text a `match` phrase of a general topic's plan ("what can you do?")?

    Such prompts are all function words, yet ask something definite: the plan's author says so.
    """
    lowered = " ".join(_WORD.findall(text.lower()))
    for topic in bank.topics.values():
        if topic.kind != "general":
            continue
        for plan in topic.plans:
            for phrase in plan.match:
                spoken = " ".join(_WORD.findall(phrase.lower()))
                if spoken and len(spoken) * 2 >= len(lowered) and f" {spoken} " in f" {lowered} ":
                    return True
    return False


def _has_content(text: str) -> bool:
    """Does the text hold any word beyond function words and single letters, or an operator?"""
    words = _WORD.findall(text.lower())
    if any(w not in _STOP and len(w) > 1 and w not in _EMPTY_WORDS for w in words):
        return True
    # "what does := do?", "what is ?? in js": the operator is what the question is about.
    return bool(_OPERATOR.search(text))


_OPERATOR = re.compile(r"(?<![\w\s])[^\w\s?!.,'\"]{2,3}(?![\w\s])|\s[^\w\s?!.,'\"]{2,3}(?=\s|$|\?)")


_EMPTY_WORDS = frozenset(
    ["what", "about", "then", "now", "there", "here", "yes", "no", "ok", "okay", "hmm", "um", "uh"]
)


def _context_scores(
    classifier: IntentClassifier, user_turns: Sequence[str], answers: Sequence[str]
) -> npt.NDArray[np.float64]:
    """Scores of the latest exchange: the user's turn, and what the assistant answered."""
    scores = classifier.scores(user_turns[-1])
    if len(answers) >= len(user_turns) and answers[len(user_turns) - 1].strip():
        scores = scores + ANSWER_WEIGHT * classifier.scores(answers[len(user_turns) - 1])
    return scores


def _carried(bank: Bank, user_turns: Sequence[str], answers: Sequence[str]) -> Reading:
    """What the conversation before a follow-up was about."""
    earlier = read(bank, user_turns, answers)
    if earlier.followup is not None or len(answers) < len(user_turns):
        return earlier
    classifier = classifier_for(bank)
    scores = _context_scores(classifier, user_turns, answers)
    for index in np.argsort(-scores):
        label = classifier.labels[int(index)]
        if not label.startswith(FOLLOWUP_PREFIX) and label != "unclear":
            return Reading(
                label, None, earlier.subject, earlier.style, earlier.confidence, earlier.text
            )
    return earlier


def _softmax(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    scaled = (scores - scores.max()) * 6.0  # calibrated so that a clear prompt gets > 0.9
    weights = np.exp(scaled)
    result: npt.NDArray[np.float64] = weights / weights.sum()
    return result


# -- the style of a question -------------------------------------------------------------------
_EXPLAIN = re.compile(
    r"^\s*(what(\s+is|'s|\s+are|\s+does|\s+do|\s+was|\s+were|\s+happened|\s+went)|whats|why|"
    r"explain|define|describe|tell me about|how does|how do .* work|how did|is it true|"
    r"what happens|meaning of|difference between|eli5|when did|which|who|walk me through|"
    r"(can|could) you (please )?explain)",
    re.I,
)
_HOWTO = re.compile(
    r"(how (do|should|can|would|could|to)\b|what should|best way|help me|steps to|tips|"
    r"how would you|any advice|what tests|ways to|i need to|i want to|can you|could you)",
    re.I,
)


def style_of(text: str) -> str:
    if _EXPLAIN.search(text):
        return "explain"
    if _HOWTO.search(text):
        return "howto"
    return "any"


# -- the subject of a prompt -------------------------------------------------------------------
# Not "that": in these prompts it mostly starts a clause ("tests that depend on ...").
_DETERMINERS = r"(?:a|an|the|my|our|this|these|those|your|some)"
_VERBS = (
    r"(?:test|tests|testing|debug|debugging|review|reviewing|refactor|refactoring|speed up|"
    r"optimi[sz]e|profile|fix|fixing|write|writing|implement|document|explain|summari[sz]e|"
    r"monitor|monitoring|evaluate|evaluating|measure|measuring|deploy|validate|clean up|"
    r"improve|rewrite|structure|check|benchmark|mock|handle)"
)
_NOUN_WORD = r"[A-Za-z][A-Za-z0-9_+#./-]*[A-Za-z0-9_+#]|[A-Za-z]"
_NP = rf"{_DETERMINERS}\s+(?:{_NOUN_WORD}\s+){{0,5}}?{_NOUN_WORD}"
_STOPS_AFTER = (
    r"(?=\s+(?:in|with|for|so|when|if|because|to|and|but|using|on|without|before|after|from|"
    r"into|that|which|where|while|as|at|by|or|is|are|was|were|has|have|keeps|fails|doesn't|"
    r"does|do|did|can|could|should|would|will|returns|throws|raises|takes|seems|gives|"
    r"isn't|won't|can't|i|we|you|it|please|pls|then|now)\b|\s*[?.!,;:()]|\s*$)"
)
_AFTER_VERB = re.compile(rf"\b{_VERBS}\s+({_NP}){_STOPS_AFTER}", re.I)
_WRITE_WHAT = re.compile(
    rf"\b(?:write|implement|create|give me|code|make)\s+(?:me\s+)?"
    rf"((?:a|an)\s+(?:{_NOUN_WORD}\s+){{0,2}}(?:function|class|script|helper|method|program|"
    rf"decorator|test|generator|cli|parser)\s+(?:that|which|to|for)\s+[^.?!\n]{{3,60}}?)"
    rf"(?=\s*[?.!\n]|\s*$|\s+(?:in python|please|pls|using)\b)",
    re.I,
)
# "a poem about autumn", "a haiku on flaky tests": what a creative piece is about, bare or not.
_CREATIVE_ABOUT = re.compile(
    r"\b(?:haiku|limerick|poem|sonnet|joke|pun|story|rap|song|verse|riddle|ode)s?\s+"
    r"(?:about|on|of|for|regarding)\s+([\w'#+-]+(?:\.\w+)*(?:\s+[\w'#+-]+(?:\.\w+)*){0,15}?)"
    r"(?=\s*[?.!\n,;:]|\s*$|\s+(?:please|pls|in (?:\d|the style|english)|that|which|for (?:my|a|an|the|me))\b)",
    re.I,
)
_FOR_WHAT = re.compile(rf"\b(?:for|about|of|with)\s+({_NP}){_STOPS_AFTER}", re.I)
_BACKTICKED = re.compile(r"`([A-Za-z_][A-Za-z0-9_.]*(?:\(\))?)`")
_CALLED = re.compile(r"\b([a-z_][a-z0-9]*_[a-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]*)\s*\(")
_DEF = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
_EXCEPTION = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception))\b")
_BAD_HEADS = frozenset(
    [
        "it",
        "this",
        "that",
        "one",
        "thing",
        "things",
        "stuff",
        "way",
        "lot",
        "bit",
        "time",
        "something",
        "anything",
        "everything",
    ]
)


def _second_person(phrase: str) -> str:
    words = phrase.split()
    swap = {"my": "your", "our": "your", "My": "your", "Our": "your"}
    words = [swap.get(w, w) for w in words]
    words[0] = words[0].lower() if words[0] in ("The", "A", "An", "This", "These") else words[0]
    return " ".join(words)


def _acceptable(phrase: str) -> bool:
    words = phrase.split()
    if len(words) < 2 or len(words) > 7:
        return False
    return words[-1].lower().strip(".,") not in _BAD_HEADS


def subject_of(text: str) -> str | None:
    """A noun phrase naming what the prompt is about, in the second person; None if unsure."""
    prose = CODE_FENCE.sub(" ", text)
    if found := _CREATIVE_ABOUT.search(prose):
        return _second_person(found.group(1).strip())
    if found := _BACKTICKED.search(text):
        return f"`{found.group(1)}`"
    if found := _CALLED.search(prose):  # is_palindrome(s), parseDate(x): a named function
        return f"`{found.group(1)}`"
    if found := _WRITE_WHAT.search(prose):
        return _second_person(found.group(1).strip())
    if found := _DEF.search(text):
        return f"`{found.group(1)}`"
    for pattern in (_AFTER_VERB, _FOR_WHAT):
        for found in pattern.finditer(prose):
            phrase = found.group(1).strip()
            if _acceptable(phrase):
                return _second_person(phrase)
    if found := _EXCEPTION.search(text):
        return f"the `{found.group(1)}`"
    return None
