def is_palindrome(text):
    cleaned = "".join(ch.lower() for ch in text if ch.isalnum())
    if cleaned == cleaned[::-1]:
        return True
