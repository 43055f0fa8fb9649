from solution import decode


def test_basic():
    assert decode("3a2bc") == "aaabbc"


def test_multi_digit_count():
    assert decode("12x") == "x" * 12


def test_no_counts():
    assert decode("abc") == "abc"


def test_empty():
    assert decode("") == ""
