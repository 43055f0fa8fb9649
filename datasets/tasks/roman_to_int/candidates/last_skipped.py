VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_to_int(text):
    digits = [VALUES[ch] for ch in text.upper()]
    total = 0
    for i in range(len(digits) - 1):
        total += -digits[i] if digits[i] < digits[i + 1] else digits[i]
    return total + (digits[-1] if len(digits) > 1 else 0)
