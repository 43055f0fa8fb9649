"""Errors in the shapes the real Anthropic API returns, so the SDK raises its real exceptions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_TYPES_BY_STATUS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


class ApiError(Exception):
    """An error response: HTTP status, API error type, message and extra headers."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = _TYPES_BY_STATUS.get(status, "api_error")
        self.message = message
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        return {
            "type": "error",
            "error": {"type": self.error_type, "message": self.message},
            "request_id": request_id,
        }


def invalid(message: str) -> ApiError:
    return ApiError(400, message)


def tag_mismatch(where: str, found: Any, expected: Sequence[str]) -> ApiError:
    """A tagged union got an unknown `type`: the real API's (pydantic's) message for it."""
    tags = ", ".join(f"'{tag}'" for tag in expected)
    return invalid(
        f"{where}: Input tag '{found}' found using 'type' does not match any of the expected "
        f"tags: {tags}"
    )
