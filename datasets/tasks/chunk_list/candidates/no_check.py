def chunk(items, size):
    out = []
    for i in range(0, len(items), max(size, 1)):
        out.append(list(items[i:i + max(size, 1)]))
    return out
