HCP.data["targets"] =
{
  "n": 0,
  "columns": {
    "account": {"dict": [], "chars": "", "keys": []},
    "owner": {"dict": [], "chars": "", "slugs": []},
    "geo": {"dict": [], "chars": ""},
    "region": {"dict": [], "chars": "", "slugs": []},
    "product": {"dict": [], "chars": ""},
    "occasion": {"dict": [], "chars": ""},
    "due": {"days": []},
    "window_start": {"days": []},
    "window_end": {"days": []},
    "status": {"dict": [], "chars": ""},
    "fiscal_quarter": {"dict": [], "chars": ""},
    "amount": {"values": []},
    "unattached_hc": {"dict": [], "chars": ""},
    "contract_id": {"values": []},
    "days_overdue": {"values": []},
    "days_to_due": {"values": []},
    "days_to_close": {"values": []},
    "urgency": {"values": []},
    "next_action": {"values": []}
  }
}
