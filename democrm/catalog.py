"""The reports the demo CRM serves: their ids (as in a Salesforce URL), titles and columns.

The columns are the seed document's headers, which are also hcportal's default column mapping.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    key: str
    report_id: str
    title: str
    columns: tuple[str, ...]


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report(
            "activities",
            "00ODEMO0000ACTIV",
            "Activities with Accounts",
            ("Name", "Account", "Opportunity", "Subject", "Revenue", "Timestamp", "Attachment"),
        ),
        Report(
            "accounts",
            "00ODEMO0000ACCTS",
            "Accounts by Owner",
            ("Owner", "Account", "GEO", "Region", "Tier", "Industry"),
        ),
        Report(
            "contracts",
            "00ODEMO0000CNTRS",
            "Contracts by Account",
            ("Account", "Product", "Start Date", "End Date", "Amount"),
        ),
    )
}

BY_ID: dict[str, Report] = {r.report_id: r for r in REPORTS.values()}
