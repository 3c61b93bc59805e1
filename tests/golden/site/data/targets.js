HCP.data["targets"] =
{
  "n": 8,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Cedar Labs", "Delta Foods GmbH", "Evergreen Power", "Falcon Media"], "chars": "22041553", "keys": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media"]},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "22131002", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897"]},
    "geo": {"dict": ["AMS", "EMEA"], "chars": "11010001"},
    "region": {"dict": ["DACH", "East", "France"], "chars": "00121110", "slugs": ["dach-aa6773", "east-4e2cd8", "france-7a1ca4"]},
    "product": {"dict": ["HW", "Network", "SaaS", "Storage", "Support", "VM"], "chars": "00235114"},
    "occasion": {"dict": ["onboarding", "periodic", "renewal"], "chars": "02220021"},
    "due": {"days": [20892, 21076, 20759, 20879, 20787, 20756, 20940, 20827]},
    "window_start": {"days": [20832, 21016, 20699, 20819, 20727, 20696, 20880, 20767]},
    "window_end": {"days": [20952, 21136, 20819, 20939, 20847, 20816, 21000, 20887]},
    "status": {"dict": ["overdue", "pending", "upcoming"], "chars": "22021021"},
    "fiscal_quarter": {"dict": ["FY2026 Q4", "FY2027 Q1", "FY2027 Q2", "FY2027 Q3"], "chars": "13010021"},
    "amount": {"values": [1200000, 1200000, 120000, 80000, 50000, 30000, 30000, 15000]},
    "unattached_hc": {"dict": [false, true], "chars": "00000100"}
  }
}
