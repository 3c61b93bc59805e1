"""How the site writes numbers, the same in the templates as in the browser (static/js/hcp.js).

One money format everywhere: the currency's code (``site.currency``), a no-break space, whole
units grouped by thousands: ``USD 11,314,500``. Counts are grouped the same way, and a count is
never written without what it counts.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"


def money(value: float | int | None, currency: str) -> str:
    """``USD 11,314,500``; ``-USD 1,200``; blank for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{currency}{NBSP}{abs(value):,.0f}"
    return f"-{text}" if round(value) < 0 else text


def count(n: int, noun: str) -> str:
    """``1 account``, ``12,345 accounts``: ``noun`` is the plural; a final ``s`` goes for one."""
    return f"{n:,} {noun[:-1] if n == 1 and noun.endswith('s') else noun}"
