UNITS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(text):
    text = text.strip()
    if len(text) < 2 or text[-1] not in UNITS or not text[:-1].isdigit():
        raise ValueError(f"not a duration: {text!r}")
    return int(text[:-1]) * UNITS[text[-1]]
