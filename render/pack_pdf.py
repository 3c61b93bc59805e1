"""The pack as PDF: the same slides laid out as HTML (one 16:9 page each, charts as inline SVG)
and printed by the Chromium the project already drives.

Measured here against the alternatives: LibreOffice converting a .pptx costs seconds per deck and
a 300 MB package; Chromium prints a page of this HTML in a few tens of milliseconds, and one
browser prints every pack of a run. Text goes through Jinja's autoescape (account names and
subjects are hostile).
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from hcportal.render.pack import Chart, Pack

PAGE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
@page { size: 13.333in 7.5in; margin: 0 }
body { margin: 0; font: 15px/1.4 "DejaVu Sans", "Liberation Sans", sans-serif; color: #222 }
section { width: 13.333in; height: 7.5in; box-sizing: border-box; padding: .5in .65in .4in;
  page-break-after: always; position: relative; overflow: hidden }
h1 { font-size: 30px; margin: 0 0 .25in } h1.cover { margin-top: 2in; font-size: 40px }
.body { display: flex; gap: .35in } .facts { flex: 1 1 45%; margin: 0; padding-left: 1.1em }
.facts li { margin: 0 0 .08in } .side { flex: 1 1 55%; display: flex; flex-direction: column; gap: .2in }
.slot { border: 2px dashed #555; background: #fff4cc; padding: .2in; font-size: 16px }
.slot b { display: block; margin-bottom: .08in }
.foot { position: absolute; bottom: .25in; left: .65in; right: .65in; font-size: 11px; color: #555 }
svg text { font-size: 11px; fill: #333 }
.side svg { max-height: 5.3in }
</style></head><body>
<section><h1 class="cover">{{ title }}</h1>
<p>Owner: {{ pack.owner }} | Region: {{ pack.region }} | Data as of {{ pack.as_of }}</p></section>
{% for s in pack.slides %}<section><h1>{{ s.title }}</h1><div class="body">
{% if s.lines %}<ul class="facts">{% for line in s.lines %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{% if s.chart or s.slot %}<div class="side">
{% if s.chart %}{{ svg(s.chart) }}{% endif %}
{% if s.slot %}<div class="slot"><b>TO FILL IN BY THE SELLER</b>{{ s.slot }}</div>{% endif %}
</div>{% endif %}</div>
<p class="foot">Source: {{ s.source }}. Freshness: {{ s.freshness }}.</p></section>
{% endfor %}</body></html>"""
)
COLOURS = ("#2f6db5", "#e08a1e", "#3a9a5b")


