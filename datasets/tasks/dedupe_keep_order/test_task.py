from solution import dedupe


def test_order_kept():
    assert dedupe([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_empty():
    assert dedupe([]) == []


def test_input_unchanged():
    data = [1, 1, 2]
    dedupe(data)
    assert data == [1, 1, 2]


def test_strings():
    assert dedupe(["b", "a", "b"]) == ["b", "a"]
