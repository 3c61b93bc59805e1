"""Find a Chromium-family browser for Playwright to drive.

Playwright cannot download its own browser on every machine (this one included), and there is no
environment variable for an executable path, so the harvester looks for one itself, in a fixed order,
and says exactly what it tried when it finds none.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from hcportal.core.errors import HarvestError

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

SYSTEM_BROWSERS = ("chromium", "chromium-browser", "google-chrome")
ENV_VAR = "HCPORTAL_BROWSER"


def find_browser(configured: str = "", playwright: Playwright | None = None) -> str:
    """Return the path of a browser executable, or raise :class:`HarvestError` listing every try.

    Order: ``configured`` (the config's ``harvest.browser``), ``$HCPORTAL_BROWSER``, Playwright's
    own Chromium if it was installed, then the system browsers on the ``PATH``.
    """
    tried: list[str] = []
    for label, candidate in (("harvest.browser", configured), (ENV_VAR, os.environ.get(ENV_VAR))):
        if not candidate:
            continue
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
        tried.append(f"{label}={candidate} (not an executable file)")
    bundled = _playwright_chromium(playwright)
    if bundled and Path(bundled).is_file():
        return bundled
    tried.append(f"Playwright's Chromium ({bundled or 'unknown path'}: not installed)")
    for name in SYSTEM_BROWSERS:
        found = shutil.which(name)
        if found:
            return found
        tried.append(f"{name} on PATH (not found)")
    raise HarvestError(
        "no browser found. Tried: "
        + "; ".join(tried)
        + ". Install one (Debian: apt-get install chromium) or set HCPORTAL_BROWSER to its path."
    )


def _playwright_chromium(playwright: Playwright | None) -> str | None:
    try:
        if playwright is not None:
            return playwright.chromium.executable_path
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            return p.chromium.executable_path
    except Exception:  # Playwright's driver missing or broken: simply not a candidate.
        return None
