"""Composing a reply from the bank, one sampled choice at a time.

Every decision of a reply (which plan, which alternative of each step, whether an optional step
is said, which line of thinking comes next) is a categorical choice made exactly as a token is
chosen: logits, then the request's temperature, top-k and top-p, then one seeded draw
(`labkit.sim.sampling.select_token`). The logits of a choice are

    log(author's weight) + a small fixed offset per alternative - skill gap if the alternative is wrong

summed in float32 together with pairs of large terms that cancel exactly in real arithmetic,
in tiles whose number depends on the batch size, as the token model does (labkit/sim/lm.py). So
greedy decoding (temperature 0) picks the best-weighted correct alternative every time, except
where two alternatives are nearly tied: there the batch decides, as on a real server.

The skill gap grows with the model's skill, effort and thinking and shrinks under the serving
faults, so wrong alternatives are chosen more often by weaker settings, at rates
`python -m labkit.sim.replies report` measures.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from labkit.sim import lm
from labkit.sim.faults import unit_hash
from labkit.sim.replies import arithmetic, asks, intent, summary
from labkit.sim.replies.bank import EFFORT_RANK, Alternative, Bank, Plan, Step, Topic
from labkit.sim.replies.intent import Reading
from labkit.sim.replies.words import QUESTION_FRAME, STOP_WORDS, stem
from labkit.sim.sampling import SamplingParams, select_token

# The skill gap between a correct and a wrong alternative is SKILL_OFFSET + SKILL_SCALE * the
# model's skill (catalog skill + effort + thinking - fault penalties), in logit units. Tuned so
# that effort matters more than the extra chances to err that longer answers bring: replies with
# a wrong claim, on the labelled prompts, fall from about 9% to 2% from low to max effort on
# sim-sonnet-4-6 (the data card has the table).
SKILL_OFFSET = -1.2
SKILL_SCALE = 2.0
JITTER = 0.3  # width of the fixed per-alternative offsets that break ties between equal weights
INCLUDE_OPTIONAL = 0.4  # an optional step is said a little more often than not
MASSIVE_SCALE = (
    30017.3  # float32 rounding residue of about 0.003: about 2% of prompts meet a near-tie
)
BRIEF_WORDS = 100  # the Apr 2026 instruction: final answers of at most 100 words
BRIEF_NOTE_WORDS = 25  # ... and at most 25 words between tool calls
CORRUPT_FOREIGN_PER_WORD = (
    0.012  # a corrupted reply of 40 words shows foreign script 38% of the time
)
CORRUPT_CODE = 0.5  # share of corrupted code blocks that get a syntax error
SUMMARISE = "summarise"
KIND_BONUS = 3.0  # logits for the summary plan written for the kind of text pasted
# The kinds of pasted text summary/kinds.py tells apart, and words of the plans written for them.
_KIND_PLANS: dict[str, tuple[str, ...]] = {
    "log": ("key lines", "last line"),
    "test output": ("test run",),
    "traceback": ("traceback",),
    "diff": ("a diff",),
    "email": ("email",),
    "chat thread": ("chat thread", "discussion"),
    "meeting notes": ("discussion", "status update"),
    "bug report": ("bug report",),
    "text": ("article or passage",),
}
RELEVANCE_WEIGHT = 1.0  # logits per unit of plan relevance: the plan that talks about the prompt
RELEVANCE_CAP = 5.0
MATCH_BONUS = 3.0
STYLE_BONUS = 1.5
# Logits per unit of closeness to a plan's asks (0..1): a prompt that is nearly one of them gets
# that plan almost always; one half-way between two neighbours gets either.
ASK_WEIGHT = 10.0
CONTEXT_WORDS = 25  # a later turn this short is read together with the question before it
CONTEXT_SHARE = 1.0  # ... whose closeness counts as much as the turn's own
REPEAT_PENALTY = 0.3  # closeness taken from a plan the last answer said in full (3 logits)
SCOPE_BELOW = 0.2  # no plan this close to a question about unknown things: say so (_scoped)
# A question about how to use, install or read up on a named thing the bank does not know ("the
# FluxoraDB python client", "the pytest-hyperfixture plugin") is about that thing: a plan only
# somewhat close to its other words ("connect", "query") answers a neighbouring question.
SCOPE_NAMED_BELOW = 0.4
_ABOUT_A_NAMED_THING = re.compile(
    r"\b(?:use|using|install\w*|set ?up|configur\w*|docs?|documentation|api|client|plugin|"
    r"library|package|module|sdk|version|v\d+|what (?:is|does|are)|how does)\b",
    re.I,
)
SCOPE_TERMS = 3  # unknown words named, at most
SCOPE_UNNAMED = "this particular setup"  # what is not known, when no unknown word is a name
_WORD_AS_TYPED = re.compile(r"[A-Za-z][A-Za-z0-9_+#.-]*[A-Za-z0-9+#]|[A-Za-z]")
# A wrong sentence inside an otherwise correct answer is rarer than a wrong approach followed
# through (a wrong plan): models are more often coherently wrong than self-contradictory.
STEP_WRONG_PENALTY = 1.0

_SENTENCE_END = re.compile(r"[.!?](?:[\"')\]`]*)$")


@dataclass(frozen=True)
class Setting:
    """What the serving stack and the request decide about how a reply is sampled."""

    effort: str
    skill: float
    params: SamplingParams
    batch_size: int = 1
    drop_top_rate: float = 0.0
    brief: bool = False

    @property
    def gap(self) -> float:
        return max(SKILL_OFFSET + SKILL_SCALE * self.skill, 0.0)


@dataclass
class Composition:
    """A composed reply and how it was made (the simulator's own record; never sent)."""

    text: str
    topic: str
    plan: str
    wrong: int = 0  # wrong choices made: a wrong plan, wrong alternatives, buggy code


class Chooser:
    """Makes one sampled choice after another for one reply."""

    def __init__(self, setting: Setting, rng: np.random.Generator) -> None:
        self.setting = setting
        self.rng = rng
        self.split = lm.split_for_batch(setting.batch_size)
        self.wrong = 0

    def pick(self, key: str, options: Sequence[Alternative]) -> int:
        """Index of the chosen alternative (counting wrong choices)."""
        priors, wrong = _alternative_priors(tuple(options))
        index = self._choose(key, priors, wrong)
        self.wrong += not options[index].correct
        return index

    def pick_weighted(self, key: str, priors: Sequence[float], wrong: Sequence[bool]) -> int:
        index = self._choose(key, priors, wrong)
        self.wrong += wrong[index]
        return index

    def include(self, key: str) -> bool:
        offset = INCLUDE_OPTIONAL + JITTER * (unit_hash("optional", key) - 0.5) * 0.5
        return self._choose(key + ":optional", [offset, 0.0], [False, False]) == 0

    def _choose(self, key: str, priors: Sequence[float], wrong: Sequence[bool]) -> int:
        if len(priors) == 1:
            return 0
        logits = self._logits(key, priors, wrong)
        rate = self.setting.drop_top_rate
        drop = rate > 0 and self.rng.random() < rate
        return select_token(logits, self.setting.params, self.rng, drop_top_token=drop)

    def _logits(
        self, key: str, priors: Sequence[float], wrong: Sequence[bool]
    ) -> npt.NDArray[np.float32]:
        k = len(priors)
        big = _massive(key, k)
        prior = np.asarray(priors, dtype=np.float32)
        skill = np.where(np.asarray(wrong), -self.setting.gap, 0.0).astype(np.float32)
        # The same interleaving as lm.LanguageModel.components: each big term far from its twin.
        parts = [big[0], prior, big[2], big[5], skill, big[1], big[4], big[3]]
        bounds = [round(i * len(parts) / self.split) for i in range(self.split + 1)]
        total = np.zeros(k, dtype=np.float32)
        for start, stop in itertools.pairwise(bounds):
            tile = parts[start].copy()
            for part in parts[start + 1 : stop]:
                tile += part
            total += tile
        return total


@lru_cache(maxsize=4096)
def _massive(key: str, k: int) -> tuple[npt.NDArray[np.float32], ...]:
    """Three pairs of large float32 vectors, each pair summing to exactly zero."""
    seed = int.from_bytes(hashlib.blake2b(f"{key}/{k}".encode(), digest_size=8).digest(), "big")
    rows = np.random.default_rng(seed).normal(size=(3, k)) * MASSIVE_SCALE
    out = []
    for row in rows:
        out += [row.astype(np.float32), (-row).astype(np.float32)]
    return tuple(out)


@lru_cache(maxsize=16384)
def _alternative_priors(
    options: tuple[Alternative, ...],
) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    """Each alternative's logit before skill, and which are wrong: fixed for a bank."""
    priors = tuple(_prior(a) - (0.0 if a.correct else STEP_WRONG_PENALTY) for a in options)
    return priors, tuple(not a.correct for a in options)


def _prior(alternative: Alternative) -> float:
    prior = float(np.log(alternative.weight))
    if not alternative.weighted:
        prior += JITTER * (unit_hash("alternative", alternative.text) - 0.5)
    return prior


# -- text --------------------------------------------------------------------------------------
class Writer:
    """Paragraphs of sentences and code blocks, with the prompt's subject filled in."""

    def __init__(self, subject: str, fills: dict[str, str] | None = None) -> None:
        self.subject = subject
        self.fills = fills or {}
        self.paragraphs: list[list[str]] = []
        self.words = 0

    def fill(self, text: str) -> str:
        text = text.replace("{subject}", self.subject)
        for name, value in self.fills.items():
            text = text.replace("{" + name + "}", value)
        return _capitalise(text)

    def say(self, text: str, *, paragraph: bool = False, literal: bool = False) -> None:
        """Add a sentence; `literal` text (read from the user's code) is not filled in."""
        sentence = text if literal else self.fill(text)
        if paragraph or not self.paragraphs:
            self.paragraphs.append([])
        self.paragraphs[-1].append(sentence)
        self.words += len(sentence.split())

    def code(self, code: str, lang: str = "python") -> None:
        self.paragraphs.append([f"```{lang}\n{code.rstrip()}\n```"])
        self.paragraphs.append([])
        self.words += len(code.split())

    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs if p)


