def second_largest(numbers):
    first = second = 0
    for n in numbers:
        if n > first:
            first, second = n, first
        elif second < n < first:
            second = n
    return second if second != 0 else None
