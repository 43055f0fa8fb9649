import re
from collections import Counter


def top_words(text, k):
    return Counter(re.findall(r"[a-z]+", text.lower())).most_common(k)
