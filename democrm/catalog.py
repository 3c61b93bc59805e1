"""The reports the demo CRM serves: their ids (as in a Salesforce URL), titles and columns.

The columns are the seed document's headers (GUIDE section 3), which are also hcportal's default
column mapping. The first three reports are required by the transform; the other four (surveys,
support cases, invoices, product usage) are optional. Some reports carry columns beyond the
defaults, as real exports do: the activities say who wrote and how (Contact, Direction, Type) and
hold the notes (Description); the accounts name their account manager and customer type.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    key: str
    report_id: str
    title: str
    columns: tuple[str, ...]
    required: bool = True  # whether hcportal's harvest needs it (else: optional)


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report(
            "activities",
            "00ODEMO0000ACTIV",
            "Activities with Accounts",
            (
                "Name",
                "Account",
                "Opportunity",
                "Subject",
                "Revenue",
                "Timestamp",
                "Attachment",
                "Contact",
                "Direction",
                "Type",
                "Description",
            ),
        ),
        Report(
            "accounts",
            "00ODEMO0000ACCTS",
            "Accounts by Owner",
            ("Owner", "Account", "GEO", "Region", "Tier", "Industry", "Account Manager", "Type"),
        ),
        Report(
            "contracts",
            "00ODEMO0000CNTRS",
            "Contracts by Account",
            ("Account", "Product", "Start Date", "End Date", "Amount"),
        ),
        Report(
            "surveys",
            "00ODEMO0000SRVYS",
            "Survey Responses by Account",
            ("Account", "Contact", "Role", "Questionnaire", "Wave", "Date", "Question", "Rating"),
            required=False,
        ),
        Report(
            "tickets",
            "00ODEMO0000CASES",
            "Cases by Account",
            (
                "Case Number",
                "Account Name",
                "Date/Time Opened",
                "Date/Time Closed",
                "Priority",
                "Status",
                "Escalated",
                "Subject",
            ),
            required=False,
        ),
        Report(
            "invoices",
            "00ODEMO0000INVCS",
            "Invoices by Account",
            (
                "Invoice Number",
                "Account",
                "Invoice Date",
                "Due Date",
                "Paid Date",
                "Amount",
                "Status",
            ),
            required=False,
        ),
        Report(
            "usage",
            "00ODEMO0000USAGE",
            "Product Usage by Month",
            ("Account", "Month", "Active Users", "Licensed Users", "Events"),
            required=False,
        ),
    )
}

BY_ID: dict[str, Report] = {r.report_id: r for r in REPORTS.values()}
