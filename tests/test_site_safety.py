"""Hostile names in the reports are shown as text: no script from the data ever runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from playwright.sync_api import Page

import render
import transform
from render.settings import SiteSettings
from tests.conftest import TODAY
from transform.settings import TransformSettings

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
]


def hostile_raw(folder: Path) -> Path:
    folder.mkdir()
    accounts = pd.DataFrame(
        {"Owner": HOSTILE, "Account": [f"{h} Corp {i}" for i, h in enumerate(HOSTILE)],
         "GEO": "AMS", "Region": HOSTILE}
    )  # fmt: skip
    contracts = pd.DataFrame(
        {"Account": accounts["Account"], "Product": HOSTILE, "Start Date": "2026-10-01",
         "End Date": "2027-10-01", "Amount": "$1,000"}
    )  # fmt: skip
    activities = pd.DataFrame(
        {"Name": HOSTILE, "Account": accounts["Account"], "Opportunity": "", "Subject": HOSTILE,
         "Revenue": "", "Timestamp": "2026-10-02-10:00", "Attachment": "N"}
    )  # fmt: skip
    for name, df in (("accounts", accounts), ("contracts", contracts), ("activities", activities)):
        df.to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_hostile_names_render_as_text(tmp_path, page: Page):
    raw = hostile_raw(tmp_path / "raw")
    tables = transform.run(raw, TransformSettings(), TODAY)
    transform.write(tables, tmp_path / "data")
    index = render.build(tmp_path / "data", tmp_path / "site", SiteSettings())
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(index.as_uri())
    cells = page.locator("#candidates tbody tr td:nth-child(1)").all_inner_texts()
    assert sorted(cells) == sorted(f"{h} Corp {i}" for i, h in enumerate(HOSTILE))
    assert page.locator("img").count() == 0
    assert dialogs == []
