"""lines.py: fences around a paste, a bare exception line in prose, text that only names an
error (a question, code that raises one), and how much of a log line a reply quotes."""

import pytest

from labkit.sim.replies import errors
from tests.sim.replies.errors.samples import (
    CSV_TOTAL,
    NGINX_TIMEOUT,
    NOT_ERRORS,
    diagnosed,
    only,
)


def test_a_traceback_in_a_python_fence_is_still_a_traceback():
    fenced = "why?\n```python\n" + CSV_TOTAL.split("```")[1].strip() + "\n```"
    assert only(errors.parse(fenced)).name == "TypeError"


# -- lines that are errors, and text that is not -----------------------------------------------
def test_a_bare_exception_line_is_an_error_and_prose_after_a_quoted_key_is_cut():
    assert only(errors.parse("ModuleNotFoundError: No module named 'cv2'")).name == (
        "ModuleNotFoundError"
    )
    inline = only(errors.parse("i get KeyError: 'user_id' when i read the session, why"))
    assert (inline.name, inline.message) == ("KeyError", "'user_id'")
    assert only(errors.parse("MemoryError")).message == ""
    hint = only(errors.parse("NameError: name 'pritn' is not defined. Did you mean: 'print'?"))
    assert hint.message.endswith("'print'?")


@pytest.mark.parametrize("prompt", NOT_ERRORS)
def test_questions_about_errors_and_code_that_names_them_are_not_error_output(prompt, knowledge):
    pasted = errors.parse(prompt)
    assert pasted.raised == ()
    assert errors.diagnose(knowledge, pasted) is None


def test_a_log_line_is_quoted_from_where_the_error_starts(replier):
    plan, text, _ = diagnosed(replier, NGINX_TIMEOUT, effort="high")
    assert plan == "errors:gateway_timeout"
    assert "`upstream timed out (110: Connection timed out)" in text
    assert "2026/03/02" not in text  # the timestamp says nothing
    assert "http://127.0.0.1:8000/api/reports" in text
    assert "504" in text
