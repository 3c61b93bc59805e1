"""The four optional reports (surveys, tickets, invoices, usage), the activities' optional columns,
and the events table: cleaned with the care of the policy's three reports, every unusable row
listed, a missing, empty or broken optional report never stopping the others.

Expected values are worked out by hand from the small exports below.
"""

from __future__ import annotations

import collections
import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hcportal import democrm, transform
from hcportal.core.errors import TransformError
from hcportal.core.tables import check
from hcportal.transform.events import TYPES
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY

ACCOUNTS = "Owner,Account,GEO,Region\nNic W,Acme Org,AMS,East\nAna C,Beta Inc,EMEA,DACH\n"
CONTRACTS = (
    "Account,Product,Start Date,End Date,Amount\n"
    "ACME ORG,VM,2025-01-01,2026-12-31,$1200\n"
    "Beta,HW,2026-02-01,,$5K\n"
)
ACTIVITIES = (
    "Name,Account,Opportunity,Subject,Revenue,Timestamp,Attachment\n"
    "Nic W,Acme Org.,,Health Check,,2026-10-01-10:00,Y\n"
)
SURVEYS = """Account,Contact,Role,Questionnaire,Wave,Date,Question,Rating
Acme Org,ann@acme.example,Decision Maker,Relationship,2026 H1,2026-03-01,NPS,9
acme org inc,bob@acme.example,Influencer,Relationship,2026 H1,3/2/2026,NPS,
Beta Inc,cy@beta.example,Day to Day,Relationship,2026 H1,2026-03-01,NPS, 7
Beta Inc,cy@beta.example,Day to Day,Relationship,2026 H1,2026-03-01,NPS,7
Beta Inc,dee@beta.example,Day to Day,Relationship,2026 H1,2026-03-01,NPS,11
Beta Inc,eve@beta.example,Day to Day,Relationship,2026 H1,,NPS,8
,fay@x.example,Day to Day,Relationship,2026 H1,2026-03-01,NPS,8
Beta Inc,gus@beta.example,Day to Day,Relationship,2026 H1,2026-03-01,NPS,n/a
"""
TICKETS = """Case Number,Account Name,Date/Time Opened,Date/Time Closed,Priority,Status,Escalated,Subject
00001001,"Acme Org, Inc.",6/2/2026 5:01 PM,6/7/2026 2:51 PM,High,Closed,1,Login fails
00001002,BETA,2026-06-03 09:00,,Low,New,FALSE,Question
00001001,"Acme Org, Inc.",6/2/2026 5:01 PM,6/7/2026 2:51 PM,High,Closed,1,Login fails
00001003,Beta,2026-06-05 10:00,2026-06-04 10:00,Medium,Closed,maybe,Slow
00001004,Beta,pending,,Low,New,0,X
00001005,Gamma Ltd,2026-06-06 10:00,soon,Low,Closed,TRUE,Y
"""
INVOICES = """Invoice Number,Account,Invoice Date,Due Date,Paid Date,Amount,Status
INV-1,"Acme Org, Inc.",2026-01-01,2026-01-31,2026-02-10,"$1,234.56",Paid
INV-2,ACME ORG,2/1/2026,3/3/2026,2/25/2026,USD 100,Paid
INV-3,Beta,2026-03-01,2026-03-31,,(50.00),Credit Note
INV-1,"Acme Org, Inc.",2026-01-01,2026-01-31,2026-02-10,"$1,234.56",Paid
INV-4,Beta,TBD,2026-04-30,,10,Open
INV-5,Beta,2026-04-01,2026-05-01,someday,12abc,Open
"""
USAGE = """Account,Month,Active Users,Licensed Users,Events
acme-org,2026-05,10,20,"1,234"
Acme Org,May 2026,11,20,99
beta,6/1/2026,5,,40
beta,Q3,1,1,1
beta,2026-07,many,10,5
"""
FILES = {
    "accounts": ACCOUNTS, "contracts": CONTRACTS, "activities": ACTIVITIES, "surveys": SURVEYS,
    "tickets": TICKETS, "invoices": INVOICES, "usage": USAGE,
}  # fmt: skip
OPTIONAL = ("surveys", "tickets", "invoices", "usage")


