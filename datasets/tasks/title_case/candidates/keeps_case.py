SMALL = {"a", "an", "the", "of", "and", "in", "on"}


def title_case(text):
    words = text.split(" ")
    return " ".join(
        w if i > 0 and w.lower() in SMALL else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
