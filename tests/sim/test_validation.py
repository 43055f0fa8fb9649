"""Malformed requests get the real API's error shapes, and nothing crashes the simulator."""

import json

import anthropic
import pytest

from labkit.sim.app import SimApp
from labkit.sim.engine import Simulator

OK = {"model": "sim-sonnet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
HEADERS = {"x-api-key": "test", "anthropic-version": "2026-10-21"}


@pytest.fixture(scope="module")
def app():
    return SimApp(Simulator(seed=0))


def post(app, body, path="/v1/messages", headers=HEADERS):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = app.handle("POST", path, headers, raw)
    return response.status, json.loads(b"".join(response.chunks()))


def without(key):
    return {k: v for k, v in OK.items() if k != key}


def user_then(*messages):
    return {**OK, "messages": [{"role": "user", "content": "hi"}, *messages]}


TOOL_USE = {"type": "tool_use", "id": "toolu_1", "name": "run_tests", "input": {}}
TOOLS = [{"name": "run_tests", "input_schema": {"type": "object"}}]

CASES = [
    ("missing model", without("model"), 400, "model: Field required"),
    ("missing max_tokens", without("max_tokens"), 400, "max_tokens: Field required"),
    ("missing messages", without("messages"), 400, "messages: Field required"),
    ("empty messages", {**OK, "messages": []}, 400, "at least one message"),
    ("unknown model", {**OK, "model": "claude-nope"}, 404, "model: claude-nope"),
    ("max_tokens negative", {**OK, "max_tokens": -1}, 400, "greater than or equal to 0"),
    ("max_tokens too big", {**OK, "max_tokens": 10**6}, 400, "maximum allowed number of output"),
    ("max_tokens a string", {**OK, "max_tokens": "16"}, 400, "valid integer"),
    ("extra field", {**OK, "frequency_penalty": 1}, 400, "frequency_penalty: Extra inputs"),
    (
        "system role",
        {**OK, "messages": [{"role": "system", "content": "x"}]},
        400,
        "Unexpected role",
    ),
    (
        "bad role",
        {**OK, "messages": [{"role": "robot", "content": "x"}]},
        400,
        "'user' or 'assistant'",
    ),
    (
        "bad block type",
        {**OK, "messages": [{"role": "user", "content": [{"type": "video"}]}]},
        400,
        "Input tag 'video'",
    ),
    # Under 2026-10-21 the sampling knobs are not in the schema at all, even at their defaults.
    ("temperature", {**OK, "temperature": 1.0}, 400, "temperature: Extra inputs are not permitted"),
    ("top_p", {**OK, "top_p": 0.9}, 400, "top_p: Extra inputs are not permitted"),
    ("top_k", {**OK, "top_k": 5}, 400, "top_k: Extra inputs are not permitted"),
    ("seed in the body", {**OK, "seed": 3}, 400, "seed: Extra inputs are not permitted"),
    ("bad effort", {**OK, "output_config": {"effort": "extreme"}}, 400, "output_config.effort"),
    (
        "small thinking budget",
        {**OK, "max_tokens": 4000, "thinking": {"type": "enabled", "budget_tokens": 100}},
        400,
        "greater than or equal to 1024",
    ),
    (
        "budget above max_tokens",
        {**OK, "max_tokens": 2000, "thinking": {"type": "enabled", "budget_tokens": 2000}},
        400,
        "`max_tokens` must be greater",
    ),
    (
        "bad tool name",
        {**OK, "tools": [{"name": "a b", "input_schema": {}}]},
        400,
        "tools.0.custom.name",
    ),
    ("tool without schema", {**OK, "tools": [{"name": "t"}]}, 400, "input_schema: Field required"),
    (
        "tool_use without result",
        {
            **user_then(
                {"role": "assistant", "content": [TOOL_USE]}, {"role": "user", "content": "next"}
            ),
            "tools": TOOLS,
        },
        400,
        "without `tool_result` blocks",
    ),
    (
        "orphan tool_result",
        {
            **OK,
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": "toolu_9", "content": "x"}],
                }
            ],
        },
        400,
        "unexpected `tool_use_id`",
    ),
    ("tool_choice unknown", {**OK, "tool_choice": {"type": "sometimes"}}, 400, "tool_choice"),
    ("metadata extra", {**OK, "metadata": {"email": "a@b"}}, 400, "metadata"),
    ("body not an object", [1, 2], 400, "valid dictionary"),
]


