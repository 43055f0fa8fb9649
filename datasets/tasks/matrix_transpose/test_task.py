from solution import transpose


def test_square():
    assert transpose([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]


def test_wide():
    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]


def test_single_row_and_column():
    assert transpose([[1, 2, 3]]) == [[1], [2], [3]]
    assert transpose([[1], [2]]) == [[1, 2]]


def test_empty():
    assert transpose([]) == []


def test_ragged_rows():
    try:
        transpose([[1, 2], [3]])
    except ValueError:
        return
    raise AssertionError("transpose([[1, 2], [3]]) should raise ValueError")
