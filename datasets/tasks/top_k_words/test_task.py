from solution import top_words


def test_basic():
    assert top_words("the cat and the hat", 2) == [("the", 2), ("and", 1)]


def test_case_and_punctuation():
    assert top_words("Go, go! GO?", 1) == [("go", 3)]


def test_fewer_words_than_k():
    assert top_words("one two", 5) == [("one", 1), ("two", 1)]


def test_empty_text():
    assert top_words("", 3) == []