def _capitalise(text: str) -> str:
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :] if i == 0 else text
        if char not in "\"'(":
            return text
    return text


def say_steps(
    steps: Sequence[Step],
    key: str,
    writer: Writer,
    chooser: Chooser,
    *,
    word_limit: int | None = None,
) -> None:
    """Say each step the effort reaches, in order; stop before going over `word_limit`."""
    rank = EFFORT_RANK.get(chooser.setting.effort, 2)
    for number, step in enumerate(steps):
        if step.effort > rank:
            continue
        here = f"{key}/{number}"
        if step.optional and (chooser.setting.brief or not chooser.include(here)):
            continue
        if step.code is not None:
            if word_limit is not None and writer.words and writer.words > word_limit // 2:
                continue
            writer.code(step.code, step.lang)
            continue
        index = chooser.pick(here, step.alternatives)
        text = step.alternatives[index].text
        if (
            word_limit is not None
            and writer.words
            and writer.words + len(text.split()) > word_limit
        ):
            break
        writer.say(text, paragraph=step.paragraph)


def choose_plan(
    topic: Topic, reading: Reading, chooser: Chooser, asked: Mapping[str, float] | None = None
) -> Plan:
    """One plan of the topic, sampled: `asked` is each plan's closeness to the prompt (asks.py)."""
    plans, priors, wrong = _plan_priors(
        topic, reading.text, reading.style, reading.in_english, tuple((asked or {}).items())
    )
    index = chooser.pick_weighted(f"{topic.id}/plan/{reading.style}", priors, wrong)
    return plans[index]