def raw_folder(folder: Path, **overrides: str | None) -> Path:
    """The exports above (``name=None``: leave that report out)."""
    folder.mkdir(exist_ok=True)
    for name, text in {**FILES, **overrides}.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(text, "utf-8")
    return folder


def run(raw: Path, **settings: object) -> transform.Tables:
    return transform.run(raw, TransformSettings.model_validate(settings), TODAY, clock=CLOCK)


def dq(tables: transform.Tables, file: str) -> list[tuple]:
    rows = tables["data_quality"]
    rows = rows[rows["file"] == file]
    return sorted(
        tuple(r) for r in rows[["line", "column", "value", "reason"]].itertuples(index=False)
    )


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> transform.Tables:
    return run(raw_folder(tmp_path_factory.mktemp("raw")))


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# -- each report ------------------------------------------------------------------------------


def test_surveys_keep_non_responders_and_list_what_cannot_be_used(hand):
    s = hand["surveys"]
    assert s["_line"].tolist() == [2, 3, 4]
    assert s["account_key"].astype(str).tolist() == ["acme org", "acme org", "beta"]
    assert s["account"].astype(str).tolist() == ["Acme Org", "acme org inc", "Beta Inc"]
    assert s["rating"].tolist()[::2] == [9.0, 7.0] and np.isnan(s["rating"].iloc[1])
    assert s["responded"].tolist() == [True, False, True]  # an empty rating: invited, no answer
    assert s["date"].tolist() == [day("2026-03-01"), day("2026-03-02"), day("2026-03-01")]
    assert s["role"].astype(str).tolist() == ["Decision Maker", "Influencer", "Day to Day"]
    assert dq(hand, "surveys.csv") == [
        (5, "contact", "cy@beta.example", "duplicate survey row (counted once)"),
        (6, "rating", "11", "rating off the 0 to 10 scale (parsing.rating_scale; row not used)"),
        (7, "date", "", "missing or unreadable date"),
        (8, "account", "", "blank account name"),
        (9, "rating", "n/a", "unreadable rating (row not used)"),
    ]


def test_a_five_point_scale_is_a_setting(tmp_path):
    tables = run(raw_folder(tmp_path), parsing={"rating_scale": [1, 5]})
    off = [r for r in dq(tables, "surveys.csv") if "scale" in r[3]]
    # line 5 repeats line 4, but both are off this scale: each is listed, none is a duplicate
    assert [r[:3] for r in off] == [
        (2, "rating", "9"),
        (4, "rating", " 7"),
        (5, "rating", "7"),
        (6, "rating", "11"),
    ]
    assert tables["surveys"]["_line"].tolist() == [3]
    with pytest.raises(ValueError, match="lowest rating must be below the highest"):
        TransformSettings.model_validate({"parsing": {"rating_scale": [5, 1]}})


def test_tickets(hand):
    t = hand["tickets"]
    assert t["_line"].tolist() == [2, 3, 5, 7]
    assert t["case_number"].tolist() == ["00001001", "00001002", "00001003", "00001005"]
    assert t["account_key"].astype(str).tolist() == ["acme org", "beta", "beta", "gamma"]
    assert t["opened"].tolist() == [
        day("2026-06-02 17:01"), day("2026-06-03 09:00"), day("2026-06-05 10:00"),
        day("2026-06-06 10:00"),
    ]  # fmt: skip
    assert t["closed"].iloc[0] == day("2026-06-07 14:51") and t["closed"].iloc[1:].isna().all()
    assert t["escalated"].tolist() == [True, False, False, True]
    assert t["priority"].astype(str).tolist() == ["High", "Low", "Medium", "Low"]
    assert dq(hand, "tickets.csv") == [
        (4, "case_number", "00001001", "duplicate case number (first row kept)"),
        (5, "closed", "2026-06-04 10:00", "closed before it was opened (case kept as not closed)"),
        (5, "escalated", "maybe", "unreadable escalated flag (read as no)"),
        (6, "opened", "pending", "missing or unreadable opening time"),
        (7, "account", "Gamma Ltd", "account not in the accounts report"),
        (7, "closed", "soon", "unreadable closing time (case kept as not closed)"),
    ]


