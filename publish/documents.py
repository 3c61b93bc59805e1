"""The documents a site may ship (the health-check packs, issue 18): a PowerPoint deck and a PDF,
judged by what is inside them, not by their names.

A deck is a zip, and a zip can carry anything: a renamed Playwright trace, macros, an embedded
program, links that fetch from the network when the deck is opened. So a ``.pptx`` passes only
when it is a plain presentation and nothing else:

- the zip is whole and honest: no entry encrypted, no bytes the zip's directory does not account
  for (a second archive hidden between or after the entries), no name that leaves the package
  (``..``, an absolute path, a backslash, a drive), no two entries for one part, and sizes that
  cannot explode when opened (a zip bomb);
- every part is a presentation's part (slides, layouts, masters, themes, charts, images, the
  properties) by its name and content type; no macros (``vbaProject.bin``, a macro-enabled
  content type), no ActiveX control, no embedded or linked OLE object; a chart's data workbook
  (``ppt/embeddings/*.xlsx``, how PowerPoint keeps a native chart editable) is judged the same
  way, as a plain workbook;
- no relationship leaves the package: no ``TargetMode="External"`` (a picture or template
  fetched from ``http://`` or ``file://`` when the deck opens leaks who opened it), no target that
  climbs out of it;
- no XML part declares a DTD (entities are how XML bombs and file reads work).

A PDF must be one (its header and its end marker) and hold no active content: no JavaScript, no
action that launches a program, opens a file or submits a form, no embedded file, no form that
runs scripts. PDF names may be written with ``#xx`` escapes and objects may sit in compressed
streams, so names are decoded and streams inflated (up to a bound) before looking.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib

# -- PowerPoint ---------------------------------------------------------------------------------

MAX_PARTS = 5_000  # a ten-slide pack has about 70; a company template adds its layouts and images
MAX_UNZIPPED = 256 << 20  # every part's size added up, as the zip declares it (and reads it)
MAX_RATIO = 200  # unzipped / zipped for one large part: XML squeezes 10-30x, a bomb 1000x
_RATIO_FROM = 1 << 20  # small parts may squeeze as they like

_PPTX_PARTS = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels"
    r"|docProps/(?:core|app|custom)\.xml|docProps/thumbnail\.(?:jpeg|jpg|png|emf|wmf)"
    # The presentation's own XML parts (presentation, presProps, tableStyles, revisionInfo, authors,
    # ... as PowerPoint versions add them): inert, their types and links checked below.
    r"|ppt/[\w.-]+\.xml"
    r"|ppt/(?:slides|slideLayouts|slideMasters|notesSlides|notesMasters|handoutMasters|theme"
    r"|charts|comments|tags|diagrams|customXml|changesInfos|ink)/[\w.-]+\.xml"
    r"|ppt/media/[\w.-]+\.(?:png|jpeg|jpg|jpe|jfif|gif|bmp|tiff|tif|emf|wmf|svg|wdp)"
    r"|ppt/fonts/[\w.-]+\.fntdata"
    r"|ppt/printerSettings/printerSettings\d+\.bin"
    r"|ppt/embeddings/[\w.-]+\.xlsx"  # a native chart's data: checked as a workbook below
    r"|customXml/[\w.-]+\.xml"
    r"|(?:ppt/(?:[\w-]+/)?|customXml/)_rels/[\w.-]+\.rels",
    re.IGNORECASE,
)
_XLSX_PARTS = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels|docProps/(?:core|app|custom)\.xml"
    r"|xl/(?:workbook|styles|sharedStrings|calcChain)\.xml"
    r"|xl/(?:worksheets|theme|tables|charts|drawings)/[\w.-]+\.xml"
    r"|xl/(?:[\w-]+/)?_rels/[\w.-]+\.rels",
    re.IGNORECASE,
)
_PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# What each package must start from, the parts it may hold, its main content type.
PPTX = ("ppt/presentation.xml", _PPTX_PARTS, _PPTX_MAIN)
XLSX = ("xl/workbook.xml", _XLSX_PARTS, _XLSX_MAIN)
# Content types and relationship types that carry code or reach outside the package.
_ACTIVE = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|oleObject|control|attachedTemplate"
                     r"|externalLink", re.IGNORECASE)  # fmt: skip
_CONTENT_TYPES = re.compile(rb'ContentType\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb'(\w+)\s*=\s*"([^"]*)"')
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def pptx_problem(data: bytes) -> str | None:
    """Why a ``.pptx`` file must not be published (see the module's rules), or None."""
    return _package_problem(data, "PowerPoint deck", PPTX, depth=0)


def _package_problem(data: bytes, what: str, kind: tuple, depth: int) -> str | None:
    first, allowed, main = kind
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
        return f"is not a whole {what} (its zip cannot be read: {e})"
    if first not in {i.filename for i in infos}:
        return f"is a zip archive, not a {what} (it has no {first}); a site never ships one"
    found = _zip_problem(data, z, infos)
    if found:
        return f"is not a plain {what}: {found}"
    for info in infos:
        if not allowed.fullmatch(info.filename):
            hint = _why_refused(info.filename)
            return f"is not a plain {what}: it holds {info.filename!r}{hint}"
    names = {i.filename.lower(): i for i in infos}
    types = names.get("[content_types].xml")
    if types is None:
        return f"is not a {what}: it has no [Content_Types].xml"
    try:
        parts = {
            i.filename: z.read(i) for i in infos if i.filename.lower().endswith((".xml", ".rels"))
        }
        embedded = {i.filename: z.read(i) for i in infos if i.filename.lower().endswith(".xlsx")}
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
        return f"is not a whole {what} (a part cannot be read: {e})"
    for info in infos:
        low = info.filename.lower()
        if not low.endswith((".xml", ".rels", ".xlsx")):
            try:
                found = _binary_problem(low, z.read(info))
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
                return f"is not a whole {what} (a part cannot be read: {e})"
            if found:
                return f"is not a plain {what}: {info.filename!r} {found}"
    for name, text in parts.items():
        if _DTD.search(text):
            return f"is not a plain {what}: {name} declares a DTD (XML entities), which Office never writes"
    declared = [t.decode("utf-8", "replace") for t in _CONTENT_TYPES.findall(parts[types.filename])]
    active = [t for t in declared if _ACTIVE.search(t)]
    if active:
        return f"is not a plain {what}: it declares {active[0]!r} (macros, controls or objects)"
    if main not in declared:
        return f"is not a plain {what}: its main part is not {main.rsplit('.', 2)[-2]} ({declared[:3]})"
    for name, text in parts.items():
        if name.lower().endswith(".rels") and (found := _rels_problem(name, text, names)):
            return f"is not a plain {what}: {found}"
    for name, inner in embedded.items():
        if depth > 0:
            return f"is not a plain {what}: it embeds {name!r} inside an embedded workbook"
        found = _package_problem(inner, "workbook", XLSX, depth + 1)
        if found:
            return f"is not a plain {what}: its chart data {name!r} {found}"
    return None


# A picture is what its name says (a zip saved as image1.png is a zip); other binary parts (printer
# settings, embedded fonts) at least are no archive, database or program.
_PICTURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",), ".jpeg": (b"\xff\xd8\xff",), ".jpg": (b"\xff\xd8\xff",),
    ".jpe": (b"\xff\xd8\xff",), ".jfif": (b"\xff\xd8\xff",), ".wdp": (b"II\xbc",),
    ".gif": (b"GIF87a", b"GIF89a"), ".bmp": (b"BM",), ".tiff": (b"II*\x00", b"MM\x00*"),
    ".tif": (b"II*\x00", b"MM\x00*"), ".wmf": (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00"),
}  # fmt: skip
_CARRIERS = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!",
             b"SQLite format 3", b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0")  # fmt: skip
_SVG_ACTIVE = re.compile(rb"<script|javascript:|\son[a-z]+\s*=|<foreignObject", re.IGNORECASE)


def _binary_problem(name: str, data: bytes) -> str | None:
    suffix = name[name.rfind(".") :]
    if suffix in _PICTURES and not data.startswith(_PICTURES[suffix]):
        return f"is not the {suffix[1:].upper()} picture its name says"
    if suffix == ".emf" and data[40:44] != b" EMF":
        return "is not the EMF picture its name says"
    if suffix == ".svg" and (not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
                             or _SVG_ACTIVE.search(data)):  # fmt: skip
        return "is not a plain SVG picture (scripts or event handlers, or not SVG at all)"
    if data.startswith(_CARRIERS):
        return "is an archive, a database or a program under another name"
    return None


def _why_refused(name: str) -> str:
    low = name.lower()
    if "vbaproject" in low or low.endswith((".bas", ".vba")):
        return " (macros)"
    if "activex" in low:
        return " (an ActiveX control)"
    if "oleobject" in low or low.endswith(".bin"):
        return " (an embedded object or program)"
    return ", which is not a part of a plain presentation"


def _zip_problem(data: bytes, z: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """Names, sizes and layout of the zip itself."""
    if len(infos) > MAX_PARTS:
        return f"{len(infos)} parts (at most {MAX_PARTS})"
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        parts = name.split("/")
        if (name.startswith("/") or "\\" in name or ":" in name or ".." in parts
                or any(ord(c) < 32 for c in name)):  # fmt: skip
            return f"the entry {name!r} points outside the package"
        if name.lower() in seen:
            return f"two entries are named {name!r}"
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            return f"the entry {name!r} is encrypted"
        total += info.file_size
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return f"the entry {name!r} unzips {info.file_size // max(info.compress_size, 1)}x (a zip bomb)"
    if total > MAX_UNZIPPED:
        return (
            f"its parts unzip to {total >> 20} MiB (at most {MAX_UNZIPPED >> 20} MiB: a zip bomb)"
        )
    if z.comment:
        return "the zip carries a comment (bytes no deck has)"
    # Every byte before the zip's directory belongs to an entry: nothing rides along unlisted.
    at = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != at:
            return (
                f"{abs(info.header_offset - at)} bytes before {info.filename!r} belong to no part"
            )
        head = data[at : at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            return f"the entry {info.filename!r} has no local header"
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        at += 30 + name_len + extra_len + info.compress_size
        if info.flag_bits & 0x8:  # a data descriptor follows the data: with or without its mark
            at += 16 if data[at : at + 4] == b"PK\x07\x08" else 12
    end = data.rfind(b"PK\x05\x06")
    directory = struct.unpack("<I", data[end + 16 : end + 20])[0] if end >= 0 else -1
    if directory != at:
        return f"{abs(directory - at)} bytes between the last part and the zip's directory belong to no part"
    return None


def _rels_problem(name: str, text: bytes, names: dict[str, zipfile.ZipInfo]) -> str | None:
    """A relationship part: every target stays inside the package, and none is active."""
    # A part's relationships sit in <folder>/_rels/<part>.rels; relative targets start at <folder>.
    folder = posixpath.dirname(posixpath.dirname(name))
    for rel in _RELATIONSHIP.findall(text):
        attrs = {k.decode().lower(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(rel)}
        target, kind = attrs.get("target", ""), attrs.get("type", "")
        if attrs.get("targetmode", "").lower() == "external":
            return f"{name} links outside the file ({target!r}, TargetMode External)"
        if re.match(r"[a-z][a-z0-9+.-]*:|//|\\\\", target, re.IGNORECASE):
            return f"{name} links outside the file ({target!r})"
        if _ACTIVE.search(kind.rsplit("/", 1)[-1]):
            return (
                f"{name} holds a relationship of type {kind.rsplit('/', 1)[-1]!r} (active content)"
            )
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        resolved = posixpath.normpath(path)
        if resolved.startswith("../") or resolved == "..":
            return f"{name} points outside the package ({target!r})"
    return None


# -- PDF ----------------------------------------------------------------------------------------

# Names of active content (pdfid's list): scripts, actions run on opening or on an event, programs
# launched, files embedded or fetched, forms submitted, rich media and XFA forms.
_PDF_ACTIVE = (b"/JS", b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles",
               b"/AA", b"/OpenAction", b"/SubmitForm", b"/ImportData", b"/GoToE", b"/GoToR",
               b"/RichMedia", b"/XFA")  # fmt: skip
_PDF_NAME = re.compile(rb"/[^\s/\[\]()<>{}%]+")
# Outside a string: a string opens, a comment, a stream's data begins, a name. Inside: escapes and
# nested brackets (a string's text is not syntax: "(Acme /JS Corp)" in a title names nothing).
_PDF_TOKEN = re.compile(rb"[()]|%[^\r\n]*|\bstream\r?\n|/[^\s/\[\]()<>{}%]+")
_PDF_IN_STRING = re.compile(rb"\\.|[()]", re.S)
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"\bstream\r?\n")
_PDF_OBJ = re.compile(rb"\d\s+\d+\s+obj\b")
MAX_INFLATED = 64 << 20  # all compressed streams together, inflated to look inside


def pdf_problem(data: bytes) -> str | None:
    """Why a ``.pdf`` file must not be published, or None."""
    if not data.startswith(b"%PDF-"):
        return "is not a PDF (it does not start with %PDF-)"
    if b"%%EOF" not in data[-1024:]:
        return "is not a whole PDF (no %%EOF at its end)"
    try:
        chunks = list(_pdf_syntax(data))
    except ValueError as e:
        return f"is a PDF the gate cannot read through ({e})"
    for chunk in chunks:
        for raw in _pdf_names(chunk):
            name = _decoded(raw)
            if name in _PDF_ACTIVE:
                return (
                    f"is a PDF with active content ({name.decode('latin-1')}); a pack never has any"
                )
    return None


def _decoded(name: bytes) -> bytes:
    return _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name


def _pdf_names(chunk: bytes) -> list[bytes]:
    """The names of a piece of PDF syntax, strings, comments and stream data left out. A chunk
    whose strings do not close (built to hide behind a stray bracket) is read strictly: every
    name-like run counts."""
    names, depth, pos = [], 0, 0
    while m := (_PDF_IN_STRING if depth else _PDF_TOKEN).search(chunk, pos):
        token, pos = m.group(), m.end()
        if token == b"(":
            depth += 1
        elif token == b")":
            depth -= 1
            if depth < 0:
                return _PDF_NAME.findall(chunk)
        elif depth or token[:1] == b"%":
            continue
        elif token[:1] == b"/":
            names.append(token)
        else:  # a stream's data: drawing, fonts, images; objects only in object streams
            end = chunk.find(b"endstream", pos)
            pos = len(chunk) if end < 0 else end + len(b"endstream")
    return _PDF_NAME.findall(chunk) if depth else names


def _pdf_syntax(data: bytes):
    """The file's own objects, then those kept in object streams (``/Type /ObjStm``, where PDF
    1.5 packs objects, compressed): a stream's other data (drawing, fonts, images) holds none.
    An object stream the gate cannot inflate is refused, not skipped."""
    yield data
    budget = MAX_INFLATED
    view = memoryview(data)
    for m in _PDF_STREAM.finditer(data):
        head = b" ".join(
            _decoded(n)
            for n in _PDF_NAME.findall(data[data.rfind(b"obj", 0, m.start()) : m.start()])
        )
        end = data.find(b"endstream", m.end())
        body = view[m.end() : end if end >= 0 else len(data)]
        if b"/ObjStm" not in head:
            # Drawing, fonts, images: no objects, unless one was planted inside for the
            # cross-reference table to point at; then its bytes are read as syntax.
            if _PDF_OBJ.search(body):
                yield bytes(body)
            continue
        filters = [n for n in head.split() if n.endswith(b"Decode")]
        if not filters:
            yield bytes(body)
            continue
        if filters != [b"/FlateDecode"]:
            raise ValueError(f"an object stream packed with {b' '.join(filters).decode('latin-1')}")
        try:
            out = zlib.decompressobj().decompress(body, max(budget, 0) + 1)
        except zlib.error as e:
            raise ValueError(f"an object stream that does not inflate: {e}") from None
        budget -= len(out)
        if budget < 0:
            raise ValueError(f"object streams inflate past {MAX_INFLATED >> 20} MiB")
        yield out
