HCP.data["alerts"] =
{
  "n": 1,
  "columns": {
    "alert_id": {"values": ["162789c76765cd42"]},
    "account": {"dict": ["Evergreen Power"], "chars": "0", "keys": ["evergreen power"]},
    "owner": {"dict": ["Carla Müller"], "chars": "0", "slugs": ["carla-muller-903897"]},
    "region": {"dict": ["France"], "chars": "0", "slugs": ["france-7a1ca4"]},
    "rule": {"values": ["silent_renewal"]},
    "detail": {"values": ["nothing heard for 63 days; renewal due 2027-03-02"]},
    "score": {"values": [null]},
    "previous_score": {"values": [null]},
    "band": {"values": [""]},
    "previous_band": {"values": [""]},
    "weakest": {"values": [""]},
    "due": {"days": [20879]}
  }
}