def test_invoices(hand):
    i = hand["invoices"]
    assert i["_line"].tolist() == [2, 3, 4, 7]
    assert i["invoice_number"].tolist() == ["INV-1", "INV-2", "INV-3", "INV-5"]
    assert i["account_key"].astype(str).tolist() == ["acme org", "acme org", "beta", "beta"]
    assert i["amount"].tolist()[:3] == [1234.56, 100.0, -50.0] and np.isnan(i["amount"].iloc[3])
    assert i["paid"].tolist() == [True, True, False, False]
    assert i["days_late"].tolist()[:2] == [10.0, -6.0] and i["days_late"].iloc[2:].isna().all()
    assert i["invoice_date"].iloc[1] == day("2026-02-01")
    assert dq(hand, "invoices.csv") == [
        (5, "invoice_number", "INV-1", "duplicate invoice number (first row kept)"),
        (6, "issued", "TBD", "missing or unreadable invoice date"),
        # the money parser reads a trailing code as a currency, as it does for contracts
        (7, "amount", "12abc", "amount in ABC, not USD, and no rate for ABC (amount left blank)"),
        (7, "paid", "someday", "unreadable paid date (read as unpaid)"),
    ]


def test_usage(hand):
    u = hand["usage"]
    assert u["_line"].tolist() == [2, 4, 6]
    assert u["account_key"].astype(str).tolist() == ["acme org", "beta", "beta"]
    assert u["month"].tolist() == [day("2026-05-01"), day("2026-06-01"), day("2026-07-01")]
    assert u["active_users"].tolist()[:2] == [10.0, 5.0] and np.isnan(u["active_users"].iloc[2])
    assert u["licensed_users"].iloc[[0, 2]].tolist() == [20.0, 10.0]
    assert np.isnan(u["licensed_users"].iloc[1])  # blank: no number, and not a problem
    assert u["events"].tolist() == [1234.0, 40.0, 5.0]
    assert dq(hand, "usage.csv") == [
        (3, "account", "Acme Org", "duplicate month for the account (first row kept)"),
        (5, "month", "Q3", "missing or unreadable month"),
        (6, "active", "many", "unreadable number of active users (left blank)"),
    ]


def test_meta_says_which_reports_were_read_and_what_each_lacked(hand):
    reports = hand.meta["reports"]
    assert list(reports) == ["activities", "accounts", "contracts", *OPTIONAL]
    assert reports["tickets"] == {
        "required": False, "present": True, "used": True, "fields_absent": [],
        "rows_read": 6, "rows_accepted": 4,
    }  # fmt: skip
    # The activities export has none of the optional extras: read as blank, and said.
    assert reports["activities"]["fields_absent"] == [
        "currency", "contact", "direction", "type", "description",
    ]  # fmt: skip
    assert hand.meta["skipped"] == {}


# -- the activities' optional columns -------------------------------------------------------------


def test_activities_extra_columns_are_read_when_the_export_has_them(tmp_path):
    acts = (
        "Name,Account,Opportunity,Subject,Revenue,Timestamp,Attachment,Contact,Direction,Type,"
        "Description\n"
        'Nic W,Acme Org,,Check-in,,2026-10-01-10:00,N,Ann Lee,Outbound,Email,"Said <b>hi</b>"\n'
    )
    tables = run(raw_folder(tmp_path, activities=acts))
    a = tables["activities"].iloc[0]
    assert (a["contact"], a["direction"], a["type"], a["description"]) == (
        "Ann Lee", "Outbound", "Email", "Said <b>hi</b>",
    )  # fmt: skip
    assert tables.meta["reports"]["activities"]["fields_absent"] == ["currency"]
    ev = tables["events"]
    row = ev[ev["source"] == "activities"].iloc[0]
    assert (row["type"], row["contact"], row["activity_type"]) == ("activity", "Ann Lee", "Email")


