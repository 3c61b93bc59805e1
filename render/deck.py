"""Lay a :class:`~hcportal.render.pack.Pack` out as a PowerPoint deck, with native charts.

Charts are python-pptx chart objects (their data travels in the deck's embedded workbook), so a
seller can edit them in PowerPoint; no picture of a chart is ever pasted. Missing data becomes a
*seller slot*: a dashed box named ``Seller slot`` holding what to fill in.

The look comes from a template deck (``site.pack_template``): its slide masters and layouts are
used, its own slides dropped. It must have the layouts in :data:`LAYOUTS` (by name); the default
is python-pptx's own plain template, so no binary file is needed.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.exc import PackageNotFoundError
from pptx.util import Emu, Pt

from hcportal.render.pack import Pack, PackError, Slide

# The layouts a template must have, by name, and what each is for.
LAYOUTS = {
    "Title Slide": "the first slide: the account's name, owner, region and date",
    "Title Only": "every other slide: a title, then hcportal's text, chart and seller slot",
}
SLOT_NAME = "Seller slot"
CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
GREY = RGBColor(0x55, 0x55, 0x55)
SLOT_FILL = RGBColor(0xFF, 0xF4, 0xCC)


def open_template(template: Path | None):
    """The template deck with its own slides removed, or a :class:`PackError` saying why not."""
    try:
        prs = Presentation(str(template)) if template else Presentation()
    except (PackageNotFoundError, OSError, KeyError, ValueError) as e:
        raise PackError(f"pack template {template} is not a readable .pptx file ({e})") from None
    if template is None:  # python-pptx's default is 4:3; a deck today is 16:9
        prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    names = {layout.name for layout in prs.slide_layouts}
    missing = [n for n in LAYOUTS if n not in names]
    if missing:
        raise PackError(
            f"pack template {template} lacks the slide layout(s) {', '.join(missing)} "
            f"(it has: {', '.join(sorted(names)) or 'none'}); see docs/pack.md"
        )
    ids = prs.slides._sldIdLst  # python-pptx has no public way to drop slides
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


# The template, opened, checked and emptied of its slides once per process, kept as bytes. Each
# deck re-opens these bytes: python-pptx has no copy of a presentation (a deepcopy of one saves
# decks with two parts of one name), and re-reading the bytes skips the file and the checks.
_TEMPLATES: dict[tuple, bytes] = {}


def _template_bytes(template: Path | None) -> bytes:

    stat = template.stat() if template is not None and template.is_file() else None
    key = (str(template), stat.st_mtime_ns, stat.st_size) if stat else (str(template),)
    if key not in _TEMPLATES:
        out = io.BytesIO()
        open_template(template).save(out)
        _TEMPLATES.clear()  # one template per run
        _TEMPLATES[key] = out.getvalue()
    return _TEMPLATES[key]


def write_pptx(pack: Pack, path: Path, template: Path | None = None) -> Path:
    """Write ``pack`` as a .pptx at ``path`` (its folder must exist); return ``path``."""

    prs = Presentation(io.BytesIO(_template_bytes(template)))
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    first = prs.slides.add_slide(layouts["Title Slide"])
    first.shapes.title.text = f"Health check: {pack.account}"
    if len(first.placeholders) > 1:
        first.placeholders[
            1
        ].text = f"Owner: {pack.owner} | Region: {pack.region} | Data as of {pack.as_of}"
    for slide in pack.slides:
        _content(prs, layouts["Title Only"], slide, pack.as_of)
    prs.core_properties.title = _property(f"Health check: {pack.account}")
    prs.core_properties.subject = pack.digest()
    out = io.BytesIO()
    prs.save(out)
    path.write_bytes(_dated(out.getvalue(), pack.as_of))
    return path


# The OOXML core properties hold at most 255 characters (python-pptx raises past that).
_PROPERTY_CHARS = 255


def _property(text: str) -> str:
    """``text`` cut to fit a core property: a very long account name must not stop the deck
    (nor, in the nightly run, every other account's deck with it)."""
    if len(text) <= _PROPERTY_CHARS:
        return text
    return text[: _PROPERTY_CHARS - 1] + "…"


def _dated(data: bytes, as_of: str) -> bytes:
    """The deck with every part dated the as-of day instead of the moment it was written, so a
    run at a fixed instant writes the same bytes twice (and an unchanged deck stays unchanged).
    The zip's DOS date and time fields are set in place: nothing is compressed again."""
    import struct
    import zipfile
    from datetime import date

    try:
        day = date.fromisoformat(as_of[:10])
    except ValueError:
        day = date(1980, 1, 1)
    stamp = struct.pack("<HH", 0, max(day.year - 1980, 0) << 9 | day.month << 5 | day.day)
    buf = bytearray(data)
    z = zipfile.ZipFile(io.BytesIO(data))
    for info in z.infolist():
        buf[info.header_offset + 10 : info.header_offset + 14] = stamp  # local header
    at = z.start_dir
    for _ in z.infolist():  # the central directory, entry after entry
        buf[at + 12 : at + 16] = stamp
        name, extra, comment = struct.unpack("<HHH", buf[at + 28 : at + 34])
        at += 46 + name + extra + comment
    return bytes(buf)


def _content(prs, layout, s: Slide, as_of: str = "") -> None:
    slide = prs.slides.add_slide(layout)
    slide.shapes.title.text = s.title
    W, H = prs.slide_width, prs.slide_height
    margin = int(W * 0.05)
    top = int(H * 0.22)
    width = W - 2 * margin
    body_h = int(H * 0.62)
    has_side = s.chart is not None or s.slot
    text_w = int(width * 0.45) if has_side and s.lines else width
    if s.lines:
        box = slide.shapes.add_textbox(margin, top, text_w, body_h)
        box.name = "Facts"
        tf = box.text_frame
        tf.word_wrap = True
        size = _font_size(s.lines, text_w, body_h)
        for i, line in enumerate(s.lines):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = line
            p.font.size = Pt(size)
    side_x = margin + (text_w + int(width * 0.03) if s.lines else 0)
    side_w = margin + width - side_x
    if s.chart is not None:
        _chart(slide, s, side_x, top, side_w, body_h if not s.slot else body_h // 2, as_of)
    if s.slot:
        slot_top = top if s.chart is None else top + body_h // 2
        _slot(slide, s.slot, side_x, slot_top, side_w, body_h if s.chart is None else body_h // 2)
    foot = slide.shapes.add_textbox(margin, int(H * 0.9), width, int(H * 0.06))
    foot.name = "Source and freshness"
    foot.text_frame.word_wrap = True
    p = foot.text_frame.paragraphs[0]
    p.text = f"Source: {s.source}. Freshness: {s.freshness}."
    p.font.size = Pt(10)
    p.font.color.rgb = GREY


def _font_size(lines: list[str], width: int, height: int) -> int:
    """The largest size (14 down to 10 pt) at which the lines, wrapped, fit the text box: a text
    box of PowerPoint does not shrink its text by itself, so a long one would run over the footer.
    An estimate: a character is about half its size wide, a line 1.2 times its size high."""
    height_pt = height / 12700  # EMU -> pt
    for size in (14, 13, 12, 11, 10):
        per_line = max(1, int(width / 12700 / (size * 0.5)))  # EMU -> pt
        rows = sum(-(-max(len(line), 1) // per_line) for line in lines)
        if rows * size * 1.2 + len(lines) * size * 0.3 <= height_pt:
            return size
    return 10


class _DatedWorkbook(CategoryWorkbookWriter):
    """python-pptx's writer of a chart's data workbook, with the workbook dated the as-of day:
    xlsxwriter dates it the moment it is written, and a deck must be the same bytes twice."""

    when = datetime(1980, 1, 1)

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        from xlsxwriter import Workbook

        # Categories and series names are CRM text (product names...): xlsxwriter would write
        # one starting with "=" as a formula and an address as a hyperlink in the workbook that
        # PowerPoint opens in Excel ("Edit Data"). Text stays text.
        options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        workbook = Workbook(xlsx_file, options)
        workbook.set_properties({"created": self.when})
        yield workbook, workbook.add_worksheet()
        workbook.close()


class _ChartData(CategoryChartData):
    def __init__(self, when: datetime) -> None:
        super().__init__()
        self._when = when

    @property
    def _workbook_writer(self):  # python-pptx's hook: the object that writes the workbook
        writer = _DatedWorkbook(self)
        writer.when = self._when
        return writer


def _as_of(pack_as_of: str) -> datetime:
    try:
        return datetime.fromisoformat(pack_as_of[:10])
    except ValueError:
        return datetime(1980, 1, 1)


def _chart(slide, s: Slide, x: int, y: int, w: int, h: int, as_of: str = "") -> None:
    c = s.chart
    assert c is not None
    data = _ChartData(_as_of(as_of))
    data.categories = c.categories
    for name, values in c.series:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(CHART_TYPES[c.kind], x, y, w, h, data)
    frame.name = f"Chart: {c.title}"
    chart = frame.chart
    chart.has_title = True
    chart.chart_title.text_frame.text = c.title
    chart.chart_title.text_frame.paragraphs[0].font.size = Pt(14)
    chart.font.size = Pt(10)
    chart.has_legend = len(c.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    if c.kind != "line" and sum(len(v) for _, v in c.series) <= 12:
        # Values written on the bars: the deck is read on paper and projected, without tooltips.
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = "#,##0"
        plot.data_labels.number_format_is_linked = False


def _slot(slide, text: str, x: int, y: int, w: int, h: int) -> None:
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, w, h)
    shape.name = SLOT_NAME
    shape.fill.solid()
    shape.fill.fore_color.rgb = SLOT_FILL
    shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    shape.line.color.rgb = GREY
    tf = shape.text_frame
    tf.word_wrap = True
    tf.text = "TO FILL IN BY THE SELLER"
    tf.paragraphs[0].font.bold = True
    p = tf.add_paragraph()
    p.text = text
    for para in tf.paragraphs:
        para.font.size = Pt(14)
        para.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
