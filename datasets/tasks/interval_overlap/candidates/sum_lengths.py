def covered_length(intervals):
    return sum(end - start for start, end in intervals)
