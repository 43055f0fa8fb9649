"""Debian's headless Chromium, driven by Playwright, for the browser tests (book and hub).

Playwright's own browser download cannot work offline, so the tests drive /usr/bin/chromium
(.ci/run installs it) with flags that keep it from calling home.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}


def chromium_options() -> dict[str, Any]:
    """Keyword arguments for Playwright's `chromium.launch` and `launch_persistent_context`;
    fails the test at once, saying what to install, when Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (.ci/run does)"
        )
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_FLAGS}


@contextlib.contextmanager
def screenshot_on_failure(page: Any, path: Path) -> Iterator[None]:
    """A full-page screenshot at `path` (a test artifact) when the block fails; the previous
    run's screenshot is removed first, so the file always belongs to the last failure."""
    path.unlink(missing_ok=True)
    try:
        yield
    except BaseException:
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        raise
