"""What a failed attempt leaves behind for a person: a Playwright trace, a screenshot, the page HTML.

Playwright traces record action parameters (a ``fill`` of the password), DOM snapshots (input
values), network headers (the session cookie) and the context's options (its storage state). So
the harvester never traces the sign-in (it happens in a context of its own), and every artifact is
scrubbed of every secret of the run (password, TOTP secret and codes, cookie values) before it is
kept, in every form a secret takes in those files: raw, JSON-escaped, URL-encoded, HTML-escaped.
"""

from __future__ import annotations

import html
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

from hcportal.core.logs import MASK, register_secret

log = logging.getLogger(__name__)


@dataclass
class Secrets:
    """Every secret value of one run, kept out of logs (registered) and artifacts (scrubbed)."""

    values: set[str] = field(default_factory=set)

    def add(self, *values: str | None) -> None:
        for value in values:
            if value and len(value) >= 4:
                self.values.add(value)
                register_secret(value)

    def add_cookies(self, state: dict) -> None:
        """The cookie values of a Playwright storage state: each one may be a live session."""
        for cookie in state.get("cookies", []):
            self.add(cookie.get("value"))

    def patterns(self) -> list[bytes]:
        out: set[bytes] = set()
        for value in self.values:
            for form in (
                value,
                json.dumps(value)[1:-1],
                quote(value, safe=""),
                quote_plus(value),
                html.escape(value),
            ):
                out.add(form.encode("utf-8"))
        return sorted(out, key=len, reverse=True)

    def scrub(self, data: bytes) -> bytes:
        for pattern in self.patterns():
            data = data.replace(pattern, MASK.encode())
        return data


def scrub_file(path: Path, secrets: Secrets) -> None:
    """Rewrite ``path`` without any secret; a zip (a trace) member by member."""
    if zipfile.is_zipfile(path):
        _scrub_zip(path, secrets)
        return
    data = path.read_bytes()
    clean = secrets.scrub(data)
    if clean != data:
        path.write_bytes(clean)


def _scrub_zip(path: Path, secrets: Secrets) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(
                    info, secrets.scrub(src.read(info)), compress_type=zipfile.ZIP_DEFLATED
                )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def scrub_tree(folder: Path, secrets: Secrets) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            scrub_file(path, secrets)


async def capture(page, context, folder: Path, secrets: Secrets, tracing: bool) -> list[str]:
    """Save the page's screenshot and HTML (every frame's) and the context's trace into
    ``folder``, scrubbed.

    Best effort: a page that crashed still yields what can be had. Returns the files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    if tracing:  # stopped first, so the trace does not record the capture below
        try:
            await context.tracing.stop(path=folder / "trace.zip")
            written.append("trace.zip")
        except Exception as e:
            log.debug("no trace: %s", e)
    if page is not None and not page.is_closed():
        try:
            await page.screenshot(path=folder / "screenshot.png", full_page=True, timeout=10_000)
            written.append("screenshot.png")
        except Exception as e:  # the page may have crashed or be mid-navigation
            log.debug("no screenshot: %s", e)
        try:
            (folder / "page.html").write_text(await all_frames_html(page), "utf-8")
            written.append("page.html")
        except Exception as e:
            log.debug("no page HTML: %s", e)
    scrub_tree(folder, secrets)
    return written


async def all_frames_html(page) -> str:
    """The page's HTML, then each of its frames' (a report viewer is often in an iframe, and the
    outer page alone shows nothing of where the harvest stopped), each under a comment that says
    which frame it is."""
    frames = page.frames
    head = f"hcportal post-mortem: the page ({page.url}), then its {len(frames) - 1} frame(s)"
    parts = [f"<!-- {_comment(head)} -->\n"]
    parts.append(await page.content())
    for number, frame in enumerate(frames[1:], start=1):
        title = ""
        try:
            element = await frame.frame_element()
            title = await element.get_attribute("title") or ""
        except Exception:  # a detached frame has no element any more
            pass
        label = _comment(f"frame {number}: title={title!r} name={frame.name!r} url={frame.url}")
        try:
            html_text = await frame.content()
        except Exception as e:  # navigating, or gone: say so instead of dropping it silently
            html_text = _comment(f"no HTML: {str(e).splitlines()[0] if str(e) else e!r}")
        parts.append(f"\n\n<!-- ===== {label} ===== -->\n{html_text}")
    return "".join(parts)


def _comment(text: str) -> str:
    """Text safe inside an HTML comment (a hostile title cannot close it)."""
    return text.replace("--", "- -").replace(">", "&gt;")


def iter_secret_hits(folder: Path, values: Iterable[str]) -> list[str]:
    """Files (and trace members) under ``folder`` holding any of ``values``: for tests and audits."""
    hits = []
    needles = [v.encode() for v in values if v]
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        blobs = [(str(path), path.read_bytes())]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                blobs += [(f"{path}!{n}", z.read(n)) for n in z.namelist()]
        hits += [where for where, blob in blobs if any(n in blob for n in needles)]
    return hits
