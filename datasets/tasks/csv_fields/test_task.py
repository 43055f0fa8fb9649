from solution import split_csv_line


def test_quoted_comma():
    assert split_csv_line('a,"b,c",d') == ["a", "b,c", "d"]


def test_escaped_quote():
    assert split_csv_line('"say ""hi""",x') == ['say "hi"', "x"]


def test_empty_fields():
    assert split_csv_line("a,,") == ["a", "", ""]
    assert split_csv_line("") == [""]


def test_spaces_kept():
    assert split_csv_line(" a , b") == [" a ", " b"]
