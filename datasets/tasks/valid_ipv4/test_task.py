from solution import is_ipv4


def test_valid():
    assert is_ipv4("192.168.0.1") is True
    assert is_ipv4("0.0.0.0") is True


def test_out_of_range():
    assert is_ipv4("256.1.1.1") is False


def test_wrong_part_count():
    assert is_ipv4("1.2.3") is False
    assert is_ipv4("1.2.3.4.5") is False


def test_leading_zero_sign_space():
    assert is_ipv4("01.2.3.4") is False
    assert is_ipv4("1.2.3.-4") is False
    assert is_ipv4("1.2. 3.4") is False
