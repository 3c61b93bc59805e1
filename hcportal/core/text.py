"""Text from outside (report files, headers, file names) made safe to show, and decoded line by line.

Whatever a message echoes from an input (a header, a value, a file name) goes through
:func:`shown`: a binary file's control characters must not reach a terminal or an alert, and a
megabyte-long "header" must not become a megabyte-long message.

:func:`decode_mixed` reads bytes in which one line may be in another encoding than the rest (a
UTF-8 export with one Windows-1252 line pasted in): each line is decoded in its own encoding and
the odd ones are listed, so nothing turns into mojibake silently.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field

# C0 controls but tab, line feed and carriage return (which CSV fields may hold), DEL, and the C1
# controls (what Windows-1252 bytes become when read as Latin-1). NUL included.
CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL = re.compile(CONTROL)
SHOWN = 120  # characters of input text a message quotes at most


def shown(text: object, limit: int = SHOWN) -> str:
    """``text`` as a message may quote it: every character that is not printable (controls, line
    ends, tabs, bidirectional overrides, ...) as a visible escape (``\\x00``, ``\\u202e``), cut to
    ``limit`` characters with an ellipsis."""
    text = str(text)
    out = "".join(ch if ch.isprintable() else _escape(ch) for ch in text[:limit])
    if len(out) > limit or len(text) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def _escape(ch: str) -> str:
    code = ord(ch)
    special = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    if ch in special:
        return special[ch]
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def has_control(text: str) -> bool:
    """True if ``text`` holds a control character a CSV field should not (see :data:`CONTROL`)."""
    return _CONTROL.search(text) is not None


def without_control(text: str) -> str:
    return _CONTROL.sub("", text)


# Python's csv module refuses a field over 131,072 characters (and the rest of the file with it).
# Real exports hold long notes; a field is read whatever its length.
FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def allow_long_fields() -> None:
    """Raise the csv module's field size limit (process-wide, and never lowered)."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


# -- mixed encodings ------------------------------------------------------------------------------

_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}


@dataclass
class Decoded:
    """Text decoded line by line: the file's encoding, and the lines that were in the other one."""

    text: str
    encoding: str  # "utf-8" or "cp1252": the encoding of most of its non-ASCII lines
    odd_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, its text)

    @property
    def odd_encoding(self) -> str:
        return "cp1252" if self.encoding == "utf-8" else "utf-8"


def decode_mixed(data: bytes, first_line: int = 1) -> Decoded:
    """Decode ``data`` (not valid UTF-8 as a whole) one line at a time.

    A line is UTF-8 if its bytes are valid UTF-8, else Windows-1252 (its five undefined bytes read
    as Latin-1). The file's encoding is the one most of its non-ASCII lines are in; the lines in
    the other are listed with their line numbers (counted from ``first_line``). Only non-ASCII
    lines are looked at one by one (found by a regular expression in C), so a big file that is
    Windows-1252 throughout costs one extra scan.
    """
    spans: list[tuple[int, int, bool]] = []  # (start, end, is UTF-8) of every non-ASCII line
    for m in _NON_ASCII_LINE.finditer(data):
        try:
            m.group().decode("utf-8")
            spans.append((m.start(), m.end(), True))
        except UnicodeDecodeError:
            spans.append((m.start(), m.end(), False))
    utf8 = sum(1 for *_, ok in spans if ok)
    encoding = "utf-8" if utf8 > len(spans) - utf8 else "cp1252"
    parts: list[str] = []
    odd: list[tuple[int, str]] = []
    at, line = 0, first_line
    for start, end, ok in spans:
        if ok == (encoding == "utf-8"):
            continue  # in the file's encoding: decoded with its neighbours
        parts.append(_decode(data[at:start], encoding))
        line += data.count(b"\n", at, start)
        text = _decode(data[start:end], "utf-8" if ok else "cp1252")
        parts.append(text)
        odd.append((line, text))
        at = end
    parts.append(_decode(data[at:], encoding))
    return Decoded("".join(parts), encoding, odd)


def _decode(data: bytes, encoding: str) -> str:
    if encoding == "utf-8":
        return data.decode("utf-8")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: undefined in Windows-1252
        return data.decode("latin-1")
