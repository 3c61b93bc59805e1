"""The people on the customer's side: a decision maker, an influencer or two, day-to-day users.

Activities name the contact who wrote or was met; surveys are sent to their e-mail addresses (the
survey tool's id for a person), so the same person can be followed across both.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic.words import FIRST, LAST, ROLES

DECISION_MAKER, INFLUENCER, DAY_TO_DAY = range(3)


@dataclass
class Contacts:
    acc: np.ndarray
    name: np.ndarray
    email: np.ndarray
    role: np.ndarray  # index into ROLES
    first: np.ndarray  # per account: index of its first contact (the decision maker)
    count: np.ndarray  # per account: how many contacts it has

    def of(self, acc: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A contact of each account in ``acc``, picked by ``u`` in [0, 1)."""
        return self.first[acc] + (u * self.count[acc]).astype(np.int64)

    @property
    def roles(self) -> np.ndarray:
        return np.asarray(ROLES, dtype=object)[self.role]


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(filter(str.isalnum, plain.lower()))


def contacts(rng: np.random.Generator, bases: np.ndarray, tier: np.ndarray) -> Contacts:
    n = len(bases)
    count = 3 + rng.poisson(1.5, n) + 2 * (tier == 0)
    first = np.cumsum(count) - count
    acc = np.repeat(np.arange(n), count)
    j = np.arange(len(acc)) - first[acc]
    influencers = 1 + (rng.random(n) < 0.5)
    role = np.where(j == 0, DECISION_MAKER, np.where(j <= influencers[acc], INFLUENCER, DAY_TO_DAY))
    f = rng.integers(len(FIRST), size=len(acc))
    last = rng.integers(len(LAST), size=len(acc))
    name = np.asarray(FIRST, dtype=object)[f] + " " + np.asarray(LAST, dtype=object)[last]
    local = np.array([f"{_ascii(a)}.{_ascii(b)}" for a in FIRST for b in LAST], dtype=object)
    local = local[f * len(LAST) + last]
    domain = np.array([_ascii(b) + ".example" for b in bases], dtype=object)[acc]
    # Two people of one name at one account get distinct addresses, as mail servers insist.
    dup = pd.Series(local + "@" + domain).duplicated().to_numpy()
    local[dup] = local[dup] + j[dup].astype(str).astype(object)
    email = local + "@" + domain
    return Contacts(acc, name, email, role.astype(np.int8), first, count)
