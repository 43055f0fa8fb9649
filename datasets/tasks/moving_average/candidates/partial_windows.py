def moving_average(values, window):
    out = []
    for i in range(len(values)):
        part = values[i:i + window]
        out.append(sum(part) / len(part))
    return out[: max(len(values) - window + 1, 1)]
