HCP.data["journey_accounts"] =
{
  "n": 6,
  "columns": {
    "path": {"dict": ["health_check > onboarding", "onboarding", "onboarding > churn", "onboarding > health_check", "onboarding > health_check > silence"], "chars": "014332"},
    "variant": {"dict": ["health_check > onboarding", "onboarding", "onboarding > churn", "onboarding > health_check", "onboarding > health_check > silence"], "chars": "014332"},
    "last_stage": {"dict": ["health_check", "onboarding"], "chars": "110001"},
    "terminal": {"dict": ["", "churn", "silence"], "chars": "002001"},
    "paying": {"dict": [false, true], "chars": "100100"},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "112301"},
    "region": {"dict": ["(no region)", "DACH", "East", "France"], "chars": "221320"},
    "tier": {"dict": ["(no tier)"], "chars": "000000"},
    "segment": {"dict": ["(no segment)"], "chars": "000000"},
    "period": {"dict": ["2024", "2025", "2026"], "chars": "120221"}
  }
}
