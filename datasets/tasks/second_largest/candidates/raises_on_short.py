def second_largest(numbers):
    return sorted(set(numbers))[-2]
