"""Faults the demo CRM can inject on demand, so the harvester can be tested against real misbehaviour.

Each fault is a small object with only the hooks it needs; the server calls every active fault's
hook at five points (building a report page, answering an export, whether the export has its
footer, the export's rows, the export's bytes), after an export is served, and for exports asked
with an API token. The happy-path handlers never test for a fault by name, except the sign-in's
(``totp``, ``login-error-page``), which are about the user rather than a report.

Some "faults" are quirks rather than misbehaviour: the looks of real CRMs a profile must cope with
(a viewer without a record count, a Details Only export without a footer, a sign-in error shown on
a page of its own, a report that takes 20 s to generate: ``slow`` with ``slow_seconds = 20``).

A fault applies to every report, or to one when written ``name:report`` (``truncated:contracts``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

if TYPE_CHECKING:
    from hcportal.democrm.catalog import Report
    from hcportal.democrm.server import DemoCRM

#: The export routes: the dialog on the report page, and the direct export URL.
UI, URL = "ui", "url"

CAP = 2000  # the row cap of a report viewer, Salesforce's being the best known

ERROR_PAGE = (
    b"<!doctype html><html><head><title>Error</title></head><body>"
    b"<h1>An internal server error has occurred</h1><p>An error has occurred while processing "
    b"your request. Please try again later.</p></body></html>"
)


@dataclass(frozen=True)
class Response:
    """An answer that replaces the export."""

    status: int
    body: bytes
    content_type: str


class Fault:
    """A misbehaviour; subclasses override the hooks they need (each default does nothing)."""

    name: ClassVar[str]
    help: ClassVar[str]

    def __init__(self, report: str | None = None) -> None:
        self.report = report  # None: every report

    def applies(self, report: Report) -> bool:
        return self.report is None or self.report == report.key

    def page(self, report: Report, view: dict) -> None:
        """Adjust what the report page shows (``view`` is the template's context)."""

    def answer(self, crm: DemoCRM, report: Report, route: str) -> Response | None:
        """Answer the export request instead of the CRM (an error), or None to go on."""
        return None

    def rows(self, report: Report, df: pd.DataFrame, route: str) -> pd.DataFrame:
        return df

    def body(self, report: Report, body: bytes, route: str) -> bytes:
        return body

    def served(self, crm: DemoCRM, report: Report, route: str) -> None:
        """Called once an export was served."""

    def footer(self, report: Report, route: str, details_only: bool) -> bool:
        """Whether the export ends with the report footer (every export does, by default)."""
        return True

    def answer_api(self, crm: DemoCRM, report: Report, token: str) -> Response | None:
        """Answer an export asked with an API token instead of the CRM, or None to go on."""
        return None

    def api_served(self, crm: DemoCRM, token: str) -> None:
        """Called once an export asked with an API token was served."""


class Slow(Fault):
    name = "slow"
    help = "report generation takes slow_seconds: a spinner on the page; the export URL waits too"

    def page(self, report: Report, view: dict) -> None:
        view["generating"] = True


class Http500Once(Fault):
    name = "http500-once"
    help = "the first export of each report fails with HTTP 500 (an HTML error page)"

    def __init__(self, report: str | None = None) -> None:
        super().__init__(report)
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def answer(self, crm: DemoCRM, report: Report, route: str) -> Response | None:
        with self._lock:
            first = report.key not in self._seen
            self._seen.add(report.key)
        return Response(500, ERROR_PAGE, "text/html; charset=utf-8") if first else None


class SessionExpires(Fault):
    name = "session-expires"
    help = "every session ends right after the first export is served (once)"

    def __init__(self, report: str | None = None) -> None:
        super().__init__(report)
        self.fired = False

    def served(self, crm: DemoCRM, report: Report, route: str) -> None:
        if not self.fired:
            self.fired = True
            crm.expire_sessions()


class ExportRenamed(Fault):
    name = "export-renamed"
    help = 'the Export button is renamed "Download" (the profile no longer finds it)'

    def page(self, report: Report, view: dict) -> None:
        view["export_label"] = "Download"


class ExportInMenu(Fault):
    name = "export-in-menu"
    help = 'the Export button moves into a "More Actions" menu'

    def page(self, report: Report, view: dict) -> None:
        view["export_in_menu"] = True


class HtmlAsCsv(Fault):
    name = "html-as-csv"
    help = "exports are an HTML error page served as text/csv"

    def answer(self, crm: DemoCRM, report: Report, route: str) -> Response | None:
        return Response(200, ERROR_PAGE, "text/csv; charset=utf-8")


class Truncated(Fault):
    name = "truncated"
    help = "exports break off part-way through a row (no footer)"

    def body(self, report: Report, body: bytes, route: str) -> bytes:
        return body[: int(len(body) * 0.6)]


class Empty(Fault):
    name = "empty"
    help = "exports hold the header and no rows"

    def rows(self, report: Report, df: pd.DataFrame, route: str) -> pd.DataFrame:
        return df.iloc[0:0]


class Cap2000(Fault):
    name = "cap2000"
    help = "the report viewer's export (the UI route) is capped at exactly 2,000 rows"

    def rows(self, report: Report, df: pd.DataFrame, route: str) -> pd.DataFrame:
        if route != UI:
            return df
        # A small demo has fewer rows than the cap: repeat them, so the count is the tell.
        reps = -(-CAP // max(len(df), 1))
        return pd.concat([df] * reps, ignore_index=True).head(CAP)


class Bom(Fault):
    name = "bom"
    help = "exports are UTF-8 with a byte-order mark"

    def body(self, report: Report, body: bytes, route: str) -> bytes:
        return body if body.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + body


class Cp1252(Fault):
    name = "cp1252"
    help = "exports are Windows-1252 whatever encoding was asked for, with accented names"

    def rows(self, report: Report, df: pd.DataFrame, route: str) -> pd.DataFrame:
        df = df.copy()
        first = df.columns[0]
        df.loc[df.index[:3], first] = ["Zoë Müller", "Société Générale", "Ana Peña €"][: len(df)]
        return df

    def body(self, report: Report, body: bytes, route: str) -> bytes:
        try:
            return body.decode("utf-8-sig").encode("cp1252", errors="replace")
        except UnicodeDecodeError:  # already Windows-1252 (ISO-8859-1 was asked for)
            return body


class FooterNoGap(Fault):
    name = "footer"
    help = "the report footer follows the last row with no blank line between"

    def body(self, report: Report, body: bytes, route: str) -> bytes:
        table, sep, footer = body.partition(b"\r\n\r\n")
        return table + b"\r\n" + footer if sep else body


class Totp(Fault):
    name = "totp"
    help = "sign-in asks for a TOTP verification code after the password"


class NoRecordCount(Fault):
    name = "no-record-count"
    help = 'the report viewer shows no record count (no "Total Records"), as some orgs\' do'

    def page(self, report: Report, view: dict) -> None:
        view["record_count"] = False


class DetailsNoFooter(Fault):
    name = "details-no-footer"
    help = (
        "the Export dialog's Details Only download has no report footer (Lightning's); the "
        "export URL keeps its footer"
    )

    def footer(self, report: Report, route: str, details_only: bool) -> bool:
        return not (route == UI and details_only)


class LoginErrorPage(Fault):
    name = "login-error-page"
    help = (
        "a failed sign-in lands on an error page of its own (outside the sign-in URL), its "
        "message in an element styled as an error, with no alert role"
    )


API_DISABLED = (
    b'[{"errorCode":"API_DISABLED_FOR_ORG","message":"API is not enabled for this '
    b'Organization or Partner"}]'
)
INVALID_SESSION = b'[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]'


class ApiRefused(Fault):
    name = "api-refused"
    help = "the API refuses every export: HTTP 403 API_DISABLED_FOR_ORG (the browser still works)"

    def answer_api(self, crm: DemoCRM, report: Report, token: str) -> Response | None:
        return Response(403, API_DISABLED, "application/json")


class ApiTokenExpires(Fault):
    name = "api-token-expires"
    help = "the first API token expires right after its first export (once); a refresh renews it"

    def __init__(self, report: str | None = None) -> None:
        super().__init__(report)
        self.fired = False
        self._lock = threading.Lock()

    def api_served(self, crm: DemoCRM, token: str) -> None:
        with self._lock:
            fire, self.fired = not self.fired, True
        if fire:
            crm.expire_token(token)


class ApiTokenRejected(Fault):
    name = "api-token-rejected"
    help = "every API export answers 401 INVALID_SESSION_ID, even with a fresh token"

    def answer_api(self, crm: DemoCRM, report: Report, token: str) -> Response | None:
        return Response(401, INVALID_SESSION, "application/json")


KINDS: dict[str, type[Fault]] = {
    f.name: f
    for f in (
        Slow,
        Http500Once,
        SessionExpires,
        ExportRenamed,
        ExportInMenu,
        HtmlAsCsv,
        Truncated,
        Empty,
        Cap2000,
        Bom,
        Cp1252,
        FooterNoGap,
        Totp,
        NoRecordCount,
        DetailsNoFooter,
        LoginErrorPage,
        ApiRefused,
        ApiTokenExpires,
        ApiTokenRejected,
    )
}


@dataclass
class Faults:
    """The active faults of one demo CRM."""

    active: list[Fault] = field(default_factory=list)
    slow_seconds: float = 3.0

    @classmethod
    def parse(cls, specs: Iterable[str], slow_seconds: float = 3.0) -> Faults:
        """``["slow", "truncated:contracts"]`` -> Faults; unknown names raise ValueError."""
        from hcportal.democrm.catalog import REPORTS

        active: list[Fault] = []
        for spec in specs:
            spec = spec.strip()
            if not spec:
                continue
            name, _, report = spec.partition(":")
            if name not in KINDS:
                raise ValueError(f"unknown fault {name!r} (known: {', '.join(KINDS)})")
            if report and report not in REPORTS:
                raise ValueError(f"fault {spec!r}: unknown report {report!r}")
            active.append(KINDS[name](report or None))
        return cls(active=active, slow_seconds=slow_seconds)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.active)

    def names(self) -> list[str]:
        return [f.name + (f":{f.report}" if f.report else "") for f in self.active]

    def delay(self, report: Report) -> float:
        slow = [f for f in self.active if f.name == Slow.name and f.applies(report)]
        return self.slow_seconds if slow else 0.0

    def page(self, report: Report, view: dict) -> dict:
        for f in self._for(report):
            f.page(report, view)
        return view

    def answer(self, crm: DemoCRM, report: Report, route: str) -> Response | None:
        for f in self._for(report):
            answer = f.answer(crm, report, route)
            if answer is not None:
                return answer
        return None

    def rows(self, report: Report, df: pd.DataFrame, route: str) -> pd.DataFrame:
        for f in self._for(report):
            df = f.rows(report, df, route)
        return df

    def body(self, report: Report, body: bytes, route: str) -> bytes:
        for f in self._for(report):
            body = f.body(report, body, route)
        return body

    def served(self, crm: DemoCRM, report: Report, route: str) -> None:
        for f in self._for(report):
            f.served(crm, report, route)

    def footer(self, report: Report, route: str, details_only: bool) -> bool:
        return all(f.footer(report, route, details_only) for f in self._for(report))

    def answer_api(self, crm: DemoCRM, report: Report, token: str) -> Response | None:
        for f in self._for(report):
            answer = f.answer_api(crm, report, token)
            if answer is not None:
                return answer
        return None

    def api_served(self, crm: DemoCRM, report: Report, token: str) -> None:
        for f in self._for(report):
            f.api_served(crm, token)

    def _for(self, report: Report) -> list[Fault]:
        return [f for f in self.active if f.applies(report)]
