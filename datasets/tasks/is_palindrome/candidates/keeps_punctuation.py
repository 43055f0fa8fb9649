def is_palindrome(text):
    lowered = text.lower()
    return lowered == lowered[::-1]
