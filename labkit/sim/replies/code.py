"""Code answers: a task of the suite or a snippet of the bank, written out in a fenced block.

Asked for code, the simulated model answers with real code: the task suite's candidate solutions
(datasets/tasks) when the request matches a task, otherwise the snippets of the bank's
write_code topic. Each offers a correct version and plausible buggy ones, chosen as any other
alternative is: the skill gap makes the correct one likelier, never certain.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from labkit import tasks
from labkit.sim.faults import unit_hash
from labkit.sim.replies.bank import EFFORT_RANK, Alternative, Topic, Variant
from labkit.sim.replies.compose import JITTER, Chooser, Writer, choose_plan, say_steps
from labkit.sim.replies.intent import Reading
from labkit.sim.replies.words import STOP_WORDS

MATCH_THRESHOLD = 2.5
PARTIAL = 0.6  # a phrase with only some of its words present counts this much
MIN_COVERAGE = 0.34  # share of the request's telling words a one-word match must cover
# Words that say what code works on in general, not which code is asked for.
_PLAIN = frozenset(
    [
        "list",
        "string",
        "number",
        "value",
        "input",
        "output",
        "take",
        "check",
        "get",
        "file",
        "data",
        "given",
        "each",
        "all",
        "one",
        "two",
        "new",
        "like",
        "work",
        "handle",
        "should",
        "always",
        "same",
        "also",
        "just",
        "only",
        "tiny",
        "short",
        "standard",
        "library",
        "only",
    ]
)
# Nouns that make a subject name the code asked for ("a function that ..."): others ("a file")
# name what the code works on, and the topic's default reads better.
_CODE_NOUNS = re.compile(
    r"\b(function|class|script|helper|method|program|decorator|generator|cli|parser|test|query|"
    r"one-liner|command)\b"
)
_WORD = re.compile(r"[a-z0-9]+")
_GENERIC = STOP_WORDS | frozenset(
    [
        "write",
        "function",
        "python",
        "code",
        "implement",
        "create",
        "give",
        "make",
        "which",
        "returns",
        "return",
        "need",
        "want",
        "helper",
        "method",
        "script",
        "program",
        "simple",
        "small",
        "quick",
        "using",
        "from",
        "into",
    ]
)


@dataclass(frozen=True)
class Answer:
    name: str
    keywords: tuple[frozenset[str], ...]  # each a set of words that together name the request
    variants: tuple[Variant, ...]
    difficulty: float
    lang: str = "python"


# Words that name a language, not what the code must do ("sql median salary").
_LANGUAGE_WORDS = frozenset(
    [
        "sql",
        "bash",
        "shell",
        "javascript",
        "typescript",
        "js",
        "ts",
        "node",
        "react",
        "postgres",
        "postgresql",
        "mysql",
        "sqlite",
        "liner",
        "one",
        "command",
        "query",
        "git",
    ]
)
# The language a request names ("a bash one-liner", "in JavaScript"); Python when none.
_LANGUAGES = (
    (
        "bash",
        re.compile(r"\b(bash|shell|sh|zsh|one-liner|oneliner|git (?:command|one-liner))\b", re.I),
    ),
    ("sql", re.compile(r"\b(sql|postgres(?:ql)?|mysql|sqlite)\b", re.I)),
    ("typescript", re.compile(r"\b(typescript|ts)\b", re.I)),
    ("javascript", re.compile(r"\b(javascript|js|node(?:\.js)?|react)\b", re.I)),
)


def language_asked(text: str) -> str:
    """The language the request asks code in: python, bash, sql, javascript, typescript."""
    if re.search(r"\bpython\b", text, re.I):
        return "python"
    for lang, pattern in _LANGUAGES:
        if pattern.search(text):
            return lang
    return "python"


def _words(text: str) -> set[str]:
    out = set()
    for word in _WORD.findall(text.lower().replace("_", " ")):
        if word in _GENERIC:
            continue
        out.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return out


@cache
def suite_tasks() -> tuple[tasks.Task, ...]:
    """The task suite, or nothing: a broken suite must not take replies down with it."""
    try:
        return tuple(tasks.load_suite())
    except tasks.TaskError:
        return ()


@cache
def _suite_answers() -> tuple[Answer, ...]:
    answers = []
    for task in suite_tasks():
        keys = (frozenset(_words(task.entry_point)), frozenset(_words(task.title)))
        variants = tuple(
            Variant(c.kind, c.code.strip("\n"), "")
            for c in task.candidates
            if c.kind != "infinite_loop"
        )
        answers.append(Answer(task.id, keys, variants, task.difficulty))
    return tuple(answers)


@cache
def answers_for(topic: Topic) -> tuple[Answer, ...]:
    snippets = tuple(
        Answer(s.name, tuple(frozenset(_words(m)) for m in s.match), s.variants, 0.3, s.lang)
        for s in topic.snippets
    )
    return _suite_answers() + snippets


@cache
def _idf(topic: Topic) -> dict[str, float]:
    """How rare each keyword is among the topic's answers: a rare one names its answer."""
    answers = answers_for(topic)
    counts: Counter[str] = Counter()
    for answer in answers:
        counts.update(set().union(*answer.keywords))
    return {word: math.log(1 + len(answers) / n) for word, n in counts.items()}


