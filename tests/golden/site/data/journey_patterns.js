HCP.data["journey_patterns"] =
{
  "n": 14,
  "columns": {
    "acct": {"values": [0, 0, 0, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5]},
    "kind": {"dict": ["sequence", "stage"], "chars": "01110110110111"},
    "pattern": {"dict": ["health_check", "health_check > onboarding", "onboarding", "onboarding > health_check"], "chars": "10223023023022"},
    "occurrences": {"values": [1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]},
    "followed": {"values": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
  }
}
