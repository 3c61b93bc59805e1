"""The documents a site may ship (the health-check packs, issue 18): a PowerPoint deck and a PDF,
judged by what is inside them, not by their names.

A deck is a zip, and a zip can carry anything: a renamed Playwright trace, macros, an embedded
program, links that fetch from the network when the deck is opened. So a ``.pptx`` passes only
when it is a plain presentation and nothing else:

- the zip is whole and honest: no entry encrypted, no bytes the zip's directory does not account
  for (a second archive hidden between or after the entries; the end record ends the file), no
  name that leaves the package (``..``, an absolute path, a backslash, a drive), no two entries
  for one part, parts stored or deflated as Office writes them (no bzip2, LZMA, ...), and sizes
  that cannot explode when opened (a zip bomb);
- every part is a presentation's part (slides, layouts, masters, themes, charts, images, the
  properties) by its name and content type; no macros (``vbaProject.bin``, a macro-enabled
  content type), no ActiveX control, no embedded or linked OLE object; a chart's data workbook
  (``ppt/embeddings/*.xlsx``, how PowerPoint keeps a native chart editable) is judged the same
  way, as a plain workbook;
- no relationship leaves the package: no ``TargetMode="External"`` (a picture or template
  fetched from ``http://`` or ``file://`` when the deck opens leaks who opened it), no target that
  climbs out of it;
- every XML part is UTF-8 (no byte-order mark, no other encoding declared), declares no DTD
  (entities are how XML bombs and file reads work) and parses; relationships are read as XML
  (any quotes, character references, namespace prefix), not as text.

A PDF must be one (its header and its end marker) and hold no active content: no JavaScript, no
action that launches a program, opens a file or submits a form, no embedded file, no form that
runs scripts. PDF names may be written with ``#xx`` escapes and objects may sit in compressed
streams, so names are decoded and streams inflated (up to a bound) before looking. The file is
read in one pass, in time linear in its size (a hostile file cannot make the gate take minutes).
"""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree

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
# What reading a part may raise when its bytes lie (a corrupt deflate stream, a header that does not
# add up): each is a refusal of the file, never a traceback.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError,
               lzma.LZMAError, RuntimeError, struct.error, ValueError)  # fmt: skip
# Content types and relationship types that carry code or reach outside the package.
_ACTIVE = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|oleObject|control|attachedTemplate"
                     r"|externalLink", re.IGNORECASE)  # fmt: skip
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# The encoding an XML declaration names: Office writes UTF-8 only (the parts are read as UTF-8 here,
# so a part in another encoding would be read as something other than what Office reads).
_DECLARED = re.compile(rb"<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")


def pptx_problem(data: bytes) -> str | None:
    """Why a ``.pptx`` file must not be published (see the module's rules), or None."""
    return _package_problem(data, "PowerPoint deck", PPTX, depth=0)


def _package_problem(data: bytes, what: str, kind: tuple, depth: int) -> str | None:
    first, allowed, main = kind
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.LargeZipFile, *_UNREADABLE) as e:
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
    except _UNREADABLE as e:
        return f"is not a whole {what} (a part cannot be read: {e})"
    for info in infos:
        low = info.filename.lower()
        if not low.endswith((".xml", ".rels", ".xlsx")):
            try:
                found = _binary_problem(low, z.read(info))
            except _UNREADABLE as e:
                return f"is not a whole {what} (a part cannot be read: {e})"
            if found:
                return f"is not a plain {what}: {info.filename!r} {found}"
    trees = {}
    for name, text in parts.items():
        tree = _xml(text)
        if isinstance(tree, str):
            return f"is not a plain {what}: {name} {tree}"
        trees[name] = tree
    # Every content type it declares (by attribute, whatever the element: a type hidden in an
    # element Office ignores is refused all the same).
    declared = [
        e.get("ContentType", "") for e in trees[types.filename].iter() if "ContentType" in e.attrib
    ]
    active = [t for t in declared if _ACTIVE.search(t)]
    if active:
        return f"is not a plain {what}: it declares {active[0]!r} (macros, controls or objects)"
    if main not in declared:
        return f"is not a plain {what}: its main part is not {main.rsplit('.', 2)[-2]} ({declared[:3]})"
    for name, tree in trees.items():
        if name.lower().endswith(".rels") and (found := _rels_problem(name, tree)):
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
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Office writes stored and deflated parts only; bzip2, LZMA and the rest are other
            # tools' archives (and other decoders' bugs).
            return f"the entry {name!r} is compressed with method {info.compress_type} (Office uses stored or deflate)"
        total += info.file_size
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return f"the entry {name!r} unzips {info.file_size // max(info.compress_size, 1)}x (a zip bomb)"
    if total > MAX_UNZIPPED:
        return (
            f"its parts unzip to {total >> 20} MiB (at most {MAX_UNZIPPED >> 20} MiB: a zip bomb)"
        )
    if z.comment:
        return "the zip carries a comment (bytes no deck has)"
    # The end-of-directory record (22 bytes, no comment: refused above) ends the file, and the
    # directory it points at runs up to it: no byte after the record, none between.
    end = len(data) - 22
    if end < 0 or data[end : end + 4] != b"PK\x05\x06":
        return "the zip's end record does not end the file (bytes ride after it)"
    size, directory = struct.unpack("<II", data[end + 12 : end + 20])
    if directory + size != end:
        return f"the zip's end record says its directory is {size} bytes at byte {directory}, which is not where it lies"
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
    if directory != at:
        return f"{abs(directory - at)} bytes between the last part and the zip's directory belong to no part"
    return None


