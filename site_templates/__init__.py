"""The site's Jinja templates, stylesheet, scripts and vendored front-end libraries (as data)."""

from pathlib import Path

ROOT = Path(__file__).parent
