"""docs/reliability.md is generated from the tests' reliability marks and is up to date."""

from __future__ import annotations

from pathlib import Path

from tests import reliability_doc

ROOT = Path(__file__).resolve().parent.parent


def test_the_reliability_page_is_current():
    committed = (ROOT / "docs" / "reliability.md").read_text("utf-8")
    assert committed == reliability_doc.render(reliability_doc.cases()), (
        "docs/reliability.md is stale: run `make docs` and commit it"
    )


def test_every_case_names_a_fault_and_an_outcome():
    cases = reliability_doc.cases()
    assert len(cases) >= 30
    for c in cases:
        assert c.case.strip() and c.outcome.strip(), c
        assert c.test.startswith("test_"), c
    # The promises of docs/reliability.md each have tests behind them.
    text = " ".join(f"{c.case} {c.outcome}" for c in cases)
    for word in ("impossible calendar date", "separators", "currency", "encoding", "NUL",
                 "duplicated header", "200,000-character field", "symbolic link", "formula",
                 "history", "rollback", "session", "SIGKILL", "lock", "make setup", "200 clients"):  # fmt: skip
        assert word in text, word
