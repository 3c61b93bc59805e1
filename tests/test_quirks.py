"""The shipped profiles against looks and quirks of real CRMs the demo CRM grew (issue 17).

A viewer without a record count, a Details Only export without a footer, a sign-in error on a
page of its own, a report that takes long to generate: the harvest gets every report over the UI
route, in one attempt; what cannot work hands over at once, and says what it waited for and where.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from hcportal.core.errors import HarvestError, NeedsPersonError
from hcportal.harvest.crm import RetryPolicy
from tests.harvesting import FAST, crm_with, harvest, profile_with, reports, shipped

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow

QUIRKS = ["no-record-count", "details-no-footer", "slow"]


@pytest.mark.parametrize("look", ["lightning", "classic"])
def test_shipped_profiles_take_every_report_over_the_ui_route_despite_the_quirks(
    demo_data, tmp_path, look
):
    with crm_with(demo_data, QUIRKS, look=look, slow_seconds=1) as crm:
        _, manifest = harvest(crm, tmp_path, reports("accounts", "contracts"))
    for entry in manifest.reports:
        assert (entry.route, len(entry.attempts)) == ("ui", 1), entry.attempts
        assert entry.rows == len(demo_data[entry.name])
        assert entry.footer_lines == 0  # Details Only came without one, and that is fine


def test_footer_expectations_differ_per_route(demo_data, tmp_path):
    """A profile that wants a footer on the UI route rejects the footerless Details Only
    download there, while the export URL (footer kept) is accepted."""
    profile = profile_with("democrm")
    profile = profile.model_copy(
        update={
            "expect": {
                **profile.expect,
                "ui": profile.expect["ui"].model_copy(update={"footer": True}),
            }
        }
    )
    with crm_with(demo_data, ["details-no-footer"]) as crm:
        _, manifest = harvest(crm, tmp_path, profile=profile)
    entry = manifest.report("accounts")
    assert [(a.route, a.ok) for a in entry.attempts] == [
        ("ui", False),
        ("ui", False),
        ("url", True),
    ]
    assert "the report footer is missing" in entry.attempts[0].error
    assert entry.route == "url" and entry.footer_lines == 5


def test_readiness_that_never_shows_hands_over_at_once_naming_locator_and_frame(
    demo_data, tmp_path
):
    """The issue's org: a profile waiting only for "Total Records", which this viewer never
    shows. Once the page is idle the UI route is given up (not retried), and the export URL
    gets the report."""
    profile = profile_with("salesforce", ready=[{"text": "Total Records", "exact": False}])
    with crm_with(demo_data, ["no-record-count"], look="lightning") as crm:
        _, manifest = harvest(
            crm, tmp_path, profile=profile, retry=RetryPolicy(attempts=3, backoff_seconds=0.1)
        )
    entry = manifest.report("accounts")
    ui, url = entry.attempts
    assert (ui.route, ui.step) == ("ui", "wait for the report to generate")
    assert "text 'Total Records' in frame 'Report Viewer'" in ui.error
    assert "once the page is idle" in ui.error
    assert (url.route, url.ok, entry.route) == ("url", True, "url")


def test_a_control_that_matches_nothing_once_idle_fails_fast_not_after_its_timeout(
    demo_data, tmp_path
):
    # A minute to find a control: the route is still given up as soon as the page is idle.
    browser = replace(FAST, control_timeout_seconds=60)
    with crm_with(demo_data, ["export-renamed"], look="lightning") as crm:
        _, manifest = harvest(crm, tmp_path, browser=browser)
    ui = manifest.report("accounts").attempts[0]
    assert ui.step == "open the More Actions menu"
    assert "no menuitem 'Export' in the menu in frame 'Report Viewer'" in ui.error
    assert "nothing matches it once the page is idle" in ui.error
    assert "after 60 s" not in ui.error


def test_a_report_still_generating_at_the_timeout_names_what_it_waited_for(demo_data, tmp_path):
    browser = replace(FAST, timeout_seconds=3)
    with (
        crm_with(demo_data, ["slow", "no-record-count"], look="lightning", slow_seconds=10) as crm,
        pytest.raises(HarvestError) as err,
    ):
        harvest(
            crm,
            tmp_path,
            browser=browser,
            retry=RetryPolicy(routes=("ui",), attempts=1, backoff_seconds=0),
        )
    message = str(err.value)
    assert "step 'wait for the report to generate'" in message
    assert "timed out after 3 s waiting for the report to be ready" in message
    assert "in frame 'Report Viewer'" in message


@pytest.mark.parametrize(
    ("look", "said"),
    [
        ("lightning", "Please check your username and password."),
        ("classic", "Your login attempt has failed."),
    ],
)
def test_a_sign_in_error_on_a_page_of_its_own_is_reported_at_once(demo_data, tmp_path, look, said):
    with crm_with(demo_data, ["login-error-page"], look=look) as crm:
        with pytest.raises(NeedsPersonError) as err:
            harvest(crm, tmp_path, password="wrong-password", profile=shipped(look))
        assert crm.crm.password_attempts == 1 and not crm.crm.locked
    message = str(err.value)
    assert f"failed: the CRM said: {said}" in message
    assert "SSO" not in message and "did not finish" not in message
    assert err.value.exit_code == 3


def test_only_a_page_asking_for_something_unknown_is_called_an_sso_or_mfa_step(demo_data, tmp_path):
    """The CRM asks for a verification code and the profile knows no MFA step: the harvester
    says what the page asks for, at once, instead of waiting for a sign-in that cannot end."""
    profile = profile_with("democrm", sign_in={"mfa": None})
    with crm_with(demo_data, ["totp"]) as crm:
        with pytest.raises(NeedsPersonError) as err:
            harvest(crm, tmp_path, profile=profile)
        assert crm.crm.code_attempts == 0
    message = str(err.value)
    assert "stopped at" in message and "/login/verify" in message
    assert "“Verify Your Identity” asking for 'Verification Code'" in message
    assert "a step the profile does not know" in message
    assert "hcportal login" in message


def test_old_single_footer_key_is_refused_with_where_it_went(tmp_path):
    from hcportal.core.errors import ConfigError
    from hcportal.harvest.profile import BUNDLED, load_profile

    text = (
        (BUNDLED / "democrm.toml")
        .read_text()
        .replace(
            'export_url = "/{report_id}?export=1',
            'expect_footer = true\nexport_url = "/{report_id}?export=1',
            1,
        )
    )
    (tmp_path / "old.toml").write_text(text)
    with pytest.raises(ConfigError, match=r"expect_footer is now set per route: \[expect.ui\]"):
        load_profile(str(tmp_path / "old.toml"))
