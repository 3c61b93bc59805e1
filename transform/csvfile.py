"""Read one CSV export into Arrow: fast when the file is well-formed, exact when it is not.

Real exports carry a UTF-8 BOM or Windows-1252 bytes, a title block above the header and a report
footer below the data (Salesforce adds both, each after a blank line), quoted fields that span lines,
and now and then a row with too few or too many fields. The data-quality report must name the line
of every row it cannot use, so line numbers must stay exact.

Two parsers, one answer:

- **fast**: pyarrow's multi-threaded reader over the bytes between header and footer. It is trusted
  only when it is provably line-for-line: no malformed row, and exactly one physical line per record
  (counted in C with ``bytes.count``). Then row ``i`` is on line ``first + i``.
- **exact**: otherwise (a field spans lines, a blank line or a malformed row somewhere), Python's
  ``csv`` module reads the same bytes, tracking every record's line, and lists malformed rows.

The caller names the columns it wants (its configured headers); everything comes back as strings,
dictionary-encoded where asked (the reader builds the dictionaries in its worker threads, which is
far cheaper than hashing the column again afterwards).

Nothing is changed silently: what the reader had to do to a value or a line is an entry of
:attr:`Export.notes` (line, column, value, reason), which the transform lists in data_quality.csv:
a line in another encoding than the file's (decoded in its own), control characters (removed), a
header named twice (the first column of that name is read). A field of any length is read.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from hcportal.core.errors import TransformError
from hcportal.core.text import NAMES, allow_long_fields, decode_mixed, shown

BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
Data = bytes | mmap.mmap
DICT = pa.dictionary(pa.int32(), pa.string())
_BLANK_LINE = re.compile(rb"\r?\n[ \t]*\r?\n")
_EDGE = 1 << 16  # a title block or footer is a few short lines: look no further than this
_BATCH = 200_000  # rows per Arrow batch in the exact parser, to bound its memory
# The control characters a field should not hold (tab, CR and LF may be in a quoted field), as RE2;
# with U+FFFE and U+FFFF, which are not characters at all and which no XML document may hold (a
# pack deck or a workbook with one in a name cannot be written).
_CONTROL = r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{7f}-\x{9f}\x{fffe}\x{ffff}]"
Note = tuple[int, str, str, str]  # (line, column, value as shown, reason)


@dataclass
class Export:
    """The rows of one export: wanted columns by header, each row's line, the rows it could not use."""

    columns: dict[str, pa.ChunkedArray]
    lines: np.ndarray
    header: list[str]
    malformed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)
    encoding: str = "utf-8"
    exact_parser: bool = False
    notes: list[Note] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.lines)


Select = Callable[[list[str]], dict[str, bool]]


def read_export(path: Path, select: Select, delimiter: str = ",") -> Export:
    """Read the columns ``select`` picks from the export's (stripped) header.

    ``select(header)`` returns ``{header: dictionary_encode}`` for the columns wanted, or raises
    (e.g. :class:`TransformError` naming a missing column).
    """
    notes: list[Note] = []
    with _mapped(path) as data:
        # Excel's "Unicode Text" and some CRMs write UTF-16 with a BOM: rare, so transcoded whole.
        if data[:2] in _UTF16_BOMS:
            text, enc = data[:].decode("utf-16", errors="replace"), "utf-16"
        else:
            try:
                return _parse(data, select, delimiter, "utf-8")
            except _NotUtf8:
                # Windows-1252 throughout, or one pasted line in a UTF-8 file: each line is read
                # in its own encoding, and a line in the other one is listed.
                decoded = decode_mixed(data[:])
                text, enc = decoded.text, decoded.encoding
                odd, usual = NAMES[decoded.odd_encoding], NAMES[enc]
                notes = [
                    (
                        line,
                        "",
                        shown(text.rstrip("\r")),
                        f"a line in {odd} in a {usual} file (read as {odd})",
                    )
                    for line, text in decoded.odd_lines
                ]
    export = _parse(text.encode("utf-8"), select, delimiter, enc)
    export.notes[:0] = notes
    return export


class _NotUtf8(Exception):
    pass


