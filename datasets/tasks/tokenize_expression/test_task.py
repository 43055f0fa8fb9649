from solution import tokenize


def test_spaces():
    assert tokenize("x + 42") == ["x", "+", "42"]


def test_touching_tokens_and_parentheses():
    assert tokenize("(a+b)/ 2") == ["(", "a", "+", "b", ")", "/", "2"]


def test_power_is_one_token():
    assert tokenize("2**10") == ["2", "**", "10"]


def test_decimals_and_names_with_digits():
    assert tokenize("3.14*rate_2") == ["3.14", "*", "rate_2"]


def test_blank():
    assert tokenize("") == []
    assert tokenize("   ") == []


def test_unknown_character():
    try:
        tokenize("2 $ 3")
    except ValueError:
        return
    raise AssertionError("tokenize('2 $ 3') should raise ValueError")
