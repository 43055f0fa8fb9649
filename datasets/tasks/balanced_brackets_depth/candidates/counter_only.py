def max_depth(text):
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return -1
    return deepest if depth == 0 else -1
