from solution import covered_length


def test_overlap():
    assert covered_length([(1, 4), (2, 6), (8, 9)]) == 6


def test_touching():
    assert covered_length([(0, 2), (2, 3)]) == 3


def test_nested_and_unsorted():
    assert covered_length([(5, 6), (0, 10), (2, 3)]) == 10


def test_empty_and_zero_length():
    assert covered_length([]) == 0
    assert covered_length([(4, 4)]) == 0
