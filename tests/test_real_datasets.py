"""The transform on real public exports nobody on this team wrote, through a column mapping.

Maven CRM's opportunities serve as both activities and contracts; RavenStack's subscriptions as
contracts whose terms are mostly open-ended (evergreen), with its support tickets as activities.
Each is mapped the way a user maps their own exports: a ``TransformSettings`` built from the dict a
TOML file would hold. Where a report does not exist in the data, the smallest pre-shaping a user
would do in a spreadsheet is done here, and said. Totals are checked against counts made
independently, in plain Python over the raw CSV rows (see PROVENANCE.txt of each dataset).
"""

from __future__ import annotations

import collections
import csv
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from hcportal import transform
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK

ROOT = Path(__file__).resolve().parent.parent


def _datasets() -> Path | None:
    env = os.environ.get("HCPORTAL_DATASETS")
    candidates = [Path(env)] if env else []
    candidates += [p / "shared" / "datasets" for p in (ROOT.parent, ROOT.parent.parent)]
    return next((p for p in candidates if (p / "maven_crm_sales_opportunities").is_dir()), None)


DATASETS = _datasets()
pytestmark = pytest.mark.skipif(
    DATASETS is None,
    reason="the public datasets (../shared/datasets, $HCPORTAL_DATASETS) are absent",
)
DAY = timedelta(days=1)


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def expected_occasions(terms: list[tuple[str, str]], as_of: date) -> collections.Counter:
    """Occasions per kind for (start, end) ISO strings, per GUIDE section 4's default numbers."""
    count: collections.Counter = collections.Counter()
    for start_s, end_s in terms:
        start = date.fromisoformat(start_s)
        end = date.fromisoformat(end_s) if end_s else None
        if end is None or start + 90 * DAY <= end:
            count["onboarding"] += 1
        if end is not None and end - 90 * DAY >= start:
            count["renewal"] += 1
        if end is None:  # periodic every 365 days, up to the first past as-of + 365 days
            count["periodic"] += max((as_of + 365 * DAY - start).days // 365 + 1, 1)
    return count


def dq_counts(tables: transform.Tables, file: str) -> dict[str, int]:
    dq = tables["data_quality"]
    return dict(collections.Counter(dq.loc[dq["file"] == file, "reason"]))


# -- Maven CRM: opportunities as activities and as contracts --------------------------------------


@pytest.fixture(scope="module")
def maven(tmp_path_factory) -> tuple[transform.Tables, list[dict]]:
    src = DATASETS / "maven_crm_sales_opportunities"
    pipeline = rows(src / "sales_pipeline.csv")
    # Pre-shaping: the dataset has no accounts report with an owner. Like a user in a spreadsheet,
    # give each account the agent with most opportunities on it, and that agent's office as its
    # region; the account's country is its GEO.
    office = {r["sales_agent"]: r["regional_office"] for r in rows(src / "sales_teams.csv")}
    per_account = collections.Counter((r["account"], r["sales_agent"]) for r in pipeline)
    owner: dict[str, str] = {}
    for (account, agent), _n in sorted(per_account.items(), key=lambda kv: (-kv[1], kv[0])):
        owner.setdefault(account, agent)
    raw = tmp_path_factory.mktemp("maven")
    with (raw / "accounts.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account", "owner", "office_location", "regional_office", "sector"])
        for r in rows(src / "accounts.csv"):
            agent = owner.get(r["account"], "")
            w.writerow(
                [r["account"], agent, r["office_location"], office.get(agent, ""), r["sector"]]
            )
    for name in ("contracts", "activities"):  # the same export, mapped twice
        (raw / f"{name}.csv").write_bytes((src / "sales_pipeline.csv").read_bytes())
    settings = TransformSettings.model_validate(
        {
            "columns": {
                "accounts": {"owner": "owner", "account": "account", "geo": "office_location",
                             "region": "regional_office"},
                "contracts": {"account": "account", "product": "product", "start": "engage_date",
                              "end": "close_date", "amount": "close_value"},
                "activities": {"owner": "sales_agent", "account": "account",
                               "opportunity": "opportunity_id", "subject": "deal_stage",
                               "revenue": "close_value", "timestamp": "close_date",
                               # a won deal carries a value: "a positive count is true"
                               "attachment": "close_value"},
            },
            "policy": {"evidence_subject": "^won$"},
        }
    )  # fmt: skip
    return transform.run(raw, settings, date(2018, 1, 1), clock=CLOCK), pipeline


