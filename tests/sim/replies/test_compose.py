"""Composing replies: sampled like tokens, greedy at temperature 0, flips only at near ties."""

import ast
import re
import shutil

import numpy as np

from labkit.sim.lm import BATCH_SIZES, FOREIGN_TOKENS
from labkit.sim.replies import Replier, Setting, corrupt
from labkit.sim.replies.bank import default_bank_path, load_bank
from labkit.sim.replies.report import setting_for
from labkit.sim.sampling import SamplingParams
from tests.sim.replies.helpers import reply

PROMPTS = [
    "How should I test a date parser?",
    "My integration tests fail randomly in CI, what do I do?",
    "What is top-p sampling?",
    "How do I write a blameless post-mortem?",
    "How do I know if my eval improvement is real or noise?",
    "Why do I get different answers to the same prompt?",
]

TIED = """\
id = "tied"
kind = "domain"
title = "A topic with an authored near-tie"
subject_default = "your build"
examples = ["is the build green", "did the build pass", "build status please", "is ci green", "build ok?"]
thinking = ["The user asks about {subject}."]

[[plans]]
name = "only"
[[plans.steps]]
say = [{ text = "The build passes on the main branch.", weight = 1.0 }, { text = "The build could not be checked from here.", weight = 1.0 }]
"""


def greedy(model="sim-sonnet-4-6", effort="medium", batch_size=1):
    base = setting_for(model, effort, temperature=0.0)
    return Setting(base.effort, base.skill, base.params, batch_size=batch_size)


def test_temperature_zero_ignores_the_random_draws(replier):
    for prompt in PROMPTS:
        texts = {reply(replier, prompt, setting=greedy(), seed=seed).text for seed in range(5)}
        assert len(texts) == 1, prompt


def test_temperature_one_gives_several_distinct_answers(replier):
    setting = setting_for("sim-sonnet-4-6", "medium")
    for prompt in PROMPTS:
        texts = {reply(replier, prompt, setting=setting, seed=seed).text for seed in range(8)}
        assert len(texts) >= 4, prompt


def test_top_k_one_is_greedy(replier):
    base = setting_for("sim-sonnet-4-6", "medium")
    top1 = Setting(base.effort, base.skill, SamplingParams(temperature=1.0, top_k=1))
    for prompt in PROMPTS:
        assert (
            reply(replier, prompt, setting=top1, seed=3).text
            == reply(replier, prompt, setting=greedy()).text
        )


def test_an_authored_near_tie_flips_with_the_batch_size_only(tmp_path):
    folder = tmp_path / "bank"
    shutil.copytree(default_bank_path(), folder)
    (folder / "topics" / "tied.toml").write_text(TIED, encoding="utf-8")
    replier = Replier(load_bank(folder))
    answers = {
        size: reply(replier, "did the build pass?", setting=greedy(batch_size=size)).text
        for size in BATCH_SIZES
    }
    assert len(set(answers.values())) == 2, answers  # the batch decides between the tied two
    assert (
        len(
            {
                reply(replier, "did the build pass?", setting=greedy(batch_size=1), seed=s).text
                for s in range(6)
            }
        )
        == 1
    )


def test_effort_makes_answers_longer(replier):
    def mean_words(effort):
        setting = setting_for("sim-opus-4-7", effort)
        return np.mean(
            [
                len(reply(replier, p, setting=setting, seed=s).text.split())
                for p in PROMPTS
                for s in range(4)
            ]
        )

    lengths = [mean_words(e) for e in ("low", "medium", "high", "max")]
    assert lengths == sorted(lengths) and lengths[-1] > 2 * lengths[0], lengths


def test_wrong_answers_are_rarer_with_more_skill(replier):
    def wrong_share(model, effort):
        setting = setting_for(model, effort)
        results = [
            reply(replier, p, setting=setting, seed=s).wrong > 0 for p in PROMPTS for s in range(40)
        ]
        return np.mean(results)

    haiku, sonnet_medium, opus_max = (
        wrong_share("sim-haiku-4-5", "high"),
        wrong_share("sim-sonnet-4-6", "medium"),
        wrong_share("sim-opus-4-7", "max"),
    )
    assert haiku > sonnet_medium > opus_max
    assert haiku > 0.1 and opus_max < 0.1


def test_the_brevity_instruction_caps_the_answer(replier):
    base = setting_for("sim-opus-4-7", "max")
    brief = Setting(base.effort, base.skill, base.params, brief=True)
    for prompt in PROMPTS:
        for seed in range(4):
            assert len(reply(replier, prompt, setting=brief, seed=seed).text.split()) <= 100


def test_dropping_the_top_choice_changes_greedy_answers(replier):
    base = greedy()
    faulty = Setting(base.effort, base.skill, base.params, drop_top_rate=1.0)
    changed = [
        reply(replier, p, setting=faulty).text != reply(replier, p, setting=base).text
        for p in PROMPTS
    ]
    assert all(changed)


def test_subject_is_filled_in_and_sentences_are_capitalised(replier):
    text = reply(replier, "How should I test a date parser?", setting=greedy()).text
    assert "{subject}" not in text and "date parser" in text
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    for paragraph in prose.split("\n\n"):
        if paragraph.strip():
            assert paragraph.strip()[0].isupper() or paragraph.strip().startswith("`"), paragraph


def test_corruption_adds_a_foreign_token_or_breaks_the_code():
    rng = np.random.default_rng(0)
    prose = " ".join(["the tests pass on every branch today."] * 20)
    shown = [corrupt(prose, rng)[0] for _ in range(200)]
    share = np.mean([any(t in s for t in FOREIGN_TOKENS) for s in shown])
    assert 0.6 < share < 1.0
    code = "Here:\n\n```python\ndef f(x):\n    return x\n```\n\nDone."
    broken = [corrupt(code, rng)[0] for _ in range(100)]
    failing = 0
    for text in broken:
        found = re.search(r"```python\n(.*?)\n```", text, re.S)
        assert found is not None, text
        block = found.group(1)
        try:
            ast.parse(block)
        except SyntaxError:
            failing += 1
    assert 30 < failing < 70


# -- questions about things the bank does not know ----------------------------------------------
def test_a_question_about_unknown_things_says_so_and_gives_the_general_approach(
    replier: Replier,
) -> None:
    prompt = "rust BorrowMutError in a RefCell: where does the second borrow come from?"
    composition = reply(replier, prompt, effort="high")
    assert composition.plan == "scope:read, reproduce, narrow down"
    first = composition.text.split("\n")[0]
    assert "BorrowMutError and RefCell" in first
    assert "guess" in first or "invent" in first or "made-up" in first


def test_ordinary_words_the_bank_lacks_are_not_named_as_unknown(replier: Replier) -> None:
    prompt = "java.lang.OutOfMemoryError: Metaspace after redeploying the app a few times"
    composition = reply(replier, prompt)
    assert composition.plan.startswith("scope:")
    assert "redeploying" not in composition.text.split(".")[0]


def test_a_question_the_bank_knows_gets_its_plan_not_a_word_on_scope(replier: Replier) -> None:
    for prompt in (
        "How should I test a date parser?",
        "how do i tset my parser",  # a typo is not an unknown word
        "What is a flaky test and how do I find them?",
    ):
        assert not reply(replier, prompt).plan.startswith("scope:"), prompt


def test_every_domain_topic_has_a_general_plan(replier: Replier) -> None:
    for topic in replier.bank.topics.values():
        if topic.kind == "domain" and not topic.writes_code and topic.id != "summarise":
            assert topic.general_plan is not None and topic.general_plan.correct, topic.id
