"""The concept files: loading, validation errors that name the file, and finding names."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.sim.replies.bank import BankError
from labkit.sim.replies.concepts import load_concepts, tokens

TOPICS = frozenset({"testing", "debugging"})

# Made-up tools, so that no plan of the project's bank is about them (a plan about a concept
# answers before it: test_concept_replies.py).
FIXTURE = """
[[concepts]]
id = "zorb_runner"
topic = "testing"
names = ["zorb runner", "zorb", "@zorb.case"]
is = ["A zorb runner is a test runner that runs each case in a fresh process."]
wrong_is = ["A zorb runner is a profiler that times each test and deletes the slow ones."]
use = ["Use a zorb runner when tests leak global state into each other."]
pitfall = ["A zorb runner is slow to start, so keep the number of cases per file small."]
example = '''
import zorb

@zorb.case
def test_numbers():
    assert sorted([3, 1, 2]) == [1, 2, 3]
'''

[concepts.versus]
quux_double = ["A zorb runner runs the tests; a quux double stands in for what they call."]

[[concepts]]
id = "quux_double"
topic = "testing"
names = ["quux double", "quux", "quuxmock"]
is = ["A quux double is an object that stands in for a collaborator and records its calls."]
use = ["Use a quux double for a collaborator that is slow or has side effects."]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_folder_means_no_concepts(tmp_path: Path) -> None:
    assert len(load_concepts(tmp_path / "absent", TOPICS)) == 0


def test_entries_load_with_their_parts(tmp_path: Path) -> None:
    write(tmp_path, "testing.toml", FIXTURE)
    concepts = load_concepts(tmp_path, TOPICS)
    runner, double = concepts.entries
    assert runner.name == "zorb runner"
    assert runner.is_.has_wrong and not double.is_.has_wrong
    assert runner.example is not None and "@zorb.case" in (runner.example.code or "")
    assert double.pitfall is None and double.example is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is a zorb runner?", ["zorb_runner"]),
        ("how do zorbs work", ["zorb_runner"]),  # plural
        ("Zorb vs Quux: which one?", ["zorb_runner", "quux_double"]),
        ("should i use @zorb.case or a QuuxMock", ["zorb_runner", "quux_double"]),
        ("quux quux quux", ["quux_double"]),  # each concept once
        ("quuxes zorbless", []),  # a name is whole words, not part of one
        ("", []),
    ],
)
def test_names_are_found_as_whole_words(tmp_path: Path, text: str, expected: list[str]) -> None:
    write(tmp_path, "testing.toml", FIXTURE)
    concepts = load_concepts(tmp_path, TOPICS)
    assert [m.concept.id for m in concepts.mentions(text)] == expected


def test_the_longest_name_wins_where_names_overlap(tmp_path: Path) -> None:
    write(tmp_path, "testing.toml", FIXTURE)
    concepts = load_concepts(tmp_path, TOPICS)
    (mention,) = concepts.mentions("is a quux double the same thing")
    assert mention.concept.id == "quux_double" and mention.length == 2


def test_tokens_fold_plurals_possessives_and_hyphens() -> None:
    assert tokens("Cohen's kappa, test-driven TDD.") == ("cohen", "kappa", "test", "driven", "tdd")
    assert tokens("`conftest.py` and **kwargs") == ("conftest.py", "and", "**kwarg")
    assert tokens("class process status analysis") == ("class", "process", "status", "analysis")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('topic = "testing"', 'topic = "astrology"', 1), "topic 'astrology' is not a topic"),
        (('id = "quux_double"', 'id = "zorb_runner"', 1), "is also used"),
        (("quux_double = [", "nothing_here = [", 1), "versus.nothing_here must name another"),
        (('names = ["quux double",', 'names = ["zorb",', 1), "name 'zorb' is also a name of"),
        (('names = ["quux double",', 'names = ["Quux double",', 1), "lowercase"),
        (("records its calls.", "records its calls", 1), "must end a sentence"),
        (("== [1, 2, 3]", "== [1, 2, 3", 1), "not valid Python"),
        (('use = ["Use a quux', 'usage = ["Use a quux', 1), "unknown key 'usage'"),
        (('id = "quux_double"', 'id = "Quux Double"', 1), "snake_case"),
    ],
)
def test_bad_entries_are_named_in_one_line(
    tmp_path: Path, change: tuple[str, str, int], message: str
) -> None:
    old, new, count = change
    path = write(tmp_path, "testing.toml", FIXTURE.replace(old, new, count))
    with pytest.raises(BankError) as raised:
        load_concepts(tmp_path, TOPICS)
    assert message in str(raised.value)
    assert path.name in str(raised.value) and "\n" not in str(raised.value)


def test_a_name_may_not_belong_to_concepts_in_two_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", FIXTURE)
    other = FIXTURE.replace('"zorb_runner"', '"runner_two"').replace('"quux_double"', '"d2"')
    other = other.replace("quux_double = [", "d2 = [")
    write(tmp_path, "b.toml", other)
    with pytest.raises(BankError, match="also a name of 'zorb_runner'"):
        load_concepts(tmp_path, TOPICS)


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    write(tmp_path, "broken.toml", "[[concepts]\nid = 1")
    with pytest.raises(BankError, match=r"broken\.toml: not valid TOML"):
        load_concepts(tmp_path, TOPICS)
