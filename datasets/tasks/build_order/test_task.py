from solution import build_order


def test_chain():
    assert build_order({"app": ["lib"], "lib": ["core"], "core": []}) == ["core", "lib", "app"]


def test_ties_go_alphabetically():
    assert build_order({"b": [], "a": ["c"], "c": []}) == ["b", "c", "a"]
    assert build_order({"d": ["b", "a"], "c": ["a"]}) == ["a", "b", "c", "d"]


def test_targets_only_named_as_dependencies():
    assert build_order({"x": ["y"]}) == ["y", "x"]


def test_empty():
    assert build_order({}) == []


def test_input_unchanged():
    deps = {"app": ["lib", "log"], "lib": ["log"]}
    assert build_order(deps) == ["log", "lib", "app"]
    assert deps == {"app": ["lib", "log"], "lib": ["log"]}


def _raises(deps):
    try:
        build_order(deps)
    except ValueError:
        return True
    return False


def test_cycles():
    assert _raises({"a": ["b"], "b": ["a"]})
    assert _raises({"a": ["a"]})
    assert _raises({"a": ["b"], "b": ["c"], "c": ["a"], "d": []})
