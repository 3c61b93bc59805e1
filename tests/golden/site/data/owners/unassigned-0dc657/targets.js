HCP.data["targets"] =
{
  "n": 2,
  "columns": {
    "account": {"dict": ["Falcon Media"], "chars": "00", "keys": ["falcon media"]},
    "owner": {"dict": ["(unassigned)"], "chars": "00", "slugs": ["unassigned-0dc657"]},
    "geo": {"dict": ["AMS"], "chars": "00"},
    "region": {"dict": ["East"], "chars": "00", "slugs": ["east-4e2cd8"]},
    "product": {"dict": ["Network"], "chars": "00"},
    "occasion": {"dict": ["onboarding", "renewal"], "chars": "01"},
    "due": {"days": [20756, 20940]},
    "window_start": {"days": [20696, 20880]},
    "window_end": {"days": [20816, 21000]},
    "status": {"dict": ["overdue", "upcoming"], "chars": "01"},
    "fiscal_quarter": {"dict": ["FY2026 Q4", "FY2027 Q2"], "chars": "01"},
    "amount": {"values": [30000, 30000]},
    "unattached_hc": {"dict": [false, true], "chars": "10"},
    "contract_id": {"values": [7, 7]},
    "days_overdue": {"values": [24, null]},
    "days_to_due": {"values": [null, 160]},
    "days_to_close": {"values": [36, 220]},
    "urgency": {"values": [1, 7]},
    "next_action": {"values": ["Onboarding check for the Network contract is 24 days overdue; the Health Check logged on 2026-11-01 has no report attached: attach the report to it by 2026-12-29, when the window closes.", "Renewal check for the Network contract is due on 2027-05-02, in 160 days: log a Health Check with its report attached between 2027-03-03, when the window opens, and 2027-07-01."]}
  }
}
