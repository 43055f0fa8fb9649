import pytest

from labkit.checks import CheckFailed, check_all_close, check_close, check_raises, check_type


def test_passing_checks_are_silent(capsys):
    check_close(0.5000001, 0.5, "p", hint="h")
    check_all_close([1, 2], [1.0, 2.0], "xs", hint="h")
    check_type(3, int, "n", hint="h")
    check_raises(lambda: 1 / 0, ZeroDivisionError, "div", hint="h")
    assert capsys.readouterr() == ("", "")


def test_failures_say_what_was_expected_found_and_a_hint():
    with pytest.raises(CheckFailed) as caught:
        check_close(0.7, 0.5, "the success rate", tol=0.01, hint="divide by the number of runs")
    message = str(caught.value)
    assert "the success rate" in message
    assert "expected: 0.5 (within 0.01)" in message and "found:    0.7" in message
    assert "hint:     divide by the number of runs" in message
    assert isinstance(caught.value, AssertionError)  # nbgrader scores it as a failed test


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: check_close("abc", 1.0, "x", hint="h"), "a number close to 1"),
        (lambda: check_close(float("nan"), 1.0, "x", hint="h"), "nan"),
        (lambda: check_all_close([1], [1, 2], "xs", hint="h"), "2 values"),
        (lambda: check_type("1", int, "n", hint="h"), "str: '1'"),
        (lambda: check_raises(lambda: None, ValueError, "v", hint="h"), "no exception"),
        (lambda: check_raises(lambda: int("x"), KeyError, "v", hint="h"), "ValueError"),
    ],
)
def test_each_kind_of_failure_is_explained(call, fragment):
    with pytest.raises(CheckFailed, match=fragment):
        call()
