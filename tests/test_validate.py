"""Download validation on real files: what is rejected (and how a retry could help), what is kept."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcportal.harvest.settings import ReportSpec
from hcportal.harvest.validate import FATAL, ROUTE, SESSION, TRANSIENT, Rejected, accept_export

HEADER = '"Owner","Account","GEO","Region"\r\n'
FOOTER = '\r\n"Accounts by Owner"\r\n"Confidential Information - Do Not Distribute"\r\n'
SPEC = ReportSpec(report_id="x", required_columns=["Owner", "Account"])


def rows(n: int) -> str:
    return "".join(f'"Ana {i}","Acme {i}","AMS","East"\r\n' for i in range(n))


def accept(tmp_path, data: bytes | str, spec: ReportSpec = SPEC, **kw):
    src, dest = tmp_path / "download", tmp_path / "accounts.csv"
    src.write_bytes(data.encode() if isinstance(data, str) else data)
    return accept_export(src, dest, "accounts", spec, **kw), dest


def rejected(tmp_path, data, spec: ReportSpec = SPEC, **kw) -> Rejected:
    with pytest.raises(Rejected) as err:
        accept(tmp_path, data, spec, **kw)
    assert not (tmp_path / "accounts.csv").exists(), "a rejected file is never kept"
    assert str(err.value).startswith("report 'accounts': ")
    return err.value


def test_good_export_is_stored_byte_for_byte_without_its_footer(tmp_path):
    facts, dest = accept(tmp_path, HEADER + rows(3) + FOOTER, expect_footer=True)
    assert (facts.rows, facts.footer_lines, facts.encoding) == (3, 2, "utf-8")
    assert facts.columns == ["Owner", "Account", "GEO", "Region"]
    assert dest.read_bytes().decode() == HEADER + rows(3)
    assert not list(tmp_path.glob(".accounts.csv.*")), "no temporary file left behind"


def test_quoted_multi_line_fields_and_blank_looking_lines_inside_quotes_are_rows(tmp_path):
    body = HEADER + '"Ana","Acme\r\n\r\nOrg","AMS","East"\r\n' + rows(1)
    facts, dest = accept(tmp_path, body + FOOTER)
    assert facts.rows == 2 and facts.footer_lines == 2
    assert dest.read_bytes().decode() == body


@pytest.mark.parametrize(
    ("data", "cause", "kind"),
    [
        (b"", "empty (0 bytes)", TRANSIENT),
        ("<!DOCTYPE html><html><h1>Error</h1></html>", "an HTML page", TRANSIENT),
        (
            '<html><form><input name="pw" type="password"></form></html>',
            "a sign-in page",
            SESSION,
        ),
        (HEADER + rows(3) + '"Ana","Ac', "ends inside a quoted field after 3 rows", TRANSIENT),
        (HEADER + rows(3) + '"Ana","Acme",', "its last row has 3 of 4 fields", TRANSIENT),
        (HEADER + rows(3), "report footer is missing after 3 rows", TRANSIENT),
        ('"Owner","Segment"\r\n"Ana","X"\r\n' + FOOTER, "lacks required column(s) Account", FATAL),
        (HEADER + FOOTER, "no data rows", FATAL),
        (HEADER + rows(2000) + FOOTER, "exactly 2,000 rows", ROUTE),
    ],
)
def test_bad_downloads_are_rejected_with_cause_and_kind(tmp_path, data, cause, kind):
    err = rejected(tmp_path, data, expect_footer=True)
    assert cause in str(err)
    assert err.kind == kind


def test_row_bounds(tmp_path):
    body = HEADER + rows(5) + FOOTER
    assert "fewer than min_rows=10" in str(
        rejected(tmp_path, body, SPEC.model_copy(update={"min_rows": 10}))
    )
    assert "more than max_rows=4" in str(
        rejected(tmp_path, body, SPEC.model_copy(update={"max_rows": 4}))
    )
    facts, _ = accept(tmp_path, HEADER + FOOTER, SPEC.model_copy(update={"allow_empty": True}))
    assert facts.rows == 0
    facts, _ = accept(
        tmp_path, HEADER + rows(2000) + FOOTER, SPEC.model_copy(update={"suspicious_rows": []})
    )
    assert facts.rows == 2000


def test_a_big_drop_since_the_last_good_run_is_rejected(tmp_path):
    err = rejected(tmp_path, HEADER + rows(15) + FOOTER, previous_rows=100, previous_run="R1")
    assert "15 rows, down from 100 in the last good run R1 (a fall of more than 80%)" in str(err)
    assert err.kind == FATAL
    strict = SPEC.model_copy(update={"max_drop": 0.5})
    err = rejected(tmp_path, HEADER + rows(40) + FOOTER, strict, previous_rows=100)
    assert "more than 50%" in str(err)
    facts, _ = accept(tmp_path, HEADER + rows(25) + FOOTER, previous_rows=100)
    assert facts.rows == 25  # the default leaves smaller drops to the publish gate
    lenient = SPEC.model_copy(update={"max_drop": 1.0})
    assert accept(tmp_path, HEADER + rows(1) + FOOTER, lenient, previous_rows=100)[0].rows == 1


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("cp1252"), "cp1252"),
        (lambda t: t.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_are_detected_and_stored_as_utf8(tmp_path, encode, encoding):
    text = HEADER + '"Zoë Müller","Société Générale €","EMEA","DACH"\r\n' + FOOTER
    facts, dest = accept(tmp_path, encode(text))
    assert facts.encoding == encoding
    assert (
        dest.read_bytes()
        == (HEADER + '"Zoë Müller","Société Générale €","EMEA","DACH"\r\n').encode()
    )


def test_bytes_undefined_in_windows_1252_fall_back_to_latin1(tmp_path):
    facts, dest = accept(tmp_path, HEADER.encode() + b'"A\x81","B","C","D"\r\n' + FOOTER.encode())
    assert facts.encoding == "latin-1"
    assert rows_in(dest)[1][0] == "A\x81"


def rows_in(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode(), newline="")))


cell = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=20),
    crlf=st.booleans(),
)
def test_any_table_round_trips_through_validation(tmp_path, table, crlf):
    """Whatever the cells hold (quotes, commas, newlines, accents), the stored file holds exactly
    the exported rows, and the footer is gone."""
    table = [r for r in table if any(c.strip() for c in r)] or [["a", "b", "c"]]
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(["Owner", "Account", "Region"])
    writer.writerows(table)
    buf.write("\r\n" if crlf else "\n")
    writer.writerow(["Accounts by Owner"])
    spec = ReportSpec(report_id="x", required_columns=["Owner"], suspicious_rows=[])
    facts, dest = accept(tmp_path, buf.getvalue().encode(), spec, expect_footer=True)
    assert facts.rows == len(table)
    assert rows_in(dest) == [["Owner", "Account", "Region"], *table]


def test_markup_inside_cells_is_data_not_an_html_page(tmp_path):
    body = HEADER + '"<script>alert(1)</script>","<html>Acme</html>","AMS","East"\r\n'
    facts, dest = accept(tmp_path, body + FOOTER)
    assert facts.rows == 1 and dest.read_bytes().decode() == body


# -- per-route expectations (the profile's [expect.<route>]) ----------------------------------------


def test_a_route_s_row_cap_is_never_trusted_while_other_counts_pass(tmp_path):
    err = rejected(tmp_path, HEADER + rows(3), row_caps=[3])
    assert err.kind == ROUTE and "the cap of this route" in str(err)
    facts, _ = accept(tmp_path, HEADER + rows(4), row_caps=[3])  # a count that is no cap
    assert facts.rows == 4


def test_a_declared_encoding_is_used_and_a_file_that_does_not_decode_is_refused(tmp_path):
    text = HEADER + '"Zoë","Société Générale","EMEA","France"\r\n'
    a, b, c = (tmp_path / n for n in "abc")
    for folder in (a, b, c):
        folder.mkdir()
    facts, dest = accept(a, text.encode("cp1252"), encoding="cp1252")
    assert facts.encoding == "cp1252" and "Société Générale" in dest.read_text("utf-8")
    err = rejected(b, text.encode("cp1252"), encoding="utf-8")
    assert err.kind == ROUTE and "not utf-8 as the profile expects" in str(err)
    facts, _ = accept(c, b"\xef\xbb\xbf" + text.encode(), encoding="utf-8")
    assert facts.encoding == "utf-8-sig"  # a BOM is allowed whatever was declared
