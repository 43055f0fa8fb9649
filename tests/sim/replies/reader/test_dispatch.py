"""Dispatch tables: a long if/elif chain over one name becomes a lookup that behaves the same.

Every rewrite is run against the original on generated inputs: each key, values that are not
keys, and the keys' look-alikes (`1.0` for `1`, `True` for `1`). The one difference the reply
admits, an unhashable value, is checked to be the only one.
"""

import ast
from typing import Any

import pytest

from labkit.sim.replies.reader import refactor
from labkit.sim.replies.reader.dispatch import MIN_BRANCHES, tabulate
from tests.sim.replies.reader.samples import assert_same_behaviour, run, src

SHIPPING = src(
    """
    def shipping_cost(region):
        if region == "uk":
            return 4.99
        elif region == "eu":
            return 7.50
        elif region == "us":
            return 9.00
        elif region == "ca":
            return 9.50
        elif region == "au":
            return 12.00
        else:
            return 15.00
    """
)
HANDLERS = src(
    """
    def start(args):
        return "started " + args

    def stop(args):
        return "stopped " + args

    def status(args):
        return "ok " + args

    def restart(args):
        return "restarted " + args

    def unknown(args):
        return "unknown " + args

    def handle(command, args):
        if command == "start":
            return start(args)
        elif command == "stop":
            return stop(args)
        elif command == "status":
            return status(args)
        elif command in ("restart", "reload"):
            return restart(args)
        else:
            return unknown(args)
    """
)
RAISES = src(
    """
    def colour(code):
        if code == 1:
            return "red"
        elif code == 2:
            return "green"
        elif code == 3:
            return "blue"
        elif code == -1:
            return "black"
        else:
            raise ValueError(f"bad code {code}")
    """
)
SEQUENTIAL = src(
    """
    def weekday_number(day):
        day = day.lower()
        if day == "mon":
            return 0
        if day == "tue":
            return 1
        if day == "wed":
            return 2
        if day == "thu":
            return 3
        if day == "fri":
            return 4
        return None
    """
)
ASSIGNS = src(
    """
    def label(status):
        text = "unknown"
        if status == 200:
            text = "OK"
        elif status == 404:
            text = "Not Found"
        elif status == 500:
            text = "Server Error"
        elif status == 301:
            text = "Moved"
        return text.upper()
    """
)
FALLS_THROUGH = src(
    """
    def describe(kind, size):
        if kind == "s":
            return "small"
        elif kind == "m":
            return "medium"
        elif kind == "l":
            return "large"
        elif kind == "xl":
            return "huge"
        if size > 10:
            return "big, unlabelled"
        return "unlabelled"
    """
)
METHOD = src(
    """
    class Shape:
        def __init__(self, kind):
            self.kind = kind

        def sides(self):
            if self.kind == "triangle":
                return 3
            elif self.kind == "square":
                return 4
            elif self.kind == "pentagon":
                return 5
            elif self.kind == "hexagon":
                return 6
            else:
                return 0
    """
)


def _inputs(code, extra=()):
    """Every constant the code compares with, their look-alikes, and values that match none."""
    tree = ast.parse(code)
    keys = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, int | float | str)
    ]
    keys += [
        -n.operand.value
        for n in ast.walk(tree)
        if isinstance(n, ast.UnaryOp)
        and isinstance(n.operand, ast.Constant)
        and isinstance(n.operand.value, int)
    ]
    alike: list[object] = [float(k) for k in keys if isinstance(k, int) and not isinstance(k, bool)]
    alike += [k.upper() for k in keys if isinstance(k, str)] + [True, False, None, 0, "", "zz"]
    return [*keys, *alike, *extra]


@pytest.mark.parametrize(
    ("code", "name", "table"),
    [
        (SHIPPING, "shipping_cost", "SHIPPING_COST_BY_REGION"),
        (RAISES, "colour", "COLOUR_BY_CODE"),
        (SEQUENTIAL, "weekday_number", "WEEKDAY_NUMBER_BY_DAY"),
        (ASSIGNS, "label", "TEXT_BY_STATUS"),
        (FALLS_THROUGH, "describe", "DESCRIBE_BY_KIND"),
    ],
)
def test_a_chain_of_values_becomes_a_table_that_behaves_the_same(code, name, table):
    result = refactor(code)
    assert result is not None and "dispatch" in result.kinds
    assert f"{table} = {{" in result.source
    assert "elif" not in result.source
    arity = len(next(n for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)).args.args)
    values = _inputs(code)
    inputs = [(v,) for v in values] if arity == 1 else [(v, s) for v in values for s in (3, 30)]
    if name == "weekday_number":
        inputs = [(v,) for v in values if isinstance(v, str)]  # it calls `.lower()` first
    assert_same_behaviour(code, result.source, name, inputs)


