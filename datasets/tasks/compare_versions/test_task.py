from solution import compare_versions


def test_numeric_parts():
    assert compare_versions("1.10", "1.9") == 1


def test_trailing_zeros():
    assert compare_versions("1.0", "1") == 0
    assert compare_versions("1.0.0", "1.0.1") == -1


def test_less():
    assert compare_versions("0.9.9", "1.0") == -1


def test_equal():
    assert compare_versions("2.3.4", "2.3.4") == 0