def test_a_header_the_user_names_must_be_there(tmp_path):
    with pytest.raises(TransformError, match=r"lacks column\(s\) 'Who' \(field contact\)"):
        run(raw_folder(tmp_path), columns={"activities": {"contact": "Who"}})


# -- a missing, empty or broken optional report ---------------------------------------------------


@pytest.mark.reliability(
    "an optional report (surveys, tickets, invoices, usage) missing from the raw folder",
    "the others are read as usual; meta.json says it was absent and which steps were skipped",
)
@pytest.mark.parametrize("absent", OPTIONAL)
def test_a_missing_optional_report_stops_nothing(tmp_path, absent):
    tables = run(raw_folder(tmp_path, **{absent: None}))
    assert absent not in tables.frames
    assert tables.meta["reports"][absent] == {"required": False, "present": False}
    assert tables.meta["skipped"] == {
        f"load {absent}": f"the optional report {absent}.csv is not in the raw folder"
    }
    assert absent not in set(tables["events"]["source"].astype(str))
    for other in set(OPTIONAL) - {absent}:
        assert len(tables[other]) and other in set(tables["events"]["source"].astype(str))


@pytest.mark.reliability(
    "an optional report that is empty or lacks a column it needs",
    "listed in data_quality.csv and skipped; the other reports are read as usual",
)
@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("", "tickets.csv is empty"),
        (
            "Case,Who\n1,Acme Org\n",
            r"tickets.csv lacks column\(s\) 'Account Name' \(field account\)",
        ),
    ],
)
def test_an_unusable_optional_report_is_listed_and_skipped(tmp_path, content, why):
    tables = run(raw_folder(tmp_path, tickets=content))
    assert "tickets" not in tables.frames
    [(line, column, value, reason)] = dq(tables, "tickets.csv")
    assert (line, column, value) == (1, "", "") and reason.startswith("report not used: ")
    assert pd.Series([reason]).str.contains(why).all()
    facts = tables.meta["reports"]["tickets"]
    assert facts["present"] and not facts["used"] and "tickets.csv" in facts["problem"]
    assert "load tickets" in tables.meta["skipped"]
    assert {"surveys", "invoices", "usage", "events"} <= set(tables.frames)


def test_a_header_only_optional_report_is_an_empty_table(tmp_path):
    tables = run(raw_folder(tmp_path, tickets=TICKETS.splitlines()[0] + "\n"))
    assert tables["tickets"].empty and tables.meta["reports"]["tickets"]["rows_accepted"] == 0
    check(transform.TABLES["tickets"], tables["tickets"], "test")


# -- the events ---------------------------------------------------------------------------------


def test_every_accepted_row_is_an_event_of_its_report_and_nothing_else(hand):
    ev = hand["events"]
    for report in ("activities", "contracts", *OPTIONAL):
        lines = set(ev.loc[ev["source"] == report, "line"])
        accepted = hand[report]["_line"]
        assert lines == set(accepted), report
    counts = collections.Counter(ev["type"].astype(str))
    assert counts == {
        "health_check": 1, "contract_start": 2, "contract_end": 1,
        "health_check_due": len(hand["occasions"]),
        "ticket_opened": 4, "ticket_closed": 1,
        "invoice_issued": 4, "invoice_due": 4, "invoice_paid": 2,
        "survey_answer": 2, "survey_no_answer": 1, "usage": 3,
    }  # fmt: skip
    assert set(counts) <= set(TYPES)


