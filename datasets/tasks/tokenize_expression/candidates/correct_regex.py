import re

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/()]))")


def tokenize(text):
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            bad = text[position:].lstrip()[0]
            raise ValueError(f"unexpected character {bad!r}")
        tokens.append(match.group(match.lastindex))
        position = match.end()
    return tokens
