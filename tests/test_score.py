"""The health score on small hand-built events tables: every expected number is computed by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from hcportal.transform import alerts as alert_rules
from hcportal.transform import scoring
from hcportal.transform.measures import Measured
from hcportal.transform.score import compute
from hcportal.transform.score_change import attach
from hcportal.transform.score_settings import MEASURES, ScoreSettings
from hcportal.transform.tone import NO_SIGNAL, ToneAnalyser

AS_OF = date(2026, 11, 30)
TEXT = ("account_key", "type", "source", "subject", "description", "contact", "direction",
        "priority", "question", "activity_type", "status", "occasion")  # fmt: skip


def events(rows: list[dict]) -> pd.DataFrame:
    """An events table as the events step makes it (text as categoricals, nullable booleans)."""
    base = {
        "account_key": None, "at": None, "type": None, "source": None, "line": 0,
        "subject": None, "description": None, "contact": None, "direction": None,
        "activity_type": None, "priority": None, "status": None, "occasion": None,
        "escalated": None, "paid": None, "amount": np.nan, "days_late": np.nan,
        "question": None, "rating": np.nan, "active_users": np.nan, "licensed_users": np.nan,
    }  # fmt: skip
    source = {"activity": "activities", "health_check": "activities", "ticket_opened": "tickets",
              "ticket_closed": "tickets", "invoice_due": "invoices", "invoice_paid": "invoices",
              "survey_answer": "surveys", "survey_no_answer": "surveys", "usage": "usage"}  # fmt: skip
    full = [{**base, "source": source[r["type"]], **r} for r in rows]
    df = pd.DataFrame(full, columns=list(base))
    df["at"] = pd.to_datetime(df["at"], format="mixed").astype("datetime64[s]")
    for c in TEXT:
        df[c] = df[c].astype("category")
    for c in ("escalated", "paid"):
        df[c] = pd.array(df[c].tolist(), dtype="boolean")
    return df


def accounts(*keys: str, tier: tuple[str, ...] = ()) -> pd.DataFrame:
    df = pd.DataFrame(
        {"owner": "Ana", "account": [k.title() for k in keys], "geo": "EMEA", "region": "North",
         "account_key": list(keys)}
    )  # fmt: skip
    if tier:
        df["Tier"] = list(tier)
    return df


def two_measures(**extra: object) -> ScoreSettings:
    """A card of two measures of equal weight, one per group: touches (0 -> 0, 4 -> 100 points,
    30 days) and cases per month (steps: none 100, any 40, 30 days)."""
    weights = {m: {"weight": 0, "bad": 0, "good": 1} for m in MEASURES}
    weights["touches_per_month"] = {"window_days": 30, "bad": 0, "good": 4}
    weights["tickets_per_month"] = {"window_days": 30, "scale": "steps",
                                    "steps": [(0, 100), (0.5, 40)]}  # fmt: skip
    data = {
        "groups": {
            "engagement": 1,
            "support": 1,
            "tone": 0,
            "billing": 0,
            "usage": 0,
            "surveys": 0,
        },
        "measures": weights,
        "min_coverage": 0.5,
        **extra,
    }
    return ScoreSettings.model_validate(data)


def touch(key: str, day: str, **kw: object) -> dict:
    return {"account_key": key, "at": day, "type": "activity", "line": 10, **kw}


def case(key: str, day: str, **kw: object) -> dict:
    return {"account_key": key, "at": day, "type": "ticket_opened", "line": 20, **kw}


def row(result, key: str) -> pd.Series:
    return result.scores.set_index("account_key").loc[key]


def contributions(result, key: str) -> dict[str, float]:
    e = result.explain
    e = e[(e["account_key"].astype(str) == key) & (e["weight"] > 0)]
    return dict(zip(e["measure"].astype(str), e["contribution"], strict=True))


def test_hand_computed_score_and_contributions():
    # acme: 2 touches in 30 days (50 points), no case while the tickets report is present (100)
    # -> (50 + 100) / 2 = 75.0; beta: 4 touches (100) and 1 case (40) -> 70.0.
    ev = events([
        touch("acme", "2026-11-20"), touch("acme", "2026-11-25"),
        *[touch("beta", f"2026-11-0{d}") for d in range(1, 5)], case("beta", "2026-11-15"),
    ])  # fmt: skip
    r = compute(ev, accounts("acme", "beta"), two_measures(), AS_OF)
    assert row(r, "acme")["score"] == 75.0
    assert row(r, "acme")["coverage"] == 1.0
    assert contributions(r, "acme") == {"touches_per_month": 25.0, "tickets_per_month": 50.0}
    assert row(r, "beta")["score"] == 70.0
    assert contributions(r, "beta") == {"touches_per_month": 50.0, "tickets_per_month": 20.0}
    assert row(r, "beta")["band"] == "Healthy" and row(r, "acme")["band"] == "Healthy"


def test_events_outside_the_window_or_after_as_of_do_not_count():
    ev = events([
        touch("acme", "2026-10-31 23:59"),  # the 31st day back: outside a 30-day window
        touch("acme", "2026-11-01"),  # the window's first day (Nov 1 to Nov 30)
        touch("acme", "2026-12-01"),  # after the as-of date
        case("acme", "2026-12-01"),
    ])  # fmt: skip
    r = compute(ev, accounts("acme"), two_measures(), AS_OF)
    e = r.explain.set_index("measure")
    assert e.loc["touches_per_month", "raw"] == 1.0
    assert e.loc["tickets_per_month", "raw"] == 0.0


def test_missing_signal_lowers_coverage_and_is_shown():
    # No tickets report at all: the case measure has no value (not 0 cases, not 100 points).
    ev = events([touch("acme", "2026-11-20"), touch("acme", "2026-11-21")])
    r = compute(ev, accounts("acme"), two_measures(), AS_OF)
    acme = row(r, "acme")
    assert acme["coverage"] == 0.5
    assert acme["score"] == 50.0  # only the touches count, at their own 50 points
    assert "tickets_per_month" in acme["missing"]
    assert np.isnan(contributions(r, "acme")["tickets_per_month"])


def test_below_min_coverage_is_insufficient_signal_not_a_score():
    ev = events([touch("acme", "2026-11-20")])
    r = compute(ev, accounts("acme"), two_measures(min_coverage=0.6), AS_OF)
    acme = row(r, "acme")
    assert acme["state"] == "insufficient signal"
    assert np.isnan(acme["score"]) and acme["band"] == ""
    assert np.isnan(list(contributions(r, "acme").values())).all()


def test_silent_accounts_are_never_scored():
    # quiet: only an invoice and usage (no activity, case or survey answer) -> silent, even with
    # every measure counted and min_coverage 0; nobody: no event at all.
    ev = events([
        touch("acme", "2026-11-20"), case("acme", "2026-11-20"),
        {"account_key": "quiet", "at": "2026-11-01", "type": "invoice_due", "line": 3,
         "amount": 10.0},
        {"account_key": "quiet", "at": "2026-11-01", "type": "usage", "line": 4,
         "active_users": 5.0, "licensed_users": 10.0},
    ])  # fmt: skip
    r = compute(ev, accounts("acme", "quiet", "nobody"), ScoreSettings(min_coverage=0), AS_OF)
    for key in ("quiet", "nobody"):
        assert row(r, key)["state"] == "silent"
        assert np.isnan(row(r, key)["score"]) and row(r, key)["band"] == ""
    assert row(r, "acme")["state"] == "scored"


def test_segment_scorecards():
    # Enterprise weighs support twice: (50 * 1 + 40 * 2) / 3 = 43.3; others (50 + 40) / 2 = 45.
    s = two_measures(segment_by="tier",
                     scorecards={"Enterprise": {"groups": {"support": 2}}})  # fmt: skip
    ev = events([
        touch("big", "2026-11-20"), touch("big", "2026-11-21"), case("big", "2026-11-22"),
        touch("small", "2026-11-20"), touch("small", "2026-11-21"), case("small", "2026-11-22"),
    ])  # fmt: skip
    r = compute(ev, accounts("big", "small", tier=("Enterprise", "SMB")), s, AS_OF)
    assert row(r, "big")["score"] == 43.3
    assert row(r, "big")["segment"] == "Enterprise"
    assert contributions(r, "big") == {"touches_per_month": 16.7, "tickets_per_month": 26.6}
    assert row(r, "small")["score"] == 45.0
    assert row(r, "small")["band"] == "Watch"


@pytest.mark.parametrize(
    ("touches", "band"), [(4, "Healthy"), (2, "Healthy"), (1, "Watch"), (0, "At risk")]
)
def test_bands_by_threshold(touches: int, band: str):
    # points: touches 4 -> 100, 2 -> 50, 1 -> 25, 0 -> 0; plus 100 for no case: score 100, 75,
    # 62.5, 50 with bands Healthy >= 70, Watch >= 55, At risk below.
    s = two_measures(bands=[{"name": "Healthy", "min_score": 70},
                            {"name": "Watch", "min_score": 55},
                            {"name": "At risk", "min_score": 0}])  # fmt: skip
    rows = [touch("acme", f"2026-11-1{d}") for d in range(touches)]
    rows.append(case("other", "2026-11-01"))
    r = compute(events(rows) if rows else events([]), accounts("acme", "other"), s, AS_OF)
    if touches == 0:
        assert row(r, "acme")["state"] == "silent"
        return
    assert row(r, "acme")["band"] == band


def test_contributions_add_up_to_the_score_exactly():
    rng = np.random.default_rng(12)
    n = 2000
    measured = {}
    for m in MEASURES:
        raw = rng.normal(size=n) * 50
        raw[rng.random(n) < 0.3] = np.nan
        measured[m] = Measured(raw, np.full(n, np.datetime64("NaT"), "datetime64[s]"), np.ones(n, np.int64))  # fmt: skip
    settings = ScoreSettings(min_coverage=0.2)
    s = scoring.score(measured, np.full(n, "", dtype=object), np.zeros(n, bool), settings)
    scored = s.state == scoring.SCORED
    assert scored.sum() > 1000
    tenths = np.nansum(s.contribution[scored], axis=1)
    assert np.array_equal(tenths, np.rint(s.score[scored] * 10))
    # and the rounded score is the exact weighted mean, rounded
    exact = np.nansum(s.weight * s.points, axis=1) / s.coverage
    assert np.all(np.abs(s.score[scored] - exact[scored]) <= 0.05 + 1e-6)


def test_weights_are_normalised():
    s = ScoreSettings()
    groups, measures = s.card("")
    w = scoring.weights(groups, measures)
    assert w.sum() == pytest.approx(1.0)
    doubled = scoring.weights({g: v * 7 for g, v in groups.items()}, measures)
    assert np.allclose(w, doubled)


# -- tone and themes ------------------------------------------------------------------------------


def test_domain_overrides_change_the_tone():
    text = "Support escalation - P1 outage"
    generic = ToneAnalyser(ScoreSettings(tone={"overrides": {}}))
    domain = ToneAnalyser(ScoreSettings())
    assert generic.call(text).tone == "positive"  # vader reads `support` as positive
    call = domain.call(text)
    assert call.tone == "negative"
    assert set(call.words) == {"escalation", "p1", "outage"}
    assert call.themes == ("Risk",)
    assert set(call.theme_words) == {"escalation", "outage"}


def test_text_without_signal_is_no_signal_and_not_counted():
    domain = ToneAnalyser(ScoreSettings())
    assert domain.call("Weekly sync 14:00").tone == NO_SIGNAL
    ev = events([
        touch("acme", "2026-11-20", subject="Weekly sync"),
        touch("acme", "2026-11-21", subject="Weekly sync"),
        touch("acme", "2026-11-22", subject="Great news, thanks!"),
    ])  # fmt: skip
    r = compute(ev, accounts("acme"), ScoreSettings(), AS_OF)
    e = r.explain.set_index("measure")
    great = domain.call("Great news, thanks!").compound
    assert e.loc["tone", "raw"] == pytest.approx(round(great, 4))
    assert e.loc["tone", "events"] == 1
    assert e.loc["risk_share", "raw"] == 0.0
    assert list(r.texts["tone"].astype(str)) == [NO_SIGNAL, NO_SIGNAL, "positive"]
    assert list(r.texts["decided_by"].astype(str)) == ["", "", "great thanks"]


# -- the change since the last run ----------------------------------------------------------------


def _pair(prev_settings: ScoreSettings, now_settings: ScoreSettings, prev_rows, now_rows):
    acc = accounts("acme", "beta")
    prev = compute(events(prev_rows), acc, prev_settings, date(2026, 11, 29))
    now = compute(events(now_rows), acc, now_settings, AS_OF)
    rescored = compute(events(prev_rows), acc, now_settings, date(2026, 11, 29))
    return prev, attach(now.scores, now.explain, prev.scores, prev.explain,
                        (rescored.scores, rescored.explain))  # fmt: skip


def test_change_split_adds_up_to_the_change():
    before = [touch("acme", "2026-11-20"), case("beta", "2026-11-20"), touch("beta", "2026-11-20")]
    after = [*before, touch("acme", "2026-11-29"), touch("acme", "2026-11-30")]
    changed = two_measures(
        groups={"engagement": 3, "support": 1, "tone": 0, "billing": 0, "usage": 0, "surveys": 0}
    )
    prev, (scores, explain) = _pair(two_measures(), changed, before, after)
    for key in ("acme", "beta"):
        s = scores.set_index("account_key").loc[key]
        e = explain[explain["account_key"].astype(str) == key]
        assert s["change"] == pytest.approx(s["score"] - row(prev, key)["score"])
        assert round(s["change_data"] + s["change_config"], 1) == pytest.approx(s["change"])
        parts = (e["data_change"] + e["config_change"]).sum()
        assert round(parts, 1) == pytest.approx(s["change"])
    beta = scores.set_index("account_key").loc["beta"]
    assert beta["change_data"] == 0 and beta["change_cause"] == "config"
    acme = scores.set_index("account_key").loc["acme"]
    assert acme["change_cause"] == "data and config"


def test_same_config_new_data_is_all_data():
    before = [touch("acme", "2026-11-20"), case("acme", "2026-11-20")]
    after = [*before, touch("acme", "2026-11-30")]
    _, (scores, explain) = _pair(two_measures(), two_measures(), before, after)
    acme = scores.set_index("account_key").loc["acme"]
    assert acme["change_config"] == 0 and acme["change_data"] == acme["change"] == 12.5
    assert acme["change_cause"] == "data"
    e = explain[explain["account_key"].astype(str) == "acme"].set_index("measure")
    assert e.loc["touches_per_month", "data_change"] == 12.5
    assert e.loc["touches_per_month", "previous_contribution"] == 12.5


# -- alerts ---------------------------------------------------------------------------------------


def test_alerts_band_drop_and_silent_before_renewal():
    s = two_measures(alerts={"drop_points": 10, "quiet_days": 30, "renewal_within_days": 90})
    before = [*[touch("acme", f"2026-11-0{d}") for d in range(1, 5)],
              touch("beta", "2026-10-01"), case("beta", "2026-10-01")]  # fmt: skip
    after = [touch("acme", "2026-11-01"), touch("beta", "2026-10-01"), case("beta", "2026-10-01")]
    prev, (scores, _) = _pair(s, s, before, after)
    occ = pd.DataFrame({
        "account_key": ["beta", "acme"], "occasion": ["renewal", "renewal"],
        "status": ["upcoming", "upcoming"],
        "due": pd.to_datetime(["2027-01-15", "2027-01-15"]).astype("datetime64[s]"),
    })  # fmt: skip
    found = alert_rules.alerts(scores, prev.scores, occ, s.alerts, AS_OF,
                               ["Healthy", "Watch", "At risk"])  # fmt: skip
    got = {(a, r) for a, r in zip(found["account_key"], found["rule"], strict=True)}
    # acme: 100 -> 62.5 (Healthy -> Watch, a 37.5-point drop), heard from 29 days ago: no
    # silent alert; beta: last heard 60 days ago with a renewal due in 46 days.
    assert got == {("acme", "band_down"), ("acme", "drop"), ("beta", "silent_renewal")}
    drop = found[found["rule"] == "drop"].iloc[0]
    assert drop["detail"] == "score fell 37.5 points"
    assert "touches_per_month" in drop["weakest"]
    again = alert_rules.alerts(scores, prev.scores, occ, s.alerts, AS_OF, ["Healthy", "Watch", "At risk"])  # fmt: skip
    assert list(again["alert_id"]) == list(found["alert_id"])  # the same run, the same ids


def test_the_docs_list_every_measure_and_their_example_config_is_valid():
    import re
    import tomllib
    from pathlib import Path

    from hcportal.config import from_mapping

    doc = (Path(__file__).parent.parent / "docs" / "health-score.md").read_text("utf-8")
    for m in MEASURES:
        assert f"`{m}`" in doc, m
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    config = from_mapping(tomllib.loads(example))
    s = config.transform.score
    assert s.groups["billing"] == 3 and s.groups["usage"] == 2.0  # the others keep defaults
    assert s.card("Enterprise")[0]["support"] == 4


def test_the_weakest_measures_combinations_are_numbered_as_numpy_numbers_rows():
    """scoring.weakest spells each distinct combination of its top measures once; packing each
    row into one integer must give exactly numpy's unique rows and inverse."""
    from hcportal.transform.scoring import _unique_rows

    rng = np.random.default_rng(7)
    for k in (1, 3, 6):  # 6 measures of 17 x 101 points no longer fit one int64: numpy's own way
        codes = rng.integers(0, 17, (4000, k)) * 1000 + rng.integers(0, 101, (4000, k))
        codes = np.where(rng.random((4000, k)) < 0.3, -1, codes)
        want, inverse = np.unique(codes, axis=0, return_inverse=True)
        got, got_inverse = _unique_rows(codes)
        assert np.array_equal(got, want) and np.array_equal(got_inverse, inverse.reshape(-1))
