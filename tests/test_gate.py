"""The gate and the site checks: each refusal for its own reason, and a good night passes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from hcportal.publish.gate import Evidence, GateRefused, enforce, evaluate, read_manifest
from hcportal.publish.settings import GateSettings
from hcportal.publish.sitecheck import check_site
from tests.conftest import NOW
from tests.publishing import make_site, night


def failed(verdict) -> dict[str, str]:
    return {c.name: " | ".join(c.problems or [c.message]) for c in verdict.failed}


def test_the_summary_names_each_failed_check_and_its_first_problems():
    from hcportal.publish.gate import Check, Verdict

    verdict = Verdict([
        Check("row_drop", False, "rows dropped", ["a 10 -> 1", "b 10 -> 2", "c 9 -> 1", "d 5 -> 0"]),
        Check("site", False, "site fails", ["x.html: bad"]),
        Check("harvest", True, "ok"),
    ])  # fmt: skip
    assert verdict.summary() == (
        "rows dropped: a 10 -> 1; b 10 -> 2; c 9 -> 1 (+1 more) / site fails: x.html: bad"
    )


@pytest.fixture(scope="module")
def good_night(tmp_path_factory) -> Path:
    build = tmp_path_factory.mktemp("good") / "build"
    night(build, NOW - timedelta(days=1))
    return build


@pytest.fixture(scope="module")
def night_at_now(tmp_path_factory) -> Callable[..., tuple[Path, str]]:
    """``night(build, NOW, **how)`` into the test's own folder: each night is made once for the
    module (a transform and a site build) and copied, since the tests change their copy."""
    made: dict[str, tuple[Path, str]] = {}

    def copy(to: Path, **how: object) -> tuple[Path, str]:
        key = repr(sorted(how.items()))
        if key not in made:
            build = tmp_path_factory.mktemp("night") / "build"
            made[key] = build, night(build, NOW, **how)
        build, run_id = made[key]
        shutil.copytree(build, to, symlinks=True)
        return to, run_id

    return copy


def evidence_for(build: Path, run_id: str, previous: Path | None = None) -> Evidence:
    return Evidence(
        manifest=read_manifest(build / "raw" / run_id),
        previous=read_manifest(previous),
        data_dir=build / "data",
        site_dir=build / "site",
    )


def test_a_good_night_passes(good_night):
    run = next(p for p in (good_night / "raw").iterdir())
    verdict = evaluate(evidence_for(good_night, run.name, previous=run), GateSettings())
    assert verdict.ok, failed(verdict)
    assert {c.name for c in verdict.checks} == {"harvest", "row_drop", "data_quality", "site"}


def test_a_report_that_lost_rows_is_refused(tmp_path, good_night):
    build = tmp_path / "build"
    run_id = night(build, NOW, keep={"contracts": 0.3})
    previous = next((good_night / "raw").iterdir())
    verdict = evaluate(evidence_for(build, run_id, previous), GateSettings())
    assert list(failed(verdict)) == ["row_drop"]
    was = {r["name"]: r["rows"] for r in read_manifest(previous)["reports"]}["contracts"]
    now = {r["name"]: r["rows"] for r in read_manifest(build / "raw" / run_id)["reports"]}
    assert now["contracts"] < 0.5 * was  # counted here, independently of the gate
    drop = (now["contracts"] - was) / was
    assert (
        f"contracts {was:,} -> {now['contracts']:,} rows ({drop:+.0%})"
        in failed(verdict)["row_drop"]
    )
    # The limit is configurable: a 70% drop passes when up to 80% is allowed.
    assert evaluate(evidence_for(build, run_id, previous), GateSettings(max_row_drop=0.8)).ok


def test_a_report_missing_altogether_counts_as_all_rows_lost(tmp_path, good_night, night_at_now):
    build, run_id = night_at_now(tmp_path / "build")
    ev = evidence_for(build, run_id, next((good_night / "raw").iterdir()))
    ev.manifest["reports"] = [r for r in ev.manifest["reports"] if r["name"] != "accounts"]
    assert "accounts 60 -> 0 rows (-100%)" in failed(evaluate(ev, GateSettings()))["row_drop"]


@pytest.mark.reliability(
    "more than the allowed share of a report's rows in data_quality.csv",
    "refused by the gate",
)
def test_too_many_rejected_rows_are_refused(tmp_path, night_at_now):
    build, run_id = night_at_now(tmp_path / "build", bad_contract_rows=40)
    verdict = evaluate(evidence_for(build, run_id), GateSettings())
    assert list(failed(verdict)) == ["data_quality"]
    assert failed(verdict)["data_quality"].startswith("contracts.csv ")
    assert evaluate(evidence_for(build, run_id), GateSettings(max_reject_fraction=0.5)).ok


def test_without_a_manifest_rejects_are_counted_against_the_rows_the_transform_read(
    tmp_path, night_at_now
):
    build, _ = night_at_now(tmp_path / "build", bad_contract_rows=40)
    plain = Evidence(manifest=None, previous=None, data_dir=build / "data", site_dir=None)
    assert failed(evaluate(plain, GateSettings()))["data_quality"].startswith("contracts.csv ")


def test_rejects_are_counted_by_the_transform_not_read_back_from_the_csv_export(
    tmp_path, night_at_now
):
    build, run_id = night_at_now(tmp_path / "build", bad_contract_rows=40)
    (build / "data" / "data_quality.csv").write_text("file,line\n")  # an export, not evidence
    assert failed(evaluate(evidence_for(build, run_id), GateSettings()))["data_quality"].startswith(
        "contracts.csv "
    )


def test_an_unreadable_meta_json_is_refused_not_a_crash(tmp_path, night_at_now):
    build, run_id = night_at_now(tmp_path / "build")
    meta = build / "data" / "meta.json"
    meta.write_bytes(b'{"data_quality": \xff\xfe')
    assert (
        "cannot be read"
        in failed(evaluate(evidence_for(build, run_id), GateSettings()))["data_quality"]
    )
    meta.write_text('{"as_of": "2026-11-23"}')  # an older version's, or a hand-made one
    assert (
        "run transform again"
        in failed(evaluate(evidence_for(build, run_id), GateSettings()))["data_quality"]
    )


def test_a_failed_or_unfinished_harvest_is_refused(good_night):
    run = next((good_night / "raw").iterdir())
    ev = evidence_for(good_night, run.name)
    ev.manifest["status"] = "partial"
    assert "status 'partial'" in failed(evaluate(ev, GateSettings()))["harvest"]
    ev.manifest = None
    assert "no harvest manifest" in failed(evaluate(ev, GateSettings()))["harvest"]
    ev = evidence_for(good_night, run.name)
    ev.harvest_error = "report contracts: export timed out"
    assert "export timed out" in failed(evaluate(ev, GateSettings()))["harvest"]


def test_a_refusal_is_one_line_and_force_overrides_it(good_night, caplog):
    run = next((good_night / "raw").iterdir())
    ev = evidence_for(good_night, run.name)
    ev.harvest_error = "CRM down"
    verdict = evaluate(ev, GateSettings())
    with pytest.raises(GateRefused) as e:
        enforce(verdict, None)
    assert e.value.exit_code == 4 and "\n" not in str(e.value) and "--force" in str(e.value)
    with pytest.raises(GateRefused):
        enforce(verdict, "   ")  # a reason is required, not just the flag
    forced = enforce(verdict, "CRM maintenance window, data from yesterday is fine")
    assert forced.forced == "CRM maintenance window, data from yesterday is fine"
    assert "forced" in caplog.text and "CRM maintenance window" in caplog.text
    assert forced.as_dict()["forced"] == forced.forced


# -- the site's own checks -------------------------------------------------------------------------


def test_a_clean_site_has_no_problems(tmp_path, good_night):
    assert check_site(good_night / "site") == []
    assert check_site(make_site(tmp_path / "s", "v1", pages=5)) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>unclosed <b>bold</p>", "does not parse"),
        ('<div id="a" id="b"></div>', "does not parse"),
        ('<a href="nowhere.html">x</a>', "nowhere.html does not resolve"),
        ('<img src="img/missing.png" alt="">', "img/missing.png does not resolve"),
        ('<script src="https://cdn.example.com/x.js"></script>', "loads https://cdn.example.com"),
        ('<link rel="stylesheet" href="//fonts.example.com/f.css">', "from another site"),
        ('<img src="http://tracker.example.com/p.gif" alt="">', "from another site"),
        ('<div style="background: url(https://x.example.com/a.png)"></div>', "another site"),
        ('<a href="../../etc/passwd">x</a>', "leads out of the site"),
        ('<a href="/targets.html">x</a>', "root-relative"),
        ('<a href="javascript:alert(1)">x</a>', "javascript: URL"),
    ],
)
def test_site_problems_are_found(tmp_path, html, expected):
    site = make_site(tmp_path / "s", "v1")
    page = (site / "targets.html").read_text().replace("</nav>", f"</nav>{html}")
    (site / "targets.html").write_text(page)
    problems = [str(p) for p in check_site(site)]
    assert any(p.startswith("targets.html: ") and expected in p for p in problems), problems


def test_links_to_other_sites_are_navigation_not_resources(tmp_path):
    site = make_site(tmp_path / "s", "v1")
    page = (site / "index.html").read_text()
    page = page.replace("</nav>", '</nav><a href="https://crm.example.com/001">In the CRM</a>')
    (site / "index.html").write_text(page)
    assert check_site(site) == []


def test_css_urls_are_checked(tmp_path):
    site = make_site(tmp_path / "s", "v1")
    (site / "static" / "app.css").write_text(
        '@import "https://fonts.example.com/x.css";\nh1 { background: url(logo.svg); }\n'
        ".x { background: url('../static/none.png'); }\n"
    )
    problems = [str(p) for p in check_site(site)]
    assert len(problems) == 2, problems
    assert "another site" in problems[0] and "none.png does not resolve" in problems[1]


@pytest.mark.parametrize(
    "name", ["storage_state.json", "crm.storage_state.json", "trace-1.zip", ".env"]
)
def test_session_and_secret_files_are_never_published(tmp_path, name):
    site = make_site(tmp_path / "s", "v1")
    (site / "data" / name).write_text("{}")
    assert any("must never be published" in str(p) for p in check_site(site))


def test_a_site_without_a_home_page_fails(tmp_path):
    site = make_site(tmp_path / "s", "v1")
    (site / "index.html").unlink()
    assert any("no home page" in str(p) for p in check_site(site))
