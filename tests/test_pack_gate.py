"""The publish gate and the health-check packs (issue 18): a real deck and a real PDF pass; each
hostile variant, built here for real from a real deck (macros, links out, embedded objects, a zip
bomb, names that leave the package, a trace hidden in the zip) or written as a real PDF (scripts,
launch actions, embedded files, names in #xx escapes, objects in a compressed stream), is refused
by the site check with its own reason. And account names, however hostile, give safe, unique
file names."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import warnings
import zipfile
import zlib

import pytest

from hcportal.publish.contents import file_problem
from hcportal.publish.documents import pdf_problem, pptx_problem
from hcportal.publish.sitecheck import check_site
from hcportal.render import deck, packs
from hcportal.render.pack import Chart, Pack, Slide
from tests.publishing import make_site

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def good_deck(tmp_path_factory) -> bytes:
    """A pack as the nightly step writes it: slides, a native chart (its workbook embedded)."""
    slides = [
        Slide("Support trend", "tickets", "today", ["2 cases"],
              Chart("column", "Cases", ["2026-10", "2026-11"], [("Cases", [1.0, 2.0])])),
        Slide("Usage", "usage", "today", slot="No usage data: note adoption."),
    ]  # fmt: skip
    p = Pack("Acme", "acme", "Ana", "East", "2026-11-23", slides)
    path = deck.write_pptx(p, tmp_path_factory.mktemp("deck") / "acme.pptx")
    return path.read_bytes()


def rezip(data: bytes, add: dict[str, bytes] | None = None, edit=None, drop=(), raw=b"") -> bytes:
    """A copy of the deck with parts added, edited (name -> function of the bytes) or dropped;
    ``raw`` bytes written after the last part, where the zip's directory lists nothing."""
    out = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(data))
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # a name written twice is one of the hostile cases
        for info in src.infolist():
            if info.filename in drop:
                continue
            body = src.read(info)
            if edit and info.filename in edit:
                body = edit[info.filename](body)
            z.writestr(info.filename, body)
        for name, body in (add or {}).items():
            z.writestr(zipfile.ZipInfo(name), body, zipfile.ZIP_DEFLATED)
        if raw:
            z.fp.write(raw)
            z.start_dir = z.fp.tell()  # the directory goes after them, as if they were a part
    return out.getvalue()


