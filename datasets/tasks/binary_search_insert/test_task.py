from solution import insertion_point


def test_after_equal_entries():
    assert insertion_point([1, 2, 2, 3], 2) == 3


def test_ends():
    assert insertion_point([1, 2, 3], 0) == 0
    assert insertion_point([1, 2, 3], 9) == 3


def test_empty():
    assert insertion_point([], 5) == 0


def test_many():
    data = list(range(0, 100, 2))
    assert all(insertion_point(data, v) == v // 2 + 1 for v in range(0, 99))