@contextlib.contextmanager
def _mapped(path: Path) -> Iterator[mmap.mmap]:
    """The file's bytes, memory-mapped: read from the page cache, never copied whole."""
    try:
        with path.open("rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                raise TransformError(f"{path.name} is empty")
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as e:
        raise TransformError(f"{path.name} cannot be read: {e.strerror}") from None
    try:
        if not data[:_EDGE].strip():
            raise TransformError(f"{path.name} is empty")
        yield data
    finally:
        with contextlib.suppress(BufferError):  # a view still alive: the GC unmaps it later
            data.close()


def _count(data: Data, sub: bytes, start: int, end: int) -> int:
    """``data.count(sub, start, end)`` for a memory map, a slice at a time (``sub``: one byte)."""
    if isinstance(data, bytes):
        return data.count(sub, start, end)
    step = 1 << 24
    return sum(data[i : min(i + step, end)].count(sub) for i in range(start, end, step))


def _one_field(line: bytes, delimiter: str) -> bool:
    """True if the line holds no delimiter outside quotes: a title or footer line, not a record."""
    return delimiter.encode() not in re.sub(rb'"[^"]*"', b"", line)


def _title_block(data: Data, start: int, delimiter: str) -> tuple[int, int]:
    """Skip a title block (single-value lines, then a blank line) above the header.

    Returns the header's byte offset and how many lines lie before it.
    """
    head = data[start : start + _EDGE]
    blank = _BLANK_LINE.search(head)
    if not blank:
        return start, 0
    above = [ln for ln in head[: blank.start()].splitlines() if ln.strip()]
    if not above or not all(_one_field(ln, delimiter) for ln in above):
        return start, 0
    skip = blank.end()
    while (eol := head.find(b"\n", skip)) >= 0 and not head[skip:eol].strip():  # more blank lines
        skip = eol + 1
    return start + skip, head[:skip].count(b"\n")


def _body_end(data: Data, start: int, delimiter: str) -> int:
    """Where the records end: before a report footer (single-value lines after the last blank
    line) and trailing blank lines, just after the last record's line end."""
    end = _rstrip_newlines(data, len(data))
    tail_from = max(start, end - _EDGE)
    tail = data[tail_from:end]
    blanks = list(_BLANK_LINE.finditer(tail))
    if blanks:
        last = blanks[-1]
        lines = [ln for ln in tail[last.end() :].splitlines() if ln.strip()]
        if lines and all(_one_field(ln, delimiter) for ln in lines):
            end = _rstrip_newlines(data, tail_from + last.start())
    for newline in (b"\r\n", b"\n", b"\r"):
        if data[end : end + len(newline)] == newline:
            return end + len(newline)
    return end


def _rstrip_newlines(data: Data, end: int) -> int:
    """``len(data[:end].rstrip(b"\\r\\n"))`` without copying a big file."""
    while end > 0 and data[end - 1] in b"\r\n":
        end -= 1
    return end


def _parse(data: Data, select: Select, delimiter: str, enc: str) -> Export:
    start = len(BOM) if data[: len(BOM)] == BOM else 0
    start, above = _title_block(data, start, delimiter)
    end = _body_end(data, start, delimiter)
    header_end = data.find(b"\n", start, end)
    header_line = data[start : end if header_end < 0 else header_end + 1]
    try:
        raw_header = next(
            csv.reader(io.StringIO(header_line.decode("utf-8"), newline=""), delimiter=delimiter)
        )
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    except StopIteration:
        raw_header = []
    header = [h.strip() for h in raw_header]
    notes = _duplicate_headers(header, above + 1)
    chosen = select(header)
    wanted = list(chosen)
    dictionary = {h for h, encode in chosen.items() if encode}
    first_line = above + 2
    body_lines = _count(data, b"\n", start, end) + (0 if data[end - 1 : end] == b"\n" else 1)

    # Columns by position: a header named twice is read from its first column, as the exact
    # parser does (Arrow would pick one of its own).
    bad: list[str] = []
    names = [f"c{i}" for i in range(len(header))]
    types = {names[header.index(h)]: (DICT if h in dictionary else pa.string()) for h in wanted}
    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[start:end]),
            read_options=pcsv.ReadOptions(
                use_threads=True, block_size=1 << 22, column_names=names, skip_rows=1
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=False,
                invalid_row_handler=lambda row: bad.append(row.text) or "skip",
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=types,
                include_columns=list(types),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as e:
        if "UTF8" in str(e) or "utf8" in str(e).lower():
            raise _NotUtf8 from None
        table = None  # anything else the fast reader trips on, the exact one reports by line
    if table is not None and not bad and table.num_rows + 1 == body_lines:
        columns = {h: table.column(names[header.index(h)]) for h in wanted}
        lines = np.arange(first_line, first_line + table.num_rows, dtype=np.int64)
        export = Export(columns, lines, header, encoding=enc)
    else:
        export = _exact(data[start:end], header, wanted, dictionary, delimiter, above, enc)
    if _control_bytes(data, start, end):
        notes += _remove_control(export)
    export.notes += notes
    return export


# The bytes of the C0 controls a field should not hold (tab, LF and CR may be in one), DEL, and
# 0xC2: the lead byte of a C1 control in UTF-8 (only a hint: also that of £ or a no-break space).
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127, 0xC2])
_NONCHARACTER = re.compile(rb"\xef\xbf[\xbe\xbf]")  # U+FFFE or U+FFFF in UTF-8


