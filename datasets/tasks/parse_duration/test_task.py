from solution import parse_duration


def test_hours_and_minutes():
    assert parse_duration("1h30m") == 5400


def test_all_units():
    assert parse_duration("1h2m3s") == 3723


def test_seconds_and_whitespace():
    assert parse_duration("  45s ") == 45


def test_result_is_an_int():
    assert isinstance(parse_duration("2h"), int)


def _raises(text):
    try:
        parse_duration(text)
    except ValueError:
        return True
    return False


def test_invalid_inputs():
    assert _raises("")
    assert _raises("10")
    assert _raises("5d")
    assert _raises("3s2m")
