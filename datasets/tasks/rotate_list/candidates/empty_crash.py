def rotate(items, k):
    k %= len(items)
    return items[-k:] + items[:-k]
