def flatten_keys(data, sep="."):
    flat = {}
    for key, value in data.items():
        if isinstance(value, dict):
            for inner, leaf in flatten_keys(value).items():
                flat[f"{key}.{inner}"] = leaf
        else:
            flat[key] = value
    return flat
