SMALL = {"a", "an", "the", "of", "and", "in", "on"}


def title_case(text):
    words = text.lower().split(" ")
    return " ".join(w if w in SMALL else w[:1].upper() + w[1:] for w in words)