def with_method(data: bytes, name: str, body: bytes, method: int) -> bytes:
    """The deck with one more part compressed by ``method`` (bzip2, LZMA: no Office writes them),
    its packed data then overwritten past the first bytes, so decoding it fails."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr(zipfile.ZipInfo(name), body, method)
        info = z.getinfo(name)
    packed = bytearray(out.getvalue())
    start = info.header_offset + 30 + len(name.encode()) + len(info.extra) + 8
    packed[start : start + 16] = b"\xa5" * 16
    return bytes(packed)


def add_override(part: str, content_type: str):
    tag = f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    return lambda b: b.replace(b"</Types>", tag.encode())


def add_rel(target: str, kind: str = "image", external: bool = True):
    mode = ' TargetMode="External"' if external else ""
    tag = f'<Relationship Id="rId99" Type="{RELS}/{kind}" Target="{target}"{mode}/></Relationships>'
    return lambda b: b.replace(b"</Relationships>", tag.encode())


PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def add_raw_rel(tag: str):
    """A relationship written by hand, as another tool (or an attacker) may write XML."""
    return lambda b: b.replace(b"</Relationships>", tag.encode() + b"</Relationships>")


def prefixed(b: bytes) -> bytes:
    """The same relationships, their namespace bound to the prefix ``r:``, one link out added."""
    b = b.replace(f'xmlns="{PKG_RELS}"'.encode(), f'xmlns:r="{PKG_RELS}"'.encode())
    b = b.replace(b"<Relationship ", b"<r:Relationship ").replace(
        b"<Relationships", b"<r:Relationships"
    )
    link = f'<r:Relationship Id="rId99" Type="{RELS}/image" Target="http://evil.example/p.png" TargetMode="External"/>'
    return b.replace(b"</Relationships>", link.encode() + b"</r:Relationships>")


def utf16(b: bytes, extra: bytes = b"") -> bytes:
    """The same part in UTF-16 (with its byte-order mark and a declaration saying so)."""
    text = re.sub(r"encoding=[\"'][^\"']*[\"']", 'encoding="UTF-16"', b.decode("utf-8"), count=1)
    text = text.replace("?>", "?>" + extra.decode(), 1)
    return text.encode("utf-16")


def test_a_real_pack_and_its_pdf_pass(good_deck, tmp_path):
    assert pptx_problem(good_deck) is None
    names = zipfile.ZipFile(io.BytesIO(good_deck)).namelist()
    assert any(n.startswith("ppt/embeddings/") and n.endswith(".xlsx") for n in names)
    site = make_site(tmp_path / "site", "v1", pages=1)
    (site / "packs").mkdir()
    (site / "packs" / "acme.pptx").write_bytes(good_deck)
    assert check_site(site) == []


def test_a_pack_made_from_a_user_template_passes(good_deck, tmp_path):
    prs = deck.open_template(None)
    prs.slide_layouts[0].name = "Title Slide"
    template = tmp_path / "company.pptx"
    prs.save(str(template))
    p = Pack("A", "a", "o", "r", "2026-11-23", [Slide("x", "s", "f", ["line"])])
    assert pptx_problem(deck.write_pptx(p, tmp_path / "a.pptx", template).read_bytes()) is None


SLIDE = "ppt/slides/slide2.xml"
SLIDE_RELS = "ppt/slides/_rels/slide2.xml.rels"
TYPES = "[Content_Types].xml"
MACRO_MAIN = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def hostile_deck(good: bytes, case: str) -> tuple[bytes, str]:
    """The hostile deck ``case``, and what the refusal must say (only that one is built)."""
    trace = rezip(good, drop=set(zipfile.ZipFile(io.BytesIO(good)).namelist()),
                  add={"trace.trace": b'{"type":"context-options"}'})  # fmt: skip
    xlsx_name = next(n for n in zipfile.ZipFile(io.BytesIO(good)).namelist() if n.endswith(".xlsx"))
    vba_type = "application/vnd.ms-office.vbaProject"
    cases = {
        "macros": lambda: (
            rezip(
                good,
                add={"ppt/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"},
                edit={TYPES: add_override("ppt/vbaProject.bin", vba_type)},
            ),
            "vbaProject.bin",
        ),
        "a macro-enabled main part (.pptm)": lambda: (
            rezip(good, edit={TYPES: lambda b: b.replace(PPTX_MAIN.encode(), MACRO_MAIN.encode())}),
            "macroEnabled",
        ),
        "a picture fetched over http": lambda: (
            rezip(good, edit={SLIDE_RELS: add_rel("http://evil.example/pixel.png")}),
            "links outside the file ('http://evil.example/pixel.png', TargetMode External)",
        ),
        "a file:// share link": lambda: (
            rezip(good, edit={SLIDE_RELS: add_rel("file://///evil/share/x.png")}),
            "links outside the file",
        ),
        "an external link without TargetMode": lambda: (
            rezip(good, edit={SLIDE_RELS: add_rel("https://evil.example/t.potx", external=False)}),
            "links outside the file",
        ),
        "an embedded OLE object": lambda: (
            rezip(
                good,
                add={"ppt/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0ole"},
                edit={SLIDE_RELS: add_rel("../embeddings/oleObject1.bin", "oleObject", False)},
            ),
            "oleObject1.bin",
        ),
        "an OLE relationship": lambda: (
            rezip(good, edit={SLIDE_RELS: add_rel("../charts/chart1.xml", "oleObject", False)}),
            "oleObject",
        ),
        "an ActiveX control": lambda: (
            rezip(good, add={"ppt/activeX/activeX1.xml": b"<ax/>"}),
            "an ActiveX control",
        ),
        "macros in the chart's workbook": lambda: (
            rezip(good, edit={xlsx_name: lambda b: rezip(b, add={"xl/vbaProject.bin": b"x"})}),
            "its chart data",
        ),
        "an external link in the chart's workbook": lambda: (
            rezip(
                good,
                edit={
                    xlsx_name: lambda b: rezip(
                        b,
                        edit={
                            "xl/_rels/workbook.xml.rels": add_rel(
                                "http://evil.example/book.xlsx", "externalLink"
                            )
                        },
                    )
                },
            ),
            "links outside the file",
        ),
        "a zip saved as a picture": lambda: (
            rezip(good, add={"ppt/media/image9.png": trace}),
            "is not the PNG picture its name says",
        ),
        "a program saved as printer settings": lambda: (
            rezip(good, add={"ppt/printerSettings/printerSettings2.bin": b"MZ\x90\x00program"}),
            "an archive, a database or a program",
        ),
        "a picture with a script": lambda: (
            rezip(good, add={"ppt/media/image9.svg": b'<svg onload="alert(1)"/>'}),
            "not a plain SVG",
        ),
        "a zip bomb": lambda: (
            rezip(good, add={"ppt/slides/slide9.xml": b" " * (40 << 20)}),
            "zip bomb",
        ),
        "a name that climbs out": lambda: (
            rezip(good, add={"ppt/../../../etc/cron.d/x": b"x"}),
            "points outside the package",
        ),
        "an absolute name": lambda: (rezip(good, add={"/etc/passwd": b"x"}), "points outside"),
        "a relationship that climbs out": lambda: (
            rezip(good, edit={SLIDE_RELS: add_rel("../../../../secret.xml", external=False)}),
            "points outside the package",
        ),
        "a part written twice": lambda: (rezip(good, add={SLIDE: b"<p/>"}), "two entries"),
        "an XML entity bomb": lambda: (
            rezip(
                good,
                edit={SLIDE: lambda b: b.replace(b"?>", b'?><!DOCTYPE p [<!ENTITY a "aa">]>', 1)},
            ),
            "declares a DTD",
        ),
        "a trace hidden after the parts": lambda: (rezip(good, raw=trace), "belong to no part"),
        "a trace named .pptx": lambda: (trace, "zip archive, not a PowerPoint deck"),
        "a link out in single quotes": lambda: (
            rezip(
                good,
                edit={
                    SLIDE_RELS: add_raw_rel(
                        f"<Relationship Id='rId99' Type='{RELS}/image' Target='http://evil.example/p.png' TargetMode='External'/>"
                    )
                },
            ),
            "links outside the file ('http://evil.example/p.png', TargetMode External)",
        ),
        "a link out in character references": lambda: (
            rezip(
                good,
                edit={
                    SLIDE_RELS: add_raw_rel(
                        f'<Relationship Id="rId99" Type="{RELS}/image" Target="http&#58;//evil.example/p.png"/>'
                    )
                },
            ),
            "links outside the file ('http://evil.example/p.png')",
        ),
        "TargetMode in a character reference": lambda: (
            rezip(
                good,
                edit={
                    SLIDE_RELS: add_raw_rel(
                        f'<Relationship Id="rId99" Type="{RELS}/image" Target="p.png" TargetMode="Ext&#101;rnal"/>'
                    )
                },
            ),
            "TargetMode External",
        ),
        "relationships under a namespace prefix": lambda: (
            rezip(good, edit={SLIDE_RELS: prefixed}),
            "links outside the file ('http://evil.example/p.png', TargetMode External)",
        ),
        "a UTF-16 relationship part": lambda: (
            rezip(
                good, edit={SLIDE_RELS: lambda b: utf16(add_rel("http://evil.example/p.png")(b))}
            ),
            "is not UTF-8 XML",
        ),
        "a DTD in a UTF-16 slide": lambda: (
            rezip(good, edit={SLIDE: lambda b: utf16(b, b'<!DOCTYPE p [<!ENTITY a "aa">]>')}),
            "is not UTF-8 XML",
        ),
        "another declared encoding": lambda: (
            rezip(
                good,
                edit={
                    SLIDE: lambda b: re.sub(
                        rb"encoding=[\"'][^\"']*[\"']", b'encoding="ISO-8859-1"', b, count=1
                    )
                },
            ),
            "it declares 'ISO-8859-1'",
        ),
        "a corrupt bzip2 part": lambda: (
            with_method(good, "ppt/slides/slide9.xml", b"<p/>" * 500, zipfile.ZIP_BZIP2),
            "compressed with method 12",
        ),
        "a corrupt LZMA part": lambda: (
            with_method(good, "ppt/slides/slide9.xml", b"<p/>" * 500, zipfile.ZIP_LZMA),
            "compressed with method 14",
        ),
        "25 KB after the zip's end record": lambda: (
            good + bytes(range(256)) * 100,
            "end record does not end the file",
        ),
        "a directory offset past the file": lambda: (
            good[:-6] + struct.pack("<I", 0xFFFFFFF0) + good[-2:],
            "end record says its directory",
        ),
        "a truncated deck": lambda: (good[: len(good) // 2], "not a whole PowerPoint deck"),
    }
    return cases[case]()


@pytest.mark.parametrize(
    "case",
    [
        "macros", "a macro-enabled main part (.pptm)", "a picture fetched over http",
        "a file:// share link", "an external link without TargetMode", "an embedded OLE object",
        "an OLE relationship", "an ActiveX control", "macros in the chart's workbook",
        "an external link in the chart's workbook", "a zip saved as a picture",
        "a program saved as printer settings", "a picture with a script", "a zip bomb", "a name that climbs out",
        "an absolute name", "a relationship that climbs out", "a part written twice",
        "an XML entity bomb", "a trace hidden after the parts", "a trace named .pptx",
        "a truncated deck", "a link out in single quotes", "a link out in character references",
        "TargetMode in a character reference", "relationships under a namespace prefix",
        "a UTF-16 relationship part", "a DTD in a UTF-16 slide", "another declared encoding",
        "a corrupt bzip2 part", "a corrupt LZMA part",
        "25 KB after the zip's end record", "a directory offset past the file",
    ],
)  # fmt: skip
def test_a_hostile_deck_is_refused(good_deck, tmp_path, case):
    data, reason = hostile_deck(good_deck, case)
    site = make_site(tmp_path / "site", "v1", pages=1)
    (site / "packs").mkdir()
    (site / "packs" / "acme.pptx").write_bytes(data)
    problems = [str(p) for p in check_site(site)]
    assert len(problems) == 1 and problems[0].startswith("packs/acme.pptx"), problems
    assert reason in problems[0]
    assert "\n" not in problems[0]  # one line


# -- PDFs ---------------------------------------------------------------------------------------


def pdf(*objects: bytes) -> bytes:
    """A well-formed PDF of these objects (1 is the catalogue), its cross-reference table true."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PAGES = (b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")  # fmt: skip


