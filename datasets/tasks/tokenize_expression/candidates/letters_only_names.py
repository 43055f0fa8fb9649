import re

TOKEN = re.compile(r"\d+(?:\.\d+)?|[A-Za-z_]+|\*\*|[-+*/()]|\S")


def tokenize(text):
    tokens = TOKEN.findall(text)
    for token in tokens:
        if len(token) == 1 and not (token.isalnum() or token in "_+-*/()"):
            raise ValueError(f"unexpected character {token!r}")
    return tokens
