"""Urgency and the next action (transform/urgency.py), on hand-computed dates."""

from __future__ import annotations

from datetime import date

import pandas as pd

from hcportal.transform import outputs, policy, urgency
from tests.test_policy import NO_ACTIVITY, P, activities, contracts

AS_OF = date(2026, 4, 10)
CON = contracts(
    ("acme", "2026-01-01", "2027-12-31", 1000.0),  # onboarding due 2026-04-01 (window to 05-31)
    ("acme", "2025-07-15", "2026-08-15", 500.0),  # renewal due 2026-05-17 (window to 07-16)
    ("beta", "2026-03-01", None, 5000.0),  # onboarding due 05-30 (to 07-29); periodic 2027-03-01
)
ACCOUNTS = pd.DataFrame(
    {"account_key": ["acme", "beta"], "account": ["Acme", "Beta"], "owner": ["Nic W", "Ana C"],
     "geo": ["AMS", "EMEA"], "region": ["East", "DACH"]}
)  # fmt: skip


def occasions(act=NO_ACTIVITY, as_of=AS_OF, label="Health Check") -> pd.DataFrame:
    occ = policy.apply(CON, act, P, as_of)
    return urgency.add(outputs.enrich(occ, CON, ACCOUNTS), as_of, label)


def action(occ: pd.DataFrame, account: str, occasion: str) -> str:
    """The next action of the account's target occasion of that kind (one in these fixtures)."""
    row = occ[(occ["account"] == account) & (occ["occasion"] == occasion) & occ["urgency"].notna()]
    assert len(row) == 1
    return row["next_action"].iloc[0]


def by_occasion(occ: pd.DataFrame) -> dict:
    t = occ[occ["urgency"].notna()]
    return {
        (r.account, r.occasion): (
            r.status,
            r.days_overdue,
            r.days_to_due,
            r.days_to_close,
            r.urgency,
        )
        for r in t.itertuples()
    }


def test_days_and_rank_follow_the_policy_dates():
    got = by_occasion(occasions())
    na = pd.NA
    assert got == {
        ("Acme", "onboarding"): ("overdue", 9, na, 51, 1),  # due 04-01, closes 05-31
        ("Acme", "renewal"): ("pending", na, 37, 97, 2),  # due 05-17, closes 07-16
        ("Beta", "onboarding"): ("pending", na, 50, 110, 3),  # due 05-30, closes 07-29
        ("Beta", "periodic"): ("upcoming", na, 325, 385, 4),  # due 2027-03-01
    }


def test_overdue_ranks_by_days_left_in_the_window_not_by_amount():
    # On 2026-05-20 Acme's onboarding (closes 05-31, $1,000) is more urgent than Acme's renewal,
    # overdue since 05-17 but open to 07-16, and than Beta ($5,000), pending.
    got = by_occasion(occasions(as_of=date(2026, 5, 20)))
    assert got[("Acme", "onboarding")][4] == 1
    assert got[("Acme", "renewal")][:2] == ("overdue", 3)
    assert got[("Acme", "renewal")][4] == 2
    assert got[("Beta", "onboarding")][4] == 3


def test_the_next_action_names_occasion_contract_days_what_to_log_and_the_close():
    occ = occasions()
    assert action(occ, "Acme", "onboarding") == (
        "Onboarding check for the SaaS contract is 9 days overdue: log a Health Check with its "
        "report attached by 2026-05-31, when the window closes (in 51 days)."
    )
    assert action(occ, "Acme", "renewal") == (
        "Renewal check for the SaaS contract is due in 37 days, on 2026-05-17: log a Health Check "
        "with its report attached by then (the window closes 2026-07-16)."
    )
    assert action(occ, "Beta", "periodic") == (
        "Periodic check #1 for the SaaS contract is due on 2027-03-01, in 325 days: log a Health "
        "Check with its report attached between 2026-12-31, when the window opens, and 2027-04-30."
    )
    later = occ[occ["status"].isin(["missed", "later", "done"])]
    assert (later["next_action"] == "").all() and later["urgency"].isna().all()


def test_a_check_without_its_report_is_told_to_attach_it():
    act = activities(("acme", "2026-03-01", "health-check call", False))
    occ = occasions(act, label="QBR Health Check")
    assert action(occ, "Acme", "onboarding") == (
        "Onboarding check for the SaaS contract is 9 days overdue; the QBR Health Check logged on "
        "2026-03-01 has no report attached: attach the report to it by 2026-05-31, when the "
        "window closes."
    )


def test_hostile_product_names_travel_as_text():
    con = CON.copy()
    con["product"] = ["<script>alert(1)</script>", "", "HW"]
    occ = urgency.add(
        outputs.enrich(policy.apply(con, NO_ACTIVITY, P, AS_OF), con, ACCOUNTS),
        AS_OF,
        "Health Check",
    )
    assert "for the <script>alert(1)</script> contract" in action(occ, "Acme", "onboarding")
    # No product: the contract is named by its start.
    assert "for the contract starting 2025-07-15 " in action(occ, "Acme", "renewal")


def test_an_account_takes_its_most_urgent_occasion():
    cand = outputs.candidates(occasions()).set_index("account")
    assert cand.loc["Acme", "urgency"] == 1
    assert cand.loc["Acme", "next_action"].startswith("Onboarding check for the SaaS contract is 9")
    assert cand.loc["Beta", "urgency"] == 3


def test_no_targets_no_rows():
    occ = occasions(as_of=date(2020, 1, 1))
    assert occ["urgency"].isna().all()
    assert outputs.candidates(occ).empty
