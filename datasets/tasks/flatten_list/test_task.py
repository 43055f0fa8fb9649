from solution import flatten


def test_deeply_nested():
    assert flatten([1, [2, [3, [4]]], 5]) == [1, 2, 3, 4, 5]


def test_already_flat():
    assert flatten([3, 1, 2]) == [3, 1, 2]


def test_empty_lists():
    assert flatten([]) == []
    assert flatten([[], [[]]]) == []


def test_tuples_are_flattened():
    assert flatten([1, (2, 3), [(4,)]]) == [1, 2, 3, 4]


def test_strings_are_items():
    assert flatten(["ab", ["cd", [None]]]) == ["ab", "cd", None]