@lru_cache(maxsize=4096)
def _plan_priors(
    topic: Topic,
    text: str,
    style: str,
    in_english: bool,
    asked_items: tuple[tuple[str, float], ...],
) -> tuple[tuple[Plan, ...], tuple[float, ...], tuple[bool, ...]]:
    """The candidate plans for a prompt and their logits before skill: the same for every
    request that sends this prompt, so experiments that repeat it pay for it once."""
    content = summary.has_material(text)
    if not in_english and any(p.when == "other_language" for p in topic.plans):
        plans = [p for p in topic.plans if p.when == "other_language"]
    else:
        when = ("always", "content" if content else "no_content")
        plans = [p for p in topic.plans if p.when in when]
        plans = plans or [p for p in topic.plans if p.when != "other_language"] or list(topic.plans)
    # In a general topic, a plan named after what the prompt asks for ("a haiku about ...") is
    # the one to use. (Domain plans are chosen by relevance and their `match` phrases instead.)
    lowered = text.lower()
    named = [
        p for p in plans if topic.kind == "general" and p.correct and _names_in(p.name, lowered)
    ]
    plans = named or plans
    relevance = plan_relevance(topic, text)
    # A misconception wins when skill fails, not because it matches the prompt better than every
    # correct answer: a wrong plan is never more relevant than the most relevant correct one.
    best_correct = max((relevance.get(p.name, 0.0) for p in plans if p.correct), default=0.0)
    for plan in plans:
        if not plan.correct and plan.name in relevance:
            relevance[plan.name] = min(relevance[plan.name], best_correct)
    asked = dict(asked_items)
    # Pasted material to summarise: the plan written for its kind (an email, a traceback).
    # (Not when a length is asked: "in two sentences" is the plan to use, whatever the kind.)
    counted = content and summary.length_asked(summary.split_request(text)[0])[1] > 0
    kind_words = () if counted or not content else _KIND_PLANS.get(summary.fills(text)["kind"], ())
    priors = tuple(
        float(np.log(p.weight))
        + JITTER * (unit_hash("plan", p.name) - 0.5)
        + RELEVANCE_WEIGHT * relevance.get(p.name, 0.0)
        + ASK_WEIGHT * asked.get(p.name, 0.0)
        # A how-to plan for a how-to question, an explanation for a what/why question: a
        # preference, not a rule, so that a plan about the very thing asked still wins.
        + (STYLE_BONUS if style != "any" and p.style in (style, "any") else 0.0)
        + (KIND_BONUS if kind_words and any(w in p.name for w in kind_words) else 0.0)
        for p in plans
    )
    return tuple(plans), priors, tuple(not p.correct for p in plans)


