def rotate(items, k):
    if not items:
        return []
    return items[-k:] + items[:-k]
