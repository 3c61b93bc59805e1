"""The health-check policy of GUIDE section 4, on hand-computed cases."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from hcportal.transform import outputs, policy, urgency
from hcportal.transform.settings import PolicySettings

P = PolicySettings()


def contracts(*rows: tuple) -> pd.DataFrame:
    """(account_key, start, end or None, amount) rows."""
    df = pd.DataFrame(rows, columns=["account_key", "start", "end", "amount"])
    df["start"] = pd.to_datetime(df["start"]).astype("datetime64[s]")
    df["end"] = pd.to_datetime(df["end"]).astype("datetime64[s]")
    df["contract_id"] = range(1, len(df) + 1)
    df["account"] = df["account_key"].str.title()
    df["product"] = "SaaS"
    return df


def activities(*rows: tuple) -> pd.DataFrame:
    """(account_key, date, subject, attachment) rows."""
    df = pd.DataFrame(rows, columns=["account_key", "date", "subject", "attachment"])
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[s]")
    df["is_hc"] = df["subject"].str.contains(P.evidence_subject, case=False, regex=True)
    return df


NO_ACTIVITY = activities().astype({"attachment": bool})


def statuses(con, act, as_of, settings=P) -> dict[tuple[int, str, int], str]:
    occ = policy.apply(con, act, settings, as_of)
    return {(r.contract_id, r.occasion, r.k): r.status for r in occ.itertuples()}


# One contract 2026-01-01 .. 2027-12-31: onboarding due 2026-04-01, window 2026-01-31 .. 2026-05-31.
ONE = contracts(("acme", "2026-01-01", "2027-12-31", 1000.0))


def _boundaries(due: date, prefix: str) -> list:
    """as-of on each boundary of the occasion due ``due`` (default policy), and one day either side."""
    d = timedelta(days=1)
    ws, we, horizon = due - 60 * d, due + 60 * d, due - 365 * d
    cases = [
        (horizon - d, "later"), (horizon, "upcoming"), (horizon + d, "upcoming"),
        (ws - d, "upcoming"), (ws, "pending"), (ws + d, "pending"),
        (due - d, "pending"), (due, "pending"), (due + d, "overdue"),
        (we - d, "overdue"), (we, "overdue"), (we + d, "missed"),
    ]  # fmt: skip
    return [pytest.param(as_of, want, id=f"{prefix}-{as_of}-{want}") for as_of, want in cases]


# ONE's onboarding is due 2026-04-01 (window 2026-01-31 .. 2026-05-31, horizon from 2025-04-01);
# its renewal is due 2027-10-02 (window 2027-08-03 .. 2027-12-01).
@pytest.mark.parametrize(("as_of", "expected"), _boundaries(date(2026, 4, 1), "onboarding"))
def test_onboarding_status_boundaries(as_of, expected):
    assert statuses(ONE, NO_ACTIVITY, as_of)[(1, "onboarding", 1)] == expected


@pytest.mark.parametrize(("as_of", "expected"), _boundaries(date(2027, 10, 2), "renewal"))
def test_renewal_status_boundaries(as_of, expected):
    assert statuses(ONE, NO_ACTIVITY, as_of)[(1, "renewal", 1)] == expected


# An evergreen contract from 2024-01-01: periodic k = 2 is due 2025-12-31 (2024 is a leap year).
@pytest.mark.parametrize(("as_of", "expected"), _boundaries(date(2025, 12, 31), "periodic"))
def test_periodic_status_boundaries(as_of, expected):
    con = contracts(("acme", "2024-01-01", None, 100.0))
    assert statuses(con, NO_ACTIVITY, as_of)[(1, "periodic", 2)] == expected


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        ("2026-01-30", "missed"),  # the day before the window opens
        ("2026-01-31", "done"),  # on the window's first day
        ("2026-04-01", "done"),  # on the due date
        ("2026-05-31", "done"),  # on the window's last day
        ("2026-06-01", "missed"),  # the day after it closed
    ],
)
def test_evidence_counts_only_inside_the_window(logged, expected):
    act = activities(("acme", logged, "Health Check", True))
    assert statuses(ONE, act, date(2026, 6, 15))[(1, "onboarding", 1)] == expected


def test_evidence_time_of_day_does_not_matter():
    act = activities(("acme", "2026-05-31 23:59", "Health Check", True))
    act["date"] = act["date"].dt.floor("D")
    assert statuses(ONE, act, date(2026, 5, 31))[(1, "onboarding", 1)] == "done"


def test_several_contracts_per_account_each_yield_their_occasions():
    con = contracts(
        ("acme", "2026-01-01", "2027-12-31", 1000.0),  # onboarding due 2026-04-01
        ("acme", "2025-01-01", "2026-06-30", 500.0),  # onboarding 2025-04-01, renewal 2026-04-01
        ("acme", "2023-06-01", None, 50.0),  # evergreen: periodic due 2024-05-31, 2025-05-31, ...
    )
    act = activities(("acme", "2026-04-05", "HEALTH_CHECK Q1", True))
    s = statuses(con, act, date(2026, 4, 20))
    # One check covers three windows: 2026-01-31..05-31 (twice) and 2026-04-01..07-30.
    assert s[(1, "onboarding", 1)] == "done"
    assert s[(2, "renewal", 1)] == "done"
    assert s[(3, "periodic", 3)] == "done"  # due 2026-05-31
    assert s[(2, "onboarding", 1)] == "missed"  # due 2025-04-01
    assert s[(3, "onboarding", 1)] == "missed"  # due 2023-08-30
    assert s[(3, "periodic", 2)] == "missed"  # due 2025-05-31
    assert s[(3, "periodic", 4)] == "later"  # due 2027-05-31, past the horizon (2027-04-20)
    assert s[(1, "renewal", 1)] == "later"  # due 2027-10-02
    assert len(s) == 9


def test_every_number_of_the_policy_is_a_setting():
    custom = PolicySettings(
        after_start_days=30, before_end_days=10, window_before_days=5, window_after_days=0,
        horizon_days=10, evergreen_every_days=100, fiscal_year_start_month=7,
    )  # fmt: skip
    con = contracts(("acme", "2026-01-01", "2026-12-31", 1.0), ("acme", "2026-01-01", None, 1.0))
    occ = policy.apply(con, NO_ACTIVITY, custom, date(2026, 1, 27))
    got = {(r.contract_id, r.occasion, r.k): r for r in occ.itertuples()}
    onboarding = got[(1, "onboarding", 1)]
    assert onboarding.due == pd.Timestamp("2026-01-31")
    assert (onboarding.window_start, onboarding.window_end) == (
        pd.Timestamp("2026-01-26"), pd.Timestamp("2026-01-31"),
    )  # fmt: skip
    assert onboarding.status == "pending"
    assert onboarding.fiscal_quarter == "FY2026 Q3"  # July start: January is in Q3 of FY2026
    assert got[(1, "renewal", 1)].due == pd.Timestamp("2026-12-21")
    assert got[(1, "renewal", 1)].status == "later"  # beyond the 10-day horizon
    assert got[(2, "periodic", 1)].due == pd.Timestamp("2026-04-11")
    assert (2, "periodic", 2) not in got  # only the first occasion past the horizon is kept


def test_renewal_occasion_and_attached_check_in_window_is_done():
    act = activities(("acme", "2027-09-01", "Health Check", True))
    s = statuses(ONE, act, date(2027, 10, 15))
    assert s[(1, "renewal", 1)] == "done"  # due 2027-10-02, window 2027-08-03 .. 2027-12-01


def test_check_after_as_of_does_not_count():
    act = activities(("acme", "2026-04-10", "Health Check", True))
    assert statuses(ONE, act, date(2026, 4, 5))[(1, "onboarding", 1)] == "overdue"
    assert statuses(ONE, act, date(2026, 4, 10))[(1, "onboarding", 1)] == "done"


def test_check_without_attachment_flags_but_does_not_count():
    act = activities(("acme", "2026-03-01", "health-check", False))
    occ = policy.apply(ONE, act, P, date(2026, 4, 5))
    row = occ[occ["occasion"] == "onboarding"].iloc[0]
    assert row["status"] == "overdue"
    assert bool(row["unattached_hc"])


def test_other_subjects_and_other_accounts_do_not_count():
    act = activities(
        ("acme", "2026-03-01", "Health review", True),
        ("other", "2026-03-01", "Health Check", True),
    )
    assert statuses(ONE, act, date(2026, 4, 5))[(1, "onboarding", 1)] == "overdue"


def test_one_check_covers_every_occasion_of_the_account_whose_window_holds_it():
    con = contracts(
        ("acme", "2026-01-01", "2027-12-31", 1000.0),  # onboarding due 2026-04-01
        ("acme", "2025-06-01", "2026-06-30", 500.0),  # renewal due 2026-04-01
    )
    act = activities(("acme", "2026-03-15", "Health Check", True))
    s = statuses(con, act, date(2026, 4, 20))
    assert s[(1, "onboarding", 1)] == "done"
    assert s[(2, "renewal", 1)] == "done"


def test_evergreen_contract_yields_periodic_occasions():
    con = contracts(("acme", "2024-01-01", None, 100.0))
    s = statuses(con, NO_ACTIVITY, date(2026, 1, 15))
    assert s[(1, "onboarding", 1)] == "missed"
    assert s[(1, "periodic", 1)] == "missed"  # due 2024-12-31
    assert s[(1, "periodic", 2)] == "overdue"  # due 2025-12-31, window to 2026-03-01
    assert s[(1, "periodic", 3)] == "upcoming"  # due 2026-12-31


def test_contract_shorter_than_the_offsets_has_no_occasion_inside_its_term():
    con = contracts(("acme", "2026-01-01", "2026-02-15", 100.0))
    assert statuses(con, NO_ACTIVITY, date(2026, 1, 10)) == {}


def test_fiscal_quarter_with_february_start():
    due = pd.Series(
        pd.to_datetime(["2026-01-31", "2026-02-01", "2026-04-30", "2026-05-01", "2027-01-15"])
    )
    assert policy.fiscal_quarter(due, 2).tolist() == [
        "FY2026 Q4", "FY2027 Q1", "FY2027 Q1", "FY2027 Q2", "FY2027 Q4",
    ]  # fmt: skip
    assert policy.fiscal_quarter(due, 1).tolist()[0] == "FY2026 Q1"


def test_candidates_take_the_most_urgent_status_and_count_each_contract_once():
    con = contracts(
        ("acme", "2026-01-01", "2027-12-31", 1000.0),  # onboarding due 2026-04-01: overdue
        ("acme", "2025-07-15", "2026-08-15", 500.0),  # renewal due 2026-05-17: pending
        ("beta", "2026-03-01", None, 5000.0),  # onboarding due 2026-05-30: pending
    )
    accounts = pd.DataFrame(
        {"account_key": ["acme", "beta"], "account": ["Acme", "Beta"], "owner": ["Nic W", "Ana C"],
         "geo": ["AMS", "EMEA"], "region": ["East", "DACH"]}
    )  # fmt: skip
    occ = policy.apply(con, NO_ACTIVITY, P, date(2026, 4, 10))
    as_of = date(2026, 4, 10)
    enriched = urgency.add(outputs.enrich(occ, con, accounts), as_of, "Health Check")
    cand = outputs.candidates(enriched)
    assert cand["account"].tolist() == ["Beta", "Acme"]  # largest amount first
    acme = cand.set_index("account").loc["Acme"]
    assert acme["status"] == "overdue"
    assert acme["amount"] == 1500.0
    assert acme["next_due"] == pd.Timestamp("2026-04-01")
    assert list(cand.columns) == [*outputs.CANDIDATE_COLUMNS, "account_key"]  # the key travels
    assert cand["account_key"].tolist() == ["beta", "acme"]
