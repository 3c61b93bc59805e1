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
    "occasions": {"values": [2, 1, 1, 1, 2, 1]},
    "urgency": {"values": [6, 2, 5, 3, 1, 4]},
    "next_action": {"values": ["Onboarding check for the HW contract is due on 2027-03-15, in 112 days: log a Health Check with its report attached between 2027-01-14, when the window opens, and 2027-05-14.", "Renewal check for the SaaS contract is 21 days overdue: log a Health Check with its report attached by 2027-01-01, when the window closes (in 39 days).", "Renewal check for the Storage contract is due on 2027-03-02, in 99 days: log a Health Check with its report attached between 2027-01-01, when the window opens, and 2027-05-01.", "Onboarding check for the VM contract is due in 7 days, on 2026-11-30: log a Health Check with its report attached by then (the window closes 2027-01-29).", "Onboarding check for the Network contract is 24 days overdue; the Health Check logged on 2026-11-01 has no report attached: attach the report to it by 2026-12-29, when the window closes.", "Periodic check #3 for the Support contract is due in 47 days, on 2027-01-09: log a Health Check with its report attached by then (the window closes 2027-03-10)."]}
  }
}
