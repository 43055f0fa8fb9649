from solution import merge_sorted


def test_interleaved():
    assert merge_sorted([1, 4, 6], [2, 3, 7]) == [1, 2, 3, 4, 6, 7]


def test_duplicates_kept():
    assert merge_sorted([1, 2], [2, 2]) == [1, 2, 2, 2]


def test_one_empty():
    assert merge_sorted([], [1, 2]) == [1, 2]
    assert merge_sorted([3], []) == [3]


def test_tail_of_longer_list():
    assert merge_sorted([1], [2, 3, 4]) == [1, 2, 3, 4]
