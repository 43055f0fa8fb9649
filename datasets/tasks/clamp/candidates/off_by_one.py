def clamp(x, lo, hi):
    if x >= hi:
        return hi - 1
    return max(lo, x)
