"""Activities: health checks around their occasions, and the month-by-month conversation.

Three kinds of rows:

- **health checks**, clustered around the occasions the policy will find, so the demo shows every
  status (done on time, done late, logged without the attachment, never done, not yet due). How
  often they are logged, and how early, follows the archetype: thriving accounts get early checks.
- **touches**: e-mails, calls and meetings drawn on the monthly panel at the archetype's rate,
  each about a topic (words.TOPICS) chosen by archetype and phase (onboarding, usual, fading). An
  outbound e-mail is answered by the contact (an Inbound ``RE:`` row) with the archetype's chance
  and delay; both fall as a relationship fades, so response rate and time are measurable.
- **milestones**: the customer's notice of non-renewal before a relationship ends, the v5 upgrade's
  planning meeting, an expansion order signed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic.contacts import Contacts
from hcportal.democrm.synthetic.contracts import EXPANSION
from hcportal.democrm.synthetic.formats import DAY, choose
from hcportal.democrm.synthetic.lives import (
    NAMES,
    ONBOARDING_MONTHS,
    PARAMS,
    THRIVING,
    Lives,
    Panel,
)
from hcportal.democrm.synthetic.lives import STALLED as STALLED_ACCOUNT
from hcportal.democrm.synthetic.words import (
    EXPANSION_NOTE,
    EXPANSION_SUBJECT,
    HC_NOTES,
    HC_SUBJECTS,
    NON_RENEWAL_NOTES,
    NON_RENEWAL_SUBJECTS,
    OPPORTUNITIES,
    STALLED_NOTE,
    TOPIC,
    TOPICS,
    UPGRADE_NOTE,
    UPGRADE_SUBJECT,
)

EMAIL, CALL, MEETING = range(3)
OUTBOUND, INBOUND = range(2)
TYPE_P = (0.6, 0.15, 0.25)
INBOUND_P = 0.25  # an e-mail the customer started
INBOUND_UPSET_P = 0.55  # ... when it is about an escalation, an outage or the price
OWNER_LOGS = 0.85  # mostly the account's owner logs it; sometimes a colleague does

# Topic mix per archetype in a usual month (order of words.TOPICS: routine, praise, renewal,
# expansion, next_steps, discovery, pricing, escalation, outage, risk, onboarding).
_USUAL = {
    "thriving": (30, 16, 8, 12, 14, 12, 2, 2, 1, 1, 2),
    "steady": (38, 7, 8, 4, 15, 10, 6, 5, 3, 2, 2),
    "noisy": (28, 10, 7, 5, 10, 5, 4, 16, 12, 1, 2),
    "stalled": (40, 3, 5, 1, 12, 5, 8, 6, 4, 12, 4),
}
_ONBOARDING = (15, 5, 0, 0, 20, 10, 0, 2, 1, 0, 47)
_FADING = (30, 1, 5, 0, 6, 2, 20, 14, 7, 15, 0)


def _topic_table() -> np.ndarray:
    """Rows: archetype x phase (onboarding, usual, three depths of fading); columns: topics."""
    rows = []
    for name in NAMES:
        usual = np.array(_USUAL.get(name, _USUAL["steady"]), dtype=float)
        usual /= usual.sum()
        fading = np.array(_FADING, dtype=float) / sum(_FADING)
        onboarding = np.array(_ONBOARDING, dtype=float) / sum(_ONBOARDING)
        rows.append(onboarding)
        rows.append(usual)
        for f in (0.85, 0.55, 0.2):  # the middles of fade > 0.7, 0.4-0.7, < 0.4
            rows.append(f * usual + (1 - f) * fading)
    return np.array(rows)


TOPIC_P = _topic_table()
PHASES = 5


class Labels:
    """A column's distinct texts: rows hold indices into it (cheap to draw, cheap to export)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, texts) -> int:
        """Append ``texts``; the index of the first."""
        first = len(self.items)
        self.items.extend(texts)
        return first

    def groups(self, groups) -> tuple[np.ndarray, np.ndarray]:
        """Append each group; the index of each group's first text, and each group's size."""
        return np.array([self.add(g) for g in groups]), np.array([len(g) for g in groups])


