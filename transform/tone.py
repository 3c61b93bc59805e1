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


def _codes(events: pd.DataFrame, col: str, idx: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """A text column's codes at ``idx`` (-1: none) and its distinct values, stripped."""
    if col not in events:
        return np.full(len(idx), -1, dtype=np.int64), []
    s = events[col]
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    cats = [str(c).strip() for c in s.cat.categories]
    return s.cat.codes.to_numpy()[idx].astype(np.int64), cats


def analyse(events: pd.DataFrame, rows: np.ndarray, settings: ScoreSettings) -> TextCalls:
    """Judge the distinct texts of ``events``' rows ``rows`` (positions, ascending): each once.

    A text is the Subject and the notes (Description) joined. The (subject, notes) pairs are
    told apart by their integer codes first, so only the distinct pairs are ever made into
    strings, however many rows repeat them."""
    text_of_row = np.full(len(events), -1, dtype=np.int32)  # int32: half the memory
    idx = np.asarray(rows, dtype=np.int64)
    sc, subjects = _codes(events, "subject", idx)
    dc, notes = _codes(events, "description", idx)
    pair = (sc + 1) * (len(notes) + 1) + (dc + 1)
    pairs, inverse = np.unique(pair, return_inverse=True)
    texts = []
    for p in pairs.tolist():
        s_i, d_i = divmod(p, len(notes) + 1)
        parts = [subjects[s_i - 1] if s_i else "", notes[d_i - 1] if d_i else ""]
        texts.append(". ".join(x for x in parts if x))
    codes, uniques = (
        pd.factorize(np.asarray(texts, dtype=object)) if texts else (np.zeros(0, np.int64), [])
    )
    uniques = [str(u) for u in uniques]
    empty = np.array([u == "" for u in uniques] + [True])
    per_pair = np.where(empty[codes], -1, codes) if len(codes) else np.zeros(0, np.int64)
    text_of_row[idx] = per_pair[inverse] if len(idx) else text_of_row[idx]
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