def html(pack: Pack) -> str:
    return PAGE.render(pack=pack, title=f"Health check: {pack.account}", svg=svg)


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def svg(c: Chart) -> Markup:
    """A plain chart (bars, columns or lines) as SVG, its values written on it (a printed page
    has no tooltip); every text escaped."""
    esc = escape
    w, h, bottom = 620, 300, 40
    left = 190 if c.kind == "bar" else 50
    values = [v for _, vs in c.series for v in vs] or [0.0]
    lo, hi = min(0.0, *values), max(0.0, *values)
    span = (hi - lo) or 1.0
    parts = [
        f'<svg viewBox="0 0 {w} {h + 30}" width="100%" role="img" aria-label="{esc(c.title)}">'
    ]
    parts.append(f'<text x="{w / 2}" y="14" text-anchor="middle">{esc(c.title)}</text>')
    n, k = len(c.categories) or 1, len(c.series) or 1
    top = 30
    if c.kind == "bar":  # horizontal: categories down the side
        band = (h - top) / n
        for i, cat in enumerate(c.categories):
            y = top + i * band
            parts.append(
                f'<text x="{left - 6}" y="{y + band / 2 + 4:.1f}" text-anchor="end">'
                f"{esc(_short(cat, 30))}</text>"
            )
            for j, (_, vs) in enumerate(c.series):
                x0 = left + (0 - lo) / span * (w - left - 40)
                x1 = left + (vs[i] - lo) / span * (w - left - 40)
                bh = band * 0.7 / k
                parts.append(
                    f'<rect x="{min(x0, x1):.1f}" y="{y + band * 0.15 + j * bh:.1f}" '
                    f'width="{abs(x1 - x0):.1f}" height="{bh:.1f}" fill="{COLOURS[j % 3]}"/>'
                )
                parts.append(
                    f'<text x="{max(x0, x1) + 3:.1f}" y="{y + band / 2 + 4:.1f}">{vs[i]:,.0f}</text>'
                )
    else:
        band = (w - left) / n
        base = top + (hi - 0) / span * (h - top - bottom)
        every = -(-n // 7)  # at most seven category labels: months do not run into each other
        for i, cat in enumerate(c.categories):
            if (n - 1 - i) % every:  # counted back from the latest, which is always named
                continue
            x = left + i * band
            parts.append(
                f'<text x="{x + band / 2:.1f}" y="{h - bottom + 16}" text-anchor="middle">'
                f"{esc(_short(cat, 14))}</text>"
            )
        parts.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{hi:,.0f}</text>')
        parts.append(f'<text x="{left - 6}" y="{base + 4:.1f}" text-anchor="end">0</text>')
        for j, (name, vs) in enumerate(c.series):
            ys = [top + (hi - v) / span * (h - top - bottom) for v in vs]
            colour = COLOURS[j % 3]
            if c.kind == "line":
                pts = " ".join(f"{left + (i + 0.5) * band:.1f},{y:.1f}" for i, y in enumerate(ys))
                parts.append(
                    f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
                if vs:  # the latest value, where the line ends
                    parts.append(
                        f'<text x="{left + (n - 0.5) * band:.1f}" y="{ys[-1] - 6:.1f}" '
                        f'text-anchor="end" fill="{colour}">{vs[-1]:,.0f}</text>'
                    )
            else:
                bw = band * 0.7 / k
                for i, y in enumerate(ys):
                    x = left + i * band + band * 0.15 + j * bw
                    parts.append(
                        f'<rect x="{x:.1f}" y="{min(y, base):.1f}" width="{bw:.1f}" '
                        f'height="{abs(base - y):.1f}" fill="{colour}"/>'
                    )
                    if n * k <= 12 and vs[i]:
                        parts.append(
                            f'<text x="{x + bw / 2:.1f}" y="{min(y, base) - 4:.1f}" '
                            f'text-anchor="middle">{vs[i]:,.0f}</text>'
                        )
            if k > 1:  # one series needs no key
                parts.append(
                    f'<text x="{left + j * 200}" y="{h + 20}" fill="{colour}">■ {esc(name)}</text>'
                )
        parts.append(f'<line x1="{left}" x2="{w}" y1="{base:.1f}" y2="{base:.1f}" stroke="#888"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \((D:\d{14}\+00'00')\)")


def _dated(data: bytes, as_of: str) -> bytes:
    """The PDF dated the as-of day rather than the moment it was printed (Chromium writes the
    time of day): the same run gives the same bytes. Replaced in place, at the same length, so
    the file's cross-reference offsets stay true."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of[:10]) or len(as_of) < 10:
        return data
    day = as_of[:10].replace("-", "").encode()
    return _PDF_DATE.sub(lambda m: b"/%s (D:%s000000+00'00')" % (m.group(1), day), data)


def write_pdfs(items: list[tuple[Pack, Path]], browser: str = "") -> None:
    """Print each pack to its path, with one Chromium for all of them."""
    from playwright.sync_api import sync_playwright

    from hcportal.harvest.browser import find_browser

    if not items:
        return
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=find_browser(browser, p))
        try:
            page = chromium.new_page()
            for pack, path in items:
                page.set_content(html(pack), wait_until="load")
                tmp = path.with_name(path.name + ".tmp")
                data = page.pdf(width="13.333in", height="7.5in", print_background=True)
                tmp.write_bytes(_dated(data, pack.as_of))
                tmp.replace(path)
        finally:
            chromium.close()
