from solution import max_depth


def test_nested():
    assert max_depth("a(b[c{d}])") == 3


def test_no_brackets():
    assert max_depth("x") == 0


def test_wrong_kind():
    assert max_depth("(]") == -1


def test_unclosed_and_extra_close():
    assert max_depth("((") == -1
    assert max_depth("())") == -1


def test_sequence():
    assert max_depth("()[]{}") == 1
