"""Account names no account has: listed per report with the closest account suggested, and joined
once the user maps them in ``[transform.aliases]``."""

from __future__ import annotations

import csv
import io
import json
import tomllib

import pytest

from hcportal import transform
from hcportal.core.errors import TransformError
from hcportal.transform.settings import TransformSettings
from tests.test_customer_reports import TICKETS, dq, raw_folder, run

# A typo of an account, a holding name of another, and a stranger; in two reports.
TICKETS_PLUS = TICKETS + (
    "00001006,Acme Orgg,2026-06-07 10:00,,Low,New,0,Typo\n"
    "00001007,Acme Orgg,2026-06-08 10:00,,Low,New,0,Typo again\n"
    "00001008,Beta Holdings AG,2026-06-09 10:00,,Low,New,0,Parent\n"
)
USAGE_PLUS = "Account,Month,Active Users,Licensed Users,Events\nAcme Orgg,2026-05,1,2,3\n"


def test_unmatched_names_are_listed_once_per_report_with_the_closest_account(tmp_path):
    tables = run(raw_folder(tmp_path, tickets=TICKETS_PLUS, usage=USAGE_PLUS))
    rows = tables["unmatched"].sort_values(["report", "first_line"])
    got = rows[["report", "account", "rows", "first_line", "suggestion"]].values.tolist()
    assert got == [
        ["tickets", "Gamma Ltd", 1, 7, ""],  # nothing close: no guess
        ["tickets", "Acme Orgg", 2, 8, "Acme Org"],
        ["tickets", "Beta Holdings AG", 1, 10, "Beta Inc"],
        ["usage", "Acme Orgg", 1, 2, "Acme Org"],
    ]
    typo = rows[rows["account"] == "Acme Orgg"].iloc[0]
    assert 60 <= typo["score"] <= 100 and typo["alias"] == '"Acme Orgg" = "Acme Org"'
    # the alias line it proposes is valid TOML for the config key
    assert tomllib.loads("[aliases]\n" + typo["alias"])["aliases"] == {"Acme Orgg": "Acme Org"}
    # each unmatched row is also a data-quality row of its report
    assert [r[0] for r in dq(tables, "tickets.csv") if "not in the accounts" in r[3]] == [
        7,
        8,
        9,
        10,
    ]
    text = (transform.write(tables, tmp_path / "data") / "unmatched.csv").read_text("utf-8")
    header, *lines = csv.reader(io.StringIO(text))
    assert header == ["report", "account", "rows", "first_line", "suggestion", "score", "alias"]
    assert len(lines) == 4


def test_an_alias_joins_the_name_to_its_account_everywhere(tmp_path):
    aliases = {"Acme Orgg": "Acme Org", "Beta Holdings": "BETA INC."}
    tables = run(raw_folder(tmp_path, tickets=TICKETS_PLUS, usage=USAGE_PLUS), aliases=aliases)
    assert tables["unmatched"]["account"].tolist() == ["Gamma Ltd"]
    t = tables["tickets"].set_index("case_number")
    assert t.loc[["00001006", "00001007"], "account_key"].astype(str).tolist() == ["acme org"] * 2
    assert t.loc["00001008", "account_key"] == "beta"  # "Beta Holdings AG": legal suffix ignored
    assert tables["usage"]["account_key"].astype(str).tolist() == ["acme org"]
    assert [r[0] for r in dq(tables, "tickets.csv") if "not in the accounts" in r[3]] == [7]
    out = transform.write(tables, tmp_path / "data")
    objs = [json.loads(x) for x in (out / "customers.jsonl").read_text("utf-8").splitlines()]
    acme = next(o for o in objs if o["_id"]["accountKey"] == "acme org")
    assert "Acme Orgg" in acme["identity"]["names"]["tickets"]
    assert {e["line"] for e in acme["events"] if e["source"] == "tickets"} == {2, 8, 9}
    assert [e["line"] for e in acme["events"] if e["source"] == "usage"] == [2]


def test_an_alias_to_no_account_is_a_clear_error(tmp_path):
    with pytest.raises(
        TransformError, match=r"transform.aliases: 'Acme Orgg' = 'Acme Corp': no account"
    ):
        run(raw_folder(tmp_path, tickets=TICKETS_PLUS), aliases={"Acme Orgg": "Acme Corp"})


def test_aliases_are_a_documented_table_of_the_config():
    settings = TransformSettings.model_validate(
        tomllib.loads('[aliases]\n"Acme Holdings" = "ACME ORG"\n')
    )
    assert settings.aliases == {"Acme Holdings": "ACME ORG"}
    assert "[transform.aliases]" in TransformSettings.model_fields["aliases"].description
