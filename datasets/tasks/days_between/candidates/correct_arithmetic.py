DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _day_number(text):
    year, month, day = (int(part) for part in text.split("-"))
    previous = year - 1
    days = previous * 365 + previous // 4 - previous // 100 + previous // 400
    days += DAYS_BEFORE_MONTH[month - 1] + day
    if month > 2 and _is_leap(year):
        days += 1
    return days


def days_between(start, end):
    return _day_number(end) - _day_number(start)
