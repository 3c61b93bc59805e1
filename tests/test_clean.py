"""The parsers read every form GUIDE section 3 lists, and flag what they cannot read."""

from __future__ import annotations

import pandas as pd
import pytest

from hcportal.transform import clean


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$1,234.56", 1234.56),
        ("1.2M", 1_200_000),
        ("$15K", 15_000),
        ("(1,200)", -1200),
        ("USD 1200", 1200),
        ("$1.5 MM", 1_500_000),
        ("  42 ", 42),
    ],
)
def test_money(text, value):
    parsed, bad = clean.parse_money(pd.Series([text]))
    assert parsed[0] == pytest.approx(value)
    assert not bad[0]


def test_money_with_decimal_comma():
    parsed, bad = clean.parse_money(pd.Series(["€1.234,56", "1.234.567,8"]), decimal_comma=True)
    assert parsed.tolist() == pytest.approx([1234.56, 1234567.8])
    assert not bad.any()


def test_money_blank_is_missing_and_garbage_is_flagged():
    parsed, bad = clean.parse_money(pd.Series(["", "about a million"]))
    assert parsed.isna().all()
    assert bad.tolist() == [False, True]


@pytest.mark.parametrize(
    "text",
    ["2024-05-03", "2024-05-03 14:22", "2024-05-03-14:22", "5/3/2024", "5/3/2024 2:22 PM"],
)
def test_dates_month_first(text):
    parsed, bad = clean.parse_dates(pd.Series([text]))
    assert parsed[0].date().isoformat() == "2024-05-03"
    assert not bad[0]


def test_dates_day_first_setting():
    parsed, _ = clean.parse_dates(pd.Series(["5/3/2024"]), date_order="DMY")
    assert parsed[0].date().isoformat() == "2024-03-05"


def test_seed_timestamp_keeps_its_time():
    parsed, _ = clean.parse_dates(pd.Series(["2024-05-03-14:22"]))
    assert parsed[0] == pd.Timestamp("2024-05-03 14:22")


def test_bad_dates_are_flagged_not_guessed():
    parsed, bad = clean.parse_dates(pd.Series(["sometime last week", "2024-13-45", ""]))
    assert parsed.isna().all()
    assert bad.tolist() == [True, True, False]


def test_flags():
    yes = ["Y", "Yes", "TRUE", "1", "T", "3", " y "]
    no = ["N", "No", "FALSE", "0", "", "f"]
    parsed, bad = clean.parse_flag(pd.Series(yes + no))
    assert parsed.tolist() == [True] * len(yes) + [False] * len(no)
    assert not bad.any()
    _, bad = clean.parse_flag(pd.Series(["maybe"]))
    assert bad[0]


def test_account_keys_agree_across_spellings():
    keys = clean.account_key(
        pd.Series(["ACME ORG", "Acme Org.", " acme org inc ", "Acme Org, LLC"])
    )
    assert set(keys) == {"acme org"}


def test_account_key_strips_accents_and_keeps_distinct_names_apart():
    keys = clean.account_key(
        pd.Series(["Café Müller GmbH", "Cafe Muller", "Company", "Acme Co Ltd", "Acme Labs"])
    )
    assert keys[0] == keys[1] == "cafe muller"
    assert keys[2] == "company"  # a name that is only a suffix stays a name
    assert keys[3] == "acme" and keys[4] == "acme labs"


def test_account_keys_case_fold_and_read_an_ampersand_as_punctuation():
    keys = clean.account_key(
        pd.Series(["Straße GmbH", "STRASSE GMBH", "Smith & Co", "Smith Co", "Smith and Co",
                   "Johnson & Johnson", "Johnson and Johnson", "AT&T", "And Co", "Sand And Stone"])
    )  # fmt: skip
    assert keys[0] == keys[1] == "strasse"
    assert keys[2] == keys[3] == keys[4] == "smith"
    assert keys[5] == keys[6] == "johnson johnson"
    assert keys[7] == "at t"
    assert keys[8] == "and"  # "and" is dropped only between two words
    assert keys[9] == "sand stone"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("12/31/24", "2024-12-31"),  # two-digit year: not the year 24
        ("2024-05-03T14:22:00Z", "2024-05-03"),
        ("2024-05-03T14:22:00.123+02:00", "2024-05-03"),
        (" 2024-05-03 ", "2024-05-03"),
        ("5/3/2024 14:22", "2024-05-03"),
    ],
)
def test_more_date_forms(text, iso):
    parsed, bad = clean.parse_dates(pd.Series([text, "2024-01-01"] * 600))
    assert parsed[0].date().isoformat() == iso
    assert not bad.any()


def test_a_mixed_column_is_read_whatever_form_dominates():
    forms = ["2024-05-03-14:22", "5/3/2024 2:22 PM", "2024-05-03", "5/3/2024"]
    for dominant in forms:
        column = [dominant] * 2000 + forms
        parsed, bad = clean.parse_dates(pd.Series(column))
        assert set(parsed.dt.date.astype(str)) == {"2024-05-03"}
        assert not bad.any()


@pytest.mark.parametrize(
    ("text", "value"),
    [("€1.234,56", 1234.56), ("(€ 2.000)", -2000), ("1 234 567,5", 1234567.5), ("EUR 15K", 15000)],
)
def test_money_decimal_comma_forms(text, value):
    parsed, bad = clean.parse_money(pd.Series([text]), decimal_comma=True)
    assert parsed[0] == pytest.approx(value)
    assert not bad[0]


def test_account_keys_keep_letters_of_every_script():
    keys = clean.account_key(
        pd.Series(["トヨタ自動車 株式会社", "トヨタ自動車株式会社", "Ünïcode Çorp", "日立"])
    )
    assert keys.tolist() == ["トヨタ自動車 株式会社", "トヨタ自動車株式会社", "unicode", "日立"]
    assert clean.account_key(pd.Series(["Acme KK"]), suffixes=["kk"])[0] == "acme"
    assert clean.account_key(pd.Series(["Acme KK"]), suffixes=[])[0] == "acme kk"
