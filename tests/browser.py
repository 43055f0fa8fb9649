"""Debian's headless Chromium, driven by Playwright, for the browser tests (book and hub).

Playwright's own browser download cannot work offline, so the tests drive /usr/bin/chromium
(.ci/run installs it) with flags that keep it from calling home.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
VIEWPORT = {"width": 1280, "height": 900}


def chromium_options() -> dict[str, Any]:
    """Keyword arguments for Playwright's `chromium.launch` and `launch_persistent_context`;
    fails the test at once, saying what to install, when Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (.ci/run does)"
        )
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_FLAGS}
