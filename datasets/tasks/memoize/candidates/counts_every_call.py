import functools


def memoize(func):
    cache = {}

    @functools.wraps(func)
    def wrapper(*args):
        wrapper.calls += 1
        if args not in cache:
            cache[args] = func(*args)
        return cache[args]

    wrapper.calls = 0
    return wrapper
