"""Invariants of the policy on random books of contracts and activities (hypothesis).

The vectorised policy is checked against a plain one-occasion-at-a-time reading of GUIDE section 4,
and three invariants hold whatever the data: the statuses partition the occasions, moving the
as-of date forward never undoes a ``done``, and an unrelated activity never changes a status.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcportal.transform import policy
from hcportal.transform.settings import PolicySettings

DAY = timedelta(days=1)
START, SPAN = date(2022, 1, 1), 6 * 365
ACCOUNTS = ("acme", "beta", "cora")

days = st.integers(min_value=0, max_value=SPAN)
contract = st.tuples(
    st.sampled_from(ACCOUNTS), days, st.one_of(st.none(), st.integers(0, 5 * 365))
)  # (account, start offset, term in days or None: evergreen)
activity = st.tuples(st.sampled_from(ACCOUNTS), days, st.booleans(), st.booleans())
# (account, day offset, subject is a health check, attachment)
policies = st.builds(
    PolicySettings,
    after_start_days=st.integers(0, 200),
    before_end_days=st.integers(0, 200),
    evergreen_every_days=st.integers(30, 400),
    window_before_days=st.integers(0, 90),
    window_after_days=st.integers(0, 90),
    horizon_days=st.integers(0, 400),
)
# 3 x 60 generated books through the whole policy: make test runs them; the fast loop has the
# policy's hand-computed cases (test_policy.py).
pytestmark = pytest.mark.slow
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frames(cons: list, acts: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = pd.DataFrame(
        {
            "contract_id": range(1, len(cons) + 1),
            "account_key": [a for a, _, _ in cons],
            "start": [pd.Timestamp(START + s * DAY) for _, s, _ in cons],
            "end": [
                pd.Timestamp(START + (s + t) * DAY) if t is not None else pd.NaT for _, s, t in cons
            ],
        }
    ).astype({"start": "datetime64[s]", "end": "datetime64[s]"})
    a = pd.DataFrame(
        {
            "account_key": [a for a, *_ in acts],
            "date": [pd.Timestamp(START + d * DAY) for _, d, _, _ in acts],
            "is_hc": [hc for *_, hc, _ in acts],
            "attachment": [att for *_, att in acts],
        }
    ).astype({"date": "datetime64[s]", "is_hc": bool, "attachment": bool})
    return c, a


def oracle(cons: list, acts: list, p: PolicySettings, as_of: date) -> dict:
    """GUIDE section 4, read literally, one occasion at a time."""
    out = {}
    for cid, (acc, s, t) in enumerate(cons, start=1):
        start = START + s * DAY
        end = start + t * DAY if t is not None else None
        dues = [("onboarding", 1, start + p.after_start_days * DAY)]
        if end:
            dues.append(("renewal", 1, end - p.before_end_days * DAY))
        else:
            k = 1
            while True:
                dues.append(("periodic", k, start + k * p.evergreen_every_days * DAY))
                if dues[-1][2] > as_of + p.horizon_days * DAY:
                    break
                k += 1
        for name, k, due in dues:
            if due < start or (end and due > end):
                continue
            ws, we = due - p.window_before_days * DAY, due + p.window_after_days * DAY
            checks = [START + d * DAY for a, d, hc, att in acts if a == acc and hc and att]
            if any(ws <= c <= we and c <= as_of for c in checks):
                status = "done"
            elif as_of > we:
                status = "missed"
            elif due < as_of <= we:
                status = "overdue"
            elif ws <= as_of <= due:
                status = "pending"
            elif as_of < ws and due <= as_of + p.horizon_days * DAY:
                status = "upcoming"
            else:
                status = "later"
            out[(cid, name, k)] = status
    return out


def statuses(cons: list, acts: list, p: PolicySettings, as_of: date) -> dict:
    c, a = frames(cons, acts)
    occ = policy.apply(c, a, p, as_of)
    return {(r.contract_id, str(r.occasion), r.k): str(r.status) for r in occ.itertuples()}


@PROFILE
@given(st.lists(contract, max_size=6), st.lists(activity, max_size=12), policies, days)
def test_statuses_partition_the_occasions_as_the_guide_reads(cons, acts, p, as_of_offset):
    as_of = START + as_of_offset * DAY
    c, a = frames(cons, acts)
    occ = policy.apply(c, a, p, as_of)
    assert set(occ["status"].astype(str)) <= set(policy.STATUSES)
    assert occ["status"].notna().all()
    assert not occ.duplicated(["contract_id", "occasion", "k"]).any()
    assert statuses(cons, acts, p, as_of) == oracle(cons, acts, p, as_of)


@PROFILE
@given(
    st.lists(contract, max_size=6),
    st.lists(activity, max_size=12),
    policies,
    days,
    st.integers(1, 800),
)
def test_moving_as_of_forward_never_undoes_done(cons, acts, p, as_of_offset, forward):
    earlier = statuses(cons, acts, p, START + as_of_offset * DAY)
    later = statuses(cons, acts, p, START + (as_of_offset + forward) * DAY)
    for key, status in earlier.items():
        if status == "done":
            assert later[key] == "done", key


@PROFILE
@given(
    st.lists(contract, max_size=6),
    st.lists(activity, max_size=12),
    policies,
    days,
    days,
    st.sampled_from(["other account", "other subject"]),
)
def test_an_unrelated_activity_never_changes_a_status(cons, acts, p, as_of_offset, day, kind):
    as_of = START + as_of_offset * DAY
    before = statuses(cons, acts, p, as_of)
    if kind == "other account":
        extra = ("zeta", day, True, True)  # a health check on an account with no contract
    else:
        extra = (ACCOUNTS[day % 3], day, False, True)  # a demo, a QBR: not a health check
    assert statuses(cons, [*acts, extra], p, as_of) == before