_CONTENT = re.compile(r"[a-z][a-z0-9_+-]{2,}")
_COMMON = (
    STOP_WORDS
    | QUESTION_FRAME
    | frozenset(
        [
            "your",
            "what",
            "how",
            "why",
            "when",
            "were",
            "not",
            "but",
            "its",
            "it's",
            "use",
            "using",
            "have",
            "has",
            "about",
            "from",
            "into",
            "they",
            "them",
            "then",
            "than",
            "there",
            "their",
            "which",
            "like",
            "more",
            "most",
            "some",
            "any",
            "all",
            "one",
            "two",
            "get",
            "make",
            "good",
            "best",
            "way",
            "need",
            "want",
            "know",
            "think",
            "really",
            "also",
            "very",
            "much",
            "many",
            "here",
            "where",
            "who",
        ]
    )
)


def _content_words(text: str) -> set[str]:
    return {
        w[:-1] if w.endswith("s") and len(w) > 4 else w for w in _CONTENT.findall(text.lower())
    } - _COMMON


@cache
def _plan_words(topic: Topic) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each plan's content words (its name and its correct sentences), computed once a topic."""
    out = []
    for plan in topic.plans:
        words = _content_words(plan.name)
        for step in plan.steps:
            for alternative in step.alternatives:
                if alternative.correct:
                    words |= _content_words(alternative.text)
        out.append((plan.name, frozenset(words)))
    return tuple(out)


@lru_cache(maxsize=8192)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    # A phrase that starts with a letter must not start inside a word ("\b" would never match
    # before "*args" or "@property"); one that starts with a symbol ("[::-1]", "?.") may follow
    # anything, as it does in `s[::-1]` or `user?.name`.
    lowered = phrase.lower()
    guard = r"(?<![a-z0-9_])" if lowered[:1].isalnum() or lowered[:1] == "_" else ""
    return re.compile(guard + re.escape(lowered))


def _patterns(plan: Plan) -> list[re.Pattern[str]]:
    return [phrase_pattern(m) for m in plan.match]


def plan_relevance(topic: Topic, text: str) -> dict[str, float]:
    """How much of the prompt each plan talks about: its rare words count most (idf-weighted)."""
    plans = _plan_words(topic)
    # The topic's own words ("debugging" in the debugging topic) say which topic, not which plan.
    asked = _content_words(text) - _content_words(f"{topic.id.replace('_', ' ')} {topic.title}")
    if not plans:
        return {}
    count = len(plans)
    lowered = text.lower()
    relevance = {}
    for plan, (name, words) in zip(topic.plans, plans, strict=True):
        score = 0.0
        for word in sorted(asked & words):  # a fixed order: float sums must not vary by process
            share = sum(word in other for _, other in plans) / count
            score += float(np.log(1.0 / share))  # a word every plan uses says nothing
        # Shared words count up to a cap (a long prompt shares many words with any plan); the
        # author's own cues, the `match` phrases found in the prompt, count in full on top.
        score = min(score, RELEVANCE_CAP)
        score += MATCH_BONUS * sum(bool(pattern.search(lowered)) for pattern in _patterns(plan))
        relevance[name] = score
    return relevance


