from solution import chunk


def test_uneven():
    assert chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]


def test_even():
    assert chunk([1, 2, 3, 4], 2) == [[1, 2], [3, 4]]


def test_empty():
    assert chunk([], 3) == []


def test_bad_size():
    try:
        chunk([1], 0)
    except ValueError:
        return
    raise AssertionError("chunk([1], 0) should raise ValueError")
