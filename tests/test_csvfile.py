"""The CSV reader: the fast parser only when provably line-for-line, else the exact one."""

from __future__ import annotations

import pyarrow as pa
import pytest

from hcportal.transform.csvfile import dictionary_encoded, read_export
from hcportal.transform.load import factorize


def read(tmp_path, data: bytes, name: str = "x.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_export(path, lambda header: dict.fromkeys(header, False))


@pytest.mark.parametrize(
    ("data", "lines", "exact", "column_a"),
    [
        (b"a,b\n1,2\n3,4\n", [2, 3], False, ["1", "3"]),
        (b"a,b\r\n1,2\r\n3,4", [2, 3], False, ["1", "3"]),  # no line end after the last record
        (b"a,b\n1,2\n3,4\n\n\n", [2, 3], False, ["1", "3"]),  # trailing blank lines
        (b'"T"\n\n\n \na,b\n1,2\n3,4\n', [6, 7], False, ["1", "3"]),  # a title block, blank lines
        (b'a,b\n1,2\n\n"Footer, with a comma"\n"x"\n', [2], False, ["1"]),  # a footer is one value
        (b"a,b\r1,2\r3,4\r", [2, 3], True, ["1", "3"]),  # old Mac line ends: the exact parser
        (b'a,b\n"1\n1",2\n3,4\n', [2, 4], True, ["1\n1", "3"]),  # a field spanning lines
        (b"a,b\n1,2\n\n3,4\n", [2, 4], True, ["1", "3"]),  # a blank line between records
    ],
)
def test_line_numbers(tmp_path, data, lines, exact, column_a):
    export = read(tmp_path, data)
    assert export.lines.tolist() == lines
    assert export.exact_parser is exact
    # Every record's own value, in order: the footer is not a row, the spanning field is whole.
    assert export.columns["a"].to_pylist() == column_a


def test_a_footer_line_with_a_separator_is_data_not_footer(tmp_path):
    export = read(tmp_path, b"a,b\n1,2\n\n3,4\n")
    assert export.columns["b"].to_pylist() == ["2", "4"]


def test_malformed_rows_are_listed_with_their_lines_not_guessed(tmp_path):
    export = read(tmp_path, b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
    assert export.lines.tolist() == [2, 5]
    assert [(line, text) for line, text, _ in export.malformed] == [(3, "4,5"), (4, "6,7,8,9")]


def test_windows_1252_is_read_when_the_bytes_are_not_utf8(tmp_path):
    export = read(tmp_path, "a,b\nCafé,Müller\n".encode("cp1252"))
    assert export.encoding == "cp1252"
    assert export.columns["a"].to_pylist() == ["Café"]


def test_utf16_with_its_bom_is_read(tmp_path):
    export = read(tmp_path, "a,b\r\nCafé,Müller\r\n\r\nfooter\r\n".encode("utf-16"))
    assert export.encoding == "utf-16"
    assert export.columns["b"].to_pylist() == ["Müller"] and export.lines.tolist() == [2]


def test_dictionary_columns_come_back_dictionary_encoded(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"a,b\nx,1\ny,2\nx,3\n")
    export = read_export(path, lambda header: {"a": True, "b": False})
    assert str(export.columns["a"].type).startswith("dictionary")
    assert export.columns["a"].to_pylist() == ["x", "y", "x"]


def test_each_chunk_is_encoded_over_its_own_values():
    # pyarrow's chunked encode gives every chunk the whole dictionary seen so far, which made
    # unifying a million distinct values in a hundred chunks quadratic; the values are unchanged
    col = pa.chunked_array([["a", "b"], [], ["c", "a"]])
    encoded = dictionary_encoded(col)
    assert [c.dictionary.to_pylist() for c in encoded.chunks] == [["a", "b"], [], ["c", "a"]]
    assert encoded.to_pylist() == col.to_pylist()
    codes, uniques = factorize(col)
    assert codes.tolist() == [0, 1, 2, 0] and uniques.to_pylist() == ["a", "b", "c"]
    codes, uniques = factorize(pa.chunked_array([["b", None], [None, "a"]]))
    assert codes.tolist() == [0, -1, -1, 1] and uniques.to_pylist() == ["b", "a"]  # as pandas
    empty = dictionary_encoded(pa.chunked_array([], pa.string()))
    assert empty.num_chunks == 0 and pa.types.is_dictionary(empty.type)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x85", "\ufffe", "\uffff"])
def test_characters_no_xml_document_may_hold_are_removed_and_listed(tmp_path, char):
    """U+FFFE and U+FFFF are not characters (no text holds them) and, like the C0 controls, no
    XML document may hold them: left in a name, they made every pack deck (and a workbook) fail."""
    export = read(tmp_path, f"a,b\nNon{char}Char Co,x\nPlain,y\n".encode())
    assert export.columns["a"].to_pylist() == ["NonChar Co", "Plain"]
    assert [(line, column, reason) for line, column, _, reason in export.notes] == [
        (2, "a", "control character(s) removed")
    ]


def test_a_header_repeated_thousands_of_times_is_one_short_note(tmp_path):
    """A report with 5,000 columns of one name (a spreadsheet's filler) listed every position in
    one note: a 25,000-character line on standard error and in data_quality.csv."""
    data = ("a,b," + ",".join(["x"] * 5000) + "\n1,2," + ",".join(["y"] * 5000) + "\n").encode()
    (note,) = read(tmp_path, data).notes
    assert note[3].startswith("duplicate header: column 3 is read, column(s) 4, 5, 6")
    assert note[3].endswith("and 4,989 more of the same name are ignored") and len(note[3]) < 200