def best_answer(topic: Topic, text: str) -> Answer | None:
    """The task or snippet the request names best, or None when nothing matches well."""
    answers = answers_for(topic)
    if not answers:
        return None
    idf = _idf(topic)
    words = _words(text)
    # Code in the language asked for, or nothing: Python is no answer to "a bash one-liner".
    lang = language_asked(text)
    best: tuple[float, int] = (0.0, -1)
    best_hits: frozenset[str] = frozenset()
    for number, answer in enumerate(answers):
        if answer.lang != lang:
            continue
        score, hits_of_best = 0.0, frozenset[str]()
        for key in answer.keywords:
            if not key:
                continue
            hits = key & words
            # A phrase counts in full when all of its words are there, by half otherwise.
            value = sum(idf.get(w, 0.0) for w in hits) * (1.0 if hits == key else PARTIAL)
            if value > score:
                score, hits_of_best = value, frozenset(hits)
        if (score, -number) > best:
            best, best_hits = (score, -number), hits_of_best
    score, negative = best
    if score < MATCH_THRESHOLD:
        return None
    # One shared word is not a match when the request names several things the answer does not
    # ("a Wilson score interval for a binomial proportion" is not "merge overlapping intervals").
    named = words - _PLAIN - _LANGUAGE_WORDS
    if len(best_hits) == 1 and len(named) >= 3 and len(best_hits) / len(named) < MIN_COVERAGE:
        return None
    return answers[-negative]


def write(
    topic: Topic,
    reading: Reading,
    writer: Writer,
    chooser: Chooser,
    asked: Mapping[str, float] | None = None,
    *,
    word_limit: int | None,
) -> str:
    """Write a code answer into `writer`; returns what was answered (the plan's name)."""
    answer = best_answer(topic, reading.text)
    rank = EFFORT_RANK.get(chooser.setting.effort, 2)
    if not reading.subject or not _CODE_NOUNS.search(reading.subject):
        writer.subject = topic.subject_default
    if answer is None:
        if topic.plans:  # a topic may still answer in prose when nothing matches
            plan = choose_plan(topic, reading, chooser, asked)
            say_steps(plan.steps, f"{topic.id}/{plan.name}", writer, chooser, word_limit=word_limit)
            return plan.name
        return _skeleton(topic, reading, writer, chooser)
    if topic.intro:
        writer.say(_pick(chooser, f"{topic.id}/intro", topic.intro))
    # Harder tasks make the wrong versions likelier; a fixed offset per version breaks ties
    # between two correct ones (a near-tie is the batch's to decide, an exact tie would be ours).
    priors = [
        (0.0 if v.correct else -1.0 + 2.0 * answer.difficulty)
        + JITTER * (unit_hash("code", v.code) - 0.5)
        for v in answer.variants
    ]
    index = chooser.pick_weighted(
        f"{topic.id}/{answer.name}", priors, [not v.correct for v in answer.variants]
    )
    variant = answer.variants[index]
    writer.code(variant.code, answer.lang)
    if variant.note:
        writer.say(variant.note)
    if topic.caveat and rank >= EFFORT_RANK["medium"] and not chooser.setting.brief:
        writer.say(_pick(chooser, f"{topic.id}/caveat", topic.caveat))
    if topic.outro:
        writer.say(_pick(chooser, f"{topic.id}/outro", topic.outro))
    return answer.name


def _pick(chooser: Chooser, key: str, options: tuple[Alternative, ...]) -> str:
    return options[chooser.pick(key, options)].text


_ACTION = re.compile(
    r"\b(?:that|which|to)\s+((?:[a-z]+)(?:\s+(?:a|an|the|my|some|all|two|each)?\s*[a-z]+){0,3})",
    re.I,
)


def function_name(text: str) -> str:
    """A snake_case name for the function a request describes ("parses a log line": parse_log_line)."""
    found = _ACTION.search(text)
    phrase = found.group(1) if found else " ".join(sorted(_words(text))[:3])
    words = [w for w in _WORD.findall(phrase.lower()) if w not in {"a", "an", "the", "my", "some"}]
    if words:
        words[0] = _base_form(words[0])
    name = "_".join(words[:4]) or "solve"
    return name if name.isidentifier() and not name[0].isdigit() else "solve"


def _base_form(verb: str) -> str:
    """'parses' -> 'parse', 'compresses' -> 'compress', 'copies' -> 'copy', 'sorts' -> 'sort'."""
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("sses", "ches", "shes", "xes", "zes")):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith(("ss", "us", "is")) and len(verb) > 3:
        return verb[:-1]
    return verb


def _skeleton(topic: Topic, reading: Reading, writer: Writer, chooser: Chooser) -> str:
    name = function_name(reading.text)
    if topic.unmatched:
        writer.say(_pick(chooser, f"{topic.id}/unmatched", topic.unmatched))
    writer.code(
        f"def {name}(data):\n"
        f'    """{name.replace("_", " ").capitalize()}: say what it takes and returns here."""\n'
        "    # 1. Check the input and fail loudly on what you cannot handle.\n"
        "    # 2. Do the work in small steps you can test one by one.\n"
        '    raise NotImplementedError("decide the input format and the edge cases first")'
    )
    if topic.outro:
        writer.say(_pick(chooser, f"{topic.id}/outro", topic.outro))
    return "skeleton"
