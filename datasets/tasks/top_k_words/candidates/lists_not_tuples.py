import re
from collections import Counter


def top_words(text, k):
    counts = Counter(re.findall(r"[a-z]+", text.lower()))
    return [[w, c] for w, c in sorted(counts.items(), key=lambda p: (-p[1], p[0]))[:k]]
