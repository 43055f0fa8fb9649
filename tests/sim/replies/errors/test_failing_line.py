"""failing_line.py, through values.fills: what the failing line says about the error."""

import pytest

from labkit.sim.replies import errors
from tests.sim.replies.errors.samples import (
    CSV_TOTAL,
    IPYTHON,
    PARTIAL_NO_HEADER,
    PY311_CARETS,
    WINDOWS_COLOURED,
    diagnosis_of,
)


# -- reading the failing line ------------------------------------------------------------------
def fills_for(prompt: str, knowledge: errors.Knowledge) -> tuple[errors.Diagnosis, dict[str, str]]:
    pasted = errors.parse(prompt)
    diagnosis = diagnosis_of(knowledge, prompt)
    return diagnosis, errors.fills(diagnosis, knowledge, prompt, pasted.truncated)


def test_the_failing_line_says_which_operand_is_text_and_where_it_came_from(knowledge):
    diagnosis, values = fills_for(CSV_TOTAL, knowledge)
    assert diagnosis.plan == "errors:text_and_number"
    assert values["text_operand"] == 'row["amount"]'
    assert (values["number_operand"], values["number_type"]) == ("total", "float")
    assert values["data_source"] == "the CSV file"
    assert values["place"] == "line 14 of app.py, in `total()`"


def test_text_being_built_is_told_from_text_that_should_be_a_number(knowledge):
    concat = """Traceback (most recent call last):
  File "report.py", line 3, in <module>
    print("Total: " + total)
TypeError: can only concatenate str (not "float") to str"""
    _, values = fills_for(concat, knowledge)
    assert values["text_part"] == '"Total: "'
    assert "text_operand" not in values


@pytest.mark.parametrize(
    "paste, expected",
    [
        (PARTIAL_NO_HEADER, {"container": "users", "index": "msg.author_id"}),
        (IPYTHON, {"container": "df"}),
        (
            'File "scrape.py", line 9, in <module>\n'
            '    price = re.search(r"(\\d+)", text).group(1)\n'
            "AttributeError: 'NoneType' object has no attribute 'group'",
            {"owner": 're.search(r"(\\d+)", text)'},
        ),
        (
            'File "a.py", line 2, in f\n    for a, b in pairs:\n'
            "ValueError: too many values to unpack (expected 2)",
            {"iterable": "pairs", "loop_target": "a, b"},
        ),
        (
            'File "a.py", line 2, in f\n    name, age = parse(line)\n'
            "TypeError: cannot unpack non-iterable NoneType object",
            {"unpacked": "parse(line)", "target": "name, age"},
        ),
        (WINDOWS_COLOURED, {"opened_file": "'config.json'"}),
        (PY311_CARETS, {"left": "sum(xs)", "right": "len(xs)"}),
    ],
)
def test_values_are_read_from_the_failing_line(paste, expected, knowledge):
    _, values = fills_for(paste, knowledge)
    for name, value in expected.items():
        assert values.get(name) == value, (name, values)