def _names_in(name: str, text: str) -> bool:
    """True when every word of a plan's name (of four letters or more) occurs in the text."""
    words = [w for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 4]
    return bool(words) and all(re.search(rf"\b{w}", text) for w in words)


def compose_text(
    bank: Bank,
    reading: Reading,
    setting: Setting,
    rng: np.random.Generator,
) -> Composition:
    """The reply to a conversation read as `reading`."""
    from labkit.sim.replies import code as code_answers
    from labkit.sim.replies import (
        concept_replies,
        dates,
        drafts,
        errors,
        figures,
        followup,
        own_code,
        rewrite,
    )

    topic = bank.topics.get(reading.topic) or bank.topics["unclear"]
    chooser = Chooser(setting, rng)
    fills = summary.fills(reading.text) if topic.id == SUMMARISE else None
    writer = Writer(reading.subject or topic.subject_default, fills)
    limit = BRIEF_WORDS if setting.brief else None
    followup_turn = reading.followup is not None

    def topic_followup() -> str:
        # The topic's own follow-up steps, else the general ones of the mode.
        mode = reading.followup or ""
        steps = topic.followups.get(mode) or (
            bank.followups[mode].steps if mode in bank.followups else ()
        )
        if steps:
            say_steps(steps, f"{topic.id}/followup:{mode}", writer, chooser, word_limit=limit)
        return f"followup:{mode}"

    def plan_answer() -> str:
        asked = _asked_in_context(bank, topic, reading)
        if topic.writes_code:
            return code_answers.write(topic, reading, writer, chooser, asked, word_limit=limit)
        terms = _scoped(bank, topic, reading, asked)
        if terms is not None and topic.general_plan is not None:
            general = topic.general_plan
            writer.fills["terms"] = terms
            say_one(bank.framing("scope", "unknown"), "scope/unknown", writer, chooser)
            say_steps(
                general.steps, f"{topic.id}/{general.name}", writer, chooser, word_limit=limit
            )
            return f"scope:{general.name}"
        return _say_plan(topic, reading, writer, chooser, asked, limit)

    # The answerers in the order they are tried; the first that writes anything gives the reply.
    # Each is paired with whether it serves a follow-up turn, a new question, or both.
    # - Pasted error output is diagnosed first: a traceback is not code to review, and a turn
    #   that carries one is not "make it shorter" either.
    # - A follow-up is built from the earlier answer where it can be (more of its plan, a
    #   shorter version, another one); otherwise the topic's follow-up steps.
    # - Then the worked answers that read the prompt's own material (a sum, a date, figures, a
    #   text to rewrite, facts for a draft, pasted code), then a concept the question names
    #   (unless a plan answers it closely), and last the topic's plans.
    answerers: tuple[tuple[bool | None, Callable[[], str]], ...] = (
        (None, lambda: errors.answer(bank, reading, writer, chooser)),
        (True, lambda: followup.answer(bank, topic, reading, writer, chooser, limit)),
        (True, topic_followup),
        (False, lambda: _arithmetic(bank, reading.text, writer, chooser)),
        (False, lambda: dates.answer(bank, reading, writer, chooser)),
        (None, lambda: figures.answer(bank, reading, writer, chooser)),
        (False, lambda: rewrite.answer(bank, reading, writer, chooser)),
        (False, lambda: drafts.answer(bank, reading, writer, chooser)),
        (None, lambda: own_code.answer(bank, topic, reading, writer, chooser) or ""),
        (False, lambda: concept_replies.answer(bank, topic, reading, writer, chooser, limit)),
        (None, plan_answer),
    )
    plan_name = ""
    for serves_followups, answer in answerers:
        if serves_followups is None or serves_followups == followup_turn:
            plan_name = answer()
            if writer.paragraphs:
                break
    text = writer.text()
    return Composition(text, topic.id, plan_name, chooser.wrong)


