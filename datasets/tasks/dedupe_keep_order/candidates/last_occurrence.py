def dedupe(items):
    out = []
    for item in items:
        if item in out:
            out.remove(item)
        out.append(item)
    return out
