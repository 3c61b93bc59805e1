"""The customer object (seed 003): one JSON document per account in ``customers.jsonl``,
validated against the seed's schema, holding every event of the account, traceable to its row."""

from __future__ import annotations

import collections
import copy
import csv
import json
import re
from pathlib import Path

import pytest

from hcportal import democrm, transform
from hcportal.core.errors import TransformError
from hcportal.transform import customers
from tests.conftest import TODAY
from tests.test_customer_reports import OPTIONAL, raw_folder, run


def objects(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / customers.FILE).read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[transform.Tables, list[dict]]:
    raw = tmp_path_factory.mktemp("raw")
    for name, df in democrm.generate(accounts=60, seed=5, today=TODAY).items():
        df.to_csv(raw / f"{name}.csv", index=False, quoting=csv.QUOTE_ALL)
    tables = run(raw)
    out = transform.write(tables, tmp_path_factory.mktemp("out") / "data")
    return tables, objects(out)


def test_one_valid_object_per_account_of_the_accounts_report(demo):
    tables, objs = demo
    assert [o["_id"]["accountKey"] for o in objs] == sorted(
        tables["accounts"]["account_key"].astype(str)
    )
    for i, o in enumerate(objs):
        customers.validate(o, f"object {i}")  # raises on the first broken one
    header = objs[0]["platformHeader"]
    assert header["asOf"] == TODAY.isoformat() and header["schemaVersion"]
    assert {n for n, r in header["reports"].items() if r["present"]} == set(transform.TABLES) & {
        "activities", "accounts", "contracts", *OPTIONAL,
    }  # fmt: skip


def test_every_event_of_a_known_account_is_in_its_object_once(demo):
    tables, objs = demo
    ev = tables["events"]
    known = ev["account_key"].astype(str).isin(set(tables["accounts"]["account_key"].astype(str)))
    from_table = collections.Counter(
        zip(
            ev["source"].astype(str)[known],
            ev["type"].astype(str)[known],
            ev["line"][known],
            strict=True,
        )
    )
    from_objects = collections.Counter(
        (e["source"], e["type"], e["line"]) for o in objs for e in o["events"]
    )
    assert from_objects == from_table
    per_source = collections.Counter(e["source"] for o in objs for e in o["events"])
    for report in OPTIONAL:  # every accepted row of a known account made at least one event
        rows = tables[report]
        mine = (
            rows["account_key"].astype(str).isin(set(tables["accounts"]["account_key"].astype(str)))
        )
        lines = {e["line"] for o in objs for e in o["events"] if e["source"] == report}
        assert lines == set(rows["_line"][mine]) and per_source[report] >= mine.sum()
    for o in objs:
        ats = [e["at"] for e in o["events"]]
        assert ats == sorted(ats, key=lambda a: a if "T" in a else a + "T00:00:00")


def test_an_object_carries_the_values_of_its_rows(tmp_path):
    tables = run(raw_folder(tmp_path / "raw"))
    [acme, beta] = objects(transform.write(tables, tmp_path / "data"))
    assert acme["identity"]["names"]["invoices"] == ["Acme Org, Inc.", "ACME ORG"]
    assert acme["identity"]["names"]["surveys"] == ["Acme Org", "acme org inc"]
    assert acme["identity"]["ids"] == {
        "case_numbers": ["00001001"],
        "invoice_numbers": ["INV-1", "INV-2"],
        "survey_contacts": ["ann@acme.example", "bob@acme.example"],
    }
    paid = [e for e in acme["events"] if e["type"] == "invoice_paid" and e["ref"] == "INV-1"]
    assert paid == [
        {"at": "2026-02-10", "type": "invoice_paid", "source": "invoices", "line": 2, "ref": "INV-1",
         "status": "Paid", "amount": 1234.56, "paid": True, "days_late": 10},
    ]  # fmt: skip
    opened = [e for e in acme["events"] if e["type"] == "ticket_opened"]
    assert opened[0]["at"] == "2026-06-02T17:01:00" and opened[0]["escalated"] is True
    no_answer = [e for e in acme["events"] if e["type"] == "survey_no_answer"]
    assert no_answer == [
        {"at": "2026-03-02", "type": "survey_no_answer", "source": "surveys", "line": 3,
         "contact": "bob@acme.example", "role": "Influencer", "questionnaire": "Relationship",
         "wave": "2026 H1", "question": "NPS"},
    ]  # fmt: skip
    assert beta["profile"] == {
        "owner": "Ana C", "account": "Beta Inc", "geo": "EMEA", "region": "DACH",
        "current_value": 5000.0,
    }  # fmt: skip
    assert "Gamma Ltd" not in json.dumps([acme, beta])  # not an account: no object of its own


