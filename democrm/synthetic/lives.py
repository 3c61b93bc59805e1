"""Each account's life: its archetype, when the relationship began and ended, how it behaved.

Every report is drawn from these lives, so the reports agree with each other the way a real
customer's do: an account whose engagement fades also files more cases, pays later, stops answering
surveys and then does not renew. The parameters below are the whole story; the modules that write
each report only apply them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from hcportal.democrm.synthetic.formats import DAY

MONTH_DAYS = 30.44
FADE_MONTHS = 15  # how long before its end a fading relationship starts to fade
ONBOARDING_MONTHS = 4  # the first months of a relationship: kickoff, training, ramp-up
HISTORY_MONTHS = 36  # activities and cases reach this far back; usage two years
V5_RELEASE_DAYS = 720  # the product's v5 came out this long before today


@dataclass(frozen=True)
class Archetype:
    """How an account of one kind behaves in a usual month (before any fading)."""

    name: str
    share: float  # of all accounts
    touches: float  # activities per month, relative to the average account
    reply: float  # chance the customer answers an outbound e-mail
    reply_hours: float  # median hours until that answer
    tickets: float  # support cases per month
    escalate: float  # share of cases escalated
    adoption: float  # active / licensed users once onboarded
    late: float  # chance an invoice is paid late (weeks, not days)
    nps: float  # mean answer (0-10) to "How likely are you to recommend us"
    experience: float  # mean answer (0-10) to the touchpoint questions (support, account team)
    respond: float  # chance a surveyed contact answers
    hc_logged: float  # chance a health-check occasion gets a logged check
    hc_early: float  # mean days a logged check is held before it is due
    expansions: float  # new product lines bought per year of the relationship
    fades: bool  # engagement fades in the months before the relationship ends


ARCHETYPES = (
    # name, share, touches, reply, reply_hours, tickets, escalate, adoption, late, nps,
    # experience, respond, hc_logged, hc_early, expansions, fades (the fields above, in order)
    Archetype("thriving", 0.22, 1.2, 0.85, 4, 0.07, 0.03, 0.85, 0.02, 9.3, 8.9, 0.8, 0.9, 30, 0.45, False),
    Archetype("steady", 0.33, 1.0, 0.6, 12, 0.21, 0.05, 0.6, 0.12, 7.6, 7.4, 0.65, 0.6, 10, 0.05, False),
    Archetype("noisy", 0.10, 1.3, 0.75, 3, 1.6, 0.15, 0.9, 0.06, 8.7, 6.2, 0.7, 0.6, 10, 0.15, False),
    Archetype("churning", 0.10, 1.0, 0.6, 12, 0.21, 0.05, 0.6, 0.12, 7.2, 7.0, 0.65, 0.5, 10, 0.0, True),
    Archetype("churned", 0.12, 1.0, 0.6, 12, 0.21, 0.05, 0.6, 0.12, 7.2, 7.0, 0.65, 0.5, 10, 0.0, True),
    Archetype("stalled", 0.06, 0.6, 0.35, 48, 0.16, 0.05, 0.25, 0.2, 5.5, 6.0, 0.3, 0.4, 5, 0.0, True),
    Archetype("silent", 0.07, 0.0, 0.0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0.0, False),
)  # fmt: skip
NAMES = tuple(a.name for a in ARCHETYPES)
THRIVING, STEADY, NOISY, CHURNING, CHURNED, STALLED, SILENT = range(len(ARCHETYPES))
# A silent account is one the CRM never hears from; this share of them lapses without a word.
SILENT_LAPSE = 0.4
V5_SHARE = 0.35  # accounts that upgraded to v5


def param(name: str) -> np.ndarray:
    """One parameter of every archetype, indexable by archetype code."""
    return np.array([getattr(a, name) for a in ARCHETYPES])


PARAMS = {f.name: param(f.name) for f in fields(Archetype) if f.name != "name"}


@dataclass
class Lives:
    """Per account (index = position in the accounts report)."""

    arch: np.ndarray  # archetype code
    since: np.ndarray  # datetime64[D]: first day of the relationship (its first contract)
    until: np.ndarray  # datetime64[D]: its last day, NaT while it goes on (renewing)
    upgrade: np.ndarray  # datetime64[D]: when it upgraded to v5, NaT if it has not
    mood: np.ndarray  # its people's satisfaction above or below the archetype's mean
    today: np.datetime64

    def __len__(self) -> int:
        return len(self.arch)

    def p(self, name: str, acc: np.ndarray) -> np.ndarray:
        """Archetype parameter ``name`` for each account in ``acc``."""
        return PARAMS[name][self.arch[acc]]

    def fade(self, acc: np.ndarray, when: np.ndarray) -> np.ndarray:
        """1 in a usual month, falling to 0.1 over the last FADE_MONTHS of a fading relationship."""
        f = np.ones(len(acc))
        fading = PARAMS["fades"][self.arch[acc]].astype(bool) & ~np.isnat(self.until[acc])
        left = (self.until[acc[fading]] - when[fading]) / DAY / MONTH_DAYS
        f[fading] = np.clip(left / FADE_MONTHS, 0.1, 1.0)
        return f

    def age(self, acc: np.ndarray, when: np.ndarray) -> np.ndarray:
        """Months since the relationship began."""
        return (when - self.since[acc]) / DAY / MONTH_DAYS

    def live(self, acc: np.ndarray, when: np.ndarray) -> np.ndarray:
        """Whether the relationship is on at ``when``."""
        until = self.until[acc]
        return (self.since[acc] <= when) & (np.isnat(until) | (when <= until))


def lives(rng: np.random.Generator, n: int, today: np.datetime64) -> Lives:
    """Draw an archetype and a history for each of ``n`` accounts, placed around ``today``."""
    arch = rng.choice(len(ARCHETYPES), n, p=param("share") / param("share").sum())

    def days(lo: float, hi: float) -> np.ndarray:
        return rng.integers(round(lo), round(hi), n).astype("timedelta64[D]")

    m = MONTH_DAYS
    since = today - days(-60, 6 * 365)  # a few start in the coming weeks
    until = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    # Quietly churning: ends in the coming year without renewal, after at least 15 months.
    until_churning = today + days(20, 365)
    # Churned: ended in the last two and a half years.
    until_churned = today - days(20, 900)
    for code, end in ((CHURNING, until_churning), (CHURNED, until_churned)):
        sel = arch == code
        until[sel] = end[sel]
        since[sel] = end[sel] - days(FADE_MONTHS * m, 5 * 365)[sel]
    # Stalled: one contract of one or two years; adoption never takes off; no renewal.
    sel = arch == STALLED
    since[sel] = (today - days(200, 1300))[sel]
    term = rng.choice([12, 24], n) * m
    until[sel] = since[sel] + np.round(term[sel]).astype("timedelta64[D]") - DAY
    # Some silent accounts lapse: nobody heard from them, and then they were gone.
    sel = (arch == SILENT) & (rng.random(n) < SILENT_LAPSE)
    until[sel] = (today + days(-700, 300))[sel]
    since[sel] = until[sel] - days(450, 1500)[sel]

    upgrade = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    lo = np.maximum(since + 120 * DAY, today - V5_RELEASE_DAYS * DAY)
    hi = np.where(np.isnat(until), today, np.minimum(until, today)) - 30 * DAY
    ok = (arch != SILENT) & (hi > lo) & (rng.random(n) < V5_SHARE)
    span = np.where(ok, (hi - lo) / DAY, 1).astype(np.int64)
    upgrade[ok] = (lo + (rng.random(n) * span).astype("timedelta64[D]"))[ok]

    mood = rng.normal(0, 1.2, n)
    return Lives(arch.astype(np.int8), since, until, upgrade, mood, today)


@dataclass
class Panel:
    """One row per account and month of its relationship in the last HISTORY_MONTHS (the month
    of today included): the grid on which activities, cases and usage are drawn."""

    acc: np.ndarray
    month: np.ndarray  # datetime64[M]
    first: np.ndarray  # datetime64[D]: first day of the month the relationship was on
    span: np.ndarray  # how many days from ``first`` it was on (today ends the current month)
    fade: np.ndarray
    age: np.ndarray  # months since the relationship began, mid-cell

    def __len__(self) -> int:
        return len(self.acc)

    def days_in(self, cell: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A random day within each cell (a row of ``cell`` indexes the panel)."""
        return self.first[cell] + (rng.random(len(cell)) * self.span[cell]).astype("timedelta64[D]")


def panel(life: Lives, months: int = HISTORY_MONTHS) -> Panel:
    today = life.today
    now_m = today.astype("datetime64[M]")
    start_m = now_m - np.timedelta64(months - 1, "M")
    first_m = np.maximum(life.since.astype("datetime64[M]"), start_m)
    until = np.where(np.isnat(life.until), today, np.minimum(life.until, today))
    last_m = until.astype("datetime64[M]")
    count = np.clip((last_m - first_m).astype(np.int64) + 1, 0, None)
    count[life.since > today] = 0
    acc = np.repeat(np.arange(len(life)), count)
    offset = np.arange(len(acc)) - np.repeat(np.cumsum(count) - count, count)
    month = first_m[acc] + offset.astype("timedelta64[M]")
    month_first = month.astype("datetime64[D]")
    month_last = (month + 1).astype("datetime64[D]") - DAY
    first = np.maximum(month_first, life.since[acc])
    last = np.minimum(month_last, until[acc])
    span = (last - first) / DAY + 1
    mid = first + (span / 2).astype("timedelta64[D]")
    return Panel(
        acc=acc,
        month=month,
        first=first,
        span=span,
        fade=life.fade(acc, mid),
        age=life.age(acc, mid),
    )
