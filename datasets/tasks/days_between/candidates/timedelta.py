from datetime import datetime


def days_between(start, end):
    return datetime.strptime(end, "%Y-%m-%d") - datetime.strptime(start, "%Y-%m-%d")
