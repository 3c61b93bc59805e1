HCP.data["owners"] =
{
  "n": 4,
  "columns": {
    "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "1023", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897"]},
    "geo": {"dict": ["AMS", "EMEA"], "chars": "0011"},
    "region": {"dict": ["DACH", "East", "France"], "chars": "1102", "slugs": ["dach-aa6773", "east-4e2cd8", "france-7a1ca4"]},
    "accounts": {"values": [3, 1, 2, 1]},
    "overdue": {"values": [1, 1, 0, 0]},
    "pending": {"values": [1, 0, 1, 0]},
    "upcoming": {"values": [0, 1, 2, 1]},
    "next_due": {"days": [20759, 20756, 20827, 20879]},
    "amount": {"values": [170000, 30000, 1215000, 80000]}
  }
}
