from solution import days_between


def test_same_month():
    assert days_between("2024-03-01", "2024-03-15") == 14


def test_same_day():
    assert days_between("2023-07-04", "2023-07-04") == 0


def test_leap_day():
    assert days_between("2024-02-28", "2024-03-01") == 2
    assert days_between("2000-02-28", "2000-03-01") == 2


def test_century_is_not_a_leap_year():
    assert days_between("1900-02-28", "1900-03-01") == 1


def test_backwards():
    assert days_between("2024-01-10", "2024-01-01") == -9


def test_decades():
    assert days_between("1970-01-01", "2000-01-01") == 10957
