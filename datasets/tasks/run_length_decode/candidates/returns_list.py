import re


def decode(text):
    return [ch * int(count or 1) for count, ch in re.findall(r"(\d*)(\D)", text)]
