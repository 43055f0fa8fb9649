import re
from collections import Counter


def top_words(text, k):
    counts = Counter(re.findall(r"[a-z]+", text.lower()))
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[: k - 1]