def test_events_are_in_time_order_per_account_and_carry_their_values(hand):
    ev = hand["events"]
    keys = ev["account_key"].astype(str).to_numpy()
    assert (keys[:-1] <= keys[1:]).all()
    for _, one in ev.groupby(ev["account_key"].astype(str), observed=True):
        assert one["at"].is_monotonic_increasing
    paid = ev[(ev["type"] == "invoice_paid") & (ev["ref"] == "INV-1")].iloc[0]
    assert (paid["at"], paid["amount"], paid["days_late"], paid["line"]) == (
        day("2026-02-10"), 1234.56, 10.0, 2,
    )  # fmt: skip
    closed = ev[ev["type"] == "ticket_closed"].iloc[0]
    assert (closed["ref"], closed["priority"], closed["escalated"]) == ("00001001", "High", True)
    assert pd.isna(closed["rating"]) and pd.isna(
        closed["attachment"]
    )  # not a survey, nor an activity
    no_answer = ev[ev["type"] == "survey_no_answer"].iloc[0]
    assert (no_answer["contact"], no_answer["line"]) == ("bob@acme.example", 3)
    due = ev[ev["type"] == "health_check_due"]
    occ = hand["occasions"]
    assert sorted(zip(due["line"], due["at"], due["status"].astype(str), strict=True)) == sorted(
        zip(occ["contract_id"], occ["due"], occ["status"].astype(str), strict=True)
    )


def test_the_demo_crm_s_seven_reports_make_every_table(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, df in democrm.generate(accounts=80, seed=11, today=TODAY).items():
        df.to_csv(raw / f"{name}.csv", index=False, quoting=csv.QUOTE_ALL)
    tables = run(raw)
    assert tables.meta["skipped"] == {}
    assert sorted(tables.frames) == sorted(transform.TABLES)
    for name, table in transform.TABLES.items():
        check(table, tables[name], "test")
    ev = tables["events"]
    per_source = ev.groupby(ev["source"].astype(str))["line"].nunique().to_dict()
    assert per_source == {r: tables[r]["_line"].nunique() for r in per_source}
    assert set(per_source) == {"activities", "contracts", *OPTIONAL}
    for name in ("activities", "surveys", "tickets", "invoices", "usage"):
        assert tables.meta["reports"][name]["fields_absent"] in ([], ["currency"])
    out = transform.write(tables, tmp_path / "data")
    back = transform.read(out)
    pd.testing.assert_frame_equal(back["events"], ev.reset_index(drop=True))
    assert back.meta["counts"]["events"] == ev["source"].astype(str).value_counts().to_dict()
    assert date.fromisoformat(back.meta["as_of"]) == TODAY


def test_events_join_text_columns_of_several_sources():
    # account keys in code-point order (as Python sorts them), other text in order of first
    # appearance over the blocks, a missing value missing; plain text and categoricals alike
    from hcportal.transform.events import Block, assemble

    def block(kind, keys, refs, seconds):
        at = np.array(seconds, dtype="datetime64[s]")
        return Block(kind, keys, at, np.arange(2, 2 + len(at)), {"ref": refs})

    blocks = [
        block("ticket_opened", pd.Series(["émile", "zed", "Zed"], dtype="str"),
              pd.Series(["C-2", None, "C-1"], dtype="str"), [3, 1, 2]),
        block("invoice_issued", pd.Series(["zed", "ábc"], dtype="category"),
              pd.Series(["I-9", "C-2"], dtype="category"), [0, 5]),
    ]  # fmt: skip
    ev = assemble(blocks)
    keys = ["zed", "ábc", "émile", "Zed"]
    assert list(ev["account_key"].cat.categories) == sorted(keys) == ["Zed", "zed", "ábc", "émile"]
    assert list(ev["ref"].cat.categories) == ["C-2", "C-1", "I-9"]
    assert ev["account_key"].astype(str).tolist() == ["Zed", "zed", "zed", "ábc", "émile"]
    assert ev["ref"].astype(object).where(ev["ref"].notna(), None).tolist() == [
        "C-1", "I-9", None, "C-2", "C-2",
    ]  # fmt: skip
