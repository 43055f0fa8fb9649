def second_largest(numbers):
    ordered = sorted(numbers, reverse=True)
    return ordered[1] if len(ordered) >= 2 else None
