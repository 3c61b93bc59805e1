HCP.data["targets"] =
{
  "n": 2,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc"], "chars": "01", "keys": ["acme org", "blue harbor"]},
    "owner": {"dict": ["Ana Ortiz"], "chars": "00", "slugs": ["ana-ortiz-9b4138"]},
    "geo": {"dict": ["AMS"], "chars": "00"},
    "region": {"dict": ["East"], "chars": "00", "slugs": ["east-4e2cd8"]},
    "product": {"dict": ["SaaS", "VM"], "chars": "01"},
    "occasion": {"dict": ["onboarding", "renewal"], "chars": "10"},
    "due": {"days": [20759, 20787]},
    "window_start": {"days": [20699, 20727]},
    "window_end": {"days": [20819, 20847]},
    "status": {"dict": ["overdue", "pending"], "chars": "01"},
    "fiscal_quarter": {"dict": ["FY2026 Q4"], "chars": "00"},
    "amount": {"values": [120000, 50000]},
    "unattached_hc": {"dict": [false], "chars": "00"},
    "contract_id": {"values": [2, 3]},
    "days_overdue": {"values": [21, null]},
    "days_to_due": {"values": [null, 7]},
    "days_to_close": {"values": [39, 67]},
    "urgency": {"values": [2, 3]},
    "next_action": {"values": ["Renewal check for the SaaS contract is 21 days overdue: log a Health Check with its report attached by 2027-01-01, when the window closes (in 39 days).", "Onboarding check for the VM contract is due in 7 days, on 2026-11-30: log a Health Check with its report attached by then (the window closes 2027-01-29)."]}
  }
}
