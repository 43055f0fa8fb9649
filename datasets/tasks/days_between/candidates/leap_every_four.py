DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _day_number(text):
    year, month, day = (int(part) for part in text.split("-"))
    days = (year - 1) * 365 + (year - 1) // 4
    days += sum(DAYS_IN_MONTH[: month - 1])
    if month > 2 and year % 4 == 0:
        days += 1
    return days + day


def days_between(start, end):
    return _day_number(end) - _day_number(start)
