HCP.data["targets"] =
{
  "n": 3,
  "columns": {
    "account": {"dict": ["Cedar Labs", "Delta Foods GmbH"], "chars": "100", "keys": ["cedar labs", "delta foods"]},
    "owner": {"dict": ["Ben Chen"], "chars": "000", "slugs": ["ben-chen-0a32ec"]},
    "geo": {"dict": ["EMEA"], "chars": "000"},
    "region": {"dict": ["DACH"], "chars": "000", "slugs": ["dach-aa6773"]},
    "product": {"dict": ["HW", "Support"], "chars": "100"},
    "occasion": {"dict": ["onboarding", "periodic", "renewal"], "chars": "102"},
    "due": {"days": [20827, 20892, 21076]},
    "window_start": {"days": [20767, 20832, 21016]},
    "window_end": {"days": [20887, 20952, 21136]},
    "status": {"dict": ["pending", "upcoming"], "chars": "011"},
    "fiscal_quarter": {"dict": ["FY2027 Q1", "FY2027 Q3"], "chars": "001"},
    "amount": {"values": [15000, 1200000, 1200000]},
    "unattached_hc": {"dict": [false], "chars": "000"},
    "contract_id": {"values": [5, 4, 4]},
    "days_overdue": {"values": [null, null, null]},
    "days_to_due": {"values": [47, 112, 296]},
    "days_to_close": {"values": [107, 172, 356]},
    "urgency": {"values": [4, 6, 8]},
    "next_action": {"values": ["Periodic check #3 for the Support contract is due in 47 days, on 2027-01-09: log a Health Check with its report attached by then (the window closes 2027-03-10).", "Onboarding check for the HW contract is due on 2027-03-15, in 112 days: log a Health Check with its report attached between 2027-01-14, when the window opens, and 2027-05-14.", "Renewal check for the HW contract is due on 2027-09-15, in 296 days: log a Health Check with its report attached between 2027-07-17, when the window opens, and 2027-11-14."]}
  }
}
