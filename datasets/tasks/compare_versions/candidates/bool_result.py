def compare_versions(a, b):
    pa = [int(p) for p in a.split(".")]
    pb = [int(p) for p in b.split(".")]
    n = max(len(pa), len(pb))
    pa += [0] * (n - len(pa))
    pb += [0] * (n - len(pb))
    return pa > pb
