"""Alert digests: each owner's new health alerts, by e-mail (SMTP) or to a chat webhook (JSON POST).

Opted into by config (``[notify]``: ``email = true`` and/or ``webhook = true``). Secrets never live
in the config: the SMTP password and the webhook URL (its path or query holds the token) come from
environment variables named by the config, else the system keyring; both are registered with the
log redactor the moment they are read, and no message here ever names them.

Never the same alert twice: every alert sent is appended to a sent-log kept with the history
(``<history>/notified.jsonl``: alert id, channel, owner, when). An alert already in the log for a
channel is not sent on it again; a failed send logs nothing, so the next run retries it.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from hcportal.core.errors import PublishError
from hcportal.core.logs import register_secret

log = logging.getLogger(__name__)
SENT_LOG = "notified.jsonl"


class NotifyError(PublishError):
    """A digest could not be sent (the reason never carries a secret)."""


class NotifySettings(BaseModel):
    """Alert digests to each owner, after a run (docs/health-score.md#alerts)."""

    model_config = ConfigDict(extra="forbid")

    email: bool = Field(False, description="Send each owner an e-mail digest of their new alerts.")
    webhook: bool = Field(
        False, description="Post each owner's new alerts to a chat webhook (JSON)."
    )
    smtp_host: str = Field("localhost", description="SMTP server.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_user: str = Field("", description="SMTP login (blank: no login).")
    smtp_password_env: str = Field(
        "HCPORTAL_SMTP_PASSWORD",
        description="Environment variable holding the SMTP password (else the keyring entry "
        "`smtp_user` of `keyring_service`).",
    )
    sender: str = Field("hcportal@localhost", description="The digests' From address.")
    recipients: dict[str, str] = Field(
        default_factory=dict,
        description='Owner name -> e-mail address, e.g. `{ "Ana Ortiz" = "ana@example.com" }`.',
    )
    default_recipient: str = Field(
        "",
        description="Where the alerts of an owner without an address go (blank: not e-mailed, "
        "and said so in the run's log).",
    )
    webhook_url_env: str = Field(
        "HCPORTAL_WEBHOOK_URL",
        description="Environment variable holding the webhook's URL, token included (else the "
        "keyring entry `webhook` of `keyring_service`).",
    )
    keyring_service: str = Field("hcportal-notify", description="The system keyring's service.")
    site_url: str = Field(
        "", description="The published site's address, to link each alert to its X-Ray."
    )


@dataclass
class Sent:
    """What one run sent, per channel: alert counts and owners (no addresses, no URLs)."""

    email: int = 0
    webhook: int = 0
    skipped: list[str] = field(default_factory=list)


def send_digests(
    alerts: pd.DataFrame,
    settings: NotifySettings,
    log_path: Path,
    now: datetime,
    env: Mapping[str, str] = os.environ,
) -> Sent:
    """Send each owner their alerts not yet sent on each opted-in channel; record what was sent."""
    out = Sent()
    if not (settings.email or settings.webhook) or alerts.empty:
        return out
    done = _sent(log_path)
    for channel in ("email", "webhook"):
        if not getattr(settings, channel):
            continue
        new = alerts[~alerts["alert_id"].astype(str).isin(done.get(channel, set()))]
        if new.empty:
            continue
        send = _email if channel == "email" else _webhook
        secret = _secret(settings, channel, env)
        for owner, group in new.groupby(new["owner"].astype(str), sort=True):
            if send(owner, group, settings, secret, out):
                _record(log_path, group["alert_id"].astype(str), channel, owner, now)
                setattr(out, channel, getattr(out, channel) + len(group))
    log.info("notify: %d alert(s) e-mailed, %d posted", out.email, out.webhook)
    return out


# -- the channels ---------------------------------------------------------------------------------


def digest_text(owner: str, alerts: pd.DataFrame, site_url: str = "") -> str:
    """The digest in plain words: one paragraph per alert."""
    lines = [f"{owner}: {len(alerts)} new health alert(s).", ""]
    for a in alerts.itertuples(index=False):
        lines.append(f"- {a.account}: {str(a.rule).replace('_', ' ')}, {a.detail}.")
        if a.weakest:
            lines.append(f"  Weakest measures: {a.weakest}.")
        if site_url:
            lines.append(f"  {site_url.rstrip('/')}/xray.html#account={urllib.request.quote(str(a.account_key))}")  # fmt: skip
    return "\n".join(lines) + "\n"


def _email(owner: str, alerts: pd.DataFrame, s: NotifySettings, password: str, out: Sent) -> bool:
    to = s.recipients.get(owner) or s.default_recipient
    if not to:
        out.skipped.append(f"{owner}: no e-mail address (notify.recipients)")
        log.warning("notify: no e-mail address for owner %s; their alerts were not e-mailed", owner)
        return False
    msg = EmailMessage()
    msg["From"], msg["To"] = s.sender, to
    msg["Subject"] = f"Health alerts: {len(alerts)} new for {_one_line(owner)}"
    msg.set_content(digest_text(owner, alerts, s.site_url))
    try:
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as smtp:
            if s.starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        # The exception's text is the server's reply or the socket's error: neither holds the
        # password, but say only its kind and the host.
        raise NotifyError(
            f"e-mail to {owner}'s address via {s.smtp_host}:{s.smtp_port} failed "
            f"({type(e).__name__}); the alerts stay unsent and will be retried"
        ) from None
    return True


def _one_line(text: str) -> str:
    """CRM text fit for a mail header: every run of whitespace (CR, LF, U+2028, tabs, ...) one
    space, so an owner's name can neither add a header nor make EmailMessage refuse the digest."""
    return " ".join(text.split())


def _chat_text(text: str) -> str:
    """CRM text for a chat's "text": Slack-style hooks read <!channel>, <@user> and <url|label>
    as commands, so & < > are escaped as their format asks (and shown as the characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _webhook(owner: str, alerts: pd.DataFrame, s: NotifySettings, url: str, out: Sent) -> bool:
    if not url:
        raise NotifyError(
            f"notify.webhook is on but no URL was found: set {s.webhook_url_env} or keep it in "
            f"the keyring (service {s.keyring_service!r}, entry 'webhook')"
        )
    body = {
        "text": _chat_text(digest_text(owner, alerts, s.site_url)),
        "owner": owner,
        "alerts": [
            {
                k: (
                    None
                    if pd.isna(v)
                    else v
                    if not isinstance(v, pd.Timestamp)
                    else v.date().isoformat()
                )
                for k, v in row.items()
            }
            for row in alerts[
                ["alert_id", "account", "rule", "detail", "score", "band", "weakest"]
            ].to_dict("records")
        ],
    }
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
    except (urllib.error.URLError, OSError) as e:
        status = getattr(e, "code", None)
        raise NotifyError(
            f"the webhook post for {owner} failed ({status or type(e).__name__}); the alerts "
            "stay unsent and will be retried"
        ) from None
    return True


# -- secrets and the sent-log ---------------------------------------------------------------------


def _secret(s: NotifySettings, channel: str, env: Mapping[str, str]) -> str:
    if channel == "email":
        value = env.get(s.smtp_password_env, "") if s.smtp_user else ""
        if s.smtp_user and not value:
            value = _keyring(s.keyring_service, s.smtp_user)
    else:
        value = env.get(s.webhook_url_env, "") or _keyring(s.keyring_service, "webhook")
    register_secret(value)
    return value


def _keyring(service: str, entry: str) -> str:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover
        return ""
    try:
        return keyring.get_password(service, entry) or ""
    except (KeyringError, RuntimeError, OSError):
        return ""


def _sent(path: Path) -> dict[str, set[str]]:
    """Per channel, the ids of the alerts already sent."""
    done: dict[str, set[str]] = {}
    if not path.is_file():
        return done
    for line in path.read_text("utf-8").splitlines():
        try:
            entry = json.loads(line)
            done.setdefault(entry["channel"], set()).add(entry["alert_id"])
        except (ValueError, KeyError, TypeError):
            continue  # a torn last line after a crash: the rest still counts
    return done


def _record(path: Path, ids: pd.Series, channel: str, owner: str, now: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    when = now.isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as f:
        for i in ids:
            f.write(json.dumps({"alert_id": i, "channel": channel, "owner": owner, "sent": when}) + "\n")  # fmt: skip
        f.flush()
        os.fsync(f.fileno())
