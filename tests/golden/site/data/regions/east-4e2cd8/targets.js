HCP.data["targets"] =
{
  "n": 4,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Falcon Media"], "chars": "2012", "keys": ["acme org", "blue harbor", "falcon media"]},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz"], "chars": "0110", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138"]},
    "geo": {"dict": ["AMS"], "chars": "0000"},
    "region": {"dict": ["East"], "chars": "0000", "slugs": ["east-4e2cd8"]},
    "product": {"dict": ["Network", "SaaS", "VM"], "chars": "0120"},
    "occasion": {"dict": ["onboarding", "renewal"], "chars": "0101"},
    "due": {"days": [20756, 20759, 20787, 20940]},
    "window_start": {"days": [20696, 20699, 20727, 20880]},
    "window_end": {"days": [20816, 20819, 20847, 21000]},
    "status": {"dict": ["overdue", "pending", "upcoming"], "chars": "0012"},
    "fiscal_quarter": {"dict": ["FY2026 Q4", "FY2027 Q2"], "chars": "0001"},
    "amount": {"values": [30000, 120000, 50000, 30000]},
    "unattached_hc": {"dict": [false, true], "chars": "1000"},
    "contract_id": {"values": [7, 2, 3, 7]},
    "days_overdue": {"values": [24, 21, null, null]},
    "days_to_due": {"values": [null, null, 7, 160]},
    "days_to_close": {"values": [36, 39, 67, 220]},
    "urgency": {"values": [1, 2, 3, 7]},
    "next_action": {"values": ["Onboarding check for the Network contract is 24 days overdue; the Health Check logged on 2026-11-01 has no report attached: attach the report to it by 2026-12-29, when the window closes.", "Renewal check for the SaaS contract is 21 days overdue: log a Health Check with its report attached by 2027-01-01, when the window closes (in 39 days).", "Onboarding check for the VM contract is due in 7 days, on 2026-11-30: log a Health Check with its report attached by then (the window closes 2027-01-29).", "Renewal check for the Network contract is due on 2027-05-02, in 160 days: log a Health Check with its report attached between 2027-03-03, when the window opens, and 2027-07-01."]}
  }
}
