"""The book is built once per test session; the build checks and the browser checks share it."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def build_book(source: Path, output: Path, config: Path | None = None) -> Path:
    """Build like `make book` (warnings are errors) into `output`; return the HTML folder."""
    command = [str(JUPYTER_BOOK), "build", str(source), "-W", "-n", "--keep-going"]
    command += ["--path-output", str(output)]
    if config is not None:
        command += ["--config", str(config)]
    # The kernels' own settings, as `make book` gives them (book/_ipython_kernel_config.py).
    profile = output / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "book" / "_ipython_kernel_config.py", profile / "ipython_kernel_config.py")
    env = {**os.environ, "IPYTHONDIR": str(output / "ipython")}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, env=env
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "build succeeded" in log, log[-4000:]
    # Every warning is an error in a page; the kernels' start-up chatter must not hide one.
    assert "WARNING" not in log, [line for line in log.splitlines() if "WARNING" in line][:5]
    return output / "_build" / "html"


@pytest.fixture(scope="session")
def book_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole book, built cold (fresh execution cache) from book/ with the real _config.yml."""
    return build_book(ROOT / "book", tmp_path_factory.mktemp("book"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # keep pytest's output readable
        pass


@pytest.fixture(scope="session")
def book_url(book_html: Path) -> Iterator[str]:
    """The built book served over HTTP on loopback (pages behave as on a web server)."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