def stream(body: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(body)
    return (
        b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra)
        + packed
        + b"\nendstream"
    )


HOSTILE_PDFS = {
    "JavaScript on opening": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", *PAGES),
        "/OpenAction",
    ),
    "a launch action": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES[0],
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O << /S /Launch /F (cmd.exe) >> >> >>"),
        "/AA",
    ),
    "an embedded file": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>", *PAGES,
            b"<< /Names [(x.exe) 5 0 R] >>", b"<< /Type /Filespec /F (x.exe) >>"),
        "/EmbeddedFiles",
    ),
    "names in #xx escapes": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 4 0 R >> >>", *PAGES,
            b"<< /Names [(a) << /S /J#61vaScript /J#53 (app.alert(1)) >>] >>"),
        "/JavaScript",
    ),
    "JavaScript in a compressed object stream": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            stream(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>", b"/Type /ObjStm /N 1 /First 4 ")),
        "/JavaScript",
    ),
    "an object planted inside an image's data": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            b"<< /Length 60 >>\nstream\n\xff\xd8( 9 0 obj << /S /Launch /F (cmd.exe) >> endobj\nendstream"),
        "/Launch",
    ),
    "an object stream packed out of sight": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode /Length 8 >>\nstream\n2f4a53>\nendstream"),
        "cannot read through (an object stream packed with /ASCIIHexDecode)",
    ),
    "a name ended by NUL": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction\x00<<\x00/S\x00/JavaScript\x00/JS\x00(app.alert(1))\x00>>\x00>>", *PAGES),
        "/OpenAction",
    ),
    "a name ended by a form feed": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction\f<< /S /Launch /F (cmd.exe) >> >>", *PAGES),
        "/OpenAction",
    ),
    "an object stream behind a name holding obj": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            stream(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>", b"/Type /ObjStm /N 1 /First 4 /Xobj 1 ")),
        "/JavaScript",
    ),
    "an object stream behind a header in a string": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            stream(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>", b"/Type /ObjStm /N 1 /First 4 /T (9 0 obj) ")),
        "/JavaScript",
    ),
    "an object stream whose type is a reference": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            stream(b"6 0 << /S /JavaScript /JS (app.alert(1)) >>", b"/Type 6 0 R /N 1 /First 4 "),
            b"/ObjStm"),
        "/JavaScript",
    ),
    "an object stream with a predictor": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            stream(b"\x00/J\x00S\x00", b"/Type /ObjStm /N 1 /First 4 /DecodeParms << /Predictor 12 /Columns 2 >> ")),
        "cannot read through (an object stream with /DecodeParms",
    ),
    "an object stream cut short": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 20 >>\nstream\n"
            + zlib.compress(b"5 0 << /S /JavaScript >>" * 20)[:12] + b"\nendstream"),
        "does not inflate whole",
    ),
    "an object written with NULs planted in an image's data": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            b"<< /Length 50 >>\nstream\n\xff\xd8 9\x000\x00obj << /S /Launch /F (cmd.exe) >> endobj\nendstream"),
        "/Launch",
    ),
    "a header with a comment planted in an image's data": (
        pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
            b"<< /Length 50 >>\nstream\n\xff\xd8 9 0%c\nobj << /S /Launch /F (cmd.exe) >> endobj\nendstream"),
        "/Launch",
    ),
    "not a PDF at all": (b"<html><script>alert(1)</script></html>", "is not a PDF"),
    "a zip named .pdf": (b"PK\x03\x04" + b"\x00" * 40, "is not a PDF"),
    "a truncated PDF": (pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES)[:-30], "not a whole PDF"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(HOSTILE_PDFS))
