"""Tone and themes of communication text: each distinct text judged once, with the words that decided.

Tone is vaderSentiment's (MIT; its lexicon ships inside the package, nothing is downloaded) with the
config's domain overrides laid over its lexicon, because a generic lexicon misreads business text:
it reads `support` as positive, so "Support escalation - P1 outage" would come out positive.
A text none of whose words carries a valence is ``no signal``: not neutral, and not counted in the
tone measure. Themes are word families (config ``score.themes``) matched on word boundaries; a hit
keeps the words that matched.

Subjects repeat ("Weekly sync", "RE: Renewal quote"): texts are factorised first and each distinct
one is analysed once, so the cost follows the vocabulary of the book, not its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from hcportal.transform.score_settings import ScoreSettings

NO_SIGNAL = "no signal"
_WORD = re.compile(r"[\w'][\w'-]*")


@dataclass(frozen=True)
class Call:
    """The verdict on one text."""

    tone: str  # positive, negative, neutral or "no signal"
    compound: float  # vaderSentiment's compound score, -1 to 1 (0 for no signal)
    words: tuple[str, ...]  # the words that carried a valence, as written (lower case)
    themes: tuple[str, ...]
    theme_words: tuple[str, ...]


class ToneAnalyser:
    """vaderSentiment with the domain overrides; one per settings."""

    def __init__(self, settings: ScoreSettings) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()
        lexicon = dict(self._vader.lexicon)
        for word, valence in settings.tone.overrides.items():
            if valence == 0:
                lexicon.pop(word.casefold(), None)
            else:
                lexicon[word.casefold()] = float(valence)
        self._vader.lexicon = lexicon
        self._pos, self._neg = settings.tone.positive_at, settings.tone.negative_at
        self._themes = {
            name: re.compile(
                r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                + r")(?!\w)", re.IGNORECASE,
            )
            for name, words in settings.themes.items() if words
        }  # fmt: skip
        self._risk = set(settings.risk_themes)

    def call(self, text: str) -> Call:
        words = tuple(
            w for w in (t.strip("'-").casefold() for t in _WORD.findall(text))
            if self._vader.lexicon.get(w, 0) != 0
        )  # fmt: skip
        themes, hits = [], []
        for name, pattern in self._themes.items():
            found = sorted({m.casefold() for m in pattern.findall(text)})
            if found:
                themes.append(name)
                hits.extend(found)
        if not words:
            return Call(NO_SIGNAL, 0.0, (), tuple(themes), tuple(hits))
        compound = float(self._vader.polarity_scores(text)["compound"])
        tone = "positive" if compound >= self._pos else "negative" if compound <= self._neg else "neutral"  # fmt: skip
        return Call(tone, compound, words, tuple(themes), tuple(hits))

    def is_risk(self, call: Call) -> bool:
        return bool(self._risk.intersection(call.themes))


@dataclass
class TextCalls:
    """The calls for the texts of an events table: per row its text's id (-1: no text), and per
    distinct text its call as arrays."""

    text_of_row: np.ndarray
    texts: list[str]
    calls: list[Call]
    compound: np.ndarray
    signal: np.ndarray
    risk: np.ndarray


def texts_of(events: pd.DataFrame) -> pd.Series:
    """Each event's communication text: its Subject and its notes, joined ("" for none)."""
    parts = []
    for col in ("subject", "description"):
        if col in events:
            parts.append(events[col].astype("object").where(events[col].notna(), "").astype(str))
    if not parts:
        return pd.Series([""] * len(events), index=events.index)
    text = parts[0]
    for p in parts[1:]:
        text = np.where(p.str.len() > 0, np.where(text.str.len() > 0, text + ". " + p, p), text)  # type: ignore[union-attr]
        text = pd.Series(text, index=events.index)
    return text.str.strip()


def analyse(events: pd.DataFrame, rows: np.ndarray, settings: ScoreSettings) -> TextCalls:
    """Judge the distinct texts of ``events``' rows ``rows`` (a mask): each once."""
    text_of_row = np.full(len(events), -1, dtype=np.int64)
    idx = np.flatnonzero(rows)
    texts = texts_of(events.iloc[idx]) if len(idx) else pd.Series([], dtype=object)
    codes, uniques = pd.factorize(texts.to_numpy(dtype=object))
    uniques = [str(u) for u in uniques]
    empty = np.array([u == "" for u in uniques] + [True])
    text_of_row[idx] = np.where(empty[codes], -1, codes)
    analyser = _analyser(settings.model_dump_json(include={"tone", "themes", "risk_themes"}))
    calls = [analyser.call(t) for t in uniques]
    return TextCalls(
        text_of_row,
        uniques,
        calls,
        np.array([c.compound for c in calls], dtype=np.float64),
        np.array([c.tone != NO_SIGNAL for c in calls], dtype=bool),
        np.array([analyser.is_risk(c) for c in calls], dtype=bool),
    )


@lru_cache(maxsize=4)
def _analyser(settings_json: str) -> ToneAnalyser:
    """One analyser per tone settings (building vader's lexicon takes a few milliseconds)."""
    return ToneAnalyser(ScoreSettings.model_validate_json(settings_json))
