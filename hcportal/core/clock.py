"""The clock, passed in: every reading of the time of day goes through one :data:`Clock`.

The command line makes it (:func:`from_env`) and hands it down; nothing below reads the system
time itself. A run made with :func:`fixed` is reproducible to the byte, and ``HCPORTAL_NOW``
replays any instant from the command line (``HCPORTAL_NOW=2026-11-23T06:00:00Z hcportal run``).
Durations are measured with ``time.monotonic`` (a stopwatch, not the time of day).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

Clock = Callable[[], datetime]
ENV_VAR = "HCPORTAL_NOW"


def system() -> datetime:
    """The machine's time, time-zone aware (UTC)."""
    return datetime.now(UTC)


def fixed(at: datetime) -> Clock:
    """A clock stopped at ``at`` (naive times are taken as UTC)."""
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return lambda: at


def from_env(env: Mapping[str, str] = os.environ) -> Clock:
    """:func:`fixed` at ``$HCPORTAL_NOW`` (ISO 8601) when set, else :func:`system`."""
    value = env.get(ENV_VAR, "").strip()
    if not value:
        return system
    try:
        return fixed(datetime.fromisoformat(value))
    except ValueError:
        raise ValueError(
            f"{ENV_VAR}={value!r} is not an ISO 8601 time (2026-11-23T06:00:00Z)"
        ) from None
