"""Concepts: short explanations of named things (a tool, a technique, a term), read from
datasets/replies/concepts/*.toml, for the questions that name them.

Outside readers judged most off-topic replies to be answers to a neighbouring question: the plan
bank answers the questions its authors foresaw, and "what is pytest.approx?" or "mock vs fake?"
got the closest plan instead. A concept entry answers any question that names its concept:
- a definition ("what is X", "explain X"): what X is, how to use it, its pitfall, an example;
- a comparison ("X vs Y", "X or Y"): the sentence that tells them apart, then each one;
- any other question naming X ("how do I use X with Y"), when no plan of the topic answers the
  question closely: how to use X, its pitfall, an example.
Every part offers alternatives, correct ones and plausible wrong ones, which the composer samples
as it samples plan steps; so concept answers vary, and are sometimes wrong, at the rates effort
and skill give every other answer.

Names are matched on word tokens (lowercased, a plural `s` dropped, hyphens and slashes split),
through an index by first token: a reply pays for the words of its prompt, not for the number of
concepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from labkit.sim.replies.bank import (
    EFFORT_RANK,
    Alternative,
    BankError,
    Plan,
    Step,
    _alternatives,
    _as_wrong,
    _get,
    _no_unknown,
    _read_toml,
    _tables,
)
from labkit.sim.replies.words import STOP_WORDS

CONCEPTS_DIR = "concepts"
_CONCEPT_KEYS = frozenset(
    {"id", "topic", "names", "is", "wrong_is", "use", "wrong_use", "pitfall", "example", "lang"}
    | {"versus"}
)
EXAMPLE_LANGS = frozenset({"python", "bash", "yaml", "text", "toml", "diff", "sql", "json"})
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
# A token: a run of letters, digits and the symbols that belong inside names (`conftest.py`,
# `@pytest.fixture`, `**kwargs`, `pass@k`, `c++`); hyphens, slashes and spaces separate tokens.
_TOKEN = re.compile(r"[a-z0-9_@.*#+^']+")
_TRIM = ".'"  # sentence full stops and quotes around a token are not part of it


# Short forms people type for words concept names spell out ("mutable default args", "env vars",
# "db migrations"): read both sides in the long form so that either matches the other.
_ABBREVIATIONS = {
    "arg": "argument",
    "param": "parameter",
    "func": "function",
    "env": "environment",
    "var": "variable",
    "repo": "repository",
    "db": "database",
    "dir": "directory",
    "lib": "library",
    "dep": "dependency",
    "deps": "dependency",
}


def tokens(text: str) -> tuple[str, ...]:
    """The normalised word tokens of a text, as names are matched against them."""
    out = []
    for raw in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        token = raw.strip(_TRIM)
        if token.endswith("'s"):
            token = token[:-2]
        if not token:
            continue
        # One form for singular and plural: "fixtures" and "fixture", "mocks" and "mock".
        if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
            token = token[:-1]
        out.append(_ABBREVIATIONS.get(token, token))
    return tuple(out)


@dataclass(frozen=True)
class Concept:
    id: str
    topic: str
    names: tuple[str, ...]  # the first is how replies name it
    is_: Step  # what it is
    use: Step  # when and how to use it
    pitfall: Step | None
    example: Step | None  # a code step
    versus: Mapping[str, Step]  # other concept id -> what tells the two apart
    path: Path

    @property
    def name(self) -> str:
        return self.names[0]

    @cached_property
    def definition(self) -> Plan:
        """The answer to "what is X": what it is and how to use it, then, with more effort, its
        pitfall and an example."""
        return Plan(f"concept:{self.id}", self._steps(self.is_, self.use))

    @cached_property
    def howto(self) -> Plan:
        """The answer to another question that names X: how to use it first."""
        return Plan(f"concept-use:{self.id}", self._steps(self.use))

    def _steps(self, *first: Step) -> tuple[Step, ...]:
        medium, high = EFFORT_RANK["medium"], EFFORT_RANK["high"]
        steps = [*first]
        if self.pitfall is not None:
            steps.append(_at_effort(self.pitfall, medium, paragraph=True))
        if self.example is not None:
            steps.append(_at_effort(self.example, high))
        return tuple(steps)

    def comparison(self, other: Concept) -> Plan:
        """The answer to "X vs Y": what tells them apart (when the bank says), then what each is,
        and with more effort how each is used."""
        medium = EFFORT_RANK["medium"]
        apart = self.versus.get(other.id) or other.versus.get(self.id)
        steps = [apart] if apart is not None else []
        steps += [self.is_, other.is_]
        steps += [
            _at_effort(self.use, medium, paragraph=True),
            _at_effort(other.use, medium),
        ]
        return Plan(f"concept-vs:{self.id}:{other.id}", tuple(steps))


def _at_effort(step: Step, effort: int, *, paragraph: bool = False) -> Step:
    return Step(
        alternatives=step.alternatives,
        code=step.code,
        lang=step.lang,
        effort=max(step.effort, effort),
        paragraph=paragraph or step.paragraph,
    )


@dataclass(frozen=True)
class Mention:
    """A concept named in a prompt, at a token position."""

    concept: Concept
    start: int
    length: int


@dataclass(frozen=True)
class Concepts:
    """Every concept of the bank, and the index its names are found by."""

    entries: tuple[Concept, ...] = ()
    # first token of a name -> (the name's tokens, its concept), longest names first
    index: Mapping[str, tuple[tuple[tuple[str, ...], Concept], ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def mentions(self, text: str) -> list[Mention]:
        """The concepts the text names, in order, each once; at each place the longest name
        wins ("pytest fixture" over "fixture"), and names do not overlap."""
        return self.mentions_in(tokens(text))

    def mentions_in(self, words: Sequence[str]) -> list[Mention]:
        """mentions() of a text already split by tokens()."""
        found: list[Mention] = []
        seen: set[str] = set()
        position = 0
        while position < len(words):
            match = self._longest_at(words, position)
            if match is None:
                position += 1
                continue
            length, concept = match
            if concept.id not in seen:
                seen.add(concept.id)
                found.append(Mention(concept, position, length))
            position += length
        return found

    def _longest_at(self, words: Sequence[str], position: int) -> tuple[int, Concept] | None:
        for name, concept in self.index.get(words[position], ()):
            if tuple(words[position : position + len(name)]) == name:
                return len(name), concept
        return None


def load_concepts(folder: Path, topic_ids: frozenset[str]) -> Concepts:
    """The concept files under `folder` (none when it does not exist), validated: a BankError
    names the file and the entry for the first problem."""
    if not folder.is_dir():
        return Concepts()
    entries: list[Concept] = []
    owner: dict[tuple[str, ...], Concept] = {}
    ids: dict[str, Path] = {}
    for path in sorted(p for p in folder.glob("*.toml") if not p.name.startswith((".", "_"))):
        table = _read_toml(path)
        _no_unknown(table, frozenset({"concepts"}), path, "")
        raws = _tables(table, "concepts", path)
        if not raws:
            raise BankError(path, "no [[concepts]] entries")
        in_file = [_concept(raw, path, i, topic_ids) for i, raw in enumerate(raws)]
        for concept in in_file:
            if concept.id in ids:
                raise BankError(
                    path, f"concept id {concept.id!r} is also used in {ids[concept.id].name}"
                )
            ids[concept.id] = path
        local = {c.id for c in in_file}
        for concept in in_file:
            for other in concept.versus:
                if other not in local or other == concept.id:
                    raise BankError(
                        path,
                        f"concept {concept.id!r}: versus.{other} must name another concept of "
                        "this file",
                    )
            for name in concept.names:
                key = tokens(name)
                problem = _name_problem(name, key)
                if problem:
                    raise BankError(path, f"concept {concept.id!r}: name {name!r} {problem}")
                clash = owner.get(key)
                if clash is not None and clash.id != concept.id:
                    raise BankError(
                        path,
                        f"concept {concept.id!r}: name {name!r} is also a name of "
                        f"{clash.id!r} ({clash.path.name})",
                    )
                owner[key] = concept
        entries += in_file
    index: dict[str, list[tuple[tuple[str, ...], Concept]]] = {}
    for key, concept in owner.items():
        index.setdefault(key[0], []).append((key, concept))
    ordered = {
        first: tuple(sorted(names, key=lambda item: (-len(item[0]), item[0])))
        for first, names in index.items()
    }
    return Concepts(tuple(entries), ordered)


def _name_problem(name: str, key: tuple[str, ...]) -> str:
    """Why a name cannot be matched as written, or ""."""
    if not key:
        return "has no words"
    if name.startswith(("/", "-")) and len(key) == 1:
        # Slashes and hyphens separate words, so "/bug" would match every "bug" and "--count"
        # every "count".
        return f"starts with {name[0]!r}, which the matcher reads as a space"
    if len(key) == 1 and (key[0] in STOP_WORDS or len(key[0]) < 2):
        return "is a common word on its own"
    return ""


def _concept(raw: Any, path: Path, number: int, topic_ids: frozenset[str]) -> Concept:
    where = f"concepts[{number}]"
    if not isinstance(raw, dict):
        raise BankError(path, f"{where} must be a table")
    concept_id = _get(raw, "id", str, path, where)
    if not _ID.match(concept_id):
        raise BankError(path, f"{where}: id {concept_id!r} must be snake_case")
    where = f"concept {concept_id!r}"
    _no_unknown(raw, _CONCEPT_KEYS, path, where)
    topic = _get(raw, "topic", str, path, where)
    if topic not in topic_ids:
        raise BankError(path, f"{where}: topic {topic!r} is not a topic of the bank")
    names = raw.get("names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise BankError(path, f"{where}: names must be a non-empty list of strings")
    if any(n != n.lower() or not n.strip() for n in names):
        raise BankError(path, f"{where}: names must be lowercase and non-empty")

    def part(key: str, wrong_key: str | None = None) -> Step:
        says = _alternatives(raw.get(key), path, f"{where}.{key}")
        wrongs: tuple[Alternative, ...] = ()
        if wrong_key is not None:
            wrongs = _alternatives(
                raw.get(wrong_key, []), path, f"{where}.{wrong_key}", allow_empty=True
            )
        for alternative in says + wrongs:
            if not _ENDS_SENTENCE.search(alternative.text):
                raise BankError(
                    path, f"{where}.{key}: {alternative.text[:40]!r}... must end a sentence"
                )
        return Step(alternatives=says + tuple(_as_wrong(a) for a in wrongs))

    example = None
    if "example" in raw:
        code = _get(raw, "example", str, path, where)
        lang = _get(raw, "lang", str, path, where, default="python")
        if lang not in EXAMPLE_LANGS:
            raise BankError(
                path, f"{where}: lang {lang!r} is not one of {', '.join(sorted(EXAMPLE_LANGS))}"
            )
        if lang == "python":
            try:
                compile(code, f"{path.name}:{concept_id}", "exec")
            except SyntaxError as error:
                raise BankError(
                    path,
                    f"{where}: the example is not valid Python ({error.msg}, line {error.lineno})",
                ) from None
        example = Step(code=code.strip("\n"), lang=lang, paragraph=True)
    versus_raw = raw.get("versus", {})
    if not isinstance(versus_raw, dict):
        raise BankError(path, f"{where}: versus must be a table of concept id = [sentences]")
    versus = {
        other: Step(alternatives=_alternatives(sentences, path, f"{where}.versus.{other}"))
        for other, sentences in versus_raw.items()
    }
    return Concept(
        id=concept_id,
        topic=topic,
        names=tuple(n.strip() for n in names),
        is_=part("is", "wrong_is"),
        use=part("use", "wrong_use"),
        pitfall=part("pitfall") if "pitfall" in raw else None,
        example=example,
        versus=versus,
        path=path,
    )


_ENDS_SENTENCE = re.compile(r"[.!?][\"')`]*\Z")
