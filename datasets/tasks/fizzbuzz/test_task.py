from solution import fizzbuzz


def test_first_fifteen():
    assert fizzbuzz(15)[-1] == "FizzBuzz"
    assert fizzbuzz(5) == ["1", "2", "Fizz", "4", "Buzz"]


def test_length():
    assert len(fizzbuzz(30)) == 30


def test_zero():
    assert fizzbuzz(0) == []
