"""The labelled prompts (datasets/prompts): the issue's acceptance checks, over every model.

The prompts were written separately from the bank's examples, so these figures say how the
simulator reads prompts it was not built from.
"""

import collections

import numpy as np
import pytest

from labkit.sim.app import SimApp
from labkit.sim.catalog import MODELS
from labkit.sim.engine import Simulator
from labkit.sim.replies.report import intent_accuracy, load_prompts, reply_problems, setting_for

SEEDS = (0, 1, 2)
HEADERS = {"x-api-key": "k", "anthropic-version": "2026-10-21"}


@pytest.fixture(scope="module")
def prompts():
    return load_prompts()


def test_the_set_is_large_and_labelled_with_known_topics(prompts, replier):
    assert len(prompts) >= 1000
    assert len({p.id for p in prompts}) == len(prompts)
    assert {p.intent for p in prompts} <= set(replier.bank.topics)
    counts = collections.Counter(p.intent for p in prompts)
    assert min(counts.values()) >= 25, counts
    assert sum(len(p.messages) > 1 for p in prompts) >= 150


def test_intents_are_recognised_on_at_least_95_percent(prompts, replier):
    accuracy, misses = intent_accuracy(replier, prompts)
    shown = [(p.id, p.intent, got) for p, got in misses[:15]]
    assert accuracy >= 0.95, f"{accuracy:.1%}; misses (id, label, read as): {shown}"


@pytest.fixture(scope="module")
def replies(prompts):
    """Every prompt through the engine, on every model, with several simulator seeds."""
    out = []
    for seed in SEEDS:
        app = SimApp(Simulator(seed=seed))
        for model in MODELS:
            for prompt in prompts:
                body = {"model": model, "max_tokens": 4096, "messages": prompt.messages}
                if prompt.system:
                    body["system"] = prompt.system
                status, message = app.run_message(body, HEADERS)
                assert status == 200, (prompt.id, message)
                text = "".join(b["text"] for b in message["content"] if b["type"] == "text")
                out.append((prompt, model, text, message["stop_reason"]))
    return out


def test_no_reply_is_empty_and_99_percent_are_whole_sentences(replies):
    problems: collections.Counter[str] = collections.Counter()
    examples = []
    for prompt, model, text, stop in replies:
        found = reply_problems(text, stop)
        assert "empty" not in found, (prompt.id, model)
        if found:
            problems.update(found)
            examples.append((prompt.id, model, found, text[:80]))
    share = sum(1 for *_, text, stop in replies if reply_problems(text, stop)) / len(replies)
    assert share <= 0.01, f"{share:.2%} malformed: {problems}; e.g. {examples[:5]}"


def test_max_tokens_cuts_and_says_so(prompts):
    app = SimApp(Simulator(seed=0))
    for prompt in prompts[:200]:
        status, message = app.run_message(
            {"model": "sim-sonnet-4-6", "max_tokens": 5, "messages": prompt.messages}, HEADERS
        )
        assert status == 200
        assert message["usage"]["output_tokens"] <= 5
        assert message["stop_reason"] in ("max_tokens", "end_turn")


def test_the_same_prompt_gives_several_answers_at_temperature_one(prompts, replier):
    domain = [p for p in prompts if replier.bank.topics[p.intent].kind == "domain"][::8]
    setting = setting_for("sim-sonnet-4-6", "medium")
    distinct = []
    for prompt in domain:
        reading = replier.read(prompt.messages)
        texts = {
            replier.reply(reading, setting, np.random.default_rng([s, 7])).text for s in range(6)
        }
        distinct.append(len(texts))
    assert np.mean(distinct) >= 4, collections.Counter(distinct)
    assert np.mean([d >= 2 for d in distinct]) >= 0.95
