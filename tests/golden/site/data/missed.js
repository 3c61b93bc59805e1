HCP.data["missed"] =
{
  "n": 5,
  "columns": {
    "account": {"dict": ["Acme Org", "Delta Foods GmbH", "Granite Rail"], "chars": "20211", "keys": ["acme org", "delta foods", "granite rail"]},
    "owner": {"dict": ["Ana Ortiz", "Ben Chen"], "chars": "00011", "slugs": ["ana-ortiz-9b4138", "ben-chen-0a32ec"]},
    "geo": {"dict": ["AMS", "EMEA"], "chars": "00011"},
    "region": {"dict": ["(unassigned)", "DACH", "East"], "chars": "02011", "slugs": ["unassigned-0dc657", "dach-aa6773", "east-4e2cd8"]},
    "product": {"dict": ["SaaS", "Security", "Support"], "chars": "10122"},
    "occasion": {"dict": ["onboarding", "periodic", "renewal"], "chars": "20010"},
    "due": {"days": [20667, 20513, 20483, 20097, 19822]},
    "window_start": {"days": [20607, 20453, 20423, 20037, 19762]},
    "window_end": {"days": [20727, 20573, 20543, 20157, 19882]},
    "status": {"dict": ["missed"], "chars": "00000"},
    "fiscal_quarter": {"dict": ["FY2024 Q2", "FY2025 Q1", "FY2026 Q1", "FY2026 Q3"], "chars": "32210"},
    "amount": {"values": [10000, 120000, 10000, 15000, 15000]},
    "unattached_hc": {"dict": [false, true], "chars": "00000"},
    "contract_id": {"values": [8, 2, 8, 5, 5]}
  }
}