def test_a_hostile_pdf_is_refused(tmp_path, case):
    data, reason = HOSTILE_PDFS[case]
    if data.startswith(b"%PDF") and shutil.which("pdfinfo") and "truncated" not in case:
        # The file is a PDF a reader opens: the refusal is the gate's, not a parse failure.
        (tmp_path / "probe.pdf").write_bytes(data)
        assert (
            subprocess.run(["pdfinfo", str(tmp_path / "probe.pdf")], capture_output=True).returncode
            == 0
        )
    site = make_site(tmp_path / "site", "v1", pages=1)
    (site / "packs").mkdir()
    (site / "packs" / "acme.pdf").write_bytes(data)
    problems = [str(p) for p in check_site(site)]
    assert len(problems) == 1 and problems[0].startswith("packs/acme.pdf"), problems
    assert reason in problems[0]


def test_a_few_megabytes_of_hostile_pdf_syntax_are_refused_in_one_pass():
    """Files built to make a scan quadratic (a stream keyword repeated, a string or comment that
    never closes, digits and comments that start object headers everywhere) are refused; each is
    a few MB, so a quadratic gate would not finish this test."""
    cases = {
        b"stream\n" * 500_000: "never ends",
        b"stream\nendstream\n" * 300_000: "more than",
        b"(" * 3_000_000: "never closes",
        b")" * 3_000_000: "never opened",
        b"1 %" * 1_000_000 + b"\n/OpenAction": "/OpenAction",
        b"1 " * 1_000_000 + b"/OpenAction": "/OpenAction",
        b"1 0 obj << /Length 9 >> stream\n"
        + b"1 % obj " * 500_000
        + b"\n/Launch\nendstream\n": "/Launch",
    }
    for body, reason in cases.items():
        problem = pdf_problem(b"%PDF-1.7\n" + body + b"\n%%EOF\n")
        assert problem and reason in problem and "\n" not in problem, (body[:20], problem)
    assert "at most" in pdf_problem(b"%PDF-1.7\n" + b" " * (65 << 20) + b"\n%%EOF\n")


