from solution import memoize


def test_caches():
    seen = []

    @memoize
    def square(x):
        seen.append(x)
        return x * x

    assert square(3) == 9 and square(3) == 9 and square(4) == 16
    assert seen == [3, 4]
    assert square.calls == 2


def test_keeps_name():
    @memoize
    def answer():
        return 42

    assert answer.__name__ == "answer" and answer() == 42


def test_distinguishes_argument_tuples():
    @memoize
    def add(a, b):
        return a + b

    assert add(1, 2) == 3 and add(1, 5) == 6
    assert add.calls == 2
