DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_base(n, base):
    if not 2 <= base <= 36:
        raise ValueError("base must be between 2 and 36")
    sign = "-" if n < 0 else ""
    n = abs(n)
    out = []
    while n:
        n, digit = divmod(n, base)
        out.append(DIGITS[digit])
    return sign + "".join(reversed(out))
