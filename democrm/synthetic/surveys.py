"""Survey answers: two questionnaires, several waves, three roles, and who did not answer.

- the **Relationship Survey** goes out twice a year (waves ``2025 H1``, ``2025 H2``) to decision
  makers, influencers and day-to-day users, asking the Success question ("How likely are you to
  recommend us to a colleague?", 0-10) and a touchpoint question about the account team;
- the **Support Experience Survey** goes out twice a year too (``2025 Q2``, ``2025 Q4``), mostly to
  day-to-day users, asking the Experience question ("How satisfied are you with Technical
  Support?", 0-10); noisy accounts, with many cases, are asked more often.

Every invited contact gets a row per question; one who did not answer has an empty Rating (so
non-responders can be counted per role). Answers follow the archetype and the account's own mood;
as a relationship fades its people answer less (the decision maker first) and lower. Silent
accounts are never surveyed. Across a few hundred accounts every band of the health map (Low, Mid,
High, Silent, for both measures) appears.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic.contacts import DECISION_MAKER, Contacts
from hcportal.democrm.synthetic.formats import DAY
from hcportal.democrm.synthetic.lives import NOISY, PARAMS, SILENT, Lives
from hcportal.democrm.synthetic.words import (
    ACCOUNT_TEAM_QUESTION,
    RELATIONSHIP,
    SUCCESS_QUESTION,
    SUPPORT,
    SUPPORT_QUESTION,
)

WAVES = 4  # of each questionnaire, the latest sent at least two weeks ago


class Questionnaire:
    def __init__(self, name, months, label, questions, surveyed, invite, experience):
        self.name, self.months, self.label, self.questions = name, months, label, questions
        self.surveyed = surveyed  # chance an account is in a wave
        self.invite = np.array(invite)  # chance a contact is invited, by role
        self.experience = experience  # per question: a touchpoint (else the Success question)


QUESTIONNAIRES = (
    Questionnaire(
        RELATIONSHIP, (3, 9), lambda y, m: f"{y} H{1 if m < 7 else 2}",
        (SUCCESS_QUESTION, ACCOUNT_TEAM_QUESTION), 0.75, (0.6, 0.35, 0.1), (False, True),
    ),
    Questionnaire(
        SUPPORT, (6, 12), lambda y, m: f"{y} Q{(m - 1) // 3 + 1}",
        (SUPPORT_QUESTION,), 0.4, (0.0, 0.15, 0.35), (True,),
    ),
)  # fmt: skip
ROLE_ANSWERS = np.array([0.75, 0.9, 1.0])  # decision makers answer least
ROLE_MOOD = np.array([-0.3, 0.0, 0.3])  # day-to-day champions rate highest


def waves(q: Questionnaire, today: np.datetime64) -> list[tuple[str, np.datetime64]]:
    year = int(str(today)[:4])
    sent = [
        (q.label(y, m), np.datetime64(f"{y}-{m:02d}-10"))
        for y in range(year - 4, year + 1)
        for m in q.months
    ]
    return [w for w in sent if w[1] <= today - 14 * DAY][-WAVES:]


def surveys(rng: np.random.Generator, life: Lives, people: Contacts) -> pd.DataFrame:
    """Survey rows: acc, contact, questionnaire, wave, date, question, rating (NaN: no answer)."""
    # How an account feels about a touchpoint follows its overall mood only in part: some love
    # the product and hate the support desk, and the other way round.
    touchpoint = 0.5 * life.mood + rng.normal(0, 1.2, len(life))
    parts = []
    for q in QUESTIONNAIRES:
        for label, sent in waves(q, life.today):
            parts.append(_wave(rng, life, people, touchpoint, q, label, sent))
    return pd.concat(parts, ignore_index=True)


def _wave(
    rng, life: Lives, people: Contacts, touchpoint: np.ndarray, q: Questionnaire, label: str, sent
) -> pd.DataFrame:
    n = len(life)
    everyone = np.arange(n)
    chance = q.surveyed + (0.45 if q.name == SUPPORT else 0.0) * (life.arch == NOISY)
    surveyed = (
        life.live(everyone, np.full(n, sent)) & (life.arch != SILENT) & (rng.random(n) < chance)
    )
    invited = np.flatnonzero(
        surveyed[people.acc] & (rng.random(len(people.acc)) < q.invite[people.role])
    )
    acc, role = people.acc[invited], people.role[invited]
    k = len(invited)
    on = sent + rng.integers(0, 5, k).astype("timedelta64[D]")
    fade = life.fade(acc, on)
    arch = life.arch[acc]
    answers = (
        PARAMS["respond"][arch]
        * ROLE_ANSWERS[role]
        * fade ** np.where(role == DECISION_MAKER, 2.0, 1.0)
    )
    answered_on = on + np.round(np.exp(rng.normal(1, 0.8, k))).astype("timedelta64[D]")
    answered = (rng.random(k) < answers) & (answered_on <= life.today)
    person = ROLE_MOOD[role] + rng.normal(0, 1.0, k)
    rows = []
    for question, experience in zip(q.questions, q.experience, strict=True):
        mood = touchpoint[acc] if experience else life.mood[acc]
        mean = (
            PARAMS["experience" if experience else "nps"][arch]
            + mood
            - (3 if experience else 4) * (1 - fade)
        )
        rating = np.clip(np.round(mean + person + rng.normal(0, 0.8, k)), 0, 10)
        rows.append(
            pd.DataFrame(
                {
                    "acc": acc,
                    "contact": invited,
                    "questionnaire": q.name,
                    "wave": label,
                    "date": np.where(answered, answered_on, on),
                    "question": question,
                    "rating": np.where(answered, rating, np.nan),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["date", "contact"], kind="stable", ignore_index=True)
