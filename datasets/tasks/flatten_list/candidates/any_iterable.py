def flatten(nested):
    flat = []
    for item in nested:
        if hasattr(item, "__iter__"):
            flat.extend(flatten(item))
        else:
            flat.append(item)
    return flat
