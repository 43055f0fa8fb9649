def count_vowels(text):
    return [ch for ch in text.lower() if ch in "aeiou"]
