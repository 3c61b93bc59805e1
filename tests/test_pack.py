"""The health-check pack (issue 18): real decks from the real transform of hand-built reports,
opened again with python-pptx. Every number checked below is computed by hand from the CSVs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from hcportal import transform
from hcportal.cli import main
from hcportal.render import deck, pack, packs
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY  # TODAY = 2026-11-23

HOSTILE = 'Acme <script>alert("x")</script> Org'

REPORTS = {
    "accounts.csv": f"""Owner,Account,GEO,Region
Ana Ortiz,"{HOSTILE.replace('"', '""')}",AMS,East
Ben Kim,Quiet Co,EMEA,North
Ben Kim,Later Ltd,EMEA,North
""",
    # Acme: renewal due 2026-11-02 (overdue on 2026-11-23); Quiet: renewal due 2026-12-03
    # (pending); Later: renewal due 2027-09-02 (upcoming, far).
    "contracts.csv": f"""Account,Product,Start Date,End Date,Amount
"{HOSTILE.replace('"', '""')}",SaaS,2025-12-01,2027-01-31,"$120,000"
"{HOSTILE.replace('"', '""')}",Support,2025-12-01,2027-01-31,"$30,000"
Quiet Co,VM,2024-03-04,2027-03-03,"$80,000"
Later Ltd,HW,2026-06-01,2027-12-01,"$10,000"
""",
    "activities.csv": f"""Name,Account,Opportunity,Subject,Revenue,Timestamp,Attachment
Ana Ortiz,"{HOSTILE.replace('"', '""')}",,Quarterly review,,2026-10-01-10:00,N
Ana Ortiz,"{HOSTILE.replace('"', '""')}",,Call about rollout,,2026-11-10-10:00,N
""",
    "tickets.csv": f"""Case Number,Account Name,Date/Time Opened,Date/Time Closed,Priority,Status,Escalated,Subject
C1,"{HOSTILE.replace('"', '""')}",2026-09-03 10:00,2026-09-05 10:00,P2,Closed,N,Login slow
C2,"{HOSTILE.replace('"', '""')}",2026-09-20 10:00,,P1,Open,Y,Outage
C3,"{HOSTILE.replace('"', '""')}",2026-11-02 10:00,2026-11-04 10:00,P3,Closed,N,Question
""",
    "usage.csv": f"""Account,Month,Active Users,Licensed Users,Events
"{HOSTILE.replace('"', '""')}",2026-08-01,40,100,900
"{HOSTILE.replace('"', '""')}",2026-09-01,55,100,1200
"{HOSTILE.replace('"', '""')}",2026-10-01,70,120,1500
""",
    "surveys.csv": f"""Account,Contact,Role,Questionnaire,Wave,Date,Question,Rating
