from solution import title_case


def test_small_words():
    assert title_case("the lord OF the rings") == "The Lord of the Rings"


def test_first_word_small():
    assert title_case("a tale of two cities") == "A Tale of Two Cities"


def test_single_word():
    assert title_case("hELLO") == "Hello"


def test_empty():
    assert title_case("") == ""
