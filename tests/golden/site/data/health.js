HCP.data["health"] =
{
  "n": 7,
  "columns": {
    "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Cedar Labs", "Delta Foods GmbH", "Evergreen Power", "Falcon Media", "Granite Rail"], "chars": "0123456", "keys": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail"]},
    "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "1122301", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897"]},
    "geo": {"dict": ["AMS", "EMEA"], "chars": "0011100"},
    "region": {"dict": ["(unassigned)", "DACH", "East", "France"], "chars": "2211320", "slugs": ["unassigned-0dc657", "dach-aa6773", "east-4e2cd8", "france-7a1ca4"]},
    "segment": {"dict": ["(default)"], "chars": "0000000"},
    "state": {"dict": ["insufficient signal", "silent"], "chars": "0100001"},
    "score": {"values": [null, null, null, null, null, null, null]},
    "band": {"dict": ["Insufficient signal", "Silent"], "chars": "0100001"},
    "coverage": {"values": [0.1667, 0.0682, 0.1667, 0.1364, 0.1667, 0.1667, 0.0682]},
    "previous_score": {"values": [null, null, null, null, null, null, null]},
    "change": {"values": [null, null, null, null, null, null, null]},
    "change_data": {"values": [null, null, null, null, null, null, null]},
    "change_config": {"values": [null, null, null, null, null, null, null]},
    "change_cause": {"dict": [""], "chars": "0000000"},
    "weakest": {"dict": [""], "chars": "0000000"},
    "missing": {"dict": ["contacts_engaged response_rate response_hours tone risk_share tickets_per_month high_priority_share open_case_age escalations days_late unpaid_amount adoption usage_trend nps survey_response_rate", "contacts_engaged response_rate response_hours tone tickets_per_month high_priority_share open_case_age escalations days_late unpaid_amount adoption usage_trend nps survey_response_rate", "days_since_touch contacts_engaged response_rate response_hours tone risk_share tickets_per_month high_priority_share open_case_age escalations days_late unpaid_amount adoption usage_trend nps survey_response_rate"], "chars": "1210112"},
    "newest_event": {"minutes": [29853300, null, 29893920, 29481720, 29831910, 29892060, null]},
    "last_heard": {"minutes": [29853300, null, 29893920, 29481720, 29831910, 29892060, null]}
  }
}
