def median(values):
    if not values:
        raise ValueError("median of an empty list")
    values.sort()
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
