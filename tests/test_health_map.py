"""The Account Health Map's rules (seed 002, issue 13) on hand-computed cases."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from hcportal.core.errors import TransformError
from hcportal.transform import healthmap_rules as rules
from hcportal.transform.health_map import account_value, health_map
from hcportal.transform.healthmap_rules import HealthMapSettings, Scale

NAN = float("nan")
S = "Would you recommend us?"
E = "How was Support?"

# The seed's table, typed out again here (not read from the code): rows are the Success band
# (y axis), columns the Experience band (x axis).
SEED_TABLE = """
Low Low Account at Risk: Engage!
Low Mid Improve Customer Success (business outcomes)
Low High Improve Customer Success (business outcomes)
Mid Low Improve Experiences
Mid Mid Focus on Business Outcome KPIs
Mid High Focus on Business Outcome KPIs
High Low Improve Experiences
High Mid Expansion Opportunity!
High High Expansion Opportunity!
Silent Low Account at Risk: Engage!
Silent Mid Strengthen Relationships for Account Expansion
Silent High Strengthen Relationships for Account Expansion
Low Silent Improve Customer Success (business outcomes)
Mid Silent Strengthen Relationships
High Silent High Relationship Feedback: Expand!
Silent Silent Account at Risk: Engage!
"""


def seed_rows():
    for line in SEED_TABLE.strip().splitlines():
        s, e, act = line.split(" ", 2)
        yield s, e, act


def test_the_sixteen_actions_are_the_seeds():
    rows = list(seed_rows())
    assert len(rows) == 16 and len({(s, e) for s, e, _ in rows}) == 16
    for s, e, act in rows:
        assert rules.action(s, e) == act, (s, e)
    assert len(rules.ACTIONS) == 16


def test_net_score_counts_high_minus_low_over_responses_ignoring_non_responders():
    ratings = pd.Series([10, 9, 8, 3, NAN, 0, 1, 2, NAN, NAN, 7, 9, 0])
    acc = pd.Series(list("AAAAABBBDDEEE"))
    out = rules.net_scores(ratings, acc, Scale())
    assert out.loc["A", "responses"] == 4 and out.loc["A", "net"] == pytest.approx(25.0)
    assert out.loc["B", "net"] == -100.0
    assert out.loc["D", "responses"] == 0 and np.isnan(out.loc["D", "net"])
    assert out.loc["E", "net"] == 0.0  # one high, one low, one neutral
    assert list(out.loc["E", ["high", "low", "neutral"]]) == [1, 1, 1]


def test_bands_at_their_thresholds():
    hm = HealthMapSettings()
    got = rules.band([-100, -0.01, 0, 49.99, 50, 100, NAN], hm)
    assert list(got) == ["Low", "Low", "Mid", "Mid", "High", "High", "Silent"]
    moved = HealthMapSettings(mid_from=-20, high_from=30)
    assert list(rules.band([-25, -20, 29, 30], moved)) == ["Low", "Mid", "Mid", "High"]


def test_bands_must_be_ordered():
    with pytest.raises(ValidationError, match="mid_from < high_from"):
        HealthMapSettings(mid_from=50, high_from=10)
    with pytest.raises(ValidationError, match="low_to"):
        Scale(high_from=5, low_to=5)


def test_sentiment_colours():
    # promoters, passives, detractors
    cases = [
        ((3, 1, 1), "green"),
        ((2, 2, 0), "yellow"),  # promoters tie with passives: not more than both
        ((0, 0, 2), "red"),
        ((1, 1, 1), "yellow"),
        ((1, 0, 1), "yellow"),
        ((0, 3, 1), "yellow"),  # passives lead: neutral
        ((0, 0, 0), "gray"),
    ]
    p, m, d = zip(*(c for c, _ in cases), strict=True)
    assert list(rules.sentiment(p, m, d)) == [want for _, want in cases]


def test_thin_below_the_minimum_but_not_silent():
    hm = HealthMapSettings()
    assert list(rules.thin([0, 1, 2, 3, 9], hm)) == [False, True, True, False, False]
    assert list(rules.thin([1, 4, 5], HealthMapSettings(min_responses=5))) == [True, True, False]


def test_a_question_on_another_scale():
    hm = HealthMapSettings(question_scales={"  rate US 1-5 ": Scale(high_from=5, low_to=2)})
    scale = hm.scale_of("Rate us 1-5")
    out = rules.net_scores(pd.Series([5, 5, 4, 3, 2, 1]), pd.Series(list("AAAAAA")), scale)
    assert out.loc["A", "net"] == pytest.approx((2 - 2) / 6 * 100)
    assert hm.scale_of("other") == Scale()


# -- the table ------------------------------------------------------------------------------------


def _accounts(*names):
    return pd.DataFrame(
        {
            "owner": ["Ann"] * len(names), "account": list(names),
            "geo": ["AMS"] * len(names), "region": ["West"] * len(names),
            "account_key": [n.lower() for n in names],
        }
    )  # fmt: skip


def _surveys(rows):
    """rows: (account key, question, rating or None, role)."""
    return pd.DataFrame(
        {
            "account_key": [r[0] for r in rows],
            "contact": [f"c{i}" for i in range(len(rows))],
            "role": [r[3] if len(r) > 3 else "Influencer" for r in rows],
            "questionnaire": ["Q"] * len(rows), "wave": ["W1"] * len(rows),
            "question": [r[1] for r in rows],
            "date": pd.to_datetime(["2026-01-10"] * len(rows)),
            "rating": [NAN if r[2] is None else float(r[2]) for r in rows],
        }
    )  # fmt: skip


def _contracts(rows):
    return pd.DataFrame(
        {
            "account_key": [r[0] for r in rows],
            "start": pd.to_datetime([r[1] for r in rows]),
            "end": pd.to_datetime([r[2] for r in rows]),
            "amount": [r[3] for r in rows],
        }
    )


def test_account_value_sums_the_contracts_active_on_the_as_of_date():
    c = _contracts([
        ("a", "2026-01-01", "2026-12-31", 100.006),
        ("a", "2025-01-01", None, 20.5),  # evergreen, active
        ("a", "2024-01-01", "2026-03-31", 1000),  # ended the day before
        ("a", "2026-04-02", None, 7),  # starts the day after
        ("b", "2026-04-01", "2026-04-01", 3.333),  # one day, that day
    ])  # fmt: skip
    v = account_value(c, date(2026, 4, 1))
    assert v["a"] == pytest.approx(120.51) and v["b"] == pytest.approx(3.33)


def test_health_map_rows_hand_computed():
    accounts = _accounts("Zeta", "alpha", "Mute", "Thin")
    surveys = _surveys([
        ("alpha", S, 10), ("alpha", S, 9), ("alpha", S, 8), ("alpha", S, 3), ("alpha", S, None),
        ("alpha", " how was SUPPORT? ", 2), ("alpha", E, 1), ("alpha", E, 9),
        ("zeta", S, 0), ("zeta", S, 1), ("zeta", S, 7),
        ("mute", S, None), ("mute", E, None),
        ("thin", S, 10), ("thin", E, 10), ("thin", E, 7),
        ("nowhere", S, 10),  # an account not in the accounts report: not on the map
    ])  # fmt: skip
    contracts = _contracts(
        [("alpha", "2026-01-01", None, 50.0), ("zeta", "2020-01-01", "2021-01-01", 9)]
    )
    hm = HealthMapSettings(success_question=S, experience_question=E)
    out = health_map(accounts, contracts, surveys, hm, date(2026, 6, 1))
    assert list(out["account"]) == ["alpha", "Mute", "Thin", "Zeta"]  # alphabetical, any case
    r = out.set_index("account_key")
    a = r.loc["alpha"]
    assert a["success_net"] == pytest.approx(25.0) and a["success_responses"] == 4
    assert a["success_band"] == "Mid"
    assert a["experience_net"] == pytest.approx((1 - 2) / 3 * 100) and a["experience_band"] == "Low"
    assert a["sentiment"] == "green" and a["action"] == "Improve Experiences"
    assert a["account_value"] == 50.0 and not a["thin"]
    z = r.loc["zeta"]
    assert z["success_net"] == pytest.approx(-200 / 3) and z["success_band"] == "Low"
    assert z["experience_band"] == "Silent" and z["experience_responses"] == 0
    assert z["sentiment"] == "red" and z["account_value"] == 0.0
    assert z["action"] == "Improve Customer Success (business outcomes)"
    m = r.loc["mute"]  # invited, never answered: silent on both
    assert (m["success_band"], m["experience_band"], m["sentiment"]) == ("Silent", "Silent", "gray")
    assert m["action"] == "Account at Risk: Engage!" and not m["thin"]
    t = r.loc["thin"]
    assert t["success_band"] == "High" and t["experience_net"] == 50.0
    assert t["experience_band"] == "High" and t["thin"] and t["success_thin"]
    assert t["action"] == "Expansion Opportunity!"


def test_an_account_without_survey_rows_is_silent_on_both():
    out = health_map(
        _accounts("Quiet"), _contracts([]), _surveys([("other", S, 9), ("other", E, 9)]),
        HealthMapSettings(success_question=S, experience_question=E), date(2026, 6, 1),
    )  # fmt: skip
    assert list(out[["success_band", "experience_band", "sentiment"]].iloc[0]) == [
        "Silent", "Silent", "gray",
    ]  # fmt: skip


def test_a_question_the_surveys_do_not_ask_is_a_clear_error():
    with pytest.raises(TransformError, match='experience_question "Nope" is not a question'):
        health_map(
            _accounts("A"), _contracts([]), _surveys([("a", S, 9)]),
            HealthMapSettings(success_question=S, experience_question="Nope"), date(2026, 6, 1),
        )  # fmt: skip


def test_the_default_question_missing_leaves_the_measure_silent(caplog):
    out = health_map(
        _accounts("A"), _contracts([]), _surveys([("a", S, 9)]),
        HealthMapSettings(success_question=S), date(2026, 6, 1),
    )  # fmt: skip
    assert out["experience_band"].tolist() == ["Silent"] and out["success_band"][0] == "High"
    assert "experience_question" in caplog.text


# -- the X-Ray's per-contact view -----------------------------------------------------------------


def test_contacts_and_response_rates_per_role_keep_the_non_responders():
    from hcportal.render.healthmap import contacts, role_rates
    from hcportal.transform import Tables
    from hcportal.transform.healthmap_rules import browser_rules

    s = _surveys([
        ("a", S, 10, "Decision Maker"), ("a", S, None, "Decision Maker"), ("a", E, 2, "Influencer"),
        ("a", S, 7, "Influencer"), ("a", S, 3, "Day to Day"), ("a", S, None, "Day to Day"),
    ])  # fmt: skip
    # one contact per person: c0/c1 are the same decision maker, c4/c5 two day-to-day people
    s["contact"] = ["dm", "dm", "inf", "inf", "d1", "d2"]
    s["date"] = pd.to_datetime(["2026-01-01", "2026-05-01", "2026-01-01", "2026-02-01",
                                "2026-01-01", "2026-01-01"])  # fmt: skip
    s["responded"] = s["rating"].notna()
    rules = browser_rules(HealthMapSettings(success_question=S, experience_question=E))
    c = contacts(Tables(frames={"surveys": s}, meta={"health_map": rules})).set_index("contact")
    assert c.loc["dm", "status"] == "Promoter"  # the latest answer; the unanswered wave after it
    assert c.loc["inf", "status"] == "Passive" and c.loc["d1", "status"] == "Detractor"
    assert c.loc["d2", "status"] == "Non-responder" and c.loc["d2", "answers"] == 0
    r = role_rates(c.reset_index()).set_index("role")
    assert r.loc["Day to Day", ["contacts", "non_responders", "invitations", "answers"]].tolist() == [
        2, 1, 2, 1,
    ]  # fmt: skip
    assert r.loc["Decision Maker", "response_rate"] == 0.5
