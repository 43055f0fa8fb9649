from solution import count_vowels


def test_simple():
    assert count_vowels("Hello") == 2


def test_upper_case():
    assert count_vowels("AEIOU") == 5


def test_empty():
    assert count_vowels("") == 0


def test_y_is_not_a_vowel():
    assert count_vowels("rhythm") == 0