SUBJECTS, NOTES = Labels(), Labels()
# A health check's subject; "HEALTH_CHECK Q{q}" names the quarter it was held in.
HC_SUBJECT = np.array(
    [SUBJECTS.add([s.format(q=q) for q in range(1, 5)]) if "{q}" in s else SUBJECTS.add([s])
     for s in HC_SUBJECTS]
)  # fmt: skip
HC_QUARTERLY = np.array(["{q}" in s for s in HC_SUBJECTS])
HC_NOTE = NOTES.add(HC_NOTES)
TOPIC_SUBJECTS = SUBJECTS.groups([t.subjects for t in TOPICS])
REPLY_SUBJECTS = SUBJECTS.groups([["RE: " + s for s in t.subjects] for t in TOPICS])
TOPIC_NOTES = NOTES.groups([t.notes for t in TOPICS])
REPLY_NOTES = NOTES.groups([t.replies for t in TOPICS])
NON_RENEWAL_SUBJECT = SUBJECTS.add(NON_RENEWAL_SUBJECTS)
NON_RENEWAL_NOTE = NOTES.add(NON_RENEWAL_NOTES)
STALLED = NOTES.add([STALLED_NOTE])
UPGRADE = (SUBJECTS.add([UPGRADE_SUBJECT]), NOTES.add([UPGRADE_NOTE]))
EXPANDED = (SUBJECTS.add([EXPANSION_SUBJECT]), NOTES.add([EXPANSION_NOTE]))
OPPORTUNITY_LABELS = ("", *OPPORTUNITIES)
OPPORTUNITY = {name: i for i, name in enumerate(OPPORTUNITY_LABELS)}


def _in_group(table: tuple[np.ndarray, np.ndarray], group: np.ndarray, u: np.ndarray):
    first, count = table
    return first[group] + (u * count[group]).astype(np.int64)


