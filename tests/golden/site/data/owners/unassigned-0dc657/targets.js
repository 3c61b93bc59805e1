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
    "unattached_hc": {"dict": [false, true], "chars": "10"}
  }
}