def _control_bytes(data: Data, start: int, end: int) -> bool:
    """Whether the body may hold a control character: ``bytes.translate`` deletes those bytes in
    one C pass, far cheaper than a regular expression over every value; only then are the
    columns looked at. Slice by slice, so a big file is never copied whole (each slice reaches
    two bytes into the next, so a three-byte noncharacter across the cut is seen)."""
    step = 1 << 24
    for i in range(start, end, step):
        chunk = data[i : min(i + step + 2, end)]
        if len(chunk.translate(None, _CONTROL_BYTES)) != len(chunk):
            return True
        # memchr for the lead byte first: most exports never hold one, and it is ten times
        # cheaper than the search (0.08 against 1.4 CPU s over the 884 MB activities at 100k).
        if b"\xef" in chunk and _NONCHARACTER.search(chunk):
            return True
    return False


_LISTED = 11  # a header's first column and the next ten of its name, in a note


def _duplicate_headers(header: list[str], line: int) -> list[Note]:
    """A header named twice: the first column of that name is read, the others are not."""
    notes = []
    for name in dict.fromkeys(h for h in header if h):
        at = [i + 1 for i, h in enumerate(header) if h == name]
        if len(at) > 1:
            others = ", ".join(map(str, at[1:_LISTED]))
            if len(at) > _LISTED:  # a spreadsheet's filler columns: not thousands of numbers
                others += f" and {len(at) - _LISTED:,} more"
            notes.append(
                (line, shown(name), "", f"duplicate header: column {at[0]} is read, "
                 f"column(s) {others} of the same name are ignored")
            )  # fmt: skip
    return notes


def _remove_control(export: Export) -> list[Note]:
    """Remove control characters (NUL, escape, ...) from every value read, listing each."""
    notes: list[Note] = []
    for h, col in export.columns.items():
        if not _has_control(col):
            continue
        plain = col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
        dirty = pc.match_substring_regex(plain, _CONTROL).to_numpy(zero_copy_only=False)
        dirty = np.asarray(dirty, dtype=bool)
        shown_values = [shown(v) for v in plain.filter(pa.array(dirty)).to_pylist()]
        for line, value in zip(export.lines[dirty].tolist(), shown_values, strict=True):
            notes.append((line, shown(h), value, "control character(s) removed"))
        cleaned = pc.replace_substring_regex(plain, _CONTROL, "")
        export.columns[h] = (
            dictionary_encoded(cleaned) if pa.types.is_dictionary(col.type) else cleaned
        )
    return notes


def dictionary_encoded(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """``col`` dictionary-encoded chunk by chunk, each chunk over its own values, as the CSV
    reader encodes. (``ChunkedArray.dictionary_encode`` gives every chunk the whole dictionary
    seen so far: unifying 111 chunks of 1.1 million invoice numbers then took 7 s, against
    0.2 s for these.)"""
    return pa.chunked_array(
        [c.dictionary_encode() for c in col.chunks], pa.dictionary(pa.int32(), col.type)
    )


def _has_control(col: pa.ChunkedArray) -> bool:
    """Whether any value holds a control character; a dictionary column is looked at through its
    dictionaries (a few thousand names, not millions of rows)."""
    if pa.types.is_dictionary(col.type):
        parts = [c.dictionary for c in col.chunks]
    else:
        parts = list(col.chunks)
    return any(pc.any(pc.match_substring_regex(p, _CONTROL)).as_py() for p in parts if len(p))


def _exact(
    body: bytes,
    header: list[str],
    wanted: list[str],
    dictionary: set[str],
    delimiter: str,
    above: int,
    enc: str,
) -> Export:
    """Parse record by record, knowing each one's line; malformed rows are listed, not guessed."""
    allow_long_fields()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    idx = [header.index(h) for h in wanted]
    width = len(header)
    batches: list[list[pa.Array]] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    malformed: list[tuple[int, str, str]] = []
    ended = reader.line_num  # the header's last line
    try:
        for record in reader:
            line, ended = above + ended + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            if len(record) != width:
                reason = f"malformed row: {len(record)} fields where the header has {width}"
                malformed.append((line, shown(delimiter.join(record), 200), reason))
                continue
            rows.append([record[i] for i in idx])
            lines.append(line)
            if len(rows) == _BATCH:
                batches.append(_to_arrow(rows, len(wanted)))
                rows = []
    except csv.Error as e:
        line = above + reader.line_num + 1
        malformed.append((line, "", f"unreadable from here on ({e}); the rest of the file is lost"))
    batches.append(_to_arrow(rows, len(wanted)))
    columns = {}
    for j, h in enumerate(wanted):
        col = pa.chunked_array([b[j] for b in batches], pa.string())
        columns[h] = dictionary_encoded(col) if h in dictionary else col
    return Export(
        columns, np.array(lines, dtype=np.int64), header, malformed, enc, exact_parser=True
    )


def _to_arrow(rows: list[list[str]], n: int) -> list[pa.Array]:
    if not rows:
        return [pa.array([], pa.string()) for _ in range(n)]
    return [pa.array(list(col), pa.string()) for col in zip(*rows, strict=True)]
