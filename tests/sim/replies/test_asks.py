"""Asks: a prompt close to a question a plan answers gets that plan, and leans to its topic."""

import numpy as np
import pytest

from labkit.sim.replies import Replier
from labkit.sim.replies.asks import index_for, terms
from labkit.sim.replies.bank import BankError, load_bank, load_topic
from labkit.sim.replies.report import setting_for

from .test_bank import MINIMAL, _bank_with

TWO_PLANS = """\
id = "gardening"
kind = "domain"
title = "Growing vegetables"
subject_default = "your garden"
examples = ["when do I plant tomatoes", "how often to water seedlings", "my basil is wilting",
  "best soil for carrots", "what grows in shade", "how deep to sow beans",
  "how much water do my seedlings need"]
thinking = ["The user asks about {subject}."]

[[plans]]
name = "planting time"
asks = ["when should I plant tomato seedlings outside", "is it too early to plant tomatoes",
  "what month do tomatoes go in the ground"]
[[plans.steps]]
say = ["Plant tomato seedlings out after the last frost, when nights stay above 10 degrees."]

[[plans]]
name = "watering"
asks = ["how often should I water seedlings", "my seedlings droop, do they need more water",
  "should I water every day"]
[[plans.steps]]
say = ["Water seedlings when the top centimetre of soil is dry, in the morning."]
"""


def test_terms_are_stemmed_content_words_and_their_pairs():
    found = terms("How should I test the flaky tests?")
    assert found["flaky"] == 1 and found["test"] == 2 and found["test_flaky"] == 1
    assert "how" not in found and "should" not in found


def test_a_prompt_gets_the_plan_whose_asks_it_is_closest_to(tmp_path):
    bank = load_bank(_bank_with(tmp_path, "gardening.toml", TWO_PLANS))
    index = index_for(bank)
    near = index.similarity("gardening", "Is it too early to put my tomato plants outside?")
    assert near["planting time"] > near["watering"]
    replier = Replier(bank)
    reading = replier.read([{"role": "user", "content": "how often do seedlings need water?"}])
    setting = setting_for("sim-sonnet-4-6", "medium")
    plans = {
        replier.reply(reading, setting, np.random.default_rng(seed)).plan for seed in range(20)
    }
    assert plans == {"watering"}


def test_closeness_is_between_zero_and_one():
    index = index_for(load_bank())
    for prompt in ["", "x", "what is a flaky test?", "flaky flaky flaky " * 50]:
        for topic in ("flaky_tests", "testing", "greeting"):
            for value in index.similarity(topic, prompt).values():
                assert 0.0 <= value <= 1.0 + 1e-9


def test_a_wrong_plan_cannot_have_asks(tmp_path):
    text = MINIMAL.format(id="bad").replace(
        'name = "basics"', 'name = "basics"\ncorrect = false\nasks = ["q?"]'
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match="correct = false cannot have asks"):
        load_topic(path)


def test_every_correct_domain_plan_of_the_shipped_bank_says_what_it_answers():
    bank = load_bank()
    missing = [
        f"{topic.id}/{plan.name}"
        for topic in bank.topics.values()
        if topic.kind == "domain"
        for plan in topic.plans
        if plan.correct and not plan.asks
    ]
    assert not missing, missing
