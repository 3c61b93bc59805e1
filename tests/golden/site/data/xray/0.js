HCP.data["xray/0"] =
{
  "accounts": {
    "n": 8,
    "columns": {
      "account_key": {"values": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail", ""]},
      "account": {"dict": ["Acme Org", "Blue Harbor Inc", "Cedar Labs", "Delta Foods GmbH", "Evergreen Power", "Falcon Media", "Granite Rail"], "chars": "01234560"},
      "owner": {"dict": ["(unassigned)", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "11223010", "slugs": ["unassigned-0dc657", "ana-ortiz-9b4138", "ben-chen-0a32ec", "carla-muller-903897"]},
      "geo": {"dict": ["(unassigned)", "AMS", "EMEA"], "chars": "11222110"},
      "region": {"dict": ["(unassigned)", "DACH", "East", "France"], "chars": "22113200", "slugs": ["unassigned-0dc657", "dach-aa6773", "east-4e2cd8", "france-7a1ca4"]}
    }
  },
  "contracts": {
    "n": 7,
    "columns": {
      "account_key": {"values": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail"]},
      "contract_id": {"values": [2, 3, 4, 5, 6, 7, 8]},
      "product": {"values": ["SaaS", "VM", "HW", "Support", "Storage", "Network", "Security"]},
      "start": {"days": [20423, 20697, 20802, 19732, 20605, 20666, 20393]},
      "end": {"days": [20849, 21427, 21166, null, 20969, 21030, 20757]},
      "amount": {"values": [120000, 50000, 1200000, 15000, 80000, 30000, 10000]}
    }
  },
  "occasions": {
    "n": 17,
    "columns": {
      "account_key": {"dict": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail"], "chars": "00112233333445566"},
      "contract_id": {"values": [2, 2, 3, 3, 4, 4, 5, 5, 5, 5, 5, 6, 6, 7, 7, 8, 8]},
      "occasion": {"dict": ["onboarding", "periodic", "renewal"], "chars": "02020201111020202"},
      "k": {"values": [1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 1, 1, 1, 1, 1, 1]},
      "due": {"days": [20513, 20759, 20787, 21337, 20892, 21076, 19822, 20097, 20462, 20827, 21192, 20695, 20879, 20756, 20940, 20483, 20667]},
      "window_start": {"days": [20453, 20699, 20727, 21277, 20832, 21016, 19762, 20037, 20402, 20767, 21132, 20635, 20819, 20696, 20880, 20423, 20607]},
      "window_end": {"days": [20573, 20819, 20847, 21397, 20952, 21136, 19882, 20157, 20522, 20887, 21252, 20755, 20939, 20816, 21000, 20543, 20727]},
      "status": {"dict": ["done", "later", "missed", "overdue", "pending", "upcoming"], "chars": "23415522041053522"},
      "evidence_date": {"days": [null, null, null, null, null, null, null, null, 20458, null, null, 20680, null, null, null, null, null]},
      "unattached_date": {"days": [null, null, null, null, null, null, null, null, null, null, null, null, null, 20758, null, null, null]},
      "fiscal_quarter": {"dict": ["FY2024 Q2", "FY2025 Q1", "FY2026 Q1", "FY2026 Q3", "FY2026 Q4", "FY2027 Q1", "FY2027 Q2", "FY2027 Q3", "FY2028 Q1", "FY2028 Q2"], "chars": "24495701258354623"},
      "product": {"dict": ["HW", "Network", "SaaS", "Security", "Storage", "Support", "VM"], "chars": "22660055555441133"},
      "amount": {"values": [120000, 120000, 50000, 50000, 1200000, 1200000, 15000, 15000, 15000, 15000, 15000, 80000, 80000, 30000, 30000, 10000, 10000]},
      "urgency": {"values": [null, 2, 3, null, 6, 8, null, null, null, 4, null, null, 5, 1, 7, null, null]},
      "next_action": {"dict": ["", "Onboarding check for the HW contract is due on 2027-03-15, in 112 days: log a Health Check with its report attached between 2027-01-14, when the window opens, and 2027-05-14.", "Onboarding check for the Network contract is 24 days overdue; the Health Check logged on 2026-11-01 has no report attached: attach the report to it by 2026-12-29, when the window closes.", "Onboarding check for the VM contract is due in 7 days, on 2026-11-30: log a Health Check with its report attached by then (the window closes 2027-01-29).", "Periodic check #3 for the Support contract is due in 47 days, on 2027-01-09: log a Health Check with its report attached by then (the window closes 2027-03-10).", "Renewal check for the HW contract is due on 2027-09-15, in 296 days: log a Health Check with its report attached between 2027-07-17, when the window opens, and 2027-11-14.", "Renewal check for the Network contract is due on 2027-05-02, in 160 days: log a Health Check with its report attached between 2027-03-03, when the window opens, and 2027-07-01.", "Renewal check for the SaaS contract is 21 days overdue: log a Health Check with its report attached by 2027-01-01, when the window closes (in 39 days).", "Renewal check for the Storage contract is due on 2027-03-02, in 99 days: log a Health Check with its report attached between 2027-01-01, when the window opens, and 2027-05-01."], "chars": "07301500040082600"},
      "label": {"dict": ["onboarding", "periodic #1", "periodic #2", "periodic #3", "periodic #4", "renewal"], "chars": "05050501234050505"}
    }
  },
  "activities": {
    "n": 9,
    "columns": {
      "account_key": {"dict": ["acme org", "cedar labs", "delta foods", "evergreen power", "falcon media"], "chars": "000122334"},
      "owner": {"dict": ["", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "111222330"},
      "subject": {"dict": ["Demo", "Health Check", "Health check review", "HEALTH_CHECK Q1", "Pricing discussion", "QBR"], "chars": "151031142"},
      "opportunity": {"dict": ["", "Expansion", "New Logo", "Renewal"], "chars": "030200010"},
      "revenue": {"values": [null, 250000, null, 15000, null, null, null, 40000, null]},
      "timestamp": {"minutes": [29146140, 29853300, 29935320, 29893920, 29460120, 29481720, 29779800, 29831910, 29892060]},
      "attachment": {"dict": [false, true], "chars": "101011100"},
      "is_hc": {"dict": [false, true], "chars": "101011101"},
      "verdict": {"dict": ["", "counted", "not counted"], "chars": "202011102"},
      "why": {"values": ["outside every health-check window of this account", "", "dated after the as-of date (2026-11-23)", "", "counts for periodic #2 due 2026-01-09", "counts for periodic #2 due 2026-01-09 (already done by the check of 2026-01-05)", "counts for onboarding due 2026-08-30", "", "no attachment, so its credit is not logged; in the window of onboarding due 2026-10-30"]}
    }
  },
  "events": {
    "n": 39,
    "columns": {
      "account_key": {"dict": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail"], "chars": "000000011112222233333333444444555556666"},
      "when": {"minutes": [29146140, 29409120, 29538720, 29853300, 29892960, 29935320, 30022560, 29803680, 29933280, 30725280, 30854880, 29893920, 29954880, 30084480, 30349440, 30479040, 28414080, 28543680, 28939680, 29460120, 29465280, 29481720, 29990880, 30516480, 29671200, 29779800, 29800800, 29831910, 30065760, 30195360, 29759040, 29888640, 29892060, 30153600, 30283200, 29365920, 29495520, 29760480, 29890080]},
      "event": {"dict": ["activity", "contract end", "contract start", "health check", "health check due"], "chars": "324043124410244124434344234041243412441"},
      "source": {"dict": ["activities", "contracts"], "chars": "011010111110111111101011101011110111111"},
      "line": {"values": [5, 2, 2, 6, 2, 7, 2, 3, 3, 3, 3, 10, 4, 4, 4, 4, 5, 5, 5, 8, 5, 9, 5, 5, 6, 2, 6, 3, 6, 6, 7, 7, 4, 7, 7, 8, 8, 8, 8]},
      "what": {"dict": ["Demo", "Health Check", "Health check review", "HEALTH_CHECK Q1", "HW", "Network", "Pricing discussion", "QBR", "SaaS", "Security", "Storage", "Support", "VM"], "chars": "1887818cccc04444bbb3b1bba1a6aa552559999"},
      "who": {"dict": ["", "Ana Ortiz", "Ben Chen", "Carla Müller"], "chars": "100101000002000000020200030300000000000"},
      "amount": {"values": [null, 120000, null, 250000, null, null, 120000, 50000, null, null, 50000, 15000, 1200000, null, null, 1200000, 15000, null, null, null, null, null, null, null, 80000, null, null, 40000, null, 80000, 30000, null, null, null, 30000, 10000, null, null, 10000]},
      "detail": {"dict": ["", "counts for onboarding due 2026-08-30", "counts for periodic #2 due 2026-01-09", "counts for periodic #2 due 2026-01-09 (already done by the check of 2026-01-05)", "not counted: dated after the as-of date (2026-11-23)", "not counted: no attachment, so its credit is not logged; in the window of onboarding due 2026-10-30", "not counted: outside every health-check window of this account", "onboarding; done", "onboarding; missed", "onboarding; overdue", "onboarding; pending", "onboarding; upcoming", "periodic; done", "periodic; later", "periodic; missed", "periodic; pending", "renewal; later", "renewal; missed", "renewal; overdue", "renewal; upcoming"], "chars": "6080i400ag000bj008e2c3fd0170j0095j008h0"},
      "measures": {"dict": ["", "days_since_touch", "touches_per_month days_since_touch risk_share"], "chars": "000200000002000000010100020200002000000"}
    }
  },
  "ids": {
    "n": 0,
    "columns": {
      "account_key": {"dict": [], "chars": ""},
      "source": {"dict": [], "chars": ""},
      "what": {"dict": [], "chars": ""},
      "ids": {"dict": [], "chars": ""}
    }
  },
  "pipeline": {
    "n": 1,
    "columns": {
      "owner": {"values": ["Carla Müller"]},
      "check_date": {"days": [20680]},
      "opportunity": {"values": ["Expansion"]},
      "activity_date": {"days": [20716]},
      "revenue": {"values": [40000]},
      "account_key": {"values": ["evergreen power"]}
    }
  },
  "health": {
    "n": 7,
    "columns": {
      "account_key": {"values": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail"]},
      "state": {"dict": ["insufficient signal", "silent"], "chars": "0100001"},
      "score": {"values": [null, null, null, null, null, null, null]},
      "band": {"dict": [""], "chars": "0000000"},
      "coverage": {"values": [0.1667, 0.0682, 0.1667, 0.1364, 0.1667, 0.1667, 0.0682]},
      "change": {"values": [null, null, null, null, null, null, null]},
      "change_cause": {"dict": [""], "chars": "0000000"}
    }
  },
  "measures": {
    "n": 119,
    "columns": {
      "account_key": {"dict": ["acme org", "blue harbor", "cedar labs", "delta foods", "evergreen power", "falcon media", "granite rail"], "chars": "00000000000000000111111111111111112222222222222222233333333333333333444444444444444445555555555555555566666666666666666"},
      "group": {"dict": ["billing", "engagement", "support", "surveys", "tone", "usage"], "chars": "00111112222334455001111122223344550011111222233445500111112222334455001111122223344550011111222233445500111112222334455"},
      "measure": {"dict": ["adoption", "contacts_engaged", "days_late", "days_since_touch", "escalations", "high_priority_share", "nps", "open_case_age", "response_hours", "response_rate", "risk_share", "survey_response_rate", "tickets_per_month", "tone", "touches_per_month", "unpaid_amount", "usage_trend"], "chars": "2fe3198c5746bda0g2fe3198c5746bda0g2fe3198c5746bda0g2fe3198c5746bda0g2fe3198c5746bda0g2fe3198c5746bda0g2fe3198c5746bda0g"},
      "raw": {"values": [null, null, 0.1667, 49.0, null, null, null, null, null, null, null, null, null, null, 0.0, null, null, null, null, 0.0, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 0.1667, 21.0, null, null, null, null, null, null, null, null, null, null, 0.0, null, null, null, null, 0.0, 307.0, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 0.3333, 64.0, null, null, null, null, null, null, null, null, null, null, 0.0, null, null, null, null, 0.1667, 22.0, null, null, null, null, null, null, null, null, null, null, 0.0, null, null, null, null, 0.0, null, null, null, null, null, null, null, null, null, null, null, null, null, null]},
      "points": {"values": [null, null, 4.2, 49.4, null, null, null, null, null, null, null, null, null, null, 100.0, null, null, null, null, 0.0, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 4.2, 83.1, null, null, null, null, null, null, null, null, null, null, 100.0, null, null, null, null, 0.0, 0.0, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 8.3, 31.3, null, null, null, null, null, null, null, null, null, null, 100.0, null, null, null, null, 4.2, 81.9, null, null, null, null, null, null, null, null, null, null, 100.0, null, null, null, null, 0.0, null, null, null, null, null, null, null, null, null, null, null, null, null, null]},
      "weight": {"values": [0.0909, 0.0455, 0.0682, 0.0682, 0.0341, 0.0682, 0.0341, 0.0519, 0.0519, 0.026, 0.0519, 0.0909, 0.0455, 0.0606, 0.0303, 0.1212, 0.0606, 0.0909, 0.0455, 0.0682, 0.0682, 0.0341, 0.0682, 0.0341, 0.0519, 0.0519, 0.026, 0.0519, 0.0909, 0.0455, 0.0606, 0.0303, 0.1212, 0.0606, 0.0909, 0.0455, 0.0682, 0.0682, 0.0341, 0.0682, 0.0341, 0.0519, 0.0519, 0.026, 0.0519, 0.0909, 0.0455, 0.0606, 0.0303, 0.1212, 0.0606, 0.0909, 0.0455, 0.0682, 0.0682, 0.0341, 0.0682, 0.0341, 0.0519, 0.0519, 0.026, 0.0519, 0.0909, 0.0455, 0.0606, 0.0303, 0.1212, 0.0606, 0.0909, 0.0455, 0.0682, 0.0682, 0.0341, 0.0682, 0.0341, 0.0519, 0.0519, 0.026, 0.0519, 0.0909, 0.0455, 0.0606, 0.0303, 0.1212, 0.0606, 0.0909, 0.0455, 0.0682, 0.0682, 0.0341, 0.0682, 0.0341, 0.0519, 0.0519, 0.026, 0.0519, 0.0909, 0.0455, 0.0606, 0.0303, 0.1212, 0.0606, 0.0909, 0.0455, 0.0682, 0.0682, 0.0341, 0.0682, 0.0341, 0.0519, 0.0519, 0.026, 0.0519, 0.0909, 0.0455, 0.0606, 0.0303, 0.1212, 0.0606]},
      "contribution": {"values": [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]},
      "newest_event": {"minutes": [null, null, 29853300, 29853300, null, null, null, null, null, null, null, null, null, null, 29853300, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 29893920, 29893920, null, null, null, null, null, null, null, null, null, null, 29893920, null, null, null, null, null, 29481720, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 29831910, 29831910, null, null, null, null, null, null, null, null, null, null, 29831910, null, null, null, null, 29892060, 29892060, null, null, null, null, null, null, null, null, null, null, 29892060, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]},
      "events": {"values": [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]},
      "window_start": {"days": [20416, 20416, 20601, 20416, 20601, 20601, 20601, 20601, 20601, 20416, 20601, 20416, 20416, 20601, 20601, 20661, 20541, 20416, 20416, 20601, 20416, 20601, 20601, 20601, 20601, 20601, 20416, 20601, 20416, 20416, 20601, 20601, 20661, 20541, 20416, 20416, 20601, 20416, 20601, 20601, 20601, 20601, 20601, 20416, 20601, 20416, 20416, 20601, 20601, 20661, 20541, 20416, 20416, 20601, 20416, 20601, 20601, 20601, 20601, 20601, 20416, 20601, 20416, 20416, 20601, 20601, 20661, 20541, 20416, 20416, 20601, 20416, 20601, 20601, 20601, 20601, 20601, 20416, 20601, 20416, 20416, 20601, 20601, 20661, 20541, 20416, 20416, 20601, 20416, 20601, 20601, 20601, 20601, 20601, 20416, 20601, 20416, 20416, 20601, 20601, 20661, 20541, 20416, 20416, 20601, 20416, 20601, 20601, 20601, 20601, 20601, 20416, 20601, 20416, 20416, 20601, 20601, 20661, 20541]},
      "event_types": {"dict": ["activity health_check", "activity health_check ticket_opened", "invoice_due", "survey_answer", "survey_answer survey_no_answer", "ticket_opened", "usage"], "chars": "22000005555341166220000055553411662200000555534116622000005555341166220000055553411662200000555534116622000005555341166"},
      "source_rows": {"dict": ["", "activities:10", "activities:2-3", "activities:4", "activities:6", "activities:8-9"], "chars": "00440000000000400000000000000000000011000000000010000050000000000000002200000000002000033000000000030000000000000000000"},
      "data_change": {"values": [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]},
      "config_change": {"values": [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]}
    }
  },
  "texts": {
    "n": 5,
    "columns": {
      "account_key": {"dict": ["acme org", "cedar labs", "evergreen power", "falcon media"], "chars": "01223"},
      "at": {"minutes": [29853300, 29893920, 29779800, 29831910, 29892060]},
      "source": {"dict": ["activities"], "chars": "00000"},
      "text": {"values": ["QBR", "Demo", "Health Check", "Pricing discussion", "Health check review"]},
      "tone": {"dict": ["no signal"], "chars": "00000"},
      "decided_by": {"dict": [""], "chars": "00000"},
      "themes": {"dict": ["", "Discovery", "Pricing"], "chars": "01020"},
      "theme_words": {"dict": ["", "demo", "pricing"], "chars": "01020"}
    }
  },
  "journey": {
    "n": 6,
    "columns": {
      "account_key": {"values": ["acme org", "blue harbor", "delta foods", "evergreen power", "falcon media", "granite rail"]},
      "path": {"dict": ["health_check > onboarding", "onboarding", "onboarding > churn", "onboarding > health_check", "onboarding > health_check > silence"], "chars": "014332"},
      "last_stage": {"dict": ["health_check", "onboarding"], "chars": "110001"},
      "terminal": {"dict": ["", "churn", "silence"], "chars": "002001"},
      "terminal_date": {"days": [null, null, 20653, null, null, 20757]}
    }
  },
  "journey_cases": {
    "n": 0,
    "columns": {
      "account_key": {"dict": [], "chars": ""},
      "opened": {"days": []},
      "stage": {"dict": [], "chars": ""},
      "preceding": {"dict": [], "chars": ""},
      "days_before": {"values": []}
    }
  }
}
