HCP.data["targets"] =
{
  "n": 8,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Cedar Labs", "Delta Foods GmbH", "Evergreen Power", "Falcon Media"], "chars": "50134252", "keys": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media"]},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "01123202", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897"]},
    "geo": {"dict": ["AMS", "EMEA"], "chars": "00011101"},
    "region": {"dict": ["DACH", "East", "France"], "chars": "11102010", "slugs": ["dach-aa6773", "east-4e2cd8", "france-7a1ca4"]},
    "product": {"dict": ["HW", "Network", "SaaS", "Storage", "Support", "VM"], "chars": "12543010"},
    "occasion": {"dict": ["onboarding", "periodic", "renewal"], "chars": "02012022"},
    "due": {"days": [20756, 20759, 20787, 20827, 20879, 20892, 20940, 21076]},
    "window_start": {"days": [20696, 20699, 20727, 20767, 20819, 20832, 20880, 21016]},
    "window_end": {"days": [20816, 20819, 20847, 20887, 20939, 20952, 21000, 21136]},
    "status": {"dict": ["overdue", "pending", "upcoming"], "chars": "00112222"},
    "fiscal_quarter": {"dict": ["FY2026 Q4", "FY2027 Q1", "FY2027 Q2", "FY2027 Q3"], "chars": "00011123"},
    "amount": {"values": [30000, 120000, 50000, 15000, 80000, 1200000, 30000, 1200000]},
    "unattached_hc": {"dict": [false, true], "chars": "10000000"},
    "contract_id": {"values": [7, 2, 3, 5, 6, 4, 7, 4]},
    "days_overdue": {"values": [24, 21, null, null, null, null, null, null]},
    "days_to_due": {"values": [null, null, 7, 47, 99, 112, 160, 296]},
    "days_to_close": {"values": [36, 39, 67, 107, 159, 172, 220, 356]},
    "urgency": {"values": [1, 2, 3, 4, 5, 6, 7, 8]},
    "next_action": {"values": ["Onboarding check for the Network contract is 24 days overdue; the Health Check logged on 2026-11-01 has no report attached: attach the report to it by 2026-12-29, when the window closes.", "Renewal check for the SaaS contract is 21 days overdue: log a Health Check with its report attached by 2027-01-01, when the window closes (in 39 days).", "Onboarding check for the VM contract is due in 7 days, on 2026-11-30: log a Health Check with its report attached by then (the window closes 2027-01-29).", "Periodic check #3 for the Support contract is due in 47 days, on 2027-01-09: log a Health Check with its report attached by then (the window closes 2027-03-10).", "Renewal check for the Storage contract is due on 2027-03-02, in 99 days: log a Health Check with its report attached between 2027-01-01, when the window opens, and 2027-05-01.", "Onboarding check for the HW contract is due on 2027-03-15, in 112 days: log a Health Check with its report attached between 2027-01-14, when the window opens, and 2027-05-14.", "Renewal check for the Network contract is due on 2027-05-02, in 160 days: log a Health Check with its report attached between 2027-03-03, when the window opens, and 2027-07-01.", "Renewal check for the HW contract is due on 2027-09-15, in 296 days: log a Health Check with its report attached between 2027-07-17, when the window opens, and 2027-11-14."]}
  }
}
