"""Deterministic synthetic CRM data at any scale, as a CRM would export it: seven reports over
accounts with a history.

``generate(accounts=300, seed=7, today=...)`` returns the seven reports of :mod:`democrm.catalog`
(activities, accounts, contracts, surveys, tickets, invoices, usage) as string tables in the CRM's
columns; ``simulate(...)`` returns the same reports with the ground truth behind them (each
account's archetype and dates), for tests and backtests. Dates are placed around ``today`` (the
clock is passed in), so a demo run on any day shows a realistic mix of overdue, pending, upcoming
and done health checks, and the same (seed, today) always yields the same bytes.

**Archetypes** (lives.ARCHETYPES holds every number). Each account lives one of these stories, over
up to six years before today, and every report tells the same story:

- *thriving* (22%): usage grows (seats and the active share), contacts answer fast and warmly
  (praise, expansion, renewal talk), NPS answers are promoters, invoices are paid early, health
  checks are logged early, new product lines are bought over time (expansion contracts), few cases.
- *steady* (33%): the middle of the road; the mix of everything.
- *noisy but healthy* (10%): many cases (about 1.3 a month, more of them severe and escalated),
  heavy usage, promoters on the Success question but lukewarm on Technical Support; renews.
- *quietly churning* (10%): a relationship whose last day is in the coming year with no renewal
  booked. Over its last 15 months it fades: fewer touches, fewer and slower replies, notes about
  pricing pushback, competitors and escalations, cases rising, invoices paid weeks late or not at
  all, survey invitations unanswered (the decision maker first), usage falling. All of it is
  visible before the contract ends; the customer's notice of non-renewal arrives weeks before.
- *churned* (12%): the same story, finished: the relationship ended in the last 2.5 years. The
  outcome is recorded: every contract's last term ends on that day and nothing follows, a
  "Non-renewal notice" activity precedes it, and the accounts report says "Former Customer".
- *stalled* (6%): bought one term, ramped up during onboarding and then stalled at a quarter of its
  seats; few replies; did not renew ("the platform never got traction").
- *silent* (7%): nothing at all: no activity, case, survey, invoice (bought through a channel
  partner: "Customer - Channel") or usage; only the account and its contracts. 40% of them lapse.

**Patterns later features must find**, designed in:

- health score (issue 12): the activities say who wrote (Contact), which way (Direction: an
  Inbound ``RE:`` row answers an Outbound e-mail, minutes to days later) and how (Type: Email, Call,
  Meeting), with notes (Description) whose tone follows the topic (escalation, outage, pricing
  pushback, competitor risk, renewal, expansion, praise, routine with no signal): response rate,
  response time and tone are computable; as a relationship fades the rate falls, the time grows and
  the tone sours.
- health map (issue 13): see :mod:`.surveys`: the Success question and two touchpoint questions
  on 0-10 scales, two questionnaires, four waves each, three roles, non-responders as empty
  ratings; every band (Low, Mid, High) of both measures and Silent appear in a few hundred accounts.
- journeys (issue 14): stalled accounts (onboarding, then flat adoption, then churn); the upgrade
  to v5 (a "v5 upgrade planning" meeting, an "Upgrade to v5" case and a dip in usage) followed
  within weeks by escalated high-priority cases far more often than chance; thriving accounts'
  path of early health checks and expansion contracts with few cases.

Everything is vectorised with numpy over a monthly panel (account x month): 100,000 accounts give
about 500,000 contracts, 5,000,000 activities, 950,000 cases, 1,150,000 invoices, 2,300,000 usage
months and 700,000 survey rows (issue 11's benchmark proportions). With ``messy=True`` (the default) the exports carry the mess
real ones do (GUIDE section 3): mixed money and date formats, account names spelled differently per
report (the support system has its own spelling per account, a few with a typo that only a fuzzy
match or an alias resolves), flags in every dialect, duplicates, blanks, reversed terms and a few
rows in each report that nothing can rescue. docs/demo.md tells the same for users.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from hcportal.democrm.catalog import REPORTS
from hcportal.democrm.synthetic import exports
from hcportal.democrm.synthetic import formats as fmt
from hcportal.democrm.synthetic.activities import activities as draw_activities
from hcportal.democrm.synthetic.contacts import contacts
from hcportal.democrm.synthetic.contracts import contracts as draw_contracts
from hcportal.democrm.synthetic.invoices import invoices as draw_invoices
from hcportal.democrm.synthetic.lives import NAMES, lives, panel
from hcportal.democrm.synthetic.surveys import surveys as draw_surveys
from hcportal.democrm.synthetic.tickets import tickets as draw_tickets
from hcportal.democrm.synthetic.usage import usage as draw_usage
from hcportal.democrm.synthetic.words import (
    ADJ,
    FIRST,
    INDUSTRIES,
    LAST,
    LEGAL,
    NOUN,
    PLACE,
    TERRITORIES,
    TIERS,
)

__all__ = ["Simulation", "generate", "simulate"]


@dataclass
class Simulation:
    """The exports, and the truth they were drawn from (one row per account, in the accounts
    report's order: Account as that report names it, archetype, since, until, upgrade)."""

    reports: dict[str, pd.DataFrame]
    truth: pd.DataFrame


def generate(
    accounts: int = 300,
    seed: int = 7,
    *,
    today: date,
    contracts_per_account: float = 5.0,
    activities_per_account: float = 50.0,
    messy: bool = True,
) -> dict[str, pd.DataFrame]:
    """Return the seven reports as string tables in the CRM's columns, by report key.

    ``contracts_per_account`` and ``activities_per_account`` are averages to aim at: a
    relationship of a few years renews its contracts (about two per product line at least), and
    the health checks and milestones are drawn whatever the activity rate; the conversation
    fills the rest. ``messy=False`` gives tidy exports (one spelling, ISO dates, no duplicates).
    """
    return simulate(
        accounts,
        seed,
        today=today,
        contracts_per_account=contracts_per_account,
        activities_per_account=activities_per_account,
        messy=messy,
    ).reports


def simulate(
    accounts: int = 300,
    seed: int = 7,
    *,
    today: date,
    contracts_per_account: float = 5.0,
    activities_per_account: float = 50.0,
    messy: bool = True,
) -> Simulation:
    """:func:`generate`, with the ground truth of each account's story."""
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    rng = np.random.default_rng(seed)
    t0 = np.datetime64(today, "D")

    owners, managers = _people(rng, max(4, round(accounts / 25)), max(2, round(accounts / 60)))
    acc = _accounts(rng, accounts, owners, managers)
    tier = acc["tier"].to_numpy()
    life = lives(rng, accounts, t0)
    grid = panel(life)
    people = contacts(rng, acc["base"].to_numpy(), tier)
    con = draw_contracts(rng, life, tier, contracts_per_account)
    act = draw_activities(
        rng, life, grid, people, con, acc["owner_idx"].to_numpy(), len(owners),
        activities_per_account,
    )  # fmt: skip
    cases = draw_tickets(rng, life, grid)
    bills = draw_invoices(rng, life, con)
    used = draw_usage(rng, life, grid, tier)
    asked = draw_surveys(rng, life, people)

    forms = fmt.name_forms(acc["name"].to_numpy(), acc["base"].to_numpy())
    owner_names = owners["owner"].to_numpy()
    reports = {
        "activities": exports.activities(rng, act, forms, owner_names, people, messy),
        "accounts": exports.accounts(acc, life),
        "contracts": exports.contracts(rng, con, forms, messy),
        "surveys": exports.surveys(rng, asked, forms, people, messy),
        "tickets": exports.tickets(rng, cases, forms, messy),
        "invoices": exports.invoices(rng, bills, forms, messy),
        "usage": exports.usage(rng, used, forms, messy),
    }
    if messy:
        reports = {k: exports.add_bad_rows(rng, k, df) for k, df in reports.items()}
    for key, df in reports.items():
        assert tuple(df.columns) == REPORTS[key].columns, key
    truth = pd.DataFrame(
        {
            "Account": acc["name"],
            "archetype": np.asarray(NAMES, dtype=object)[life.arch],
            "since": life.since,
            "until": life.until,
            "upgrade": life.upgrade,
        }
    )
    return Simulation(reports, truth)


# -- entities -------------------------------------------------------------------------------------


def _unique_names(rng: np.random.Generator, n: int, *parts: list[str]) -> np.ndarray:
    """``n`` distinct names drawn from the product of word lists (numbered once that runs out)."""
    sizes = [len(p) for p in parts]
    total = int(np.prod(sizes))
    picks = rng.permutation(total)[: min(n, total)]
    names = []
    for idx in picks:
        words = []
        for part, size in zip(reversed(parts), reversed(sizes), strict=True):
            idx, r = divmod(int(idx), size)
            words.append(part[r])
        names.append(" ".join(reversed(words)))
    for k in itertools.count(2):
        if len(names) >= n:
            break
        names.extend(f"{name} {k}" for name in names[: n - len(names)] if not name[-1].isdigit())
    return np.array(names[:n], dtype=object)


def _people(rng: np.random.Generator, n: int, n_managers: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The sellers (owners, each in a GEO and region) and the account managers beside them."""
    names = _unique_names(rng, n + n_managers, FIRST, LAST)
    geos = np.array(list(TERRITORIES), dtype=object)
    geo = geos[rng.choice(len(geos), n, p=[0.5, 0.3, 0.2])]
    region = np.array(
        [TERRITORIES[g][rng.integers(len(TERRITORIES[g]))] for g in geo], dtype=object
    )
    return pd.DataFrame({"owner": names[:n], "geo": geo, "region": region}), names[n:]


def _accounts(
    rng: np.random.Generator, n: int, owners: pd.DataFrame, managers: np.ndarray
) -> pd.DataFrame:
    base = (
        _unique_names(rng, n, ADJ, NOUN, PLACE)
        if n > len(ADJ) * len(NOUN) // 4
        else (_unique_names(rng, n, ADJ, NOUN))
    )
    legal = np.array(LEGAL, dtype=object)[rng.integers(len(LEGAL), size=n)]
    # Sellers' books differ in size: a few carry many accounts, most carry a handful.
    weights = rng.pareto(2.0, len(owners)) + 1
    owner_idx = rng.choice(len(owners), n, p=weights / weights.sum())
    tier = rng.choice(len(TIERS), n, p=[0.1, 0.3, 0.6])
    # Each seller works with two account managers.
    manager = (owner_idx * 7 + rng.integers(0, 2, n)) % len(managers)
    return pd.DataFrame(
        {
            "base": base,
            "name": base + legal,
            "owner_idx": owner_idx,
            "owner": owners["owner"].to_numpy()[owner_idx],
            "geo": owners["geo"].to_numpy()[owner_idx],
            "region": owners["region"].to_numpy()[owner_idx],
            "tier": tier,
            "industry": np.array(INDUSTRIES, dtype=object)[rng.integers(len(INDUSTRIES), size=n)],
            "manager": managers[manager],
        }
    )
