"""Prefill and the 2026-10-21 content rules (document blocks in assistant turns, citations on
user text blocks).

Sources: smallmain/vscode-unify-chat-provider#249 (verbatim prefill body); ericc-ch/copilot-api
#261 (Opus 4.6+/Sonnet 4.6 refuse, *-4-5 accept); qiita Synthorai + codersera (2026-10-21 content
rules). API_RULES.md section E.
"""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    HAIKU_45,
    NO_PREFILL_MODELS,
    OLD,
    accepted,
    create,
    expect_api_error,
    user,
)

# The verbatim body (issues) and FACTS.md's paraphrase; either satisfies the rule.
PREFILL_REFUSED = (
    r"^(This model does not support assistant message prefill\. The conversation must end with "
    r"a user message\.|Prefilling assistant messages is not supported for this model\.?)$"
)
PREFILL = [user("Name a colour."), {"role": "assistant", "content": "The colour is"}]

DOCUMENT = {
    "type": "document",
    "source": {"type": "text", "media_type": "text/plain", "data": "The sky is blue."},
    "title": "sky",
}


def _assistant_with_document() -> list[dict[str, Any]]:
    return [
        user("Here is a note."),
        {"role": "assistant", "content": [DOCUMENT, {"type": "text", "text": "Noted."}]},
        user("What colour is the sky?"),
    ]


def _user_text_with_citations() -> list[dict[str, Any]]:
    citation = {
        "type": "char_location",
        "cited_text": "The sky is blue.",
        "document_index": 0,
        "document_title": "sky",
        "start_char_index": 0,
        "end_char_index": 16,
    }
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "The sky is blue, as cited.", "citations": [citation]},
            ],
        }
    ]


@pytest.mark.parametrize("model", NO_PREFILL_MODELS)
def test_prefill_refused_on_46_and_later(sdk: anthropic.Anthropic, model: str) -> None:
    """A conversation ending with an assistant turn is a 400 on Opus 4.6/Sonnet 4.6 and later."""
    expect_api_error(
        lambda: create(sdk, model=model, max_tokens=16, messages=PREFILL),
        400,
        "invalid_request_error",
        PREFILL_REFUSED,
        f"{model} does not support assistant-message prefill",
    )


def test_prefill_refused_on_old_version_too(sdk: anthropic.Anthropic) -> None:
    """The prefill rule is per model, not per API version (reported from 2026-02, pre 2026-10-21)."""
    expect_api_error(
        lambda: create(
            sdk, model=NO_PREFILL_MODELS[1], max_tokens=16, messages=PREFILL, extra_headers=OLD
        ),
        400,
        "invalid_request_error",
        PREFILL_REFUSED,
        "Sonnet 4.6 refuses prefill under 2023-06-01 as well",
    )


def test_prefill_accepted_on_haiku_45(sdk: anthropic.Anthropic) -> None:
    """Haiku 4.5 (a 4.5 model) still accepts prefill (ericc-ch/copilot-api#261)."""
    message = accepted(
        lambda: create(sdk, model=HAIKU_45, max_tokens=16, messages=PREFILL),
        rule="Haiku 4.5 accepts a trailing assistant message",
    )
    assert message.role == "assistant"


def test_document_in_assistant_turn_refused_under_new_version(sdk: anthropic.Anthropic) -> None:
    """2026-10-21 refuses document blocks inside assistant messages (qiita; codersera)."""
    expect_api_error(
        lambda: create(sdk, model=HAIKU_45, max_tokens=16, messages=_assistant_with_document()),
        400,
        "invalid_request_error",
        r"(?i)document",
        "under 2026-10-21 an assistant message cannot contain a document block",
    )


def test_citations_on_user_text_refused_under_new_version(sdk: anthropic.Anthropic) -> None:
    """2026-10-21 refuses non-empty citations on user text blocks (qiita; codersera)."""
    expect_api_error(
        lambda: create(sdk, model=HAIKU_45, max_tokens=16, messages=_user_text_with_citations()),
        400,
        "invalid_request_error",
        r"(?i)citations",
        "under 2026-10-21 user text blocks cannot carry citations",
    )


@pytest.mark.parametrize(
    "messages",
    [_assistant_with_document(), _user_text_with_citations()],
    ids=["document", "citations"],
)
def test_old_version_accepts_those_content_shapes(
    sdk: anthropic.Anthropic, messages: list[dict[str, Any]]
) -> None:
    """Under 2023-06-01 these shapes were valid; the refusal is new in 2026-10-21."""
    accepted(
        lambda: create(sdk, model=HAIKU_45, max_tokens=16, messages=messages, extra_headers=OLD),
        rule="2023-06-01 accepts document blocks in assistant turns and citations on user text",
    )
