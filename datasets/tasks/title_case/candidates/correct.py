SMALL = {"a", "an", "the", "of", "and", "in", "on"}


def title_case(text):
    words = text.lower().split(" ")
    return " ".join(
        w if i > 0 and w in SMALL else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
