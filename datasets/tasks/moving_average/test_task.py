from solution import moving_average


def test_window_two():
    assert moving_average([1, 2, 3, 4], 2) == [1.5, 2.5, 3.5]


def test_window_one_is_identity():
    assert moving_average([4, 5], 1) == [4.0, 5.0]


def test_window_too_large():
    assert moving_average([1, 2], 3) == []


def test_whole_list():
    assert moving_average([2, 4, 6], 3) == [4.0]
