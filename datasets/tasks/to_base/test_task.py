from solution import to_base


def test_binary():
    assert to_base(10, 2) == "1010"


def test_hex():
    assert to_base(255, 16) == "ff"


def test_zero_and_negative():
    assert to_base(0, 7) == "0"
    assert to_base(-7, 3) == "-21"


def test_bad_base():
    try:
        to_base(5, 1)
    except ValueError:
        return
    raise AssertionError("to_base(5, 1) should raise ValueError")
