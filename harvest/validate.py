"""Checks a downloaded export before it is trusted, and stores it clean.

A nightly job that silently keeps a sign-in page, a truncated file or an error page saved as CSV is
worse than one that fails: every file passes through :func:`accept_export` first. It detects the
encoding (UTF-8 with or without BOM, UTF-16, else Windows-1252), strips the report footer, and
writes the table as UTF-8; or it raises :class:`Rejected`, whose ``kind`` tells the harvester what
a retry could achieve.

The file is streamed row by row, so a report of millions of rows never sits in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from hcportal.core.errors import HarvestError
from hcportal.core.text import Decoded, allow_long_fields, decode_mixed, shown
from hcportal.harvest.settings import DEFAULT_MAX_DROP, ReportSpec

# What a retry can achieve, per kind of rejection.
TRANSIENT = "transient"  # try again: the CRM had a bad moment (error page, broken-off file)
ROUTE = "route"  # this route cannot give a good file; the other one may (a viewer's row cap)
SESSION = "session"  # the CRM wants a sign-in: sign in again, then try again
FATAL = "fatal"  # the data itself is wrong (columns, row counts): retrying gives the same


class Rejected(HarvestError):
    """A download that must not be kept."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class ExportFacts:
    rows: int
    columns: list[str]
    encoding: str = "utf-8"
    footer_lines: int = 0
    # Lines in another encoding than the file's (decoded in their own, and listed by the
    # transform in data_quality.csv): a Windows-1252 line pasted into a UTF-8 export.
    other_encoding_lines: tuple[int, ...] = ()


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) or UTF-16 by BOM; else UTF-8 if every byte decodes; else Windows-1252."""
    with path.open("rb") as f:
        head = f.read(4)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        f.seek(0)
        try:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                chunk.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined: plain Latin-1
            return "latin-1"


def looks_like_html(head: str) -> str | None:
    """'a sign-in page' / 'an HTML page' when the text is a web page rather than a CSV."""
    lowered = head.lstrip().lower()
    # Only the very start tells: a CSV's cells may hold markup (names are hostile input), but a
    # CSV never begins with "<" where a page begins with <!doctype, <html or <?xml.
    if not lowered.startswith("<"):
        return None
    if 'type="password"' in lowered or "type=password" in lowered:
        return "a sign-in page"
    return "an HTML page"


def accept_export(
    src: Path,
    dest: Path,
    name: str,
    spec: ReportSpec,
    *,
    previous_rows: int | None = None,
    previous_run: str = "",
    expect_footer: bool = False,
) -> ExportFacts:
    """Validate ``src``; write its table, as UTF-8 without the footer, to ``dest`` atomically."""
    size = src.stat().st_size
    if size == 0:
        raise Rejected(f"report {name!r}: the download is empty (0 bytes)", TRANSIENT)
    encoding = sniff_encoding(src)
    with src.open(encoding=encoding, newline="") as f:
        what = looks_like_html(f.read(4096))
    if what:
        kind = SESSION if what == "a sign-in page" else TRANSIENT
        raise Rejected(f"report {name!r}: the download is {what}, not a CSV export", kind)
    mixed = _mixed(src) if encoding in ("cp1252", "latin-1") else None
    tmp = _temp_beside(dest)
    try:
        with (
            io.StringIO(mixed.text, newline="")
            if mixed
            else src.open(encoding=encoding, newline="") as f,
            tmp.open("w", encoding="utf-8", newline="") as out,
        ):
            facts = _copy_table(f, out, name, mixed.encoding if mixed else encoding)
        if mixed:
            lines = tuple(line for line, _ in mixed.odd_lines)
            facts = replace(facts, other_encoding_lines=lines)
        _check_table(facts, name, spec, previous_rows, previous_run, expect_footer)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return facts


def _mixed(src: Path) -> Decoded | None:
    """The file decoded line by line when its lines are in two encodings (UTF-8 and
    Windows-1252), else None (one encoding throughout: streamed as usual)."""
    utf8 = other = 0
    with src.open("rb") as f:
        for line in f:
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other += 1
            if utf8 and other:
                return decode_mixed(src.read_bytes())
    return None


def _temp_beside(dest: Path) -> Path:
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


class _Lines:
    """Feeds lines to the csv reader and remembers those of the record being read."""

    def __init__(self, f) -> None:
        self._it = iter(f)
        self.pending: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.pending.append(line)
        return line

    def count_rest(self) -> int:
        """Read past what is left (the footer), counting its non-blank lines."""
        return sum(1 for line in self._it if line.strip())

    def take(self) -> str:
        text = "".join(self.pending)
        self.pending.clear()
        return text


def _copy_table(f, out, name: str, encoding: str) -> ExportFacts:
    """Copy header and data rows to ``out``, byte-faithful, stopping at the report footer.

    The footer is what follows the first blank line, or a run of one-field rows at the very end
    when the export puts no blank line before it.
    """
    allow_long_fields()  # a long note is a field like any other
    lines = _Lines(f)
    # strict: a quote left open at the end of the file is an error (a truncated download),
    # not a field that silently swallows the rest.
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise Rejected(f"report {name!r}: the download is empty", TRANSIENT) from None
    except csv.Error as e:
        raise Rejected(
            f"report {name!r}: the download is not a CSV file ({e})", TRANSIENT
        ) from None
    columns = [c.strip() for c in header]
    out.write(lines.take())
    rows, footer_lines, held, last_width = 0, 0, [], len(columns)
    try:
        for row in reader:
            if not row or not any(cell.strip() for cell in row):  # the blank line before a footer
                lines.take()
                footer_lines = lines.count_rest()
                break
            if len(row) == 1 and len(columns) > 1:
                held.append(lines.take())  # a footer line, unless real rows follow
                continue
            for text in held:
                out.write(text)
                rows += 1
            held.clear()
            out.write(lines.take())
            rows += 1
            last_width = len(row)
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise Rejected(
                f"report {name!r}: the download is truncated (it ends inside a quoted field "
                f"after {rows:,} rows)",
                TRANSIENT,
            ) from None
        raise Rejected(
            f"report {name!r}: the CSV is malformed after row {rows:,}: {e}", TRANSIENT
        ) from None
    footer_lines += len(held)
    if footer_lines == 0 and rows and last_width < len(columns):
        raise Rejected(
            f"report {name!r}: the download is truncated (its last row has {last_width} of "
            f"{len(columns)} fields)",
            TRANSIENT,
        )
    return ExportFacts(rows=rows, columns=columns, encoding=encoding, footer_lines=footer_lines)


def _check_table(
    facts: ExportFacts,
    name: str,
    spec: ReportSpec,
    previous_rows: int | None,
    previous_run: str,
    expect_footer: bool,
) -> None:
    if expect_footer and facts.footer_lines == 0:
        raise Rejected(
            f"report {name!r}: the download is truncated (the report footer is missing after "
            f"{facts.rows:,} rows)",
            TRANSIENT,
        )
    missing = [c for c in spec.required_columns if c not in facts.columns]
    if missing:
        raise Rejected(
            f"report {name!r}: the export lacks required column(s) {', '.join(missing)} "
            f"(it has: {shown(', '.join(facts.columns), 300) or 'none'})",
            FATAL,
        )
    rows = facts.rows
    if rows == 0:
        if not spec.allow_empty:
            raise Rejected(
                f"report {name!r}: the export has no data rows (set allow_empty = true for this "
                "report if that can be right)",
                FATAL,
            )
        return
    if rows < spec.min_rows:
        raise Rejected(
            f"report {name!r}: the export has {rows:,} data rows, fewer than min_rows="
            f"{spec.min_rows:,}",
            FATAL,
        )
    if spec.max_rows is not None and rows > spec.max_rows:
        raise Rejected(
            f"report {name!r}: the export has {rows:,} data rows, more than max_rows="
            f"{spec.max_rows:,}",
            FATAL,
        )
    if rows in spec.suspicious_rows:
        raise Rejected(
            f"report {name!r}: the export has exactly {rows:,} rows, a CRM's display cap rather "
            "than the whole report (export Details Only, or the export URL; set "
            "suspicious_rows = [] if the count is real)",
            ROUTE,
        )
    max_drop = DEFAULT_MAX_DROP if spec.max_drop is None else spec.max_drop
    if previous_rows and max_drop < 1 and rows < previous_rows * (1 - max_drop):
        raise Rejected(
            f"report {name!r}: the export has {rows:,} rows, down from {previous_rows:,} in the "
            f"last good run {previous_run} (a fall of more than {max_drop:.0%}); if that is "
            "right, raise max_drop for this report",
            FATAL,
        )
