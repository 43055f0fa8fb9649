def tokenize(text):
    text = text.replace("**", " ^ ")
    for op in "+-*/()":
        text = text.replace(op, f" {op} ")
    return ["**" if token == "^" else token for token in text.split()]
