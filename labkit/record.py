"""Record and replay: pay for real Claude runs once, let a whole class analyse them offline.

`RecordingTransport` wraps any httpx2 transport and appends each exchange to a JSONL file (no
request headers are kept, so API keys never reach the file). `ReplayTransport` answers from such a
file: requests are matched by method, path and JSON body; identical requests are answered in the
order they were recorded.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

import httpx2

_KEPT_RESPONSE_HEADERS = ("content-type", "request-id", "retry-after", "retry-after-ms")


def _key(method: str, path: str, body: bytes) -> str:
    try:
        parsed: Any = json.loads(body) if body else None
    except ValueError:
        parsed = body.decode("utf-8", "replace")
    return json.dumps([method.upper(), path, parsed], sort_keys=True, ensure_ascii=False)


def _kept_headers(headers: httpx2.Headers) -> dict[str, str]:
    return {
        name: value
        for name, value in headers.items()
        if name.lower() in _KEPT_RESPONSE_HEADERS or name.lower().startswith("labkit-")
    }


class RecordingTransport(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport, path: Path) -> None:
        self.inner = inner
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        response = self.inner.handle_request(request)
        content = response.read()
        entry = {
            "method": request.method,
            "path": request.url.raw_path.decode(),
            "request": json.loads(body) if body else None,
            "status": response.status_code,
            "headers": _kept_headers(response.headers),
            "body": content.decode("utf-8"),
        }
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return httpx2.Response(response.status_code, headers=response.headers, content=content)

    def close(self) -> None:
        self.inner.close()


class ReplayError(ValueError):
    """The recording file is missing or malformed (the message names the file and line)."""


class ReplayTransport(httpx2.BaseTransport):
    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise ReplayError(f"{path}: recording not found")
        self.path = path
        self._answers: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        self._lock = threading.Lock()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                body = (
                    json.dumps(entry["request"]).encode() if entry["request"] is not None else b""
                )
                key = _key(entry["method"], entry["path"], body)
            except (ValueError, KeyError, TypeError) as error:
                raise ReplayError(f"{path}:{number}: not a recorded exchange ({error})") from None
            self._answers[key].append(entry)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        key = _key(request.method, request.url.raw_path.decode(), request.read())
        with self._lock:
            queue = self._answers.get(key)
            entry = queue.popleft() if queue else None
        if entry is None:
            message = (
                f"no recorded response left for this request in {self.path}; replay only "
                "answers the requests that were recorded, in the same order"
            )
            error = {"type": "error", "error": {"type": "not_found_error", "message": message}}
            return httpx2.Response(404, json=error)
        return httpx2.Response(
            entry["status"], headers=entry["headers"], content=entry["body"].encode()
        )
