from solution import second_largest


def test_basic():
    assert second_largest([3, 1, 4, 4]) == 3


def test_all_equal():
    assert second_largest([7, 7]) is None


def test_empty():
    assert second_largest([]) is None


def test_negative_numbers():
    assert second_largest([-2, -5]) == -5


def test_unsorted():
    assert second_largest([10, 30, 20]) == 20
