def dedupe(items):
    i = 0
    while i < len(items):
        if items[i] in items[:i]:
            del items[i]
        else:
            i += 1
    return items
