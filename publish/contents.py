"""What a file of a built site holds, whatever its name: the gate's content checks.

A name proves nothing: a saved browser session copied to ``static/state.json`` or a Playwright
trace renamed ``data/report.zip`` must be refused as surely as ``storage_state.json``. Every file
is judged by its bytes:

- a site ships only its own kinds: pages, styles, scripts, JSON, SVG, text and licence files
  (UTF-8 text), and PNG/JPEG/GIF/WebP/icon images and web fonts whose bytes are what their name
  says; anything else (an archive, a database, a program, a file with no known kind) is refused;
- no text file may hold a session or a secret: Playwright storage state or any list of browser
  cookies, a cookie jar, a private key, ``NAME=value`` lines of a ``.env`` file, a trace's events;
- the health-check packs, a PowerPoint deck (a zip) and a PDF, pass only as plain documents:
  no macros, embedded objects, links out of the file, scripts or actions (``documents.py``);
- hidden files and folders (``.hcportal/``, ``.env``) are never part of a site.

Data values cannot trip these checks: the site writes them JSON-encoded (a quote in a value is
``\\"``) or HTML-escaped, while the patterns below look for the real quotes of a file's structure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hcportal.publish.documents import pdf_problem, pptx_problem

TEXT_KINDS = {".html", ".htm", ".css", ".js", ".mjs", ".json", ".map", ".svg", ".txt", ".md",
              ".webmanifest"}  # fmt: skip
# Images and fonts: the bytes they must start with (RIFF....WEBP is checked apart).
BINARY_KINDS: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".ico": (b"\x00\x00\x01\x00",),
    ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
    # The health-check packs (issue 18): a PowerPoint deck is a zip; its PDF.
    ".pptx": (b"PK\x03\x04",),
    ".pdf": (b"%PDF-",),
    ".ttf": (b"\x00\x01\x00\x00", b"true"),
    ".otf": (b"OTTO",),
}
# The health-check packs: judged by their insides (macros, links out, scripts), not their names.
DOCUMENTS = {".pptx": pptx_problem, ".pdf": pdf_problem}
# Vendored libraries ship their licences as LICENSE, LICENSE.fflate, NOTICE, ...: text.
LICENCE_NAMES = ("LICENSE", "LICENCE", "NOTICE", "COPYING", "AUTHORS", "README")

_ARCHIVES = (
    (b"PK\x03\x04", "a zip archive (a Playwright trace is one)"),
    (b"PK\x05\x06", "a zip archive"),
    (b"PK\x07\x08", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database (browsers keep their cookies in one)"),
    (b"\x7fELF", "a program"),
)
# A key file puts its markers on lines of their own (a data value sits inside a quoted string).
_PRIVATE_KEY = re.compile(
    rb"^-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----\r?$|^PuTTY-User-Key-File-\d+:", re.M
)
_STORAGE_STATE = re.compile(rb'"(?:cookies|origins)"\s*:\s*\[')
_COOKIE_KEYS = re.compile(rb'"(?:httpOnly|sameSite|expirationDate|hostOnly)"\s*:')
_COOKIE_JAR = re.compile(
    rb"^# (?:Netscape )?HTTP Cookie File|^#HttpOnly_|"
    rb"^[^\s#]+\t(?:TRUE|FALSE)\t[^\t\n]*\t(?:TRUE|FALSE)\t-?\d+\t[^\t\n]*\t",
    re.M,
)
_TRACE = re.compile(rb'"type"\s*:\s*"(?:context-options|resource-snapshot|frame-snapshot)"')
_ENV_LINE = re.compile(rb"^(?:export\s+)?[A-Z][A-Z0-9_]*=")
_JSON_LIMIT = 8 << 20  # .json files are parsed whole up to this size (the site's are small)


def file_problem(site_dir: Path, path: Path) -> str | None:
    """Why ``path`` (a regular file of the site) must not be published, or None."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return f"cannot be read: {e.strerror}"
    suffix = path.suffix.lower()
    # A deck is a zip: judged by what it holds, before the rule that refuses archives.
    if suffix in DOCUMENTS and (found := DOCUMENTS[suffix](data)):
        return found
    for magic, what in _ARCHIVES:
        if data.startswith(magic) and suffix != ".pptx":
            return f"is {what}, whatever its name; a site never ships one"
    text = b"\x00" not in data and _is_utf8(data)
    if text and (found := text_problem(data, suffix)):
        return found
    if any(part.startswith(".") for part in path.relative_to(site_dir).parts):
        return "is a hidden file; a site holds none (sessions and settings live in such places)"
    if suffix in BINARY_KINDS:
        if not data.startswith(BINARY_KINDS[suffix]) or (
            suffix == ".webp" and data[8:12] != b"WEBP"
        ):
            return f"is not the {suffix[1:].upper()} file its name says (its bytes differ)"
        return None
    if suffix not in TEXT_KINDS and not path.name.upper().startswith(LICENCE_NAMES):
        return f"is a kind of file the site does not ship ({suffix or 'no extension'})"
    if not text:
        return "is not UTF-8 text, though its name says it is"
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def text_problem(data: bytes, suffix: str = "") -> str | None:
    """A secret or a session in a text file: what it looks like, or None."""
    if _PRIVATE_KEY.search(data):
        return "holds a private key"
    if suffix == ".json" and len(data) <= _JSON_LIMIT:
        found = _json_secret(data)
        if found:
            return found
    if (b'"cookies"' in data or b'"origins"' in data) and _STORAGE_STATE.search(data):
        return "looks like a saved browser session (Playwright storage state: cookies, origins)"
    if _COOKIE_KEYS.search(data):
        return "holds browser cookies (httpOnly, sameSite, ... keys)"
    if (b"Cookie File" in data or b"\tTRUE\t" in data or b"\tFALSE\t" in data or
            b"#HttpOnly_" in data) and _COOKIE_JAR.search(data):  # fmt: skip
        return "looks like a cookie jar (Netscape cookies.txt)"
    if b'"type"' in data and _TRACE.search(data):
        return "looks like a Playwright trace"
    lines = [ln.strip() for ln in data.splitlines()[:200]]
    lines = [ln for ln in lines if ln and not ln.startswith(b"#")]
    if lines and all(_ENV_LINE.match(ln) for ln in lines):
        return "looks like a .env file (NAME=value lines)"
    return None


def _json_secret(data: bytes) -> str | None:
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if isinstance(doc, dict) and ({"cookies", "origins"} & doc.keys()):
        return "is a saved browser session (Playwright storage state: cookies, origins)"
    stack, seen = [doc], 0
    while stack and seen < 100_000:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            if {"name", "value", "domain"} <= item.keys():
                return "holds browser cookies (objects with a name, value and domain)"
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
