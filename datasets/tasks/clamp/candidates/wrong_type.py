def clamp(x, lo, hi):
    return float(max(lo, min(x, hi)))
