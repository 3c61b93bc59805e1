"""The built site's own checks, run before it may replace the published one.

- every HTML page parses without an error, by the HTML standard's parsing rules (html5lib);
- every internal link and every ``src`` resolves to a file of the site (a folder to its index.html),
  and none leads out of the site's folder;
- nothing loads from elsewhere: no ``http(s)://`` or ``//host`` script, style, image, frame, font
  or CSS ``url()``. Links *to* other sites (``<a href="https://crm...">``) are navigation, not
  resources, and are allowed;
- no file that must never be published: saved browser sessions, traces, keys, ``.env``, judged
  by content, whatever the name (:mod:`publish.contents`): a site holds only its own kinds of file.

Scripts are not parsed: what a script requests is the Content-Security-Policy's job, which the site
sets to ``'self'``.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
from html5lib.constants import E as PARSE_ERRORS

from hcportal.core.text import shown
from hcportal.publish.contents import file_problem

# Attributes that make the browser fetch something (the element's own URL, not navigation).
RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "background", "imagesrcset"}
# Elements whose href is fetched by the page rather than followed by the reader.
FETCHED_HREF = {"link", "image", "use", "feimage"}
NAVIGATION = {"a", "area"}
SECRET_FILES = [
    "*storage_state*.json", "*.storage_state", "trace*.zip", ".env", "*.pem", "*.key", "id_rsa*",
    "id_ed25519*", ".netrc", "*.kdbx", ".git",
]  # fmt: skip
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{shown(self.file)}: {self.message}"


def check_site(site_dir: Path) -> list[Problem]:
    """Every problem found in the built site (an empty list: the site may be published)."""
    problems: list[Problem] = []
    if not (site_dir / "index.html").is_file():
        problems.append(Problem("index.html", "missing: the site has no home page"))
    for path in sorted(p for p in site_dir.rglob("*")):
        rel = path.relative_to(site_dir).as_posix()
        if any(fnmatch.fnmatch(path.name, pat) for pat in SECRET_FILES):
            problems.append(Problem(rel, "must never be published (a session, key or trace)"))
            continue
        if path.is_symlink():
            problems.append(Problem(rel, "is a symlink; a site is plain files"))
            continue
        if path.is_file() and (why := file_problem(site_dir, path)):
            problems.append(Problem(rel, why))
        elif path.suffix.lower() in (".html", ".htm") and path.is_file():
            problems += _check_page(site_dir, rel, path.read_bytes())
        elif path.suffix.lower() == ".css" and path.is_file():
            text = path.read_text("utf-8", errors="replace")
            problems += _check_css(site_dir, rel, text)
    return problems


def _check_page(site_dir: Path, rel: str, data: bytes) -> list[Problem]:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    document = parser.parse(data, transport_encoding="utf-8")
    problems = [
        Problem(rel, f"line {line}, column {col}: does not parse: {_parse_error(code, info)}")
        for (line, col), code, info in parser.errors
    ]
    for tag, attr, url in _urls(document):
        problem = _check_url(site_dir, rel, url, resource=_is_resource(tag, attr))
        if problem:
            problems.append(Problem(rel, f"<{tag} {attr}>: {problem}"))
    return problems


def _parse_error(code: str, info: dict | None) -> str:
    try:
        return PARSE_ERRORS[code] % (info or {})
    except (KeyError, TypeError, ValueError):
        return code


def _urls(document) -> Iterator[tuple[str, str, str]]:
    for el in document.iter():
        if not isinstance(el.tag, str):
            continue  # comments
        tag = el.tag.rsplit("}", 1)[-1].lower()
        for name, value in el.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            if attr in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        yield tag, attr, candidate.split()[0]
            elif attr in RESOURCE_ATTRS or attr == "href":
                yield tag, attr, value.strip()
            elif attr == "style":
                for m in _CSS_URL.finditer(value):
                    yield tag, "style", m.group(2) or m.group(4) or ""
            elif tag == "meta" and attr == "content" and _is_refresh(el, value):
                yield tag, "content", value.split("=", 1)[1].strip(" '\"")
        if tag == "style" and el.text:
            for m in _CSS_URL.finditer(el.text):
                yield tag, "url()", m.group(2) or m.group(4) or ""


def _is_refresh(el, value: str) -> bool:
    return el.attrib.get("http-equiv", "").lower() == "refresh" and "url=" in value.lower()


def _is_resource(tag: str, attr: str) -> bool:
    if attr == "href":
        return tag in FETCHED_HREF or tag not in NAVIGATION | {"base"}
    return True


def _check_css(site_dir: Path, rel: str, text: str) -> list[Problem]:
    problems = []
    for m in _CSS_URL.finditer(text):
        url = m.group(2) or m.group(4) or ""
        problem = _check_url(site_dir, rel, url, resource=True)
        if problem:
            problems.append(Problem(rel, f"url({url}): {problem}"))
    return problems


def _check_url(site_dir: Path, rel: str, url: str, *, resource: bool) -> str | None:
    """What is wrong with ``url`` found in file ``rel``, or None."""
    if not url or url.startswith("#"):
        return None
    scheme = _SCHEME.match(url)
    if _EXTERNAL.match(url) or (scheme and scheme.group(1).lower() in ("http", "https", "ftp")):
        return f"loads {url} from another site" if resource else None
    if scheme:
        kind = scheme.group(1).lower()
        if kind == "javascript":
            return "a javascript: URL (scripts are files, never inline)"
        if kind in ("data", "mailto", "tel", "blob"):
            return None
        return f"unsupported URL scheme {kind}:"
    path = unquote(urlsplit(url).path)
    if not path:
        return None  # "?x=1": the same page
    if path.startswith("/"):
        # Root-relative links break from file:// and under a prefix; the site is relative-only.
        return f"{url} is root-relative; the site must use relative links"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    if target == ".." or target.startswith("../"):
        return f"{url} leads out of the site"
    local = site_dir / target
    if path.endswith("/") or local.is_dir():
        local = local / "index.html"
    if not local.is_file():
        return f"{url} does not resolve (no {local.relative_to(site_dir).as_posix()})"
    return None
