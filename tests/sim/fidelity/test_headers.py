"""Header-level rules: anthropic-version, authentication, error envelope, unknown model.

Sources: https://docs.claude.com/en/api/errors ; real bodies quoted in
envoyproxy/ai-gateway#1909, decolua/9router#2357, stackblitz-labs/bolt.diy#156,
continuedev/continue#11538 (see API_RULES.md, sections A-C).
"""

from __future__ import annotations

import re
from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    HAIKU_45,
    NEW_VERSION,
    OLD_VERSION,
    RawResponse,
    RawSend,
    count,
    create,
    expect_api_error,
    hello,
)

BODY: dict[str, Any] = {"model": HAIKU_45, "max_tokens": 32, "messages": hello()}
COUNT_BODY: dict[str, Any] = {"model": HAIKU_45, "messages": hello()}
KEY = {"x-api-key": "sk-test", "content-type": "application/json"}

ENDPOINTS = [
    ("POST", "/v1/messages", BODY),
    ("POST", "/v1/messages/count_tokens", COUNT_BODY),
    ("GET", "/v1/models", None),
]


def _error(response: RawResponse, status: int, error_type: str, message: str, rule: str) -> None:
    body = response.body if isinstance(response.body, dict) else {}
    inner = body.get("error") or {}
    got = (response.status, inner.get("type"), inner.get("message"))
    assert response.status == status, f"docs: {rule}; expected {status}, got {got}"
    assert inner.get("type") == error_type, f"docs: {rule}; expected {error_type}, got {got}"
    assert re.search(message, str(inner.get("message"))), (
        f"docs: {rule}; expected message {message!r}, got {got}"
    )
    assert body.get("type") == "error", f"docs: error envelope has type 'error': {body!r}"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_missing_version_header_is_400(raw: RawSend, method: str, path: str, body: Any) -> None:
    """errors: 'anthropic-version: header is required' (envoyproxy/ai-gateway#1909)."""
    response = raw(method, path, KEY, body)
    _error(
        response,
        400,
        "invalid_request_error",
        re.escape("anthropic-version: header is required"),
        "a request without anthropic-version is refused",
    )


@pytest.mark.parametrize("version", ["2024-10-22", "2023-06-01, 2023-06-01", "latest"])
def test_bogus_version_is_400(raw: RawSend, version: str) -> None:
    """Only published dates are valid: 'anthropic-version: "<v>" is not a valid version'
    (decolua/9router#2357; sseshachala/conductai#2179)."""
    response = raw("POST", "/v1/messages", {**KEY, "anthropic-version": version}, BODY)
    _error(
        response,
        400,
        "invalid_request_error",
        re.escape(f'anthropic-version: "{version}" is not a valid version'),
        "an unpublished anthropic-version value is refused",
    )


@pytest.mark.parametrize("version", [NEW_VERSION, OLD_VERSION])
def test_published_versions_are_accepted(raw: RawSend, version: str) -> None:
    """2023-06-01 and 2026-10-21 are both published versions (docs versioning; codersera)."""
    response = raw("POST", "/v1/messages", {**KEY, "anthropic-version": version}, BODY)
    assert response.status == 200, f"docs: version {version} is valid; got {response.body!r}"
    assert response.body["type"] == "message"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_missing_credentials_is_401(raw: RawSend, method: str, path: str, body: Any) -> None:
    """No x-api-key and no Authorization -> 401 'x-api-key header is required'
    (stackblitz-labs/bolt.diy#156). Same rule assumed on count_tokens and /v1/models."""
    headers = {"anthropic-version": NEW_VERSION, "content-type": "application/json"}
    response = raw(method, path, headers, body)
    _error(
        response,
        401,
        "authentication_error",
        re.escape("x-api-key header is required"),
        "a request without credentials is refused with authentication_error",
    )


@pytest.mark.parametrize(
    "auth",
    [{"x-api-key": "sk-test"}, {"authorization": "Bearer sk-test"}],
    ids=["x-api-key", "bearer"],
)
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_either_auth_header_is_accepted(
    raw: RawSend, auth: dict[str, str], method: str, path: str, body: Any
) -> None:
    """SDK 2.x sends Authorization: Bearer; x-api-key still works (qiita Synthorai, codersera)."""
    headers = {"anthropic-version": NEW_VERSION, "content-type": "application/json", **auth}
    response = raw(method, path, headers, body)
    assert response.status == 200, f"docs: {auth} authenticates; got {response.body!r}"


def test_error_body_carries_request_id(raw: RawSend) -> None:
    """errors: body has a top-level request_id, and every response a request-id header."""
    response = raw("POST", "/v1/messages", KEY, BODY)
    assert isinstance(response.body, dict) and response.body.get("type") == "error"
    request_id = response.body.get("request_id")
    assert isinstance(request_id, str) and request_id.startswith("req_"), (
        f"docs: error bodies carry request_id 'req_...'; got {response.body!r}"
    )
    assert response.headers.get("request-id") == request_id, (
        "docs: the request-id header equals the body's request_id"
    )


def test_unknown_headers_are_ignored(raw: RawSend) -> None:
    """The real API ignores headers it does not know (versioning policy; COMMON.md)."""
    headers = {**KEY, "anthropic-version": NEW_VERSION, "x-made-up-header": "1"}
    response = raw("POST", "/v1/messages", headers, BODY)
    assert response.status == 200, f"unknown headers must not change the answer: {response.body!r}"


def test_unknown_model_is_404(sdk: anthropic.Anthropic) -> None:
    """Unknown model -> 404 not_found_error 'model: <id>' (continuedev/continue#11538)."""
    expect_api_error(
        lambda: create(sdk, model="claude-3-7-sonnet-latest", max_tokens=16, messages=hello()),
        404,
        "not_found_error",
        "^" + re.escape("model: claude-3-7-sonnet-latest") + "$",
        "an unknown model id is a 404 naming the model",
    )


def test_unknown_model_on_count_tokens_is_404(sdk: anthropic.Anthropic) -> None:
    """count_tokens validates the model like messages (docs token-counting)."""
    error = expect_api_error(
        lambda: count(sdk, model="no-such-model", messages=hello()),
        404,
        "not_found_error",
        re.escape("no-such-model"),
        "count_tokens with an unknown model is a 404",
    )
    assert isinstance(error, anthropic.NotFoundError)


def test_sdk_maps_401_to_authentication_error(sdk: anthropic.Anthropic) -> None:
    """SDK: 401 -> anthropic.AuthenticationError; the credentials header is omitted per request."""
    error = expect_api_error(
        lambda: create(
            sdk,
            model=HAIKU_45,
            max_tokens=16,
            messages=hello(),
            extra_headers={"Authorization": anthropic.omit, "X-Api-Key": anthropic.omit},
        ),
        401,
        "authentication_error",
        re.escape("x-api-key header is required"),
        "a request without credentials is a 401",
    )
    assert isinstance(error, anthropic.AuthenticationError)
