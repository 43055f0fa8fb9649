"""Words as the reply model reads them: function words to skip, and a light stemmer."""

from __future__ import annotations

import re

# A fenced code block, closed or cut off: code is not prose, whatever words it holds.
CODE_FENCE = re.compile(r"```.*?(```|$)", re.S)

# Function words: they say how a question is asked, not what it is about.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "at",
        "for",
        "is",
        "are",
        "was",
        "be",
        "it",
        "this",
        "that",
        "i",
        "you",
        "me",
        "my",
        "we",
        "our",
        "with",
        "as",
        "by",
        "do",
        "does",
        "did",
        "so",
        "if",
        "can",
        "could",
        "would",
        "should",
        "will",
        "just",
        "please",
        "pls",
    ]
)

# How a question is asked, not what it asks about.
QUESTION_FRAME = frozenset(
    [
        "what",
        "whats",
        "how",
        "why",
        "when",
        "which",
        "who",
        "where",
        "does",
        "doe",
        "did",
        "can",
        "could",
        "would",
        "should",
        "is",
        "are",
        "am",
        "there",
        "any",
        "some",
        "about",
        "with",
        "from",
        "into",
        "have",
        "has",
        "get",
        "got",
        "need",
        "want",
        "like",
        "know",
        "tell",
        "explain",
        "mean",
        "means",
        "meaning",
        "really",
        "way",
        "best",
        "good",
        "ok",
        "okay",
        "hey",
        "hi",
        "thanks",
        "anyone",
        "someone",
        "thing",
        "things",
        "use",
        "using",
        "used",
        "make",
        "one",
        "much",
        "many",
        "more",
        "most",
        "also",
        "very",
        "not",
        "don",
        "dont",
        "isn",
        "its",
        "it's",
        # The frame of a choice or a judgement ("how do I choose between X and Y", "is it bad
        # practice to ..."): X and Y are what it is about.
        "choose",
        "choosing",
        "pick",
        "between",
        "difference",
        "differences",
        "vs",
        "versus",
        "bad",
        "practice",
        "idea",
        "better",
        "worth",
        "fine",
        "normal",
        "please",
        "pls",
    ]
)


def stem(word: str) -> str:
    """Strip a plural or verb ending: "tests", "testing", "tested" all read as "test"."""
    for suffix in ("'s", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Function words of the languages a course's students most often write in besides English, chosen
# so that none is also an English word ("was", "die", "come" and "so" are left out). A prompt in
# one of them is answered with an honest "I can only reply in English", whatever code words it
# contains ("Wie funktioniert git rebase?" is not an English question about git).
_OTHER_LANGUAGES = frozenset(
    [
        "est",
        "les",
        "des",
        "une",
        "pourquoi",
        "comment",
        "je",
        "tu",
        "vous",
        "nous",
        "avec",
        "pas",
        "dans",
        "c'est",
        "qu'est",
        "quoi",
        "mon",
        "sur",
        "très",
        "bonjour",
        "merci",
        "ist",
        "wie",
        "warum",
        "ich",
        "du",
        "nicht",
        "und",
        "der",
        "das",
        "ein",
        "eine",
        "funktioniert",
        "kann",
        "mein",
        "bitte",
        "danke",
        "für",
        "auf",
        "einen",
        "meinem",
        "cómo",
        "qué",
        "que",
        "por",
        "para",
        "el",
        "los",
        "las",
        "está",
        "hola",
        "gracias",
        "funciona",
        "mi",
        "porque",
        "pero",
        "hacer",
        "puedes",
        "não",
        "você",
        "obrigado",
        "olá",
        "isso",
        "fazer",
        "pode",
        "meu",
        "perché",
        "che",
        "il",
        "della",
        "sono",
        "ciao",
        "grazie",
        "questo",
        "puoi",
        "hoe",
        "wat",
        "waarom",
        "het",
        "een",
        "niet",
        "ik",
        "werkt",
        "bedankt",
        "es",
        "la",
        "de",
        "le",
        "et",
        "del",
        "al",
        "cuál",
        "cual",
        "peux",
        "kannst",
        "entre",
        "beaucoup",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "is",
        "are",
        "how",
        "what",
        "why",
        "when",
        "do",
        "does",
        "can",
        "should",
        "my",
        "i",
        "you",
        "a",
        "an",
        "to",
        "of",
        "in",
        "it",
        "this",
        "that",
        "with",
        "and",
        "or",
        "for",
        "on",
    ]
)
_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LANGUAGE_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_CODE = re.compile(CODE_FENCE.pattern + r"|`[^`]*`", re.S)


def in_another_language(text: str) -> bool:
    """Is the prose of `text` (code left out) written in a language other than English?"""
    prose = _CODE.sub(" ", text)
    letters = _LETTER.findall(prose)
    if len(letters) < 2:
        return False
    if sum(not _LATIN.match(ch) for ch in letters) > 0.3 * len(letters):
        return True  # Cyrillic, Greek, CJK, Arabic, Devanagari ...
    words = [w.lower() for w in _LANGUAGE_WORD.findall(prose)]
    foreign = sum(w in _OTHER_LANGUAGES for w in words)
    english = sum(w in _ENGLISH for w in words)
    accents = bool(re.search(r"[àâäçéèêëîïôöùûüÿñãõßœ¿¡]", prose.lower()))
    return foreign + accents >= 2 and foreign > english
