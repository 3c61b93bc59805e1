"""The catalogue: every table the transform makes, declared once, and the steps that make them.

Each :class:`~hcportal.core.tables.Table` names its columns with their kinds and meanings, its
key, the column with each row's account key (a site cut for one region or owner keeps the rows of
its accounts), its CSV export for people (the published contract of GUIDE section 4) and the
step that makes it. The runner orders :data:`STEPS` from what each needs and makes (:data:`PLAN`)
and checks every output against these declarations; the data folder, ``meta.json``'s counts,
the site's loading and ``docs/data.md``'s reference are all derived from them.

Adding a table: its step in its own module (a function and a :class:`~transform.steps.Step`
naming what it needs and makes), its entry below, and the step in :data:`STEPS`.
"""

from __future__ import annotations

from hcportal.core.tables import BOOL, DATE, FLOAT, INT, TEXT, TIMESTAMP, Column, Table, catalogue
from hcportal.transform import (
    alerts,
    efficacy,
    events,
    health_map,
    journeys,
    outputs,
    score,
    score_sources,
    unmatched,
    verdicts,
)
from hcportal.transform.reports import LOAD_STEPS, REPORTS
from hcportal.transform.score_settings import MEASURES
from hcportal.transform.steps import plan

C = Column
KEY = "The account's matching key (case, accents, punctuation and legal suffixes ignored)."
LINE = "Its line in {file} (the header is line 1; a title block above it counts)."
OWNER = "The account's owner (seller), from the accounts report; blank if none."
GEO = "The account's geography (AMS, EMEA, JAPAC, ...), from the accounts report."
REGION = "The account's region within its geography, from the accounts report."
ACCOUNT = "The account's name as the accounts report spells it (else as this report does)."
# Where an account sits in the book (from the accounts report): what a site is filtered and cut by.
PLACE = (C("owner", TEXT, OWNER), C("geo", TEXT, GEO), C("region", TEXT, REGION))
BOOK = (C("account", TEXT, ACCOUNT), *PLACE)
OCCASION = "`onboarding`, `renewal` or `periodic`."
BANDS = "`Low`, `Mid`, `High` (by `health_map.mid_from` and `high_from`) or `Silent` (no answer)."
THIN = "Some answers, but fewer than `health_map.min_responses`: too little to act on alone."
STATUSES = "`done`, `missed`, `overdue`, `pending`, `upcoming` or `later` (policy.md#status)."
# Urgency and the next action (transform/urgency.py): blank unless overdue, pending or upcoming.
URGENCY = (
    C("days_overdue", INT, "Days since the due date; blank unless overdue."),
    C("days_to_due", INT, "Days left to the due date (0: due today); blank unless pending or "
      "upcoming."),
    C("days_to_close", INT, "Days left until the window closes (0: its last day); blank unless "
      "overdue, pending or upcoming."),
    C("urgency", INT, "1 for the most urgent target occasion of the book, 2 for the next, ...: "
      "overdue first (fewest days left in the window first), then pending (nearest due date "
      "first), then upcoming (nearest due date first); ties to the larger amount. Blank unless "
      "overdue, pending or upcoming (policy.md#urgency-and-the-next-action)."),
    C("next_action", TEXT, "What to do, in one sentence: the occasion, the contract, the days, "
      "what to log and by when. Blank unless overdue, pending or upcoming."),
)  # fmt: skip

