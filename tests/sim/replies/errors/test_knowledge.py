"""knowledge.py: the knowledge file is large, lint-clean and partly wrong on purpose, and the
loader reports a bad file with the file's name and the entry."""

from pathlib import Path

import pytest

from labkit.sim.replies import errors
from labkit.sim.replies.bank import BankError


def test_the_knowledge_file_is_large_and_about_a_third_of_it_can_be_wrong(knowledge):
    entries = knowledge.entries
    assert 50 <= len(entries) <= 70
    with_wrong = [e for e in entries if any(not a.correct for p in e.parts.values() for a in p)]
    assert 0.25 <= len(with_wrong) / len(entries) <= 0.45
    assert list(errors.lint(knowledge)) == []


# -- the loader --------------------------------------------------------------------------------
FRAMING = "\n".join(f'{part} = ["Said {{exc}} once."]' for part in errors.FRAMING_PARTS)
GENERIC = "\n".join(f'{part} = ["Generic {part}."]' for part in errors.PARTS)
MINIMAL = f"""
[framing]
{FRAMING}

[generic]
{GENERIC}

[[errors]]
id = "key_error"
exception = "KeyError"
message = '^(?P<key>.+)$'
examples = ["KeyError: 'a'"]
meaning = ["The key `{{key}}` is missing.", "No `{{key}}` there."]
causes = ["A typo.", "Another shape."]
fix = ["Use `.get()`.", "Check the keys."]
confirm = ["Print the keys.", "Use a debugger."]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"errors-{abs(hash(text))}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_file_loads(tmp_path):
    knowledge = errors.load_knowledge(write(tmp_path, MINIMAL))
    assert [e.id for e in knowledge.entries] == ["key_error"]
    assert knowledge.entries[0].guaranteed >= {"key", "exc", "message"}


@pytest.mark.parametrize(
    "change, problem",
    [
        (('id = "key_error"', 'id = "Key Error"'), "id must be a lower_case name"),
        (("message = '^(?P<key>.+)$'", "message = '^(?P<key>.+$'"), "does not compile"),
        (('"Print the keys."', '"Print {nothing}."'), "unknown placeholder {nothing}"),
        (('fix = ["Use `.get()`.", "Check the keys."]', 'fix = ["Use `.get()`."]'), "at least 2"),
        (
            ("examples = [\"KeyError: 'a'\"]", 'examples = ["ValueError: x"]'),
            "do not match its example",
        ),
        (('causes = ["A typo.", ', 'cause = ["A typo.", '), "unknown key 'cause'"),
        (
            (
                'meaning = ["The key `{key}` is missing.", "No `{key}` there."]',
                'meaning = ["`{left}` is missing.", "`{owner}` is not there."]',
            ),
            "only placeholders every match fills",
        ),
        (('fix = ["Generic fix."]', ""), "[generic] fix is missing"),
    ],
)
def test_bad_knowledge_is_reported_with_the_file_and_the_entry(tmp_path, change, problem):
    old, new = change
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(BankError) as caught:
        errors.load_knowledge(path)
    assert problem in str(caught.value)
    assert path.name in str(caught.value)


def test_a_duplicate_id_is_reported(tmp_path):
    entry = MINIMAL[MINIMAL.index("[[errors]]") :]
    path = write(tmp_path, MINIMAL + entry)
    with pytest.raises(BankError, match="used twice"):
        errors.load_knowledge(path)
