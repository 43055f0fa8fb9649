def digital_root(n):
    return 0 if n == 0 else 1 + (n - 1) % 9