def test_maven_contracts_every_row_accounted_for(maven):
    tables, pipeline = maven
    blank = [r for r in pipeline if not r["account"].strip()]
    no_start = [r for r in pipeline if r["account"].strip() and not r["engage_date"]]
    usable = [r for r in pipeline if r["account"].strip() and r["engage_date"]]
    seen: set = set()
    kept = []
    for r in usable:
        key = (r["account"], r["product"], r["engage_date"], r["close_date"], r["close_value"])
        if key not in seen:
            seen.add(key)
            kept.append(r)
    assert (len(pipeline), len(blank), len(no_start)) == (8800, 1425, 163)  # PROVENANCE.txt
    assert dq_counts(tables, "contracts.csv") == {
        "blank account name": len(blank),
        "missing or unreadable start date": len(no_start),
        "duplicate contract row (counted once)": len(usable) - len(kept),
    }
    assert len(tables["contracts"]) == len(kept)
    evergreen = sum(1 for r in kept if not r["close_date"])  # Engaging: no close date yet
    assert tables["contracts"]["end"].isna().sum() == evergreen
    occ = tables["occasions"]
    expected = expected_occasions(
        [(r["engage_date"], r["close_date"]) for r in kept], date(2018, 1, 1)
    )
    assert dict(collections.Counter(occ["occasion"].astype(str))) == dict(expected)
    assert tables["contracts"]["amount"].sum() == pytest.approx(
        sum(float(r["close_value"] or 0) for r in kept)
    )


def test_maven_activities_and_statuses(maven):
    tables, pipeline = maven
    assert dq_counts(tables, "activities.csv") == {
        "blank account name": sum(1 for r in pipeline if not r["account"].strip()),
        "missing or unreadable timestamp": sum(1 for r in pipeline if not r["close_date"]),
    }
    closed = [r for r in pipeline if r["account"].strip() and r["close_date"]]
    act = tables["activities"]
    assert len(act) == len(closed)
    assert int(act["is_hc"].sum()) == sum(1 for r in closed if r["deal_stage"] == "Won")
    assert int(act["attachment"].sum()) == sum(1 for r in closed if float(r["close_value"]) > 0)
    # Done, counted independently: an occasion is done when the account won a deal in its window.
    won = collections.defaultdict(list)
    for r in closed:
        if r["deal_stage"] == "Won" and float(r["close_value"]) > 0:
            won[r["account"]].append(date.fromisoformat(r["close_date"]))
    occ = tables["occasions"]
    done = 0
    for o in occ.itertuples():
        ws, we = o.window_start.date(), o.window_end.date()
        done += any(ws <= d <= we for d in won[o.account])
    assert (occ["status"] == "done").sum() == done > 0
    assert set(occ["owner"]) - {""} <= {r["sales_agent"] for r in pipeline}


# -- RavenStack: subscriptions as contracts, mostly open-ended ------------------------------------


@pytest.fixture(scope="module")
def raven(tmp_path_factory) -> tuple[transform.Tables, list[dict], list[dict]]:
    src = DATASETS / "ravenstack_saas"
    raw = tmp_path_factory.mktemp("raven")
    # No pre-shaping: three files, renamed as hcportal expects them; the account id joins them.
    for name, source in (
        ("accounts", "ravenstack_accounts.csv"),
        ("contracts", "ravenstack_subscriptions.csv"),
        ("activities", "ravenstack_support_tickets.csv"),
    ):
        (raw / f"{name}.csv").write_bytes((src / source).read_bytes())
    settings = TransformSettings.model_validate(
        {
            "columns": {
                # No owner, no region in this CRM: those columns are absent ("").
                "accounts": {"owner": "", "account": "account_id", "geo": "country", "region": ""},
                "contracts": {"account": "account_id", "product": "plan_tier",
                              "start": "start_date", "end": "end_date", "amount": "arr_amount"},
                "activities": {"owner": "", "account": "account_id", "opportunity": "",
                               "subject": "priority", "revenue": "", "timestamp": "submitted_at",
                               "attachment": "escalation_flag"},
            },
            "policy": {"evidence_subject": "^urgent$"},
        }
    )  # fmt: skip
    subs = rows(src / "ravenstack_subscriptions.csv")
    tickets = rows(src / "ravenstack_support_tickets.csv")
    return transform.run(raw, settings, date(2025, 1, 1), clock=CLOCK), subs, tickets


