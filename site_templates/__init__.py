"""The site's Jinja templates, stylesheet, scripts and vendored front-end libraries (as data)."""

# This folder is mapped to `hcportal.site_templates` (pyproject's package-dir); it is never a top-level
# `site_templates`, so that no module can be imported under two names.
if __name__ != "hcportal.site_templates":
    raise ImportError(f"import hcportal.site_templates, not {__name__}")

from pathlib import Path

ROOT = Path(__file__).parent