def test_the_id_is_stable_across_runs_and_spellings(tmp_path):
    first = objects(transform.write(run(raw_folder(tmp_path / "a")), tmp_path / "d1"))
    # Another run, an extra account sorting first and other spellings: the same ids.
    accounts = "Owner,Account,GEO,Region\nZed,Aardvark Co,AMS,East\nNic W,ACME ORG.,AMS,East\n"
    accounts += "Ana C,Beta Inc,EMEA,DACH\n"
    second = objects(
        transform.write(run(raw_folder(tmp_path / "b", accounts=accounts)), tmp_path / "d2")
    )
    ids = {o["_id"]["accountKey"]: o["_id"]["id"] for o in second}
    assert {o["_id"]["accountKey"]: o["_id"]["id"] for o in first}.items() <= ids.items()
    assert len(set(ids.values())) == 3


def test_hostile_text_is_escaped_json(tmp_path):
    evil = 'Ev"il\\ <script>alert(1)</script>\u2028 Ünïcode'
    tables = run(
        raw_folder(
            tmp_path / "raw",
            accounts=f'Owner,Account,GEO,Region\n"{evil.replace(chr(34), chr(34) * 2)}",Acme Org,AMS,East\n',
            tickets="Case Number,Account Name,Date/Time Opened,Date/Time Closed,Priority,Status,Escalated,Subject\n"
            f'1,Acme Org,2026-06-03 09:00,,Low,New,no,"{evil.replace(chr(34), chr(34) * 2)}"\n',
        )
    )
    [acme] = objects(transform.write(tables, tmp_path / "data"))
    assert acme["profile"]["owner"] == evil
    assert [e["subject"] for e in acme["events"] if e["source"] == "tickets"] == [evil]


def test_a_broken_object_is_rejected_naming_the_field(demo):
    _, objs = demo
    good = objs[0]
    for path, value, field in [
        (("_id",), None, "(the object)"),
        (("events",), {"not": "a list"}, "events"),
        (("events", 0, "line"), "two", "events/0/line"),
        (("events", 0, "type"), "coffee", "events/0/type"),
        (("identity", "names"), None, "identity"),
    ]:
        bad = copy.deepcopy(good)
        holder = bad
        for p in path[:-1]:
            holder = holder[p]
        if value is None:
            del holder[path[-1]]
        else:
            holder[path[-1]] = value
        with pytest.raises(TransformError, match=re.escape(f"field {field}: ")) as e:
            customers.validate(bad)
        assert "\n" not in str(e.value)


def test_a_broken_line_of_a_written_file_is_named(tmp_path, demo):
    _, objs = demo
    path = tmp_path / customers.FILE
    path.write_text(json.dumps(objs[0]) + "\n" + json.dumps({"_id": {}}) + "\n")
    with pytest.raises(
        TransformError, match=r"customers.jsonl line 2: field \(the object\): 'platformHeader'"
    ):
        customers.validate_file(path)


def test_chunks_of_any_size_write_the_same_file_and_an_account_without_events(
    tmp_path, monkeypatch
):
    # Aardvark Co is in no other report: no events, an empty list between two accounts that
    # have some, whatever chunk each lands in.
    accounts = "Owner,Account,GEO,Region\nZed,Aardvark Co,AMS,East\nNic W,ACME ORG.,AMS,East\n"
    accounts += "Ana C,Beta Inc,EMEA,DACH\n"
    tables = run(raw_folder(tmp_path / "raw", accounts=accounts))
    files = []
    for chunk in (500, 2, 1):
        monkeypatch.setattr(customers, "CHUNK", chunk)
        files.append(
            (transform.write(tables, tmp_path / f"d{chunk}") / customers.FILE).read_bytes()
        )
    assert files[0] == files[1] == files[2]
    objs = [json.loads(line) for line in files[0].decode("utf-8").splitlines()]
    assert [o["_id"]["accountKey"] for o in objs] == ["aardvark", "acme org", "beta"]
    assert objs[0]["events"] == [] and objs[1]["events"] and objs[2]["events"]
    for o in objs:
        customers.validate(o)


def test_days_are_coded_by_offset_or_hashed_when_they_span_too_far(monkeypatch):
    import numpy as np

    days = np.array([20_000, 19_998, 20_000, 20_003], dtype=np.int64)
    codes, values = customers._day_codes(days)
    assert codes.tolist() == [2, 0, 2, 5]  # offsets from the first day; days between unused
    assert values.tolist() == [19_998, 19_999, 20_000, 20_001, 20_002, 20_003]
    monkeypatch.setattr(customers, "_DAY_SPAN", 3)  # 19,998..20,003 spans 5 days: hashed
    codes, values = customers._day_codes(days)
    assert values[codes].tolist() == days.tolist() and len(values) == 3


def test_a_time_of_day_is_written_as_the_second_it_is():
    times = customers._times_of_day()
    assert (len(times), times[0], times[3_661], times[-1]) == (
        86_400,
        "T00:00:00",
        "T01:01:01",
        "T23:59:59",
    )