def test_raven_subscriptions_as_evergreen_contracts(raven):
    tables, subs, _ = raven
    seen: set = set()
    kept = []
    for r in subs:
        key = (r["account_id"], r["plan_tier"], r["start_date"], r["end_date"], r["arr_amount"])
        if key not in seen:
            seen.add(key)
            kept.append(r)
    assert len(subs) == 5000 and sum(1 for r in subs if not r["end_date"]) == 4514
    assert dq_counts(tables, "contracts.csv") == {
        "duplicate contract row (counted once)": len(subs) - len(kept)
    }
    con = tables["contracts"]
    assert len(con) == len(kept)
    assert con["end"].isna().sum() == sum(1 for r in kept if not r["end_date"])
    occ = tables["occasions"]
    expected = expected_occasions(
        [(r["start_date"], r["end_date"]) for r in kept], date(2025, 1, 1)
    )
    assert dict(collections.Counter(occ["occasion"].astype(str))) == dict(expected)
    assert con["amount"].sum() == sum(float(r["arr_amount"]) for r in kept)


def test_raven_accounts_keep_their_own_columns_and_nothing_is_unowned_noise(raven):
    tables, _, _ = raven
    acc = tables["accounts"]
    assert len(acc) == 500 and acc["account_key"].is_unique
    assert {"account_name", "industry", "plan_tier"} <= set(acc.columns)
    assert set(acc["owner"]) == {""} and set(acc["region"]) == {""}
    # An absent Owner column is not 500 "missing owner" rows: only row-level problems are listed.
    assert tables["data_quality"][lambda d: d["file"] == "accounts.csv"].empty


def test_raven_tickets_as_checks(raven):
    tables, _, tickets = raven
    assert dq_counts(tables, "activities.csv") == {}
    act = tables["activities"]
    assert len(act) == len(tickets) == 2000
    checks = [r for r in tickets if r["priority"] == "urgent" and r["escalation_flag"] == "True"]
    assert int((act["is_hc"] & act["attachment"]).sum()) == len(checks)
    by_account = collections.defaultdict(list)
    for r in checks:
        by_account[r["account_id"]].append(date.fromisoformat(r["submitted_at"]))
    occ = tables["occasions"]
    done = sum(
        any(o.window_start.date() <= d <= min(o.window_end.date(), date(2025, 1, 1))
            for d in by_account[o.account])
        for o in occ.itertuples()
    )  # fmt: skip
    assert (occ["status"] == "done").sum() == done > 0
    eff = tables["efficacy"]
    assert set(eff.loc[eff["level"] == "owner", "name"]) == {"(unassigned)"}


# -- RavenStack as customer objects: every report it has, through a column mapping --------------