def _minutes(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """A time in working hours (08:00-18:00) on each day."""
    return days.astype("datetime64[m]") + rng.integers(8 * 60, 18 * 60, len(days)).astype(
        "timedelta64[m]"
    )


def activities(
    rng: np.random.Generator,
    life: Lives,
    grid: Panel,
    people: Contacts,
    con: pd.DataFrame,
    owner_of: np.ndarray,
    n_owners: int,
    per_account: float,
) -> pd.DataFrame:
    """Activity rows: acc, owner index, ts, attached, contact (index into ``people``, -1 for
    none), direction, type, topic, revenue, and indices into SUBJECTS, NOTES
    (``description``) and OPPORTUNITY_LABELS (``opportunity``)."""
    today = life.today
    parts = [_health_checks(rng, life, people, con), _milestones(rng, life, people, con)]
    fixed = sum(len(p["acc"]) for p in parts)
    parts += _touches(rng, life, grid, people, max(round(per_account * len(life)) - fixed, 0))
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(cols["acc"])
    own = owner_of[cols["acc"]]
    cols["owner"] = np.where(rng.random(n) < OWNER_LOGS, own, rng.integers(n_owners, size=n))
    keep = cols["ts"] < (today + DAY).astype("datetime64[m]")
    order = rng.permutation(np.flatnonzero(keep))  # exports are not grouped by kind
    return pd.DataFrame({k: v[order] for k, v in cols.items()})


def _rows(acc, ts, subject, note, contact, direction, kind, topic, attached, opportunity, revenue):
    return {
        "acc": acc,
        "ts": ts,
        "subject": subject,
        "description": note,
        "contact": contact,
        "direction": np.broadcast_to(direction, len(acc)).astype(np.int8),
        "type": np.broadcast_to(kind, len(acc)).astype(np.int8),
        "topic": np.broadcast_to(topic, len(acc)).astype(np.int8),
        "attached": attached,
        "opportunity": opportunity,
        "revenue": revenue,
    }


def _opportunities(rng: np.random.Generator, n: int, share: float):
    has = rng.random(n) < share
    opp = np.where(has, 1 + rng.integers(len(OPPORTUNITIES), size=n), 0)
    revenue = np.where(has, np.round(np.exp(rng.normal(10.5, 1.4, n)), -2), np.nan)
    return opp, revenue


def _health_checks(rng: np.random.Generator, life: Lives, people: Contacts, con: pd.DataFrame):
    today = life.today
    due = np.concatenate([con["start"].to_numpy() + 90 * DAY, con["end"].to_numpy() - 90 * DAY])
    acc = np.concatenate([con["acc"].to_numpy()] * 2)
    ok = ~np.isnat(due) & (due <= today + 30 * DAY)
    due, acc = due[ok], acc[ok]
    logged = rng.random(len(due)) < life.p("hc_logged", acc) * life.fade(acc, due)
    due, acc = due[logged], acc[logged]
    early = life.p("hc_early", acc)
    spread = np.where(life.arch[acc] == THRIVING, 15, 35)
    day = due + np.round(rng.normal(-early, spread)).astype("timedelta64[D]")
    keep = (day <= today) & life.live(acc, day)
    day, acc = day[keep], acc[keep]
    n = len(acc)
    ts = _minutes(rng, day)
    quarter = (ts.astype("datetime64[M]").astype(np.int64) % 12) // 3
    template = rng.integers(len(HC_SUBJECTS), size=n)
    subject = HC_SUBJECT[template] + np.where(HC_QUARTERLY[template], quarter, 0)
    note = HC_NOTE + rng.integers(len(HC_NOTES), size=n)
    # Held with the decision maker or an influencer.
    contact = people.first[acc] + (rng.random(n) < 0.5)
    attached = rng.random(n) < np.where(life.arch[acc] == THRIVING, 0.9, 0.72)
    opp, revenue = _opportunities(rng, n, 0.5)
    return _rows(acc, ts, subject, note, contact, OUTBOUND, MEETING, -1, attached, opp, revenue)


def _milestones(rng: np.random.Generator, life: Lives, people: Contacts, con: pd.DataFrame):
    today = life.today
    # The customer's notice that it will not renew, weeks before the end.
    ending = np.flatnonzero(~np.isnat(life.until) & (life.p("touches", np.arange(len(life))) > 0))
    notice = life.until[ending] - rng.integers(20, 90, len(ending)).astype("timedelta64[D]")
    a1 = ending[notice <= today]
    notice = notice[notice <= today]
    note1 = np.where(
        life.arch[a1] == STALLED_ACCOUNT, STALLED, NON_RENEWAL_NOTE + rng.integers(3, size=len(a1))
    )
    subj1 = NON_RENEWAL_SUBJECT + rng.integers(len(NON_RENEWAL_SUBJECTS), size=len(a1))
    # The v5 upgrade's planning meeting, a week or three before it.
    a2 = np.flatnonzero(~np.isnat(life.upgrade))
    day2 = life.upgrade[a2] - rng.integers(7, 21, len(a2)).astype("timedelta64[D]")
    # An expansion signed on the day its line starts.
    exp = con[(con["kind"] == EXPANSION) & (con["renewal"] == 0) & (con["start"] <= today)]
    a3 = exp["acc"].to_numpy()
    n1, n2, n3 = len(a1), len(a2), len(a3)
    return {
        "acc": np.concatenate([a1, a2, a3]),
        "ts": _minutes(rng, np.concatenate([notice, day2, exp["start"].to_numpy()])),
        "subject": np.concatenate([subj1, np.full(n2, UPGRADE[0]), np.full(n3, EXPANDED[0])]),
        "description": np.concatenate([note1, np.full(n2, UPGRADE[1]), np.full(n3, EXPANDED[1])]),
        "contact": np.concatenate(
            [people.first[a1], people.of(a2, rng.random(n2)), people.first[a3]]
        ),
        "direction": np.repeat(np.array([INBOUND, OUTBOUND, OUTBOUND], np.int8), [n1, n2, n3]),
        "type": np.repeat(np.array([EMAIL, MEETING, MEETING], np.int8), [n1, n2, n3]),
        "topic": np.repeat(
            np.array([TOPIC["risk"], TOPIC["next_steps"], TOPIC["expansion"]], np.int8),
            [n1, n2, n3],
        ),
        "attached": np.concatenate([np.zeros(n1, bool), rng.random(n2) < 0.3, np.ones(n3, bool)]),
        "opportunity": np.repeat(
            [OPPORTUNITY["Renewal"], OPPORTUNITY[""], OPPORTUNITY["Expansion"]], [n1, n2, n3]
        ),
        "revenue": np.concatenate([np.full(n1 + n2, np.nan), exp["amount"].to_numpy()]),
    }


def _touches(
    rng: np.random.Generator, life: Lives, grid: Panel, people: Contacts, target: int
) -> list[dict]:
    acc = grid.acc
    arch = life.arch[acc]
    onboarding = grid.age < ONBOARDING_MONTHS
    # Thriving accounts grow closer: their rhythm rises over the first two years.
    growth = np.where(arch == THRIVING, 0.75 + 0.5 * np.clip(grid.age / 24, 0, 1), 1.0)
    weight = (
        PARAMS["touches"][arch] * grid.fade * growth * np.where(onboarding, 1.5, 1.0) * grid.span
    )
    # A fading customer stops answering faster than it stops being written to.
    reply_p = PARAMS["reply"][arch] * grid.fade**1.5
    # Each touch brings its answer with it, on average: scale so the total meets the target.
    per_touch = 1 + TYPE_P[EMAIL] * (1 - INBOUND_P) * reply_p
    base = target / max((weight * per_touch).sum(), 1e-9)
    cell = np.repeat(np.arange(len(grid)), rng.poisson(base * weight))
    n = len(cell)
    a = acc[cell]
    f = grid.fade[cell]
    depth = np.where(f >= 1, 1, np.where(f > 0.7, 2, np.where(f > 0.4, 3, 4)))
    phase = np.where(onboarding[cell], 0, depth)
    row = arch[cell].astype(np.int64) * PHASES + phase
    u = rng.random(n)
    topic = np.zeros(n, np.int8)
    cum = np.cumsum(TOPIC_P, axis=1)
    for r in np.unique(row):
        idx = np.flatnonzero(row == r)
        topic[idx] = np.searchsorted(cum[r], u[idx] * cum[r, -1], side="right")
    kind = choose(rng, n, TYPE_P)
    upset = np.isin(topic, [TOPIC["escalation"], TOPIC["outage"], TOPIC["pricing"]])
    inbound = (kind == EMAIL) & (rng.random(n) < np.where(upset, INBOUND_UPSET_P, INBOUND_P))
    ts = _minutes(rng, grid.days_in(cell, rng))
    contact = people.of(a, rng.random(n))
    contact = np.where((kind == CALL) & (rng.random(n) < 0.05), -1, contact)  # a call, unnamed
    opp, revenue = _opportunities(rng, n, 0.3)
    linked = {"renewal": "Renewal", "expansion": "Expansion", "discovery": "Migration"}
    for name, label in linked.items():
        sel = topic == TOPIC[name]
        opp[sel] = OPPORTUNITY[label]
        missing = sel & np.isnan(revenue)
        revenue[missing] = np.round(np.exp(rng.normal(10.5, 1.4, missing.sum())), -2)
    subject = _in_group(TOPIC_SUBJECTS, topic, rng.random(n))
    touches = _rows(
        a,
        ts,
        subject,
        _in_group(TOPIC_NOTES, topic, rng.random(n)),
        contact,
        np.where(inbound, INBOUND, OUTBOUND),
        kind,
        topic,
        rng.random(n) < 0.2,
        opp,
        revenue,
    )

    # The customer's answers to outbound e-mails: fewer and slower as a relationship fades.
    asked = np.flatnonzero((kind == EMAIL) & ~inbound)
    c = cell[asked]
    answered = asked[rng.random(len(asked)) < reply_p[c]]
    c = cell[answered]
    hours = PARAMS["reply_hours"][arch[c]] / grid.fade[c] ** 1.5
    delay = np.exp(rng.normal(np.log(np.maximum(hours, 0.5)), 0.8)) * 60
    at = ts[answered] + delay.astype("timedelta64[m]")
    until = life.until[a[answered]]
    ok = np.isnat(until) | (at < (until + DAY).astype("datetime64[m]"))
    answered, at = answered[ok], at[ok]
    m = len(answered)
    replies = _rows(
        a[answered],
        at,
        # The answer's subject is the e-mail's, with "RE: " before it.
        subject[answered] - TOPIC_SUBJECTS[0][topic[answered]] + REPLY_SUBJECTS[0][topic[answered]],
        _in_group(REPLY_NOTES, topic[answered], rng.random(m)),
        contact[answered],
        INBOUND,
        EMAIL,
        topic[answered],
        rng.random(m) < 0.05,
        np.zeros(m, np.int64),
        np.full(m, np.nan),
    )
    return [touches, replies]
