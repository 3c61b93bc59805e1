"""Alert digests against a real SMTP server and a real HTTP server, both on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from hcportal.publish.notify import SENT_LOG, NotifyError, NotifySettings, send_digests

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
PASSWORD = "s3cret-smtp-pass"
TOKEN = "hook-token-0f9a8b7c"


def alerts(*ids: str, owner: str = "Ana Ortiz") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "alert_id": list(ids), "account": [f"Acme <script> {i}" for i in ids],
            "owner": owner, "region": "North", "rule": "drop",
            "detail": "score fell 12.5 points", "score": 40.0, "previous_score": 52.5,
            "band": "Watch", "previous_band": "Healthy",
            "weakest": "tone (10 pts); days_late (0 pts)",
            "due": pd.NaT, "account_key": [f"acme {i}" for i in ids],
        }
    )  # fmt: skip


class Inbox:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8"))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _auth(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    # handled=False: the server answers a refusal with 535 itself. (AuthResult's default, handled=
    # True, means "this callback already replied", so a refused client waited out its 30 s timeout.)
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's own check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=_auth, auth_require_tls=False
    )
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def hook():
    posts: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path != f"/hooks/{TOKEN}":
                self.send_response(403)
            else:
                posts.append(json.loads(body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/{TOKEN}", posts
    finally:
        server.shutdown()


def email_settings(port: int) -> NotifySettings:
    return NotifySettings(
        email=True, smtp_host="127.0.0.1", smtp_port=port, starttls=False, smtp_user="portal",
        recipients={"Ana Ortiz": "ana@example.com"}, site_url="https://portal.example.com/",
    )  # fmt: skip


def test_email_digest_is_sent_once_per_alert(smtp, tmp_path: Path, caplog):
    controller, inbox = smtp
    caplog.set_level(logging.DEBUG)
    log = tmp_path / SENT_LOG
    env = {"HCPORTAL_SMTP_PASSWORD": PASSWORD}
    s = email_settings(controller.port)
    sent = send_digests(alerts("a1", "a2"), s, log, NOW, env)
    assert sent.email == 2 and len(inbox.messages) == 1
    msg = inbox.messages[0]
    assert "To: ana@example.com" in msg and "Health alerts: 2 new for Ana Ortiz" in msg
    assert "Acme <script> a1: drop, score fell 12.5 points." in msg
    assert "https://portal.example.com/xray.html#account=acme%20a1" in msg
    # The next run: a1 and a2 already sent, a3 is new.
    again = send_digests(alerts("a1", "a2", "a3"), s, log, NOW, env)
    assert again.email == 1 and len(inbox.messages) == 2
    assert "a3" in inbox.messages[1] and "a1:" not in inbox.messages[1]
    assert send_digests(alerts("a1", "a2", "a3"), s, log, NOW, env).email == 0
    assert PASSWORD not in caplog.text and PASSWORD not in log.read_text()


def test_a_wrong_password_fails_clearly_and_keeps_the_alerts_unsent(smtp, tmp_path: Path):
    controller, inbox = smtp
    log = tmp_path / SENT_LOG
    bad = {"HCPORTAL_SMTP_PASSWORD": "wrong-password-x"}
    with pytest.raises(NotifyError) as e:
        send_digests(alerts("a1"), email_settings(controller.port), log, NOW, bad)
    assert "wrong-password-x" not in str(e.value) and "retried" in str(e.value)
    assert not log.exists() and inbox.messages == []
    ok = {"HCPORTAL_SMTP_PASSWORD": PASSWORD}
    assert send_digests(alerts("a1"), email_settings(controller.port), log, NOW, ok).email == 1


def test_an_owner_without_address_is_skipped_and_said(smtp, tmp_path: Path):
    controller, inbox = smtp
    sent = send_digests(alerts("b1", owner="Ben Chen"), email_settings(controller.port),
                        tmp_path / SENT_LOG, NOW, {"HCPORTAL_SMTP_PASSWORD": PASSWORD})  # fmt: skip
    assert sent.email == 0 and inbox.messages == [] and "Ben Chen" in sent.skipped[0]


def test_an_owner_name_with_line_breaks_cannot_add_a_header(smtp, tmp_path: Path):
    """The owner's name (CRM text) goes into the Subject: a CR/LF in it made EmailMessage raise
    (a traceback after the site was published, and no digest for the owners after it); it is
    one line of words now, and adds no header or recipient."""
    controller, inbox = smtp
    s = email_settings(controller.port).model_copy(update={"default_recipient": "team@example.com"})
    owner = "Mallory\r\nBcc: evil@example.com\u2028X-Evil: 1"
    both = pd.concat([alerts("m1", owner=owner), alerts("z1", owner="Zoe")], ignore_index=True)
    sent = send_digests(both, s, tmp_path / SENT_LOG, NOW, {"HCPORTAL_SMTP_PASSWORD": PASSWORD})
    assert sent.email == 2 and len(inbox.messages) == 2
    assert inbox.recipients == [["team@example.com"], ["team@example.com"]]
    head = inbox.messages[0].replace("\r\n", "\n").split("\n\n", 1)[0]
    assert "Subject: Health alerts: 1 new for Mallory Bcc: evil@example.com X-Evil: 1" in head
    assert "\nBcc:" not in head and "\nX-Evil:" not in head


def test_webhook_posts_json_once_and_never_logs_the_url(hook, tmp_path: Path, caplog):
    url, posts = hook
    caplog.set_level(logging.DEBUG)
    s = NotifySettings(webhook=True)
    log = tmp_path / SENT_LOG
    env = {"HCPORTAL_WEBHOOK_URL": url}
    both = pd.concat([alerts("a1"), alerts("b1", owner="Ben Chen")], ignore_index=True)
    assert send_digests(both, s, log, NOW, env).webhook == 2
    assert [p["owner"] for p in posts] == ["Ana Ortiz", "Ben Chen"]
    assert posts[0]["alerts"][0]["alert_id"] == "a1" and "score fell" in posts[0]["text"]
    assert send_digests(both, s, log, NOW, env).webhook == 0 and len(posts) == 2
    assert TOKEN not in caplog.text and TOKEN not in log.read_text()


def test_a_name_cannot_mention_the_channel_or_disguise_a_link_in_the_chat_text(hook, tmp_path):
    """Slack-style hooks read <!channel>, <@U123> and <url|label> in "text" as commands: an
    account named so pinged everyone or showed a disguised link. The text escapes & < > as
    their format asks (shown as the characters they are); the structured alerts keep the name."""
    url, posts = hook
    bad = alerts("a1")
    bad["account"] = "<!channel> Acme & <https://x.example/login|Sign in again>"
    sent = send_digests(bad, NotifySettings(webhook=True), tmp_path / SENT_LOG, NOW,
                        {"HCPORTAL_WEBHOOK_URL": url})  # fmt: skip
    assert sent.webhook == 1
    text = posts[0]["text"]
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt; Acme &amp; &lt;https://x.example/login|Sign in again&gt;" in text
    assert posts[0]["alerts"][0]["account"] == bad["account"][0]


def test_webhook_failure_names_no_token(hook, tmp_path: Path):
    url, _ = hook
    with pytest.raises(NotifyError) as e:
        send_digests(alerts("a1"), NotifySettings(webhook=True), tmp_path / SENT_LOG, NOW,
                     {"HCPORTAL_WEBHOOK_URL": url.replace(TOKEN, "nope-token-1234")})  # fmt: skip
    assert "403" in str(e.value) and "nope-token-1234" not in str(e.value)
    with pytest.raises(NotifyError, match="HCPORTAL_WEBHOOK_URL"):
        send_digests(alerts("a1"), NotifySettings(webhook=True), tmp_path / SENT_LOG, NOW, {})


def test_nothing_is_sent_unless_opted_in(tmp_path: Path):
    sent = send_digests(alerts("a1"), NotifySettings(), tmp_path / SENT_LOG, NOW, {})
    assert (sent.email, sent.webhook) == (0, 0) and not (tmp_path / SENT_LOG).exists()
