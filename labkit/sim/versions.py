"""The `anthropic-version` header: which API rules a request is judged by.

The SDK 2.x sends `2026-10-21` on every request; `2023-06-01` is the version every earlier SDK sent
and that the real API still honours. A request without the header, or with a value that is not a
version, is refused exactly as the real API refuses it (400 invalid_request_error). Sources: the
API versioning page; error bodies quoted in public issue trackers
("anthropic-version: header is required").
"""

from __future__ import annotations

from labkit.sim.errors import invalid

LEGACY = "2023-06-01"
CURRENT = "2026-10-21"  # what `anthropic._constants.ANTHROPIC_API_VERSION` sends
SUPPORTED = (LEGACY, CURRENT)


def api_version(headers: dict[str, str]) -> str:
    """The request's version, from lower-cased headers; ApiError 400 when missing or unknown."""
    value = headers.get("anthropic-version")
    if value is None or not value.strip():
        raise invalid("anthropic-version: header is required")
    value = value.strip()
    if value not in SUPPORTED:
        raise invalid(f'anthropic-version: "{value}" is not a valid version')
    return value


def allows_sampling_knobs(version: str) -> bool:
    """Under 2026-10-21 temperature, top_p and top_k are gone from the request schema."""
    return version == LEGACY


def _known_betas() -> frozenset[str]:
    """The beta names the installed SDK knows (its AnthropicBetaParam literals)."""
    from typing import get_args

    from anthropic.types import AnthropicBetaParam

    names: set[str] = set()
    for part in get_args(AnthropicBetaParam):
        names.update(str(value) for value in get_args(part))
    return frozenset(names)


KNOWN_BETAS = _known_betas()


def check_betas(headers: dict[str, str]) -> None:
    """An `anthropic-beta` value the API does not know is a 400 (message quoted in issues)."""
    raw = headers.get("anthropic-beta")
    if not raw:
        return
    unknown = [b for b in (v.strip() for v in raw.split(",")) if b and b not in KNOWN_BETAS]
    if unknown:
        names = ", ".join(f"`{b}`" for b in unknown)
        raise invalid(
            f"Unexpected value(s) {names} for the `anthropic-beta` header. Please consult our "
            "documentation at docs.anthropic.com or try again without the header."
        )
