HCP.data["accounts"] =
{
  "n": 7,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Cedar Labs", "Delta Foods GmbH", "Evergreen Power", "Falcon Media", "Granite Rail"], "chars": "0123456", "keys": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail"]},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "1122301", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897"]},
    "geo": {"dict": ["AMS", "EMEA"], "chars": "0011100"},
    "region": {"dict": ["(unassigned)", "DACH", "East", "France"], "chars": "2211320", "slugs": ["unassigned-0dc657", "dach-aa6773", "east-4e2cd8", "france-7a1ca4"]},
    "status": {"dict": ["not due", "overdue", "pending", "upcoming"], "chars": "1232310"},
    "next_due": {"days": [20759, 20787, 20892, 20827, 20879, 20756, null]},
    "next_action": {"values": ["Renewal check for the SaaS contract is 21 days overdue: log a Health Check with its report attached by 2027-01-01, when the window closes (in 39 days).", "Onboarding check for the VM contract is due in 7 days, on 2026-11-30: log a Health Check with its report attached by then (the window closes 2027-01-29).", "Onboarding check for the HW contract is due on 2027-03-15, in 112 days: log a Health Check with its report attached between 2027-01-14, when the window opens, and 2027-05-14.", "Periodic check #3 for the Support contract is due in 47 days, on 2027-01-09: log a Health Check with its report attached by then (the window closes 2027-03-10).", "Renewal check for the Storage contract is due on 2027-03-02, in 99 days: log a Health Check with its report attached between 2027-01-01, when the window opens, and 2027-05-01.", "Onboarding check for the Network contract is 24 days overdue; the Health Check logged on 2026-11-01 has no report attached: attach the report to it by 2026-12-29, when the window closes.", ""]}
  }
}