@pytest.fixture(scope="module")
def raven_customers(tmp_path_factory) -> tuple[transform.Tables, Path, Path]:
    """RavenStack's five files as hcportal's reports: accounts; subscriptions as contracts;
    support tickets as tickets; churn events as activities (the dated records of the relationship
    this CRM keeps); feature usage as usage. The one pre-shaping, as a user would do it in a
    spreadsheet: feature usage is per subscription and day, the usage report per account and
    month, so it is summed per (account, month) in plain Python here."""
    src = DATASETS / "ravenstack_saas"
    raw = tmp_path_factory.mktemp("raven_all")
    for name, source in (
        ("accounts", "ravenstack_accounts.csv"),
        ("contracts", "ravenstack_subscriptions.csv"),
        ("tickets", "ravenstack_support_tickets.csv"),
        ("activities", "ravenstack_churn_events.csv"),
    ):
        (raw / f"{name}.csv").write_bytes((src / source).read_bytes())
    account_of = {
        r["subscription_id"]: r["account_id"] for r in rows(src / "ravenstack_subscriptions.csv")
    }
    per_month: collections.Counter = collections.Counter()
    for r in rows(src / "ravenstack_feature_usage.csv"):
        per_month[(account_of[r["subscription_id"]], r["usage_date"][:7])] += int(r["usage_count"])
    with (raw / "usage.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "month", "usage_count"])
        w.writerows([a, m, n] for (a, m), n in sorted(per_month.items()))
    settings = TransformSettings.model_validate(
        {
            "columns": {
                "accounts": {"owner": "", "account": "account_id", "geo": "country", "region": ""},
                "contracts": {"account": "account_id", "product": "plan_tier",
                              "start": "start_date", "end": "end_date", "amount": "arr_amount"},
                "activities": {"owner": "", "account": "account_id", "opportunity": "",
                               "subject": "reason_code", "revenue": "refund_amount_usd",
                               "timestamp": "churn_date",
                               # Activities must name an Attachment column; a churn event has
                               # none, and no churn reason is a health check: any flag serves.
                               "attachment": "is_reactivation",
                               "description": "feedback_text"},
                "tickets": {"number": "ticket_id", "account": "account_id",
                            "opened": "submitted_at", "closed": "closed_at",
                            "priority": "priority", "status": "", "escalated": "escalation_flag",
                            "subject": ""},
                "usage": {"account": "account_id", "month": "month", "active": "",
                          "licensed": "", "events": "usage_count"},
            },
        }
    )  # fmt: skip
    tables = transform.run(raw, settings, date(2025, 1, 1), clock=CLOCK)
    out = transform.write(tables, tmp_path_factory.mktemp("raven_out") / "data")
    return tables, out / "customers.jsonl", src


def test_raven_customer_objects_hold_every_record_of_every_file(raven_customers):
    import json

    from hcportal.transform import customers

    tables, path, src = raven_customers
    accounts = rows(src / "ravenstack_accounts.csv")
    subs = rows(src / "ravenstack_subscriptions.csv")
    tickets = rows(src / "ravenstack_support_tickets.csv")
    churn = rows(src / "ravenstack_churn_events.csv")
    usage = rows(src / "ravenstack_feature_usage.csv")
    # Counted from the files alone: a repeated subscription row is one contract.
    terms = {(r["account_id"], r["plan_tier"], r["start_date"], r["end_date"], r["arr_amount"])
             for r in subs}  # fmt: skip
    account_of = {r["subscription_id"]: r["account_id"] for r in subs}
    expected = {
        "contract_start": len(terms),
        "contract_end": sum(1 for t in terms if t[3]),
        "ticket_opened": len(tickets),
        "ticket_closed": sum(1 for r in tickets if r["closed_at"]),
        "activity": len(churn),
        "usage": len({(account_of[r["subscription_id"]], r["usage_date"][:7]) for r in usage}),
    }
    objs = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert len(objs) == len(accounts) == 500
    assert customers.validate_file(path) == 500
    got = collections.Counter(e["type"] for o in objs for e in o["events"])
    assert {t: got[t] for t in expected} == expected
    assert got["health_check_due"] == len(tables["occasions"])
    assert tables["data_quality"].empty or set(tables["data_quality"]["file"]) <= {"contracts.csv"}
    # ids per source: each account's case numbers are its tickets' ids
    by_account = collections.defaultdict(set)
    for r in tickets:
        by_account[r["account_id"]].add(r["ticket_id"])
    for o in objs:
        name = o["identity"]["names"]["accounts"][0]
        assert set(o["identity"]["ids"].get("case_numbers", [])) == by_account[name]
        assert o["profile"]["industry"] and "plan_tier" in o["profile"]
