import re


def decode(text):
    return "".join(ch * int(count or 1) for count, ch in re.findall(r"(\d*)(\D)", text))
