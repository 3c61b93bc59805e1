HCP.data["journey_patterns"] =
{
  "n": 14,
  "columns": {
    "acct": {"values": [0, 0, 0, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5]},
    "kind": {"dict": ["sequence", "stage"], "chars": "11011101101101"},
    "pattern": {"dict": ["health_check", "health_check > onboarding", "onboarding", "onboarding > health_check"], "chars": "20122032032032"},
    "occurrences": {"values": [1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1]},
    "followed": {"values": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
  }
}
