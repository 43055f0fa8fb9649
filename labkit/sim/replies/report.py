"""Measuring the reply bank: intent accuracy, well-formed replies, wrong-answer shares.

The figures the data card and the book quote come from here, on the labelled prompts in
datasets/prompts (written separately from the bank's own examples).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from labkit.sim.catalog import EFFORTS, MODELS
from labkit.sim.engine import skill_of
from labkit.sim.replies import Reading, Replier, Setting, ends_a_sentence, errors, rewrite
from labkit.sim.replies.bank import BankError, default_bank_path, load_bank
from labkit.sim.replies.words import CODE_FENCE
from labkit.sim.sampling import SamplingParams

PROMPTS_PATH = Path(__file__).resolve().parents[3] / "datasets" / "prompts" / "prompts.jsonl"
FLIP_BATCH_SIZES = (1, 2, 8, 32)  # one batch size per reduction order (lm.split_for_batch)
_STARTS = re.compile(r"^\s*(```|[A-Z0-9`\"'(*])")


@dataclass(frozen=True)
class Prompt:
    id: str
    intent: str
    messages: list[dict[str, Any]]
    system: str = ""
    followup: str | None = None


def load_prompts(path: Path = PROMPTS_PATH) -> list[Prompt]:
    prompts = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                prompts.append(
                    Prompt(
                        raw["id"],
                        raw["intent"],
                        raw["messages"],
                        raw.get("system", ""),
                        raw.get("followup"),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{number}: not a prompt record ({error})") from None
    return prompts


def starts_a_sentence(text: str) -> bool:
    return bool(_STARTS.match(text))


def setting_for(
    model: str, effort: str, *, thinking: bool = False, temperature: float = 1.0
) -> Setting:
    # The engine's own formula, so that the figures are the engine's.
    skill = skill_of(MODELS[model].skill, effort, thinking=thinking)
    return Setting(effort=effort, skill=skill, params=SamplingParams(temperature=temperature))


def intent_accuracy(
    replier: Replier, prompts: Iterable[Prompt]
) -> tuple[float, list[tuple[Prompt, str]]]:
    """Share of prompts whose recognised topic is the label, and the misses."""
    misses = []
    total = 0
    for prompt in prompts:
        total += 1
        reading = replier.read(prompt.messages)
        if reading.topic != prompt.intent:
            misses.append((prompt, reading.topic))
    return 1 - len(misses) / max(total, 1), misses


def efforts_of(model: str) -> tuple[str, ...]:
    """The efforts a model takes; a model without the parameter runs at its default."""
    spec = MODELS[model]
    return spec.efforts or (spec.default_effort,)


def domain_readings(replier: Replier, prompts: Iterable[Prompt]) -> list[Reading]:
    return [
        replier.read(p.messages)
        for p in prompts
        if p.intent in replier.bank.topics and replier.bank.topics[p.intent].kind == "domain"
    ]


def wrong_share(
    replier: Replier, readings: list[Reading], model: str, effort: str, *, seeds: int
) -> float:
    """Share of replies with at least one wrong claim or buggy code (no faults, temperature 1)."""
    setting = setting_for(model, effort)
    wrong = 0
    for seed in range(seeds):
        for number, reading in enumerate(readings):
            rng = np.random.default_rng([seed, number])
            wrong += replier.reply(reading, setting, rng).wrong > 0
    return wrong / max(seeds * len(readings), 1)


def wrong_shares(
    replier: Replier, prompts: list[Prompt], *, seeds: int = 2
) -> dict[str, dict[str, float]]:
    """`wrong_share` per model and effort, on the domain prompts."""
    readings = domain_readings(replier, prompts)
    return {
        model: {e: wrong_share(replier, readings, model, e, seeds=seeds) for e in efforts_of(model)}
        for model in MODELS
    }


def flip_share(replier: Replier, prompts: Iterable[Prompt], model: str = "sim-sonnet-4-6") -> float:
    """Share of prompts whose temperature-0 reply differs between the four reduction orders."""
    base = setting_for(model, MODELS[model].default_effort, temperature=0.0)
    flips = total = 0
    for prompt in prompts:
        reading = replier.read(prompt.messages)
        texts = {
            replier.reply(reading, replace(base, batch_size=size), np.random.default_rng(0)).text
            for size in FLIP_BATCH_SIZES
        }
        total += 1
        flips += len(texts) > 1
    return flips / max(total, 1)


def wrong_share_table(shares: dict[str, dict[str, float]]) -> str:
    """The data card's table: one row per model, one column per effort."""
    efforts = [e for e in EFFORTS if any(e in row for row in shares.values())]
    lines = [
        "| model | " + " | ".join(efforts) + " |",
        "|---|" + "---:|" * len(efforts),
    ]
    for model, row in shares.items():
        cells = [f"{row[e]:.1%}" if e in row else "" for e in efforts]
        lines.append(f"| `{model}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reply_problems(text: str, stop_reason: str) -> list[str]:
    if not text.strip():
        return ["empty"]
    problems = []
    if not starts_a_sentence(text):
        problems.append("does not start a sentence")
    if stop_reason == "end_turn" and not ends_a_sentence(text):
        problems.append("does not end a sentence")
    prose = re.sub(r"`[^`]*`", "", CODE_FENCE.sub("", text))  # code may hold f-string braces
    if "{" in prose and re.search(r"\{[a-z_]+\}", prose):
        problems.append("unfilled placeholder")
    return problems


def check_concepts() -> int:
    """Validate the concept files (concepts.py) and count the entries of each."""
    try:
        concepts = load_bank().concepts
    except BankError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not concepts:
        print("0 concepts (no concepts/ folder in the bank)")
        return 0
    per_file = Counter(concept.path.name for concept in concepts.entries)
    for name, count in sorted(per_file.items()):
        print(f"{name}: {count} concepts")
    print(f"{len(concepts)} concepts, {sum(len(c.names) for c in concepts.entries)} names")
    return 0


def check() -> int:
    """Validate the bank, lint its text, and show one reply per topic."""
    try:
        bank = load_bank()
    except BankError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    findings = list(lint(bank))
    try:
        knowledge = errors.knowledge_for(bank)
    except BankError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if knowledge is not None:
        findings += [f"{errors.ERRORS_FILE}: {problem}" for problem in errors.lint(knowledge)]
    try:
        rewrite.style_book(bank.folder)
    except BankError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for finding in findings:
        print(finding)
    replier = Replier(bank)
    print(
        f"\n{len(bank.topics)} topics, {sum(len(t.examples) for t in bank.topics.values())} examples,"
        f" {sum(len(t.plans) for t in bank.topics.values())} plans; {len(findings)} findings\n"
    )
    for topic in bank.topics.values():
        reading = replier.read([{"role": "user", "content": topic.examples[0]}])
        composition = replier.reply(
            reading, setting_for("sim-sonnet-4-6", "medium"), np.random.default_rng(0)
        )
        print(f"--- {topic.id}: {topic.examples[0]!r} -> read as {reading.topic}")
        print(composition.text[:600])
    return 1 if any(f.startswith("error") for f in findings) else 0


_AGREEMENT = re.compile(r"\{subject\}\s+(is|are|was|were|has|have|does|doesn't|isn't)\b")


def lint(bank: Any) -> Iterator[str]:
    """Problems a reader would notice: unfinished sentences, bad {subject} grammar, thin topics."""
    for topic in bank.topics.values():
        where = topic.path.name
        minimum = 50 if topic.kind == "domain" else 30
        if len(topic.examples) < minimum:
            yield f"warning: {where}: {len(topic.examples)} examples (want >= {minimum})"
        texts: list[tuple[str, str]] = []
        for plan in topic.plans:
            for number, step in enumerate(plan.steps):
                texts += [(f"plan {plan.name!r} step {number}", a.text) for a in step.alternatives]
        for mode, steps in topic.followups.items():
            for number, step in enumerate(steps):
                texts += [(f"followup.{mode} step {number}", a.text) for a in step.alternatives]
        for part in ("intro", "outro", "caveat", "unmatched"):
            texts += [(part, a.text) for a in getattr(topic, part)]
        for place, text in texts:
            if not (ends_a_sentence(text) or text.rstrip().endswith(":")):
                yield f"error: {where}: {place}: does not end a sentence: {text[-50:]!r}"
            if _AGREEMENT.search(text):
                yield f"error: {where}: {place}: '{{subject}} {_AGREEMENT.search(text).group(1)}' breaks with plural subjects"  # type: ignore[union-attr]
            if "{subject}'s" in text:
                yield f"error: {where}: {place}: {{subject}}'s reads badly with most subjects"
            if len(text.split()) > 60 and "\n" not in text:
                yield f"warning: {where}: {place}: {len(text.split())} words in one alternative"
        if topic.kind == "domain" and topic.plans and not any(not p.correct for p in topic.plans):
            yield f"warning: {where}: no plan with correct = false"
    for concept in bank.concepts.entries if bank.concepts else ():
        where = f"{concept.path.name}: concept {concept.id!r}"
        parts = {"is": concept.is_, "use": concept.use, "pitfall": concept.pitfall}
        parts |= {f"versus.{other}": step for other, step in concept.versus.items()}
        for part, step in parts.items():
            for alternative in step.alternatives if step else ():
                if "{subject}" in alternative.text:
                    yield f"error: {where}: {part}: a concept names itself, not {{subject}}"
                if len(alternative.text.split()) > 60:
                    words = len(alternative.text.split())
                    yield f"warning: {where}: {part}: {words} words in one alternative"
        if not concept.is_.has_wrong:
            yield f"warning: {where}: no wrong_is (a misconception the model sometimes states)"


def sample(prompt: str, *, model: str, effort: str, n: int) -> int:
    import labkit

    replier = Replier()
    reading = replier.read([{"role": "user", "content": prompt}])
    print(
        f"read as: topic={reading.topic} followup={reading.followup} subject={reading.subject!r}"
        f" style={reading.style} confidence={reading.confidence:.2f}\n"
    )
    config: Any = {"effort": effort}  # any level; the simulator answers 400 to one it lacks
    for seed in range(n):
        client = labkit.client(seed=seed)
        reply = client.messages.create(
            model=model,
            max_tokens=2000,
            messages=[{"role": "user", "content": prompt}],
            output_config=config,
        )
        text = "".join(b.text for b in reply.content if b.type == "text")
        print(
            f"--- seed {seed} ({reply.usage.output_tokens} tokens, {reply.stop_reason})\n{text}\n"
        )
    return 0


def report(*, seeds: int, as_json: bool) -> int:
    replier = Replier()
    prompts = load_prompts()
    accuracy, misses = intent_accuracy(replier, prompts)
    shares = wrong_shares(replier, prompts, seeds=seeds)
    flips = flip_share(replier, prompts)
    by_label = Counter(p.intent for p, _ in misses)
    figures = {
        "prompts": len(prompts),
        "intent_accuracy": round(accuracy, 4),
        "misses_by_label": dict(by_label.most_common()),
        "wrong_share": {m: {e: round(v, 4) for e, v in d.items()} for m, d in shares.items()},
        "temperature_zero_flip_share": round(flips, 4),
        "bank": str(default_bank_path()),
    }
    if as_json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{len(prompts)} prompts; intent recognised correctly: {accuracy:.1%}")
    for prompt, got in misses[:40]:
        last = prompt.messages[-1]["content"]
        print(f"  {prompt.id} {prompt.intent:>18} -> {got:<18} {str(last)[:70]!r}")
    print(f"\nshare of replies with a wrong claim or buggy code (domain prompts, {seeds} seeds):")
    print(wrong_share_table(shares))
    print(f"\nprompts whose temperature-0 reply depends on the batch: {flips:.1%}")
    return 0


CARD_PATH = default_bank_path() / "DATACARD.md"
CARD_BEGIN = "<!-- begin: measured figures (python -m labkit.sim.replies card) -->"
CARD_END = "<!-- end: measured figures -->"


def contents_table(bank: Any) -> str:
    lines = [
        "| topic | kind | examples | plans (wrong) | steps | alternatives (wrong) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for topic in sorted(bank.topics.values(), key=lambda t: (t.kind, t.id)):
        steps = [s for p in topic.plans for s in p.steps]
        steps += [s for mode in topic.followups.values() for s in mode]
        alternatives = [a for s in steps for a in s.alternatives]
        wrong_plans = sum(not p.correct for p in topic.plans)
        plans = f"{len(topic.plans)} ({wrong_plans})"
        if topic.snippets:
            variants = [v for snippet in topic.snippets for v in snippet.variants]
            plans = f"{len(topic.snippets)} snippets"
            alternatives_cell = f"{len(variants)} ({sum(not v.correct for v in variants)})"
        else:
            alternatives_cell = f"{len(alternatives)} ({sum(not a.correct for a in alternatives)})"
        lines.append(
            f"| `{topic.id}` | {topic.kind} | {len(topic.examples)} | {plans} | {len(steps)} | "
            f"{alternatives_cell} |"
        )
    return "\n".join(lines)


def concepts_table(bank: Any) -> str:
    """One row per concept file: entries, names, alternatives (wrong), examples, versus pairs."""
    lines = [
        "| concept file | concepts | names | alternatives (wrong) | with an example | versus |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    files: dict[str, list[Any]] = {}
    for concept in bank.concepts.entries if bank.concepts else ():
        files.setdefault(concept.path.name, []).append(concept)
    for name, concepts in sorted(files.items()):
        steps = [s for c in concepts for s in (c.is_, c.use, c.pitfall, *c.versus.values()) if s]
        alternatives = [a for s in steps for a in s.alternatives]
        lines.append(
            f"| `{name}` | {len(concepts)} | {sum(len(c.names) for c in concepts)} | "
            f"{len(alternatives)} ({sum(not a.correct for a in alternatives)}) | "
            f"{sum(c.example is not None for c in concepts)} | "
            f"{sum(len(c.versus) for c in concepts)} |"
        )
    return "\n".join(lines)


def concept_share(replier: Replier, prompts: list[Prompt]) -> float:
    """Share of single-message domain prompts answered from a concept (seed 0, medium effort)."""
    setting = setting_for("sim-sonnet-4-6", "medium")
    domain = {t.id for t in replier.bank.topics.values() if t.kind == "domain"}
    chosen = [p for p in prompts if len(p.messages) == 1 and p.intent in domain]
    answered = 0
    for prompt in chosen:
        reading = replier.read(prompt.messages)
        plan = replier.reply(reading, setting, np.random.default_rng(0)).plan
        answered += plan.startswith("concept")
    return answered / max(len(chosen), 1)


def card_figures() -> str:
    """The data card's measured section, recomputed from the bank and datasets/prompts."""
    replier = Replier()
    prompts = load_prompts()
    accuracy, misses = intent_accuracy(replier, prompts)
    missed = {p.id for p, _ in misses}

    def share(selected: list[Prompt]) -> str:
        right = sum(p.id not in missed for p in selected)
        return f"{right / len(selected):.1%} of {len(selected)}"

    single = [p for p in prompts if len(p.messages) == 1]
    followups = [p for p in prompts if p.followup]
    other = [p for p in prompts if len(p.messages) > 1 and not p.followup]
    shares = wrong_shares(replier, prompts, seeds=1)
    flips = flip_share(replier, prompts)
    return "\n".join(
        [
            CARD_BEGIN,
            "",
            "### What the bank holds",
            "",
            contents_table(replier.bank),
            "",
            concepts_table(replier.bank),
            "",
            "### How it reads the labelled prompts (datasets/prompts)",
            "",
            f"- Topic recognised correctly: {accuracy:.1%} of {len(prompts)} prompts; single"
            f" messages {share(single)}, follow-ups {share(followups)}, other conversations"
            f" {share(other)}.",
            f"- Single-message domain prompts answered from a concept (`sim-sonnet-4-6`, medium"
            f" effort, seed 0): {concept_share(replier, prompts):.1%}.",
            f"- Prompts whose whole reply at glass-box temperature 0 changes with the batch size"
            f" (`sim-sonnet-4-6`, its default effort, the four reduction orders): {flips:.1%}.",
            "",
            "### How often a reply is wrong",
            "",
            "Share of replies to the domain prompts that contain at least one wrong claim, a wrong",
            "approach or buggy code (one reply per prompt, glass-box temperature 1, no faults, no",
            "thinking):",
            "",
            wrong_share_table(shares),
            "",
            CARD_END,
        ]
    )


def card(*, write: bool) -> int:
    """Print the measured section of the data card, or write it into the card."""
    figures = card_figures()
    if not write:
        print(figures)
        return 0
    text = CARD_PATH.read_text(encoding="utf-8")
    if CARD_BEGIN not in text or CARD_END not in text:
        print(
            f"error: {CARD_PATH}: the markers {CARD_BEGIN!r} ... {CARD_END!r} are missing",
            file=sys.stderr,
        )
        return 1
    before, rest = text.split(CARD_BEGIN, 1)
    _, after = rest.split(CARD_END, 1)
    CARD_PATH.write_text(before + figures + after, encoding="utf-8")
    print(f"wrote the measured figures into {CARD_PATH}")
    return 0
