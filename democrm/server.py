"""The demo CRM's web server: sign-in (optionally with TOTP), report pages with an Export dialog, CSVs.

It is deliberately shaped like the CRM the seed document harvested (Salesforce), in one of two looks:

``classic`` (the default)
  - ``GET/POST /login``: labelled Username and Password fields and a "Sign in" button; success sets
    an HttpOnly session cookie. Every other page redirects to ``/login?next=...`` without one.
  - ``GET /reports``: the saved reports, each a link to ``/<report-id>``.
  - ``GET /<report-id>``: a preview table and an "Export" button opening a dialog (role ``dialog``)
    with "Formatted Report" / "Details Only", a format and an encoding, and its own "Export" button,
    which posts to ``/<report-id>/export`` and is answered with a CSV attachment.

``lightning`` (modelled on Salesforce Lightning)
  - ``GET/POST /``: the sign-in form ("Log In"); signed-out requests go to ``/?ec=302&startURL=...``.
  - ``GET /lightning/r/Report/<report-id>/view``: the report viewer inside an iframe titled
    "Report Viewer", its Export action under a "More Actions" menu.

Both looks:
  - ``GET /<report-id>?export=1&enc=UTF-8&xf=csv``: the direct export URL, authorised by the cookie.
  - with the ``totp`` fault, a correct password leads to a "Verification Code" form (TOTP, RFC 6238);
  - three failed sign-ins (password or code) lock the account, as real CRMs do.
  - an API, modelled on Salesforce's: ``POST /services/oauth2/token`` (OAuth 2.0 password and
    refresh-token grants) answers an access token, which the export URL accepts as a bearer token
    (``Authorization: Bearer``, answered 401 ``INVALID_SESSION_ID`` once expired) or as the ``sid``
    cookie (Salesforce's pattern; sent to the sign-in page once expired).

Exports end with a report footer after a blank line, as Salesforce's do. Misbehaviour on demand
lives in :mod:`democrm.faults`. The standard library's threading HTTP server is enough here.
"""

from __future__ import annotations

import contextlib
import csv
import http.cookies
import io
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import jinja2
import pandas as pd
import pyotp

from hcportal.core.clock import Clock, system
from hcportal.democrm.catalog import BY_ID, REPORTS, Report
from hcportal.democrm.faults import INVALID_SESSION, UI, URL, Faults, LoginErrorPage, Totp
from hcportal.democrm.synthetic import generate

HERE = Path(__file__).parent
SESSION_COOKIE = "sid"
MFA_COOKIE = "mfa"
SESSION_SECONDS = 8 * 3600
MFA_SECONDS = 300
LOCKOUT_AFTER = 3
PREVIEW_ROWS = 25
ENCODINGS = {"UTF-8": "utf-8", "ISO-8859-1": "cp1252"}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class Look:
    """Where things live and what they are called, per look."""

    name: str
    sign_in: str
    verify: str
    home: str
    report: str  # with {id}
    button: str  # the sign-in button
    next_param: str  # the query parameter carrying the page to return to
    login_error: str
    login_error_page: str  # where a failed sign-in lands under the `login-error-page` quirk


LOOKS = {
    "classic": Look(
        name="classic",
        sign_in="/login",
        verify="/login/verify",
        home="/reports",
        report="/{id}",
        button="Sign in",
        next_param="next",
        login_error="Your login attempt has failed. Check the username and password.",
        login_error_page="/login/failed",
    ),
    "lightning": Look(
        name="lightning",
        sign_in="/",
        verify="/_ui/identity/verification/method/TotpVerificationUi/e",
        home="/lightning/o/Report/home",
        report="/lightning/r/Report/{id}/view",
        button="Log In",
        next_param="startURL",
        login_error=(
            "Please check your username and password. If you still can't log in, contact your "
            "Salesforce administrator."
        ),
        login_error_page="/secur/login_error.jsp",
    ),
}
TOKEN_PATH = "/services/oauth2/token"
TOKEN_SECONDS = 2 * 3600


