"""The labelled sentences the check is measured on (datasets/blameless/sentences.jsonl).

Each line is {"id", "text", "flag", "category"}: `flag` is what a careful reviewer of a
blameless post-mortem decides (true: it blames a person or names one), `category` the kind of
sentence (agent_verb, sarcasm, neutral_failed, place_or_month, ...; see the data card).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from labkit.blameless import check_blameless

CORPUS_PATH = Path(__file__).resolve().parents[2] / "datasets" / "blameless" / "sentences.jsonl"
_KEYS = {"id", "text", "flag", "category"}


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str
    flag: bool
    category: str


class CorpusError(ValueError):
    """A line of a corpus file that is not a labelled sentence."""


def load_corpus(path: Path = CORPUS_PATH) -> list[Sentence]:
    sentences = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{path.name} line {number}: not JSON ({error.msg})") from None
        if not isinstance(row, dict) or set(row) != _KEYS:
            raise CorpusError(f"{path.name} line {number}: needs exactly {sorted(_KEYS)}")
        if not isinstance(row["flag"], bool) or not isinstance(row["text"], str):
            raise CorpusError(f"{path.name} line {number}: flag must be true/false, text a string")
        if row["id"] in seen:
            raise CorpusError(f"{path.name} line {number}: id {row['id']!r} is used twice")
        seen.add(row["id"])
        sentences.append(Sentence(row["id"], row["text"], row["flag"], row["category"]))
    return sentences


@dataclass(frozen=True)
class Rates:
    blameless: int
    blaming: int
    false_positives: list[Sentence]  # blameless sentences the check flags
    false_negatives: list[Sentence]  # blaming sentences it lets through

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / max(self.blameless, 1)

    @property
    def false_negative_rate(self) -> float:
        return len(self.false_negatives) / max(self.blaming, 1)

    def summary(self) -> str:
        return (
            f"{self.blameless + self.blaming} sentences: "
            f"{len(self.false_positives)} of {self.blameless} blameless flagged "
            f"({self.false_positive_rate:.1%}), {len(self.false_negatives)} of {self.blaming} "
            f"blaming missed ({self.false_negative_rate:.1%})"
        )

    def by_category(self) -> dict[str, Counter[str]]:
        return {
            "false positives": Counter(s.category for s in self.false_positives),
            "false negatives": Counter(s.category for s in self.false_negatives),
        }


def measure(sentences: list[Sentence]) -> Rates:
    flagged = {s.id: bool(check_blameless(s.text)) for s in sentences}
    return Rates(
        blameless=sum(not s.flag for s in sentences),
        blaming=sum(s.flag for s in sentences),
        false_positives=[s for s in sentences if not s.flag and flagged[s.id]],
        false_negatives=[s for s in sentences if s.flag and not flagged[s.id]],
    )