def _say_plan(
    topic: Topic,
    reading: Reading,
    writer: Writer,
    chooser: Chooser,
    asked: Mapping[str, float],
    limit: int | None,
) -> str:
    """Say a sampled plan of the topic; later in a conversation, never the same answer again."""
    from labkit.sim.replies import followup

    plan = choose_plan(topic, reading, chooser, asked)
    steps = plan.steps
    if reading.earlier:
        # A new question about what was just answered gets what the plan has not said yet; if
        # it said everything, another plan.
        unsaid = followup.unsaid_steps(plan, reading.earlier[-1])
        if unsaid is not None and not unsaid:
            penalised = {**asked, plan.name: asked.get(plan.name, 0.0) - REPEAT_PENALTY}
            plan = choose_plan(topic, reading, chooser, penalised)
            steps = plan.steps
        elif unsaid:
            steps = tuple(unsaid)
    say_steps(steps, f"{topic.id}/{plan.name}", writer, chooser, word_limit=limit)
    return plan.name


def _scoped(bank: Bank, topic: Topic, reading: Reading, asked: Mapping[str, float]) -> str | None:
    """The prompt's unknown words, as said before the topic's general plan, for a question about
    things the bank does not know; None for any other question.

    Outside readers judged most off-topic replies to be confident answers to another question:
    "exit code 137" got the plan about "connection refused", the closest the bank had. A real
    assistant that does not know says so; this one says which words it does not know and gives
    the topic's general approach. It does when no plan is close to the question (closeness below
    SCOPE_BELOW: on an outside set, 19 of 42 such replies were judged off topic and 2 on topic)
    and the question uses content words no example, ask or plan of the bank knows.
    """
    closest = max(asked.values(), default=0.0)
    if topic.general_plan is None or closest >= max(SCOPE_BELOW, SCOPE_NAMED_BELOW):
        return None
    foreign, _ = intent.classifier_for(bank).foreign_words(reading.text)
    if not foreign:
        return None
    unknown = set(foreign)
    # Only words that look like names are named ("Metaspace", "useEffect", "lldb-18"): an
    # ordinary word the bank happens not to use ("redeploying") is not what it does not know.
    # A hyphenated name counts when a part of it is unknown ("pytest-hyperfixture").
    named = [
        m.group()
        for m in _WORD_AS_TYPED.finditer(reading.text)
        if any(stem(part) in unknown for part in {m.group().lower(), *m.group().lower().split("-")})
        and _looks_like_a_name(m.group(), m.start(), reading.text)
    ]
    terms = list(dict.fromkeys(named))[:SCOPE_TERMS]
    if closest >= SCOPE_BELOW and not (terms and _ABOUT_A_NAMED_THING.search(reading.text)):
        return None
    if not terms:
        return SCOPE_UNNAMED
    return ", ".join(terms[:-1]) + (" and " if len(terms) > 1 else "") + terms[-1]


def _looks_like_a_name(word: str, start: int, text: str) -> bool:
    if any(not c.isalpha() for c in word) or any(c.isupper() for c in word[1:]):
        return True  # lldb-18, node.js, useEffect, OOM
    before = text[:start].rstrip()
    # A capital that does not start a sentence: "after redeploying Tomcat".
    return word[0].isupper() and bool(before) and before[-1] not in ".!?:\n"


def _asked_in_context(bank: Bank, topic: Topic, reading: Reading) -> Mapping[str, float]:
    """Each plan's closeness to the prompt; for a short question later in a conversation, also
    to it read with the question before it ("is it worth it for a 20k-line project?" after
    "what is mutation testing")."""
    index = asks.index_for(bank)
    asked = index.similarity(topic.id, reading.text)
    if len(reading.earlier) < 2 or len(reading.text.split()) > CONTEXT_WORDS:
        return asked
    together = index.similarity(topic.id, f"{reading.earlier[-2]} {reading.text}")
    closeness = {
        name: max(asked.get(name, 0.0), CONTEXT_SHARE * together.get(name, 0.0))
        for name in asked.keys() | together.keys()
    }
    return closeness


def _arithmetic(bank: Bank, text: str, writer: Writer, chooser: Chooser) -> str:
    """A prompt that is nothing but a sum gets its value (arithmetic.py); "" for any other."""
    body = arithmetic.expression(text)
    if body is None:
        return ""
    writer.fills = {"expression": arithmetic.pretty(body)}
    try:
        writer.fills["value"] = arithmetic.shown(arithmetic.evaluate(body))
        part = "answer"
    except ValueError as problem:
        writer.fills["reason"] = str(problem)
        part = "unanswerable"
    say_one(bank.framing("arithmetic", part), f"arithmetic/{part}", writer, chooser)
    return "arithmetic"