@dataclass
class DemoCRM:
    """The app's state: its data, its one user, the live sessions, and any faults to inject."""

    data: dict[str, pd.DataFrame]
    username: str = "demo"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    totp_secret: str = field(default_factory=pyotp.random_base32)
    company: str = "Demo CRM"
    look: str = "classic"
    faults: Faults = field(default_factory=Faults)
    # Its footers and file names carry the time: the caller's clock (hcportal.core.clock).
    clock: Clock = system
    sessions: dict[str, float] = field(default_factory=dict)
    api_tokens: dict[str, float] = field(default_factory=dict)  # access token -> expiry
    refresh_tokens: set[str] = field(default_factory=set)
    # What happened, for tests and for a person watching the console.
    sign_ins: int = 0
    password_attempts: int = 0
    failed_sign_ins: int = 0
    code_attempts: int = 0
    exports_served: int = 0
    tokens_issued: int = 0  # by the API's token endpoint (a refresh included)
    api_exports: int = 0  # exports served to an API token
    generating: int = 0  # reports being generated right now
    peak_generating: int = 0  # the most at once: how concurrent a harvest really was
    _pending_mfa: dict[str, float] = field(default_factory=dict)
    _exports: dict[tuple[str, str, str, bool], bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.look not in LOOKS:
            raise ValueError(f"unknown look {self.look!r} (known: {', '.join(LOOKS)})")

    @classmethod
    def with_synthetic_data(
        cls, accounts: int = 300, seed: int = 7, *, clock: Clock = system, **kw
    ) -> DemoCRM:
        """A demo CRM over fresh synthetic data placed around the clock's today."""
        data = generate(accounts=accounts, seed=seed, today=clock().date())
        return cls(data=data, clock=clock, **kw)

    @property
    def paths(self) -> Look:
        return LOOKS[self.look]

    @property
    def mfa(self) -> bool:
        return self.faults.has(Totp.name)

    @property
    def locked(self) -> bool:
        return self.failed_sign_ins >= LOCKOUT_AFTER

    # -- sessions ---------------------------------------------------------------------------------

    def check_password(self, username: str, password: str) -> bool:
        ok = secrets.compare_digest(username.encode(), self.username.encode()) & (
            secrets.compare_digest(password.encode(), self.password.encode())
        )
        with self._lock:
            self.password_attempts += 1
            if not ok or self.failed_sign_ins >= LOCKOUT_AFTER:
                self.failed_sign_ins += not ok
                return False
        return True

    def start_mfa(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._pending_mfa[token] = time.monotonic() + MFA_SECONDS
        return token

    def check_code(self, token: str | None, code: str) -> bool:
        with self._lock:
            self.code_attempts += 1
            expiry = self._pending_mfa.get(token or "")
            if expiry is None or expiry < time.monotonic() or self.locked:
                return False
            # One step either side: a code typed as the 30 s window turns is still accepted.
            if not pyotp.TOTP(self.totp_secret).verify(code.strip(), valid_window=1):
                self.failed_sign_ins += 1
                return False
            del self._pending_mfa[token or ""]
            return True

    def new_session(self) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self.sessions[sid] = time.monotonic() + SESSION_SECONDS
            self.sign_ins += 1
        return sid

    def sign_in(self, username: str, password: str) -> str | None:
        """Password-only sign-in (no MFA): a session id, or None."""
        return self.new_session() if self.check_password(username, password) else None

    def is_signed_in(self, sid: str | None) -> bool:
        with self._lock:
            expiry = self.sessions.get(sid or "")
            if expiry is None:
                return False
            if expiry < time.monotonic():
                del self.sessions[sid]
                return False
            return True

    def sign_out(self, sid: str | None) -> None:
        with self._lock:
            self.sessions.pop(sid or "", None)

    @contextlib.contextmanager
    def generation(self, report: Report) -> Iterator[None]:
        """A report "runs" for as long as the slow fault says (no time at all without it)."""
        with self._lock:
            self.generating += 1
            self.peak_generating = max(self.peak_generating, self.generating)
        try:
            time.sleep(self.faults.delay(report))
        finally:
            with self._lock:
                self.generating -= 1
        yield

    # -- the API's tokens -------------------------------------------------------------------------

    def issue_token(self) -> dict[str, str]:
        """A new access token (and a refresh token) for the API."""
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._lock:
            self.api_tokens[access] = time.monotonic() + TOKEN_SECONDS
            self.refresh_tokens.add(refresh)
            self.tokens_issued += 1
        return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer"}

    def refresh(self, refresh_token: str) -> dict[str, str] | None:
        """A new access token for a known refresh token (which stays: it is not reissued)."""
        access = secrets.token_urlsafe(32)
        with self._lock:
            if refresh_token not in self.refresh_tokens:
                return None
            self.api_tokens[access] = time.monotonic() + TOKEN_SECONDS
            self.tokens_issued += 1
        return {"access_token": access, "token_type": "Bearer"}

    def token_valid(self, token: str | None) -> bool:
        with self._lock:
            expiry = self.api_tokens.get(token or "")
            return expiry is not None and expiry >= time.monotonic()

    def expire_token(self, token: str) -> None:
        with self._lock:
            self.api_tokens.pop(token, None)

    def expire_sessions(self) -> None:
        """End every session now, as a CRM's session timeout or an admin's reset does."""
        with self._lock:
            self.sessions.clear()

    # -- exports ----------------------------------------------------------------------------------

    def export(self, report: Report, *, details_only: bool, encoding: str, route: str) -> bytes:
        """The report as CSV bytes (cached: big reports take seconds to format), faults applied."""
        original = self.data[report.key]
        df = self.faults.rows(report, original, route)
        footer = self.faults.footer(report, route, details_only)
        key = (report.key, "details" if details_only else "formatted", encoding, footer)
        with self._lock:
            cached = self._exports.get(key) if df is original else None
        if cached is None:
            buf = io.StringIO()
            if not details_only:
                # A formatted report carries a title block above the table, as a human wants it.
                buf.write(f'"{report.title}"\r\n"{self.company}"\r\n\r\n')
            df.to_csv(buf, index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            if footer:
                buf.write(self._footer(report))
            cached = buf.getvalue().encode(ENCODINGS.get(encoding, "utf-8"), errors="replace")
            if df is original:
                with self._lock:
                    self._exports[key] = cached
        return self.faults.body(report, cached, route)

    def _footer(self, report: Report) -> str:
        now = self.clock()
        stamp = now.strftime("%m/%d/%Y %I:%M %p").lstrip("0")
        lines = [
            report.title,
            f"Copyright (c) 2000-{now.year} {self.company}. All rights reserved.",
            "Confidential Information - Do Not Distribute",
            f"Generated By:  {self.username}  {stamp}",
            self.company,
        ]
        return "\r\n" + "".join(f'"{line}"\r\n' for line in lines)

    # -- serving ----------------------------------------------------------------------------------

    def make_server(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        app = self

        class Handler(_Handler):
            crm = app

        server = _Server((host, port), Handler)
        server.daemon_threads = True
        return server


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a burst of clients (a load test, a harvest with
    # many workers) overflows it and the kernel drops their connections. The kernel caps this at
    # net.core.somaxconn.
    request_queue_size = 1024


class _Handler(BaseHTTPRequestHandler):
    crm: DemoCRM
    server_version = "DemoCRM/1.0"

    # Request logging would print session ids to the console; the demo stays quiet.
    def log_message(self, format: str, *args: object) -> None:
        pass

    # -- plumbing ---------------------------------------------------------------------------------

    def _cookie(self, name: str) -> str | None:
        jar = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
        morsel = jar.get(name)
        return morsel.value if morsel else None

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def _page(self, template: str, status: int = 200, **context: object) -> None:
        html = _templates.get_template(template).render(
            company=self.crm.company, look=self.crm.paths, **context
        )
        self._send(status, html.encode())

    def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
        self._send(HTTPStatus.SEE_OTHER, b"", headers={"Location": location, **(headers or {})})

    def _require_session(self) -> bool:
        if self.crm.is_signed_in(self._cookie(SESSION_COOKIE)):
            return True
        look = self.crm.paths
        extra = {"ec": "302"} if look.name == "lightning" else {}
        self._redirect(look.sign_in + "?" + urlencode({**extra, look.next_param: self.path}))
        return False

    def _sign_in_page(self, error: str | None = None, username: str = "", nxt: str = "") -> None:
        self._page("login.html", next=nxt or self.crm.paths.home, error=error, username=username)

    # -- routes -----------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path.rstrip("/") or "/"
        look = self.crm.paths
        signed_in = self.crm.is_signed_in(self._cookie(SESSION_COOKIE))
        if path == look.sign_in and not (path == "/" and signed_in):
            return self._sign_in_page(nxt=_safe_next(query.get(look.next_param), look.home))
        if path == look.verify:
            return self._page("verify.html", error=None)
        if path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"))
        if path == "/logout":
            self.crm.sign_out(self._cookie(SESSION_COOKIE))
            clear = f"{SESSION_COOKIE}=; Max-Age=0; Path=/"
            return self._redirect(look.sign_in, {"Set-Cookie": clear})
        if path == look.login_error_page:
            locked = query.get("e") == ["locked"]
            error = "Your account is locked." if locked else look.login_error
            return self._page("login_error.html", error=error)
        bearer = _bearer(self.headers.get("Authorization", ""))
        if bearer is not None and not self.crm.token_valid(bearer):
            return self._send(401, INVALID_SESSION, "application/json")
        cookie = self._cookie(SESSION_COOKIE)
        api_token = bearer or (cookie if self.crm.token_valid(cookie) else None)
        if api_token is not None:
            return self._api_get(path, query, api_token)
        if not self._require_session():
            return None
        if path in ("/", "/reports", look.home):
            return self._page("reports.html", reports=list(REPORTS.values()), data=self.crm.data)
        parts = path.strip("/").split("/")
        if (
            look.name == "lightning"
            and parts[:3] == ["lightning", "r", "Report"]
            and len(parts) > 3
        ):
            report = BY_ID.get(parts[3])
            if report is not None:
                return self._page("lightning.html", report=report)
        if parts[0] == "viewer" and len(parts) == 2 and parts[1] in BY_ID:
            return self._report_page(BY_ID[parts[1]], framed=True)
        if len(parts) == 2 and parts[1] == "run" and parts[0] in BY_ID:
            with self.crm.generation(BY_ID[parts[0]]):  # the page's spinner waits for this
                return self._send(HTTPStatus.NO_CONTENT, b"")
        if len(parts) == 2 and parts[0] == "accounts":
            return self._account_page(unquote(parts[1]))
        report = BY_ID.get(path.lstrip("/"))
        if report is None:
            return self._page("not_found.html", status=404)
        if query.get("export") == ["1"]:
            fmt = query.get("xf", ["csv"])[0]
            if fmt != "csv":
                return self._send(400, f"unsupported export format: {fmt}".encode(), "text/plain")
            enc = query.get("enc", ["UTF-8"])[0]
            with self.crm.generation(report):
                return self._attachment(report, details_only=True, encoding=enc, route=URL)
        if look.name == "lightning":
            return self._redirect(look.report.format(id=report.report_id))
        return self._report_page(report, framed=False)

    def _account_page(self, name: str) -> None:
        """An account's record (the profile's ``account_url``), found by its name as the accounts
        report spells it: its facts, contracts and latest activities, where a seller logs a check."""
        data = self.crm.data

        def rows(key: str) -> list[dict]:
            df = data.get(key)
            if df is None or "Account" not in df.columns:
                return []
            return df[df["Account"].astype(str) == name].to_dict("records")

        account = rows("accounts")
        if not account:
            return self._page("not_found.html", status=404)
        activities = rows("activities")[-50:]
        return self._page(
            "account.html", name=name, account=account[0], contracts=rows("contracts"),
            activities=activities[::-1],
        )  # fmt: skip

    def _api_get(self, path: str, query: dict[str, list[str]], token: str) -> None:
        """What an API token may ask: the export URL (Salesforce's pattern), nothing else."""
        report = BY_ID.get(path.lstrip("/"))
        if report is None or query.get("export") != ["1"] or query.get("xf", ["csv"]) != ["csv"]:
            return self._json(404, [{"errorCode": "NOT_FOUND", "message": "Not found"}])
        answer = self.crm.faults.answer_api(self.crm, report, token)
        if answer is not None:
            return self._send(answer.status, answer.body, answer.content_type)
        enc = query.get("enc", ["UTF-8"])[0]
        with self.crm.generation(report):
            self._attachment(report, details_only=True, encoding=enc, route=URL)
        if self.command != "HEAD":
            with self.crm._lock:
                self.crm.api_exports += 1
            self.crm.faults.api_served(self.crm, report, token)
        return None

    def _token(self, field_) -> None:
        """The OAuth 2.0 token endpoint: the password and refresh-token grants."""
        grant = field_("grant_type")
        if grant == "password":
            if not self.crm.check_password(field_("username"), field_("password")):
                return self._json(
                    400, {"error": "invalid_grant", "error_description": "authentication failure"}
                )
            token: dict[str, str] | None = self.crm.issue_token()
        elif grant == "refresh_token":
            token = self.crm.refresh(field_("refresh_token"))
            if token is None:
                return self._json(
                    400,
                    {"error": "invalid_grant", "error_description": "expired access/refresh token"},
                )
        else:
            return self._json(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant type not supported",
                },
            )
        assert token is not None
        issued = str(int(self.crm.clock().timestamp() * 1000))
        host = self.headers.get("Host", "127.0.0.1")
        return self._json(200, {**token, "instance_url": f"http://{host}", "issued_at": issued})

    def _json(self, status: int, data: object) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        field_ = lambda name: form.get(name, [""])[0]  # noqa: E731
        look = self.crm.paths
        path = url.path.rstrip("/") or "/"
        if path == TOKEN_PATH:
            return self._token(field_)
        if path == look.sign_in:
            return self._post_sign_in(field_("username"), field_("password"), field_("next"))
        if path == look.verify:
            return self._post_verify(field_("code"), field_("next"))
        if not self._require_session():
            return None
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[1] == "export" and parts[0] in BY_ID:
            if field_("format") != "csv":
                return self._send(400, b"unsupported export format", "text/plain")
            return self._attachment(
                BY_ID[parts[0]],
                details_only=field_("mode") == "details",
                encoding=field_("enc") or "UTF-8",
                route=UI,
            )
        return self._page("not_found.html", status=404)

    def _post_sign_in(self, username: str, password: str, nxt_field: str) -> None:
        look = self.crm.paths
        nxt = _safe_next([nxt_field], look.home)
        if not self.crm.check_password(username, password):
            if self.crm.faults.has(LoginErrorPage.name):  # the error on a page of its own
                return self._redirect(
                    look.login_error_page + ("?e=locked" if self.crm.locked else "")
                )
            error = "Your account is locked." if self.crm.locked else look.login_error
            return self._sign_in_page(error=error, username=username, nxt=nxt)
        if self.crm.mfa:
            token = self.crm.start_mfa()
            cookie = f"{MFA_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
            return self._redirect(
                look.verify + "?" + urlencode({"next": nxt}), {"Set-Cookie": cookie}
            )
        return self._start_session(nxt)

    def _post_verify(self, code: str, nxt_field: str) -> None:
        nxt = _safe_next([nxt_field], self.crm.paths.home)
        if not self.crm.check_code(self._cookie(MFA_COOKIE), code):
            error = "Your account is locked." if self.crm.locked else "Invalid verification code."
            return self._page("verify.html", error=error)
        return self._start_session(nxt)

    def _start_session(self, nxt: str) -> None:
        sid = self.crm.new_session()
        cookie = f"{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax"
        return self._redirect(nxt, {"Set-Cookie": cookie})

    def _report_page(self, report: Report, *, framed: bool) -> None:
        df = self.crm.data[report.key]
        view = {
            "report": report,
            "rows": df.head(PREVIEW_ROWS).itertuples(index=False),
            "total": len(df),
            "encodings": list(ENCODINGS),
            "framed": framed,
            "export_label": "Export",
            "export_in_menu": framed,  # Lightning keeps Export under "More Actions"
            "generating": False,
            "record_count": True,
        }
        return self._page("report.html", **self.crm.faults.page(report, view))

    def _attachment(self, report: Report, *, details_only: bool, encoding: str, route: str) -> None:
        if encoding not in ENCODINGS:
            return self._send(400, f"unsupported encoding: {encoding}".encode(), "text/plain")
        answer = self.crm.faults.answer(self.crm, report, route)
        if answer is not None:
            return self._send(answer.status, answer.body, answer.content_type)
        body = self.crm.export(report, details_only=details_only, encoding=encoding, route=route)
        charset = "utf-8" if encoding == "UTF-8" else "windows-1252"
        filename = f"report{self.crm.clock():%Y%m%d%H%M%S}.csv"
        self._send(
            200,
            body,
            f"text/csv; charset={charset}",
            {"Content-Disposition": f'attachment; filename="{filename}"'},
        )
        if self.command == "HEAD":  # headers only (`hcportal harvest --check`): nothing served
            return
        with self.crm._lock:
            self.crm.exports_served += 1
        self.crm.faults.served(self.crm, report, route)

    def _static(self, name: str) -> None:
        path = (HERE / "static" / name).resolve()
        if not path.is_relative_to(HERE / "static") or not path.is_file():
            return self._page("not_found.html", status=404)
        kind = {".css": "text/css", ".js": "text/javascript"}.get(path.suffix, "text/plain")
        self._send(200, path.read_bytes(), f"{kind}; charset=utf-8")


def _bearer(header: str) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if there is one."""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _safe_next(values: list[str] | None, default: str) -> str:
    """Only same-site paths: an open redirect after sign-in is a classic phishing aid."""
    nxt = (values or [default])[0] or default
    if not nxt.startswith("/") or nxt.startswith("//"):
        return default
    return quote(nxt, safe="/?=&%-_.~")


@dataclass
class Running:
    """A demo CRM serving in a background thread."""

    crm: DemoCRM
    url: str

    @property
    def username(self) -> str:
        return self.crm.username

    @property
    def password(self) -> str:
        return self.crm.password

    @property
    def totp_secret(self) -> str:
        return self.crm.totp_secret


@contextlib.contextmanager
def running(
    crm: DemoCRM | None = None, host: str = "127.0.0.1", port: int = 0, **synthetic: object
) -> Iterator[Running]:
    """Serve ``crm`` (or a new synthetic one) on a free loopback port for the ``with`` block."""
    crm = crm or DemoCRM.with_synthetic_data(**synthetic)  # type: ignore[arg-type]
    server = crm.make_server(host, port)
    thread = threading.Thread(target=server.serve_forever, name="democrm", daemon=True)
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield Running(crm=crm, url=f"http://{bound_host}:{bound_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
