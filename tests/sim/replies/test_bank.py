"""The reply bank: the shipped files load and read well; bad files are named with their problem."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from labkit.sim.replies import Replier
from labkit.sim.replies.bank import (
    FOLLOWUP_MODES,
    BankError,
    default_bank_path,
    load_bank,
    load_topic,
)
from labkit.sim.replies.report import lint, setting_for

COURSE_TOPICS = {
    "testing",
    "flaky_tests",
    "debugging",
    "code_review",
    "write_code",
    "explain_code",
    "refactoring",
    "performance",
    "eval_statistics",
    "sampling",
    "nondeterminism",
    "agents",
    "regressions",
    "incidents",
    "postmortems",
    "validation_pipeline",
    "ai_tools",
    "prompting",
    "version_control",
    "summarise",
}
GENERAL_TOPICS = {
    "greeting",
    "thanks",
    "farewell",
    "identity",
    "out_of_scope",
    "unclear",
    "creative",
}

MINIMAL = """\
# SPDX-License-Identifier: CC-BY-4.0
id = "{id}"
kind = "domain"
title = "Growing vegetables"
subject_default = "your garden"
examples = [
  "when should I plant tomatoes", "how deep do I sow carrot seeds", "my lettuce bolts, why",
  "how often should I water courgettes", "what compost suits potatoes",
  "when do I plant garlic in the vegetable garden", "how far apart should bean plants be",
  "best time to sow peas outdoors", "should I mulch my vegetable beds", "planting tomatoes in pots",
  "how do I grow tomatoes from seed", "when to transplant tomato seedlings",
]
thinking = ["The user asks about {{subject}}."]

[[plans]]
name = "basics"
[[plans.steps]]
say = ["For {{subject}}, start with the soil.", "Begin {{subject}} with good soil."]
"""


def test_the_shipped_bank_covers_the_course_and_the_general_cases():
    bank = load_bank()
    assert set(bank.topics) >= COURSE_TOPICS | GENERAL_TOPICS
    assert set(bank.followups) == set(FOLLOWUP_MODES)
    for tool in ("write_solution", "run_tests", "submit"):
        assert bank.preamble(tool, "low", False) and bank.preamble(tool, "high", False)
    assert bank.final, "agent.toml needs the closing notes ([final])"


def test_the_shipped_bank_has_no_lint_errors():
    errors = [finding for finding in lint(load_bank()) if finding.startswith("error")]
    assert errors == []


def test_domain_topics_have_wrong_alternatives_and_several_plans():
    for topic in load_bank().topics.values():
        if topic.kind != "domain" or topic.writes_code:
            continue
        assert len(topic.plans) >= 3, topic.id
        assert any(step.has_wrong for plan in topic.plans for step in plan.steps), topic.id
        assert any(not plan.correct for plan in topic.plans), topic.id


def _bank_with(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "bank"
    shutil.copytree(default_bank_path(), folder)
    (folder / "topics" / name).write_text(text, encoding="utf-8")
    return folder


def test_adding_a_topic_is_adding_a_file(tmp_path):
    folder = _bank_with(tmp_path, "gardening.toml", MINIMAL.format(id="gardening"))
    replier = Replier(load_bank(folder))
    reading = replier.read(
        [{"role": "user", "content": "When should I plant my tomato seedlings?"}]
    )
    assert reading.topic == "gardening"
    reply = replier.reply(
        reading, setting_for("sim-sonnet-4-6", "medium"), np.random.default_rng(0)
    )
    assert "soil" in reply.text


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t.replace('id = "bad"', 'id = "other"'), "does not match the file name"),
        (lambda t: t.replace('kind = "domain"', 'kind = "misc"'), "kind 'misc'"),
        (lambda t: t + 'effort = "huge"\n', "effort 'huge'"),
        (lambda t: t.replace("say = [", "says = ["), "unknown key 'says'"),
        (lambda t: t.replace('name = "basics"', 'name = "basics"\nweight = 0'), "weight must be"),
        (lambda t: t.replace("examples = [", "examples = 3\nnothing = ["), "unknown key"),
        (lambda t: t + "[[plans.steps]\n", "not valid TOML"),
        (lambda t: t.replace('style = "howto"\n', "") + "", None),
    ],
)
def test_a_bad_topic_file_is_named_with_its_problem(tmp_path, change, problem):
    path = tmp_path / "bad.toml"
    path.write_text(change(MINIMAL.format(id="bad")), encoding="utf-8")
    if problem is None:
        assert load_topic(path).id == "bad"
        return
    with pytest.raises(BankError) as caught:
        load_topic(path)
    message = str(caught.value)
    assert "bad.toml" in message and problem in message and "\n" not in message


def test_snippet_code_must_compile(tmp_path):
    text = MINIMAL.format(id="bad").split("[[plans]]")[0] + (
        'intro = ["Here it is."]\n[[snippets]]\nname = "x"\nmatch = ["x"]\n'
        '[[snippets.variants]]\nkind = "correct"\ncode = "def f(:\\n    pass"\nnote = "Fine."\n'
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match="does not compile"):
        load_topic(path)


def test_a_missing_bank_folder_is_named(tmp_path):
    with pytest.raises(BankError, match="topics folder is missing"):
        load_bank(tmp_path / "nowhere")
