import functools


def memoize(func):
    cache = {}

    @functools.wraps(func)
    def wrapper(*args):
        key = args[0] if args else None
        if key not in cache:
            wrapper.calls += 1
            cache[key] = func(*args)
        return cache[key]

    wrapper.calls = 0
    return wrapper
