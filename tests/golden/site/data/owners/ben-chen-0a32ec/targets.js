HCP.data["targets"] =
{
  "n": 3,
  "columns": {
    "account": {"dict": ["Cedar Labs", "Delta Foods GmbH"], "chars": "001", "keys": ["cedar labs", "delta foods"]},
    "owner": {"dict": ["Ben Chen"], "chars": "000", "slugs": ["ben-chen-0a32ec"]},
    "geo": {"dict": ["EMEA"], "chars": "000"},
    "region": {"dict": ["DACH"], "chars": "000", "slugs": ["dach-aa6773"]},
    "product": {"dict": ["HW", "Support"], "chars": "001"},
    "occasion": {"dict": ["onboarding", "periodic", "renewal"], "chars": "021"},
    "due": {"days": [20892, 21076, 20827]},
    "window_start": {"days": [20832, 21016, 20767]},
    "window_end": {"days": [20952, 21136, 20887]},
    "status": {"dict": ["pending", "upcoming"], "chars": "110"},
    "fiscal_quarter": {"dict": ["FY2027 Q1", "FY2027 Q3"], "chars": "010"},
    "amount": {"values": [1200000, 1200000, 15000]},
    "unattached_hc": {"dict": [false], "chars": "000"}
  }
}
