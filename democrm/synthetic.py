"""Deterministic synthetic CRM data at any scale, as a CRM would export it.

``generate(accounts=300, seed=7, today=...)`` returns the three core reports as string tables with the
seed document's headers. Dates are placed around ``today`` (the clock is passed in), so a demo run on
any day shows a realistic mix of overdue, pending, upcoming and done health checks, and the same
(seed, today) always yields the same bytes.

Everything is vectorised with numpy: 100,000 accounts, 500,000 contracts and 5,000,000 activities
take tens of seconds, not hours. With ``messy=True`` (the default) the exports carry the mess real ones
do (GUIDE section 3): mixed money and date formats, account names spelled differently per report,
attachment flags in every dialect, duplicates, reversed terms and a few rows nothing can rescue.
"""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd

from hcportal.democrm.catalog import REPORTS

FIRST = (
    "Nic Ana Ben Carla Dev Elena Farid Grace Hiro Ines Jon Kai Lena Marco Nadia Omar Priya Quinn "
    "Rosa Sam Tara Umar Vera Wes Xin Yara Zoe Aiko Bruno Chloe Diego Emma Felix Gia Hugo Ivy Jade "
    "Kenji Lucas Maya Noor Olga Pablo Rhea Sven Tomas Uma Vik Wanda Yusuf Zara Amir Bea Cyrus Dana "
    "Eli Fatima Gus Hana Ilya Joy"
).split()
LAST = (
    "W Walker Chen Garcia Okafor Rossi Novak Tanaka Silva Kumar Müller Dubois Smith Jensen Haddad "
    "Kowalski Nguyen Park Ortiz Ivanova Larsen Moreau Costa Khan Weber Sato Lopez Brown Ali Fischer "
    "Eriksen Adeyemi Russo Yamada Kim Patel Schmidt Martin Santos Berg Popescu Horvat Murphy O'Brien "
    "Nakamura Reyes Bauer Lindqvist Mendes Acheampong Zhang Wilson Petrov Lambert Ferreira Singh"
).split()
ADJ = (
    "Acme Blue Northwind Summit Bright Silver Granite Crimson Harbor Pioneer Vertex Cedar Atlas "
    "Nimbus Quantum Sterling Evergreen Falcon Orion Polar Redwood Sapphire Titan Urban Vista Zenith "
    "Alpine Beacon Cobalt Delta Ember Frontier Golden Horizon Iron Juniper Keystone Lunar Meridian "
    "Nova Oak Pacific Quartz River Solar Tidal Unity Velvet Willow Apex Coastal Everest Glacier "
    "Highland Liberty Maple Nordic Prairie Royal Sierra Trinity Vanguard Crescent Lakeside Monarch "
    "Oasis Pinnacle Sentinel Starlight Thunder Aurora Canyon Eagle Fjord Harmony Ironwood Jade"
).split()
NOUN = (
    "Org Systems Dynamics Labs Networks Logistics Health Foods Energy Capital Media Robotics Motors "
    "Analytics Pharma Retail Airlines Foundry Textiles Minerals Telecom Insurance Bank Partners "
    "Holdings Studios Solutions Industries Biotech Software Clinics Farms Marine Rail Steel Chemicals "
    "Ventures Works Brewing Electric Cloud Data Devices Freight Hotels Learning Materials Outfitters "
    "Power Research Security Semiconductors Shipping Space Sports Supply Therapeutics Tools Travel "
    "Utilities Water Wireless Aerospace Apparel Automation Bakeries Cinemas"
).split()
PLACE = (
    "Group International Global America Europe Asia Pacific Nordic Iberia Alpine Atlantic Andes "
    "Baltic Celtic Gulf Levant Sahara Tasman Yukon Danube Rhine Ganges Mekong Nile Amazon Volga Indus"
).split()
LEGAL = ("", "", "", " Inc", " Inc.", " LLC", " Ltd", " Corp", " GmbH", " Co.", " Pty Ltd", " S.A.")

