def compare_versions(a, b):
    return (a > b) - (a < b)
