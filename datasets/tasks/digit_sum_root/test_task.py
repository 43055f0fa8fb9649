from solution import digital_root


def test_three_digits():
    assert digital_root(942) == 6


def test_single_digit():
    assert digital_root(7) == 7


def test_zero():
    assert digital_root(0) == 0


def test_large():
    assert digital_root(999_999_999_999) == 9