def _xml(text: bytes) -> ElementTree.Element | str:
    """A part's XML parsed, or why it is refused: not UTF-8 (a byte-order mark or a declared
    encoding other than UTF-8, a UTF-16 part), a DTD or entity (how XML bombs and file reads
    work), or XML that does not parse."""
    if text.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00", b"\xef\xbb\xbf")) or (
        b"\x00" in text[:200]
    ):
        return "is not UTF-8 XML (a byte-order mark or UTF-16), which Office never writes"
    declared = _DECLARED.match(text)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        enc = declared.group(1).decode("latin-1")
        return f"is not UTF-8 XML (it declares {enc!r}), which Office never writes"
    if _DTD.search(text):
        return "declares a DTD (XML entities), which Office never writes"
    try:
        text.decode("utf-8")
        # Safe to parse: no DTD, so no entity but XML's five, nothing fetched, nothing expanded.
        return ElementTree.fromstring(text)
    except (UnicodeDecodeError, ElementTree.ParseError) as e:
        return f"is not well-formed UTF-8 XML ({e})"


def _rels_problem(name: str, tree: ElementTree.Element) -> str | None:
    """A relationship part: every target stays inside the package, and none is active. Read as
    XML (quotes, character references and namespace prefixes as any XML reader sees them)."""
    # A part's relationships sit in <folder>/_rels/<part>.rels; relative targets start at <folder>.
    folder = posixpath.dirname(posixpath.dirname(name))
    for rel in tree.iter():
        if rel.tag not in (f"{_RELS_NS}Relationships", f"{_RELS_NS}Relationship"):
            return f"{name} holds {rel.tag!r}, which is not a relationship"
        if rel.tag != f"{_RELS_NS}Relationship":
            continue
        attrs = {k.lower(): v.strip() for k, v in rel.attrib.items()}
        target, kind = attrs.get("target", ""), attrs.get("type", "")
        if attrs.get("targetmode", "internal").lower() != "internal":
            return f"{name} links outside the file ({target!r}, TargetMode {attrs['targetmode']})"
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
# PDF whitespace is NUL, tab, line feed, form feed, carriage return and space (ISO 32000 7.2.2): a
# name ends at any of them or at a delimiter, so ``/OpenAction\x00<<`` names /OpenAction.
_WS = rb"\x00\t\n\f\r "
_PDF_NAME = re.compile(rb"/[^" + _WS + rb"/\[\]()<>{}%]+")
_GAP = rb"(?:[" + _WS + rb"]|%[^\r\n]*[\r\n])+"  # whitespace and comments between tokens
# An object's header ("5 0 obj", "5\x000%c\nobj"): where a stream's dictionary starts.
_OBJ = rb"(?<![0-9])[0-9]+" + _GAP + rb"[0-9]+" + _GAP + rb"obj(?![^" + _WS + rb"/\[\]()<>{}%])"
# The keyword that starts a stream's data (after it an end of line, whichever a writer used).
_STREAM = rb"(?<![^" + _WS + rb">\]])stream(?:\r\n|\r|\n)"
# Outside a string: a string opens or closes, a comment, an object's header, a stream's data
# begins, a name. Inside: escapes and nested brackets (a string's text is not syntax: "(Acme /JS
# Corp)" in a title names nothing).
_PDF_TOKEN = re.compile(rb"[()]|%[^\r\n]*|" + _OBJ + rb"|" + _STREAM + rb"|" + _PDF_NAME.pattern)
_PDF_IN_STRING = re.compile(rb"\\.|[()]", re.S)
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
# In a stream's data, an ``obj`` keyword (after whitespace, before a delimiter) is enough to read
# that data as syntax: a header's comments could be long, and matching whole headers at every
# byte of a hostile stream would take quadratic time; a fixed-width look is linear.
_PDF_OBJ = re.compile(rb"(?<=[" + _WS + rb"])obj(?![^" + _WS + rb"/\[\]()<>{}%])")
_PDF_ENDSTREAM = b"endstream"
MAX_PDF = 64 << 20  # a pack's PDF is well under 1 MiB; a PDF past this is not one of ours
MAX_STREAMS = 50_000  # a pack's PDF has tens; every stream's dictionary is read
MAX_INFLATED = 64 << 20  # all compressed streams together, inflated to look inside