@pytest.mark.parametrize(("name", "body", "status", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_invalid_requests_get_the_api_error_shape(app, name, body, status, fragment):
    code, payload = post(app, body)
    assert code == status, payload
    assert payload["type"] == "error"
    assert payload["request_id"].startswith("req_")
    expected_type = "not_found_error" if status == 404 else "invalid_request_error"
    assert payload["error"]["type"] == expected_type
    assert fragment in payload["error"]["message"]


def test_invalid_json_is_a_400(app):
    code, payload = post(app, b"{not json")
    assert code == 400 and "error parsing the body" in payload["error"]["message"]


def test_missing_api_key_is_a_401(app):
    code, payload = post(app, OK, headers={})
    assert code == 401 and payload["error"]["type"] == "authentication_error"


def test_unknown_path_and_wrong_method(app):
    assert app.handle("GET", "/v1/nothing", HEADERS, b"").status == 404
    assert app.handle("GET", "/v1/messages", HEADERS, b"").status == 405


def test_a_valid_request_after_many_bad_ones_still_works(app):
    for _, body, _, _ in CASES:
        post(app, body)
    code, payload = post(app, OK)
    assert code == 200 and payload["type"] == "message"


def test_the_sdk_raises_its_real_exceptions(api):
    with pytest.raises(anthropic.BadRequestError, match="max_tokens"):
        api.messages.create(
            model="sim-sonnet-4-6", max_tokens=-1, messages=[{"role": "user", "content": "x"}]
        )
    with pytest.raises(anthropic.NotFoundError):
        api.messages.create(
            model="claude-nope", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )


def test_count_tokens_endpoint(api):
    counted = api.messages.count_tokens(
        model="sim-sonnet-4-6", messages=[{"role": "user", "content": "x" * 400}]
    )
    assert 100 <= counted.input_tokens <= 140


LEGACY = {**HEADERS, "anthropic-version": "2023-06-01"}
HAIKU = {**OK, "model": "sim-haiku-4-5"}
LEGACY_CASES = [
    ("temperature high", {**HAIKU, "temperature": 1.5}, "less than or equal to 1"),
    ("top_p negative", {**HAIKU, "top_p": -0.1}, "greater than or equal to 0"),
    ("top_k float", {**HAIKU, "top_k": 2.5}, "top_k: Input should be a valid integer"),
    (
        "temperature and top_p",
        {**HAIKU, "temperature": 0.5, "top_p": 0.9},
        "`temperature` and `top_p` cannot both be specified for this model",
    ),
    (
        "temperature with thinking",
        {
            **HAIKU,
            "max_tokens": 4000,
            "temperature": 0.5,
            "thinking": {"type": "enabled", "budget_tokens": 2000},
        },
        "only be set to 1",
    ),
    (
        "opus rejects temperature",
        {**OK, "model": "sim-opus-4-7", "temperature": 0.5},
        "`temperature` is deprecated for this model.",
    ),
    ("seed never existed", {**HAIKU, "seed": 1}, "seed: Extra inputs are not permitted"),
]


@pytest.mark.parametrize(
    ("name", "body", "fragment"), LEGACY_CASES, ids=[c[0] for c in LEGACY_CASES]
)
def test_the_older_api_version_keeps_its_sampling_rules(app, name, body, fragment):
    status, payload = post(app, body, headers=LEGACY)
    assert status == 400, payload
    assert fragment in payload["error"]["message"]


def test_the_older_api_version_accepts_sampling_knobs_on_older_models(app):
    status, payload = post(app, {**HAIKU, "temperature": 0.0, "top_k": 5}, headers=LEGACY)
    assert status == 200, payload
