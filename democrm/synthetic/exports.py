"""The drawn facts as the CRM exports them: each report in its columns, with its mess.

Each report is spelled its own way, as separate systems are: the CRM's reports mostly use the
account's name (now and then ``ACME ORG``, ``Acme Org.``, `` acme org inc ``); the support system
keeps one record per account with its own spelling (a few mistyped: only a fuzzy match or an alias
joins those); billing uses the legal name (``Acme Org, Inc.``); telemetry names a tenant
(``acme-org``). Dates, times and amounts come in the forms of GUIDE section 3; every report has
some duplicated rows (joined child objects) and a few rows no parser can rescue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic import formats as fmt
from hcportal.democrm.synthetic.activities import NOTES, OPPORTUNITY_LABELS, SUBJECTS
from hcportal.democrm.synthetic.contacts import Contacts
from hcportal.democrm.synthetic.lives import SILENT, Lives
from hcportal.democrm.synthetic.tickets import STATUSES, SUBJECT_LABELS
from hcportal.democrm.synthetic.words import DIRECTIONS, PRIORITIES, ROLES, TIERS, TYPES

# Per row, the chance of each of formats.name_forms: exact, UPPER, dotted., " spaced inc ",
# ", Inc.", slug.
CRM_SPELLING = (0.87, 0.06, 0.04, 0.03, 0.0, 0.0)
SURVEY_SPELLING = (0.85, 0.05, 0.05, 0.05, 0.0, 0.0)
BILLING_SPELLING = (0.6, 0.1, 0.0, 0.0, 0.3, 0.0)
SUPPORT_SPELLING = (0.7, 0.12, 0.0, 0.0, 0.13, 0.05)  # per account, not per row
SUPPORT_TYPOS = 0.01  # accounts whose support record is mistyped


def accounts(acc: pd.DataFrame, life: Lives) -> pd.DataFrame:
    former = ~np.isnat(life.until) & (life.until < life.today)
    kind = np.where(former, 0, np.where(life.arch == SILENT, 1, 2))
    return fmt.frame(
        {
            "Owner": acc["owner"],
            "Account": acc["name"],
            "GEO": acc["geo"],
            "Region": acc["region"],
            "Tier": fmt.pick(TIERS, acc["tier"].to_numpy()),
            "Industry": acc["industry"],
            "Account Manager": acc["manager"],
            # The outcome of a relationship that ended, and who buys through a partner.
            "Type": fmt.pick(("Former Customer", "Customer - Channel", "Customer - Direct"), kind),
        }
    )


def contracts(rng, con: pd.DataFrame, forms: list[np.ndarray], messy: bool) -> pd.DataFrame:
    n = len(con)
    style = fmt.choose(rng, n, (0.8, 0.1, 0.05, 0.05)) if messy else np.zeros(n, np.int8)
    us = rng.random(n) < 0.1 if messy else None
    df = fmt.frame(
        {
            "Account": fmt.spelled(rng, forms, con["acc"].to_numpy(), CRM_SPELLING, messy),
            "Product": con["product"],
            "Start Date": fmt.days(con["start"].to_numpy(), us),
            "End Date": fmt.days(con["end"].to_numpy(), us),
            "Amount": fmt.money(con["amount"].to_numpy(), style),
        }
    )
    if messy:
        df = _duplicated(rng, df, 0.005)
        # Some terms were typed backwards.
        swap = (rng.random(len(df)) < 0.002) & (df["End Date"] != "").to_numpy()
        df.loc[swap, ["Start Date", "End Date"]] = df.loc[swap, ["End Date", "Start Date"]].values
    return df


def activities(
    rng, act: pd.DataFrame, forms: list[np.ndarray], owners: np.ndarray, people: Contacts,
    messy: bool,
) -> pd.DataFrame:  # fmt: skip
    n = len(act)
    # The seed document's own timestamp form, YYYY-MM-DD-HH:MM, and now and then Salesforce's.
    style = (
        np.where(rng.random(n) < 0.05, fmt.US_STAMP, fmt.SEED_STAMP)
        if messy
        else np.full(n, fmt.SEED_STAMP)
    )
    money_style = fmt.choose(rng, n, (0.5, 0.4, 0.05, 0.05)) if messy else np.zeros(n, np.int8)
    contact = act["contact"].to_numpy()
    names = np.append(people.name, "")  # -1: a call logged without a contact
    return fmt.frame(
        {
            "Name": fmt.pick(owners, act["owner"].to_numpy()),
            "Account": fmt.spelled(rng, forms, act["acc"].to_numpy(), CRM_SPELLING, messy),
            "Opportunity": fmt.pick(OPPORTUNITY_LABELS, act["opportunity"].to_numpy()),
            "Subject": fmt.pick(SUBJECTS.items, act["subject"].to_numpy()),
            "Revenue": fmt.money(act["revenue"].to_numpy(), money_style),
            "Timestamp": fmt.stamps(act["ts"].to_numpy(), style),
            "Attachment": fmt.flags(rng, act["attached"].to_numpy(), messy),
            "Contact": fmt.pick(names, np.where(contact >= 0, contact, len(names) - 1)),
            "Direction": fmt.pick(DIRECTIONS, act["direction"].to_numpy()),
            "Type": fmt.pick(TYPES, act["type"].to_numpy()),
            "Description": fmt.pick(NOTES.items, act["description"].to_numpy()),
        }
    )


def surveys(
    rng, asked: pd.DataFrame, forms: list[np.ndarray], people: Contacts, messy: bool
) -> pd.DataFrame:
    n = len(asked)
    contact = asked["contact"].to_numpy()
    # A survey tool's export pads a few numbers.
    pad = rng.random(n) < 0.01 if messy else np.zeros(n, bool)
    rating = fmt.styled(
        asked["rating"].to_numpy(),
        pad.astype(np.int8),
        (lambda r: f"{r:.0f}", lambda r: f" {r:.0f} "),
    )
    df = fmt.frame(
        {
            "Account": fmt.spelled(rng, forms, asked["acc"].to_numpy(), SURVEY_SPELLING, messy),
            "Contact": fmt.pick(people.email, contact),
            "Role": fmt.pick(ROLES, people.role[contact]),
            "Questionnaire": asked["questionnaire"],
            "Wave": asked["wave"],
            "Date": fmt.days(asked["date"].to_numpy(), rng.random(n) < 0.1 if messy else None),
            "Question": asked["question"],
            "Rating": rating,
        }
    )
    return _duplicated(rng, df, 0.003) if messy else df


def _support_names(rng, forms: list[np.ndarray], messy: bool) -> np.ndarray:
    """The support system keeps its own record per account: one spelling each, a few mistyped."""
    n = len(forms[0])
    if not messy:
        return forms[fmt.EXACT]
    names = np.stack(forms, axis=1)[np.arange(n), fmt.choose(rng, n, SUPPORT_SPELLING)]
    for i in np.flatnonzero(rng.random(n) < SUPPORT_TYPOS):
        names[i] = fmt.typo(names[i], rng)
    return names


def tickets(rng, cases: pd.DataFrame, forms: list[np.ndarray], messy: bool) -> pd.DataFrame:
    n = len(cases)
    style = (
        np.where(rng.random(n) < 0.15, fmt.ISO_STAMP, fmt.US_STAMP)
        if messy
        else np.full(n, fmt.ISO_STAMP)
    )
    escalated = cases["escalated"].to_numpy()
    # Salesforce exports a checkbox as 1/0; now and then a tool says TRUE/FALSE.
    words = rng.random(n) < 0.1 if messy else np.zeros(n, bool)
    subject = cases["subject"].to_numpy()
    if messy:  # a case opened by phone, never given a subject
        subject = np.where(rng.random(n) < 0.01, 0, subject)
    df = fmt.frame(
        {
            "Case Number": fmt.numbered("", cases["number"].to_numpy(), 8),
            "Account Name": fmt.pick(_support_names(rng, forms, messy), cases["acc"].to_numpy()),
            "Date/Time Opened": fmt.stamps(cases["opened"].to_numpy(), style),
            "Date/Time Closed": fmt.stamps(cases["closed"].to_numpy(), style),
            "Priority": fmt.pick(PRIORITIES, cases["priority"].to_numpy()),
            "Status": fmt.pick(STATUSES, cases["status"].to_numpy()),
            "Escalated": fmt.pick(("0", "1", "FALSE", "TRUE"), escalated + 2 * words),
            "Subject": fmt.pick(SUBJECT_LABELS, subject),
        }
    )
    return _duplicated(rng, df, 0.003) if messy else df


def invoices(rng, bills: pd.DataFrame, forms: list[np.ndarray], messy: bool) -> pd.DataFrame:
    n = len(bills)
    us = rng.random(n) < 0.15 if messy else None
    style = fmt.choose(rng, n, (0.85, 0.1, 0.05)) if messy else np.zeros(n, np.int8)
    df = fmt.frame(
        {
            "Invoice Number": fmt.numbered("INV-", bills["number"].to_numpy(), 7),
            "Account": fmt.spelled(rng, forms, bills["acc"].to_numpy(), BILLING_SPELLING, messy),
            "Invoice Date": fmt.days(bills["issued"].to_numpy(), us),
            "Due Date": fmt.days(bills["due"].to_numpy(), us),
            "Paid Date": fmt.days(bills["paid"].to_numpy(), us),
            "Amount": fmt.money(bills["amount"].to_numpy(), style, fmt.CENTS),
            "Status": bills["status"],
        }
    )
    return _duplicated(rng, df, 0.003) if messy else df


def usage(rng, used: pd.DataFrame, forms: list[np.ndarray], messy: bool) -> pd.DataFrame:
    n, n_acc = len(used), len(forms[0])
    # Telemetry names a tenant: the CRM's name or its slug (acme-org), one per account.
    form = np.where(rng.random(n_acc) < 0.5, fmt.EXACT, fmt.SLUG) if messy else np.zeros(n_acc, int)
    tenant = np.stack(forms, axis=1)[np.arange(n_acc), form]
    style = fmt.choose(rng, n, (0.8, 0.15, 0.05)) if messy else np.zeros(n, np.int8)
    events = used["events"].to_numpy().astype(float)
    if messy:  # a month the collector missed
        events[rng.random(n) < 0.01] = np.nan
    df = fmt.frame(
        {
            "Account": fmt.pick(tenant, used["acc"].to_numpy()),
            "Month": fmt.months(used["month"].to_numpy(), style),
            "Active Users": fmt.by_value(used["active"].to_numpy(), str),
            "Licensed Users": fmt.by_value(used["licensed"].to_numpy(), str),
            "Events": fmt.by_value(events, lambda v: f"{v:.0f}"),
        }
    )
    return _duplicated(rng, df, 0.005) if messy else df


def _duplicated(rng, df: pd.DataFrame, share: float) -> pd.DataFrame:
    """Exports repeat rows when a report joins a child object."""
    dup = df.sample(frac=share, random_state=int(rng.integers(1 << 31)))
    return pd.concat([df, dup], ignore_index=True)


# A value per report that no parser can rescue; the transform must report the row.
UNRESCUABLE = {
    "contracts": ("Start Date", "TBD"),
    "activities": ("Timestamp", "sometime last week"),
    "surveys": ("Rating", "11"),  # off the 0-10 scale
    "tickets": ("Date/Time Opened", "pending"),
    "invoices": ("Invoice Date", "TBD"),
    "usage": ("Month", "Q3"),
}


def add_bad_rows(rng, key: str, df: pd.DataFrame) -> pd.DataFrame:
    """A handful of rows per report that no parser can rescue; the transform must report them."""
    k = max(1, len(df) // 1000)
    if key == "accounts":  # an account nobody owns: kept, but flagged
        df = df.copy()
        df.loc[df.sample(n=k, random_state=int(rng.integers(1 << 31))).index, "Owner"] = ""
        return df
    if df.empty:
        return df
    bad = df.sample(n=min(k, len(df)), random_state=int(rng.integers(1 << 31))).copy()
    column, value = UNRESCUABLE[key]
    bad[column] = value
    return pd.concat([df, bad], ignore_index=True)
