PAIRS = {")": "(", "]": "[", "}": "{"}


def max_depth(text):
    stack = []
    deepest = 0
    for ch in text:
        if ch in "([{":
            stack.append(ch)
            deepest = max(deepest, len(stack))
        elif ch in PAIRS and stack.pop() != PAIRS[ch]:
            return -1
    return deepest if not stack else -1
