def digital_root(n):
    return sum(int(d) for d in str(n))
