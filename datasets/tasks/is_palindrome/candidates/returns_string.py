def is_palindrome(text):
    cleaned = "".join(ch.lower() for ch in text if ch.isalnum())
    return "yes" if cleaned == cleaned[::-1] else ""
