from solution import flatten_keys


def test_nested():
    assert flatten_keys({"a": {"b": 1, "c": {"d": 2}}, "e": 3}) == {"a.b": 1, "a.c.d": 2, "e": 3}


def test_custom_separator():
    assert flatten_keys({"x": {"y": 0}}, sep="/") == {"x/y": 0}


def test_lists_are_values():
    assert flatten_keys({"a": [1, {"b": 2}]}) == {"a": [1, {"b": 2}]}


def test_empty_nested_dict_disappears():
    assert flatten_keys({"a": {}, "b": 1}) == {"b": 1}
