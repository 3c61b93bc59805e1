HCP.data["targets"] =
{
  "n": 4,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Falcon Media"], "chars": "0122", "keys": ["acme org", "blue harbor", "falcon media"]},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz"], "chars": "1100", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138"]},
    "geo": {"dict": ["AMS"], "chars": "0000"},
    "region": {"dict": ["East"], "chars": "0000", "slugs": ["east-4e2cd8"]},
    "product": {"dict": ["Network", "SaaS", "VM"], "chars": "1200"},
    "occasion": {"dict": ["onboarding", "renewal"], "chars": "1001"},
    "due": {"days": [20759, 20787, 20756, 20940]},
    "window_start": {"days": [20699, 20727, 20696, 20880]},
    "window_end": {"days": [20819, 20847, 20816, 21000]},
    "status": {"dict": ["overdue", "pending", "upcoming"], "chars": "0102"},
    "fiscal_quarter": {"dict": ["FY2026 Q4", "FY2027 Q2"], "chars": "0001"},
    "amount": {"values": [120000, 50000, 30000, 30000]},
    "unattached_hc": {"dict": [false, true], "chars": "0010"}
  }
}