def test_the_shipping_table_keeps_the_default_and_the_numbers_as_written():
    result = refactor(SHIPPING)
    assert result is not None
    assert "return SHIPPING_COST_BY_REGION.get(region, 15.0)" in result.source
    assert '    "eu": 7.50,\n' in result.source  # one entry a line, the literal as written
    said = " ".join(result.changes)
    assert "one more entry" in said and "default" in said
    assert "`TypeError`" in said  # the one difference, said


def test_an_unhashable_value_is_the_only_difference():
    result = refactor(SHIPPING)
    assert result is not None
    assert run(SHIPPING, "shipping_cost", (["uk"],)) == ("returned", 15.0)
    assert run(result.source, "shipping_cost", (["uk"],)) == ("raised", TypeError)


def test_calls_of_different_functions_become_a_table_of_handlers():
    result = refactor(HANDLERS)
    assert result is not None
    assert "return COMMAND_HANDLERS.get(command, unknown)(args)" in result.source
    assert '"reload": restart,' in result.source
    # The table comes after the handlers it names: it looks them up when the module loads.
    assert result.source.index("COMMAND_HANDLERS = {") > result.source.index("def unknown")
    inputs = [(c, "x") for c in ("start", "stop", "status", "restart", "reload", "nope", "")]
    assert_same_behaviour(HANDLERS, result.source, "handle", inputs)
    assert "patches one of them" in " ".join(result.changes)


def test_an_else_that_raises_becomes_a_guard_clause():
    result = refactor(RAISES)
    assert result is not None
    assert "if code not in COLOUR_BY_CODE:\n        raise ValueError" in result.source
    assert "return COLOUR_BY_CODE[code]" in result.source


def test_a_chain_over_an_attribute_in_a_method():
    result = refactor(METHOD)
    assert result is not None and "SIDES_BY_KIND" in result.source
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    exec(METHOD, before)
    exec(result.source, after)
    for kind in ("triangle", "square", "pentagon", "hexagon", "circle", ""):
        assert before["Shape"](kind).sides() == after["Shape"](kind).sides()


@pytest.mark.parametrize(
    "code",
    [
        # Three cases read fine as a chain.
        "def f(x):\n    if x == 1:\n        return 'a'\n    elif x == 2:\n        return 'b'\n"
        "    elif x == 3:\n        return 'c'\n    return 'd'\n",
        # `True == 1`: in a dict the later key would win, in the chain the first branch does.
        "def f(x):\n    if x == 1:\n        return 'a'\n    elif x == True:\n        return 'b'\n"
        "    elif x == 2:\n        return 'c'\n    elif x == 3:\n        return 'd'\n    return 'e'\n",
        # A value worked out from another name cannot be computed ahead in a table.
        "def f(x, y):\n    if x == 1:\n        return y * 2\n    elif x == 2:\n        return 'b'\n"
        "    elif x == 3:\n        return 'c'\n    elif x == 4:\n        return 'd'\n    return 'e'\n",
        # A branch that does more than give a value.
        "def f(x):\n    if x == 1:\n        print(x)\n        return 'a'\n    elif x == 2:\n"
        "        return 'b'\n    elif x == 3:\n        return 'c'\n    elif x == 4:\n"
        "        return 'd'\n    return 'e'\n",
        # Different names tested.
        "def f(x, y):\n    if x == 1:\n        return 'a'\n    elif y == 2:\n        return 'b'\n"
        "    elif x == 3:\n        return 'c'\n    elif x == 4:\n        return 'd'\n    return 'e'\n",
        # Handlers that are local: a module-level table cannot see them.
        "def f(x, on_a, on_b, on_c, on_d):\n    if x == 1:\n        return on_a(x)\n"
        "    elif x == 2:\n        return on_b(x)\n    elif x == 3:\n        return on_c(x)\n"
        "    elif x == 4:\n        return on_d(x)\n    return None\n",
    ],
)
def test_no_table_where_it_would_not_behave_the_same(code):
    tree = ast.parse(code)
    assert tabulate(tree, code) == []
    result = refactor(code)
    assert result is None or "dispatch" not in result.kinds


def test_the_threshold_is_four_branches():
    assert MIN_BRANCHES == 4
