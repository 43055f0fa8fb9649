def merge_sorted(a, b):
    i = j = 0
    out = []
    while i < len(a) or j < len(b):
        if j >= len(b) or (i < len(a) and a[i] < b[j]):
            out.append(a[i])
            i += 1
        elif i >= len(a) or b[j] < a[i]:
            out.append(b[j])
            j += 1
    return out
