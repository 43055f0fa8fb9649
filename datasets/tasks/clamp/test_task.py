from solution import clamp


def test_inside():
    assert clamp(5, 0, 10) == 5


def test_below():
    assert clamp(-3, 0, 10) == 0


def test_above_and_on_the_edge():
    assert clamp(12, 0, 10) == 10
    assert clamp(10, 0, 10) == 10


def test_keeps_int_type():
    assert isinstance(clamp(3, 0, 10), int)
