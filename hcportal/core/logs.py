"""Logging set-up, with secrets masked wherever a message might carry them.

Passwords, TOTP codes and session cookies are registered with :func:`register_secret` as soon as
they are read; every log record is scrubbed of them before any handler sees it.
"""

from __future__ import annotations

import logging
import re
import sys

_SECRETS: set[str] = set()
MASK = "********"


def register_secret(value: str | None) -> None:
    """Mask ``value`` in every log line from now on (short values would mask too much)."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


# The user-info of a URL (``https://user:token@host``): up to the last "@" before the path, so a
# password holding an "@" is masked whole.
_USERINFO = re.compile(r"([a-z][a-z0-9+.-]*://)[^/\s]*@", re.IGNORECASE)


def strip_userinfo(text: str) -> str:
    """``https://user:token@host/x`` -> ``https://***@host/x``, wherever URLs appear in ``text``."""
    return _USERINFO.sub(r"\1***@", text)


def redact(text: str) -> str:
    """``text`` without any registered secret or URL credentials."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return strip_userinfo(text)


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            # The traceback's text (the exception's own words included) is masked too; the
            # formatter prints exc_text as it is when it is already set.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def setup_logging(verbose: bool = False) -> None:
    """Plain, timestamped lines on stderr; ``--verbose`` adds debug detail."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(_RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # Third-party chatter is not what an operator reading a nightly log needs.
    for noisy in ("asyncio", "urllib3", "botocore", "boto3", "s3transfer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
