"""Words: the stemmer, and telling a prompt in another language from an English one."""

import pytest

from labkit.sim.replies.words import in_another_language, stem


def test_stem_strips_plurals_and_verb_endings():
    assert {stem(w) for w in ["tests", "testing", "tested", "test"]} == {"test"}
    assert stem("is") == "is"


@pytest.mark.parametrize(
    "text",
    [
        "Wie funktioniert git rebase?",
        "tu parles français ?",
        "¿Cuál es la capital de Francia?",
        "pourquoi mon test échoue",
        "Как написать тест?",
        "テストの書き方を教えて",
        "Você pode me ajudar com meu código?",
    ],
)
def test_another_language_is_recognised_whatever_code_words_it_holds(text):
    assert in_another_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "How do I test a date parser?",
        "what is a café-style standup",
        "the de facto standard for mocks",
        "def f(x): return x  # que",
        "Why does `für` appear in my logs?",
        "ok",
        "",
    ],
)
def test_english_prompts_are_english(text):
    assert not in_another_language(text)
