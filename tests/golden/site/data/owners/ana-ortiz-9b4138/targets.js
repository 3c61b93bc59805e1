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
    "unattached_hc": {"dict": [false], "chars": "00"}
  }
}
