HCP.data["efficacy"] =
{
  "n": 6,
  "columns": {
    "level": {"dict": ["owner", "region"], "chars": "101010"},
    "name": {"dict": ["Ana Ortiz", "Ben Chen", "Carla Müller", "DACH", "East", "France"], "chars": "304251", "slugs": ["ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897", "dach-aa6773", "east-4e2cd8", "france-7a1ca4"]},
    "geo": {"dict": ["", "AMS", "EMEA"], "chars": "201020"},
    "period": {"dict": ["FY2026 Q1", "FY2026 Q3", "FY2026 Q4", "FY2027 Q1"], "chars": "322110"},
    "due": {"values": [1, 2, 3, 1, 1, 1]},
    "closed": {"values": [0, 1, 1, 1, 1, 1]},
    "done_on_time": {"values": [0, 0, 0, 1, 1, 1]},
    "done_late": {"values": [0, 0, 0, 0, 0, 0]},
    "missed": {"values": [0, 1, 1, 0, 0, 0]},
    "unattached": {"values": [0, 0, 1, 0, 0, 0]},
    "open": {"values": [1, 1, 2, 0, 0, 0]},
    "open_done": {"values": [1, 0, 1, 0, 0, 0]},
    "on_time_rate": {"values": [null, 0, 0, 1, 1, 1]}
  }
}
