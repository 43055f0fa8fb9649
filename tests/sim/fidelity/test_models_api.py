"""Models API: ModelInfo fields, capabilities tree, pagination.

Sources: SDK types model_info.py, model_capabilities.py, thinking_types.py, effort_capability.py,
model_list_params.py (limit default 20, 1..1000; after_id/before_id), pagination.py (has_more,
first_id, last_id). Per-model thinking rules as in test_thinking. API_RULES.md section L.
"""

from __future__ import annotations

import anthropic
import pytest

from tests.sim.fidelity._api import ALL_MODELS, HAIKU_45, OPUS_47, SONNET_46, expect_api_error


def test_list_has_the_simulated_models(sdk: anthropic.Anthropic) -> None:
    """GET /v1/models lists every model with type 'model' and token limits."""
    page = sdk.models.list(limit=1000)
    by_id = {m.id: m for m in page.data}
    assert set(ALL_MODELS) <= set(by_id), f"expected {ALL_MODELS} in {sorted(by_id)}"
    for model_id in ALL_MODELS:
        info = by_id[model_id]
        assert info.type == "model" and info.display_name
        assert isinstance(info.max_input_tokens, int) and info.max_input_tokens > 0
        assert isinstance(info.max_tokens, int) and info.max_tokens > 0
        assert info.lifecycle == "active"


@pytest.mark.parametrize("model", ALL_MODELS)
def test_capabilities_tree_complete(sdk: anthropic.Anthropic, model: str) -> None:
    """capabilities keys are always present (ModelInfo docstring)."""
    caps = sdk.models.retrieve(model).capabilities
    assert caps is not None, "docs: capabilities is present"
    for name in ("batch", "citations", "image_input", "pdf_input", "structured_outputs"):
        assert isinstance(getattr(caps, name).supported, bool), f"capabilities.{name}.supported"
    assert caps.batch.supported and caps.structured_outputs.supported


@pytest.mark.parametrize(
    ("model", "adaptive", "enabled"),
    [(OPUS_47, True, False), (SONNET_46, True, True), (HAIKU_45, False, True)],
)
def test_thinking_types_match_rules(
    sdk: anthropic.Anthropic, model: str, adaptive: bool, enabled: bool
) -> None:
    """thinking.types.{adaptive,enabled} mirror what requests accept (SDK ThinkingTypes)."""
    caps = sdk.models.retrieve(model).capabilities
    assert caps is not None and caps.thinking.supported
    types = caps.thinking.types
    got = (types.adaptive.supported, types.enabled.supported)
    assert got == (adaptive, enabled), (
        f"docs: {model} adaptive/enabled = {(adaptive, enabled)}, got {got}"
    )
    assert types.disabled.supported, "docs: disabled is accepted by every model here"


def test_default_page_size_is_20(sdk: anthropic.Anthropic) -> None:
    """limit defaults to 20 (model_list_params.py)."""
    page = sdk.models.list()
    assert len(page.data) <= 20
    assert page.first_id == page.data[0].id and page.last_id == page.data[-1].id


def test_pagination_cursors(sdk: anthropic.Anthropic) -> None:
    """limit=1 pages with has_more, first_id/last_id; after_id and before_id move the window."""
    everything = [m.id for m in sdk.models.list(limit=1000).data]
    first = sdk.models.list(limit=1)
    assert [m.id for m in first.data] == everything[:1]
    assert first.has_more is (len(everything) > 1)
    assert first.first_id == first.last_id == everything[0]
    assert first.last_id is not None
    second = sdk.models.list(limit=1, after_id=first.last_id)
    assert [m.id for m in second.data] == everything[1:2], "docs: after_id gives the next page"
    assert second.first_id is not None
    back = sdk.models.list(limit=1, before_id=second.first_id)
    assert [m.id for m in back.data] == everything[:1], "docs: before_id gives the previous page"
    last = sdk.models.list(limit=1000, after_id=everything[-1])
    assert last.data == [] and last.has_more is False


@pytest.mark.parametrize("limit", [0, 1001])
def test_limit_out_of_range_refused(sdk: anthropic.Anthropic, limit: int) -> None:
    """limit ranges from 1 to 1000 (model_list_params.py; message not quoted)."""
    expect_api_error(
        lambda: sdk.models.list(limit=limit),
        400,
        "invalid_request_error",
        r"limit",
        "models.list limit must be within 1..1000",
    )


def test_retrieve_matches_list(sdk: anthropic.Anthropic) -> None:
    """GET /v1/models/{id} returns the same ModelInfo as the list."""
    listed = {m.id: m for m in sdk.models.list(limit=1000).data}
    assert sdk.models.retrieve(SONNET_46) == listed[SONNET_46]


def test_retrieve_unknown_model_is_404(sdk: anthropic.Anthropic) -> None:
    """An unknown id is a not_found_error naming it (shape as for messages)."""
    expect_api_error(
        lambda: sdk.models.retrieve("claude-nonexistent-1"),
        404,
        "not_found_error",
        r"claude-nonexistent-1",
        "retrieving an unknown model is a 404",
    )
