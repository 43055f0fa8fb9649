"""Fault scenarios: each changes behaviour at its rate, in its window, on its slice."""

import json
from datetime import UTC, datetime

import pytest

from labkit.sim.app import SimApp
from labkit.sim.engine import Simulator
from labkit.sim.faults import SCENARIOS, Fault, FaultSpecError, as_faults, misrouted, parse_fault
from labkit.sim.lm import FOREIGN_TOKENS

BODY = {
    "model": "sim-sonnet-4-6",
    "max_tokens": 60,
    "messages": [{"role": "user", "content": "Explain the change"}],
}


def ask(app, body=BODY, **headers):
    response = app.handle(
        "POST",
        "/v1/messages",
        {"x-api-key": "k", "anthropic-version": "2026-10-21", **headers},
        json.dumps(body).encode(),
    )
    assert response.status == 200, response.body
    return json.loads(response.body), response.headers


def within(observed, expected, n):
    # 5 binomial standard deviations: seeds are fixed, so this documents the tolerance, never flakes
    return abs(observed - expected) <= 5 * (expected * (1 - expected) / n) ** 0.5 + 1e-9


def test_parse_fault_specs_and_scenarios():
    fault = parse_fault("misrouting:rate=0.1,start=2025-08-05,end=2025-09-04,models=sim-sonnet-4-6")
    assert fault.rate == 0.1 and fault.models == ("sim-sonnet-4-6",)
    assert fault.start is not None
    assert fault.start.isoformat().startswith("2025-08-05")
    assert as_faults("sep2025") == SCENARIOS["sep2025"]
    assert len(as_faults("approx_topk:rate=0.1;overloaded:rate=0.2")) == 2


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gremlins", "unknown fault kind"),
        ("approx_topk:rate=2", "rate must be in [0, 1]"),
        ("approx_topk:rate=lots", "rate is not a number"),
        ("approx_topk:colour=red", "unknown option"),
        ("approx_topk:rate", "expected key=value"),
        ("approx_topk:start=yesterday", "not an ISO 8601 time"),
        ("misrouting:tapers=maybe", "tapers must be true or false"),
        ("misrouting:tapers=true", "a tapering fault needs start < end"),
        (
            "misrouting:tapers=true,start=2025-09-04,end=2025-09-01",
            "a tapering fault needs start < end",
        ),
    ],
)
def test_bad_fault_specs_are_explained(spec, message):
    with pytest.raises(FaultSpecError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_fault(spec)


def test_misrouting_hits_its_share_of_users_and_is_sticky():
    app = SimApp(Simulator(seed=0, faults=[Fault("misrouting", 0.2)]))
    users = [f"user-{i}" for i in range(1500)]
    pools = {
        u: ask(app, {**BODY, "max_tokens": 1, "metadata": {"user_id": u}})[1]["labkit-pool"]
        for u in users
    }
    share = sum(p == "long-context" for p in pools.values()) / len(users)
    assert within(share, 0.2, len(users))
    for user in users[:50]:  # sticky: the same user lands in the same pool again
        again = ask(app, {**BODY, "max_tokens": 1, "metadata": {"user_id": user}})[1]["labkit-pool"]
        assert again == pools[user]


def test_raising_the_misrouting_rate_only_adds_users():
    def routed(rate):
        app = SimApp(Simulator(seed=0, faults=[Fault("misrouting", rate)]))
        return {
            u for u in range(400)
            if ask(app, {**BODY, "max_tokens": 1, "metadata": {"user_id": str(u)}})[1]["labkit-pool"] != "standard"
        }  # fmt: skip

    assert routed(0.05) <= routed(0.16)


def test_fault_windows_follow_the_request_time():
    app = SimApp(Simulator(seed=0, faults="sep2025"))
    body = {**BODY, "max_tokens": 1}
    before = [
        ask(
            app,
            {**body, "metadata": {"user_id": str(u)}},
            **{"labkit-time": "2025-08-01T12:00:00Z"},
        )[1]
        for u in range(300)
    ]
    worst = [
        ask(
            app,
            {**body, "metadata": {"user_id": str(u)}},
            **{"labkit-time": "2025-08-31T12:00:00Z"},
        )[1]
        for u in range(300)
    ]
    assert all(h["labkit-pool"] == "standard" for h in before)
    assert within(sum(h["labkit-pool"] != "standard" for h in worst) / 300, 0.16, 300)


def test_output_corruption_puts_foreign_script_into_replies():
    foreign = set(FOREIGN_TOKENS)

    def share(faults):
        app = SimApp(Simulator(seed=0, faults=faults))
        replies = [
            ask(app, BODY, **{"labkit-seed": str(i)})[0]["content"][0]["text"] for i in range(300)
        ]
        return sum(any(t in r for t in foreign) for r in replies) / len(replies)

    assert share(None) == 0
    assert share([Fault("output_corruption", 1.0)]) > 0.1


def test_approx_topk_changes_greedy_output():
    greedy = {"labkit-temperature": "0", "labkit-batch-invariant": "true"}
    clean = SimApp(Simulator(seed=0))
    faulty = SimApp(Simulator(seed=0, faults=[Fault("approx_topk", 0.5)]))
    reference = ask(clean, BODY, **greedy)[0]["content"]
    assert all(ask(clean, BODY, **greedy)[0]["content"] == reference for _ in range(5))
    assert any(ask(faulty, BODY, **greedy)[0]["content"] != reference for _ in range(5))


def test_low_default_effort_only_changes_the_default():
    app = SimApp(Simulator(seed=0, faults=[Fault("low_default_effort")]))
    assert ask(app)[1]["labkit-effort"] == "medium"
    explicit = {**BODY, "output_config": {"effort": "high"}}
    assert ask(app, explicit)[1]["labkit-effort"] == "high"
    assert ask(SimApp(Simulator(seed=0)))[1]["labkit-effort"] == "high"


def _cache_reads_over_a_session(app, session, turns=4):
    """A thinking conversation with automatic caching; the cache reads of each turn."""
    system = "You review code changes for a payments service. " * 260  # ~3,000 tokens, cacheable
    messages = [{"role": "user", "content": "Explain the change"}]
    reads = []
    for _ in range(turns):
        body = {
            **BODY,
            "max_tokens": 400,
            "system": system,
            "messages": messages,
            "thinking": {"type": "adaptive"},
            "cache_control": {"type": "ephemeral"},
        }
        reply, _ = ask(app, body, **{"labkit-session": session})
        reads.append(reply["usage"]["cache_read_input_tokens"])
        messages = [
            *messages,
            {"role": "assistant", "content": reply["content"]},
            {"role": "user", "content": "Go on"},
        ]
    return reads


def test_thinking_dropped_shows_as_cache_misses_on_affected_sessions():
    healthy = _cache_reads_over_a_session(SimApp(Simulator(seed=0)), "s1")
    assert healthy[0] == 0 and all(r > 0 for r in healthy[1:])  # write first, then read
    broken = SimApp(Simulator(seed=0, faults=[Fault("thinking_dropped", 1.0)]))
    dropped = _cache_reads_over_a_session(broken, "s1")
    # From the third turn on, the prefix written last turn held thinking that is now cleared.
    assert all(d < h for d, h in zip(dropped[2:], healthy[2:], strict=True))
    partly = SimApp(Simulator(seed=0, faults=[Fault("thinking_dropped", 0.5)]))
    affected = [
        _cache_reads_over_a_session(partly, f"s{i}", turns=3)[2] < healthy[2] for i in range(40)
    ]
    assert 0 < sum(affected) < 40  # a per-session fault: some sessions only


def test_brevity_prompt_shortens_replies():
    def words(faults):
        app = SimApp(Simulator(seed=0, faults=faults))
        body = {**BODY, "max_tokens": 400}
        return [
            len(ask(app, body, **{"labkit-seed": str(i)})[0]["content"][0]["text"].split())
            for i in range(100)
        ]

    assert max(words([Fault("brevity_prompt")])) <= 100
    assert max(words(None)) > 100 or sum(words(None)) > sum(words([Fault("brevity_prompt")]))


def test_faults_apply_only_to_their_models():
    app = SimApp(Simulator(seed=0, faults=[Fault("misrouting", 1.0, models=("sim-haiku-4-5",))]))
    assert ask(app)[1]["labkit-pool"] == "standard"
    assert ask(app, {**BODY, "model": "sim-haiku-4-5"})[1]["labkit-pool"] == "long-context"


def test_a_tapering_fault_falls_linearly_to_zero_over_its_window():
    fault = parse_fault(
        "misrouting:rate=0.2,start=2025-09-04,end=2025-09-14,tapers=true,platforms=api|vertex"
    )
    assert fault.tapers and fault.platforms == ("api", "vertex")
    assert fault.rate_at(datetime(2025, 9, 4, tzinfo=UTC)) == pytest.approx(0.2)
    assert fault.rate_at(datetime(2025, 9, 9, tzinfo=UTC)) == pytest.approx(0.1)
    assert fault.rate_at(datetime(2025, 9, 14, tzinfo=UTC)) == 0.0
    assert fault.rate_at(None) == 0.2  # no time: the fault as configured
    assert fault.active(None, "m", platform="api") and not fault.active(
        None, "m", platform="bedrock"
    )
    assert fault.active(None, "m")  # no platform named: it applies


def test_the_simulator_is_the_first_party_api_for_platform_bound_faults():
    bedrock_only = Fault("misrouting", 1.0, platforms=("bedrock",))
    app = SimApp(Simulator(seed=0, faults=[bedrock_only]))
    assert (
        ask(app, {**BODY, "max_tokens": 1, "metadata": {"user_id": "u"}})[1]["labkit-pool"]
        == "standard"
    )
    first_party = Fault("misrouting", 1.0, platforms=("api",))
    app = SimApp(Simulator(seed=0, faults=[first_party]))
    assert (
        ask(app, {**BODY, "max_tokens": 1, "metadata": {"user_id": "u"}})[1]["labkit-pool"]
        == "long-context"
    )


def test_the_sep2025_routing_fix_rolls_out_per_platform_and_frees_high_positions_first():
    faults = SCENARIOS["sep2025"]
    users = [f"user-{i}" for i in range(3000)]

    def share(day, platform):
        when = datetime.fromisoformat(f"{day}T12:00:00+00:00")
        hits = [misrouted(faults, 7, u, when, "sim-sonnet-4-6", platform) for u in users]
        return sum(hits) / len(users), {u for u, hit in zip(users, hits, strict=True) if hit}

    (before, set_before), (during, set_during) = (
        share("2025-09-01", "api"),
        share("2025-09-10", "api"),
    )
    assert within(before, 0.16, len(users)) and during < before and set_during <= set_before
    assert share("2025-09-17", "api")[0] == 0.0  # complete on the first-party API on 16 Sep
    assert share("2025-09-17", "vertex")[0] == 0.0
    assert 0.0 < share("2025-09-17", "bedrock")[0] < 0.03  # Bedrock completes on 18 Sep
    assert share("2025-09-19", "bedrock")[0] == 0.0