"{HOSTILE.replace('"', '""')}",Dana,CTO,NPS,W1,2026-10-05,How likely are you to recommend us to a colleague?,9
"{HOSTILE.replace('"', '""')}",Eli,Admin,NPS,W1,2026-10-05,How likely are you to recommend us to a colleague?,
Quiet Co,Fay,CIO,NPS,W1,2026-10-05,How likely are you to recommend us to a colleague?,
""",
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for name, text in REPORTS.items():
        (raw / name).write_text(text, "utf-8")
    tables = transform.run(raw, TransformSettings(), TODAY, clock=CLOCK)
    return transform.write(tables, tmp_path_factory.mktemp("data") / "data")


@pytest.fixture(scope="module")
def tables(data_dir: Path) -> transform.Tables:
    return transform.read(data_dir)


def texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def slide_titled(prs, title: str):
    found = [s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text == title]
    assert found, f"no slide {title!r}"
    return found[0]


def charts(slide) -> list:
    return [s.chart for s in slide.shapes if s.has_chart]


def slots(slide) -> list:
    return [s for s in slide.shapes if s.name == deck.SLOT_NAME]


def test_a_full_account_has_its_sections_with_native_charts(tables, tmp_path):
    key = pack.find_account(tables, "ACME <SCRIPT>ALERT('X')</SCRIPT> org inc.")
    path = packs.make_pack(tables, key, tmp_path, None, packs.Wording())
    prs = Presentation(str(path))
    assert 2 <= len(prs.slides) <= pack.MAX_SLIDES
    assert prs.slides[0].shapes.title.text == f"Health check: {HOSTILE}"  # text, never markup
    # Every content slide names its data's source and freshness.
    for s in list(prs.slides)[1:]:
        assert "Source:" in texts(s) and "Freshness:" in texts(s)

    glance = slide_titled(prs, "The account at a glance")
    assert "Ana Ortiz" in texts(glance) and "150,000" in texts(glance)  # both contracts run
    assert "renewal check of SaaS, overdue, due 2026-11-02" in texts(glance)
    (chart,) = charts(glance)
    assert list(chart.plots[0].categories) == ["SaaS", "Support"]
    assert list(chart.plots[0].series[0].values) == [120000.0, 30000.0]

    support = slide_titled(prs, "Support trend")
    (chart,) = charts(support)
    cats = list(chart.plots[0].categories)
    values = dict(zip(cats, chart.plots[0].series[0].values, strict=True))
    assert cats[-1] == "2026-11" and len(cats) == 12
    assert (values["2026-09"], values["2026-10"], values["2026-11"]) == (2.0, 0.0, 1.0)
    assert "3 case(s) in all, 1 open, 1 escalated" in texts(support)
    assert not slots(support)

    usage = slide_titled(prs, "Usage trend")
    (chart,) = charts(usage)
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    assert series == {"Active users": [40.0, 55.0, 70.0], "Licensed users": [100.0, 100.0, 120.0]}

    hmap = slide_titled(prs, "Health map: Success and Experience")
    assert "Answered: Dana" in texts(hmap) and "Did not answer: Eli" in texts(hmap)
    # One answer, a 9: a promoter, net +100 (a whole number, as a seller reads it). Nobody
    # answered the Experience question: no bar at 0, which would read as a neutral score.
    assert "Success: High (+100); Experience: Silent (no answer)" in texts(hmap)
    (chart,) = charts(hmap)
    assert list(chart.plots[0].categories) == ["Success"]
    assert list(chart.plots[0].series[0].values) == [100.0]
    assert chart.plots[0].has_data_labels  # values written on the bars, for paper

    # Identifiers in words; only the stages this account's cases had (no bar at 0).
    score = slide_titled(prs, "Health score and why")
    assert "days since touch" in list(charts(score)[0].plots[0].categories)
    journey = slide_titled(prs, "Journey and what preceded support cases")
    (chart,) = charts(journey)
    cats, counts = list(chart.plots[0].categories), list(chart.plots[0].series[0].values)
    assert all(v > 0 for v in counts) and sum(counts) == 3  # C1, C2, C3, each counted once
    assert not any("_" in c for c in cats)

    # No opportunity after a done check: a marked slot, not an empty chart.
    pipe = slide_titled(prs, "Pipeline influenced by earlier checks")
    assert not charts(pipe) and slots(pipe)
    assert "TO FILL IN BY THE SELLER" in slots(pipe)[0].text_frame.text

    last = prs.slides[len(prs.slides) - 1]
    assert last.shapes.title.text == "How to log this check so it counts"
    assert 'Subject "Health Check"' in texts(last) and "Attachment = Yes" in texts(last)
    assert "2026-09-03 to 2027-01-01" in texts(last)  # the overdue renewal's window


def test_a_silent_account_says_so_and_leaves_slots(tables, tmp_path):
    key = pack.find_account(tables, "quiet co")
    prs = Presentation(str(packs.make_pack(tables, key, tmp_path, None)))
    score = slide_titled(prs, "Health score and why")
    assert "silent" in texts(score).lower() and slots(score) and not charts(score)
    hmap = slide_titled(prs, "Health map: Success and Experience")
    assert "no contact answered" in texts(hmap).lower() and not charts(hmap)
    assert "Did not answer: Fay" in texts(hmap)
    for title in ("Support trend", "Usage trend"):
        s = slide_titled(prs, title)
        assert slots(s) and not charts(s)


def test_a_missing_report_is_a_slot(tables, tmp_path):
    saved = tables.frames.pop("usage")
    try:
        p = pack.contents(tables, pack.find_account(tables, "quiet co"))
    finally:
        tables.frames["usage"] = saved
    usage = next(s for s in p.slides if s.title == "Usage trend")
    assert usage.chart is None and "No usage data" in usage.slot
    assert "usage: not harvested" in usage.freshness


def test_an_unknown_account_is_a_clear_error(tables):
    with pytest.raises(pack.PackError, match="no account 'Nobody'"):
        pack.find_account(tables, "Nobody")


def test_a_template_without_the_layouts_is_refused(tmp_path):
    prs = deck.open_template(None)
    # Rename the layout the content slides need: a user's master with other names.
    for layout in prs.slide_layouts:
        if layout.name == "Title Only":
            layout.name = "Headline"
    bad = tmp_path / "bad.pptx"
    prs.save(str(bad))
    with pytest.raises(pack.PackError, match=r"lacks the slide layout.*Title Only"):
        deck.open_template(bad)
    (tmp_path / "junk.pptx").write_text("not a deck")
    with pytest.raises(pack.PackError, match=r"not a readable \.pptx"):
        deck.open_template(tmp_path / "junk.pptx")


def test_a_user_template_gives_the_look(tables, tmp_path):
    prs = deck.open_template(None)
    prs.slide_layouts[0].name = "Title Slide"
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Template's own slide"
    template = tmp_path / "company.pptx"
    prs.save(str(template))
    key = pack.find_account(tables, "quiet co")
    out = Presentation(str(packs.make_pack(tables, key, tmp_path / "o", template)))
    assert all("Template's own slide" not in texts(s) for s in out.slides)


def test_cli_pack_writes_the_deck(data_dir, tmp_path):
    result = CliRunner().invoke(
        main, ["pack", "Later Ltd.", "--data", str(data_dir), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip().splitlines()[-1])
    assert path.parent == tmp_path and path.suffix == ".pptx"
    assert Presentation(str(path)).slides[0].shapes.title.text == "Health check: Later Ltd"
    bad = CliRunner().invoke(main, ["pack", "Nobody", "--data", str(data_dir)])
    assert bad.exit_code == 1 and "no account 'Nobody'" in bad.output
    assert "Traceback" not in bad.output


def test_a_very_long_account_name_still_makes_its_deck(tables, tmp_path):
    """The deck's title property holds at most 255 characters: an account named with 100,000
    made every nightly pack fail (one ValueError stops publish_packs), so it is cut there; the
    title slide keeps the whole name."""
    from dataclasses import replace

    quiet = pack.contents(tables, pack.find_account(tables, "quiet co"))
    p = replace(quiet, account="Long " + "L" * 100_000)
    prs = Presentation(str(deck.write_pptx(p, tmp_path / "long.pptx")))
    assert prs.slides[0].shapes.title.text == f"Health check: {p.account}"
    title = prs.core_properties.title
    assert len(title) == 255 and title.startswith("Health check: Long LL") and title[-1] == "…"


def test_a_chart_s_workbook_holds_crm_text_as_text_never_a_formula_or_link(tmp_path):
    """A native chart carries its data in an embedded workbook that PowerPoint opens in Excel
    ("Edit Data"). Its categories are CRM text (product names): xlsxwriter wrote one starting
    with '=' as a formula (a DDE payload ran on opening) and an address as a hyperlink."""
    import re
    import zipfile

    names = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example","y")', "http://x.example/"]
    chart = pack.Chart("column", "Contract value by product", names, [("=1+1", [1.0, 2.0, 3.0])])
    p = pack.Pack(
        "Acme", "acme", "Ana", "East", "2026-11-23", [pack.Slide("C", "contracts", "", chart=chart)]
    )
    with zipfile.ZipFile(deck.write_pptx(p, tmp_path / "f.pptx")) as deck_zip:
        (book,) = [n for n in deck_zip.namelist() if n.endswith(".xlsx")]
        with zipfile.ZipFile(io.BytesIO(deck_zip.read(book))) as x:
            sheet = x.read("xl/worksheets/sheet1.xml").decode()
            strings = x.read("xl/sharedStrings.xml").decode()
            parts = x.namelist()
    assert "<f>" not in sheet and not any("hyperlink" in n.lower() for n in parts)
    assert "http://x.example/" in strings and "=cmd|" in strings and "=1+1" in strings
    assert not re.search(r"<hyperlinks?", sheet)


def test_due_accounts_within_the_days(tables):
    keys = packs.due_accounts(tables, 30)
    names = {pack.find_account(tables, n) for n in ("quiet co", HOSTILE)}
    assert set(keys) == names  # Later Ltd is due in 2027-09: not within 30 days
    assert pack.find_account(tables, "later ltd") in packs.due_accounts(tables, 365)


def test_nightly_packs_sit_in_their_folders_and_are_rebuilt_only_when_changed(tables, tmp_path):
    from hcportal.render.split import slice_tables

    site = tmp_path / "site"
    (site / "static" / "js").mkdir(parents=True)
    # A split site's index of folders, as build_split writes it.
    folders = [
        {"kind": "owner", "value": "Ana Ortiz", "path": "owners/ana-ortiz/", "accounts": 1},
        {"kind": "owner", "value": "Ben Kim", "path": "owners/ben-kim/", "accounts": 2},
    ]
    (site / "access.json").write_text(json.dumps(folders), "utf-8")
    for f in folders:
        (site / f["path"] / "static" / "js").mkdir(parents=True)
    cache = tmp_path / "cache"
    made = packs.publish_packs(tables, site, cache, 30, None)
    assert (made.packs, made.built, made.reused) == (2, 2, 0)
    acme, quiet = pack.find_account(tables, HOSTILE), pack.find_account(tables, "quiet co")
    ana = {p.name for p in (site / "owners/ana-ortiz/packs").iterdir()}
    ben = {p.name for p in (site / "owners/ben-kim/packs").iterdir()}
    assert ana == {f"{packs.file_name(acme)}.pptx"}  # only her own account's pack
    assert ben == {f"{packs.file_name(quiet)}.pptx"}  # Later Ltd is not due within 30 days
    assert len(list((site / "packs").iterdir())) == 2  # the manager root holds every pack
    mapping = (site / "owners/ana-ortiz" / packs.MAP_FILE).read_text("utf-8")
    assert "<" not in mapping  # a hostile key cannot close the script
    body = mapping.removeprefix("window.HCP_PACKS = ").rstrip().removesuffix(";")
    assert json.loads(body) == {acme: f"packs/{packs.file_name(acme)}.pptx"}

    again = packs.publish_packs(tables, site, cache, 30, None)
    assert (again.built, again.reused) == (0, 2)  # nothing changed: nothing rebuilt
    # New data for one account (a sliced table stands in for a changed report): only its pack.
    changed = slice_tables(tables, "owner", "Ben Kim", {quiet})
    changed.frames["accounts"] = tables["accounts"]
    changed.frames["targets"] = tables["targets"]
    third = packs.publish_packs(changed, site, cache, 30, None)
    assert (third.built, third.reused) == (1, 1)


def test_the_pdf_has_one_page_per_slide_and_escapes_names(tables, tmp_path):
    import re

    from hcportal.render import pack_pdf

    key = pack.find_account(tables, HOSTILE)
    p = pack.contents(tables, key)
    page = pack_pdf.html(p)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert page.count("<svg") == sum(s.chart is not None for s in p.slides)
    assert page.count('class="slot"') == sum(bool(s.slot) for s in p.slides)
    path = packs.make_pack(tables, key, tmp_path, None, pdf=True)
    pdf = path.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(p.slides) + 1


def test_the_publish_gate_ships_decks_and_pdfs_but_no_other_zip(tables, tmp_path):
    import zipfile

    from hcportal.publish.contents import file_problem

    path = packs.make_pack(tables, pack.find_account(tables, "quiet co"), tmp_path, None, pdf=True)
    assert file_problem(tmp_path, path) is None
    assert file_problem(tmp_path, path.with_suffix(".pdf")) is None
    fake = tmp_path / "trace.pptx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("trace.trace", "{}")
    assert "zip archive" in file_problem(tmp_path, fake)


@pytest.mark.slow  # waits out the zip format's two-second clock; test_reproducible is slow too
def test_the_same_pack_is_the_same_bytes_whenever_it_is_written(tables, tmp_path):
    """A run at a fixed instant gives the same files twice (test_reproducible): the deck's zip
    entries, its chart workbooks and the PDF are dated the as-of day, not the moment of writing."""
    import time
    import zipfile

    key = pack.find_account(tables, HOSTILE)
    first = packs.make_pack(tables, key, tmp_path / "a", None, pdf=True)
    time.sleep(2.1)  # past the zip format's two-second resolution
    second = packs.make_pack(tables, key, tmp_path / "b", None, pdf=True)
    assert first.read_bytes() == second.read_bytes()
    assert first.with_suffix(".pdf").read_bytes() == second.with_suffix(".pdf").read_bytes()
    entries = zipfile.ZipFile(first).infolist()
    assert {i.date_time for i in entries} == {(2026, 11, 23, 0, 0, 0)}
    assert b"/CreationDate (D:20261123000000+00'00')" in first.with_suffix(".pdf").read_bytes()
