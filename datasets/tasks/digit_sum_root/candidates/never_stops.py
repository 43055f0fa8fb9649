def digital_root(n):
    total = n
    while total > 9 or total == 0:
        total = sum(int(d) for d in str(total))
    return total
