HCP.data["candidates"] =
{
  "n": 6,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Cedar Labs", "Delta Foods GmbH", "Evergreen Power", "Falcon Media"], "chars": "204153", "keys": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media"]},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "213102", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897"]},
    "geo": {"dict": ["AMS", "EMEA"], "chars": "101001"},
    "region": {"dict": ["DACH", "East", "France"], "chars": "012110", "slugs": ["dach-aa6773", "east-4e2cd8", "france-7a1ca4"]},
    "status": {"dict": ["overdue", "pending", "upcoming"], "chars": "202101"},
    "next_due": {"days": [20892, 20759, 20879, 20787, 20756, 20827]},
    "amount": {"values": [1200000, 120000, 80000, 50000, 30000, 15000]},
    "occasions": {"values": [2, 1, 1, 1, 2, 1]}
  }
}
