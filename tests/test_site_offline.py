"""No request leaves the site: no file the build writes references an http(s) resource.

The exceptions are checked by name, in vendored files only: XML namespace identifiers (the Excel
library writes ``http://schemas.openxmlformats.org/...`` into the files it makes; ECharts names the
SVG namespaces ``http://www.w3.org/2000/svg``) are names, never fetched; licence texts and the
licence URLs in a library's header comment are for people, never loaded by a page.
The browser tests add the live check: every request a page makes is a file:// one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.sitedata import shared_fixed_site

URL = re.compile(r"https?://([^/\s\"'<>)]+)([^\s\"'<>)]*)", re.I)
# XML namespaces inside .xlsx files; identifiers, not resources (static/vendor/VENDORED.md).
XML_NAMESPACES = {"schemas.openxmlformats.org", "schemas.microsoft.com", "www.w3.org"}
LICENCE = re.compile(r"/licenses/|/LICENSE\b")
ATTRIBUTES = {"src", "href", "action", "poster", "srcset", "data", "formaction", "content"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return shared_fixed_site(tmp_path_factory)


def test_no_file_references_an_http_resource(site):
    offenders = []
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.suffix == ".js" and "vendor" in p.parts for p in files)
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        vendored = "vendor" in path.relative_to(site).parts
        if vendored and path.name.startswith(("LICENSE", "NOTICE")):
            continue
        for m in URL.finditer(text):
            if vendored and m.group(1).lower() in XML_NAMESPACES:
                continue
            if vendored and LICENCE.search(m.group(2)):
                continue
            offenders.append(f"{path.relative_to(site)}: {m.group(0)}")
    assert offenders == []


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ATTRIBUTES and v]


def test_pages_reference_only_files_beside_them(site):
    for page in site.rglob("*.html"):
        parser = _Refs()
        parser.feed(page.read_text("utf-8"))
        for ref in parser.refs:
            assert not ref.startswith("//"), f"{page.name}: {ref}"
            if ref.endswith((".js", ".css", ".html")):
                assert (page.parent / ref).resolve().is_file(), f"{page.name}: {ref}"
    for css in site.rglob("*.css"):
        for ref in re.findall(r"url\(([^)]*)\)|@import\s+['\"]?([^'\";]+)", css.read_text("utf-8")):
            assert not any(r.strip("'\" ").startswith(("http", "//")) for r in ref), css.name
