from solution import eval_rpn


def test_basic():
    assert eval_rpn("3 4 + 2 *") == 14


def test_operand_order():
    assert eval_rpn("7 2 -") == 5


def test_truncating_division():
    assert eval_rpn("-7 2 /") == -3
    assert eval_rpn("7 2 /") == 3


def _raises(expr):
    try:
        eval_rpn(expr)
    except ValueError:
        return True
    return False


def test_malformed():
    assert _raises("1 +")
    assert _raises("1 2")
    assert _raises("1 2 ^")
