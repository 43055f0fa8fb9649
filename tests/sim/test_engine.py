"""Determinism of the simulator: same seed and same requests give the same responses."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from anthropic.types import TextBlock
from anthropic.types.message_create_params import MessageCreateParamsBase

from labkit.sim.app import SimApp
from labkit.sim.engine import Simulator

BODY = {
    "model": "sim-sonnet-4-6",
    "max_tokens": 40,
    "messages": [{"role": "user", "content": "Explain the bug"}],
}
HEADERS = {"x-api-key": "k", "anthropic-version": "2026-10-21"}


def ask(app, body=BODY, headers=HEADERS):
    response = app.handle("POST", "/v1/messages", headers, json.dumps(body).encode())
    payload = json.loads(response.body)
    assert response.status == 200, payload
    return payload["content"], payload["usage"], response.headers


def texts(app, n, body=BODY):
    return [ask(app, body)[0] for _ in range(n)]


def test_same_seed_same_sequence_same_responses():
    assert texts(SimApp(Simulator(seed=3)), 12) == texts(SimApp(Simulator(seed=3)), 12)


def test_repeated_identical_requests_vary_like_a_real_model():
    body = {**BODY, "max_tokens": 300}  # a few paragraphs: room for the choices to differ
    answers = texts(SimApp(Simulator(seed=3)), 12, body)
    assert len({json.dumps(a) for a in answers}) > 6


def test_other_seed_other_responses():
    assert texts(SimApp(Simulator(seed=3)), 8) != texts(SimApp(Simulator(seed=4)), 8)


def seeded(i):
    """Headers carrying a request seed: a glass-box control only the simulator reads."""
    return {**HEADERS, "labkit-seed": str(i)}


def test_explicit_request_seeds_make_order_irrelevant():
    forward = [ask(SimApp(Simulator(seed=1)), BODY, seeded(i))[0] for i in range(10)]
    app = SimApp(Simulator(seed=1))
    backward = [ask(app, BODY, seeded(i))[0] for i in reversed(range(10))]
    assert forward == list(reversed(backward))


def test_header_seed_equals_body_seed_semantics():
    app = SimApp(Simulator(seed=1))
    a = ask(app, BODY, {**HEADERS, "labkit-seed": "task-1"})[0]
    b = ask(app, BODY, {**HEADERS, "labkit-seed": "task-1"})[0]
    assert a == b


def test_concurrent_requests_give_the_same_multiset_of_responses():
    serial = sorted(json.dumps(t) for t in texts(SimApp(Simulator(seed=5)), 40))
    app = SimApp(Simulator(seed=5))
    with ThreadPoolExecutor(8) as pool:
        parallel = sorted(json.dumps(c) for c, _, _ in pool.map(lambda _: ask(app), range(40)))
    assert serial == parallel


def test_explicit_seeds_are_identical_under_concurrency():
    serial = [ask(SimApp(Simulator(seed=2)), BODY, seeded(i))[0] for i in range(30)]
    app = SimApp(Simulator(seed=2))
    with ThreadPoolExecutor(6) as pool:
        parallel = list(pool.map(lambda i: ask(app, BODY, seeded(i))[0], range(30)))
    assert serial == parallel


def test_responses_are_identical_across_processes():
    script = (
        "import json; from labkit.sim.app import SimApp; from labkit.sim.engine import Simulator\n"
        f"body = json.dumps({BODY!r}).encode(); app = SimApp(Simulator(seed=9))\n"
        "print(json.dumps([json.loads(app.handle('POST', '/v1/messages', {'x-api-key': 'k', 'anthropic-version': '2026-10-21'}, body).body)['content'] for _ in range(5)]))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    local = texts(SimApp(Simulator(seed=9)), 5)
    assert json.loads(outputs[0]) == json.loads(outputs[1]) == local


def test_temperature_zero_is_deterministic_only_when_batch_invariant():
    app = SimApp(Simulator(seed=0))
    greedy = {**HEADERS, "labkit-temperature": "0"}
    invariant = {**greedy, "labkit-batch-invariant": "true"}
    body = {**BODY, "max_tokens": 60}
    assert len({json.dumps(ask(app, body, invariant)[0]) for _ in range(30)}) == 1
    sizes = {ask(app, BODY, greedy)[2]["labkit-batch-size"] for _ in range(30)}
    assert len(sizes) > 3  # the server's batch size changes with load


def test_effort_changes_output_length_and_latency():
    app = SimApp(Simulator(seed=0))
    stats = {}
    for effort in ("low", "max"):
        body = {
            **BODY,
            "max_tokens": 5000,
            "thinking": {"type": "adaptive"},
            "output_config": {"effort": effort},
        }
        runs = [ask(app, body) for _ in range(10)]
        stats[effort] = (
            sum(u["output_tokens"] for _, u, _ in runs),
            sum(float(h["labkit-simulated-latency-ms"]) for _, _, h in runs),
        )
    assert stats["max"][0] > 3 * stats["low"][0]
    assert stats["max"][1] > stats["low"][1]


def _text(content):
    return "".join(b["text"] for b in content if b["type"] == "text")


def test_a_chat_reply_answers_the_prompt_instead_of_continuing_it():
    app = SimApp(Simulator(seed=1))
    body = {
        **BODY,
        "max_tokens": 4000,
        "messages": [{"role": "user", "content": "How should I test a date parser?"}],
    }
    for _ in range(5):
        text = _text(ask(app, body)[0])
        assert text[0].isupper() and text.rstrip()[-1] in ".!?`"
        assert "date parser" in text or "parser" in text


def test_the_base_model_route_continues_the_text_word_by_word():
    app = SimApp(Simulator(seed=0))
    body = {
        **BODY,
        "max_tokens": 1,
        "messages": [{"role": "user", "content": "The function returns"}],
    }
    base = {**HEADERS, "labkit-base-model": "true", "labkit-temperature": "0"}
    content, usage, _ = ask(app, body, base)
    from labkit.sim import lm

    model = lm.load()
    logits = model.logits(*model.encode_tail("The function returns"), batch_size=1)
    assert usage["output_tokens"] == 1
    assert _text(content) in {model.vocab[int(i)] for i in np.argsort(-logits)[:3]}
    refused = {**HEADERS, "labkit-base-model": "maybe"}
    response = app.handle("POST", "/v1/messages", refused, json.dumps(body).encode())
    assert response.status == 400 and b"labkit-base-model" in response.body


def test_max_tokens_cuts_a_chat_reply_and_says_so():
    app = SimApp(Simulator(seed=2))
    prompt = [{"role": "user", "content": "How do I write a blameless post-mortem?"}]
    full = ask(
        app, {**BODY, "max_tokens": 2000, "messages": prompt}, {**HEADERS, "labkit-seed": "1"}
    )
    cut = ask(app, {**BODY, "max_tokens": 10, "messages": prompt}, {**HEADERS, "labkit-seed": "1"})
    assert cut[1]["output_tokens"] == 10
    assert _text(full[0]).startswith(_text(cut[0]))
    assert len(_text(cut[0])) <= 40


def test_stop_sequences_end_a_chat_reply_where_they_occur():
    app = SimApp(Simulator(seed=2))
    body = {
        **BODY,
        "max_tokens": 2000,
        "messages": [{"role": "user", "content": "How should I test a date parser?"}],
    }
    full = _text(ask(app, body, {**HEADERS, "labkit-seed": "4"})[0])
    word = full.split()[3]
    response = ask(app, {**body, "stop_sequences": [word]}, {**HEADERS, "labkit-seed": "4"})
    stopped = _text(response[0])
    assert full.startswith(stopped) and word not in stopped


def test_streaming_sends_the_same_chat_reply(tmp_path):
    import labkit

    for stream in (False, True):
        client = labkit.client(seed=5)
        kwargs: MessageCreateParamsBase = {
            "model": "sim-sonnet-4-6",
            "max_tokens": 300,
            "messages": [{"role": "user", "content": "What is top-p sampling?"}],
        }
        if stream:
            with client.messages.stream(**kwargs) as events:
                streamed = events.get_final_message()
        else:
            plain = client.messages.create(**kwargs)
    streamed_block, plain_block = streamed.content[0], plain.content[0]
    assert isinstance(streamed_block, TextBlock) and isinstance(plain_block, TextBlock)
    assert streamed_block.text == plain_block.text
    assert streamed.usage.output_tokens == plain.usage.output_tokens
