def merge_sorted(a, b):
    out = []
    for item in a + b:
        if item not in out:
            out.append(item)
    out.sort()
    return out