def compose_lines(
    lines: Sequence[str],
    key: str,
    words: int,
    subject: str,
    setting: Setting,
    rng: np.random.Generator,
) -> str:
    """About `words` words of lines in sampled order (each at most once): a model's thinking."""
    writer = Writer(subject)
    chooser = Chooser(setting, rng)
    remaining = [Alternative(line) for line in dict.fromkeys(lines)]
    while remaining and writer.words < words:
        index = chooser.pick(f"{key}/{len(remaining)}", remaining)
        writer.say(remaining.pop(index).text, paragraph=writer.words > 0 and rng.random() < 0.2)
    return writer.text()


def say_one(
    options: Sequence[Alternative],
    key: str,
    writer: Writer,
    chooser: Chooser,
    *,
    paragraph: bool = False,
) -> None:
    """Say one of `options`, sampled (nothing when there are none)."""
    if options:
        writer.say(options[chooser.pick(key, options)].text, paragraph=paragraph)


def compose_line(
    options: Sequence[Alternative], key: str, setting: Setting, rng: np.random.Generator
) -> str:
    """One sampled sentence on its own: an agent's note before a tool call, or its last word."""
    writer = Writer("the task")
    say_one(options, key, writer, Chooser(setting, rng))
    return writer.text()


def compose_note(
    bank: Bank, tool: str, setting: Setting, after_failure: bool, rng: np.random.Generator
) -> str:
    """The short note a coding agent writes before a tool call."""
    effort = "low" if setting.brief else setting.effort
    options = bank.preamble(tool, effort, after_failure)
    return compose_line(options, f"preamble/{tool}/{effort}/{after_failure}", setting, rng)


# -- faults ------------------------------------------------------------------------------------
_PROSE_WORD = re.compile(r"(?<=[a-z]) (?=[a-z]{3,}\b)")
_CODE_BLOCK = re.compile(r"```[a-z]*\n(.*?)\n```", re.S)


def corrupt(text: str, rng: np.random.Generator) -> tuple[str, bool]:
    """The Aug 2025 TPU misconfiguration: a rare foreign-script token, or a syntax error in code.

    Applied to the text a user sees (after max_tokens), as a per-token fault would be: the longer
    the reply, the likelier a foreign token. Returns the text and whether anything changed.
    """
    changed = False
    blocks = list(_CODE_BLOCK.finditer(text))
    if blocks and rng.random() < CORRUPT_CODE:
        block = blocks[int(rng.integers(len(blocks)))]
        broken = _break_code(block.group(1), rng)
        if broken != block.group(1):
            text = text[: block.start(1)] + broken + text[block.end(1) :]
            changed = True
    words = len(text.split())
    if rng.random() < 1 - (1 - CORRUPT_FOREIGN_PER_WORD) ** words:
        prose = [m for m in _PROSE_WORD.finditer(text) if not _inside(m.start(), _CODE_BLOCK, text)]
        if prose:
            where = prose[int(rng.integers(len(prose)))].start()
            token = lm.FOREIGN_TOKENS[int(rng.integers(len(lm.FOREIGN_TOKENS)))]
            text = f"{text[:where]} {token}{text[where:]}"
            changed = True
    return text, changed


def _inside(position: int, pattern: re.Pattern[str], text: str) -> bool:
    return any(m.start() <= position < m.end() for m in pattern.finditer(text))


def _break_code(code: str, rng: np.random.Generator) -> str:
    lines = code.split("\n")
    colons = [i for i, line in enumerate(lines) if line.rstrip().endswith(":")]
    if colons:
        i = colons[int(rng.integers(len(colons)))]
        lines[i] = lines[i].rstrip()[:-1]  # a block header without its colon
        return "\n".join(lines)
    closers = [i for i, line in enumerate(lines) if line.rstrip().endswith(")")]
    if closers:
        i = closers[int(rng.integers(len(closers)))]
        lines[i] = lines[i].rstrip()[:-1]  # an unclosed call
    return "\n".join(lines)


def ends_a_sentence(text: str) -> bool:
    """True when a reply ends as a sentence (or a code block) should."""
    stripped = text.rstrip()
    return bool(_SENTENCE_END.search(stripped)) or stripped.endswith("```")