TABLES = catalogue(
    [
        Table(
            "accounts", "account of the accounts report (the first row of a repeated account)",
            "load accounts",
            (
                C("owner", TEXT, "Its owner (seller); blank if none."),
                C("account", TEXT, "Its name, as the export spells it (trimmed)."),
                C("geo", TEXT, "Its geography (AMS, EMEA, JAPAC, ...)."),
                C("region", TEXT, "Its region within the geography."),
                C("account_key", TEXT, KEY),
                C("_line", INT, LINE.format(file="accounts.csv")),
            ),
            key=("account_key",), account="account_key",
            extra="Every other column of the accounts export under its own header (Tier, "
            "Industry, ...), between region and account_key.",
        ),
        Table(
            "contracts", "contract row of the contracts report (a repeated row counts once)",
            "load contracts",
            (
                C("contract_id", INT, "The contract's line in contracts.csv: its identity here."),
                C("account", TEXT, "The account, as the contracts report spells it."),
                C("product", TEXT, "What was sold."),
                C("start", DATE, "First day of the term."),
                C("end", DATE, "Last day of the term; blank for an evergreen contract."),
                C("amount", FLOAT, "The contract's value (0 when blank or unreadable)."),
                C("account_key", TEXT, KEY),
                C("_line", INT, LINE.format(file="contracts.csv")),
            ),
            key=("contract_id",), account="account_key",
        ),
        Table(
            "activities", "activity of the activities report with a date and an account",
            "load activities",
            (
                C("owner", TEXT, "Who logged it (the export's Name)."),
                C("account", TEXT, "The account, as the activities report spells it."),
                C("account_key", TEXT, KEY),
                C("opportunity", TEXT, "The opportunity it relates to; blank if none."),
                C("subject", TEXT, "What it was."),
                C("revenue", FLOAT, "The opportunity's revenue; blank if none or unreadable."),
                C("timestamp", TIMESTAMP, "When it happened."),
                C("date", DATE, "Its day."),
                C("attachment", BOOL, "A deliverable is attached (yes, or a positive count)."),
                C("is_hc", BOOL, "Its Subject matches `evidence_subject`: a logged health check."),
                C("contact", TEXT, "Who at the customer it was with; blank if the export has no "
                  "Contact."),
                C("direction", TEXT, "Which way it went (Inbound, Outbound); blank if none."),
                C("type", TEXT, "How (Email, Call, Meeting); blank if none."),
                C("description", TEXT, "Its notes; blank if none."),
                C("_line", INT, LINE.format(file="activities.csv")),
            ),
            key=("_line",), account="account_key",
        ),
        Table(
            "surveys", "survey question sent to a contact (an empty rating: not answered)",
            "load surveys",
            (
                C("account", TEXT, "The account, as the surveys report spells it."),
                C("account_key", TEXT, KEY),
                C("contact", TEXT, "Who was asked; blank if the export has no Contact."),
                C("role", TEXT, "The contact's role; blank if none."),
                C("questionnaire", TEXT, "Which survey; blank if none."),
                C("wave", TEXT, "Which sending of it; blank if none."),
                C("question", TEXT, "The question; blank if none."),
                C("date", DATE, "When it was sent or answered."),
                C("rating", FLOAT, "The answer on `parsing.rating_scale`; blank: not answered."),
                C("responded", BOOL, "The contact answered (the rating is not blank)."),
                C("_line", INT, LINE.format(file="surveys.csv")),
            ),
            key=("_line",), account="account_key", optional=True,
        ),
        Table(
            "tickets", "support case (a repeated case number counts once)", "load tickets",
            (
                C("case_number", TEXT, "The case's id; blank if none."),
                C("account", TEXT, "The account, as the support system spells it."),
                C("account_key", TEXT, KEY),
                C("opened", TIMESTAMP, "When it was opened."),
                C("closed", TIMESTAMP, "When it was closed; blank while open."),
                C("priority", TEXT, "Its priority; blank if none."),
                C("status", TEXT, "Its status; blank if none."),
                C("escalated", BOOL, "It was escalated."),
                C("subject", TEXT, "What it was about; blank if none."),
                C("_line", INT, LINE.format(file="tickets.csv")),
            ),
            key=("_line",), account="account_key", optional=True,
        ),
        Table(
            "invoices", "invoice (a repeated invoice number counts once)", "load invoices",
            (
                C("invoice_number", TEXT, "The invoice's id; blank if none."),
                C("account", TEXT, "The account, as billing spells it."),
                C("account_key", TEXT, KEY),
                C("invoice_date", DATE, "When it was issued."),
                C("due_date", DATE, "When payment was due; blank if none."),
                C("paid_date", DATE, "When it was paid; blank if unpaid."),
                C("amount", FLOAT, "What it bills, in the book's currency; blank if none or "
                  "unreadable."),
                C("status", TEXT, "Its status as billing says (Paid, Open, Overdue, ...)."),
                C("paid", BOOL, "It has a paid date."),
                C("days_late", FLOAT, "Days from the due date to the payment (negative: early); "
                  "blank if unpaid or without a due date."),
                C("_line", INT, LINE.format(file="invoices.csv")),
            ),
            key=("_line",), account="account_key", optional=True,
        ),
        Table(
            "usage", "account and month of product usage (a repeated month counts once)",
            "load usage",
            (
                C("account", TEXT, "The account (or tenant), as the usage report spells it."),
                C("account_key", TEXT, KEY),
                C("month", DATE, "The month's first day."),
                C("active_users", FLOAT, "Users active that month; blank if none or unreadable."),
                C("licensed_users", FLOAT, "Seats licensed; blank if none or unreadable."),
                C("events", FLOAT, "Product events recorded; blank if none or unreadable."),
                C("_line", INT, LINE.format(file="usage.csv")),
            ),
            key=("_line",), account="account_key", optional=True,
        ),
        Table(
            "occasions", "occasion of every contract (onboarding, renewal, periodic)", "policy",
            (
                C("contract_id", INT, "The contract it is an occasion of."),
                C("occasion", TEXT, OCCASION),
                C("k", INT, "Which periodic occasion (1, 2, ...); 1 for the others."),
                C("due", DATE, "Its due date."),
                C("window_start", DATE, "First day a check counts for it."),
                C("window_end", DATE, "Last day a check counts for it."),
                C("account_key", TEXT, KEY),
                C("evidence_date", DATE, "The day of the first attached check in the window, "
                  "not after the as-of date; blank if none."),
                C("unattached_date", DATE, "The day of the first check without attachment in "
                  "the window; blank if none."),
                C("status", TEXT, STATUSES),
                C("unattached_hc", BOOL, "Not done, with a check without attachment in the "
                  "window: it may have happened, its credit is not logged."),
                C("fiscal_quarter", TEXT, "Fiscal quarter of the due date (`FY2027 Q1`)."),
                C("product", TEXT, "The contract's product."),
                C("contract_start", DATE, "The contract's start."),
                C("contract_end", DATE, "The contract's end; blank if evergreen."),
                C("amount", FLOAT, "The contract's amount."),
                *BOOK,
                *URGENCY,
            ),
            key=("contract_id", "occasion", "k"), account="account_key", count_by="status",
        ),
        Table(
            "targets", "occasion that is overdue, pending or upcoming (largest amount first)",
            "policy",
            (
                *BOOK,
                C("product", TEXT, "The contract's product."),
                C("contract_start", DATE, "The contract's start."),
                C("contract_end", DATE, "The contract's end; blank if evergreen."),
                C("amount", FLOAT, "The contract's amount."),
                C("occasion", TEXT, OCCASION),
                C("due_date", DATE, "Its due date."),
                C("window_start", DATE, "First day a check counts for it."),
                C("window_end", DATE, "Last day a check counts for it."),
                C("status", TEXT, "`overdue`, `pending` or `upcoming`."),
                C("fiscal_quarter", TEXT, "Fiscal quarter of the due date (`FY2027 Q1`)."),
                C("unattached_hc", BOOL, "A check without attachment was logged in the window."),
                *URGENCY,
                C("contract_id", INT, "The contract it is an occasion of."),
                C("k", INT, "Which periodic occasion (1, 2, ...); 1 for the others."),
                C("account_key", TEXT, KEY),
            ),
            key=("contract_id", "occasion", "k"), account="account_key", count_by="status",
            csv=(
                "account", "owner", "geo", "region", "product", "contract_start", "contract_end",
                "amount", "occasion", "due_date", "window_start", "window_end", "status",
                "fiscal_quarter", "unattached_hc", "days_overdue", "days_to_due", "days_to_close",
                "urgency", "next_action",
            ),
        ),
        Table(
            "candidates", "account with at least one target occasion (largest amount first)",
            "policy",
            (
                *BOOK,
                C("status", TEXT, "The most urgent of its target occasions: overdue > pending > "
                  "upcoming."),
                C("next_due", DATE, "The earliest due date among them."),
                C("amount", FLOAT, "The sum of the amounts of the contracts that have such "
                  "occasions, each contract once."),
                C("occasions", INT, "How many target occasions it has."),
                C("urgency", INT, "The urgency of its most urgent target occasion (1: the most "
                  "urgent of the book)."),
                C("next_action", TEXT, "That occasion's next action."),
                C("account_key", TEXT, KEY),
            ),
            key=("account_key",), account="account_key",
            csv=("account", "owner", "geo", "region", "status", "next_due", "amount", "occasions",
                 "urgency", "next_action"),
        ),
        Table(
            "efficacy", "owner or region, and fiscal quarter of the due date", "credit",
            (
                C("level", TEXT, "`owner` or `region`."),
                C("name", TEXT, "The owner or the region (`(unassigned)`, `(no region)`)."),
                C("geo", TEXT, "For `region` rows, the region's geography; blank for owners."),
                C("period", TEXT, "The fiscal quarter of the due date (`FY2026 Q3`)."),
                C("due", INT, "Occasions due in that period, up to the as-of date: "
                  "closed + open."),
                C("closed", INT, "Of those, the occasions whose window has closed (the as-of "
                  "date is after its last day): done_on_time + done_late + missed."),
                C("done_on_time", INT, "Window closed; evidence on or before the due date."),
                C("done_late", INT, "Window closed; evidence after the due date."),
                C("missed", INT, "Window closed with no evidence."),
                C("open", INT, "Window still open (its outcome is not known yet): not counted "
                  "in the on-time rate."),
                C("open_done", INT, "Of the open ones, those done already."),
                C("unattached", INT, "Due, not done, with a check without attachment in the "
                  "window."),
                C("on_time_rate", FLOAT, "done_on_time / closed, from 0 to 1; blank when no "
                  "window has closed.", decimals=4),
            ),
            key=("level", "name", "geo", "period"),
            csv=(
                "level", "name", "geo", "period", "due", "closed", "done_on_time", "done_late",
                "missed", "open", "open_done", "unattached", "on_time_rate",
            ),
        ),
        Table(
            "influenced_pipeline", "opportunity activity credited to a done check", "credit",
            (
                *BOOK,
                C("check_date", DATE, "The day of the done check."),
                C("checked_by", TEXT, "Who logged the check (the activity's Name)."),
                C("opportunity", TEXT, "The opportunity activity's Opportunity."),
                C("activity_date", DATE, "Its day: 0 to `influence_days` after the check."),
                C("revenue", FLOAT, "Its Revenue."),
                C("logged_by", TEXT, "Who logged it."),
                C("days_after", INT, "Days from the check to the activity."),
                C("line", INT, "Its line in activities.csv."),
                C("account_key", TEXT, KEY),
            ),
            key=("line",), account="account_key",
            csv=(
                "account", "owner", "geo", "region", "check_date", "checked_by", "opportunity",
                "activity_date", "revenue", "logged_by", "days_after", "line", "account_key",
            ),
        ),
        Table(
            "check_verdicts", "logged health check and occasion whose window holds it (one row "
            "without an occasion for a check no window holds or dated after the as-of date)",
            "verdicts",
            (
                C("line", INT, "The check's line in activities.csv."),
                C("account_key", TEXT, KEY),
                C("check_date", DATE, "The check's day."),
                C("rule", TEXT, "The rule that decided: "
                  + "; ".join(f"`{r.code}`: {r.means}" for r in verdicts.RULES.values()) + "."),
                C("counts", BOOL, "The check is evidence for the occasion (it is done)."),
                C("contract_id", INT, "The occasion's contract; blank without an occasion."),
                C("occasion", TEXT, OCCASION + " Blank without an occasion."),
                C("k", INT, "Which periodic occasion; blank without an occasion."),
                C("due", DATE, "The occasion's due date."),
                C("evidence_date", DATE, "The occasion's evidence (its first attached check); "
                  "blank if none."),
            ),
            key=("line", "contract_id", "occasion", "k"), account="account_key",
        ),
        Table(
            "events", "dated fact of any report (a row can make several: a case opened and "
            "closed), ordered by account and time", "events",
            (
                C("account_key", TEXT, KEY),
                C("at", TIMESTAMP, "When (a day at midnight for reports that give days)."),
                C("type", TEXT, "What: " + "; ".join(
                    f"`{t}` ({source}): {means}" for t, (source, means) in events.TYPES.items()
                ) + "."),
                C("source", TEXT, "The report it comes from (`tickets`)."),
                C("line", INT, "Its row's line in that report's file."),
                *(C(name, kind, doc + " Null where it does not apply.")
                  for name, (kind, doc) in events.VALUES.items()),
            ),
            key=("source", "line", "type", "at", "occasion"), account="account_key",
            count_by="source",
        ),
        Table(
            "unmatched", "account name a report uses that no account of the accounts report has "
            "(after normalising and `aliases`), per report", "unmatched",
            (
                C("report", TEXT, "The report that names it (`tickets`)."),
                C("account", TEXT, "Its spelling there (the first row's)."),
                C("account_key", TEXT, KEY),
                C("rows", INT, "How many accepted rows of that report name it."),
                C("first_line", INT, "Its first line in that report's file."),
                C("suggestion", TEXT, "The closest account of the accounts report (rapidfuzz's "
                  "similarity of the keys, at least 60 of 100); blank if none is close."),
                C("score", FLOAT, "How close the suggestion is (0-100); blank without one."),
                C("alias", TEXT, "The line to add under `[transform.aliases]` to join it to the "
                  "suggestion, if that is the same customer."),
            ),
            key=("report", "account_key"), account="account_key",
            csv=("report", "account", "rows", "first_line", "suggestion", "score", "alias"),
        ),
        Table(
            "health_map", "account of the accounts report, placed by its Success and Experience "
            "net scores (seed 002; alphabetical)", "health map",
            (
                C("account", TEXT, "Its name, as the accounts report spells it."),
                C("account_key", TEXT, KEY),
                *PLACE,
                C("account_value", FLOAT, "The sum of the Amounts of its contracts active on the "
                  "as-of date (started, and not ended or evergreen), to the cent."),
                C("success_net", FLOAT, "Success net score: (high - low ratings) / responses x "
                  "100 to `health_map.success_question`, -100 to 100; blank: silent."),
                C("success_responses", INT, "Answers behind it (a non-responder is not one)."),
                C("success_band", TEXT, BANDS),
                C("success_thin", BOOL, THIN),
                C("experience_net", FLOAT, "Experience net score, the same to "
                  "`health_map.experience_question`; blank: silent."),
                C("experience_responses", INT, "Answers behind it."),
                C("experience_band", TEXT, BANDS),
                C("experience_thin", BOOL, THIN),
                C("promoters", INT, "Success answers rated high (promoters on an NPS question)."),
                C("passives", INT, "Success answers rated neither high nor low."),
                C("detractors", INT, "Success answers rated low."),
                C("sentiment", TEXT, "`green` (promoters outnumber passives and detractors), "
                  "`red` (detractors outnumber both), `gray` (no Success answer), else `yellow`."),
                C("action", TEXT, "The seed's action for the pair (Success band, Experience "
                  "band): docs/policy.md#the-account-health-map."),
                C("thin", BOOL, "Either measure is thin."),
            ),
            key=("account_key",), account="account_key", count_by="action",
            csv=(
                "account", "owner", "geo", "region", "account_value", "success_net",
                "success_responses", "success_band", "experience_net", "experience_responses",
                "experience_band", "sentiment", "action", "thin", "success_thin",
                "experience_thin", "promoters", "passives", "detractors",
            ),
        ),
        Table(
            "health_scores", "account of the accounts report, with its health score or state",
            "score",
            (
                *BOOK,
                C("segment", TEXT, "Its value of `score.segment_by` (the scorecard it is scored "
                  "by); blank: the default scorecard."),
                C("state", TEXT, "`scored`; `insufficient signal` (coverage below "
                  "`score.min_coverage`); `silent` (no activity, case or survey answer within "
                  "`score.silent_days`). Only `scored` accounts have a score and band."),
                C("score", FLOAT, "0-100, one decimal: the weighted mean of the points of the "
                  "measures with data (health-score.md); blank unless scored.", decimals=1),
                C("band", TEXT, "The first of `score.bands` whose `min_score` it reaches; blank "
                  "unless scored."),
                C("coverage", FLOAT, "The share (0-1) of the scorecard's weight whose measures had "
                  "data.", decimals=4),
                C("previous_score", FLOAT, "Its score in the previous run kept in the history; "
                  "blank if none.", decimals=1),
                C("change", FLOAT, "score - previous_score (both scored).", decimals=1),
                C("change_data", FLOAT, "The part of the change new data made (today's "
                  "configuration on both runs' data).", decimals=1),
                C("change_config", FLOAT, "The part a changed configuration made (the previous "
                  "data re-scored with today's configuration); change_data + change_config = "
                  "change.", decimals=1),
                C("change_cause", TEXT, "`data`, `config`, `data and config`; `state` (became or "
                  "stopped being silent or insufficient); `config changed state`; blank: none."),
                C("weakest", TEXT, "The measures that cost it the most points, with their points."),
                C("missing", TEXT, "The measures of its scorecard without data (space-separated)."),
                C("newest_event", TIMESTAMP, "Its newest event any measure read (freshness)."),
                C("last_heard", TIMESTAMP, "Its newest activity, case or survey answer."),
                C("account_key", TEXT, KEY),
            ),
            key=("account_key",), account="account_key",
            csv=(
                "account", "owner", "geo", "region", "segment", "state", "score", "band",
                "coverage", "previous_score", "change", "change_data", "change_config",
                "change_cause", "weakest", "missing", "newest_event", "last_heard", "account_key",
            ),
        ),
        Table(
            "health_explain", "account and measure of its scorecard: what the measure read, "
            "its points and its share of the score", "score",
            (
                C("account_key", TEXT, KEY),
                C("group", TEXT, "The measure's group: engagement, tone, support, billing, usage, "
                  "surveys."),
                C("measure", TEXT, "The measure: " + "; ".join(
                    f"`{m}`: {doc}" for m, (_, doc) in MEASURES.items()) + "."),
                C("raw", FLOAT, "Its raw value; blank: no data (a missing signal).", decimals=4),
                C("points", FLOAT, "0-100 by its scale; blank: no data.", decimals=1),
                C("weight", FLOAT, "Its normalised weight in the account's scorecard (all add up "
                  "to 1).", decimals=4),
                C("contribution", FLOAT, "Its points in the score: the account's contributions add "
                  "up to its score exactly; blank if no data or not scored.", decimals=1),
                C("newest_event", TIMESTAMP, "The newest event it read (its freshness)."),
                C("events", INT, "How many events it read."),
                C("window_start", DATE, "The first day of its window (the last is the as-of date)."),
                C("window_days", INT, "Its window in days."),
                C("event_types", TEXT, "The event types it reads (space-separated): the X-Ray "
                  "links it to them."),
                C("source_rows", TEXT, "The report lines it read, e.g. `activities:12-14,40;"
                  "tickets:7` (runs of consecutive lines as ranges), at most "
                  f"{score_sources.CAP} pieces then `(+N more)`; every one is in "
                  "`health_sources`, and the X-Ray links the measure to them."),
                C("previous_contribution", FLOAT, "Its contribution in the previous run.",
                  decimals=1),
                C("data_change", FLOAT, "The change of its contribution new data made.",
                  decimals=1),
                C("config_change", FLOAT, "The change of its contribution a changed configuration "
                  "made.", decimals=1),
            ),
            key=("account_key", "measure"), account="account_key",
            csv=(
                "account_key", "group", "measure", "raw", "points", "weight", "contribution",
                "newest_event", "events", "window_start", "window_days", "event_types",
                "source_rows", "previous_contribution", "data_change", "config_change",
            ),
        ),
        Table(
            "health_sources", "event (report line) a health-score measure read, with the "
            "measures that read it", "score",
            (
                C("account_key", TEXT, KEY),
                C("source", TEXT, "Its report (`activities`, `tickets`, `invoices`, `usage`, "
                  "`surveys`)."),
                C("line", INT, "Its line in that report."),
                C("type", TEXT, "The event's type (docs/data.md, `events`)."),
                C("measures", TEXT, "The measures that read it (space-separated): the X-Ray's "
                  "timeline shows a measure's events by this."),
            ),
            key=("source", "line", "type"), account="account_key",
        ),
        Table(
            "health_texts", "event with a communication text in the tone window, and the tone "
            "and themes of its text (each distinct text judged once)", "score",
            (
                C("account_key", TEXT, KEY),
                C("at", TIMESTAMP, "The event's time."),
                C("source", TEXT, "Its report (`activities`, `tickets`)."),
                C("line", INT, "Its line in that report."),
                C("text", TEXT, "Its Subject and notes."),
                C("tone", TEXT, "`positive`, `negative`, `neutral`, or `no signal` (no word of "
                  "the lexicon)."),
                C("compound", FLOAT, "vaderSentiment's compound score (-1 to 1).", decimals=4),
                C("decided_by", TEXT, "The words that carried a valence."),
                C("themes", TEXT, "The themes it hit (`; `-separated)."),
                C("theme_words", TEXT, "The words of those themes it holds."),
            ),
            key=("source", "line", "at"), account="account_key",
        ),
        Table(
            "alerts", "alert raised by this run on an account", "score",
            (
                C("alert_id", TEXT, "Stable for the same event, so no digest sends it twice."),
                C("account", TEXT, ACCOUNT),
                C("owner", TEXT, OWNER),
                C("region", TEXT, REGION),
                C("rule", TEXT, "Which: " + "; ".join(
                    f"`{r}`: {doc}" for r, doc in alerts.RULES.items()) + "."),
                C("detail", TEXT, "What happened, in words."),
                C("score", FLOAT, "Its score now (blank unless scored).", decimals=1),
                C("previous_score", FLOAT, "Its score in the previous run.", decimals=1),
                C("band", TEXT, "Its band now."),
                C("previous_band", TEXT, "Its band in the previous run."),
                C("weakest", TEXT, "The measures that cost it the most points."),
                C("due", DATE, "`silent_renewal`: the renewal check's due date."),
                C("account_key", TEXT, KEY),
            ),
            key=("alert_id",), account="account_key",
            csv=(
                "alert_id", "account", "owner", "region", "rule", "detail", "score",
                "previous_score", "band", "previous_band", "weakest", "due", "account_key",
            ),
        ),
        Table(
            "journey_accounts", "account with at least one journey stage", "journeys",
            (
                C("account_key", TEXT, KEY),
                C("path", TEXT, "Its journey: each stage at its first occurrence, in time order, "
                  "then `churn` or `silence` if it ended so (`onboarding > adoption > churn`)."),
                C("variant", TEXT, "The same path made of `variant_stages` only: what paths that "
                  "pay compare."),
                C("stages", INT, "How many stages its path has."),
                C("last_stage", TEXT, "The last stage it reached before churn or silence (or so "
                  "far)."),
                C("terminal", TEXT, "`churn` (no contract active on the as-of date), `silence` "
                  "(no signal for `silence_days`) or blank."),
                C("terminal_date", DATE, "When it churned (its last contract's end) or went "
                  "silent; blank if neither."),
                C("first_date", DATE, "Its first stage's day (the page's period filter)."),
                C("revenue", FLOAT, "The sum of its contracts' amounts."),
                C("cases", INT, "Its support cases (`support_stages`) up to the as-of date."),
                C("cases_per_year", FLOAT, "Cases per year since its first stage (at least a "
                  "quarter of a year).", decimals=3),
                C("paying", BOOL, "In the top `paying_share` by revenue and the bottom half by "
                  "cases per year, and still a customer: the group whose paths pay."),
                C("owner", TEXT, OWNER),
                C("region", TEXT, REGION),
                C("tier", TEXT, "The accounts report's `tier_column` (Tier)."),
                C("segment", TEXT, "The accounts report's `segment_column` (Industry)."),
            ),
            key=("account_key",), account="account_key", count_by="terminal",
        ),
        Table(
            "journey_dropoff", "journey stage (churn and silence are where accounts drop to)",
            "journeys",
            (
                C("stage", TEXT, "The stage."),
                C("order", INT, "Its place in the journey: by where in their paths accounts "
                  "reach it, on average."),
                C("reached", INT, "Accounts that reached it: what its figures rest on."),
                C("dropped", INT, "Of those, the accounts for which it was the last stage before "
                  "going silent or churning."),
                C("went_silent", INT, "Of the dropped, those that went silent."),
                C("churned", INT, "Of the dropped, those that churned."),
                C("rate", FLOAT, "dropped / reached; blank if none reached it.", decimals=4),
                C("thin", BOOL, "Fewer accounts reached it than `min_accounts`."),
                C("rank", INT, "1 for the stage after which most accounts drop off."),
                C("min_accounts", INT, "The `min_accounts` setting `thin` was judged by (the "
                  "journeys page judges filtered figures by it too)."),
            ),
            key=("stage",), csv=("stage", "order", "reached", "dropped", "went_silent",
                                 "churned", "rate", "thin", "rank"),
        ),
        Table(
            "journey_before_support",
            "stage, or sequence of stages, that came before a support case", "journeys",
            (
                C("kind", TEXT, "`stage` (one stage event) or `sequence` (`sequence_length` "
                  "stages in a row ending with it; support cases left out)."),
                C("pattern", TEXT, "The stage or the sequence (`adoption > upgrade`)."),
                C("occurrences", INT, "How many times it happened."),
                C("followed", INT, "Of those, how many were followed by a support case on the "
                  "account within `before_support_days`."),
                C("rate", FLOAT, "followed / occurrences.", decimals=4),
                C("base_rate", FLOAT, "The same rate over every stage event that is not a "
                  "case: what chance gives.", decimals=4),
                C("lift", FLOAT, "rate / base_rate: how many times more often than chance a "
                  "case follows it.", decimals=3),
                C("accounts", INT, "Accounts it happened on: what the figure rests on."),
                C("accounts_followed", INT, "Accounts where a case followed it."),
                C("thin", BOOL, "It happened on fewer accounts than `min_accounts`."),
                C("window_days", INT, "The `before_support_days` setting: the window looked "
                  "at after each event."),
            ),
            key=("kind", "pattern"),
            csv=("kind", "pattern", "occurrences", "followed", "rate", "base_rate", "lift",
                 "accounts", "accounts_followed", "thin"),
        ),
        Table(
            "journey_account_patterns", "account and stage (or sequence) that happened on it",
            "journeys",
            (
                C("account_key", TEXT, KEY),
                C("kind", TEXT, "`stage` or `sequence`."),
                C("pattern", TEXT, "The stage or sequence."),
                C("occurrences", INT, "How many times it happened on the account."),
                C("followed", INT, "How many of those a support case followed within the window "
                  "(summed over any set of accounts, these give that set's lift)."),
            ),
            key=("account_key", "kind", "pattern"), account="account_key",
        ),
        Table(
            "journey_cases", "support case (of `support_stages`), with what preceded it",
            "journeys",
            (
                C("account_key", TEXT, KEY),
                C("opened", TIMESTAMP, "When the case opened."),
                C("line", INT, "Its line in its report (tickets.csv): the events table's `line`."),
                C("stage", TEXT, "Its stage (`support`, `escalation`)."),
                C("preceding", TEXT, "The stage sequence ending with the last stage event before "
                  "it, if that came within `before_support_days`; blank otherwise."),
                C("days_before", FLOAT, "Days from that event to the case.", decimals=1),
            ),
            key=("account_key", "line", "stage"), account="account_key",
        ),
        Table(
            "journey_paths", "common path (variant) of the paying accounts or of the rest",
            "journeys",
            (
                C("path", TEXT, "The variant (`variant_stages` only)."),
                C("stages", INT, "How many stages it has."),
                C("paying_accounts", INT, "Paying accounts with this path."),
                C("paying_share", FLOAT, "Their share of the paying accounts.", decimals=4),
                C("rest_accounts", INT, "Other accounts with this path."),
                C("rest_share", FLOAT, "Their share of the other accounts.", decimals=4),
                C("ratio", FLOAT, "paying_share / rest_share: above 1, the path is more common "
                  "among paying accounts; blank if no other account took it.", decimals=3),
                C("accounts", INT, "All accounts with this path: what its figures rest on."),
                C("thin", BOOL, "Fewer accounts than `min_accounts`."),
            ),
            key=("path",),
            csv=("path", "stages", "paying_accounts", "paying_share", "rest_accounts",
                 "rest_share", "ratio", "accounts", "thin"),
        ),
        Table(
            "data_quality", "input row (or value) the transform could not use as is",
            "every step",
            (
                C("file", TEXT, "The export (`contracts.csv`)."),
                C("line", INT, "The line in it."),
                C("column", TEXT, "The field concerned; blank for the whole row."),
                C("value", TEXT, "What it held."),
                C("reason", TEXT, "Why it could not be used as is, and what was done instead."),
            ),
            csv=("file", "line", "column", "value", "reason"),
        ),
    ]
)  # fmt: skip

STEPS = (
    *LOAD_STEPS,
    outputs.STEP,
    efficacy.STEP,
    verdicts.STEP,
    events.STEP,
    unmatched.STEP,
    health_map.STEP,
    score.STEP,
    journeys.STEP,
)
# The data-quality findings are collected from every step, then made a table by the runner.
PLAN = plan(
    STEPS,
    TABLES,
    optional_reports={r.name for r in REPORTS.values() if not r.required},
    made_elsewhere=("data_quality",),
)
