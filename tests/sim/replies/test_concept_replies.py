"""Answers about a named concept: definitions, comparisons, how to use it, and when a plan wins.

The bank is the project's own topics with a small concept file of the test's, so the cases do
not change when the project's concepts are edited.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from labkit.sim.replies import Replier, ends_a_sentence
from labkit.sim.replies.bank import default_bank_path, load_bank
from tests.sim.replies.helpers import assistant, reply, user
from tests.sim.replies.test_concepts import FIXTURE


@pytest.fixture(scope="module")
def replier(tmp_path_factory: pytest.TempPathFactory) -> Replier:
    folder = tmp_path_factory.mktemp("bank") / "replies"
    shutil.copytree(default_bank_path(), folder, ignore=shutil.ignore_patterns("concepts"))
    (folder / "concepts").mkdir()
    (folder / "concepts" / "testing.toml").write_text(FIXTURE, encoding="utf-8")
    return Replier(load_bank(folder))


def test_a_definition_question_gets_the_definition(replier: Replier) -> None:
    composition = reply(replier, "what exactly is a zorb runner??", effort="low")
    assert composition.plan == "concept:zorb_runner"
    assert composition.text.startswith("A zorb runner is")


def test_a_bare_name_is_a_definition_question(replier: Replier) -> None:
    assert reply(replier, "zorb runners?").plan == "concept:zorb_runner"


def test_more_effort_adds_the_pitfall_and_the_example(replier: Replier) -> None:
    low = reply(replier, "explain zorb runners", effort="low").text
    high = reply(replier, "explain zorb runners", effort="high").text
    assert "slow to start" not in low and "```python" not in low
    assert "slow to start" in high and "```python\nimport zorb" in high


def test_a_comparison_says_what_tells_them_apart_first(replier: Replier) -> None:
    composition = reply(replier, "zorb vs quux double, which do I want?")
    assert composition.plan == "concept-vs:zorb_runner:quux_double"
    assert composition.text.startswith("A zorb runner runs the tests; a quux double")
    assert "stands in for a collaborator and records its calls" in composition.text


def test_the_versus_sentence_serves_either_order(replier: Replier) -> None:
    composition = reply(replier, "difference between a quux double and a zorb runner")
    assert composition.plan == "concept-vs:quux_double:zorb_runner"
    assert composition.text.startswith("A zorb runner runs the tests")


def test_another_question_naming_the_concept_gets_how_to_use_it(replier: Replier) -> None:
    composition = reply(replier, "how do I get started with a zorb runner on my project")
    assert composition.plan == "concept-use:zorb_runner"
    assert composition.text.startswith("Use a zorb runner when")


def test_a_plan_about_the_concept_answers_first(replier: Replier, tmp_path: Path) -> None:
    # The project's testing topic has a plan about fixtures, written for this question.
    folder = tmp_path / "replies"
    shutil.copytree(default_bank_path(), folder, ignore=shutil.ignore_patterns("concepts"))
    (folder / "concepts").mkdir()
    fixture = FIXTURE.replace('"zorb runner", "zorb"', '"pytest fixture", "fixture"')
    (folder / "concepts" / "testing.toml").write_text(fixture, encoding="utf-8")
    composition = reply(Replier(load_bank(folder)), "what is a pytest fixture")
    assert composition.plan == "pytest fixtures"


def test_a_greeting_that_names_a_concept_is_still_a_greeting(replier: Replier) -> None:
    composition = reply(replier, "hi there!! thanks for the zorb tip")
    assert not composition.plan.startswith("concept")


def test_code_requests_get_code_not_a_lesson(replier: Replier) -> None:
    composition = reply(replier, "write a python function that runs a zorb runner over a folder")
    assert not composition.plan.startswith("concept")


def test_pasted_material_is_read_not_defined(replier: Replier) -> None:
    log = "summarise this log:\n" + "\n".join(
        f"INFO zorb runner started case {i}" for i in range(8)
    )
    assert not reply(replier, log).plan.startswith("concept")


def test_answers_vary_and_are_sometimes_wrong_at_low_skill(replier: Replier) -> None:
    openings: Counter[str] = Counter()
    wrong = 0
    for seed in range(60):
        composition = reply(replier, "what is a zorb runner", model="sim-haiku-4-5", seed=seed)
        openings[composition.text.split(".")[0]] += 1
        wrong += composition.wrong > 0
    assert set(openings) >= {
        "A zorb runner is a test runner that runs each case in a fresh process",
        "A zorb runner is a profiler that times each test and deletes the slow ones",
    }
    assert 0 < wrong < 30


def test_tell_me_more_after_a_concept_answer_says_what_it_left_out(replier: Replier) -> None:
    first = reply(replier, "what is a zorb runner", effort="low").text
    assert "slow to start" not in first
    conversation = [user("what is a zorb runner"), assistant(first), user("tell me more")]
    more = reply(replier, conversation, effort="low")
    assert "slow to start" in more.text


# -- the project's own concept files -------------------------------------------------------------
@pytest.fixture(scope="module")
def project() -> Replier:
    return Replier()


def test_the_project_has_concepts_for_every_domain_area(project: Replier) -> None:
    concepts = project.bank.concepts
    assert concepts is not None and len(concepts) >= 300
    covered = {c.topic for c in concepts.entries}
    domain = {t.id for t in project.bank.topics.values() if t.kind == "domain"}
    assert len(covered & domain) >= 15


def test_every_concept_answers_what_it_is_in_whole_sentences(project: Replier) -> None:
    concepts = project.bank.concepts
    assert concepts is not None
    answered = 0
    for concept in concepts.entries:
        composition = reply(project, f"what is {concept.name}?", effort="max")
        assert composition.text.strip(), concept.id
        assert ends_a_sentence(composition.text), (concept.id, composition.text[-80:])
        answered += composition.plan == f"concept:{concept.id}"
    # Most of the rest are answered by a plan written about the same thing, which answers first
    # (measured: 139 of 410 by the concept itself).
    assert answered >= 0.25 * len(concepts)


def test_every_concept_says_it_is_sometimes_wrongly(project: Replier) -> None:
    concepts = project.bank.concepts
    assert concepts is not None
    with_wrong = sum(c.is_.has_wrong or c.use.has_wrong for c in concepts.entries)
    assert with_wrong >= 0.9 * len(concepts)


def test_naming_the_topic_itself_is_no_question_about_a_concept(project: Replier) -> None:
    prompt = "we had an incident where a cert expired. how do teams track cert expiry?"
    assert not reply(project, prompt).plan.startswith("concept-use:")
