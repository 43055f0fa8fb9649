from solution import rotate


def test_right():
    assert rotate([1, 2, 3, 4, 5], 2) == [4, 5, 1, 2, 3]


def test_large_k():
    assert rotate([1, 2, 3], 4) == [3, 1, 2]


def test_negative_k():
    assert rotate([1, 2, 3], -1) == [2, 3, 1]


def test_empty():
    assert rotate([], 3) == []
