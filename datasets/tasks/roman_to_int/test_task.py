from solution import roman_to_int


def test_simple():
    assert roman_to_int("XIV") == 14


def test_subtractive():
    assert roman_to_int("MCMXCIV") == 1994
    assert roman_to_int("XL") == 40


def test_lower_case():
    assert roman_to_int("iv") == 4


def test_single_symbol():
    assert roman_to_int("V") == 5


def test_repeated():
    assert roman_to_int("MMMCCCXXXIII") == 3333