def pdf_problem(data: bytes) -> str | None:
    """Why a ``.pdf`` file must not be published, or None."""
    if not data.startswith(b"%PDF-"):
        return "is not a PDF (it does not start with %PDF-)"
    if b"%%EOF" not in data[-1024:]:
        return "is not a whole PDF (no %%EOF at its end)"
    if len(data) > MAX_PDF:
        return f"is a PDF of {len(data) >> 20} MiB (at most {MAX_PDF >> 20} MiB)"
    try:
        for names in _pdf_syntax(data):
            for raw in names:
                name = _decoded(raw)
                if name in _PDF_ACTIVE:
                    return f"is a PDF with active content ({name.decode('latin-1')}); a pack never has any"
    except ValueError as e:
        return f"is a PDF the gate cannot read through ({e})"
    return None


def _decoded(name: bytes) -> bytes:
    return _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name


def _pdf_tokens(data: bytes, streams: bool) -> Iterator[bytes | tuple[int, int]]:
    """The syntax of ``data`` read once, front to back (linear time): each name (``/...``) and each
    object header's ``obj``, strings and comments left out; with ``streams``, each stream's data as
    its (start, end) offsets, skipped up to the next ``endstream`` (data, not syntax). A string that
    closes before it opens or never closes, or a stream that never ends, is a ValueError: nothing
    hides behind either."""
    depth, pos = 0, 0
    while m := (_PDF_IN_STRING if depth else _PDF_TOKEN).search(data, pos):
        token, pos = m.group(), m.end()
        if token == b"(":
            depth += 1
        elif token == b")":
            depth -= 1
            if depth < 0:
                raise ValueError(f"a string closes at byte {m.start()} that never opened")
        elif depth or token[:1] == b"%":
            continue
        elif token[:1] == b"/" or token.endswith(b"obj"):
            yield token
        elif streams:
            end = data.find(_PDF_ENDSTREAM, pos)
            if end < 0:
                raise ValueError(f"a stream at byte {m.start()} never ends")
            yield pos, end
            pos = end + len(_PDF_ENDSTREAM)
    if depth:
        raise ValueError("a string never closes")


def _pdf_walk(data: bytes) -> tuple[list[bytes], list[tuple[list[bytes], memoryview]]]:
    """The file's own names, and each stream as (the names of its dictionary, from its object's
    header up to ``stream``; its data, up to the next ``endstream``)."""
    names: list[bytes] = []
    streams: list[tuple[list[bytes], memoryview]] = []
    view, since = memoryview(data), 0
    for token in _pdf_tokens(data, streams=True):
        if isinstance(token, tuple):
            streams.append((names[since:], view[token[0] : token[1]]))
            if len(streams) > MAX_STREAMS:
                raise ValueError(f"more than {MAX_STREAMS} streams")
            since = len(names)
        elif token[:1] == b"/":
            names.append(token)
        else:  # an object header: its dictionary's names start here
            since = len(names)
    return names, streams


def _pdf_names(chunk: bytes) -> list[bytes]:
    """The names of objects read out of a stream (an object stream, or objects planted in a
    stream's data): strings and comments left out, nothing else (such an object holds no stream,
    so ``stream`` there hides nothing). Strings that do not balance: every name-like run counts."""
    try:
        return [
            t for t in _pdf_tokens(chunk, streams=False) if isinstance(t, bytes) and t[:1] == b"/"
        ]
    except ValueError:
        return _PDF_NAME.findall(chunk)


def _pdf_syntax(data: bytes):
    """The names of the file's own objects, then those of objects kept in object streams
    (``/Type /ObjStm``, where PDF 1.5 packs objects, compressed) or planted in a stream's data: a
    stream's other data (drawing, fonts, images) holds none. An object stream the gate cannot
    inflate, or not all of, is refused, not skipped."""
    names, streams = _pdf_walk(data)
    yield names
    budget = MAX_INFLATED
    for raw_head, body in streams:
        head = [_decoded(n) for n in raw_head]
        # /First is a key only an object stream has: an object stream whose /Type hides behind a
        # reference is still one.
        if b"/ObjStm" not in head and b"/First" not in head:
            # Drawing, fonts, images: no objects, unless one was planted inside for the
            # cross-reference table to point at; then its bytes are read as syntax.
            if _PDF_OBJ.search(body):
                yield _pdf_names(bytes(body))
            continue
        if b"/DecodeParms" in head or b"/Predictor" in head or b"/DP" in head:
            # A predictor reorders the inflated bytes (names split across rows): Chromium never
            # uses one for an object stream.
            raise ValueError("an object stream with /DecodeParms (a predictor)")
        filters = [n for n in head if n.endswith(b"Decode")]
        if b"/Filter" in head and filters != [b"/FlateDecode"]:
            shown = b" ".join(filters).decode("latin-1") or "a filter given by reference"
            raise ValueError(f"an object stream packed with {shown}")
        if not filters:
            yield _pdf_names(bytes(body))
            continue
        inflate = zlib.decompressobj()
        try:
            out = inflate.decompress(body, max(budget, 0) + 1)
        except zlib.error as e:
            raise ValueError(f"an object stream that does not inflate: {e}") from None
        budget -= len(out)
        if budget < 0:
            raise ValueError(f"object streams inflate past {MAX_INFLATED >> 20} MiB")
        if not inflate.eof:
            raise ValueError("an object stream that does not inflate whole (cut short)")
        yield _pdf_names(out)
