def is_palindrome(text):
    cleaned = [ch.lower() for ch in text if ch.isalnum()]
    n = len(cleaned)
    return all(cleaned[i] == cleaned[n - i] for i in range(1, n // 2 + 1)) if n else True