def test_a_plain_pdf_passes_and_a_page_stream_is_read_not_trusted(tmp_path):
    content = stream(b"BT /F1 12 Tf 10 10 Td (JavaScript /JS in a sentence) Tj ET")
    plain = pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES, content)
    assert pdf_problem(plain) is None  # the words in a string are text, not names
    (tmp_path / "ok.pdf").write_bytes(plain)
    assert file_problem(tmp_path, tmp_path / "ok.pdf") is None


# -- file names from hostile account names ------------------------------------------------------


def test_hostile_account_names_give_safe_unique_file_names():
    import pandas as pd

    from hcportal.transform.clean import account_key

    hostile = ["../../etc/passwd", "a/b\\c", "..", ".hidden", "CON", "NUL.txt", "x" * 5000,
               "<script>alert(1)</script>", "Ünïcödé GmbH", "Unicode GmbH", "😀 Corp", "\x00\x1f",
               " ", "--", "a:b|c?d*e"]  # fmt: skip
    # Names no ASCII letter survives in: only the hash tells them apart.
    hostile += [f"株式会社{chr(0x4E00 + i)}{chr(0x4E00 + i * 7 % 500)}" for i in range(3000)]
    keys = list(dict.fromkeys(account_key(pd.Series(hostile, dtype="str")).astype(str)))
    names = [packs.file_name(k) for k in keys]
    assert len(set(names)) == len(keys)  # one file per account, never one over another
    for n in names:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", n), n  # no separator, dot, or hidden file
    assert packs.file_name("ünïcödé") != packs.file_name("unicode")  # accents kept apart
    assert packs.file_name("acme") == packs.file_name("acme")  # stable: links keep working


def test_a_real_pdf_of_a_hostile_account_passes_and_says_its_name(tmp_path):
    """Chromium prints the title and the text as the account is called: words such as /JS or a
    stray bracket in a name are text in strings, never refused as syntax (nor hidden behind)."""
    from hcportal.render.pack_pdf import write_pdfs

    name = "Acme /JavaScript (Launch /JS \\ ) ( <script>"
    slides = [Slide(f"About {name}", "s", "f", [f"Owner of {name}"],
                    Chart("bar", name, [name], [(name, [1.0])]), slot=name)]  # fmt: skip
    path = tmp_path / "x.pdf"
    write_pdfs([(Pack(name, "k", name, name, "2026-11-23", slides), path)])
    data = path.read_bytes()
    assert pdf_problem(data) is None
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert "Acme /JavaScript (Launch /JS" in text
    # The same file with an action added where Chromium put the title: refused.
    hostile = data.replace(b"/Title", b"/OpenAction << /S /JavaScript /JS (x) >> /Title", 1)
    assert "/OpenAction" in pdf_problem(hostile)
