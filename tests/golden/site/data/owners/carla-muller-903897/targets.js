HCP.data["targets"] =
{
  "n": 1,
  "columns": {
    "account": {"dict": ["Evergreen Power"], "chars": "0", "keys": ["evergreen power"]},
    "owner": {"dict": ["Carla Müller"], "chars": "0", "slugs": ["carla-muller-903897"]},
    "geo": {"dict": ["EMEA"], "chars": "0"},
    "region": {"dict": ["France"], "chars": "0", "slugs": ["france-7a1ca4"]},
    "product": {"dict": ["Storage"], "chars": "0"},
    "occasion": {"dict": ["renewal"], "chars": "0"},
    "due": {"days": [20879]},
    "window_start": {"days": [20819]},
    "window_end": {"days": [20939]},
    "status": {"dict": ["upcoming"], "chars": "0"},
    "fiscal_quarter": {"dict": ["FY2027 Q1"], "chars": "0"},
    "amount": {"values": [80000]},
    "unattached_hc": {"dict": [false], "chars": "0"},
    "contract_id": {"values": [6]},
    "days_overdue": {"values": [null]},
    "days_to_due": {"values": [99]},
    "days_to_close": {"values": [159]},
    "urgency": {"values": [5]},
    "next_action": {"values": ["Renewal check for the Storage contract is due on 2027-03-02, in 99 days: log a Health Check with its report attached between 2027-01-01, when the window opens, and 2027-05-01."]}
  }
}
