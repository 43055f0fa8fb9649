import re


def decode(text):
    return "".join(ch * int(count) for count, ch in re.findall(r"(\d+)(\D)", text))
