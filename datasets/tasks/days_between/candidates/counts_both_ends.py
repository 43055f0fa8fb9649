from datetime import date


def days_between(start, end):
    first = date.fromisoformat(start)
    last = date.fromisoformat(end)
    if last < first:
        return -((first - last).days + 1)
    return (last - first).days + 1