TERRITORIES = {
    "AMS": ("Bay Area", "Pacific NW", "Central", "East", "LATAM", "Canada"),
    "EMEA": ("UK&I", "DACH", "France", "Nordics", "MEA", "Southern Europe"),
    "JAPAC": ("Japan", "ANZ", "ASEAN", "India", "Greater China", "Korea"),
}
TIERS = ("Strategic", "Enterprise", "Commercial")
INDUSTRIES = (
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Technology",
    "Public Sector",
    "Energy",
    "Media",
)
PRODUCTS = ("VM", "SaaS", "HW", "Support", "Storage", "Network", "Security")
HC_SUBJECTS = (
    "Health Check",
    "Health Check",
    "Annual health check",
    "Health-Check review",
    "HEALTH_CHECK Q{q}",
    "Health check - deployment review",
)
OTHER_SUBJECTS = (
    "Demo",
    "Support",
    "Renewal",
    "QBR",
    "Architecture review",
    "Follow-up call",
    "POC kickoff",
    "Executive briefing",
    "Pricing discussion",
    "Health review",  # looks like one, is not: the policy's pattern must not match it
    "Onboarding workshop",
    "Escalation",
)
OPPORTUNITIES = ("Refresh Architecture", "Renewal", "New Logo", "Expansion", "Upsell", "Migration")


def generate(
    accounts: int = 300,
    seed: int = 7,
    *,
    today: date,
    contracts_per_account: float = 5.0,
    activities_per_account: float = 50.0,
    messy: bool = True,
) -> dict[str, pd.DataFrame]:
    """Return ``{"accounts", "contracts", "activities"}`` as string tables, in the CRM's columns."""
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    rng = np.random.default_rng(seed)
    t0 = np.datetime64(today, "D")

    owners = _owners(rng, max(4, round(accounts / 25)))
    acc = _accounts(rng, accounts, owners)
    con = _contracts(rng, acc, t0, contracts_per_account)
    act = _activities(rng, acc, owners, con, t0, activities_per_account)

    reports = {
        "accounts": _format_accounts(acc),
        "contracts": _format_contracts(rng, con, acc, messy),
        "activities": _format_activities(rng, act, acc, messy),
    }
    if messy:
        reports = {k: _add_bad_rows(rng, k, df) for k, df in reports.items()}
    for key, df in reports.items():
        assert tuple(df.columns) == REPORTS[key].columns, key
    return reports


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


def _owners(rng: np.random.Generator, n: int) -> pd.DataFrame:
    names = _unique_names(rng, n, FIRST, LAST)
    geos = np.array(list(TERRITORIES), dtype=object)
    geo = geos[rng.choice(len(geos), n, p=[0.5, 0.3, 0.2])]
    region = np.array(
        [TERRITORIES[g][rng.integers(len(TERRITORIES[g]))] for g in geo], dtype=object
    )
    return pd.DataFrame({"owner": names, "geo": geo, "region": region})


def _accounts(rng: np.random.Generator, n: int, owners: pd.DataFrame) -> pd.DataFrame:
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
        }
    )


