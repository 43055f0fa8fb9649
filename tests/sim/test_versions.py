"""anthropic-version and anthropic-beta: which rules a request is judged by."""

import pytest

from labkit.sim.errors import ApiError
from labkit.sim.versions import CURRENT, KNOWN_BETAS, LEGACY, api_version, check_betas


def test_the_sdk_version_and_the_legacy_one_are_accepted():
    assert api_version({"anthropic-version": CURRENT}) == "2026-10-21"
    assert api_version({"anthropic-version": f" {LEGACY} "}) == "2023-06-01"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "anthropic-version: header is required"),
        ({"anthropic-version": ""}, "anthropic-version: header is required"),
        (
            {"anthropic-version": "2024-01-01"},
            'anthropic-version: "2024-01-01" is not a valid version',
        ),
        (
            {"anthropic-version": "2023-06-01, 2023-06-01"},
            'anthropic-version: "2023-06-01, 2023-06-01" is not a valid version',
        ),
    ],
)
def test_a_missing_or_unknown_version_is_a_400(headers, message):
    with pytest.raises(ApiError) as caught:
        api_version(headers)
    assert (caught.value.status, caught.value.message) == (400, message)


def test_betas_the_sdk_knows_pass_and_unknown_ones_are_named():
    assert "prompt-caching-2024-07-31" in KNOWN_BETAS
    check_betas({"anthropic-beta": "prompt-caching-2024-07-31, context-1m-2025-08-07"})
    with pytest.raises(
        ApiError, match=r"Unexpected value\(s\) `nope-1`, `nope-2` for the `anthropic-beta`"
    ):
        check_betas({"anthropic-beta": "nope-1,prompt-caching-2024-07-31,nope-2"})
