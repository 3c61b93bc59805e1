HCP.data["quality"] =
{
  "n": 1,
  "columns": {
    "file": {"values": ["accounts.csv"]},
    "line": {"values": [7]},
    "column": {"values": ["owner"]},
    "value": {"values": [""]},
    "reason": {"values": ["missing owner (account kept, unassigned)"]}
  }
}
