def covered_length(intervals):
    total = 0
    last_end = None
    for start, end in intervals:
        if last_end is not None and start < last_end:
            start = last_end
        if end > start:
            total += end - start
        last_end = end if last_end is None else max(last_end, end)
    return total