def _contracts(
    rng: np.random.Generator, acc: pd.DataFrame, t0: np.datetime64, per_account: float
) -> pd.DataFrame:
    n_acc = len(acc)
    counts = 1 + rng.poisson(max(per_account - 1, 0), n_acc)
    a = np.repeat(np.arange(n_acc), counts)
    n = len(a)
    start = t0 - rng.integers(-60, 5 * 365, n).astype("timedelta64[D]")
    term_months = rng.choice([12, 24, 36, 60], n, p=[0.45, 0.25, 0.25, 0.05])
    term = (term_months * 365 // 12).astype("timedelta64[D]")
    short = rng.random(n) < 0.03  # shorter than the policy's offsets: no occasion fits inside
    term = np.where(short, rng.integers(20, 80, n).astype("timedelta64[D]"), term)
    end = start + term - np.timedelta64(1, "D")
    evergreen = rng.random(n) < 0.1
    tier_scale = np.array([8.0, 2.5, 1.0])[acc["tier"].to_numpy()[a]]
    amount = np.round(np.exp(rng.normal(10.6, 1.1, n)) * tier_scale, -2)
    return pd.DataFrame(
        {
            "acc": a,
            "product": np.array(PRODUCTS, dtype=object)[rng.integers(len(PRODUCTS), size=n)],
            "start": start,
            "end": np.where(evergreen, np.datetime64("NaT"), end).astype("datetime64[D]"),
            "amount": amount,
        }
    )


def _activities(
    rng: np.random.Generator,
    acc: pd.DataFrame,
    owners: pd.DataFrame,
    con: pd.DataFrame,
    t0: np.datetime64,
    per_account: float,
) -> pd.DataFrame:
    # Health checks cluster around the occasions the policy will find, so the demo shows every
    # status: done on time, done late, logged without the attachment, never done, not yet due.
    day = np.timedelta64(1, "D")
    onboarding = con["start"].to_numpy() + 90 * day
    renewal = con["end"].to_numpy() - 90 * day
    due = np.concatenate([onboarding, renewal])
    hc_acc = np.concatenate([con["acc"].to_numpy()] * 2)
    ok = ~np.isnat(due) & (due <= t0 + 30 * day)
    due, hc_acc = due[ok], hc_acc[ok]
    logged = rng.random(len(due)) < 0.6
    due, hc_acc = due[logged], hc_acc[logged]
    hc_date = due + np.round(rng.normal(-10, 35, len(due))).astype("timedelta64[D]")
    keep = hc_date <= t0
    hc_date, hc_acc = hc_date[keep], hc_acc[keep]
    n_hc = len(hc_acc)

    n_other = max(round(per_account * len(acc)) - n_hc, 0)
    other_acc = rng.integers(len(acc), size=n_other)
    other_date = t0 - rng.integers(0, 3 * 365, n_other).astype("timedelta64[D]")

    a = np.concatenate([hc_acc, other_acc])
    n = len(a)
    is_hc = np.arange(n) < n_hc
    minutes = rng.integers(8 * 60, 18 * 60, n).astype("timedelta64[m]")
    ts = np.concatenate([hc_date, other_date]).astype("datetime64[m]") + minutes
    subject = np.where(
        is_hc,
        np.array(HC_SUBJECTS, dtype=object)[rng.integers(len(HC_SUBJECTS), size=n)],
        np.array(OTHER_SUBJECTS, dtype=object)[rng.integers(len(OTHER_SUBJECTS), size=n)],
    )
    quarter = ((ts.astype("datetime64[M]").astype(int) % 12) // 3 + 1).astype(str)
    subject = pd.Series(subject).str.replace("{q}", "", regex=False).to_numpy(dtype=object)
    subject = np.where(pd.Series(subject).str.endswith("Q").to_numpy(), subject + quarter, subject)
    attached = np.where(is_hc, rng.random(n) < 0.75, rng.random(n) < 0.2)
    # Mostly the account's owner logs it; sometimes a colleague does.
    own = acc["owner_idx"].to_numpy()[a]
    other_owner = rng.integers(len(owners), size=n)
    name = owners["owner"].to_numpy()[np.where(rng.random(n) < 0.85, own, other_owner)]
    has_opp = rng.random(n) < 0.5
    opp = np.where(
        has_opp,
        np.array(OPPORTUNITIES, dtype=object)[rng.integers(len(OPPORTUNITIES), size=n)],
        "",
    )
    revenue = np.where(has_opp, np.round(np.exp(rng.normal(10.5, 1.4, n)), -2), np.nan)
    order = rng.permutation(n)  # exports are not grouped by kind
    return pd.DataFrame(
        {
            "acc": a[order],
            "name": name[order],
            "opportunity": opp[order],
            "subject": subject[order],
            "revenue": revenue[order],
            "ts": ts[order],
            "attached": attached[order],
        }
    )


# -- formatting as the CRM exports it -------------------------------------------------------------


def _format_accounts(acc: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Owner": acc["owner"],
            "Account": acc["name"],
            "GEO": acc["geo"],
            "Region": acc["region"],
            "Tier": np.array(TIERS, dtype=object)[acc["tier"].to_numpy()],
            "Industry": acc["industry"],
        }
    )


def _spelling(
    rng: np.random.Generator, acc: pd.DataFrame, a: np.ndarray, messy: bool
) -> np.ndarray:
    """The account's name as another report spells it: case, punctuation, suffixes, spaces."""
    names = acc["name"].to_numpy()[a]
    if not messy:
        return names
    base = pd.Series(acc["base"].to_numpy()[a])
    kind = rng.random(len(a))
    out = pd.Series(names)
    upper = kind < 0.06
    out[upper] = base[upper].str.upper()
    dotted = (kind >= 0.06) & (kind < 0.10)
    out[dotted] = base[dotted] + "."
    spaced = (kind >= 0.10) & (kind < 0.13)
    out[spaced] = " " + base[spaced].str.lower() + " inc "
    return out.to_numpy(dtype=object)


def _money(values: np.ndarray, styles: np.ndarray) -> np.ndarray:
    """Format amounts the ways CRM users type them: $1,234,567 / $1.2M / $15K / USD 1200 / (1,200)."""
    out = np.empty(len(values), dtype=object)
    for i, (v, s) in enumerate(zip(values.tolist(), styles.tolist(), strict=True)):
        if v != v:  # NaN: no amount
            out[i] = ""
        elif s == 0:
            out[i] = f"${v:,.0f}"
        elif s == 1:
            out[i] = f"${v / 1e6:.1f}M" if v >= 1e6 else f"${v / 1e3:.0f}K"
        elif s == 2:
            out[i] = f"USD {v:.0f}"
        else:
            out[i] = f"{v:.2f}"
    return out


def _dates(days: np.ndarray, us_style: np.ndarray) -> np.ndarray:
    iso = np.datetime_as_string(days, unit="D")
    out = iso.astype(object)
    out[np.isnat(days)] = ""
    idx = np.flatnonzero(us_style & ~np.isnat(days))
    if len(idx):
        s = pd.Series(days[idx].astype("datetime64[s]"))
        out[idx] = (
            s.dt.month.astype(str) + "/" + s.dt.day.astype(str) + "/" + s.dt.year.astype(str)
        ).to_numpy()
    return out


def _format_contracts(
    rng: np.random.Generator, con: pd.DataFrame, acc: pd.DataFrame, messy: bool
) -> pd.DataFrame:
    n = len(con)
    style = rng.choice(4, n, p=[0.8, 0.1, 0.05, 0.05]) if messy else np.zeros(n, dtype=int)
    us = rng.random(n) < 0.1 if messy else np.zeros(n, dtype=bool)
    df = pd.DataFrame(
        {
            "Account": _spelling(rng, acc, con["acc"].to_numpy(), messy),
            "Product": con["product"],
            "Start Date": _dates(con["start"].to_numpy(), us),
            "End Date": _dates(con["end"].to_numpy(), us),
            "Amount": _money(con["amount"].to_numpy(), style),
        }
    )
    if messy:
        # Exports repeat rows when a report joins a child object; some terms were typed backwards.
        dup = df.sample(frac=0.005, random_state=int(rng.integers(1 << 31)))
        df = pd.concat([df, dup], ignore_index=True)
        swap = (rng.random(len(df)) < 0.002) & (df["End Date"] != "")
        df.loc[swap, ["Start Date", "End Date"]] = df.loc[swap, ["End Date", "Start Date"]].values
    return df


def _format_activities(
    rng: np.random.Generator, act: pd.DataFrame, acc: pd.DataFrame, messy: bool
) -> pd.DataFrame:
    n = len(act)
    ts = act["ts"].to_numpy()
    # The seed document's own timestamp form: YYYY-MM-DD-HH:MM.
    stamp = pd.Series(np.datetime_as_string(ts, unit="m")).str.replace("T", "-", regex=False)
    attached = act["attached"].to_numpy()
    flag = np.where(attached, "Y", "N").astype(object)
    money_style = rng.choice(4, n, p=[0.5, 0.4, 0.05, 0.05]) if messy else np.zeros(n, dtype=int)
    if messy:
        alt = np.flatnonzero(rng.random(n) < 0.05)
        s = pd.Series(ts[alt].astype("datetime64[s]"))
        hour12 = ((s.dt.hour + 11) % 12 + 1).astype(str)
        ampm = np.where(s.dt.hour < 12, "AM", "PM")
        stamp.iloc[alt] = (
            s.dt.month.astype(str)
            + "/"
            + s.dt.day.astype(str)
            + "/"
            + s.dt.year.astype(str)
            + " "
            + hour12
            + ":"
            + s.dt.strftime("%M")
            + " "
            + ampm
        ).to_numpy()
        dialect = rng.integers(0, 5, n)
        yes = np.array(["Y", "Yes", "TRUE", "1", "2"], dtype=object)[dialect]
        no = np.array(["N", "No", "FALSE", "0", ""], dtype=object)[dialect]
        flag = np.where(attached, yes, no)
    return pd.DataFrame(
        {
            "Name": act["name"],
            "Account": _spelling(rng, acc, act["acc"].to_numpy(), messy),
            "Opportunity": act["opportunity"],
            "Subject": act["subject"],
            "Revenue": _money(act["revenue"].to_numpy(), money_style),
            "Timestamp": stamp.to_numpy(dtype=object),
            "Attachment": flag,
        }
    )


def _add_bad_rows(rng: np.random.Generator, key: str, df: pd.DataFrame) -> pd.DataFrame:
    """A handful of rows per report that no parser can rescue; the transform must report them."""
    k = max(1, len(df) // 1000)
    if key == "accounts":  # an account nobody owns: kept, but flagged
        df = df.copy()
        df.loc[df.sample(n=k, random_state=int(rng.integers(1 << 31))).index, "Owner"] = ""
        return df
    bad = df.sample(n=min(k, len(df)), random_state=int(rng.integers(1 << 31))).copy()
    if key == "contracts":
        bad["Start Date"] = "TBD"
    else:
        bad["Timestamp"] = "sometime last week"
    return pd.concat([df, bad], ignore_index=True)
